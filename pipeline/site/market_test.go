package site

import (
	"testing"
	"time"

	"github.com/jifen-project/jifen/pipeline/demo"
	"github.com/jifen-project/jifen/pipeline/records"
	"github.com/jifen-project/jifen/pipeline/score"
	"github.com/jifen-project/jifen/pipeline/town"
)

// TestMarketReconciles checks the supermarket's published sums on the demo town, also on New
// Year's Day, when the year's balances have expired but December's sheet is not in yet. (The
// moves town's sums: TestMarketReconcilesWithMoves.)
func TestMarketReconciles(t *testing.T) {
	r, err := records.Replay("main", demo.Changes())
	if err != nil {
		t.Fatal(err)
	}
	cst := time.FixedZone("CST", 8*3600)
	for _, asOf := range []time.Time{time.Date(2026, 1, 1, 12, 0, 0, 0, cst), demo.AsOf()} {
		src, err := records.Approved(r, records.Options{Until: asOf})
		if err != nil {
			t.Fatal(err)
		}
		tw, diags := town.Load(src, town.Options{Now: asOf})
		if diags.Errors() > 0 {
			t.Fatal(diags)
		}
		s, err := Publish(tw, score.Town(tw, asOf), asOf, "", All, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range append(s.Villages, &Village{ID: "town", Market: Market{Totals: s.Town.Market}}) {
			m := v.Market.Totals
			if m.Issued+m.Deducted-m.Redeemed-m.Expired+m.Cleared+m.MovedIn-m.MovedOut-m.MoveClear != m.Outstanding {
				t.Errorf("%s as of %s: %d + %d − %d − %d + %d + %d − %d − %d ≠ %d", v.ID, asOf.Format(time.DateOnly), m.Issued, m.Deducted, m.Redeemed,
					m.Expired, m.Cleared, m.MovedIn, m.MovedOut, m.MoveClear, m.Outstanding)
			}
			if m.Expired == 0 {
				t.Errorf("%s as of %s: nothing expired", v.ID, asOf.Format(time.DateOnly))
			}
		}
	}
}
