package demo

import (
	"cmp"
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jifen-project/jifen/pipeline/rules"
	"github.com/jifen-project/jifen/pipeline/sheet"
)

// sheets makes the village's score sheets for every month, and the draft of the open pull
// request.
func (g *generator) sheets(v *village) error {
	r := g.rand(v.settings.ID, "sheets")
	yearly := map[string]int{} // year/household/item → points of yearly-capped items so far
	for _, mon := range g.months() {
		m, _ := strconv.Atoi(mon[5:])
		rate := v.settings.Participation * g.settings.Participation[m-1]
		entries, err := g.sheet(v, r, mon, sheet.MonthEnd(mon), rate, yearly)
		if err != nil {
			return fmt.Errorf("%s: %w", mon, err)
		}
		v.months = append(v.months, &month{Month: mon, Entries: entries})
	}
	if d := g.settings.Draft; d.Village == v.settings.ID {
		m, err := time.Parse("2006-01", d.Month)
		if err != nil {
			return err
		}
		rate := v.settings.Participation * g.settings.Participation[m.Month()-1] * d.Participation
		cutoff := d.Created.In(chinaTime()).Format(time.DateOnly)
		entries, err := g.sheet(v, r, d.Month, cutoff, rate, yearly)
		if err != nil {
			return fmt.Errorf("%s: %w", d.Month, err)
		}
		v.draft = &month{Month: d.Month, Entries: entries}
	}
	return nil
}

// A sheetMaker makes one village-month's score sheet.
type sheetMaker struct {
	*generator
	village   *village
	r         *rand.Rand
	rs        *rules.RuleSet
	items     []*rules.Item // the item of each event in the rule set, or nil
	month     string        // YYYY-MM
	start     time.Time
	days      int            // days in the month
	lastDay   int            // the last day with events: the month's, or the cutoff's
	yearly    map[string]int // year/household/item → points of yearly-capped items so far
	occasions [][]*occasion  // the month's occasions of each event
	seq       int            // the last evidence number given
	kinds     []int          // scratch space of event: the events a household can get
	odds      []float64      // and their odds
}

// A taker is a household that takes part in a month, with the days of the month it is on the
// roster and what it has got so far.
type taker struct {
	index    int // in the roster
	first    int // the first and last days of the month the household is on the roster
	last     int
	veto     *vetoKind
	used     map[string]int // item → points this month
	attended map[*occasion]bool
	deducted bool // has a deduction or a veto this month
	clean    bool // has an event that needs a clean month
}

// An occasion is a village-wide event that households attend together.
type occasion struct {
	day       int
	note      string
	attendees int
}

// sheet makes one village-month's score sheet with events up to cutoff (YYYY-MM-DD). Of the
// households on the roster, a share of rate takes part, keen ones more often.
func (g *generator) sheet(v *village, r *rand.Rand, mon, cutoff string, rate float64, yearly map[string]int) ([]sheet.Entry, error) {
	s := &sheetMaker{generator: g, village: v, r: r, rs: g.rules.InForce(mon), month: mon, yearly: yearly}
	if s.rs == nil {
		return nil, fmt.Errorf("no rule set in force")
	}
	for _, ev := range s.events {
		s.items = append(s.items, s.rs.Item(ev.Item))
	}
	var err error
	if s.start, err = time.Parse("2006-01", mon); err != nil {
		return nil, err
	}
	s.days = s.start.AddDate(0, 1, -1).Day()
	s.lastDay = min(s.days, dayOf(cutoff))
	takers, err := s.takers(rate)
	if err != nil {
		return nil, err
	}
	s.plan()
	entries := make([]sheet.Entry, 0, 3*len(takers))
	for _, tk := range takers {
		h := v.households[tk.index]
		if tk.veto != nil {
			day := tk.first + r.IntN(tk.last-tk.first+1)
			entries = append(entries, sheet.Entry{Household: h.ID, Item: tk.veto.Veto, Points: 0, Date: s.date(day),
				Note: s.render(tk.veto.Note, day, 0), Evidence: s.render(tk.veto.Evidence, day, 0)})
			tk.deducted = true
		}
		// Keen households also do more: they get the best of several draws.
		count := 1 + weighted(r, g.settings.Events)
		for e := v.engagement[tk.index]; e > 1; e -= 1.2 {
			count = max(count, 1+weighted(r, g.settings.Events))
		}
		for range count {
			e, ok := s.event(tk)
			if !ok {
				break
			}
			entries = append(entries, e)
		}
	}
	slices.SortStableFunc(entries, func(a, b sheet.Entry) int {
		return cmp.Or(strings.Compare(a.Household, b.Household), strings.Compare(a.Date, b.Date)) // ids have one width
	})
	number(entries)
	return entries, nil
}

// takers picks the households that take part: a share of rate of those on the roster by weighted
// sampling without replacement, and those the village's vetoes fall on this month.
func (s *sheetMaker) takers(rate float64) ([]*taker, error) {
	var active []*taker
	first, last := s.date(1), s.date(s.lastDay)
	for i, h := range s.village.households {
		from, to := max(first, h.Joined), last
		if h.Left != "" {
			to = min(to, dayBefore(h.Left))
		}
		if from <= to {
			active = append(active, &taker{index: i, first: dayOf(from), last: dayOf(to),
				used: map[string]int{}, attended: map[*occasion]bool{}})
		}
	}
	// Vetoes fall on households that are on the roster the whole month.
	for _, vs := range s.village.vetoes {
		if vs.Month != s.month {
			continue
		}
		var whole []*taker
		for _, tk := range active {
			if tk.veto == nil && tk.first == 1 && tk.last == s.lastDay {
				whole = append(whole, tk)
			}
		}
		if len(whole) == 0 {
			return nil, fmt.Errorf("no household for veto %s", vs.Veto)
		}
		k := slices.IndexFunc(s.vetoes, func(k vetoKind) bool { return k.Veto == vs.Veto })
		if k < 0 {
			return nil, fmt.Errorf("frequencies.toml has no veto %s", vs.Veto)
		}
		whole[s.r.IntN(len(whole))].veto = &s.vetoes[k]
	}
	keys := make([]float64, len(active))
	for i, tk := range active {
		keys[i] = math.Log(1-s.r.Float64()) / s.village.engagement[tk.index]
	}
	order := make([]int, len(active))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(keys[b], keys[a]) })
	n := int(math.Round(min(max(rate, 0), 1) * float64(len(active))))
	var takers []*taker
	for rank, i := range order {
		if rank < n || active[i].veto != nil {
			takers = append(takers, active[i])
		}
	}
	slices.SortFunc(takers, func(a, b *taker) int { return a.index - b.index })
	return takers, nil
}

// plan sets the days and notes of the month's village-wide occasions.
func (s *sheetMaker) plan() {
	s.occasions = make([][]*occasion, len(s.events))
	for e, ev := range s.events {
		if ev.Shared == 0 || !inSeason(ev, s.start.Month()) || s.rs.Item(ev.Item) == nil {
			continue
		}
		from, to := window(ev, s.days)
		to = min(to, s.lastDay)
		for range ev.Shared {
			if from > to {
				break
			}
			day := from + s.r.IntN(to-from+1)
			if !slices.ContainsFunc(s.occasions[e], func(o *occasion) bool { return o.day == day }) {
				s.occasions[e] = append(s.occasions[e], &occasion{day: day, note: s.render(pick(s.r, ev.Notes), day, 0)})
			}
		}
	}
}

// event draws one more event for a household. It reports false when the household can get
// nothing more this month.
func (s *sheetMaker) event(tk *taker) (sheet.Entry, bool) {
	s.kinds, s.odds = s.kinds[:0], s.odds[:0]
	for e, ev := range s.events {
		if s.possible(e, tk) {
			s.kinds = append(s.kinds, e)
			s.odds = append(s.odds, ev.Weight)
		}
	}
	if len(s.kinds) == 0 {
		return sheet.Entry{}, false
	}
	e := s.kinds[weighted(s.r, s.odds)]
	ev, it := s.events[e], s.items[e]
	levels := s.levels(e, tk)
	var lw []float64
	for _, l := range levels {
		lw = append(lw, l.Weight)
	}
	l := levels[weighted(s.r, lw)]
	h := s.village.households[tk.index]
	entry := sheet.Entry{Household: h.ID, Item: it.ID, Points: l.Points}
	var day, page int
	if ev.Shared > 0 {
		open := s.open(e, tk)
		o := open[s.r.IntN(len(open))]
		tk.attended[o] = true
		day, page, entry.Note = o.day, o.attendees/20+1, o.note
		o.attendees++
	} else {
		from, to := window(ev, s.days)
		from, to = max(from, tk.first), min(to, tk.last)
		day = from + s.r.IntN(to-from+1)
		notes := ev.Notes
		if len(l.Notes) > 0 {
			notes = l.Notes
		}
		entry.Note = s.render(pick(s.r, notes), day, 0)
	}
	entry.Date = s.date(day)
	if it.Evidence {
		entry.Evidence = s.render(ev.Evidence, day, page)
	}
	if it.CapPeriod.Yearly() {
		s.yearly[s.book(tk, it)] += l.Points
	} else {
		tk.used[it.ID] += l.Points
	}
	tk.deducted = tk.deducted || it.Deduction()
	tk.clean = tk.clean || ev.Clean
	return entry, true
}

// levels lists the point levels of event e that a household can still get this month, with
// their odds; nil when it can get none.
func (s *sheetMaker) levels(e int, tk *taker) []level { return slices.Collect(s.fitting(e, tk)) }

// possible reports whether a household can still get event e this month.
func (s *sheetMaker) possible(e int, tk *taker) bool {
	for range s.fitting(e, tk) {
		return true
	}
	return false
}

// fitting yields the point levels of event e that a household can still get this month; none
// when the item is not in the rule set, out of season, capped, in conflict with the household's
// other entries, or there is no day for it.
func (s *sheetMaker) fitting(e int, tk *taker) iter.Seq[level] {
	return func(yield func(level) bool) {
		ev := s.events[e]
		it := s.items[e]
		switch {
		case it == nil || !inSeason(ev, s.start.Month()):
			return
		case ev.Clean && tk.deducted || it.Deduction() && tk.clean:
			return
		case ev.Shared > 0 && !slices.ContainsFunc(s.occasions[e], func(o *occasion) bool { return tk.canAttend(o) }):
			return
		}
		if from, to := window(ev, s.days); ev.Shared == 0 && max(from, tk.first) > min(to, tk.last) {
			return
		}
		used := tk.used[it.ID]
		if it.CapPeriod.Yearly() {
			used = s.yearly[s.book(tk, it)]
		}
		fits := func(l level) bool { return abs(used+l.Points) > abs(it.Cap) || yield(l) }
		if len(ev.Levels) > 0 {
			for _, l := range ev.Levels {
				if !fits(l) {
					return
				}
			}
			return
		}
		for _, p := range it.Allowed() {
			if !fits(level{Points: p, Weight: 1}) {
				return
			}
		}
	}
}

// canAttend reports whether the household can still attend an occasion.
func (tk *taker) canAttend(o *occasion) bool {
	return o.day >= tk.first && o.day <= tk.last && !tk.attended[o]
}

// open lists the occasions of event e that a household can still attend.
func (s *sheetMaker) open(e int, tk *taker) []*occasion {
	var out []*occasion
	for _, o := range s.occasions[e] {
		if tk.canAttend(o) {
			out = append(out, o)
		}
	}
	return out
}

// book is the key of a household's yearly points from an item.
func (s *sheetMaker) book(tk *taker, it *rules.Item) string {
	return s.month[:4] + "/" + s.village.households[tk.index].ID + "/" + it.ID
}

// months lists the months with sheets (YYYY-MM).
func (g *generator) months() []string {
	var out []string
	for m := range g.settings.Months {
		out = append(out, fmt.Sprintf("%04d-%02d", g.settings.Year+m/12, m%12+1))
	}
	return out
}

// date is a day of the month as YYYY-MM-DD.
func (s *sheetMaker) date(day int) string { return fmt.Sprintf("%s-%02d", s.month, day) }

// render fills a note or evidence template; see frequencies.toml for the placeholders.
func (s *sheetMaker) render(tmpl string, day, page int) string {
	if !strings.Contains(tmpl, "{") {
		return tmpl
	}
	if strings.Contains(tmpl, "{seq}") {
		s.seq++
	}
	value := func(name string) (string, bool) {
		switch name {
		case "m":
			return strconv.Itoa(int(s.start.Month())), true
		case "d":
			return strconv.Itoa(day), true
		case "date":
			return s.date(day), true
		case "ym":
			return s.month, true
		case "p":
			return s.village.settings.Prefix, true
		case "seq":
			return fmt.Sprintf("%03d", s.seq), true
		case "page":
			return strconv.Itoa(page), true
		}
		return "", false
	}
	var b strings.Builder
	for {
		open := strings.IndexByte(tmpl, '{')
		if open < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		b.WriteString(tmpl[:open])
		tmpl = tmpl[open:]
		if end := strings.IndexByte(tmpl, '}'); end > 0 {
			if v, ok := value(tmpl[1:end]); ok {
				b.WriteString(v)
				tmpl = tmpl[end+1:]
				continue
			}
		}
		b.WriteByte('{')
		tmpl = tmpl[1:]
	}
}
