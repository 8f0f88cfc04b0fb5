package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/jifen-project/jifen/pipeline/sheet"
	"github.com/jifen-project/jifen/pipeline/town"
)

// A village is one generated village: its settings, what its village.toml says, its roster and
// its months.
type village struct {
	settings    villageSettings
	file        []byte // village.toml
	name        string
	grids       []town.Grid
	members     []string          // the evaluation group, names without their roles
	households  []sheet.Household // everyone who was ever on the roster, by id
	engagement  []float64         // how keen each household is to take part, by roster index
	vetoes      []vetoSettings    // the village's vetoes, by month
	corrections []correction      // the corrections of its sheets
	months      []*month          // every month with a sheet
	draft       *month            // the month of the open pull request, or nil
	// The moves: the day each household that leaves or continues another is on the rosters of
	// the move's pull request from (its 退出日期 or 加入日期), the move each successor continues,
	// and the roster each move's pull request brings, by the move's index in the settings.
	moves       map[string]string
	successors  map[string]moveLink
	moveRosters map[int][]byte
	tv          *town.Village // the village as its exchanges were made: sheets as first approved, redemptions
}

// A month is one village-month of records.
type month struct {
	Month       string // YYYY-MM
	Entries     []sheet.Entry
	Original    []sheet.Entry // the first approved version when a later pull request corrected it
	Corrected   []string      // what the correction changed, one line each
	Correction  correction    // the pull request that corrected it
	Redemptions []sheet.Redemption
}

// approved is the version of the sheet that was first approved.
func (m *month) approved() []sheet.Entry {
	if m.Original != nil {
		return m.Original
	}
	return m.Entries
}

// village generates the i-th village of the town, all but its supermarket's exchanges (see
// markets).
func (g *generator) village(i int) (*village, error) {
	v, err := g.base(i)
	if err != nil {
		return nil, err
	}
	g.settle(v)
	if err := g.fill(v); err != nil {
		return nil, fmt.Errorf("village %s: %w", v.settings.ID, err)
	}
	return v, nil
}

// base makes the i-th village's settings and roster, before the moves.
func (g *generator) base(i int) (*village, error) {
	v := &village{}
	if g.profile == nil {
		v.settings = g.settings.Villages[i]
		v.file = g.static["villages/"+v.settings.ID+"/village.toml"]
		for _, vs := range g.settings.Vetoes {
			if vs.Village == v.settings.ID {
				v.vetoes = append(v.vetoes, vs)
			}
		}
		if c := g.settings.Correction; c.Village == v.settings.ID {
			v.corrections = append(v.corrections, c)
		}
	} else {
		var err error
		if v.settings, v.file, err = g.villageSettings(i); err != nil {
			return nil, err
		}
		v.vetoes = g.drawVetoes(v.settings.ID)
	}
	if err := g.read(v); err != nil {
		return nil, fmt.Errorf("village %s: %w", v.settings.ID, err)
	}
	g.roster(v)
	return v, nil
}

// read reads the village's village.toml.
func (g *generator) read(v *village) error {
	var vf struct {
		Name           string      `toml:"name"`
		PublishRanking bool        `toml:"publish_ranking"`
		Objection      string      `toml:"objection_contact"`
		Grids          []town.Grid `toml:"grids"`
		Evaluation     struct {
			Members []string `toml:"members"`
		} `toml:"evaluation"`
	}
	file := "villages/" + v.settings.ID + "/village.toml"
	if err := decode(file, v.file, &vf); err != nil {
		return err
	}
	v.name, v.grids = vf.Name, vf.Grids
	for _, m := range vf.Evaluation.Members {
		name, _, _ := strings.Cut(m, "（")
		v.members = append(v.members, name)
	}
	if len(v.grids) == 0 || !slices.Contains(v.members, v.settings.Secretary) {
		return fmt.Errorf("%s needs grids and the secretary %s in the evaluation group", file, v.settings.Secretary)
	}
	return nil
}

// fill makes the village's sheets and corrections.
func (g *generator) fill(v *village) error {
	if err := g.sheets(v); err != nil {
		return err
	}
	if g.profile != nil {
		v.corrections = g.drawCorrections(v)
	}
	return g.correct(v)
}

// roster makes the village's households: those who signed up when the system started, a few
// who join during the year and a few who leave.
func (g *generator) roster(v *village) {
	r := g.rand(v.settings.ID, "roster")
	s := g.settings
	// Households are numbered grid by grid, as villages number them; grids differ in size.
	sizes := make([]float64, len(v.grids))
	total := 0.0
	for i := range sizes {
		sizes[i] = 0.7 + 0.6*r.Float64()
		total += sizes[i]
	}
	// No two heads share a name, and none is named like a cadre, as long as the names go round.
	used := map[string]bool{}
	for _, vs := range append(s.Villages, v.settings) {
		for name := range vs.Emails {
			used[name] = true
		}
	}
	add := func(grid string, joined string) {
		head := g.names.head(r, v.settings.Surnames)
		for try := 0; used[head] && try < maxTries; try++ {
			head = g.names.head(r, v.settings.Surnames)
		}
		used[head] = true
		v.households = append(v.households, sheet.Household{
			ID:      fmt.Sprintf("%s-%04d", v.settings.Prefix, len(v.households)+1),
			Head:    head,
			Grid:    grid,
			Consent: r.Float64() < s.Consent,
			Joined:  joined,
		})
		// Engagement is skewed: a few keen households, many occasional ones.
		v.engagement = append(v.engagement, math.Exp(0.9*r.NormFloat64()))
	}
	cum := 0.0
	for i, grid := range v.grids {
		cum += sizes[i]
		for float64(len(v.households)) < math.Round(cum/total*float64(v.settings.Households)) {
			add(grid.Name, randomDay(r, s.SignUp[0], s.SignUp[1]))
		}
	}
	for _, i := range r.Perm(v.settings.Households)[:v.settings.Leavers] {
		v.households[i].Left = randomDay(r, s.LeaversBetween[0], s.LeaversBetween[1])
	}
	var joined []string
	for range v.settings.Joiners {
		joined = append(joined, randomDay(r, s.JoinersBetween[0], s.JoinersBetween[1]))
	}
	slices.Sort(joined) // later households get later numbers
	for _, day := range joined {
		add(v.grids[r.IntN(len(v.grids))].Name, day)
	}
}

// maxTries bounds the draws for a name that no one else has: a large village runs out of them.
const maxTries = 50

// head makes up the name of a head of household, favouring the village's own surnames.
func (n names) head(r *rand.Rand, local []string) string {
	surname := n.Surnames[int(float64(len(n.Surnames))*math.Pow(r.Float64(), 2.5))]
	if len(local) > 0 && r.Float64() < 0.45 {
		surname = local[r.IntN(len(local))]
	}
	given := n.Male
	if r.Float64() < n.FemaleShare {
		given = n.Female
	}
	return surname + given[r.IntN(len(given))]
}

// correct makes the village's corrections: for each, the sheet as first approved gave one row of
// an item with several levels (an honour) a lower level than it had, and forgot one row. The
// corrected month is the latest up to the correction's month that has such a row above the
// lowest level and no other correction.
func (g *generator) correct(v *village) error {
	r := g.rand(v.settings.ID, "correction")
	for _, c := range v.corrections {
		var m *month
		changed, candidates := -1, []int(nil)
		for i := len(v.months) - 1; i >= 0 && changed < 0; i-- {
			if m = v.months[i]; m.Month <= c.Month && m.Original == nil {
				changed, candidates = g.correctable(m)
			}
		}
		if changed < 0 {
			return fmt.Errorf("no month up to %s has a row with several levels to correct", c.Month)
		}
		if len(candidates) == 0 {
			return fmt.Errorf("%s has no row to forget", m.Month)
		}
		forgotten := candidates[r.IntN(len(candidates))]
		e := m.Entries[changed]
		lower := math.MinInt
		for _, p := range g.rules.InForce(m.Month).Item(e.Item).Allowed() {
			if p < e.Points && p > lower {
				lower = p
			}
		}
		f := m.Entries[forgotten]
		m.Correction = c
		m.Corrected = []string{
			fmt.Sprintf("%s %s %s：分值 %d 改为 %d（按佐证材料核实）", e.Household, e.Item, e.Date, lower, e.Points),
			fmt.Sprintf("补录 %s %s %s：%s（原表漏记）", f.Household, f.Item, f.Date, f.Note),
		}
		for j, e := range m.Entries {
			switch j {
			case forgotten:
			case changed:
				e.Points = lower
				m.Original = append(m.Original, e)
			default:
				m.Original = append(m.Original, e)
			}
		}
		number(m.Original)
	}
	return nil
}

// correctable finds what a correction of the month can change: the first row of an item above
// its lowest level (-1 if none), and the rows that can have been forgotten: any other row that
// adds points to a household without a veto that month.
func (g *generator) correctable(m *month) (changed int, forgettable []int) {
	rs := g.rules.InForce(m.Month)
	changed = slices.IndexFunc(m.Entries, func(e sheet.Entry) bool {
		it := rs.Item(e.Item)
		return it != nil && e.Points > slices.Min(it.Allowed())
	})
	if changed < 0 {
		return -1, nil
	}
	vetoed := map[string]bool{}
	for _, e := range m.Entries {
		vetoed[e.Household] = vetoed[e.Household] || rs.Veto(e.Item) != nil
	}
	for j, e := range m.Entries {
		if j != changed && e.Points > 0 && !vetoed[e.Household] {
			forgettable = append(forgettable, j)
		}
	}
	return changed, forgettable
}

// number gives rows the lines they have in their CSV file, below the header.
func number(entries []sheet.Entry) {
	for i := range entries {
		entries[i].Line = i + 2
	}
}

// inSeason reports whether an event happens in the month.
func inSeason(ev event, m time.Month) bool {
	return len(ev.Months) == 0 || slices.Contains(ev.Months, int(m))
}

// window is the days of a month of days an event can happen on.
func window(ev event, days int) (from, to int) {
	if len(ev.Window) != 2 {
		return 1, days
	}
	return min(ev.Window[0], days), min(ev.Window[1], days)
}

// weighted picks an index with odds proportional to its weight.
func weighted(r *rand.Rand, weights []float64) int {
	total := 0.0
	for _, w := range weights {
		total += w
	}
	x := r.Float64() * total
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

// between draws a whole number from lohi[0] to lohi[1].
func between(r *rand.Rand, lohi []int) int { return lohi[0] + r.IntN(lohi[1]-lohi[0]+1) }

// pick picks one of a list.
func pick(r *rand.Rand, list []string) string { return list[r.IntN(len(list))] }

// randomDay is a day between from and to (YYYY-MM-DD, both included).
func randomDay(r *rand.Rand, from, to string) string {
	a, _ := time.Parse(time.DateOnly, from)
	b, _ := time.Parse(time.DateOnly, to)
	days := int(b.Sub(a).Hours()/24) + 1
	return a.AddDate(0, 0, r.IntN(max(days, 1))).Format(time.DateOnly)
}

// dayBefore is the day before a date (YYYY-MM-DD).
func dayBefore(date string) string {
	t, _ := time.Parse(time.DateOnly, date)
	return t.AddDate(0, 0, -1).Format(time.DateOnly)
}

// dayOf is the day of the month of a date (YYYY-MM-DD).
func dayOf(date string) int {
	t, _ := time.Parse(time.DateOnly, date)
	return t.Day()
}

// abs is the absolute value of n.
func abs(n int) int { return max(n, -n) }
