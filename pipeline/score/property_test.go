package score

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/jifen-project/jifen/pipeline/rules"
	"github.com/jifen-project/jifen/pipeline/sheet"
	"github.com/jifen-project/jifen/pipeline/town"
)

// randomVillage makes a village of random households and months under the test rule set, with
// vetoes, deductions, households joining and leaving, redemptions, and corrections approved
// after later months.
func randomVillage(t *testing.T, seed uint64) *town.Village {
	r := rand.New(rand.NewPCG(seed, 1))
	rs := testRules(t)
	v := &town.Village{ID: "v", Catalog: town.Catalog{Goods: []sheet.Goods{{ID: "G1", Points: 5, CostFen: 480}}}}
	n := 5 + r.IntN(40)
	for i := range n {
		h := sheet.Household{ID: fmt.Sprintf("H%02d", i), Grid: fmt.Sprintf("G%d", r.IntN(3)), Joined: "2024-12-01"}
		switch r.IntN(10) {
		case 0:
			h.Joined = fmt.Sprintf("2025-%02d-10", 1+r.IntN(12))
		case 1:
			h.Left = fmt.Sprintf("2025-%02d-10", 1+r.IntN(12))
		}
		v.Households = append(v.Households, h)
	}
	var items []string
	for _, it := range rs.Items {
		items = append(items, it.ID)
	}
	for m := 1; m <= 12; m++ {
		month := fmt.Sprintf("2025-%02d", m)
		mo := &town.Month{Month: month, Rules: rs, Revisions: []town.Revision{{Version: town.Version{Time: time.Date(2025, time.Month(m)+1, 3, 10, 0, 0, 0, time.UTC)}}}}
		for _, h := range v.Households {
			for range r.IntN(5) {
				day := fmt.Sprintf("%s-%02d", month, 1+r.IntN(28))
				mo.Entries = append(mo.Entries, randomRow(r, rs, items, h.ID, day, len(mo.Entries)+2, 60))
			}
			if r.IntN(4) == 0 {
				q := 1 + r.IntN(3)
				mo.Redemptions = append(mo.Redemptions, sheet.Redemption{Household: h.ID, Goods: "G1", Quantity: q, Points: 5 * q, Date: month + "-20"})
			}
		}
		if r.IntN(3) == 0 { // a correction: the first approval lacked some rows
			first := mo.Revisions[0]
			for _, e := range mo.Entries {
				if r.IntN(3) > 0 {
					first.Entries = append(first.Entries, e)
				}
			}
			later := first.Time.AddDate(0, 0, 1+r.IntN(80))
			mo.Revisions = []town.Revision{first, {Version: town.Version{Time: later}, Entries: mo.Entries}}
		} else {
			mo.Revisions[0].Entries = mo.Entries
		}
		v.Months = append(v.Months, mo)
	}
	return v
}

func TestProperties(t *testing.T) {
	for seed := range uint64(30) {
		v := randomVillage(t, seed)
		res := Village(v)
		for _, mr := range res.Months {
			sum, issued, deducted := 0, 0, 0
			for i, s := range mr.Standings {
				sum += s.Net
				issued += s.Positive
				deducted += s.Negative
				counted := 0
				for _, c := range s.Entries {
					counted += c.Counted
					if c.Counted*c.Points < 0 || abs(c.Counted) > abs(c.Points) {
						t.Fatalf("seed %d %s %s: %s counted %d of %d", seed, mr.Month, s.Household, c.Item, c.Counted, c.Points)
					}
				}
				if counted != s.Net {
					t.Fatalf("seed %d %s %s: entries sum to %d, net %d", seed, mr.Month, s.Household, counted, s.Net)
				}
				if s.Positive > v.Months[0].Rules.MonthlyCap {
					t.Fatalf("seed %d %s %s: %d positive points over the monthly cap", seed, mr.Month, s.Household, s.Positive)
				}
				// Ranks agree with points: more points, better rank; equal points, equal rank.
				for _, o := range mr.Standings[:i] {
					if s.Active && o.Active && ((o.Net > s.Net) != (o.Rank < s.Rank) || (o.Net == s.Net) != (o.Rank == s.Rank)) {
						t.Fatalf("seed %d %s: %s (%d, #%d) and %s (%d, #%d)", seed, mr.Month, o.Household, o.Net, o.Rank, s.Household, s.Net, s.Rank)
					}
				}
			}
			if sum != mr.Total || issued != mr.Issued || deducted != mr.Deducted {
				t.Fatalf("seed %d %s: households sum to %d/%d/%d, totals %d/%d/%d", seed, mr.Month, sum, issued, deducted, mr.Total, mr.Issued, mr.Deducted)
			}
		}
		// The ledger reconciles: what was earned is redeemed, expired or still held; every
		// point the scores count is credited once all versions are in; the months' figures add
		// up to the totals.
		asOf := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
		l := Supermarket(res, asOf, time.UTC)
		nets := map[string]int{}
		for _, mr := range res.Months {
			for _, s := range mr.Standings {
				nets[s.Household] += s.Net
			}
		}
		debts := 0
		for id, a := range l.Accounts {
			if a.Honour-a.Redeemed-a.Expired-cleared(a) != a.Balance {
				t.Fatalf("seed %d %s: honour %d − redeemed %d − expired %d ≠ balance %d", seed, id, a.Honour, a.Redeemed, a.Expired, a.Balance)
			}
			if a.Honour != nets[id] {
				t.Fatalf("seed %d %s: honour %d, the scores count %d", seed, id, a.Honour, nets[id])
			}
			debts -= cleared(a)
		}
		expired, debtsByMonth := 0, 0
		for _, m := range l.Months {
			expired += m.Expired
			debtsByMonth += m.Cleared
		}
		if expired != l.Expired || debtsByMonth != debts {
			t.Fatalf("seed %d: months expired %d and cleared %d, totals %d and %d", seed, expired, debtsByMonth, l.Expired, debts)
		}
		again := Village(randomVillage(t, seed))
		if !reflect.DeepEqual(res, again) || !reflect.DeepEqual(l, Supermarket(again, asOf, time.UTC)) {
			t.Fatalf("seed %d: the same input gave different results", seed)
		}
	}
}

// cleared is what year-end expiry took from a negative balance (a debt that was cleared).
func cleared(a *Account) int {
	n := 0
	for _, l := range a.Lines {
		if l.Kind == "expire" && l.Points > 0 {
			n -= l.Points
		}
	}
	return n
}

func abs(n int) int { return max(n, -n) }

// TestCreditsShortcut checks that crediting the scores of months approved in order, until the
// first correction or late month of a year, credits what replaying every day does: on villages
// with corrections, without them, and with months approved out of order.
func TestCreditsShortcut(t *testing.T) {
	key := func(e event) string { return fmt.Sprintf("%s %s %02d %d", e.date, e.household, e.month, e.points) }
	shortcuts := 0
	for seed := range uint64(60) {
		v := randomVillage(t, seed)
		r := rand.New(rand.NewPCG(seed, 2))
		for _, m := range v.Months {
			switch seed % 3 {
			case 1: // no corrections
				m.Revisions = m.Revisions[len(m.Revisions)-1:]
			case 2: // some months approved late, after later months
				if r.IntN(4) == 0 {
					last := &m.Revisions[len(m.Revisions)-1]
					last.Time = last.Time.AddDate(0, 0, 20+r.IntN(60))
				}
			}
		}
		res := Village(v)
		fast, whole := credits(nil, res, time.UTC, false), credits(nil, res, time.UTC, true)
		got, want := make([]string, len(fast)), make([]string, len(whole))
		for i := range fast {
			got[i] = key(fast[i])
		}
		for i := range whole {
			want[i] = key(whole[i])
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("seed %d: the shortcut credits\n%v\nreplaying every day credits\n%v", seed, got, want)
		}
		y := &replay{vs: make([][]version, len(v.Months))}
		for i, m := range v.Months {
			y.vs[i] = versions(m, time.UTC)
		}
		if y.regularUntil() > v.Months[0].Revisions[0].Time.Format(time.DateOnly) {
			shortcuts++
		}
	}
	if shortcuts < 20 {
		t.Fatalf("the shortcut was taken in %d villages of 60", shortcuts)
	}
}

// randomRow is a row of the household on the day, of one of the items at random, or once in
// vetoOdds of a veto.
func randomRow(r *rand.Rand, rs *rules.RuleSet, items []string, household, day string, line, vetoOdds int) sheet.Entry {
	e := sheet.Entry{Household: household, Date: day, Line: line}
	if r.IntN(vetoOdds) == 0 {
		e.Item = rs.Vetoes[r.IntN(len(rs.Vetoes))].ID
	} else {
		it := rs.Item(items[r.IntN(len(items))])
		e.Item, e.Points = it.ID, it.Allowed()[r.IntN(len(it.Allowed()))]
	}
	return e
}
