package audit

import (
	"strconv"

	"github.com/jifen-project/jifen/pipeline/check"
	"github.com/jifen-project/jifen/pipeline/score"
	"github.com/jifen-project/jifen/pipeline/town"
)

// taint notes, before the scoring, what the scores of the village cannot be trusted for: from
// the first month with a file that failed (or with a row whose household is unknown), every
// household; from the first month with a row of a household that failed, that household.
func (p *Pass) taint() {
	v := p.Village
	p.firstBad, p.badFrom = len(v.Months), map[string]int{}
	if p.Failed(v.RosterFile) || p.Failed(v.Catalog.File) {
		p.firstBad = 0
		return
	}
	bad := func(i int, household string) {
		if household == "" {
			p.firstBad = min(p.firstBad, i)
		} else if j, ok := p.badFrom[household]; !ok || i < j {
			p.badFrom[household] = i
		}
	}
	for i, m := range v.Months {
		if p.Failed(m.SheetFile) || p.Failed(m.RedemptionsFile) || !p.RulesOK(m) || p.Town.Dropped[m.SheetFile] || p.Town.Dropped[m.RedemptionsFile] {
			bad(i, "")
		}
		for _, e := range m.Entries {
			if p.Rejected(m.SheetFile, e.Line, e.Invalid) {
				bad(i, e.Household)
			}
		}
		for _, r := range m.Redemptions {
			if p.Rejected(m.RedemptionsFile, r.Line, r.Invalid) {
				bad(i, r.Household)
			}
		}
	}
}

// trusted reports whether the scores of a household in the month with index i follow only from
// rows and files that passed.
func (p *Pass) trusted(household string, i int) bool {
	j, bad := p.badFrom[household]
	return i < p.firstBad && (!bad || i < j)
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
				if !p.trusted(s.Household, i) {
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
	d := check.Diagnostic{Severity: check.Warning, File: m.SheetFile, Line: c.Line, Column: m.Columns["points"], Value: strconv.Itoa(c.Points)}
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
			if !p.trusted(pr.Redemption.Household, i) {
				continue
			}
			m := p.Village.Months[i]
			d := check.Diagnostic{File: m.RedemptionsFile, Line: pr.Redemption.Line, Column: m.RedemptionColumns["points"],
				Value: strconv.Itoa(pr.Redemption.Points), Args: []string{strconv.Itoa(pr.Balance)}}
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
