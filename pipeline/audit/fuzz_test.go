package audit

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/txtar"

	"github.com/jifen-project/jifen/pipeline/site"
	"github.com/jifen-project/jifen/pipeline/town"
)

// base is the small test town of the command's tests, with the demo's rule sets.
func base(t testing.TB) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	for dir, prefix := range map[string]string{"../cmd/jifen/testdata/records": "", "../demo/records/rules": "rules/"} {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(dir, p)
			files[prefix+filepath.ToSlash(rel)], err = os.ReadFile(p)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return files
}

// overlay lays an archive's files over files; a file named "history/<path>" adds an earlier
// approved version of <path>.
func overlay(files map[string][]byte, archive []byte) town.Source {
	src := town.Source{Files: map[string][]byte{}, History: map[string][]town.Version{}}
	for k, v := range files {
		src.Files[k] = v
	}
	when := time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)
	for _, f := range txtar.Parse(archive).Files {
		name, earlier := strings.CutPrefix(f.Name, "history/")
		if earlier {
			src.History[name] = append(src.History[name], town.Version{Commit: "0000000", Time: when, Data: f.Data})
			when = when.Add(24 * time.Hour)
			continue
		}
		src.Files[f.Name] = f.Data
	}
	for name, h := range src.History {
		if data, ok := src.Files[name]; ok {
			src.History[name] = append(h, town.Version{Commit: "1111111", Time: when, Data: data})
		}
	}
	return src
}

// FuzzRecords runs whole records trees through every stage a build runs before Hugo: load,
// the checks, the scoring and the ledger, and the public view. An archive's files are laid over
// the test town (see overlay). No input may make any stage panic, validate's way of checking
// (ChecksOnly) must find what build's does, and a report with no errors must publish.
func FuzzRecords(f *testing.F) {
	cases, _ := filepath.Glob("../cmd/jifen/testdata/validate/*.txtar")
	for _, c := range cases {
		data, err := os.ReadFile(c)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	files := base(f)
	now := time.Date(2026, 1, 12, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, archive []byte) {
		src := overlay(files, archive)
		r := Run(src, Options{Now: now})
		if checks := Run(src, Options{Now: now, ChecksOnly: true}); !reflect.DeepEqual(r.Diagnostics, checks.Diagnostics) {
			t.Errorf("checking each village finds:\n%s\nbuild's checks find:\n%s", checks.Diagnostics, r.Diagnostics)
		}
		if r.Town == nil {
			return
		}
		if _, err := site.Publish(r.Town, r.Results, now, "https://example.org/", site.All, nil); err != nil && r.Diagnostics.Errors() == 0 {
			t.Errorf("clean records do not publish: %v", err)
		}
	})
}
