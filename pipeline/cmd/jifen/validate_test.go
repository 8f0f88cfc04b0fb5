package main

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the want section of golden files")

// TestValidate runs jifen validate on the test records with each testdata/validate/*.txtar
// archive's files laid over them, and compares its output with the archive's want file.
func TestValidate(t *testing.T) {
	files, _ := filepath.Glob("testdata/validate/*.txtar")
	if len(files) == 0 {
		t.Fatal("no test cases")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			copyDir(t, "testdata/records", dir)
			copyDir(t, "../../demo/records/rules", filepath.Join(dir, "rules"))
			var args []string
			want := -1
			for i, f := range ar.Files {
				switch f.Name {
				case "args":
					args = strings.Fields(string(f.Data))
				case "want":
					want = i
				default:
					write(t, filepath.Join(dir, f.Name), string(f.Data))
				}
			}
			args = append(args, "--repo", dir)
			stdout, stderr, err := jifen(t, args...)
			if stderr != "" {
				t.Errorf("stderr: %s", stderr)
			}
			if clean := want >= 0 && strings.HasPrefix(string(ar.Files[want].Data), "没有发现问题"); clean != (err == nil) {
				t.Errorf("error = %v", err)
			} else if err != nil && !errors.Is(err, errBadRecords) {
				t.Errorf("error = %v, want bad records (exit 1)", err)
			}
			if *update {
				ar.Files[want].Data = []byte(stdout)
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if got := stdout; got != string(ar.Files[want].Data) {
				t.Errorf("got:\n%s\nwant:\n%s", got, ar.Files[want].Data)
			}
		})
	}
}
