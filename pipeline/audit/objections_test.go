package audit

import (
	"testing"
	"time"

	"github.com/jifen-project/jifen/pipeline/check"
	"github.com/jifen-project/jifen/pipeline/town"
)

// TestUpheldObjection: an upheld objection stands when a version of the sheet approved on or
// after the day it came changed the household's rows (of its item, when it names one); a
// correction of other rows, or one approved before the objection came, does not answer it.
func TestUpheldObjection(t *testing.T) {
	const sheet, objections = "villages/dongcun/sheets/2025-07.csv", "villages/dongcun/objections/2025-07.csv"
	first := "户号,事项,分值,日期,说明,佐证\nD-01,GJ02,5,2025-07-03,修村道,签到表7-1\n"
	fixed := first + "D-03,GJ02,5,2025-07-03,修村道,签到表7-1\n" // D-03's forgotten row
	cst := time.FixedZone("CST", 8*3600)
	approved, corrected := time.Date(2025, 8, 3, 10, 0, 0, 0, cst), time.Date(2025, 8, 9, 16, 0, 0, 0, cst)
	now := time.Date(2025, 9, 1, 0, 0, 0, 0, cst)
	for _, c := range []struct {
		name, objection string
		correction      time.Time
		want            int // E136 reported
	}{
		{"the household's rows corrected after the objection", "2025-08-06,D-03,,更正,2025-08-09,漏记了，已补上", corrected, 0},
		{"its item's rows corrected, on the day it came", "2025-08-09,D-03,GJ02,更正,2025-08-09,漏记了，已补上", corrected, 0},
		{"another household's rows corrected", "2025-08-06,D-01,,更正,2025-08-09,已更正", corrected, 1},
		{"another item's rows corrected", "2025-08-06,D-03,AD01,更正,2025-08-09,已更正", corrected, 1},
		{"corrected before the objection came", "2025-08-10,D-03,,更正,2025-08-11,已更正", corrected, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := town.Source{Files: base(t), History: map[string][]town.Version{}}
			src.Files[sheet] = []byte(fixed)
			src.Files[objections] = []byte("收到日期,户号,事项,结果,答复日期,答复\n" + c.objection + "\n")
			src.History[sheet] = []town.Version{
				{Commit: "1111111aaaa", Time: approved, Merge: true, Data: []byte(first)},
				{Commit: "2222222bbbb", Time: c.correction, Merge: true, Data: []byte(fixed)},
			}
			r := Run(src, Options{Now: now})
			got := 0
			for _, d := range r.Diagnostics {
				if d.Code == check.Uncorrected {
					got++
				} else {
					t.Errorf("unexpected %v", d)
				}
			}
			if got != c.want {
				t.Errorf("%d E136, want %d: %v", got, c.want, r.Diagnostics)
			}
		})
	}
}
