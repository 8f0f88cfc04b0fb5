package town

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jifen-project/jifen/pipeline/check"
)

// fixture reads the small test town of the command's tests, with the demo's rule set.
func fixture(t *testing.T) Source {
	t.Helper()
	src := Source{Files: map[string][]byte{}, History: map[string][]Version{}}
	for dir, prefix := range map[string]string{"../cmd/jifen/testdata/records": "", "../demo/records/rules": "rules/"} {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(dir, p)
			src.Files[prefix+filepath.ToSlash(rel)], err = os.ReadFile(p)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return src
}

func TestPolicies(t *testing.T) {
	const sheet = "villages/dongcun/sheets/2025-07.csv"
	at := time.Date(2025, 8, 3, 10, 0, 0, 0, time.UTC)
	src := fixture(t)
	src.Files[sheet] = []byte("户号,事项,分值,日期,说明,佐证\nD-01,GJ02,5,2025-07-03,修村道,签到表7-1\n")
	src.Files["villages/dongcun/village.toml"] = append([]byte("signing_keys = [\"AAAA BBBB\"]\n"), src.Files["villages/dongcun/village.toml"]...)
	src.History[sheet] = []Version{
		{Commit: "1111111aaaa", Time: at, Author: "甲", Merge: true, Signer: "AAAABBBB"},
		{Commit: "2222222bbbb", Time: at.Add(time.Hour), Author: "乙", Reviewers: []string{"丙"}, Signer: "CCCC"},
		{Commit: "3333333cccc", Time: at.Add(2 * time.Hour), Author: "丁"},
	}
	now := time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)
	if _, diags := Load(src, Options{Now: now}); len(diags) > 0 {
		t.Fatalf("without policies: %v", diags)
	}
	_, diags := Load(src, Options{Now: now, RequireReview: true, RequireSigned: true})
	var got []string
	for _, d := range diags {
		got = append(got, string(d.Code)+" "+d.Detail)
	}
	want := []string{
		string(check.Unreviewed) + " 3333333 (2025-08-03 20:00, 丁)",
		string(check.Unsigned) + " 2222222 (2025-08-03 19:00, 乙)",
		string(check.Unsigned) + " 3333333 (2025-08-03 20:00, 丁)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
