package score

import (
	"maps"
	"slices"
	"time"

	"github.com/jifen-project/jifen/pipeline/sheet"
	"github.com/jifen-project/jifen/pipeline/town"
)

// A version is one state of a month's sheet as the ledger credits it: the day it counts from
// and its rows, which the replay groups by household (households on the roster only, as the
// scores count them, see byHousehold) when it needs them.
type version struct {
	day     string
	entries []sheet.Entry
	rows    [][]*sheet.Entry
}

// versions are the states of a month's sheet: each approved version from the day it was
// approved, the latest with the rows the scores count; a month not yet approved counts from the
// first day of the next month.
func versions(m *town.Month, loc *time.Location) []version {
	if !m.Approved() {
		return []version{{day: sheet.NextMonth(m.Month) + "-01", entries: m.Entries}}
	}
	out := make([]version, len(m.Revisions))
	for k, r := range m.Revisions {
		entries := r.Entries
		if k == len(m.Revisions)-1 {
			entries = m.Entries
		}
		out[k] = version{day: r.Time.In(loc).Format(time.DateOnly), entries: entries}
	}
	return out
}

// credits are the village's earnings as the ledger books them. On each day a version of a
// sheet was approved, each household's net points of every month are scored as the versions
// approved by then give them, and what changed since the last such day is credited (or taken
// back) on that day: a month's points the day its sheet is approved; a correction's difference
// on its own day, in the month it corrects and in the later months of the year whose caps it
// changes. What was credited on earlier days stays as it was, so a redemption the balance
// allowed on its day stays allowed whatever is corrected later. Caps run within a calendar
// year, so each year is replayed on its own. With whole, every day is replayed (see
// yearCredits), which gives the same credits more slowly. The credits are appended to out.
func credits(out []event, res *VillageResult, loc *time.Location, whole bool) []event {
	months := res.Village.Months
	for first := 0; first < len(months); {
		end := first + 1
		for end < len(months) && months[end].Month[:4] == months[first].Month[:4] {
			end++
		}
		out = yearCredits(out, res, first, end, loc, whole)
		first = end
	}
	return out
}

// yearCredits appends the credits of the months first to end-1, the months of one year to out.
// Until the first day on which a month that is corrected later, or a month before an earlier
// one, is approved, what each day credits is the scores of the months it approves, as the
// village's results have them; from that day on, the year is replayed.
func yearCredits(out []event, res *VillageResult, first, end int, loc *time.Location, whole bool) []event {
	v := res.Village
	y := &replay{village: v, first: first, vs: make([][]version, end-first), at: make([]int, end-first),
		credited: make([][]int, end-first), sums: make([]*sums, len(v.Households)), scorer: scorer{cutsOnly: true}, takes: firstRows(v)}
	var days []string
	for i := range y.vs {
		y.vs[i] = versions(v.Months[first+i], loc)
		y.credited[i], y.at[i] = make([]int, len(v.Households)), -1
		for _, x := range y.vs[i] {
			days = append(days, x.day)
		}
	}
	slices.Sort(days)
	cut := ""
	if !whole {
		cut = y.regularUntil()
	}
	for _, day := range slices.Compact(days) {
		if day < cut {
			out = y.approve(out, day, res.Months[first:end])
			continue
		}
		touched := y.advance(day)
		for _, pos := range slices.Sorted(maps.Keys(touched)) {
			out = y.rescore(out, day, pos, touched[pos])
		}
	}
	return out
}

// regularUntil is the first day on which a month of the year that is corrected later is
// approved, or a month is approved while an earlier month is not: before it, the months in
// force are the year's first months, each in its final version, as the village's results score
// it.
func (y *replay) regularUntil() string {
	cut, latest := "9999", ""
	for _, vs := range y.vs {
		if len(vs) > 1 || vs[0].day < latest {
			cut = min(cut, vs[0].day)
		}
		latest = max(latest, vs[0].day)
	}
	return cut
}

// approve puts in force the months whose only version is approved on day, a regular day (see
// regularUntil), and credits their scores.
func (y *replay) approve(out []event, day string, results []*MonthResult) []event {
	for i, vs := range y.vs {
		if vs[0].day != day {
			continue
		}
		y.at[i] = 0
		for _, s := range results[i].Standings {
			if pos := s.pos; s.Net != 0 && y.takes[pos] == pos {
				out = append(out, event{date: day, month: y.first + i, household: s.Household, points: s.Net})
				y.credited[i][pos] = s.Net
			}
		}
	}
	return out
}

// A replay holds one year's sheets as the versions approved by a day give them, and what has
// been credited of them.
// Households are told by their position on the roster.
type replay struct {
	village  *town.Village
	first    int         // the year's first month in the village's months
	vs       [][]version // month of the year → its versions
	at       []int       // month → the version in force, −1 before the first
	credited [][]int     // month → household → points credited so far
	sums     []*sums     // household → its sums after the year's months as in force
	takes    []int       // household → the household whose rows it takes (see firstRows)
	scorer   scorer      // only the net points of what it scores are read
}

// sums are a household's yearly sums after the months in force, and the last month with rows
// of it, so that a version that only adds a later month is scored from them.
type sums struct {
	book *book
	last int
}

// advance puts in force the versions approved by day and returns the households whose rows
// they add or change, each with the first month it changes.
func (y *replay) advance(day string) map[int]int {
	touched := map[int]int{}
	for i := range y.vs {
		for ; y.at[i]+1 < len(y.vs[i]) && y.vs[i][y.at[i]+1].day <= day; y.at[i]++ {
			for k := max(y.at[i], 0); k < y.at[i]+2; k++ {
				for pos, rows := range y.rows(i, k) {
					if j, ok := touched[pos]; len(rows) > 0 && (!ok || i < j) {
						touched[pos] = i
					}
				}
			}
		}
	}
	return touched
}

// rescore scores the household's months from month from on, or from the year's first when from
// changes a month at or before its last month with rows, and adds to out what changed since the
// last credit, dated day.
func (y *replay) rescore(out []event, day string, pos, from int) []event {
	s := y.sums[pos]
	if s == nil || from <= s.last {
		from, s = 0, &sums{book: newBook(y.village.Months[y.first].Month[:4]), last: -1}
		y.sums[pos] = s
	}
	for i := from; i < len(y.vs); i++ {
		var rows []*sheet.Entry
		if y.at[i] >= 0 {
			rows = y.rows(i, y.at[i])[pos]
		}
		if len(rows) == 0 && y.credited[i][pos] == 0 {
			continue // nothing counted, nothing to take back: the sums stay as they are
		}
		if len(rows) > 0 {
			s.last = i
		}
		if d := y.scorer.month(y.village.Months[y.first+i].Rules, rows, s.book).Net - y.credited[i][pos]; d != 0 {
			out = append(out, event{date: day, month: y.first + i, household: y.village.Households[pos].ID, points: d})
			y.credited[i][pos] += d
		}
	}
	return out
}

// rows are the rows of month i's version k by household.
func (y *replay) rows(i, k int) [][]*sheet.Entry {
	x := &y.vs[i][k]
	if x.rows == nil {
		x.rows = byHousehold(y.village, x.entries)
	}
	return x.rows
}
