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
	earned := map[string]int{} // household → net points so far
	spent := map[string]int{}
	stopped := map[string]bool{}
	lastNet := map[string]int{}          // household → net points of the month before
	later := map[string]map[string]int{} // main successor → month → its predecessor's net points
	for i, m := range v.months {
		rs := tv.Months[i].Rules
		t, _ := time.Parse("2006-01", m.Month)
		if t.Month() == time.January && i > 0 { // a new year: no more freeze; balances may expire
			clear(stopped)
			if tv.Months[i-1].Rules.Market.Expiry.AtYearEnd() {
				clear(earned)
				clear(spent)
				maps.Copy(earned, lastNet)
			}
		}
		visit, spend, lines := g.settings.Market.Visit, g.settings.Market.Spend, 3
		if rs.Market.Expiry.AtYearEnd() && t.Month() == time.December {
			visit, spend, lines = g.settings.Market.YearEndVisit, g.settings.Market.YearEndSpend, 5
		}
		var reds []sheet.Redemption
		clear(lastNet)
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
					return err
				}
				if l.shares() {
					h.Carried, h.CarriedSet = o.points, true
				}
				earned[h.ID] += o.points
				stopped[h.ID] = stopped[h.ID] || o.frozen
				later[h.ID] = o.later
			}
			before := earned[h.ID]
			if s := res.Months[i].Standing(h.ID); s != nil {
				earned[h.ID] += s.Net
				lastNet[h.ID] = s.Net
				stopped[h.ID] = stopped[h.ID] || s.Veto.Freezes()
			}
			if n := later[h.ID][m.Month]; n != 0 {
				earned[h.ID] += n
				lastNet[h.ID] += n
			}
			balance := min(before, earned[h.ID]) - spent[h.ID]
			if stopped[h.ID] || balance <= 0 || r.Float64() >= visit {
				continue
			}
			var days []string
			for _, d := range v.settings.MarketDays {
				day := fmt.Sprintf("%s-%02d", m.Month, d)
				if d <= t.AddDate(0, 1, -1).Day() && h.ActiveIn(day) {
					days = append(days, day)
				}
			}
			if len(days) == 0 {
				continue
			}
			budget := int(float64(balance) * (spend[0] + (spend[1]-spend[0])*r.Float64()))
			basket := g.basket(r, budget, lines)
			day := days[r.IntN(len(days))]
			for _, red := range basket {
				red.Household, red.Date = h.ID, day
				reds = append(reds, red)
				spent[h.ID] += red.Points
			}
		}
		slices.SortStableFunc(reds, func(a, b sheet.Redemption) int {
			return cmp.Or(strings.Compare(a.Date, b.Date), strings.Compare(a.Household, b.Household)) // dates and ids have one width
		})
		for j := range reds {
			reds[j].Line = j + 2
		}
		m.Redemptions, tv.Months[i].Redemptions = reds, reds
	}
	return nil
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
