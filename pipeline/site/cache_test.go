package site

import (
	"crypto/sha256"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jifen-project/jifen/pipeline/audit"
	"github.com/jifen-project/jifen/pipeline/demo"
	"github.com/jifen-project/jifen/pipeline/records"
	"github.com/jifen-project/jifen/pipeline/score"
	"github.com/jifen-project/jifen/pipeline/town"
)

// TestNextChange builds the demo town's public view every 31 hours over two windows of its
// history, the records fixed at the start of each, and checks what a cache of parts relies on:
// from any of those times to the next change that town.NextChange gives for a village, the
// village's view, its downloads and feed, and the declaration slip its page shows stay the same.
// It also checks that the bound is of use: a village's part stays fresh for days on average.
func TestNextChange(t *testing.T) {
	r, err := records.Replay("main", demo.Changes())
	if err != nil {
		t.Fatal(err)
	}
	cst := time.FixedZone("CST", 8*3600)
	windows := []struct{ from, to time.Time }{
		{time.Date(2025, 10, 20, 9, 0, 0, 0, cst), time.Date(2026, 1, 8, 0, 0, 0, 0, cst)},
		{demo.AsOf(), time.Date(2026, 4, 2, 0, 0, 0, 0, cst)},
	}
	for _, w := range windows {
		t.Run(w.from.Format(time.DateOnly), func(t *testing.T) {
			t.Parallel()
			nextChange(t, r, w.from, w.to)
		})
	}
}

// A moment is the view of each village at a time, and the next change town.NextChange gives.
type moment struct {
	at    time.Time
	views map[string][32]byte
	next  map[string]time.Time
}

// nextChange is TestNextChange over a window of time, the records as they were at its start.
func nextChange(t *testing.T, r *records.Repository, from, to time.Time) {
	src, err := records.Approved(r, records.Options{Until: from})
	if err != nil {
		t.Fatal(err)
	}
	tw, diags := town.Load(src, town.Options{Now: from})
	if diags.Errors() > 0 {
		t.Fatal(diags)
	}
	links := audit.Linked(src)
	var moments []moment
	for at := from; at.Before(to); at = at.Add(31 * time.Hour) {
		s, err := Publish(tw, score.Town(tw, at), at, "", All, nil)
		if err != nil {
			t.Fatal(err)
		}
		m := moment{at: at, views: map[string][32]byte{}, next: map[string]time.Time{}}
		for _, v := range s.Villages {
			m.views[v.ID] = villageHash(t, v, s.Town.Slip)
			m.next[v.ID] = tw.NextChange(links.Of(v.ID), at)
		}
		moments = append(moments, m)
	}
	fresh := 0
	for k, m := range moments {
		for _, id := range slices.Sorted(maps.Keys(m.views)) {
			for _, later := range moments[k+1:] {
				if !later.at.Before(m.next[id]) {
					break
				}
				fresh++
				if later.views[id] != m.views[id] {
					t.Errorf("%s: the view at %s differs from the one at %s, yet the next change is at %s", id,
						later.at.Format(time.DateTime), m.at.Format(time.DateTime), m.next[id].Format(time.DateTime))
					break
				}
			}
		}
	}
	if days := float64(fresh) * 31 / 24 / float64(len(moments)*len(moments[0].views)); days < 3 {
		t.Errorf("a part stays fresh %.1f days on average: the bound is too cautious to be of use", days)
	}
}

// villageHash is a hash of everything a village's pages are made from: its view, its files and
// the slip.
func villageHash(t *testing.T, v *Village, slip *Slip) [32]byte {
	t.Helper()
	data, err := json.Marshal(struct {
		V     *Village
		Files map[string][]byte
		Slip  *Slip
	}{v, v.files, slip})
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(data)
}

// TestFingerprint: the fingerprint of the site's project changes with a template, with hugo.toml
// and with the build's options, and not with the data a build writes.
func TestFingerprint(t *testing.T) {
	project := t.TempDir()
	for name, text := range map[string]string{"hugo.toml": "title = \"x\"\n", "layouts/home.html": "home\n", "i18n/zh.toml": "a = \"b\"\n"} {
		writeFile(t, filepath.Join(project, name), text)
	}
	h := Hugo{Project: project, Exe: os.Args[0]} // any executable will do
	print := func(extra ...string) string {
		t.Helper()
		fp, err := h.Fingerprint(t.Context(), extra...)
		if err != nil {
			t.Fatal(err)
		}
		return fp
	}
	base := print("https://example.org/")
	writeFile(t, filepath.Join(project, "data", "town.json"), "{}\n")
	if print("https://example.org/") != base {
		t.Error("the data a build writes changed the fingerprint")
	}
	if print("https://example.org/other/") == base {
		t.Error("another base URL left the fingerprint as it was")
	}
	for _, name := range []string{"layouts/home.html", "hugo.toml", "i18n/zh.toml", "layouts/new.html"} {
		writeFile(t, filepath.Join(project, name), "changed\n")
		if fp := print("https://example.org/"); fp == base {
			t.Errorf("a change to %s left the fingerprint as it was", name)
		} else {
			base = fp
		}
	}
}

// TestReplaceParts: replacing a village's part in a folder of parts, or pruning it, touches no
// file of a village whose id begins like its own; a summary that cannot be read (these are not
// JSON) does not keep a part from being pruned; names that are no village's go alone, and
// nothing outside the folder; a folder that is no cache is refused.
func TestReplaceParts(t *testing.T) {
	dir, built := t.TempDir(), t.TempDir()
	files := []string{"dong/index.html", "downloads/dong.csv", "downloads/dong_ledger.json", "downloads/data/dong.csv", summariesDir + "/dong.json"}
	for _, f := range files {
		writeFile(t, filepath.Join(dir, f), "old "+f)
		writeFile(t, filepath.Join(dir, strings.Replace(f, "dong", "dong-2", 1)), "other "+f)
		if f != "downloads/dong_ledger.json" { // the new part has one file fewer
			writeFile(t, filepath.Join(built, f), "new "+f)
		}
	}
	if err := Replace(dir, built, []string{"dong"}); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		got, _ := os.ReadFile(filepath.Join(dir, f))
		if want := "new " + f; f != "downloads/dong_ledger.json" && string(got) != want {
			t.Errorf("%s: %q, want %q", f, got, want)
		}
		other := strings.Replace(f, "dong", "dong-2", 1)
		if got, _ := os.ReadFile(filepath.Join(dir, other)); !strings.HasPrefix(string(got), "other ") {
			t.Errorf("%s: %q, want it untouched", other, got)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "downloads/dong_ledger.json")); err == nil {
		t.Error("a file of the old part is left")
	}
	outside := filepath.Join(filepath.Dir(dir), "kept.txt") // what names such as ".." reach
	writeFile(t, outside, "kept")
	writeFile(t, filepath.Join(dir, summariesDir, "..json"), "{}")
	writeFile(t, filepath.Join(dir, summariesDir, "..json.json"), "{}")
	writeFile(t, filepath.Join(dir, "Bad Name", "index.html"), "x")
	if err := Prune(dir, func(id string) bool { return id == "dong-2" }); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "dong")); err == nil {
		t.Error("the pruned village's folder is left")
	}
	if _, err := os.Stat(filepath.Join(dir, "dong-2/index.html")); err != nil {
		t.Error("pruning dong removed dong-2")
	}
	for _, name := range []string{summariesDir + "/..json", summariesDir + "/..json.json", "Bad Name"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Errorf("%s, which is no village's, is left", name)
		}
	}
	if _, err := os.Stat(outside); err != nil {
		t.Errorf("pruning reached outside the folder: %v", err)
	}
	project := t.TempDir() // a mistyped --cache
	writeFile(t, filepath.Join(project, "layouts/home.html"), "home")
	if err := Prune(project, func(string) bool { return false }); err == nil || !strings.Contains(err.Error(), "not a folder of parts") {
		t.Errorf("pruning a folder that is no cache: %v", err)
	}
	if _, err := os.Stat(filepath.Join(project, "layouts/home.html")); err != nil {
		t.Error("pruning a folder that is no cache deleted its files")
	}
}

// writeFile writes a file, making its folder.
func writeFile(t *testing.T, name, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestAddPartsRefusesLinks: a link among the parts is not published, nor is a file that the
// town's own pages have.
func TestAddPartsRefusesLinks(t *testing.T) {
	for name, make := range map[string]func(parts string){
		"a link":           func(parts string) { os.Symlink("/etc/passwd", filepath.Join(parts, "dong", "passwd")) },
		"the town's index": func(parts string) { writeFile(t, filepath.Join(parts, "index.html"), "x") },
	} {
		for _, keep := range []bool{true, false} {
			parts, stage := t.TempDir(), t.TempDir()
			writeFile(t, filepath.Join(parts, "dong", "index.html"), "dong")
			writeFile(t, filepath.Join(stage, "index.html"), "town")
			make(parts)
			if err := addParts(parts, stage, keep); err == nil {
				t.Errorf("%s among the parts (keep %t): no error", name, keep)
			}
		}
	}
}
