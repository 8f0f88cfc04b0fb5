package demo

import (
	"cmp"
	"fmt"
	"maps"
	"math/rand/v2"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/jifen-project/jifen/pipeline/records"
	"github.com/jifen-project/jifen/pipeline/sheet"
)

// history puts the town's files into changes: the first commit, then the pull requests. Pull
// requests are numbered in the order they were opened and listed in the order they landed on the
// main branch (merged, or opened for one that is still open), so that the main branch's history
// runs forward in time.
func (g *generator) history(villages []*village) ([]records.Change, error) {
	loc := chinaTime()
	initialDay := g.settings.Initial.In(loc).Format(time.DateOnly)
	first := records.Change{
		Author:  records.Person(g.settings.Operator),
		Time:    g.settings.Initial.In(loc),
		Message: g.settings.InitialMessage,
		Files:   map[string][]byte{},
	}
	for p, data := range g.static {
		if !strings.Contains(p, "/notices/") {
			first.Files[p] = data
		}
	}
	if g.synthetic != nil {
		data, err := g.synthetic.townFile(villages)
		if err != nil {
			return nil, err
		}
		first.Files["town.toml"] = data
	}
	var pulls []records.Change
	for _, v := range villages {
		first.Files["villages/"+v.settings.ID+"/village.toml"] = v.file
		first.Files["villages/"+v.settings.ID+"/households.csv"] = v.rosterFile(initialDay, initialDay)
		vp, err := g.pulls(v)
		if err != nil {
			return nil, fmt.Errorf("village %s: %w", v.settings.ID, err)
		}
		if err := g.notices(v, &first, vp); err != nil {
			return nil, err
		}
		pulls = append(pulls, vp...)
	}
	for k := range g.plans {
		c, err := g.movePull(k, villages)
		if err != nil {
			return nil, err
		}
		pulls = append(pulls, c)
	}
	slices.SortStableFunc(pulls, func(a, b records.Change) int { return a.Time.Compare(b.Time) })
	for i := range pulls {
		pulls[i].Number = i + 1
	}
	landed := func(c records.Change) time.Time {
		if c.Merged {
			return c.MergeTime
		}
		return c.Time
	}
	slices.SortStableFunc(pulls, func(a, b records.Change) int {
		return cmp.Or(landed(a).Compare(landed(b)), cmp.Compare(a.Number, b.Number))
	})
	return append([]records.Change{first}, pulls...), nil
}

// notices puts the village's notices into its commits: each goes with the village's first
// commit that follows it, the first commit of all or one of its pull requests.
func (g *generator) notices(v *village, first *records.Change, pulls []records.Change) error {
	loc := chinaTime()
	initialDay := g.settings.Initial.In(loc).Format(time.DateOnly)
	for _, p := range slices.Sorted(maps.Keys(g.static)) {
		dir, file := path.Split(p)
		if dir != v.dir()+"notices/" {
			continue
		}
		if len(file) < len(time.DateOnly) {
			return fmt.Errorf("notice %s: the file name needs to start with its date", p)
		}
		day := file[:len(time.DateOnly)]
		if day <= initialDay {
			first.Files[p] = g.static[p]
			continue
		}
		i := slices.IndexFunc(pulls, func(c records.Change) bool {
			return c.Merged && c.Time.In(loc).Format(time.DateOnly) >= day
		})
		if i < 0 {
			return fmt.Errorf("no pull request to bring the notice %s", p)
		}
		pulls[i].Files[p] = g.static[p]
		pulls[i].Message += "同时发布村务公告《" + title(g.static[p]) + "》。\n"
	}
	return nil
}

// pulls makes the village's pull requests in the order they were opened: one per month, the
// corrections and the draft. The pull requests of moves are the town's (see movePull): here
// the village's roster as each brings it, on top of the months merged before.
func (g *generator) pulls(v *village) ([]records.Change, error) {
	r := g.rand(v.settings.ID, "history")
	var out []records.Change
	cut := g.settings.Initial.In(chinaTime()).Format(time.DateOnly)
	roster := v.rosterFile(cut, cut)
	merged := map[string]time.Time{}
	v.moveRosters = map[int][]byte{}
	for _, m := range v.months {
		for k, p := range g.plans {
			if p.touches(v.settings.ID) && sheet.MonthOf(p.day) == m.Month {
				roster = v.rosterFile(cut, p.joined)
				v.moveRosters[k] = roster
			}
		}
		cut = sheet.MonthEnd(m.Month)
		c, err := g.pull(v, r, m.Month)
		if err != nil {
			return nil, err
		}
		if c.Time, c.MergeTime, err = g.schedule(v, r, m.Month); err != nil {
			return nil, err
		}
		c.Merged = true
		roster = v.monthFiles(&c, m, roster)
		if data := g.declarationsFile(v, m); data != nil {
			c.Files[v.dir()+"declarations/"+m.Month+".csv"] = data
			c.Message += "附本月农户申报记录。\n"
		}
		merged[m.Month] = c.MergeTime
		out = append(out, c)
	}
	for i, m := range v.months {
		if m.Original == nil {
			continue
		}
		pr, err := g.pull(v, r, m.Month+"-correction")
		if err != nil {
			return nil, err
		}
		pr.Time, pr.MergeTime, pr.Merged = m.Correction.Created.In(chinaTime()), m.Correction.Merged.In(chinaTime()), true
		if m.Correction.Created.IsZero() {
			// Opened a few days after the month's sheet was merged.
			day := midnight(out[i].MergeTime).AddDate(0, 0, 2+r.IntN(5))
			pr.Time = g.workTime(r, day)
			pr.MergeTime = g.workTime(r, day.AddDate(0, 0, between(r, g.settings.ReviewDays)))
		}
		pr.Files[v.dir()+"sheets/"+m.Month+".csv"] = v.sheetFile(m.Entries)
		pr.Message = fmt.Sprintf("更正%s%s积分评定表\n\n- %s\n\n经村积分评议小组复核，重新公示。\n",
			v.name, monthName(m.Month), strings.Join(m.Corrected, "\n- "))
		g.upheld(v, m, &pr)
		out = append(out, pr)
	}
	if pr, ok, err := g.dismissed(v, merged); err != nil {
		return nil, err
	} else if ok {
		out = append(out, pr)
	}
	if m := v.draft; m != nil {
		pr, err := g.pull(v, r, m.Month)
		if err != nil {
			return nil, err
		}
		pr.Time = g.settings.Draft.Created.In(chinaTime())
		pr.Merger, pr.Reviewers = records.Person{}, nil
		pr.Files[v.dir()+"sheets/"+m.Month+".csv"] = v.sheetFile(m.Entries)
		pr.Message = fmt.Sprintf("%s%s积分评定表（初稿）\n\n先录入截至 %s 的 %d 条，月底补齐后再提请评议小组审核。\n",
			v.name, monthName(m.Month), pr.Time.Format("1月2日"), len(m.Entries))
		out = append(out, pr)
	}
	slices.SortStableFunc(out, func(a, b records.Change) int { return a.Time.Compare(b.Time) })
	return out, nil
}

// monthFiles puts a month's sheet as first approved, its redemptions and, if it changed in the
// month, the roster into the month's pull request, and says so in its message. It returns the
// roster as it now is.
func (v *village) monthFiles(c *records.Change, m *month, roster []byte) []byte {
	c.Files[v.dir()+"sheets/"+m.Month+".csv"] = v.sheetFile(m.approved())
	households := map[string]bool{}
	for _, e := range m.approved() {
		households[e.Household] = true
	}
	c.Message = fmt.Sprintf("%s%s积分评定表", v.name, monthName(m.Month))
	if len(m.Redemptions) > 0 {
		c.Files[v.dir()+"redemptions/"+m.Month+".csv"] = v.redemptionsFile(m.Redemptions)
		c.Message += "和积分超市兑换记录"
	}
	c.Message += fmt.Sprintf("\n\n评定 %d 条，涉及 %d 户", len(m.approved()), len(households))
	if len(m.Redemptions) > 0 {
		points := 0
		for _, red := range m.Redemptions {
			points += red.Points
		}
		c.Message += fmt.Sprintf("；积分超市兑换 %d 笔，共 %d 分", len(m.Redemptions), points)
	}
	c.Message += "。\n"
	if next := v.rosterFile(sheet.MonthEnd(m.Month), sheet.MonthEnd(m.Month)); string(next) != string(roster) {
		c.Files[v.dir()+"households.csv"], roster = next, next
		c.Message += rosterChanges(v, m.Month)
	}
	return roster
}

// dir is the village's folder in the records.
func (v *village) dir() string { return "villages/" + v.settings.ID + "/" }

// pull starts a pull request on branch <village>/<name>: opened by one of the village's grid
// workers, reviewed by one or two members of the evaluation group and merged by the secretary.
func (g *generator) pull(v *village, r *rand.Rand, name string) (records.Change, error) {
	who := v.person
	c := records.Change{Branch: v.settings.ID + "/" + name, Files: map[string][]byte{}}
	var err error
	if c.Author, err = who(v.grids[r.IntN(len(v.grids))].Worker); err != nil {
		return c, err
	}
	if c.Merger, err = who(v.settings.Secretary); err != nil {
		return c, err
	}
	var others []string
	for _, m := range v.members {
		if m != v.settings.Secretary {
			others = append(others, m)
		}
	}
	for _, i := range r.Perm(len(others))[:min(1+r.IntN(2), len(others))] {
		p, err := who(others[i])
		if err != nil {
			return c, err
		}
		c.Reviewers = append(c.Reviewers, p.Name+" <"+p.Email+">")
	}
	return c, nil
}

// person is one of the village's grid workers or evaluation group, with their email.
func (v *village) person(name string) (records.Person, error) {
	email, ok := v.settings.Emails[name]
	if !ok {
		return records.Person{}, fmt.Errorf("no email for %s", name)
	}
	return records.Person{Name: name, Email: email}, nil
}

// schedule says when a month's pull request was opened and merged: opened on one of the first
// days of the next month and merged a few days later, in working hours. A December is merged
// when the village's settings say, if they do, after the New Year's Day holiday.
func (g *generator) schedule(v *village, r *rand.Rand, mon string) (created, merged time.Time, err error) {
	loc := chinaTime()
	t, _ := time.Parse("2006-01", mon)
	next := time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, loc)
	submit, review := g.settings.SubmitDays, g.settings.ReviewDays
	if t.Month() != time.December || v.settings.YearEndMerge.IsZero() {
		day := next.AddDate(0, 0, between(r, submit)-1)
		created = g.workTime(r, day)
		return created, g.workTime(r, day.AddDate(0, 0, between(r, review))), nil
	}
	merged = v.settings.YearEndMerge.In(loc)
	var days []time.Time
	for d := max(submit[0], 2); d <= submit[1]; d++ { // 1 January is a holiday
		day := next.AddDate(0, 0, d-1)
		if gap := int(merged.Sub(day).Hours() / 24); gap >= review[0] && gap <= review[1] {
			days = append(days, day)
		}
	}
	if len(days) == 0 || merged.Before(next) {
		return created, merged, fmt.Errorf("year_end_merge %s leaves no day to open the pull request", merged)
	}
	return g.workTime(r, days[r.IntN(len(days))]), merged, nil
}

// workTime is a time on a day (midnight in China) in working hours.
func (g *generator) workTime(r *rand.Rand, day time.Time) time.Time {
	from, _ := time.Parse("15:04", g.settings.WorkHours[0])
	to, _ := time.Parse("15:04", g.settings.WorkHours[1])
	minutes := from.Hour()*60 + from.Minute() + r.IntN(int(to.Sub(from).Minutes()))
	return day.Add(time.Duration(minutes) * time.Minute)
}

// midnight is the start of a time's day in China.
func midnight(t time.Time) time.Time {
	y, m, d := t.In(chinaTime()).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, chinaTime())
}

// rosterChanges describes the households that joined or left in a month, but those of moves,
// which their own pull requests describe.
func rosterChanges(v *village, mon string) string {
	var lines []string
	for _, h := range v.households {
		if _, ok := v.moves[h.ID]; ok {
			continue
		}
		if h.Joined[:7] == mon {
			lines = append(lines, fmt.Sprintf("名册：新增 %s（%s 加入，%s）。\n", h.ID, h.Joined, h.Grid))
		}
		if h.Left != "" && h.Left[:7] == mon {
			lines = append(lines, fmt.Sprintf("名册：%s 于 %s 迁出。\n", h.ID, h.Left))
		}
	}
	return strings.Join(lines, "")
}

// monthName writes a month (YYYY-MM) as 2025年7月.
func monthName(mon string) string {
	t, _ := time.Parse("2006-01", mon)
	return t.Format("2006年1月")
}

// title is a notice's first "# " heading.
func title(md []byte) string {
	for line := range strings.Lines(string(md)) {
		if t, ok := strings.CutPrefix(strings.TrimSpace(line), "# "); ok {
			return strings.TrimSpace(t)
		}
	}
	return ""
}
