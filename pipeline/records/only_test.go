package records_test

import (
	"maps"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/jifen-project/jifen/pipeline/demo"
	"github.com/jifen-project/jifen/pipeline/records"
	"github.com/jifen-project/jifen/pipeline/town"
)

// TestOnly checks that a pass that reads only some files gives what the whole pass gives of
// them, with the whole history's steps and removals, in a repository in memory and in one
// packed by the real git; and so does a history walked once and read in two steps, as a shard
// reads it: the town's files and the rosters, then a village's files, then all.
func TestOnly(t *testing.T) {
	changes, err := demo.Synthetic(demo.Plan{Profile: "history", Villages: 3, Months: 4})
	if err != nil {
		t.Fatal(err)
	}
	mem, err := records.Replay("main", changes)
	if err != nil {
		t.Fatal(err)
	}
	whole, err := records.Approved(mem, records.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var village string
	for p := range whole.Files {
		if strings.Contains(p, "/sheets/") {
			village = p[:strings.Index(p, "/sheets/")+1]
			break
		}
	}
	only := func(p string) bool { return !strings.HasPrefix(p, "villages/") || strings.HasPrefix(p, village) }
	want := filtered(whole, only)
	if village == "" || len(want.Files) == 0 || len(want.Files) == len(whole.Files) {
		t.Fatalf("the test's history has no village to leave out (village %q)", village)
	}
	repos := map[string]*records.Repository{"in memory": mem}
	if _, err := exec.LookPath("git"); err == nil {
		dir := filepath.Join(t.TempDir(), "records")
		if err := writeHistory(dir, changes); err != nil {
			t.Fatal(err)
		}
		if repos["packed"], err = records.Open(dir, "main", ""); err != nil {
			t.Fatal(err)
		}
	}
	for name, r := range repos {
		got, err := records.Approved(r, records.Options{Only: only})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the files of %s and of the town read alone differ from those of the whole pass", name, village)
		}
		rosters := func(p string) bool {
			return !strings.HasPrefix(p, "villages/") || strings.HasSuffix(p, "/households.csv")
		}
		h, err := records.Walk(r, records.Options{Only: rosters})
		if err != nil {
			t.Fatal(err)
		}
		for _, step := range []struct {
			name string
			only func(string) bool
		}{{"rosters", rosters}, {village, only}, {"all", nil}} {
			got, err := h.Source(step.only)
			if err != nil {
				t.Fatal(err)
			}
			if step.only == nil {
				step.only = func(string) bool { return true }
			}
			if want := filtered(whole, step.only); !reflect.DeepEqual(got, want) {
				t.Errorf("%s: the history walked once, read for %s, differs from the whole pass", name, step.name)
			}
		}
		h.Close()
	}
}

// filtered is src with only the files for which keep is true, but for its steps and removals.
func filtered(src town.Source, keep func(string) bool) town.Source {
	out := src
	out.Files = maps.Clone(src.Files)
	out.History = maps.Clone(src.History)
	maps.DeleteFunc(out.Files, func(p string, _ []byte) bool { return !keep(p) })
	maps.DeleteFunc(out.History, func(p string, _ []town.Version) bool { return !keep(p) })
	out.Problems = nil
	for _, d := range src.Problems {
		if keep(d.File) {
			out.Problems = append(out.Problems, d)
		}
	}
	return out
}
