package demo

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/jifen-project/jifen/pipeline/score"
	"github.com/jifen-project/jifen/pipeline/sheet"
	"github.com/jifen-project/jifen/pipeline/town"
)

// redemptions makes the village's supermarket exchanges. Households spend part of their
// redeemable balance on the village's market days. The balance is what the scorer counts from
// the sheets as first approved (corrections only ever add points), and a household spends no more
// than it had at the end of the month before nor at the end of the month itself, so a
// deduction in the month cannot take the balance below zero. A household whose balance is frozen
// by a veto spends nothing more that year. When balances expire at the year's end, a household
// starts the new year with December's net points, approved in January. A household that
// continues one that moved or split starts with what it brings (see opening), and the main one
// counts the predecessor's later points as its own; done holds the villages whose exchanges are
// made, among them those of the predecessors in other villages.
func (g *generator) redemptions(v *village, done map[string]*village) error {
	r := g.rand(v.settings.ID, "market")
	tv := &town.Village{ID: v.settings.ID, Name: v.name, Grids: v.grids, Households: v.households}
	for _, m := range v.months {
		tv.Months = append(tv.Months, &town.Month{Month: m.Month, Entries: m.approved(), Rules: g.rules.InForce(m.Month)})
	}
	v.tv = tv
	res := score.Village(tv)
	books := newBalances()
	for i, m := range v.months {
		t, _ := time.Parse("2006-01", m.Month)
		if t.Month() == time.January && i > 0 { // a new year: no more freeze; balances may expire
			books.newYear(tv.Months[i-1].Rules.Market.Expiry.AtYearEnd())
		}
		reds, err := g.monthRedemptions(r, v, done, res.Months[i], books, i, t)
		if err != nil {
			return err
		}
		m.Redemptions, tv.Months[i].Redemptions = reds, reds
	}
	return nil
}

// balances is what redemptions keeps of a village's households from one month to the next:
// the points each has earned and spent since its balance last expired, whose balance a veto
// froze for the year, and what each earned in the month before.
type balances struct {
	earned  map[string]int            // household → net points so far
	spent   map[string]int            // household → points spent so far
	stopped map[string]bool           // household → its balance is frozen to the year's end
	lastNet map[string]int            // household → net points of the month before
	later   map[string]map[string]int // main successor → month → its predecessor's net points
}

// newBalances returns the balances of a village before its first month: empty.
func newBalances() *balances {
	return &balances{earned: map[string]int{}, spent: map[string]int{}, stopped: map[string]bool{},
		lastNet: map[string]int{}, later: map[string]map[string]int{}}
}

// newYear starts a new year: no balance is frozen any more, and when balances expire at the
// year's end (expire), each household starts with the net points of the month before.
func (b *balances) newYear(expire bool) {
	clear(b.stopped)
	if expire {
		clear(b.earned)
		clear(b.spent)
		maps.Copy(b.earned, b.lastNet)
	}
}

// open adds what a successor brings from its predecessor, o, to its balance.
func (b *balances) open(id string, o opening) {
	b.earned[id] += o.points
	b.stopped[id] = b.stopped[id] || o.frozen
	b.later[id] = o.later
}

// book adds a household's net points of a month (its standing in mr, and its predecessor's
// later points) to its balance, and returns what it may spend: no more than it had at the end
// of the month before nor at the end of this one, less what it spent.
func (b *balances) book(id, month string, mr *score.MonthResult) int {
	before := b.earned[id]
	if s := mr.Standing(id); s != nil {
		b.earned[id] += s.Net
		b.lastNet[id] = s.Net
		b.stopped[id] = b.stopped[id] || s.Veto.Freezes()
	}
	if n := b.later[id][month]; n != 0 {
		b.earned[id] += n
		b.lastNet[id] += n
	}
	return min(before, b.earned[id]) - b.spent[id]
}

// monthRedemptions makes the exchanges of the village's i-th month, t, sorted by date and
// household and numbered as the sheet's lines: mr is the month's result as the scorer counts it
// from the sheets as first approved, and books the households' balances, which it updates.
func (g *generator) monthRedemptions(r *rand.Rand, v *village, done map[string]*village, mr *score.MonthResult, books *balances, i int, t time.Time) ([]sheet.Redemption, error) {
	m, tv := v.months[i], v.tv
	visit, spend, lines := g.settings.Market.Visit, g.settings.Market.Spend, 3
	if tv.Months[i].Rules.Market.Expiry.AtYearEnd() && t.Month() == time.December {
		visit, spend, lines = g.settings.Market.YearEndVisit, g.settings.Market.YearEndSpend, 5
	}
	var reds []sheet.Redemption
	clear(books.lastNet)
	for j := range v.households {
		h := &v.households[j]
		if l, ok := v.successors[h.ID]; ok && sheet.MonthOf(h.Joined) == m.Month {
			pv := tv
			if from := l.plan.settings.From; from != v.settings.ID {
				pv = done[from].tv
			} else {
				tv.Months[i].Redemptions = reds // the predecessor's of this month come first: it is on the roster from the start
			}
			o, err := g.opening(l, pv)
			if err != nil {
				return nil, err
			}
			if l.shares() {
				h.Carried, h.CarriedSet = o.points, true
			}
			books.open(h.ID, o)
		}
		balance := books.book(h.ID, m.Month, mr)
		if books.stopped[h.ID] || balance <= 0 || r.Float64() >= visit {
			continue
		}
		for _, red := range g.shop(r, v, h, t, balance, spend, lines) {
			reds = append(reds, red)
			books.spent[h.ID] += red.Points
		}
	}
	slices.SortStableFunc(reds, func(a, b sheet.Redemption) int {
		return cmp.Or(strings.Compare(a.Date, b.Date), strings.Compare(a.Household, b.Household)) // dates and ids have one width
	})
	for j := range reds {
		reds[j].Line = j + 2
	}
	return reds, nil
}

// shop is one visit of household h to the supermarket in month t with balance points to
// spend: a basket of up to lines kinds of goods worth a share of the balance (between spend[0]
// and spend[1]), bought on one of the village's market days when the household is on the
// roster. It is nil when the household is on the roster on no market day of the month.
func (g *generator) shop(r *rand.Rand, v *village, h *sheet.Household, t time.Time, balance int, spend []float64, lines int) []sheet.Redemption {
	month := t.Format("2006-01")
	var days []string
	for _, d := range v.settings.MarketDays {
		day := fmt.Sprintf("%s-%02d", month, d)
		if d <= t.AddDate(0, 1, -1).Day() && h.ActiveIn(day) {
			days = append(days, day)
		}
	}
	if len(days) == 0 {
		return nil
	}
	budget := int(float64(balance) * (spend[0] + (spend[1]-spend[0])*r.Float64()))
	basket := g.basket(r, budget, lines)
	day := days[r.IntN(len(days))]
	for k := range basket {
		basket[k].Household, basket[k].Date = h.ID, day
	}
	return basket
}

// basket picks up to lines kinds of goods that together cost no more than budget points. Dearer
// goods (oil, rice) are what households save up for, so they are picked more often.
func (g *generator) basket(r *rand.Rand, budget, lines int) []sheet.Redemption {
	var out []sheet.Redemption
	for range 1 + r.IntN(lines) {
		affordable := make([]sheet.Goods, 0, len(g.catalog))
		odds := make([]float64, 0, len(g.catalog))
		for _, goods := range g.catalog {
			taken := slices.ContainsFunc(out, func(red sheet.Redemption) bool { return red.Goods == goods.ID })
			if goods.Points <= budget && !taken {
				affordable = append(affordable, goods)
				odds = append(odds, math.Sqrt(float64(goods.Points)))
			}
		}
		if len(affordable) == 0 {
			break
		}
		goods := affordable[weighted(r, odds)]
		n := 1
		if 2*goods.Points <= budget && r.Float64() < 0.3 {
			n = 2
		}
		out = append(out, sheet.Redemption{Goods: goods.ID, Quantity: n, Points: n * goods.Points})
		budget -= n * goods.Points
	}
	return out
}
