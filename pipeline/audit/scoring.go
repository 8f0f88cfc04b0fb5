package audit

import (
	"slices"
	"strconv"
	"strings"

	"github.com/jifen-project/jifen/pipeline/check"
	"github.com/jifen-project/jifen/pipeline/score"
	"github.com/jifen-project/jifen/pipeline/sheet"
	"github.com/jifen-project/jifen/pipeline/town"
)

// A taint says from which month on the scores of a village, or of some of its households,
// follow from something that failed, so that their checks would report consequences.
type taint struct {
	first int            // index of the first month with a file that failed: every household from then
	from  map[string]int // household → index of the first month with a row of it that failed
}

func newTaint(months int) taint { return taint{first: months, from: map[string]int{}} }

// add taints the household from month i on, or every household when the household is unknown
// (a row that could not be split into cells, a file that could not be read).
func (t *taint) add(i int, household string) {
	if household == "" {
		t.first = min(t.first, i)
	} else if j, ok := t.from[household]; !ok || i < j {
		t.from[household] = i
	}
}

// trusted reports whether the household's scores in month i follow only from what passed.
func (t taint) trusted(household string, i int) bool {
	j, bad := t.from[household]
	return i < t.first && (!bad || i < j)
}

// taint notes, before the scoring, what the scores cannot be trusted for: the caps depend on
// the sheets, the roster and the rule sets; the ledger on those and on the redemptions and the
// catalog too.
func (p *Pass) taint() {
	v := p.Village
	p.sheets, p.all = newTaint(len(v.Months)), newTaint(len(v.Months))
	if p.Failed(v.RosterFile) || v.Incomplete {
		p.sheets.first, p.all.first = 0, 0
	}
	if p.Failed(v.Catalog.File) {
		p.all.first = 0
	}
	for _, h := range v.Households {
		if p.Rejected(v.RosterFile, h.Line) { // its dates or its code are unknown
			p.sheets.add(0, h.ID)
			p.all.add(0, h.ID)
		}
	}
	f := &finder{village: v}
	for i, m := range v.Months {
		if p.Failed(m.SheetFile) || p.Town.Dropped[m.SheetFile] || !p.RulesOK(m) {
			p.sheets.add(i, "")
			p.all.add(i, "")
		}
		if p.Failed(m.RedemptionsFile) || p.Town.Dropped[m.RedemptionsFile] {
			p.all.add(i, "")
		}
		rejected := p.rejectedIn(m.SheetFile)
		for j := range m.Entries {
			if e := &m.Entries[j]; e.Invalid != 0 || rejected.has(e.Line) || f.household(e.Household) == nil {
				p.sheets.add(i, e.Household)
				p.all.add(i, e.Household)
			}
		}
		rejected = p.rejectedIn(m.RedemptionsFile)
		for j := range m.Redemptions {
			if r := &m.Redemptions[j]; r.Invalid != 0 || rejected.has(r.Line) || f.household(r.Household) == nil {
				p.all.add(i, r.Household)
			}
		}
	}
}

// Caps warns about each row whose points a cap cut: the item's monthly or yearly cap, the
// category's yearly weight, or the global monthly cap. The row is true; the rules only cut it,
// and the household's page shows the cut.
var Caps = &Analyzer{
	Name:  "caps",
	Codes: []check.Code{check.ItemCapCut, check.ItemYearCapCut, check.CategoryCapCut, check.MonthlyCapCut},
	Needs: check.Scoring,
	Run: func(p *Pass) {
		for i, mr := range p.Result.Months {
			m := p.Village.Months[i]
			for _, s := range mr.Standings {
				if !p.sheets.trusted(s.Household, i) {
					continue
				}
				for _, c := range s.Entries {
					if d, ok := capWarning(m, c); ok {
						p.Report(d)
					}
				}
			}
		}
	},
}

// capWarning is the warning for an entry that a cap cut.
func capWarning(m *town.Month, c score.Counted) (check.Diagnostic, bool) {
	d := check.Diagnostic{Severity: check.Warning, File: m.SheetFile, Line: c.Line, Column: m.Columns["points"], Value: c.PointsText}
	counted := strconv.Itoa(c.Counted)
	rs := m.Rules
	switch c.Reason {
	case score.ItemCap:
		it := rs.Item(c.Item)
		d.Code = check.ItemCapCut
		if it.CapPeriod.Yearly() {
			d.Code = check.ItemYearCapCut
		}
		d.Args = []string{it.ID, it.Name, strconv.Itoa(it.Cap), counted}
	case score.CategoryCap:
		cat := rs.Category(c.Category)
		d.Code = check.CategoryCapCut
		d.Args = []string{cat.ID, cat.Name, strconv.Itoa(cat.Weight), counted}
	case score.MonthlyCap:
		d.Code = check.MonthlyCapCut
		d.Args = []string{strconv.Itoa(rs.MonthlyCap), counted}
	default:
		return d, false
	}
	return d, true
}

// Ledger reports the redemptions that the points supermarket's ledger refuses: beyond the
// balance, frozen by an E2 veto, or of points that have expired.
var Ledger = &Analyzer{
	Name:  "ledger",
	Codes: []check.Code{check.OverBalance, check.FrozenBalance, check.Expired},
	Needs: check.Scoring,
	Run: func(p *Pass) {
		if p.Result.Ledger == nil {
			return
		}
		for _, pr := range p.Result.Ledger.Problems {
			i := pr.MonthIndex
			if !p.all.trusted(pr.Redemption.Household, i) {
				continue
			}
			m := p.Village.Months[i]
			d := check.Diagnostic{File: m.RedemptionsFile, Line: pr.Redemption.Line, Column: m.RedemptionColumns["points"],
				Value: pr.Redemption.PointsText, Args: []string{strconv.Itoa(pr.Balance)}}
			switch pr.Kind {
			case score.Frozen:
				d.Code = check.FrozenBalance
			case score.ExpiredPoints:
				d.Code = check.Expired
			default:
				d.Code = check.OverBalance
			}
			p.Report(d)
		}
	},
}

// Moves reports the splits whose new households carry more points than the household they
// split from had (承接积分), on each new household that gives a share.
var Moves = &Analyzer{
	Name:  "moves",
	Codes: []check.Code{check.CarriedOver},
	Needs: check.Scoring,
	Run: func(p *Pass) {
		if p.Result.Moves == nil {
			return
		}
		v := p.Village
		for _, pr := range p.Result.Moves.Problems {
			for _, l := range pr.Links {
				h := v.Household(l.To.Household)
				if l.To.Village != v.ID || h == nil || !p.all.trusted(h.ID, 0) {
					continue
				}
				p.Report(check.Diagnostic{Code: check.CarriedOver, File: v.RosterFile, Line: h.Line, Column: v.RosterColumns["carried"], Value: strconv.Itoa(h.Carried),
					Args: []string{strconv.Itoa(pr.Shares), pr.From.String(), pr.Date, strconv.Itoa(pr.Balance)}, Related: "villages/" + pr.From.Village + "/households.csv"})
			}
		}
	},
}

// untrustedLeavers are the households that left whose accounts follow from something that
// failed by the month they left: what they pass on to the households that continue them would.
func (p *Pass) untrustedLeavers(out map[town.Ref]bool) {
	v := p.Village
	for _, h := range v.Households {
		if h.Left == "" {
			continue
		}
		left := sheet.MonthOf(h.Left)
		i := len(v.Months) - 1
		for i >= 0 && v.Months[i].Month > left {
			i--
		}
		if i >= 0 && !p.all.trusted(h.ID, i) || p.all.first == 0 {
			out[town.Ref{Village: v.ID, Household: h.ID}] = true
		}
	}
}

// inherit taints, in the passes of their villages, the households that continue households
// whose accounts cannot be trusted (untrusted, see untrustedLeavers), in the order they left, so
// that a chain passes the taint on.
func inherit(links []town.Link, untrusted map[town.Ref]bool, passes map[string]*Pass) {
	links = slices.Clone(links)
	slices.SortStableFunc(links, func(a, b town.Link) int { return strings.Compare(a.Left, b.Left) })
	for _, l := range links {
		if !untrusted[l.From] {
			continue
		}
		untrusted[l.To] = true
		if p := passes[l.To.Village]; p != nil {
			p.all.add(0, l.To.Household)
		}
	}
}

// unlinked taints the households whose 迁自 links nothing because of a problem (see
// town.Town.Unlinked): what they would have received is unknown, so their accounts are not
// judged, and a roster row with an error is not scored either, as in its own village's pass. A
// household whose predecessor has not left yet (W008) is judged on what it has.
func unlinked(t *town.Town, diags check.List, passes map[string]*Pass) {
	lines, waits := diags.Lines(), map[string]map[int]bool{}
	for _, d := range diags {
		if d.Code == check.MovePending {
			if waits[d.File] == nil {
				waits[d.File] = map[int]bool{}
			}
			waits[d.File][d.Line] = true
		}
	}
	for _, r := range t.Unlinked() {
		p := passes[r.Village]
		if p == nil {
			continue
		}
		h, file := p.Village.Household(r.Household), p.Village.RosterFile
		switch {
		case h == nil:
		case lines[file][h.Line]:
			p.sheets.add(0, h.ID)
			p.all.add(0, h.ID)
		case !waits[file][h.Line]:
			p.all.add(0, h.ID)
		}
	}
}
