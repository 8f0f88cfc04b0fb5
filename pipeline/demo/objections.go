package demo

import (
	"fmt"
	"slices"
	"time"

	"github.com/jifen-project/jifen/pipeline/records"
	"github.com/jifen-project/jifen/pipeline/sheet"
)

// objectionSettings place the demo's objections (异议): the correction of a month answers an
// upheld one, which its pull request records; and in the month named here, one is dismissed a
// few days after the month was merged.
type objectionSettings struct {
	Village string `toml:"village"` // of the dismissed objection
	Month   string `toml:"month"`
	Upheld  string `toml:"upheld"`    // the reply to the upheld objection
	Dismiss string `toml:"dismissed"` // the reply to the dismissed one
}

// objectionsFile is a month's objections as the evaluation group records them.
func (v *village) objectionsFile(obs []sheet.Objection) []byte {
	rows := [][]string{{"收到日期", "户号", "事项", "结果", "答复日期", "答复"}}
	for _, o := range obs {
		rows = append(rows, []string{v.date(o.Received), o.Household, o.Item, o.Outcome, v.date(o.Replied), o.Reply})
	}
	return v.csvFile(rows)
}

// upheld records, in the pull request that corrects month m, the objection that led to it: it
// came the day before the pull request was opened, about the first household whose rows the
// correction changed, and was answered the day the pull request was opened, with the correction.
func (g *generator) upheld(v *village, m *month, pr *records.Change) {
	before := map[string]int{}
	for _, e := range m.Original {
		before[fmt.Sprint(e.Household, e.Item, e.Date, e.Points, e.Note)]++
	}
	var household string
	for _, e := range m.Entries {
		if k := fmt.Sprint(e.Household, e.Item, e.Date, e.Points, e.Note); before[k] > 0 {
			before[k]--
		} else if household == "" || e.Household < household {
			household = e.Household
		}
	}
	if household == "" {
		return
	}
	o := sheet.Objection{Received: pr.Time.AddDate(0, 0, -1).Format(time.DateOnly), Household: household,
		Outcome: sheet.Upheld, Replied: pr.Time.In(chinaTime()).Format(time.DateOnly), Reply: g.settings.Objection.Upheld}
	pr.Files[v.dir()+"objections/"+m.Month+".csv"] = v.objectionsFile([]sheet.Objection{o})
	pr.Message += "附异议处理记录：更正。\n"
}

// dismissed is the pull request that records the objection to the settings' month that the
// evaluation group dismissed, or false for another village: it came three days after the
// month was merged, about a household with rows that month, and was answered two days later.
func (g *generator) dismissed(v *village, merged map[string]time.Time) (records.Change, bool, error) {
	s := g.settings.Objection
	i := slices.IndexFunc(v.months, func(m *month) bool { return m.Month == s.Month })
	if v.settings.ID != s.Village || i < 0 || len(v.months[i].Entries) == 0 {
		return records.Change{}, false, nil
	}
	m, r := v.months[i], g.rand(v.settings.ID, "objection")
	pr, err := g.pull(v, r, m.Month+"-objection")
	if err != nil {
		return pr, false, err
	}
	received := midnight(merged[m.Month]).AddDate(0, 0, 3)
	pr.Time = g.workTime(r, received.AddDate(0, 0, 2))
	pr.MergeTime, pr.Merged = g.workTime(r, received.AddDate(0, 0, 3)), true
	o := sheet.Objection{Received: received.Format(time.DateOnly), Household: m.Entries[r.IntN(len(m.Entries))].Household,
		Outcome: sheet.Dismissed, Replied: received.AddDate(0, 0, 2).Format(time.DateOnly), Reply: s.Dismiss}
	pr.Files[v.dir()+"objections/"+m.Month+".csv"] = v.objectionsFile([]sheet.Objection{o})
	pr.Message = fmt.Sprintf("%s%s积分评定结果的异议处理记录\n\n经村积分评议小组复核，维持原结果。\n", v.name, monthName(m.Month))
	return pr, true, nil
}
