package main

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestCache builds the demo town with a cache of parts as a town's daily publishing would: the
// first build makes every village, the next the same day none, a notice added to one village
// makes that village again (and the village linked to it by a move), and a later day makes those
// whose statuses changed with the time.
// Every site is byte for byte the whole build of the same records at the same time; shards with
// a cache each, put together, are too.
func TestCache(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	repo := filepath.Join(t.TempDir(), "records")
	if _, _, err := jifen(t, "demo", repo); err != nil {
		t.Fatal(err)
	}
	cache := filepath.Join(t.TempDir(), "parts")
	for _, step := range []struct {
		asOf, notice, say string
	}{
		{"2026-01-12T10:00", "", "4 villages built again, 0 unchanged"},
		{"2026-01-12T10:00", "", "0 villages built again, 4 unchanged"},
		{"2026-01-12T15:00", "villages/shimen/notices/2026-01-12-春节.md", "1 villages built again, 3 unchanged"},
		// 青石村's pages name the household that moved from it to 柳塘村.
		{"2026-01-12T16:00", "villages/liutang/notices/2026-01-12-春节.md", "2 villages built again, 2 unchanged"},
		{"2026-02-20T09:00", "", "4 villages built again, 0 unchanged"},
	} {
		if step.notice != "" {
			commitAt(t, repo, step.asOf+":00+08:00", "A notice", step.notice, "# 春节期间积分超市照常开放\n\n初一至初三上午开门。\n")
		}
		args := []string{"--repo", repo, "--as-of", step.asOf, "--lang", "en"}
		whole := buildSite(t, args...)
		stdout, cached := buildSiteOut(t, append(args, "--cache", cache)...)
		if !strings.Contains(stdout, step.say) {
			t.Errorf("as of %s: %q, want %q", step.asOf, stdout, step.say)
		}
		if diff := compareTrees(t, whole, cached); diff != "" {
			t.Errorf("as of %s, built with the cache: %s", step.asOf, diff)
		}
		if step.asOf == "2026-02-20T09:00" {
			parts := t.TempDir()
			for i := 1; i <= 2; i++ {
				share := filepath.Join(t.TempDir(), "share")
				buildSiteOut(t, append(args, "--shard", fmt.Sprintf("%d/2", i), "--cache", share)...)
				buildSiteOut(t, append(args, "--shard", fmt.Sprintf("%d/2", i), "--cache", share)...) // kept
				copyDir(t, share, parts)
			}
			if diff := compareTrees(t, whole, buildSite(t, append(args, "--parts", parts)...)); diff != "" {
				t.Errorf("shards with caches put together: %s", diff)
			}
		}
	}
}

// TestPartsOfBrokenRecords: a village's sheet with an error, then its village.toml that no
// longer reads, then a town.toml that no longer reads, each holding back what it touches. At each
// step, two shards put together with the town's part, and a build with a cache, are the whole
// build byte for byte, and none panics.
func TestPartsOfBrokenRecords(t *testing.T) {
	repo := twoVillages(t)
	commitAt(t, repo, "2025-08-03T10:00:00+08:00", "July",
		"villages/dongcun/sheets/2025-07.csv", sheetOf("2025-07", "D-01"),
		"villages/xicun/sheets/2025-07.csv", sheetOf("2025-07", "D-03"))
	cache := filepath.Join(t.TempDir(), "parts")
	for _, step := range []struct{ when, file, text string }{
		{"2025-09-03T10:00:00+08:00", "villages/xicun/sheets/2025-08.csv", sheetOf("2025-08", "D-99")},
		{"2025-09-04T10:00:00+08:00", "villages/dongcun/village.toml", "name = \"东村\n"},
		{"2025-09-05T10:00:00+08:00", "town.toml", "format = 1\nvillages = [\"dongcun\", \"xicun\"\n"},
	} {
		commitAt(t, repo, step.when, "Broken "+step.file, step.file, step.text)
		args := []string{"--repo", repo, "--as-of", "2025-09-20"}
		whole, _, _ := buildHeld(t, repo, "2025-09-20")
		parts := t.TempDir()
		for i := 1; i <= 2; i++ {
			_, share := buildIn(t, true, append(args, "--shard", fmt.Sprintf("%d/2", i))...)
			copyDir(t, share, parts)
		}
		_, out := buildIn(t, true, append(args, "--parts", parts)...)
		if diff := compareTrees(t, whole, out); diff != "" {
			t.Errorf("%s broken, the shards put together: %s", step.file, diff)
		}
		stdout, out := buildIn(t, true, append(args, "--cache", cache)...)
		if diff := compareTrees(t, whole, out); diff != "" {
			t.Errorf("%s broken, built with the cache: %s", step.file, diff)
		}
		if lines := strings.Split(stdout, "\n"); len(slices.Compact(slices.Sorted(slices.Values(lines)))) != len(lines) {
			t.Errorf("%s broken, built with the cache, a line is said twice:\n%s", step.file, stdout)
		}
	}
}
