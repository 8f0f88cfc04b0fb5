package demo_test

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jifen-project/jifen/pipeline/demo"
	"github.com/jifen-project/jifen/pipeline/score"
	"github.com/jifen-project/jifen/pipeline/sheet"
	"github.com/jifen-project/jifen/pipeline/town"
)

// TestMoves checks the demo's move and split as the town scores them: a household that moved to
// another village and one that split in two, each with points on its last day. Every point of
// that balance reaches a successor on the day it joins (a move-in line on its account), a
// split's 承接积分 exactly, the rest to its main household; the predecessor's balance is 0 from
// then on. The successors take part in their village, and some of them spend what they brought.
func TestMoves(t *testing.T) {
	tw := load(t)
	d := movedDemo{tw: tw, villages: map[string]*town.Village{}, results: map[string]*score.VillageResult{}}
	for _, v := range tw.Villages {
		d.villages[v.ID] = v
	}
	for _, res := range score.Town(tw, demo.AsOf()) {
		d.results[res.Village.ID] = res
	}
	links := map[town.Ref][]town.Link{}
	for _, l := range tw.Links {
		links[l.From] = append(links[l.From], l)
	}
	kinds := map[town.MoveKind]int{}
	spenders := 0
	for _, from := range slices.SortedFunc(maps.Keys(links), func(a, b town.Ref) int { return strings.Compare(a.String(), b.String()) }) {
		ls := links[from]
		kinds[ls[0].Kind]++
		spenders += d.checkMove(t, from, ls)
	}
	if kinds[town.Move] != 1 || kinds[town.Split] != 1 || spenders == 0 {
		t.Errorf("moves %v, %d successors redeem; want a move and a split, and some spending", kinds, spenders)
	}
}

// movedDemo is the demo town as TestMoves checks its moves: the town, its villages and their
// results, by village id.
type movedDemo struct {
	tw       *town.Town
	villages map[string]*town.Village
	results  map[string]*score.VillageResult
}

// checkMove checks the move of household from to the successors ls: the predecessor left with
// points and consent, has no row after it left and sent its whole balance on its last day, and
// its successors received all of it, one of them the rest. It returns how many of the
// successors redeem points.
func (d movedDemo) checkMove(t *testing.T, from town.Ref, ls []town.Link) (spenders int) {
	t.Helper()
	pv := d.villages[from.Village]
	p := pv.Household(from.Household)
	end, _ := time.ParseInLocation(time.DateOnly, p.Left, d.tw.Location)
	alone := score.Supermarket(score.Village(pv.Only(func(h *sheet.Household) bool { return h.ID == p.ID })), end.Add(24*time.Hour-time.Second), d.tw.Location)
	balance := alone.Accounts[p.ID].Balance
	t.Logf("%s (%s) left on %s with %d points: %+v", from, ls[0].Kind, p.Left, balance, ls)
	if balance <= 0 || !p.Consent {
		t.Errorf("%s left with %d points, consent %v; want a consenting household with points", from, balance, p.Consent)
	}
	for _, m := range pv.Months {
		for _, e := range m.Entries {
			if e.Household == p.ID && e.Date > p.Left {
				t.Errorf("%s:%d: %s has a row after it left", m.SheetFile, e.Line, p.ID)
			}
		}
	}
	d.checkSent(t, from, p, balance)
	received, mains := 0, 0
	for _, l := range ls {
		in, spends := d.checkSuccessor(t, l, p, balance)
		received += in
		mains += btoi(!l.CarriedSet)
		spenders += btoi(spends)
	}
	if received != balance || mains != 1 {
		t.Errorf("%s's successors received %d of its %d points, %d of them the rest; want all, one", from, received, balance, mains)
	}
	return spenders
}

// checkSent checks that household p (from) sent its balance on the day it left, with move-out
// lines on its account, and has had a balance of 0 since.
func (d movedDemo) checkSent(t *testing.T, from town.Ref, p *sheet.Household, balance int) {
	t.Helper()
	pa := d.results[from.Village].Ledger.Accounts[p.ID]
	out := 0
	for i, line := range pa.Lines {
		if line.Kind == score.MoveOut && line.Date == p.Left {
			out -= line.Points
			if i == len(pa.Lines)-1 || pa.Lines[i+1].Date > p.Left {
				if line.Balance != 0 {
					t.Errorf("%s's balance after it left is %d, want 0", from, line.Balance)
				}
			}
		}
	}
	if out != balance || pa.Balance != 0 {
		t.Errorf("%s sent %d points on %s and has %d now; want its balance of %d sent, and 0", from, out, p.Left, pa.Balance, balance)
	}
}

// checkSuccessor checks the successor of link l to household p, which left with balance
// points: a split's household that gives 承接积分 received exactly those, some but not all; the
// successor has p's consent (and head, when it moved) and rows after it joined. It returns
// what the successor received on the day it joined, and whether it redeems points.
func (d movedDemo) checkSuccessor(t *testing.T, l town.Link, p *sheet.Household, balance int) (in int, spends bool) {
	t.Helper()
	from := l.From
	s := d.villages[l.To.Village].Household(l.To.Household)
	for _, line := range d.results[l.To.Village].Ledger.Accounts[s.ID].Lines {
		if line.Kind == score.MoveIn && line.Date == s.Joined && line.Other == from {
			in += line.Points
		}
	}
	if l.CarriedSet && (in != l.Carried || l.Carried <= 0 || l.Carried >= balance) {
		t.Errorf("%s received %d of %s's %d points, want its 承接积分 %d, some but not all", l.To, in, from, balance, l.Carried)
	}
	if s.Consent != p.Consent || l.Kind == town.Move && s.Head != p.Head {
		t.Errorf("%s continues %s, but its head or consent differ", l.To, from)
	}
	rows, redeemed := 0, 0
	for _, m := range d.villages[l.To.Village].Months {
		for _, e := range m.Entries {
			rows += btoi(e.Household == s.ID)
		}
		for _, r := range m.Redemptions {
			redeemed += btoi(r.Household == s.ID)
		}
	}
	if rows == 0 {
		t.Errorf("%s has no rows after it joined", l.To)
	}
	return in, redeemed > 0
}

// TestMovePullRequests checks that each move comes in one pull request, with both rosters'
// changes: the predecessor's 退出日期 and its successors, merged a few days after they joined.
func TestMovePullRequests(t *testing.T) {
	tw := load(t)
	files := map[string][]byte{}
	for _, c := range demo.Changes() {
		brings := false
		for _, l := range tw.Links {
			to := "villages/" + l.To.Village + "/households.csv"
			from := "villages/" + l.From.Village + "/households.csv"
			row := l.To.Household + ","
			if !strings.Contains(string(c.Files[to]), "\n"+row) || strings.Contains(string(files[to]), "\n"+row) {
				continue
			}
			joined, _ := time.ParseInLocation(time.DateOnly, l.Joined, tw.Location)
			if c.Files[from] == nil || !c.Merged || c.MergeTime.Before(joined) || c.MergeTime.After(joined.AddDate(0, 0, 7)) ||
				!strings.Contains(c.Message, l.From.Household) || !strings.Contains(c.Message, l.To.Household) {
				t.Errorf("#%d brings %s: want it to change %s too, name both and be merged within a week of %s", c.Number, l.To, from, l.Joined)
			}
			brings = true
		}
		if brings {
			t.Logf("#%d %s: %s", c.Number, c.Branch, strings.ReplaceAll(c.Message, "\n", " "))
		}
		if c.Merged || c.Number == 0 {
			maps.Copy(files, c.Files)
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
