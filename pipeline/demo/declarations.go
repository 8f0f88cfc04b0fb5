package demo

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/jifen-project/jifen/pipeline/sheet"
)

// declarationsFile is a month's declarations (申报) as grid workers record them, or nil for a
// village whose settings have none: a share of the month's rows that add points came by a
// household's declaration, accepted; and a household or two claimed an item the evaluation
// group refused, with its reason. Only rows that every approved version of the month's sheet
// keeps are declared, so that an accepted declaration always has its row.
func (g *generator) declarationsFile(v *village, m *month) []byte {
	share := v.settings.Declarations
	if share <= 0 {
		return nil
	}
	r := g.rand(v.settings.ID, "declarations/"+m.Month)
	kept := map[[3]string]bool{}
	for _, e := range m.Entries {
		kept[[3]string{e.Household, e.Item, e.Date}] = true
	}
	var ds []sheet.Declaration
	for _, e := range m.approved() {
		if e.Points > 0 && kept[[3]string{e.Household, e.Item, e.Date}] && r.Float64() < share {
			ds = append(ds, sheet.Declaration{Date: e.Date, Household: e.Household, Item: e.Item, Text: e.Note, Outcome: sheet.Accepted})
		}
	}
	for range 1 + r.IntN(2) {
		if d, ok := g.refused(v, m, r, kept); ok {
			ds = append(ds, d)
		}
	}
	slices.SortStableFunc(ds, func(a, b sheet.Declaration) int {
		return cmp.Or(strings.Compare(a.Date, b.Date), strings.Compare(a.Household, b.Household)) // dates and ids have one width
	})
	rows := [][]string{{"日期", "户号", "事项", "情况", "结果", "理由"}}
	for _, d := range ds {
		rows = append(rows, []string{v.date(d.Date), d.Household, d.Item, d.Text, d.Outcome, d.Reason})
	}
	return v.csvFile(rows)
}

// refused is a declaration the evaluation group refused: a household on the roster that day
// claimed the settings' item, which the month's sheet does not give it that day.
func (g *generator) refused(v *village, m *month, r *rand.Rand, kept map[[3]string]bool) (sheet.Declaration, bool) {
	claim := g.settings.Refused
	if len(v.households) == 0 || len(claim.Reasons) == 0 {
		return sheet.Declaration{}, false
	}
	day := fmt.Sprintf("%s-%02d", m.Month, 1+r.IntN(28))
	h := v.households[r.IntN(len(v.households))]
	if !h.ActiveIn(day) || kept[[3]string{h.ID, claim.Item, day}] {
		return sheet.Declaration{}, false
	}
	return sheet.Declaration{Date: day, Household: h.ID, Item: claim.Item, Text: claim.Text, Outcome: sheet.Refused,
		Reason: claim.Reasons[r.IntN(len(claim.Reasons))]}, true
}
