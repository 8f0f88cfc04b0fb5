// Package rules owns the rule set a town adopts: categories, items, vetoes, caps, honours and
// supermarket parameters, loaded from rules/<effective-date>.toml. Nothing of a particular rule
// set is written here; it is all data.
package rules

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2"

	"github.com/jifen-project/jifen/pipeline/check"
)

// A RuleSet is one version of a town's rules.
type RuleSet struct {
	Title      string     `toml:"title"`
	Effective  string     `toml:"-"` // YYYY-MM-DD, from the file name
	Adoption   Adoption   `toml:"adoption"`
	MonthlyCap int        `toml:"monthly_cap"` // positive points per household per month
	Categories []Category `toml:"categories"`
	Items      []Item     `toml:"items"`
	Vetoes     []Veto     `toml:"vetoes"`
	Honours    Honours    `toml:"honours"`
	Market     Market     `toml:"supermarket"`

	File string `toml:"-"` // the file it came from

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
	ID        string `toml:"id"`
	Category  string `toml:"category"`
	Name      string `toml:"name"`
	Points    int    `toml:"points"`
	Levels    []int  `toml:"levels"`
	Cap       int    `toml:"cap"`
	CapPeriod string `toml:"cap_period"` // "month" or "year"
	Evidence  bool   `toml:"evidence"`
	Publish   string `toml:"publish"` // Y full note, C category only, N nothing
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
	Effect string `toml:"effect"` // E1, or E2 which also freezes the redeemable balance
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
	Expiry string `toml:"expiry"` // "year-end" or "never"
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
func Parse(name string, data []byte) (*RuleSet, check.List) { return parse(name, data, true) }

// Read reads and checks a rule set from a file of any name, such as an old version saved for
// comparison: as Parse, but the file name need not be the effective date.
func Read(name string, data []byte) (*RuleSet, check.List) { return parse(name, data, false) }

func parse(name string, data []byte, named bool) (*RuleSet, check.List) {
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
			rs.Items[i].CapPeriod = "month"
		}
	}
	diags := lint(&rs, f, newLines(data), named)
	if len(diags) > 0 {
		return nil, diags
	}
	rs.categories, rs.items, rs.vetoes = map[string]int{}, map[string]int{}, map[string]int{}
	for i, c := range rs.Categories {
		rs.categories[c.ID] = i
	}
	for i, it := range rs.Items {
		rs.items[it.ID] = i
	}
	for i, v := range rs.Vetoes {
		rs.vetoes[v.ID] = i
	}
	return &rs, nil
}

// lint checks a decoded rule set.
func lint(rs *RuleSet, f file, lines lines, named bool) check.List {
	var diags check.List
	// add reports a problem with key; at is the id of the entry it is about, or "".
	add := func(code check.Code, key, at, value, detail string) {
		diags.Add(check.Diagnostic{Code: code, File: rs.File, Line: lines.of(key, at), Column: key, Value: value, Detail: detail})
	}
	bad := func(key, at, value, zh, en string) {
		if at != "" && at[0] != '#' {
			zh, en = at+": "+zh, at+": "+en
		}
		add(check.BadValue, key, at, value, zh+" / "+en)
	}
	base := strings.TrimSuffix(path.Base(rs.File), ".toml")
	switch {
	case f.EffectiveDate.Year == 0:
		add(check.MissingValue, "effective", "", "", "")
	case named && rs.Effective != base:
		add(check.BadFileName, "effective", "", base, "文件名要和 effective 的日期一致 / the file name must be the effective date "+rs.Effective)
	}
	if rs.Title == "" {
		add(check.MissingValue, "title", "", "", "")
	}
	if rs.Adoption.Body == "" {
		add(check.MissingValue, "adoption.body", "", "", "")
	}
	switch {
	case f.Adoption.Date.Year == 0:
		add(check.MissingValue, "adoption.date", "", "", "")
	case f.EffectiveDate.Year != 0 && rs.Adoption.Date > rs.Effective:
		bad("adoption.date", "", rs.Adoption.Date, "通过日期晚于生效日期 "+rs.Effective, "adopted after it takes effect on "+rs.Effective)
	}
	if rs.MonthlyCap <= 0 {
		bad("monthly_cap", "", strconv.Itoa(rs.MonthlyCap), "要大于 0", "must be more than 0")
	}
	ids := map[string]bool{}
	unique := func(key, id string) {
		if !idOK(id) {
			add(check.BadID, key, id, id, "letters, digits and - only")
		}
		if ids[id] {
			add(check.DuplicateID, key, id, id, "")
		}
		ids[id] = true
	}
	weights := map[string]int{}
	yearly := 0 // the most positive points a household can earn in a year
	for _, c := range rs.Categories {
		unique("categories.id", c.ID)
		weights[c.ID] = c.Weight
		yearly += max(c.Weight, 0)
		if c.Weight <= 0 {
			bad("categories.weight", c.ID, strconv.Itoa(c.Weight), "要大于 0", "must be more than 0")
		}
	}
	yearly = min(yearly, 12*rs.MonthlyCap)
	for _, it := range rs.Items {
		unique("items.id", it.ID)
		weight, known := weights[it.Category]
		if !known {
			bad("items.category", it.ID, it.Category, "类别不存在", "no such category")
		}
		if it.CapPeriod != "month" && it.CapPeriod != "year" {
			bad("items.cap_period", it.ID, it.CapPeriod, "month 或 year", "month or year")
		}
		if it.Publish != "Y" && it.Publish != "C" && it.Publish != "N" {
			bad("items.publish", it.ID, it.Publish, "Y、C 或 N", "Y, C or N")
		}
		if (it.Points == 0) == (len(it.Levels) == 0) {
			bad("items.points", it.ID, strconv.Itoa(it.Points), "要写 points 或 levels 之一", "give points or levels, not both")
			continue
		}
		pointsKey := "items.points"
		if len(it.Levels) > 0 {
			pointsKey = "items.levels"
		}
		for _, p := range it.Allowed() {
			n := strconv.Itoa(p)
			switch {
			case p == 0 || (p < 0) != it.Deduction() || abs(p) > abs(it.Cap) || (p < 0) != (it.Cap < 0):
				bad("items.cap", it.ID, strconv.Itoa(it.Cap), "上限和分值 "+n+" 矛盾", "cap contradicts points "+n)
			case p > 0 && rs.MonthlyCap > 0 && p > rs.MonthlyCap:
				bad(pointsKey, it.ID, n, "超过每月总上限 monthly_cap", "more than the monthly cap")
			case p > 0 && known && weight > 0 && p > weight:
				bad(pointsKey, it.ID, n, "超过类别 "+it.Category+" 的权重", "more than the weight of category "+it.Category)
			}
		}
		if it.CapPeriod == "year" && it.Cap > 0 && known && weight > 0 && it.Cap > weight {
			bad("items.cap", it.ID, strconv.Itoa(it.Cap), "每年上限超过类别 "+it.Category+" 的权重", "the yearly cap is more than the weight of category "+it.Category)
		}
	}
	for _, v := range rs.Vetoes {
		unique("vetoes.id", v.ID)
		if v.Effect != "E1" && v.Effect != "E2" {
			bad("vetoes.effect", v.ID, v.Effect, "E1 或 E2", "E1 or E2")
		}
	}
	h := rs.Honours
	for i, st := range h.Stars {
		at := "#" + strconv.Itoa(i)
		switch {
		case st.Stars != i+1:
			bad("honours.stars.stars", at, strconv.Itoa(st.Stars), "星级要从 1 起依次排列", "star levels must run 1, 2, 3, ... in order")
		case i > 0 && st.MinPoints <= h.Stars[i-1].MinPoints:
			bad("honours.stars.min_points", at, strconv.Itoa(st.MinPoints), "要比低一星的高", "must be more than the level below")
		case st.MinPoints > yearly:
			bad("honours.stars.min_points", at, strconv.Itoa(st.MinPoints), fmt.Sprintf("一年最多只能得 %d 分（类别权重和每月上限）", yearly), fmt.Sprintf("a household can earn at most %d points a year (weights and monthly cap)", yearly))
		case st.MinCategories > len(rs.Categories) || st.MinCategories < 0:
			bad("honours.stars.min_categories", at, strconv.Itoa(st.MinCategories), fmt.Sprintf("只有 %d 个类别", len(rs.Categories)), fmt.Sprintf("there are %d categories", len(rs.Categories)))
		}
	}
	if _, ok := weights[h.Model.Category]; h.Model.Category != "" && !ok {
		bad("honours.model.category", "", h.Model.Category, "类别不存在", "no such category")
	}
	if h.Monthly.Top < 0 || h.Model.Top < 0 {
		bad("honours.monthly.top", "", strconv.Itoa(min(h.Monthly.Top, h.Model.Top)), "不能是负数", "must not be negative")
	}
	if rs.Market.Points <= 0 || rs.Market.Yuan <= 0 {
		bad("supermarket.points", "", strconv.Itoa(rs.Market.Points), "兑换比例要大于 0", "the rate must be positive")
	}
	if rs.Market.Expiry != "year-end" && rs.Market.Expiry != "never" {
		bad("supermarket.expiry", "", rs.Market.Expiry, "year-end 或 never", "year-end or never")
	}
	return diags
}

// lines finds the line of a key in a TOML file: of a key of a table, of an entry of an array
// of tables by its id, or by its number.
type lines struct {
	keys map[string]int   // "adoption.date" and "honours.stars#2.min_points" → line
	ids  map[string][]int // "items" + id → the numbers of the [[items]] entries with the id
}

func newLines(data []byte) lines {
	ls := lines{keys: map[string]int{}, ids: map[string][]int{}}
	table, entries := "", map[string]int{}
	for n, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "[") {
			table = strings.Trim(line, "[] ")
			if strings.HasPrefix(line, "[[") {
				entries[table]++
			}
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		key = strings.TrimSpace(key)
		full := strings.TrimPrefix(table+"."+key, ".")
		if _, seen := ls.keys[full]; !seen {
			ls.keys[full] = n + 1
		}
		if e := entries[table]; e > 0 {
			ls.keys[table+"#"+strconv.Itoa(e-1)+"."+key] = n + 1
		}
		if e := entries[table]; key == "id" && e > 0 {
			id := strings.Trim(strings.TrimSpace(value), `"'`)
			ls.ids[table+id] = append(ls.ids[table+id], e-1)
		}
	}
	return ls
}

// of is the line of key ("items.cap"): of the table's key when at is "", else in the entry
// numbered at ("#2") or with the id at (the last such entry, so that a duplicate is found where
// it repeats), or of the entry's id when the entry lacks the key. It is 0 when not found.
func (ls lines) of(key, at string) int {
	i := strings.LastIndex(key, ".")
	if at == "" || i < 0 {
		return ls.keys[key]
	}
	table, field := key[:i], key[i:]
	if at[0] != '#' {
		e := ls.ids[table+at]
		if len(e) == 0 {
			return 0
		}
		at = "#" + strconv.Itoa(e[len(e)-1])
	}
	return cmp.Or(ls.keys[table+at+field], ls.keys[table+at+".id"])
}

// DecodeTOML strictly decodes a TOML file into v: a syntax error or an unknown key is a
// diagnostic with its line.
func DecodeTOML(name string, data []byte, v any) check.List {
	err := toml.NewDecoder(bytes.NewReader(data)).DisallowUnknownFields().Decode(v)
	if err == nil {
		return nil
	}
	var diags check.List
	var de *toml.DecodeError
	var se *toml.StrictMissingError
	switch {
	case errors.As(err, &se):
		for _, e := range se.Errors {
			row, _ := e.Position()
			key := strings.Join(e.Key(), ".")
			diags.Add(check.Diagnostic{Code: check.BadTOML, File: name, Line: row, Column: key, Detail: "unknown key / 不认识的键 " + key})
		}
	case errors.As(err, &de):
		row, _ := de.Position()
		diags.Add(check.Diagnostic{Code: check.BadTOML, File: name, Line: row, Detail: de.Error()})
	default:
		diags.Add(check.Diagnostic{Code: check.BadTOML, File: name, Detail: err.Error()})
	}
	return diags
}

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

// Sort orders the versions by effective date.
func (vs Versions) Sort() {
	slices.SortFunc(vs, func(a, b *RuleSet) int { return strings.Compare(a.Effective, b.Effective) })
}

// InForce returns the version in force in month (YYYY-MM): the latest that took effect on or
// before the month's first day. It returns nil when none did.
func (vs Versions) InForce(month string) *RuleSet {
	var in *RuleSet
	for _, rs := range vs {
		if rs.Effective <= month+"-01" {
			in = rs
		}
	}
	return in
}

// Lint checks the versions together (sorted by effective date): every version must be in force
// in some month, so no two may first govern the same month.
func (vs Versions) Lint() check.List {
	var diags check.List
	for i := 0; i+1 < len(vs); i++ {
		if FirstMonth(vs[i].Effective) == FirstMonth(vs[i+1].Effective) {
			diags.Add(check.Diagnostic{Code: check.RulesShadowed, File: vs[i].File, Column: "effective", Value: vs[i].Effective, Args: []string{vs[i+1].Effective}})
		}
	}
	return diags
}

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
