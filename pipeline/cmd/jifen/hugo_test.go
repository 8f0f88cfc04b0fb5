package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBuildHugo builds with --hugo naming the executable of `go tool hugo`, relative to the
// current folder, the same site as without it; a missing executable fails the build, which
// publishes nothing.
func TestBuildHugo(t *testing.T) {
	cmd := exec.Command("go", "tool", "-n", "hugo")
	cmd.Dir = project(t)
	path, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(wd, strings.TrimSpace(string(path)))
	if err != nil {
		t.Fatal(err)
	}
	if diff := compareTrees(t, buildSite(t), buildSite(t, "--hugo", rel)); diff != "" {
		t.Errorf("built with --hugo %s: %s", rel, diff)
	}

	tmp := t.TempDir()
	out := filepath.Join(tmp, "public")
	_, _, err = jifen(t, "build", "--project", project(t), "--data", filepath.Join(tmp, "data"), "--out", out, "--hugo", filepath.Join(tmp, "hugo"))
	if err == nil || !strings.Contains(err.Error(), "hugo") {
		t.Errorf("err = %v, want a failure naming Hugo", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("something was published: %v", err)
	}
}
