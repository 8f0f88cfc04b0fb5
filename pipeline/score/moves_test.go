package score

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jifen-project/jifen/pipeline/rules"
	"github.com/jifen-project/jifen/pipeline/sheet"
	"github.com/jifen-project/jifen/pipeline/town"
)

// randomTown makes a town of three villages under the test rule set (on_move as given) whose
// households move between them: moves, splits (承接积分 on all new households but the main
// one), merges and chains (a new household that moves on), some across a year's end, with
// rows, E2 vetoes, redemptions and corrections approved after later months, each household's
// rows within its days on the roster.
func randomTown(t *testing.T, seed uint64, onMove rules.OnMove) *town.Town {
	r := rand.New(rand.NewPCG(seed, 3))
	rs := testRules(t)
	rs.Market.OnMove = onMove
	tw := &town.Town{Name: "镇", NoticeDays: 7, Location: time.UTC, Rules: rules.Versions{rs}}
	for _, id := range []string{"a", "b", "c"} {
		v := &town.Village{ID: id, Name: id + "村", RosterFile: "villages/" + id + "/households.csv",
			Catalog: town.Catalog{Goods: []sheet.Goods{{ID: "G1", Points: 5, CostFen: 480}}}}
		for i := range 4 + r.IntN(12) {
			v.Households = append(v.Households, sheet.Household{ID: fmt.Sprintf("%s%02d", strings.ToUpper(id), i), Grid: "一组", Joined: "2024-12-01", Line: i + 2})
		}
		tw.Villages = append(tw.Villages, v)
	}
	day := func(d time.Time) string { return d.Format(time.DateOnly) }
	date := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	end := date("2026-03-31")
	// A household is its village's index and its position on the roster: the rosters grow, and
	// Village.Household would read a roster as it was when first asked.
	type at struct{ v, i int }
	hh := func(a at) *sheet.Household { return &tw.Villages[a.v].Households[a.i] }
	add := func(v int, h sheet.Household) at {
		vv := tw.Villages[v]
		h.ID, h.Grid, h.Line = fmt.Sprintf("%sN%02d", strings.ToUpper(vv.ID), len(vv.Households)), "一组", len(vv.Households)+2
		vv.Households = append(vv.Households, h)
		return at{v, len(vv.Households) - 1}
	}
	ref := func(to int, a at) sheet.Ref {
		if a.v == to {
			return sheet.Ref{Household: hh(a).ID}
		}
		return sheet.Ref{Village: tw.Villages[a.v].ID, Household: hh(a).ID}
	}
	// Leavers, in the order they leave; each may be continued by new households, which may
	// leave in turn.
	var leavers []at
	for v := range tw.Villages {
		for i := range tw.Villages[v].Households {
			if r.IntN(3) == 0 {
				hh(at{v, i}).Left = day(date("2025-01-10").AddDate(0, 0, r.IntN(350)))
				leavers = append(leavers, at{v, i})
			}
		}
	}
	linked := map[at]bool{}
	for len(leavers) > 0 {
		slices.SortStableFunc(leavers, func(a, b at) int { return strings.Compare(hh(a).Left, hh(b).Left) })
		p := leavers[0]
		leavers = leavers[1:]
		if linked[p] || r.IntN(4) == 0 {
			continue // it left the town
		}
		linked[p] = true
		left := date(hh(p).Left)
		joined := func() string { return day(left.AddDate(0, 0, 1+r.IntN(20))) }
		var news []at
		switch k := r.IntN(10); {
		case k < 6 || onMove == rules.Clear && k < 8: // a move
			to := r.IntN(3)
			news = append(news, add(to, sheet.Household{Joined: joined(), From: []sheet.Ref{ref(to, p)}}))
		case k < 8: // a split: the main household (no 承接积分) first or not
			n := 2 + r.IntN(2)
			main := r.IntN(n)
			for i := range n {
				to := r.IntN(3)
				h := sheet.Household{Joined: joined(), From: []sheet.Ref{ref(to, p)}}
				if i != main {
					h.Carried, h.CarriedSet = r.IntN(30), true
				}
				news = append(news, add(to, h))
			}
		default: // a merge with another household that left before this one joined
			to := r.IntN(3)
			h := sheet.Household{Joined: joined(), From: []sheet.Ref{ref(to, p)}}
			for _, o := range leavers {
				if !linked[o] && hh(o).Left < h.Joined {
					linked[o] = true
					h.From = append(h.From, ref(to, o))
					break
				}
			}
			news = append(news, add(to, h))
		}
		for _, a := range news {
			if r.IntN(3) == 0 { // a chain: the new household moves on
				if l := date(hh(a).Joined).AddDate(0, 0, 10+r.IntN(90)); l.Before(end) {
					hh(a).Left = day(l)
					leavers = append(leavers, a)
				}
			}
		}
	}
	var items []string
	for _, it := range rs.Items {
		items = append(items, it.ID)
	}
	for _, v := range tw.Villages {
		for m := date("2025-01-01"); m.Before(end); m = m.AddDate(0, 1, 0) {
			month := m.Format("2006-01")
			mo := &town.Month{Month: month, Rules: rs, Revisions: []town.Revision{{Version: town.Version{Time: m.AddDate(0, 1, 2+r.IntN(5))}}}}
			for _, h := range v.Households {
				first, last := max(day(m), h.Joined), day(m.AddDate(0, 1, -1))
				if h.Left != "" {
					last = min(last, h.Left)
				}
				if first > last {
					continue
				}
				span := int(date(last).Sub(date(first)).Hours()/24) + 1
				for range r.IntN(4) {
					e := sheet.Entry{Household: h.ID, Date: day(date(first).AddDate(0, 0, r.IntN(span))), Line: len(mo.Entries) + 2}
					if r.IntN(50) == 0 {
						e.Item = rs.Vetoes[r.IntN(len(rs.Vetoes))].ID
					} else {
						it := rs.Item(items[r.IntN(len(items))])
						e.Item, e.Points = it.ID, it.Allowed()[r.IntN(len(it.Allowed()))]
					}
					mo.Entries = append(mo.Entries, e)
				}
				if r.IntN(4) == 0 {
					q := 1 + r.IntN(4)
					mo.Redemptions = append(mo.Redemptions, sheet.Redemption{Household: h.ID, Goods: "G1", Quantity: q, Points: 5 * q,
						Date: day(date(first).AddDate(0, 0, r.IntN(span))), Line: len(mo.Redemptions) + 2})
				}
			}
			if r.IntN(3) == 0 { // a correction: the first approval lacked some rows
				first := mo.Revisions[0]
				for _, e := range mo.Entries {
					if r.IntN(3) > 0 {
						first.Entries = append(first.Entries, e)
					}
				}
				mo.Revisions = []town.Revision{first, {Version: town.Version{Time: first.Time.AddDate(0, 0, 1+r.IntN(120))}, Entries: mo.Entries}}
			} else {
				mo.Revisions[0].Entries = mo.Entries
			}
			v.Months = append(v.Months, mo)
		}
	}
	if diags := town.FindLinks(tw); len(diags) > 0 {
		t.Fatalf("seed %d: %s", seed, diags)
	}
	return tw
}

// received is the day a transfer reaches its household: the day it left, or the household's
// 加入日期 when that is later.
func received(tw *town.Town, tr Transfer) string {
	v := tw.Villages[slices.IndexFunc(tw.Villages, func(v *town.Village) bool { return v.ID == tr.To.Village })]
	return max(tr.Date, v.Household(tr.To.Household).Joined)
}

// TestMovesProperties checks, on random towns, that what left the accounts of households that
// moved is what reached the households that continue them, town-wide and line by line; that
// the transfers worked out from the movers alone (Transfers) are what the full villages'
// ledgers book; that every account's lines add up to its balance; and that the results do not
// depend on how many villages are scored at once.
func TestMovesProperties(t *testing.T) {
	asOf := time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)
	today := "2026-08-01"
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	kinds := map[town.MoveKind]int{} // and what else the transfers do, to see that the towns have it
	for seed := range uint64(40) {
		onMove := rules.Carry
		if seed%4 == 3 {
			onMove = rules.Clear
		}
		tw := randomTown(t, seed, onMove)
		results := Town(tw, asOf)
		moves := results[0].Moves
		var out, in, clear, sent, got, cleared int
		var lines = map[town.Ref][]string{} // the move lines of each account, in order
		for _, res := range results {
			for _, m := range res.Ledger.Months {
				out += m.MovedOut
				in += m.MovedIn
				clear += m.MoveClear
			}
			for id, a := range res.Ledger.Accounts {
				sum := 0
				for _, l := range a.Lines {
					sum += l.Points
					if l.Kind == MoveIn || l.Kind == MoveOut || l.Kind == MoveClear {
						ref := town.Ref{Village: res.Village.ID, Household: id}
						lines[ref] = append(lines[ref], fmt.Sprintf("%s %s %d %s", l.Date, l.Kind, l.Points, l.Other))
					}
				}
				if sum != a.Balance {
					t.Fatalf("seed %d: %s/%s: lines add up to %d, balance %d", seed, res.Village.ID, id, sum, a.Balance)
				}
			}
		}
		want := map[town.Ref][]string{}
		for _, from := range sortedRefs(moves.Out) {
			for _, tr := range moves.Out[from] {
				kinds[tr.Kind]++
				if tr.Later {
					kinds["later"]++
				}
				if tr.Cleared {
					kinds["cleared"]++
				}
				if tr.FrozenUntil != "" {
					kinds["frozen"]++
				}
				if tr.Date[:4] != received(tw, tr)[:4] {
					kinds["next year"]++
				}
				if tr.Points < 0 {
					kinds["debt"]++
				}
				if tr.Points == 0 {
					continue
				}
				kind := MoveOut
				if tr.Cleared {
					kind, cleared = MoveClear, cleared+tr.Points
				} else {
					sent += tr.Points
				}
				want[from] = append(want[from], fmt.Sprintf("%s %s %d %s", tr.Date, kind, -tr.Points, tr.To))
			}
		}
		for _, to := range sortedRefs(moves.In) {
			for _, tr := range moves.In[to] {
				if tr.Points == 0 || tr.Cleared {
					continue
				}
				if d := received(tw, tr); d <= today {
					got += tr.Points
					want[to] = append(want[to], fmt.Sprintf("%s %s %d %s", d, MoveIn, tr.Points, tr.From))
				}
			}
		}
		if out != in || out != sent || in != got || clear != cleared {
			t.Fatalf("seed %d: the villages moved out %d and in %d, cleared %d; the transfers sent %d, received %d, cleared %d", seed, out, in, clear, sent, got, cleared)
		}
		for _, ref := range sortedRefs(want) {
			w, g := want[ref], lines[ref]
			slices.Sort(w) // a household that is both (a chain) has its lines in date order
			g = slices.Clone(g)
			slices.Sort(g)
			if !slices.Equal(g, w) {
				t.Fatalf("seed %d: %s's account books\n%s\nthe transfers say\n%s", seed, ref, strings.Join(g, "\n"), strings.Join(w, "\n"))
			}
		}
		for ref := range lines {
			if want[ref] == nil {
				t.Fatalf("seed %d: %s's account books moves no transfer says: %v", seed, ref, lines[ref])
			}
		}
		kinds["share problems"] += len(moves.Problems)
		if len(moves.Problems) > 0 && onMove == rules.Clear {
			t.Fatalf("seed %d: a split's shares when the balance is cleared: %+v", seed, moves.Problems)
		}

		// The same with one village at a time, and with eight.
		for _, n := range []int{1, 8} {
			runtime.GOMAXPROCS(n)
			if again := Town(tw, asOf); !reflect.DeepEqual(again, results) {
				t.Fatalf("seed %d: GOMAXPROCS %d gives other results", seed, n)
			}
		}
	}
	for _, k := range []town.MoveKind{town.Move, town.Split, town.Merge, "later", "cleared", "frozen", "next year", "debt", "share problems"} {
		if kinds[k] == 0 {
			t.Fatalf("no %s among the transfers: %v", k, kinds)
		}
	}
}

func sortedRefs[V any](m map[town.Ref]V) []town.Ref {
	var out []town.Ref
	for r := range m {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b town.Ref) int { return strings.Compare(a.String(), b.String()) })
	return out
}

// TestOnly checks the fact the transfers rest on: a household's account, scored in a copy of
// its village with it alone (town.Village.Only), is its account in the whole village.
func TestOnly(t *testing.T) {
	asOf := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	for seed := range uint64(10) {
		v := randomVillage(t, seed)
		whole := supermarket(scoreVillage(v, false), asOf, time.UTC, true, nil)
		for _, h := range v.Households {
			only := v.Only(func(o *sheet.Household) bool { return o.ID == h.ID })
			alone := supermarket(scoreVillage(only, false), asOf, time.UTC, true, nil)
			if !reflect.DeepEqual(alone.Accounts[h.ID], whole.Accounts[h.ID]) {
				t.Fatalf("seed %d %s: alone\n%+v\nin the village\n%+v", seed, h.ID, alone.Accounts[h.ID], whole.Accounts[h.ID])
			}
		}
	}
}

// TestMoveIntoVillageWithoutSheets: a household moves into a village that has no sheet yet (a
// new village, or the first month of its records), and out of one.
func TestMoveIntoVillageWithoutSheets(t *testing.T) {
	rs := testRules(t)
	a := &town.Village{ID: "a", Households: []sheet.Household{{ID: "A1", Grid: "一组", Joined: "2024-12-01", Left: "2025-06-20"}}}
	a.Months = []*town.Month{{Month: "2025-05", Rules: rs, Entries: []sheet.Entry{{Household: "A1", Item: "A1", Points: 5, Date: "2025-05-06", Line: 2}}}}
	b := &town.Village{ID: "b", Households: []sheet.Household{{ID: "B1", Grid: "一组", Joined: "2025-06-21", From: []sheet.Ref{{Village: "a", Household: "A1"}}}}}
	c := &town.Village{ID: "c", Households: []sheet.Household{{ID: "C1", Grid: "一组", Joined: "2024-12-01", Left: "2025-06-20"}, {ID: "C2", Grid: "一组", Joined: "2025-06-21", From: []sheet.Ref{{Household: "C1"}}}}}
	tw := &town.Town{Location: time.UTC, Rules: rules.Versions{rs}, Villages: []*town.Village{a, b, c}}
	if diags := town.FindLinks(tw); len(diags) > 0 {
		t.Fatal(diags)
	}
	results := Town(tw, time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC))
	if got := results[1].Ledger.Accounts["B1"]; got == nil || got.Balance != 5 {
		t.Errorf("B1's account: %+v", got)
	}
}
