package audit

import (
	"strings"
	"testing"
	"time"

	"github.com/jifen-project/jifen/pipeline/town"
)

func TestPolicies(t *testing.T) {
	const sheet = "villages/dongcun/sheets/2025-07.csv"
	at := time.Date(2025, 8, 3, 10, 0, 0, 0, time.UTC)
	src := town.Source{Files: base(t), History: map[string][]town.Version{}}
	src.Files[sheet] = []byte("户号,事项,分值,日期,说明,佐证\nD-01,GJ02,5,2025-07-03,修村道,签到表7-1\n")
	src.Files["villages/dongcun/village.toml"] = append([]byte("signing_keys = [\"AAAA BBBB\"]\n"), src.Files["villages/dongcun/village.toml"]...)
	src.History[sheet] = []town.Version{
		{Commit: "1111111aaaa", Time: at, Author: "甲", Merge: true, Signer: "AAAABBBB"},
		{Commit: "2222222bbbb", Time: at.Add(time.Hour), Author: "乙", Reviewers: []string{"丙"}, Signer: "CCCC"},
		{Commit: "3333333cccc", Time: at.Add(2 * time.Hour), Author: "丁"},
	}
	now := time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)
	if r := Run(src, Options{Now: now}); len(r.Diagnostics) > 0 {
		t.Fatalf("without policies: %v", r.Diagnostics)
	}
	r := Run(src, Options{Now: now, RequireReview: true, RequireSigned: true})
	var got []string
	for _, d := range r.Diagnostics {
		got = append(got, d.Message("zh"))
	}
	want := []string{
		"3333333（2025-08-03 20:00，丁）没有经过评议小组审核就改动了这个文件（不是合并请求，也没有 Reviewed-by: 或 Approved-by:）",
		"2222222（2025-08-03 19:00，乙）改动了这个文件，但没有本村名单上的密钥签名（village.toml 的 signing_keys）",
		"3333333（2025-08-03 20:00，丁）改动了这个文件，但没有本村名单上的密钥签名（village.toml 的 signing_keys）",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// A later version merged by pull request and signed answers for the file as it stands: the
	// earlier lapses are mended without rewriting main.
	src.History[sheet] = append(src.History[sheet], town.Version{Commit: "4444444dddd", Time: at.Add(3 * time.Hour), Author: "甲", Merge: true, Signer: "AAAABBBB"})
	if r := Run(src, Options{Now: now, RequireReview: true, RequireSigned: true}); len(r.Diagnostics) > 0 {
		t.Errorf("after a reviewed and signed version: %v", r.Diagnostics)
	}
}
