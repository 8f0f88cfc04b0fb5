package score

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/jifen-project/jifen/pipeline/rules"
	"github.com/jifen-project/jifen/pipeline/town"
)

// A Year holds one village's honours for one calendar year, all from the parameters of the rule
// set in force in the year's last scored month.
//
//   - 星级文明户: the year's net points reach a level's min_points, and for levels with
//     min_categories the household has positive net points in that many categories.
//   - 月度积分之星: each month, the households ranked within the top places (ties share) with
//     positive points.
//   - 道德模范候选: the households ranked within the top places (ties share) by net points of the
//     model category in the year, with positive points there. Nominations only.
//
// A veto in any month of the year rules a household out of every honour of that year.
type Year struct {
	Year       string
	Final      bool // December has taken effect; until then the honours are provisional
	Households []*HouseholdYear
	Monthly    map[string][]string // month → its 月度积分之星, in rank order
	Nominees   []string            // 道德模范候选, in rank order
}

// A HouseholdYear is one household's year.
type HouseholdYear struct {
	Household   string
	Net         int            // net points of the year
	CategoryNet map[string]int // net points by category
	Veto        bool           // a veto in the year
	Stars       int            // 星级文明户, 0 for none
	Monthly     []string       // months in which it was 月度积分之星
	Nominee     bool           // 道德模范候选
}

// Honours works out the honours of each calendar year of a village's results. final reports
// whether a year's December has taken effect.
func Honours(res *VillageResult, final func(year string) bool) []*Year {
	var years []*Year
	byYear := map[string]*Year{}
	households := map[string]map[string]*HouseholdYear{} // year → household → its year
	var rulesOf = map[string]*rules.RuleSet{}
	for i, mr := range res.Months {
		y := mr.Month[:4]
		if byYear[y] == nil {
			byYear[y] = &Year{Year: y, Final: final(y), Monthly: map[string][]string{}}
			years = append(years, byYear[y])
			households[y] = map[string]*HouseholdYear{}
		}
		if rs := res.Village.Months[i].Rules; rs != nil {
			rulesOf[y] = rs
		}
		for _, s := range mr.Standings {
			h := households[y][s.Household]
			if h == nil {
				h = &HouseholdYear{Household: s.Household, CategoryNet: map[string]int{}}
				households[y][s.Household] = h
			}
			h.Net += s.Net
			h.Veto = h.Veto || s.Veto.Valid()
			for _, c := range s.Entries {
				if c.Category != "" {
					h.CategoryNet[c.Category] += c.Counted
				}
			}
		}
	}
	for _, y := range years {
		rs := rulesOf[y.Year]
		hs := households[y.Year]
		for _, id := range slices.Sorted(maps.Keys(hs)) {
			y.Households = append(y.Households, hs[id])
		}
		if rs == nil {
			continue
		}
		for _, h := range y.Households {
			if !h.Veto {
				h.Stars = stars(rs, h)
			}
		}
		for _, mr := range res.Months {
			if mr.Month[:4] != y.Year {
				continue
			}
			for _, s := range mr.Standings {
				if s.Rank > 0 && s.Rank <= rs.Honours.Monthly.Top && s.Net > 0 && !hs[s.Household].Veto {
					y.Monthly[mr.Month] = append(y.Monthly[mr.Month], s.Household)
					hs[s.Household].Monthly = append(hs[s.Household].Monthly, mr.Month)
				}
			}
		}
		y.Nominees = top(y.Households, rs.Honours.Model.Top, func(h *HouseholdYear) int {
			if h.Veto {
				return 0
			}
			return h.CategoryNet[rs.Honours.Model.Category]
		})
		for _, id := range y.Nominees {
			hs[id].Nominee = true
		}
	}
	return years
}

// stars is the highest 星级文明户 level the household's year reaches.
func stars(rs *rules.RuleSet, h *HouseholdYear) int {
	positive := 0
	for _, n := range h.CategoryNet {
		if n > 0 {
			positive++
		}
	}
	best := 0
	for _, l := range rs.Honours.Stars {
		if h.Net >= l.MinPoints && positive >= l.MinCategories && l.Stars > best {
			best = l.Stars
		}
	}
	return best
}

// top lists the households ranked within the first n places by key (standard competition
// ranks, ties share), leaving out those with no positive key, in rank order then by id.
func top(hs []*HouseholdYear, n int, key func(*HouseholdYear) int) []string {
	if n <= 0 {
		return nil
	}
	ranked := slices.Clone(hs)
	slices.SortStableFunc(ranked, func(a, b *HouseholdYear) int {
		return cmp.Or(cmp.Compare(key(b), key(a)), strings.Compare(a.Household, b.Household))
	})
	var out []string
	for i, h := range ranked {
		if key(h) <= 0 {
			break
		}
		if i >= n && key(h) != key(ranked[i-1]) {
			break
		}
		out = append(out, h.Household)
	}
	return out
}

// FinalYear reports whether the village's December of year has taken effect at asOf: it is
// approved, no objection to it is being handled, and its public notice is over.
func FinalYear(v *town.Village, year string, asOf time.Time, noticeDays int, loc *time.Location) bool {
	for _, m := range v.Months {
		if m.Month == year+"-12" {
			return m.Approved() && !m.Disputed() && !asOf.Before(m.NoticeUntil(noticeDays, loc))
		}
	}
	return false
}
