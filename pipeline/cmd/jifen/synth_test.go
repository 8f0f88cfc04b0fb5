package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestSynth writes a small synthetic county twice: two towns in folders of their own, each
// checked clean by validate with --root, their pull requests merged in time order, and the
// same flags and seed give the same commits. Wrong flags are refused.
func TestSynth(t *testing.T) {
	head := func(dir string) string {
		out, err := exec.Command("git", "-C", dir, "rev-parse", "HEAD").Output()
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(out))
	}
	var heads []string
	for _, dir := range []string{filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")} {
		if _, stderr, err := jifen(t, "synth", dir, "--towns", "2", "--villages", "2", "--households", "30", "--months", "2", "--seed", "7"); err != nil {
			t.Fatalf("%v\n%s", err, stderr)
		}
		heads = append(heads, head(dir))
		for _, town := range []string{"town01", "town02"} {
			if _, err := os.Stat(filepath.Join(dir, town, "villages", "v002", "sheets", "2025-02.csv")); err != nil {
				t.Error(err)
			}
			stdout, stderr, err := jifen(t, "validate", "--repo", dir, "--root", town)
			if err != nil {
				t.Errorf("validate --root %s: %v\n%s%s", town, err, stdout, stderr)
			}
		}
		out, err := exec.Command("git", "-C", dir, "log", "--first-parent", "--format=%ct %s", "main").Output()
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		for i := 1; i < len(lines); i++ { // newest first
			if lines[i-1][:10] < lines[i][:10] {
				t.Errorf("the history goes back in time: %q before %q", lines[i], lines[i-1])
			}
		}
		if !strings.Contains(string(out), "from town02/v001/2025-01") {
			t.Errorf("no pull request of the second town's village:\n%s", out)
		}
	}
	if heads[0] != heads[1] {
		t.Errorf("the same flags and seed gave %s and %s", heads[0], heads[1])
	}
	// DIR alone, and the flags before DIR.
	for _, args := range [][]string{{"synth", filepath.Join(t.TempDir(), "c")}, {"synth", "--villages", "1", "--households", "3", "--months", "1", filepath.Join(t.TempDir(), "d")}} {
		if _, stderr, err := jifen(t, args...); err != nil {
			t.Errorf("%q: %v\n%s", args, err, stderr)
		}
	}
	for _, args := range [][]string{{"synth"}, {"synth", t.TempDir(), "--towns", "0"}, {"synth", t.TempDir(), "extra"}, {"synth", t.TempDir(), "--months", "3", "extra"}} {
		if _, _, err := jifen(t, args...); err != errUsage {
			t.Errorf("%q: %v, want a usage error", args, err)
		}
	}
}
