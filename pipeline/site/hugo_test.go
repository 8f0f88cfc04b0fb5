package site

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestHugoExecutable finds the project's Hugo once and then from memory, takes a given
// executable relative to the current folder (Hugo runs in the project's), and fails clearly
// where there is no Hugo.
func TestHugoExecutable(t *testing.T) {
	ctx := context.Background()
	h := Hugo{Project: projectDir(t), Stderr: os.Stderr}
	exe, err := h.executable(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(exe); err != nil || !info.Mode().IsRegular() || info.Mode()&0o111 == 0 {
		t.Fatalf("go tool -n hugo gave %s, not an executable: %v", exe, err)
	}
	if again, err := h.executable(ctx); again != exe || err != nil {
		t.Errorf("the second time: %s, %v; want %s", again, err, exe)
	}
	if hugoExecutables.byProject[h.Project] != exe {
		t.Errorf("the executable of %s is not remembered", h.Project)
	}

	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if got, err := (Hugo{Project: h.Project, Exe: filepath.Join("bin", "hugo")}).executable(ctx); got != filepath.Join(wd, "bin", "hugo") || err != nil {
		t.Errorf("bin/hugo: %s, %v", got, err)
	}
	if _, err := (Hugo{Project: h.Project, Exe: "no-such-hugo"}).executable(ctx); err == nil {
		t.Error("no-such-hugo: no error")
	}
	none := t.TempDir()
	if _, err := (Hugo{Project: none}).executable(ctx); err == nil {
		t.Error("a folder without go.mod: no error")
	}
	if _, ok := hugoExecutables.byProject[none]; ok {
		t.Error("a failure is remembered")
	}
}

// TestScratch: Hugo builds into a folder in memory when its file system has room for the site's
// pages with a wide margin, else beside the site; each build gets a folder of its own.
func TestScratch(t *testing.T) {
	beside := t.TempDir()
	small := &Site{Villages: []*Village{{Households: make([]Household, 600), Months: make([]Month, 12)}}}
	village := &Village{Households: make([]Household, 1<<14)}
	huge := &Site{Villages: slices.Repeat([]*Village{village}, 1<<10)} // 16 million households
	inMemory := memory != "" && room(memory) > 1<<30
	for _, c := range []struct {
		name   string
		s      *Site
		memory bool
	}{{"small", small, inMemory}, {"small again", small, inMemory}, {"huge", huge, false}} {
		dir, err := scratch(beside, c.s)
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(dir)
		want := beside
		if c.memory {
			want = memory
		}
		if filepath.Dir(dir) != want {
			t.Errorf("%s: the scratch folder is %s, want one in %s", c.name, dir, want)
		}
		if entries, err := os.ReadDir(dir); err != nil || len(entries) > 0 {
			t.Errorf("%s: %s is not a new empty folder: %v, %v", c.name, dir, entries, err)
		}
	}
}
