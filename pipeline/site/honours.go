package site

import (
	"cmp"
	"slices"
	"strings"

	"github.com/jifen-project/jifen/pipeline/score"
	"github.com/jifen-project/jifen/pipeline/town"
)

// Year is a village's year page: the year-to-date ranking and the year's honours.
type Year struct {
	Year    string `json:"year"`
	Final   bool   `json:"final"`   // December has taken effect
	Through string `json:"through"` // the last month counted (YYYY-MM)
	Date    string `json:"date"`    // RFC 3339, for the page's date
	// Its honours and ranking, which Go renders into its page (see fragments).
	Ranking  []YearRow      `json:"-"` // empty when the village does not publish rankings
	Stars    []StarGroup    `json:"-"` // from five stars down
	Monthly  []MonthlyStars `json:"-"` // empty when the village does not publish rankings
	Nominees []Who          `json:"-"`
	Model    string         `json:"-"` // the category the nominations are by
}

// YearRow is one household in the year-to-date ranking.
type YearRow struct {
	Who
	Rank  int `json:"rank"`
	Net   int `json:"net"`
	Stars int `json:"stars"`
}

// StarGroup lists the households with a number of stars.
type StarGroup struct {
	Stars      int   `json:"stars"`
	Households []Who `json:"households"`
}

// MonthlyStars are one month's 月度积分之星.
type MonthlyStars struct {
	Month      string `json:"month"` // YYYY-MM
	Households []Who  `json:"households"`
}

func publishYears(v *town.Village, res *score.VillageResult) []Year {
	var out []Year
	for _, y := range res.Years {
		py := Year{Year: y.Year, Final: y.Final}
		last := -1
		for i, mr := range res.Months {
			if mr.Month[:4] == y.Year {
				last = i
			}
		}
		if last < 0 {
			continue
		}
		py.Through = res.Months[last].Month
		if m := v.Months[last]; m.Approved() {
			py.Date = m.Revisions[len(m.Revisions)-1].Time.Format("2006-01-02T15:04:05Z07:00")
		}
		if rs := v.Months[last].Rules; rs != nil {
			if c := rs.Category(rs.Honours.Model.Category); c != nil {
				py.Model = c.Name
			}
		}
		stars := map[string]int{}
		byStars := map[int][]Who{}
		for _, h := range y.Households {
			stars[h.Household] = h.Stars
			if h.Stars > 0 {
				byStars[h.Stars] = append(byStars[h.Stars], who(v, h.Household))
			}
		}
		for n := 9; n > 0; n-- {
			if len(byStars[n]) > 0 {
				py.Stars = append(py.Stars, StarGroup{Stars: n, Households: byStars[n]})
			}
		}
		for _, id := range y.Nominees {
			py.Nominees = append(py.Nominees, who(v, id))
		}
		if v.PublishRanking {
			standings := slices.Clone(res.Months[last].Standings)
			slices.SortFunc(standings, func(a, b *score.Standing) int {
				return cmp.Or(cmp.Compare(a.YearRank, b.YearRank), strings.Compare(a.Household, b.Household))
			})
			for _, s := range standings {
				if s.Active {
					py.Ranking = append(py.Ranking, YearRow{Who: who(v, s.Household), Rank: s.YearRank, Net: s.YearNet, Stars: stars[s.Household]})
				}
			}
			for _, mr := range res.Months {
				if ids := y.Monthly[mr.Month]; len(ids) > 0 {
					ms := MonthlyStars{Month: mr.Month}
					for _, id := range ids {
						ms.Households = append(ms.Households, who(v, id))
					}
					py.Monthly = append([]MonthlyStars{ms}, py.Monthly...)
				}
			}
		}
		out = append([]Year{py}, out...)
	}
	return out
}

// publishAccount adds a household's honours and supermarket account to its page.
func publishAccount(t *town.Town, h *Household, res *score.VillageResult) {
	if n := len(res.Years); n > 0 {
		y := res.Years[n-1]
		for _, hy := range y.Households {
			if hy.Household != h.ID {
				continue
			}
			h.Stars, h.StarsFinal = hy.Stars, y.Final
			if res.Village.PublishRanking {
				h.StarMonths = append(h.StarMonths, hy.Monthly...)
			}
			if hy.Nominee {
				h.Nominee = y.Year
			}
		}
	}
	a := res.Ledger.Accounts[h.ID]
	if a == nil {
		return
	}
	h.Honour, h.Balance, h.Paused, h.Redeemed, h.Expired = a.Honour, a.Balance, a.Frozen, a.Redeemed, a.Expired
	goods := map[string]string{}
	for _, g := range res.Village.Catalog.Goods {
		goods[g.ID] = g.Name
	}
	for _, l := range a.Lines {
		line := AccountLine{Date: l.Date, Kind: string(l.Kind), Points: l.Points, Balance: l.Balance}
		switch l.Kind {
		case score.Earn:
			line.Month = l.Month
		case score.Redeem:
			line.Goods, line.Quantity = goods[l.Goods], l.Quantity
		case score.MoveIn, score.MoveOut, score.MoveClear:
			c := counterpart(t, town.Ref{Village: res.Village.ID, Household: h.ID}, l.Other)
			line.Other = &c
		}
		h.Account = append([]AccountLine{line}, h.Account...)
	}
}
