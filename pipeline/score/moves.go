package score

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/jifen-project/jifen/pipeline/sheet"
	"github.com/jifen-project/jifen/pipeline/town"
)

// Moves, splits and merges (迁移、分户、合户), as the ledger keeps them. A household that
// continues others names them in its roster's 迁自 (see town.Link); they stay on their rosters
// with their 退出日期, and keep their pages.
//
//   - At the end of its 退出日期, a predecessor's balance goes to its successors: all of it to
//     the one of a move or a merge; for a split, each new household's 承接积分 (in roster order,
//     each at most what is left), and the rest to the main one, which gives none. The shares
//     are of all the predecessor had, its points credited later too: what its balance could
//     not pay is paid from those first. A debt goes the same way. With on_move = "clear" in the rule set in force on 退出日期, the balance is
//     cleared instead (迁出清零), a debt written off.
//   - Points credited to the predecessor later (its last month approved after it left, a
//     correction, what reaches it from a household it continues) go on the day they are
//     credited, with the honour score they add, to the main successor, or are cleared.
//   - A successor receives them at the start of the day they leave, or of its 加入日期 when
//     that is later. Its honour score starts from the predecessors' (the main successor's, in
//     a split), and an E2 veto's freeze goes with the balance to every successor.
//   - With expiry = "year-end", what would reach a successor only in a later year than it left
//     (a move from 31 December to 1 January) stays: the year's end clears it in the old
//     village. The honour score goes on all the same, and points credited in the new year
//     follow. A village clears the balances it received at the end of a year it has no sheet
//     of, as the rule set of the move says.
//   - Scores, ranks and honours are each village's own: a successor is ranked from its first
//     month in its village, as a new household is. Its history stays on the predecessor's page.

// A Transfer is points that left a household's account for another's, or were cleared, because
// the household moved, split or merged.
type Transfer struct {
	Date        string // the day they left From's account
	From, To    town.Ref
	Kind        town.MoveKind
	Points      int    // the balance, the share or the later credit that moved (negative for a debt)
	Cleared     bool   // the rule set cleared it: it reached no account
	Honour      int    // the honour score carried with the points (the main successor's)
	FrozenUntil string // the last day of an E2 freeze the balance carries, or ""
	Later       bool   // points credited after the move, forwarded
}

// A ShareProblem is a split whose 承接积分 add up to more than all the predecessor had.
type ShareProblem struct {
	From    town.Ref
	Date    string      // the day it left
	Shares  int         // the 承接积分 together
	Balance int         // what it had: its balance that day and the points credited to it since
	Links   []town.Link // the successors that give a share
}

// Moves are a town's transfers as of a time, by predecessor and by successor, and the splits
// whose shares were too many.
type Moves struct {
	Out      map[town.Ref][]Transfer
	In       map[town.Ref][]Transfer
	Problems []ShareProblem
	leaving  map[town.Ref]*departure
}

// A departure is what a predecessor's account does when it leaves.
type departure struct {
	links   []town.Link // its successors, the main one (no 承接积分) last
	clear   bool        // the rule set clears the balance
	yearEnd bool        // the rule set clears balances at the end of each year
}

// main is the successor that takes what is left and what comes later.
func (d *departure) main() town.Link { return d.links[len(d.links)-1] }

// carries reports whether what goes to the successor of l on day reaches it: not when the
// balance is cleared at a year's end before the successor joins.
func (d *departure) carries(l town.Link, day string) bool {
	return !d.yearEnd || l.Joined[:4] == day[:4]
}

// newMoves prepares the departures of the town's links.
func newMoves(t *town.Town) *Moves {
	m := &Moves{Out: map[town.Ref][]Transfer{}, In: map[town.Ref][]Transfer{}, leaving: map[town.Ref]*departure{}}
	for _, l := range t.Links {
		d := m.leaving[l.From]
		if d == nil {
			d = &departure{}
			if rs := t.Rules.InForceOn(l.Left); rs != nil {
				d.clear = rs.Market.OnMove.Clears()
				d.yearEnd = rs.Market.Expiry.AtYearEnd()
			}
			m.leaving[l.From] = d
		}
		d.links = append(d.links, l)
	}
	for _, d := range m.leaving {
		slices.SortStableFunc(d.links, func(a, b town.Link) int {
			return cmp.Compare(btoi(!a.CarriedSet), btoi(!b.CarriedSet))
		})
	}
	return m
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Transfers works out what moved between the town's households up to asOf. The predecessors
// are taken in the order they left, each scored alone with what it received itself (a chain
// A→B→C needs B's balance from A before B leaves), so the work is that of the households
// that moved.
func Transfers(t *town.Town, asOf time.Time) *Moves {
	m := newMoves(t)
	if len(m.leaving) == 0 {
		return m
	}
	village := func(id string) int {
		return slices.IndexFunc(t.Villages, func(v *town.Village) bool { return v.ID == id })
	}
	froms := make([]town.Link, 0, len(m.leaving))
	for _, d := range m.leaving {
		froms = append(froms, d.links[0])
	}
	slices.SortFunc(froms, func(a, b town.Link) int {
		return cmp.Or(strings.Compare(a.Left, b.Left), cmp.Compare(village(a.From.Village), village(b.From.Village)), strings.Compare(a.From.Household, b.From.Household))
	})
	for _, l := range froms {
		if t.Household(l.From) == nil {
			continue
		}
		v := t.Village(l.From.Village)
		only := v.Only(func(h *sheet.Household) bool { return h.ID == l.From.Household })
		res := scoreVillage(only, false)
		k := newKeeper(res, asOf, t.Location, false, m)
		k.run()
		k.unpaid()
		for _, tr := range k.out {
			m.Out[tr.From] = append(m.Out[tr.From], tr)
			m.In[tr.To] = append(m.In[tr.To], tr)
		}
		m.Problems = append(m.Problems, k.shareProblems...)
	}
	return m
}

// moveEvents adds the village's departures (at the end of each predecessor's 退出日期) and what
// its households receive (at the start of the day, or of their 加入日期) to out.
func (k *keeper) moveEvents(out []event) []event {
	if len(k.moves.leaving) == 0 {
		return out
	}
	for _, h := range k.village.Households {
		ref := town.Ref{Village: k.village.ID, Household: h.ID}
		if k.moves.leaving[ref] != nil {
			out = append(out, event{date: h.Left, order: 2, household: h.ID, leave: true})
		}
		for i := range k.moves.In[ref] {
			tr := &k.moves.In[ref][i]
			day := max(tr.Date, h.Joined)
			out = append(out, event{date: day, order: -2, household: h.ID, transfer: tr})
			if _, ok := k.expires[day[:4]]; !ok {
				// A year the village has no sheet of: its balances expire as the town's rule
				// set says, which the departure read.
				k.expires[day[:4]] = k.moves.leaving[tr.From].yearEnd
			}
		}
	}
	return out
}

// leave moves the predecessor's balance to its successors, or clears it: one transfer to each
// successor, the honour score with the main one's. What would reach a successor only in a later
// year stays, and the year's end clears it.
func (k *keeper) leave(e event, a *Account) {
	from := town.Ref{Village: k.village.ID, Household: e.household}
	d := k.moves.leaving[from]
	k.gone[e.household] = true
	frozen := ""
	if k.frozenUntil[e.household] >= e.date {
		frozen = k.frozenUntil[e.household]
	}
	left := a.Balance
	sp := &splitting{had: max(a.Balance, 0)}
	for _, l := range d.links {
		tr := Transfer{Date: e.date, From: from, To: l.To, Kind: l.Kind, Points: left, Cleared: d.clear, FrozenUntil: frozen}
		if l.CarriedSet {
			tr.Points = min(l.Carried, max(left, 0))
			sp.shares += l.Carried
			if d.carries(l, e.date) && tr.Points < l.Carried {
				sp.owed = append(sp.owed, owed{link: l, points: l.Carried - tr.Points})
			}
		} else {
			tr.Honour = a.Honour
		}
		left -= tr.Points
		if !d.carries(l, e.date) {
			tr.Points, tr.Cleared, tr.FrozenUntil = 0, false, ""
		}
		k.send(a, tr)
	}
	if sp.shares > 0 {
		if k.splits == nil {
			k.splits = map[string]*splitting{}
		}
		k.splits[e.household] = sp
	}
}

// A splitting is what a household that split still owes the new households that give their
// 承接积分: the shares are of all it had, what was credited after it left too (its last month
// is approved later), so what the balance could not pay when it left is paid from those credits
// first.
type splitting struct {
	shares int    // the 承接积分 together
	had    int    // the balance when it left and the points credited since
	owed   []owed // the shares not paid yet, in roster order
}

type owed struct {
	link   town.Link
	points int
}

// pay pays what is owed from points credited after the household left, and returns the rest.
func (k *keeper) pay(date string, a *Account, points int) int {
	sp := k.splits[a.Household]
	if sp == nil || points <= 0 {
		return points
	}
	sp.had += points
	for i := range sp.owed {
		o := &sp.owed[i]
		if p := min(o.points, points); p > 0 {
			from := town.Ref{Village: k.village.ID, Household: a.Household}
			k.send(a, Transfer{Date: date, From: from, To: o.link.To, Kind: o.link.Kind, Points: p, Later: true})
			o.points, points = o.points-p, points-p
		}
	}
	return points
}

// unpaid reports the splits whose shares add up to more than the household had, once every
// credit up to the as-of day is in (E140).
func (k *keeper) unpaid() {
	for _, id := range sortedKeys(k.splits) {
		sp := k.splits[id]
		if sp.shares <= sp.had {
			continue
		}
		from := town.Ref{Village: k.village.ID, Household: id}
		d := k.moves.leaving[from]
		k.shareProblems = append(k.shareProblems, ShareProblem{From: from, Date: d.links[0].Left, Shares: sp.shares, Balance: sp.had, Links: d.links[:len(d.links)-1]})
	}
}

// forward sends what a predecessor was credited after it left (points, and the honour score
// they add) to its main successor, or clears them; points of a year that ends before the
// successor joins stay, and the year's end clears them.
func (k *keeper) forward(e event, a *Account) {
	k.pass(e.date, a, k.pay(e.date, a, e.points), e.points)
}

// pass sends points and honour that reached a predecessor after it left to its main successor.
func (k *keeper) pass(date string, a *Account, points, honour int) {
	from := town.Ref{Village: k.village.ID, Household: a.Household}
	d := k.moves.leaving[from]
	main := d.main()
	tr := Transfer{Date: date, From: from, To: main.To, Kind: main.Kind, Points: points, Cleared: d.clear, Honour: honour, Later: true}
	if !d.carries(main, date) {
		tr.Points, tr.Cleared = 0, false
	}
	k.send(a, tr)
}

// send books a transfer out of the account.
func (k *keeper) send(a *Account, tr Transfer) {
	k.out = append(k.out, tr)
	if tr.Points == 0 {
		return
	}
	a.Balance -= tr.Points
	kind, mm := MoveOut, k.month(tr.Date[:7])
	if tr.Cleared {
		kind = MoveClear
		mm.MoveClear += tr.Points
	} else {
		mm.MovedOut += tr.Points
	}
	k.line(a, Line{Date: tr.Date, Kind: kind, Month: tr.Date[:7], Points: -tr.Points, Balance: a.Balance, Other: tr.To})
}

// receive books what a household this one continues sent it.
func (k *keeper) receive(e event, a *Account) {
	tr := e.transfer
	a.Honour += tr.Honour
	if tr.FrozenUntil >= e.date && tr.FrozenUntil > k.frozenUntil[e.household] {
		k.frozenUntil[e.household] = tr.FrozenUntil
	}
	points := 0
	if !tr.Cleared && tr.Points != 0 {
		points = tr.Points
		a.Balance += points
		k.month(e.date[:7]).MovedIn += points
		k.line(a, Line{Date: e.date, Kind: MoveIn, Month: e.date[:7], Points: points, Balance: a.Balance, Other: tr.From})
	}
	if k.gone[e.household] && (points != 0 || tr.Honour != 0) {
		// A chain: it has left too, and what reaches it now goes on.
		k.pass(e.date, a, k.pay(e.date, a, points), tr.Honour)
	}
}

// Moved keeps the villages' accounts again with what moved between them as t has its villages
// now: when some are shown as of an earlier state (see audit.Hold), the moves follow the rosters
// and accounts shown, so that both sides of a move agree. The results are new; their months and
// honours are the same.
func Moved(t *town.Town, results []*VillageResult, asOf time.Time) []*VillageResult {
	moves := Transfers(t, asOf)
	out := make([]*VillageResult, len(results))
	for i, res := range results {
		nr := *res
		nr.Ledger = supermarket(&nr, asOf, t.Location, true, moves)
		nr.Moves = moves
		out[i] = &nr
	}
	return out
}
