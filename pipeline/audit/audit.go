// Package audit checks what only the scoring can tell: the sheet rows whose points the rule
// set's caps do not count in full, and the redemptions the points supermarket's ledger refuses.
// Cap cuts are warnings, not errors: the row is true, the rules only cut it, and the household's
// page shows the cut. Refused redemptions are errors. The arithmetic is pipeline/score's, so
// that what cadres are told is what residents see.
package audit

import (
	"runtime"
	"strconv"
	"sync"

	"github.com/jifen-project/jifen/pipeline/check"
	"github.com/jifen-project/jifen/pipeline/score"
	"github.com/jifen-project/jifen/pipeline/town"
)

// Caps scores every village of the town and warns about each row that a cap cut: the item's
// monthly or yearly cap, the category's yearly weight, or the global monthly cap. Villages are
// scored on as many goroutines as there are processors.
func Caps(t *town.Town) check.List {
	found := make([]check.List, len(t.Villages))
	limit := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, v := range t.Villages {
		wg.Go(func() {
			limit <- struct{}{}
			found[i] = village(v)
			<-limit
		})
	}
	wg.Wait()
	var diags check.List
	for _, ds := range found {
		diags = append(diags, ds...)
	}
	diags.Sort()
	return diags
}

// Results checks a town's scored results: a warning for each row that a cap cut and an error
// for each redemption that the supermarket's ledger refuses (results from score.Town).
func Results(results []*score.VillageResult) check.List {
	var diags check.List
	for _, res := range results {
		diags = append(diags, cuts(res)...)
		diags = append(diags, refusals(res)...)
	}
	diags.Sort()
	return diags
}

// village scores a village and warns about the rows that a cap cut.
func village(v *town.Village) check.List {
	return cuts(score.Village(v))
}

// refusals are the errors for the redemptions the ledger refuses: beyond the balance, frozen by
// an E2 veto, or of points that have expired.
func refusals(res *score.VillageResult) check.List {
	var diags check.List
	if res.Ledger == nil {
		return nil
	}
	for _, p := range res.Ledger.Problems {
		var m *town.Month
		for _, mo := range res.Village.Months {
			if mo.Month == p.Month {
				m = mo
			}
		}
		d := check.Diagnostic{File: p.File, Line: p.Redemption.Line, Value: strconv.Itoa(p.Redemption.Points), Args: []string{strconv.Itoa(p.Balance)}}
		if m != nil {
			d.File, d.Column = m.RedemptionsFile, m.RedemptionColumns["points"]
		}
		switch p.Kind {
		case "frozen":
			d.Code = check.FrozenBalance
		case "expired":
			d.Code = check.Expired
		default:
			d.Code = check.OverBalance
		}
		diags.Add(d)
	}
	return diags
}

// cuts are the warnings for the rows of a village's sheets that a cap cut.
func cuts(res *score.VillageResult) check.List {
	var diags check.List
	v := res.Village
	for i, mr := range res.Months {
		for _, s := range mr.Standings {
			for _, c := range s.Entries {
				if d, ok := capWarning(v.Months[i], c); ok {
					diags.Add(d)
				}
			}
		}
	}
	return diags
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
		if it.CapPeriod == "year" {
			d.Code = check.ItemYearCapCut
		}
		d.Args = []string{it.ID + " " + it.Name, strconv.Itoa(it.Cap), counted}
	case score.CategoryCap:
		cat := rs.Category(c.Category)
		d.Code = check.CategoryCapCut
		d.Args = []string{cat.ID + " " + cat.Name, strconv.Itoa(cat.Weight), counted}
	case score.MonthlyCap:
		d.Code = check.MonthlyCapCut
		d.Args = []string{strconv.Itoa(rs.MonthlyCap), counted}
	default:
		return d, false
	}
	return d, true
}
