// Package rules owns the rule set a town adopts: categories, items, vetoes, caps, honours and
// supermarket parameters, loaded from rules/<effective-date>.toml, and the kinds of values they
// choose from (veto effects, what may be published, cap periods, expiries). Nothing of a
// particular rule set is written here; it is all data.
package rules

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2"

	"github.com/jifen-project/jifen/pipeline/check"
)

// A RuleSet is one version of a town's rules.
type RuleSet struct {
	Title      string     `toml:"title"`
	Effective  string     `toml:"-"` // YYYY-MM-DD, the key effective
	Adoption   Adoption   `toml:"adoption"`
	MonthlyCap int        `toml:"monthly_cap"` // positive points per household per month
	Categories []Category `toml:"categories"`
	Items      []Item     `toml:"items"`
	Vetoes     []Veto     `toml:"vetoes"`
	Honours    Honours    `toml:"honours"`
	Market     Market     `toml:"supermarket"`

	File string `toml:"-"` // the file it came from

	effectiveLine int // the line of the key effective in File

	// Indexes by id into Categories, Items and Vetoes, built by Parse.
	categories, items, vetoes map[string]int
}

// Adoption records how the rule set was adopted.
type Adoption struct {
	Body   string `toml:"body"`
	Date   string `toml:"-"`
	Record string `toml:"record"`
}

// A Category groups items and bounds the positive points a household can earn from them in a year.
type Category struct {
	ID     string `toml:"id"`
	Name   string `toml:"name"`
	Weight int    `toml:"weight"`
}

// An Item is one thing a household can be scored for.
type Item struct {
	ID        string    `toml:"id"`
	Category  string    `toml:"category"`
	Name      string    `toml:"name"`
	Points    int       `toml:"points"`
	Levels    []int     `toml:"levels"`
	Cap       int       `toml:"cap"`
	CapPeriod CapPeriod `toml:"cap_period"` // PerMonth unless the file says otherwise
	Evidence  bool      `toml:"evidence"`
	Publish   Publish   `toml:"publish"`
}

// Allowed lists the point values a sheet may give for the item.
func (it Item) Allowed() []int {
	if len(it.Levels) > 0 {
		return it.Levels
	}
	return []int{it.Points}
}

// Deduction reports whether the item takes points away.
func (it Item) Deduction() bool { return it.Allowed()[0] < 0 }

// A Veto is a grave event that cancels a household's positive points (一票否决).
type Veto struct {
	ID     string `toml:"id"`
	Name   string `toml:"name"`
	Effect Effect `toml:"effect"`
}

// Honours holds the parameters of 星级文明户, 月度积分之星 and 道德模范 nominations.
type Honours struct {
	Stars   []StarLevel `toml:"stars"`
	Monthly struct {
		Top int `toml:"top"`
	} `toml:"monthly"`
	Model struct {
		Category string `toml:"category"`
		Top      int    `toml:"top"`
	} `toml:"model"`
}

// A StarLevel is one step of 星级文明户.
type StarLevel struct {
	Stars         int `toml:"stars"`
	MinPoints     int `toml:"min_points"`
	MinCategories int `toml:"min_categories"`
}

// Market holds the points supermarket's parameters.
type Market struct {
	Points int    `toml:"points"` // Points points buy Yuan yuan of goods
	Yuan   int    `toml:"yuan"`
	Expiry Expiry `toml:"expiry"`
	OnMove OnMove `toml:"on_move"`
}

type file struct {
	RuleSet
	EffectiveDate toml.LocalDate `toml:"effective"`
	Adoption      struct {
		Adoption
		Date toml.LocalDate `toml:"date"`
	} `toml:"adoption"`
}

// Parse reads a rule set from rules/<YYYY-MM-DD>.toml and checks it on its own: the file name
// is the effective date, ids are unique, items are in known categories, points, caps and
// weights agree, dates, honours and supermarket parameters make sense. Diagnostics point at
// the line of the entry they are about.
//
// The rule set is returned whenever the file decodes, together with its problems, so that a
// caller can tell a broken version from no version: rs is nil only when the file cannot be
// decoded at all (malformed TOML, an unknown key, a value of the wrong type), and then diags
// says why. A rule set returned with diagnostics is not fit for scoring.
func Parse(name string, data []byte) (rs *RuleSet, diags check.List) { return parse(name, data, true) }

// Read reads and checks a rule set from a file of any name, such as an old version saved for
// comparison: as Parse, but the file name need not be the effective date.
func Read(name string, data []byte) (*RuleSet, check.List) { return parse(name, data, false) }

func parse(name string, data []byte, named bool) (*RuleSet, check.List) {
	data = trimBOM(data)
	var f file
	if diags := DecodeTOML(name, data, &f); len(diags) > 0 {
		return nil, diags
	}
	rs := f.RuleSet
	rs.File = name
	rs.Effective = f.EffectiveDate.String()
	rs.Adoption = f.Adoption.Adoption
	rs.Adoption.Date = f.Adoption.Date.String()
	for i := range rs.Items {
		if rs.Items[i].CapPeriod == "" {
			rs.Items[i].CapPeriod = PerMonth
		}
	}
	lines := newLines(data)
	rs.effectiveLine = lines.of("effective", "")
	diags := lint(&rs, f, lines, named)
	rs.categories, rs.items, rs.vetoes = indexByID(rs.Categories, Category.id), indexByID(rs.Items, Item.id), indexByID(rs.Vetoes, Veto.id)
	return &rs, diags
}

// indexByID maps the ids of list to their places; of a repeated id, the first place.
func indexByID[T any](list []T, id func(T) string) map[string]int {
	m := make(map[string]int, len(list))
	for i, x := range list {
		if _, seen := m[id(x)]; !seen {
			m[id(x)] = i
		}
	}
	return m
}

func (c Category) id() string { return c.ID }
func (it Item) id() string    { return it.ID }
func (v Veto) id() string     { return v.ID }

func idOK(s string) bool {
	if s == "" || len(s) > 16 {
		return false
	}
	for _, r := range s {
		if !(r == '-' || '0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') {
			return false
		}
	}
	return true
}

func abs(n int) int { return max(n, -n) }

// find returns a pointer to the element of list with the id: through the index that Parse
// built, or by a search when the rule set was made otherwise (in tests).
func find[T any](list []T, index map[string]int, id string, idOf func(*T) string) *T {
	if index != nil {
		if i, ok := index[id]; ok {
			return &list[i]
		}
		return nil
	}
	for i := range list {
		if idOf(&list[i]) == id {
			return &list[i]
		}
	}
	return nil
}

// IDs are the codes a sheet's 事项 may take: the items' codes, then the vetoes'.
func (rs *RuleSet) IDs() []string {
	ids := make([]string, 0, len(rs.Items)+len(rs.Vetoes))
	for _, it := range rs.Items {
		ids = append(ids, it.ID)
	}
	for _, v := range rs.Vetoes {
		ids = append(ids, v.ID)
	}
	return ids
}

// Item returns the item with the id, or nil.
func (rs *RuleSet) Item(id string) *Item {
	return find(rs.Items, rs.items, id, func(it *Item) string { return it.ID })
}

// Veto returns the veto with the id, or nil.
func (rs *RuleSet) Veto(id string) *Veto {
	return find(rs.Vetoes, rs.vetoes, id, func(v *Veto) string { return v.ID })
}

// Category returns the category with the id, or nil.
func (rs *RuleSet) Category(id string) *Category {
	return find(rs.Categories, rs.categories, id, func(c *Category) string { return c.ID })
}

// Versions are a town's rule sets, ordered by effective date.
type Versions []*RuleSet

// Sort orders the versions by effective date, and versions of the same date by file.
func (vs Versions) Sort() {
	slices.SortFunc(vs, func(a, b *RuleSet) int {
		return cmp.Or(strings.Compare(a.Effective, b.Effective), strings.Compare(a.File, b.File))
	})
}

// InForce returns the version in force in month (YYYY-MM): the latest that took effect on or
// before the month's first day. It returns nil when none did.
func (vs Versions) InForce(month string) *RuleSet { return vs.InForceOn(month + "-01") }

// InForceOn returns the version in force on day (YYYY-MM-DD): the latest that took effect on
// or before it. It returns nil when none did.
func (vs Versions) InForceOn(day string) *RuleSet {
	var in *RuleSet
	for _, rs := range vs {
		if rs.Effective <= day {
			in = rs
		}
	}
	return in
}

// Lint checks the versions together (sorted by effective date): no two may take effect on the
// same day, and every version must be in force in some month, so no two may first govern the
// same month. Of versions of the same day, the first by file is kept and the others reported;
// the kept one alone is compared with the next day's. The problems are sorted.
func (vs Versions) Lint() check.List {
	var diags check.List
	for i := 0; i < len(vs); {
		j := i + 1
		for j < len(vs) && vs[j].Effective == vs[i].Effective {
			j++
		}
		kept := slices.MinFunc(vs[i:j], func(a, b *RuleSet) int { return strings.Compare(a.File, b.File) })
		for _, rs := range vs[i:j] {
			if rs != kept {
				diags.Add(check.Diagnostic{Code: check.DuplicateID, File: rs.File, Line: rs.effectiveLine, Column: "effective",
					Value: rs.Effective, Args: []string{kept.File}, Reason: &reasonSameDay})
			}
		}
		if j < len(vs) && FirstMonth(kept.Effective) == FirstMonth(vs[j].Effective) {
			diags.Add(check.Diagnostic{Code: check.RulesShadowed, File: kept.File, Line: kept.effectiveLine, Column: "effective",
				Value: kept.Effective, Args: []string{vs[j].Effective}})
		}
		i = j
	}
	diags.Sort()
	return diags
}

// reasonSameDay is why a version's effective date is a duplicate (E106): %[3]s is the file of
// the version kept.
var reasonSameDay = check.Text{Zh: "%[3]s 也在这一天生效，同一天只能有一版细则生效", En: "%[3]s takes effect on the same day, and only one version may take effect on a day"}

// FirstMonth is the first month (YYYY-MM) that a version taking effect on day (YYYY-MM-DD)
// governs: its own month when it takes effect on the 1st, else the next.
func FirstMonth(day string) string {
	if len(day) != 10 || strings.HasSuffix(day, "-01") {
		return day[:min(7, len(day))]
	}
	y, _ := strconv.Atoi(day[:4])
	m, _ := strconv.Atoi(day[5:7])
	if m == 12 {
		return fmt.Sprintf("%04d-01", y+1)
	}
	return fmt.Sprintf("%04d-%02d", y, m+1)
}
