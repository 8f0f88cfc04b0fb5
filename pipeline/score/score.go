// Package score owns the arithmetic of the points system: each household's monthly points under
// the rule set in force, with the caps and vetoes applied and traced, and the rankings.
//
// Within a household's month the rules apply in this order:
//
//  1. A veto (一票否决) row anywhere in the month: no positive entry of the month counts.
//  2. Entries are then taken in date order (sheet line order within a day). Each entry's points
//     are cut to what is left of the item's cap (per month, or per calendar year).
//  3. A positive entry is further cut to what is left of its category's yearly weight,
//  4. and then to what is left of the global monthly cap of positive points.
//
// Deductions are bounded only by their item's cap. Points removed by a cap or a veto stay in
// the trace with the reason. A month's net points are the sum of the counted points.
package score

import (
	"cmp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jifen-project/jifen/pipeline/rules"
	"github.com/jifen-project/jifen/pipeline/sheet"
	"github.com/jifen-project/jifen/pipeline/town"
)

// A Reason says why an entry counted fewer points than it claimed.
type Reason string

// The reasons, in the order the rules apply.
const (
	NoCut       Reason = ""
	VetoCut     Reason = "veto"         // the month has a veto
	ItemCap     Reason = "item-cap"     // the item's monthly or yearly cap
	CategoryCap Reason = "category-cap" // the category's yearly weight
	MonthlyCap  Reason = "monthly-cap"  // the global monthly cap of positive points
	VetoRow     Reason = "veto-row"     // the entry is the veto itself
)

// A Counted entry is a sheet row with what it counted for. The row is the month's own, shared.
type Counted struct {
	*sheet.Entry
	Rules    string // effective date of the rule set applied
	Category string // category id, "" for a veto
	Counted  int
	Reason   Reason
}

// A Standing is one household's result in one month.
type Standing struct {
	Household string
	Entries   []Counted
	Positive  int // counted positive points
	Negative  int // counted deductions (≤ 0)
	Net       int
	Veto      rules.Effect // the strongest veto effect of the month, or "" for none
	Active    bool         // ranked: on the roster during the month, and not leaving it this month
	Left      bool         // its 退出日期 is in the month (or before): listed as left with its points, not ranked
	Rank      int          // standard competition rank among active households; 0 when not ranked
	Before    int          // the rank the month before; 0 when not ranked then (or no sheet then)
	YearNet   int          // net points of the calendar year up to and including this month
	YearRank  int          // rank by YearNet among active households
	Grid      string       // the household's small grid
	GridRank  int          // rank by Net among the grid's active households

	pos int // the household's position on the roster
}

// A MonthResult is one village-month.
type MonthResult struct {
	Month     string
	Standings []*Standing // every household on the roster in the month, in display order
	Total     int         // the sum of net points of all households
	Issued    int         // positive points counted
	Deducted  int         // deductions counted (≤ 0)
	Active    int         // households ranked: on the roster, not leaving it this month
	Taking    int         // households with at least one entry

	byHousehold map[string]*Standing // index of Standings, made on first use
}

// Standing returns the household's standing, or nil.
func (m *MonthResult) Standing(id string) *Standing {
	if m.byHousehold == nil {
		m.byHousehold = make(map[string]*Standing, len(m.Standings))
		for _, s := range m.Standings {
			m.byHousehold[s.Household] = s
		}
	}
	return m.byHousehold[id]
}

// A VillageResult holds all months of a village and, from Town, its honours and supermarket.
type VillageResult struct {
	Village *town.Village
	Months  []*MonthResult
	Years   []*Year
	Ledger  *Ledger
	Moves   *Moves // the town's moves, which the ledger kept
}

// Village scores every month of a village.
func Village(v *town.Village) *VillageResult { return scoreVillage(v, true) }

// scoreVillage scores every month of a village, and ranks its households when ranked. Unranked,
// the standings stay in the roster's order, only the households with rows in a month have one
// (the others have no points, and nothing ranks them), and their entries are only those with a
// reason (see scorer).
func scoreVillage(v *town.Village, ranked bool) *VillageResult {
	res := &VillageResult{Village: v}
	books := make([]*book, len(v.Households)) // by roster position: the running yearly sums
	sc := scorer{cutsOnly: !ranked}
	var before []int // the ranks of the month before by roster position, nil when it had no sheet
	first := firstRows(v)
	for _, m := range v.Months {
		mr := &MonthResult{Month: m.Month, Standings: make([]*Standing, 0, len(v.Households))}
		rows := byHousehold(v, m.Entries)
		for i, h := range v.Households {
			entries := rows[first[i]]
			if len(entries) == 0 && !ranked {
				continue
			}
			listed, left := h.ActiveDuring(m.Month), leftBy(h, m.Month)
			if len(entries) == 0 && !listed {
				continue
			}
			year := m.Month[:4]
			b := books[i]
			if b == nil || b.year != year {
				b = sc.book(year)
				books[i] = b
			}
			s := sc.month(m.Rules, entries, b)
			s.Household, s.Active, s.Left, s.Grid, s.pos = h.ID, listed && !left, left, h.Grid, i
			b.net += s.Net
			s.YearNet = b.net
			mr.add(s, len(entries) > 0)
		}
		res.Months = append(res.Months, mr)
		if !ranked {
			continue
		}
		Rank(mr.Standings)
		yearRanks(mr.Standings)
		gridRanks(mr.Standings)
		if n := len(res.Months); n == 1 || sheet.NextMonth(res.Months[n-2].Month) != mr.Month {
			before = nil // no sheet the month before: everyone ranked is 新
		}
		before = move(before, mr.Standings, len(v.Households))
	}
	return res
}

// firstRows are the roster positions whose rows each household takes, by roster position: a
// code listed twice takes those of its first row.
func firstRows(v *town.Village) []int {
	first := make([]int, len(v.Households))
	for i, h := range v.Households {
		first[i], _ = v.Position(h.ID)
	}
	return first
}

// add counts a household's standing in the month's totals.
func (mr *MonthResult) add(s *Standing, taking bool) {
	mr.Standings = append(mr.Standings, s)
	mr.Total += s.Net
	mr.Issued += s.Positive
	mr.Deducted += s.Negative
	if s.Active {
		mr.Active++
	}
	if taking {
		mr.Taking++
	}
}

// leftBy reports whether the household left the roster by the end of month (YYYY-MM): its
// 退出日期, the last day it is on the roster, is in the month or before. Its rows up to that day
// count; from that month on it is not ranked.
func leftBy(h sheet.Household, month string) bool {
	return h.Left != "" && sheet.MonthOf(h.Left) <= month
}

// yearRanks gives active households standard competition ranks by their net points of the
// year, without changing the display order.
func yearRanks(ss []*Standing) {
	active := make([]*Standing, 0, len(ss))
	for _, s := range ss {
		if s.Active {
			active = append(active, s)
		}
	}
	// Ties share their rank, so their order does not matter.
	slices.SortFunc(active, func(a, b *Standing) int { return cmp.Compare(b.YearNet, a.YearNet) })
	rank := 0
	for i, s := range active {
		if i == 0 || active[i-1].YearNet != s.YearNet {
			rank = i + 1
		}
		s.YearRank = rank
	}
}

// gridRanks gives active households their rank by net points within their grid. The standings
// are ranked (see Rank): in order of net points, the active households first.
func gridRanks(ss []*Standing) {
	type last struct{ count, net, rank int }
	grids := map[string]*last{}
	for _, s := range ss {
		if !s.Active {
			break
		}
		g := grids[s.Grid]
		if g == nil {
			g = &last{}
			grids[s.Grid] = g
		}
		g.count++
		if g.count == 1 || g.net != s.Net {
			g.rank = g.count
		}
		g.net, s.GridRank = s.Net, g.rank
	}
}

// move sets each standing's rank of the month before from before, the ranks by roster position
// (nil when that month had no sheet), and returns this month's for the next.
func move(before []int, ss []*Standing, households int) []int {
	ranks := make([]int, households)
	for _, s := range ss {
		if before != nil {
			s.Before = before[s.pos]
		}
		ranks[s.pos] = s.Rank
	}
	return ranks
}

// Movement is how the household's rank moved since the month before: up or down so many
// places, or new to the ranking. A household not ranked this month has no movement.
func (s *Standing) Movement() (up, down int, isNew bool) {
	switch {
	case s.Rank == 0:
		return 0, 0, false
	case s.Before == 0:
		return 0, 0, true
	case s.Before > s.Rank:
		return s.Before - s.Rank, 0, false
	}
	return 0, s.Rank - s.Before, false
}

// A book keeps a household's running sums for the calendar year.
type book struct {
	year     string
	net      int      // net points counted this year
	item     itemSums // yearly-capped item → points counted this year
	category itemSums // category → positive points counted this year
}

// newBook starts a household's sums for the calendar year.
func newBook(year string) *book { return &book{year: year} }

// itemSums are points by item or category id, each id by the number its scorer gives it (see
// scorer.key): a household uses a handful of each, so a list of numbers is quicker than a map.
type itemSums []itemSum

type itemSum struct {
	key    int
	points int
}

// at is where the points of the id numbered key are, 0 until added to: valid until the next id
// is added.
func (s *itemSums) at(key int) *int {
	for i := range *s {
		if (*s)[i].key == key {
			return &(*s)[i].points
		}
	}
	*s = append(*s, itemSum{key: key})
	return &(*s)[len(*s)-1].points
}

// byHousehold groups a month's rows by household, as pointers to them in sheet order, at the
// roster position of the household (see town.Village.Position); the rows of households not on
// the roster are left out.
func byHousehold(v *town.Village, entries []sheet.Entry) [][]*sheet.Entry {
	pos := make([]int32, len(entries))
	count := make([]int, len(v.Households))
	last, p, ok := "", 0, false // a household's rows mostly follow each other
	for i := range entries {
		if h := entries[i].Household; h != last || i == 0 {
			last = h
			p, ok = v.Position(h)
		}
		if !ok {
			pos[i] = -1
			continue
		}
		pos[i] = int32(p)
		count[p]++
	}
	all := make([]*sheet.Entry, len(entries))
	out := make([][]*sheet.Entry, len(v.Households))
	n := 0
	for p, c := range count {
		out[p], n = all[n:n:n+c], n+c
	}
	for i, p := range pos {
		if p >= 0 {
			out[p] = append(out[p], &entries[i])
		}
	}
	return out
}

// A scorer scores households' months. It makes room for their standings, counted entries and
// yearly books a block at a time. With cutsOnly, a standing's entries are only those with a
// reason (cut by a cap or a veto, or a veto's own row): the checks read no others.
type scorer struct {
	cutsOnly  bool
	standings []Standing
	counted   []Counted
	books     []book
	sums      []itemSum // room for the books' sums by category
	monthItem itemSums  // scratch: points by item of the household's month
	ruleSet   *rules.RuleSet
	rules     map[string]rule // what ruleSet says of each item code met so far
	found     []rule          // scratch: the rules of the household's month's entries
	keys      map[string]int  // a number for each item and category id met, in every rule set
}

// A rule is what a rule set says of an item code: its item and the item's category, with the
// numbers of their ids (see scorer.key), or its veto, or nothing (a code that the checks
// reported).
type rule struct {
	item                 *rules.Item
	category             *rules.Category
	veto                 *rules.Veto
	itemKey, categoryKey int
}

// key is the number of an item's or a category's id, the same in every rule set: the yearly
// sums of a book go on from one rule set to the next.
func (sc *scorer) key(id string) int {
	k, ok := sc.keys[id]
	if !ok {
		if sc.keys == nil {
			sc.keys = map[string]int{}
		}
		k = len(sc.keys)
		sc.keys[id] = k
	}
	return k
}

// rule looks the item code up in rs. The month's rows repeat a few codes, so each code is looked
// up once for as long as the rule set stays the same.
func (sc *scorer) rule(rs *rules.RuleSet, id string) rule {
	if rs != sc.ruleSet {
		sc.ruleSet, sc.rules = rs, map[string]rule{}
	}
	r, ok := sc.rules[id]
	if !ok {
		r.item, r.veto = rs.Item(id), rs.Veto(id)
		if r.item != nil {
			r.category = rs.Category(r.item.Category)
			r.itemKey, r.categoryKey = sc.key(r.item.ID), sc.key(r.item.Category)
		}
		sc.rules[id] = r
	}
	return r
}

// bookCategories is the room a book has for categories before its list grows on its own.
const bookCategories = 8

// book starts a household's sums for the calendar year (as newBook does), in the scorer's block.
func (sc *scorer) book(year string) *book {
	if len(sc.books) == cap(sc.books) {
		sc.books = make([]book, 0, 256)
		sc.sums = make([]itemSum, 0, 256*bookCategories)
	}
	n := len(sc.sums)
	sc.sums = sc.sums[:n+bookCategories]
	sc.books = append(sc.books, book{year: year, category: sc.sums[n : n : n+bookCategories]})
	return &sc.books[len(sc.books)-1]
}

// month applies the rules to one household's entries of one month. It sorts entries, which are
// the household's own slice.
func (sc *scorer) month(rs *rules.RuleSet, entries []*sheet.Entry, b *book) *Standing {
	if len(sc.standings) == cap(sc.standings) {
		sc.standings = make([]Standing, 0, 256)
	}
	sc.standings = append(sc.standings, Standing{})
	s := &sc.standings[len(sc.standings)-1]
	if rs == nil {
		return s
	}
	if cap(sc.counted)-len(sc.counted) < len(entries) {
		sc.counted = make([]Counted, 0, max(1024, len(entries)))
	}
	start := len(sc.counted)
	slices.SortStableFunc(entries, func(a, b *sheet.Entry) int {
		return cmp.Or(strings.Compare(a.Date, b.Date), cmp.Compare(a.Line, b.Line))
	})
	found := sc.found[:0]
	for _, e := range entries {
		r := sc.rule(rs, e.Item)
		if r.veto != nil && r.veto.Effect.Stronger(s.Veto) {
			s.Veto = r.veto.Effect
		}
		found = append(found, r)
	}
	monthItem := sc.monthItem[:0]
	for k, e := range entries {
		c := Counted{Entry: e, Rules: rs.Effective}
		it := found[k].item
		switch {
		case it == nil: // a veto row, or an unknown item that the checks reported
			c.Reason = VetoRow
		case e.Points > 0 && s.Veto.Valid():
			c.Category, c.Reason = it.Category, VetoCut
		default:
			c.Category = it.Category
			used := &monthItem
			if it.CapPeriod.Yearly() {
				used = &b.item
			}
			itemUsed := used.at(found[k].itemKey)
			c.Counted = e.Points
			cut := func(left int, r Reason) {
				if c.Counted > left {
					c.Counted, c.Reason = max(left, 0), cmp.Or(c.Reason, r)
				}
			}
			if e.Points > 0 {
				cut(it.Cap-*itemUsed, ItemCap)
				categoryUsed := b.category.at(found[k].categoryKey)
				if cat := found[k].category; cat != nil {
					cut(cat.Weight-*categoryUsed, CategoryCap)
				}
				cut(rs.MonthlyCap-s.Positive, MonthlyCap)
				*categoryUsed += c.Counted
				s.Positive += c.Counted
			} else {
				// Deductions: the cap is negative, so cut towards zero.
				if left := it.Cap - *itemUsed; c.Counted < left {
					c.Counted, c.Reason = min(left, 0), ItemCap
				}
				s.Negative += c.Counted
			}
			*itemUsed += c.Counted
		}
		if c.Reason != NoCut || !sc.cutsOnly {
			sc.counted = append(sc.counted, c)
		}
	}
	s.Entries = sc.counted[start:len(sc.counted):len(sc.counted)]
	sc.monthItem, sc.found = monthItem[:0], found[:0]
	s.Net = s.Positive + s.Negative
	return s
}

// Rank orders standings for display and gives active households standard competition ranks
// (1, 2, 2, 4): more net points first; ties share a rank and are shown by household id.
// Households not on the roster in the month are listed last, unranked.
func Rank(ss []*Standing) {
	slices.SortFunc(ss, func(a, b *Standing) int {
		if a.Active != b.Active {
			if a.Active {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(b.Net, a.Net), strings.Compare(a.Household, b.Household))
	})
	for i, s := range ss {
		switch {
		case !s.Active:
			s.Rank = 0
		case i > 0 && ss[i-1].Active && ss[i-1].Net == s.Net:
			s.Rank = ss[i-1].Rank
		default:
			s.Rank = i + 1
		}
	}
}

// Town scores every village of a town as of a time: months and rankings, honours (final once a
// year's December has taken effect) and the points supermarket. Villages are scored in parallel.
func Town(t *town.Town, asOf time.Time) []*VillageResult {
	moves := Transfers(t, asOf)
	out := make([]*VillageResult, len(t.Villages))
	limit := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, v := range t.Villages {
		wg.Go(func() {
			limit <- struct{}{}
			defer func() { <-limit }()
			res := Village(v)
			res.Years = Honours(res, func(y string) bool { return FinalYear(v, y, asOf, t.NoticeDays, t.Location) })
			res.Ledger = supermarket(res, asOf, t.Location, true, moves)
			res.Moves = moves
			out[i] = res
		})
	}
	wg.Wait()
	return out
}

// ForChecks scores a village as the checks need it: the months' points and the supermarket's
// ledger, without ranks, honours and the accounts' lines (the standings are those of the
// households with rows in the month, in the roster's order, each with only the entries that
// have a reason). loc is the town's time zone; moves are the town's (see Transfers), or nil
// when the village has none.
func ForChecks(v *town.Village, asOf time.Time, loc *time.Location, moves *Moves) *VillageResult {
	res := scoreVillage(v, false)
	res.Ledger = supermarket(res, asOf, loc, false, moves)
	res.Moves = moves
	return res
}
