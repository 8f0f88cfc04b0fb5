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
	end := dateOf("2026-03-31")
	tm := &townMoves{r: r, tw: tw, linked: map[rosterPos]bool{}}
	tm.leave()
	tm.link(onMove, end)
	randomSheets(r, tw, rs, end)
	if diags := town.FindLinks(tw); len(diags) > 0 {
		t.Fatalf("seed %d: %s", seed, diags)
	}
	return tw
}

// dayOf writes day d as YYYY-MM-DD.
func dayOf(d time.Time) string { return d.Format(time.DateOnly) }

// dateOf reads a day written YYYY-MM-DD.
func dateOf(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }

// A rosterPos is a household of a random town: its village's index and its position on the
// roster. The rosters grow, and Village.Household would read a roster as it was when first
// asked.
type rosterPos struct{ v, i int }

// townMoves makes the moves of a random town tw with r: leavers are the households that left
// and may yet be continued by new ones, in the order they leave, and linked those that are
// continued (or merged into another's successor).
type townMoves struct {
	r       *rand.Rand
	tw      *town.Town
	leavers []rosterPos
	linked  map[rosterPos]bool
}

// hh is the household at a.
func (m *townMoves) hh(a rosterPos) *sheet.Household { return &m.tw.Villages[a.v].Households[a.i] }

// add puts household h on the roster of the v-th village, with a new id, and returns where it is.
func (m *townMoves) add(v int, h sheet.Household) rosterPos {
	vv := m.tw.Villages[v]
	h.ID, h.Grid, h.Line = fmt.Sprintf("%sN%02d", strings.ToUpper(vv.ID), len(vv.Households)), "一组", len(vv.Households)+2
	vv.Households = append(vv.Households, h)
	return rosterPos{v, len(vv.Households) - 1}
}

// ref is how the roster of the to-th village names the household at a in its 迁自: without the
// village when it is the same.
func (m *townMoves) ref(to int, a rosterPos) sheet.Ref {
	if a.v == to {
		return sheet.Ref{Household: m.hh(a).ID}
	}
	return sheet.Ref{Village: m.tw.Villages[a.v].ID, Household: m.hh(a).ID}
}

// leave has about a third of the town's households leave on a day of 2025 (after 10 January),
// and makes them the leavers.
func (m *townMoves) leave() {
	for v := range m.tw.Villages {
		for i := range m.tw.Villages[v].Households {
			if m.r.IntN(3) == 0 {
				m.hh(rosterPos{v, i}).Left = dayOf(dateOf("2025-01-10").AddDate(0, 0, m.r.IntN(350)))
				m.leavers = append(m.leavers, rosterPos{v, i})
			}
		}
	}
}

// link takes the leavers in the order they leave, until there are none: some leave the town,
// the others are continued by new households (see successors), a third of which leave in turn
// before end and join the leavers (a chain).
func (m *townMoves) link(onMove rules.OnMove, end time.Time) {
	for len(m.leavers) > 0 {
		slices.SortStableFunc(m.leavers, func(a, b rosterPos) int { return strings.Compare(m.hh(a).Left, m.hh(b).Left) })
		p := m.leavers[0]
		m.leavers = m.leavers[1:]
		if m.linked[p] || m.r.IntN(4) == 0 {
			continue // it left the town
		}
		m.linked[p] = true
		for _, a := range m.successors(p, onMove) {
			if m.r.IntN(3) == 0 { // a chain: the new household moves on
				if l := dateOf(m.hh(a).Joined).AddDate(0, 0, 10+m.r.IntN(90)); l.Before(end) {
					m.hh(a).Left = dayOf(l)
					m.leavers = append(m.leavers, a)
				}
			}
		}
	}
}

// successors puts the households that continue leaver p on the rosters, joined up to 20 days
// after it left, and returns them: most often one it moved to (always when onMove clears the
// balance, but for a merge), else a split's two or three (承接积分 on all but the main one) or
// a merge with another leaver that left before.
func (m *townMoves) successors(p rosterPos, onMove rules.OnMove) []rosterPos {
	r := m.r
	left := dateOf(m.hh(p).Left)
	joined := func() string { return dayOf(left.AddDate(0, 0, 1+r.IntN(20))) }
	var news []rosterPos
	switch k := r.IntN(10); {
	case k < 6 || onMove == rules.Clear && k < 8: // a move
		to := r.IntN(3)
		news = append(news, m.add(to, sheet.Household{Joined: joined(), From: []sheet.Ref{m.ref(to, p)}}))
	case k < 8: // a split: the main household (no 承接积分) first or not
		n := 2 + r.IntN(2)
		main := r.IntN(n)
		for i := range n {
			to := r.IntN(3)
			h := sheet.Household{Joined: joined(), From: []sheet.Ref{m.ref(to, p)}}
			if i != main {
				h.Carried, h.CarriedSet = r.IntN(30), true
			}
			news = append(news, m.add(to, h))
		}
	default: // a merge with another household that left before this one joined
		to := r.IntN(3)
		h := sheet.Household{Joined: joined(), From: []sheet.Ref{m.ref(to, p)}}
		for _, o := range m.leavers {
			if !m.linked[o] && m.hh(o).Left < h.Joined {
				m.linked[o] = true
				h.From = append(h.From, m.ref(to, o))
				break
			}
		}
		news = append(news, m.add(to, h))
	}
	return news
}

// randomSheets gives each village of tw a month of records under rule set rs for every month
// from January 2025 to end (see randomMonth).
func randomSheets(r *rand.Rand, tw *town.Town, rs *rules.RuleSet, end time.Time) {
	var items []string
	for _, it := range rs.Items {
		items = append(items, it.ID)
	}
	for _, v := range tw.Villages {
		for m := dateOf("2025-01-01"); m.Before(end); m = m.AddDate(0, 1, 0) {
			v.Months = append(v.Months, randomMonth(r, v, rs, items, m))
		}
	}
}

// randomMonth is village v's records of the month that starts on m: up to three rows (of the
// items given, now and then an E2 veto) and a redemption now and then for each household, on
// days it is on the roster, approved early the next month, and a third of the time corrected
// later, when the first approval lacked some rows.
func randomMonth(r *rand.Rand, v *town.Village, rs *rules.RuleSet, items []string, m time.Time) *town.Month {
	month := m.Format("2006-01")
	mo := &town.Month{Month: month, Rules: rs, Revisions: []town.Revision{{Version: town.Version{Time: m.AddDate(0, 1, 2+r.IntN(5))}}}}
	for _, h := range v.Households {
		first, last := max(dayOf(m), h.Joined), dayOf(m.AddDate(0, 1, -1))
		if h.Left != "" {
			last = min(last, h.Left)
		}
		if first > last {
			continue
		}
		span := int(dateOf(last).Sub(dateOf(first)).Hours()/24) + 1
		for range r.IntN(4) {
			mo.Entries = append(mo.Entries, randomRow(r, rs, items, h.ID, dayOf(dateOf(first).AddDate(0, 0, r.IntN(span))), len(mo.Entries)+2, 50))
		}
		if r.IntN(4) == 0 {
			q := 1 + r.IntN(4)
			mo.Redemptions = append(mo.Redemptions, sheet.Redemption{Household: h.ID, Goods: "G1", Quantity: q, Points: 5 * q,
				Date: dayOf(dateOf(first).AddDate(0, 0, r.IntN(span))), Line: len(mo.Redemptions) + 2})
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
	return mo
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
		lines, booked := bookedMoves(t, seed, results)
		countKinds(kinds, tw, moves)
		want, sent := transferLines(tw, moves, today)
		if booked.out != booked.in || booked.out != sent.out || booked.in != sent.in || booked.cleared != sent.cleared {
			t.Fatalf("seed %d: the villages moved out %d and in %d, cleared %d; the transfers sent %d, received %d, cleared %d", seed, booked.out, booked.in, booked.cleared, sent.out, sent.in, sent.cleared)
		}
		compareMoveLines(t, seed, lines, want)
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

// moveSums are the points a town's moves take out of the predecessors' accounts, put into the
// successors' and clear.
type moveSums struct{ out, in, cleared int }

// bookedMoves is what the villages' ledgers book of moves: each account's move lines, in order,
// written "date kind points other household", and the sums of the ledgers' months. It fails
// the test when an account's lines do not add up to its balance.
func bookedMoves(t *testing.T, seed uint64, results []*VillageResult) (map[town.Ref][]string, moveSums) {
	t.Helper()
	var sums moveSums
	lines := map[town.Ref][]string{}
	for _, res := range results {
		for _, m := range res.Ledger.Months {
			sums.out += m.MovedOut
			sums.in += m.MovedIn
			sums.cleared += m.MoveClear
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
	return lines, sums
}

// countKinds adds to kinds the kinds of the town's transfers, and how many are later points,
// cleared, frozen, received the next year, or debts.
func countKinds(kinds map[town.MoveKind]int, tw *town.Town, moves *Moves) {
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
		}
	}
}

// transferLines is what the transfers say the accounts book of moves by today: the move lines
// of each account, written as bookedMoves writes them, and the points sent, received and cleared.
func transferLines(tw *town.Town, moves *Moves, today string) (map[town.Ref][]string, moveSums) {
	var sums moveSums
	want := map[town.Ref][]string{}
	for _, from := range sortedRefs(moves.Out) {
		for _, tr := range moves.Out[from] {
			if tr.Points == 0 {
				continue
			}
			kind := MoveOut
			if tr.Cleared {
				kind, sums.cleared = MoveClear, sums.cleared+tr.Points
			} else {
				sums.out += tr.Points
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
				sums.in += tr.Points
				want[to] = append(want[to], fmt.Sprintf("%s %s %d %s", d, MoveIn, tr.Points, tr.From))
			}
		}
	}
	return want, sums
}

// compareMoveLines fails the test when the move lines the accounts book (lines) are not those
// the transfers say (want), in any order.
func compareMoveLines(t *testing.T, seed uint64, lines, want map[town.Ref][]string) {
	t.Helper()
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
