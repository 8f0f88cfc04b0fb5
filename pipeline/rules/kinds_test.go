package rules

import "testing"

func TestKinds(t *testing.T) {
	for _, tt := range []struct {
		e                      Effect
		valid, freezes, overE1 bool
	}{{E1, true, false, false}, {E2, true, true, true}, {"", false, false, false}, {"e2", false, false, false}} {
		if tt.e.Valid() != tt.valid || tt.e.Freezes() != tt.freezes || tt.e.Stronger(E1) != tt.overE1 {
			t.Errorf("effect %q: valid %v, freezes %v, stronger than E1 %v", tt.e, tt.e.Valid(), tt.e.Freezes(), tt.e.Stronger(E1))
		}
	}
	if !E1.Stronger("") || E1.Stronger(E2) || Effect("").Stronger("") {
		t.Error("E1 is stronger than no veto only")
	}
	for _, tt := range []struct {
		p                     Publish
		valid, item, category bool
	}{{PublishNote, true, true, true}, {PublishCategory, true, false, true}, {PublishNothing, true, false, false}, {"y", false, false, false}} {
		if tt.p.Valid() != tt.valid || tt.p.ShowsItem() != tt.item || tt.p.ShowsCategory() != tt.category {
			t.Errorf("publish %q: valid %v, item %v, category %v", tt.p, tt.p.Valid(), tt.p.ShowsItem(), tt.p.ShowsCategory())
		}
	}
	if !PerYear.Yearly() || PerMonth.Yearly() || !PerMonth.Valid() || CapPeriod("monthly").Valid() {
		t.Error("cap periods")
	}
	if !YearEnd.AtYearEnd() || Never.AtYearEnd() || !Never.Valid() || Expiry("year_end").Valid() {
		t.Error("expiries")
	}
}
