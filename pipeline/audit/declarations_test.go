package audit

import (
	"strings"
	"testing"
	"time"

	"github.com/jifen-project/jifen/pipeline/check"
	"github.com/jifen-project/jifen/pipeline/town"
)

// TestPendingDeclaration: a declaration still pending is fine while the month's sheet waits for
// approval in the same pull request, and a warning once the sheet is approved (committed on the
// publishing branch); deciding it ends the warning.
func TestPendingDeclaration(t *testing.T) {
	const sheet, declarations = "villages/dongcun/sheets/2025-07.csv", "villages/dongcun/declarations/2025-07.csv"
	src := town.Source{Files: base(t), History: map[string][]town.Version{}}
	src.Files[sheet] = []byte("户号,事项,分值,日期,说明,佐证\nD-01,GJ02,5,2025-07-03,修村道,签到表7-1\n")
	src.Files[declarations] = []byte("日期,户号,事项,情况,结果,理由\n2025-07-03,D-01,GJ02,修村道,通过,\n2025-07-20,D-03,XF01,照顾老人,待审,\n")
	now := time.Date(2025, 8, 10, 0, 0, 0, 0, time.UTC)
	if r := Run(src, Options{Now: now}); len(r.Diagnostics) > 0 {
		t.Fatalf("before the sheet's approval: %v", r.Diagnostics)
	}
	src.History[sheet] = []town.Version{{Commit: "1111111aaaa", Time: time.Date(2025, 8, 3, 10, 0, 0, 0, time.UTC), Merge: true}}
	r := Run(src, Options{Now: now})
	if len(r.Diagnostics) != 1 || r.Diagnostics[0].Code != check.PendingDeclared || r.Diagnostics[0].Line != 3 || !r.Diagnostics[0].IsWarning() {
		t.Fatalf("after the sheet's approval: %v, want one warning at line 3", r.Diagnostics)
	}
	if got, want := r.Diagnostics[0].Message("zh"), "本月评定表已经审定，户 D-03 申报的 XF01 还是待审"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	src.Files[declarations] = []byte(strings.Replace(string(src.Files[declarations]), "待审,", "不通过,没有人证明", 1))
	if r := Run(src, Options{Now: now}); len(r.Diagnostics) > 0 {
		t.Errorf("once decided: %v", r.Diagnostics)
	}
}
