package demo

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"

	"github.com/jifen-project/jifen/pipeline/records"
	"github.com/jifen-project/jifen/pipeline/score"
	"github.com/jifen-project/jifen/pipeline/sheet"
	"github.com/jifen-project/jifen/pipeline/town"
)

// Moves and splits (迁移、分户) of the demo year. A household of one village leaves it on a day
// (its 退出日期, its last day on the roster) and is continued the next day by new households
// under new codes: one in another village for a move, several for a split. Their roster rows
// name it in 迁自; all but a split's first (main) household give their 承接积分, a share of
// its balance on its last day. One pull request brings the change of every roster involved.
// Which household moves is drawn before any sheet is made, so that its sheets stop on its day
// and its successors' start the next day; its balance, which the successors' exchanges may
// spend, is what the score package's ledger says once its village's exchanges are made.

// moveSettings place one move or split in demo.toml.
type moveSettings struct {
	From   string         `toml:"from"`   // the village the household leaves
	To     []string       `toml:"to"`     // the villages of the households that continue it: one for a move
	Day    toml.LocalDate `toml:"day"`    // its last day in From
	Share  float64        `toml:"share"`  // a split: each new household but the first takes this share of the balance
	Merged time.Time      `toml:"merged"` // when the pull request that changes the rosters is merged
}

// split reports whether the move is a split: several households continue the one that leaves.
func (m moveSettings) split() bool { return len(m.To) > 1 }

// checkMoves reports the first move the generator cannot make: its villages must be the
// town's; the previous month's sheet merged before its day, and its new households joining in
// the same month, which has a sheet; its pull request merged after they joined, in that month,
// and in the order of the moves' days. A split's shares leave its main household something.
func (s *settings) checkMoves(villages map[string]bool) error {
	var last time.Time
	for _, m := range s.Moves {
		day := m.Day.AsTime(chinaTime())
		joined := day.AddDate(0, 0, 1)
		month := (day.Year()-s.Year)*12 + int(day.Month()) - 1
		merged := m.Merged.In(chinaTime())
		switch {
		case !villages[m.From] || len(m.To) == 0 || slices.ContainsFunc(m.To, func(v string) bool { return !villages[v] }):
			return fmt.Errorf("move on %s: from and to need villages of the town", m.Day)
		case !m.split() && m.Share != 0:
			return fmt.Errorf("move on %s: a move carries the whole balance; share is for splits", m.Day)
		case m.split() && (m.Share <= 0 || float64(len(m.To)-1)*m.Share >= 1):
			return fmt.Errorf("split on %s: share needs to be above 0, and the shares together below 1", m.Day)
		case month < 0 || month >= s.Months:
			return fmt.Errorf("move on %s: the day needs to be in a month with sheets", m.Day)
		case day.Day() <= s.SubmitDays[1]+s.ReviewDays[1] || joined.Month() != day.Month():
			return fmt.Errorf("move on %s: the day needs to be after the month before is merged, and not a month's last", m.Day)
		case !merged.After(joined.AddDate(0, 0, 1)) || merged.Month() != day.Month() || !merged.After(last):
			return fmt.Errorf("move on %s: merged needs to be a day after the new households join, in the same month, after the moves before", m.Day)
		}
		last = merged
	}
	return nil
}

// A movePlan is a move of the settings, decided before any village is made: which household
// leaves, and the households that continue it.
type movePlan struct {
	settings   moveSettings
	day        string          // the predecessor's 退出日期
	joined     string          // the successors' 加入日期
	from       sheet.Household // the predecessor, as its village's roster makes it
	engagement float64
	successors []successor // the main one first
}

// A successor is a household that continues a moving one, before its village numbers it.
type successor struct {
	village    string
	household  sheet.Household
	engagement float64
}

// A moveLink says which move a successor continues, and which of its successors it is.
type moveLink struct {
	plan *movePlan
	k    int // in plan.successors: 0 is the main one
}

// shares reports whether the successor gives 承接积分: every successor of a split but the main one.
func (l moveLink) shares() bool { return l.k > 0 }

// touches reports whether the move changes the village's roster.
func (p *movePlan) touches(village string) bool {
	return p.settings.From == village || slices.Contains(p.settings.To, village)
}

// kind is the move's name in branch names: move or split.
func (p *movePlan) kind() string {
	if p.settings.split() {
		return "split"
	}
	return "move"
}

// planMoves draws the household of each move: a consenting household on its village's roster
// since the start, among the keenest tenth (so that it has points to take along), and not
// moving already. A successor in the same village stays in its grid; one in another village
// lives in one of its grids. A split's main household keeps the head; the others are new
// households of the same family, each under a head of its own.
func (g *generator) planMoves() ([]*movePlan, error) {
	bases := map[string]*village{}
	base := func(id string) (*village, error) {
		if bases[id] == nil {
			i := slices.IndexFunc(g.settings.Villages, func(vs villageSettings) bool { return vs.ID == id })
			v, err := g.base(i)
			if err != nil {
				return nil, err
			}
			bases[id] = v
		}
		return bases[id], nil
	}
	var plans []*movePlan
	taken := map[sheet.Ref]bool{}
	for _, ms := range g.settings.Moves {
		fv, err := base(ms.From)
		if err != nil {
			return nil, err
		}
		day := ms.Day.String()
		r := g.rand(ms.From, "moves/"+day)
		var keen []int
		for i, h := range fv.households {
			if h.Consent && h.Left == "" && h.Joined <= g.settings.SignUp[1] && !taken[sheet.Ref{Village: ms.From, Household: h.ID}] {
				keen = append(keen, i)
			}
		}
		if len(keen) == 0 {
			return nil, fmt.Errorf("move on %s: village %s has no household to move", day, ms.From)
		}
		slices.SortStableFunc(keen, func(a, b int) int { return cmp.Compare(fv.engagement[b], fv.engagement[a]) })
		i := keen[r.IntN(max(1, len(keen)/10))]
		p := &movePlan{settings: ms, day: day, joined: ms.Day.AsTime(time.UTC).AddDate(0, 0, 1).Format(time.DateOnly),
			from: fv.households[i], engagement: fv.engagement[i]}
		taken[sheet.Ref{Village: ms.From, Household: p.from.ID}] = true
		for k, to := range ms.To {
			h := sheet.Household{Head: p.from.Head, Grid: p.from.Grid, Consent: p.from.Consent, Joined: p.joined,
				From: []sheet.Ref{{Household: p.from.ID}}}
			if to != ms.From {
				tv, err := base(to)
				if err != nil {
					return nil, err
				}
				h.From[0].Village = ms.From
				h.Grid = tv.grids[r.IntN(len(tv.grids))].Name
			}
			if k > 0 {
				tv, err := base(to)
				if err != nil {
					return nil, err
				}
				h.Head = g.kin(r, p.from.Head, tv)
			}
			p.successors = append(p.successors, successor{village: to, household: h, engagement: p.engagement})
		}
		plans = append(plans, p)
	}
	return plans, nil
}

// kin makes up the name of a new head of household of the same family as head (the same
// surname), whom no one else of the village is called.
func (g *generator) kin(r *rand.Rand, head string, v *village) string {
	used := map[string]bool{}
	for _, h := range v.households {
		used[h.Head] = true
	}
	for name := range v.settings.Emails {
		used[name] = true
	}
	used[head] = true
	surname := string([]rune(head)[:1])
	name := head
	for try := 0; used[name] && try < maxTries; try++ {
		given := g.names.Male
		if r.Float64() < g.names.FemaleShare {
			given = g.names.Female
		}
		name = surname + given[r.IntN(len(given))]
	}
	return name
}

// settle applies the moves to the village's roster: a household that leaves gets its
// 退出日期; the households that continue one are numbered among those who join, in the order
// they join.
func (g *generator) settle(v *village) {
	id := v.settings.ID
	inserted := false
	for _, p := range g.plans {
		if p.settings.From == id {
			i := slices.IndexFunc(v.households, func(h sheet.Household) bool { return h.ID == p.from.ID })
			v.households[i].Left = p.day
		}
		for _, s := range p.successors {
			if s.village != id {
				continue
			}
			j := slices.IndexFunc(v.households, func(h sheet.Household) bool { return h.Joined > s.household.Joined })
			if j < 0 {
				j = len(v.households)
			}
			v.households = slices.Insert(v.households, j, s.household)
			v.engagement = slices.Insert(v.engagement, j, s.engagement)
			inserted = true
		}
	}
	if inserted {
		for i := range v.households {
			v.households[i].ID = fmt.Sprintf("%s-%04d", v.settings.Prefix, i+1)
		}
	}
	v.moves, v.successors = map[string]string{}, map[string]moveLink{}
	for _, p := range g.plans {
		if p.settings.From == id {
			v.moves[p.from.ID] = p.day
		}
		var ks []int
		for k, s := range p.successors {
			if s.village == id {
				ks = append(ks, k)
			}
		}
		for _, h := range v.households {
			if len(ks) > 0 && len(h.From) > 0 && cmp.Or(h.From[0].Village, id) == p.settings.From && h.From[0].Household == p.from.ID {
				v.successors[h.ID] = moveLink{plan: p, k: ks[0]}
				v.moves[h.ID] = h.Joined
				ks = ks[1:]
			}
		}
	}
}

// An opening is what a successor's account starts with, as the generator counts it.
type opening struct {
	points int            // of the predecessor's balance at the end of its last day
	frozen bool           // an E2 veto froze the predecessor's balance to the year's end
	later  map[string]int // month → the predecessor's net points, credited after it left: the main successor's
}

// opening works out a successor's opening from its predecessor's village as its exchanges were
// made up to the predecessor's last day, with the score package's ledger: a share of the
// balance for a split's household that gives 承接积分, the rest for the main one, with what the
// predecessor is credited later. The predecessor must have points to take along.
func (g *generator) opening(l moveLink, pv *town.Village) (opening, error) {
	p := l.plan
	only := pv.Only(func(h *sheet.Household) bool { return h.ID == p.from.ID })
	res := score.Village(only)
	end := p.settings.Day.AsTime(chinaTime()).AddDate(0, 0, 1).Add(-time.Second)
	a := score.Supermarket(res, end, chinaTime()).Accounts[p.from.ID]
	if a == nil || a.Balance <= 0 {
		return opening{}, fmt.Errorf("move on %s: %s has no points to take along; draw another household", p.day, p.from.ID)
	}
	share := func(k int) int {
		if k == 0 {
			return 0
		}
		return int(p.settings.Share * float64(a.Balance))
	}
	o := opening{points: share(l.k), frozen: a.Frozen}
	if l.k == 0 {
		o.points, o.later = a.Balance, map[string]int{}
		for k := range p.successors {
			o.points -= share(k)
		}
		for i, m := range only.Months {
			if s := res.Months[i].Standing(p.from.ID); s != nil && m.Month >= sheet.MonthOf(p.day) {
				o.later[m.Month] += s.Net
			}
		}
	}
	return o, nil
}

// movePull is the pull request of a move: opened by the predecessor's grid worker the day its
// successors join, with every roster it changes, reviewed by a member of each village's
// evaluation group and merged, when the settings say, by the secretary of the village it
// moves to.
func (g *generator) movePull(k int, villages []*village) (records.Change, error) {
	p, loc := g.plans[k], chinaTime()
	byID := map[string]*village{}
	for _, v := range villages {
		byID[v.settings.ID] = v
	}
	var involved []*village
	for _, id := range append([]string{p.settings.From}, p.settings.To...) {
		v := byID[id]
		if v == nil {
			return records.Change{}, fmt.Errorf("move on %s: village %s is not made", p.day, id)
		}
		if !slices.Contains(involved, v) {
			involved = append(involved, v)
		}
	}
	from, to := involved[0], byID[p.settings.To[len(p.settings.To)-1]]
	r := g.rand(from.settings.ID, "moves/"+p.day+"/history")
	c := records.Change{Branch: from.settings.ID + "/" + p.day + "-" + p.kind(), Files: map[string][]byte{},
		Merged: true, MergeTime: p.settings.Merged.In(loc)}
	worker := from.grids[0].Worker
	for _, gr := range from.grids {
		if gr.Name == p.from.Grid {
			worker = gr.Worker
		}
	}
	var err error
	if c.Author, err = from.person(worker); err != nil {
		return c, err
	}
	if c.Merger, err = to.person(to.settings.Secretary); err != nil {
		return c, err
	}
	for _, v := range involved {
		c.Files[v.dir()+"households.csv"] = v.moveRosters[k]
		var others []string
		for _, m := range v.members {
			if m != v.settings.Secretary && m != worker {
				others = append(others, m)
			}
		}
		n := 1
		if len(involved) == 1 {
			n = 1 + r.IntN(2)
		}
		for _, i := range r.Perm(len(others))[:min(n, len(others))] {
			reviewer, err := v.person(others[i])
			if err != nil {
				return c, err
			}
			c.Reviewers = append(c.Reviewers, reviewer.Name+" <"+reviewer.Email+">")
		}
	}
	c.Time = g.workTime(r, midnight(p.settings.Day.AsTime(loc)).AddDate(0, 0, 1))
	if !c.Time.Before(c.MergeTime) {
		return c, fmt.Errorf("move on %s: merged %s before the pull request is opened", p.day, c.MergeTime)
	}
	c.Message = g.moveMessage(p, from, byID)
	return c, nil
}

// moveMessage describes a move's pull request: who leaves, who continues it, and what becomes
// of the balance.
func (g *generator) moveMessage(p *movePlan, from *village, byID map[string]*village) string {
	type added struct {
		v *village
		h sheet.Household
	}
	var news []added
	for k, s := range p.successors {
		v := byID[s.village]
		for _, h := range v.households {
			if l, ok := v.successors[h.ID]; ok && l.plan == p && l.k == k {
				news = append(news, added{v, h})
			}
		}
	}
	// ref is the predecessor as the roster of the village v writes it.
	ref := func(v *village) string {
		if v == from {
			return " " + p.from.ID
		}
		return from.name + " " + p.from.ID
	}
	villages := map[*village]bool{from: true}
	var b strings.Builder
	clears := g.rules.InForceOn(p.day) != nil && g.rules.InForceOn(p.day).Market.OnMove.Clears()
	if !p.settings.split() {
		n := news[0]
		villages[n.v] = true
		fmt.Fprintf(&b, "%s %s 迁往%s\n\n", from.name, p.from.ID, n.v.name)
		fmt.Fprintf(&b, "名册：%s 于 %s 迁往%s（%s）。\n", p.from.ID, p.day, n.v.name, n.h.ID)
		fmt.Fprintf(&b, "名册：%s新增 %s（%s 由%s 迁入，%s）。\n", n.v.name, n.h.ID, n.h.Joined, ref(n.v), n.h.Grid)
		if clears {
			b.WriteString("按积分细则，可兑换积分迁出时清零。")
		} else {
			b.WriteString("按积分细则，可兑换积分随户转入。")
		}
	} else {
		var ids []string
		for _, n := range news {
			ids = append(ids, n.h.ID)
			villages[n.v] = true
		}
		fmt.Fprintf(&b, "%s %s 分户\n\n", from.name, p.from.ID)
		fmt.Fprintf(&b, "名册：%s 于 %s 分户，分为 %s（主户）和 %s。\n", p.from.ID, p.day, ids[0], strings.Join(ids[1:], "、"))
		for _, n := range news {
			fmt.Fprintf(&b, "名册：%s新增 %s（%s 由%s 分出，%s）", n.v.name, n.h.ID, n.h.Joined, ref(n.v), n.h.Grid)
			if n.h.CarriedSet {
				fmt.Fprintf(&b, "，承接积分 %d 分", n.h.Carried)
			}
			b.WriteString("。\n")
		}
		if clears {
			b.WriteString("按积分细则，可兑换积分分户时清零。")
		} else {
			fmt.Fprintf(&b, "其余可兑换积分归主户 %s。", ids[0])
		}
	}
	switch {
	case len(villages) > 2:
		b.WriteString("各村积分评议小组审核。\n")
	case len(villages) > 1:
		b.WriteString("两村积分评议小组审核。\n")
	default:
		b.WriteString("村积分评议小组审核。\n")
	}
	return b.String()
}
