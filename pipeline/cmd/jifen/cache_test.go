package main

import (
	"fmt"
	"os/exec"
	"path/filepath"
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
