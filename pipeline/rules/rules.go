// Package rules owns the rule set a town adopts: categories, items, vetoes, caps, honours and
// supermarket parameters, loaded from rules/<effective-date>.toml. Nothing of a particular rule
// set is written here; it is all data.
package rules

import (
	"bytes"
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

// Parse reads a rule set from rules/<YYYY-MM-DD>.toml.
func Parse(name string, data []byte) (*RuleSet, check.List) {
	var diags check.List
	add := func(code check.Code, key, value, detail string) {
		diags.Add(check.Diagnostic{Code: code, File: name, Column: key, Value: value, Detail: detail})
	}
	base := strings.TrimSuffix(path.Base(name), ".toml")
	var f file
	if diags = DecodeTOML(name, data, &f); len(diags) > 0 {
		return nil, diags
	}
	rs := f.RuleSet
	rs.File = name
	rs.Effective = f.EffectiveDate.String()
	rs.Adoption = f.Adoption.Adoption
	rs.Adoption.Date = f.Adoption.Date.String()
	if rs.Effective != base {
		add(check.BadFileName, "effective", base, "文件名要和 effective 的日期一致 / the file name must be the effective date "+rs.Effective)
	}
	if rs.Title == "" {
		add(check.MissingValue, "title", "", "")
	}
	if rs.Adoption.Body == "" {
		add(check.MissingValue, "adoption.body", "", "")
	}
	if f.Adoption.Date.Year == 0 {
		add(check.MissingValue, "adoption.date", "", "")
	}
	if rs.MonthlyCap <= 0 {
		add(check.BadValue, "monthly_cap", strconv.Itoa(rs.MonthlyCap), "要大于 0 / must be more than 0")
	}
	ids := map[string]bool{}
	unique := func(key, id string) {
		if !idOK(id) {
			add(check.BadID, key, id, "letters, digits and - only")
		}
		if ids[id] {
			add(check.DuplicateID, key, id, "")
		}
		ids[id] = true
	}
	cats := map[string]bool{}
	for _, c := range rs.Categories {
		unique("categories.id", c.ID)
		cats[c.ID] = true
		if c.Weight <= 0 {
			add(check.BadValue, "categories.weight", strconv.Itoa(c.Weight), c.ID+": 要大于 0 / must be more than 0")
		}
	}
	for i := range rs.Items {
		it := &rs.Items[i]
		unique("items.id", it.ID)
		if !cats[it.Category] {
			add(check.BadValue, "items.category", it.Category, it.ID+": 类别不存在 / no such category")
		}
		if it.CapPeriod == "" {
			it.CapPeriod = "month"
		}
		if it.CapPeriod != "month" && it.CapPeriod != "year" {
			add(check.BadValue, "items.cap_period", it.CapPeriod, it.ID+": month 或 year")
		}
		if (it.Points == 0) == (len(it.Levels) == 0) {
			add(check.BadValue, "items.points", strconv.Itoa(it.Points), it.ID+": 要写 points 或 levels 之一 / give points or levels, not both")
			continue
		}
		for _, p := range it.Allowed() {
			if p == 0 || (p < 0) != it.Deduction() || abs(p) > abs(it.Cap) || (p < 0) != (it.Cap < 0) {
				add(check.BadValue, "items.cap", strconv.Itoa(it.Cap), fmt.Sprintf("%s: 上限和分值 %d 矛盾 / cap contradicts points %d", it.ID, p, p))
			}
		}
		if it.Publish != "Y" && it.Publish != "C" && it.Publish != "N" {
			add(check.BadValue, "items.publish", it.Publish, it.ID+": Y、C 或 N")
		}
	}
	for _, v := range rs.Vetoes {
		unique("vetoes.id", v.ID)
		if v.Effect != "E1" && v.Effect != "E2" {
			add(check.BadValue, "vetoes.effect", v.Effect, v.ID+": E1 或 E2")
		}
	}
	if rs.Market.Points <= 0 || rs.Market.Yuan <= 0 {
		add(check.BadValue, "supermarket.points", strconv.Itoa(rs.Market.Points), "兑换比例要大于 0 / the rate must be positive")
	}
	if rs.Market.Expiry != "year-end" && rs.Market.Expiry != "never" {
		add(check.BadValue, "supermarket.expiry", rs.Market.Expiry, "year-end 或 never")
	}
	if len(diags) > 0 {
		return nil, diags
	}
	return &rs, nil
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

// Item returns the item with the id, or nil.
func (rs *RuleSet) Item(id string) *Item {
	for i := range rs.Items {
		if rs.Items[i].ID == id {
			return &rs.Items[i]
		}
	}
	return nil
}

// Veto returns the veto with the id, or nil.
func (rs *RuleSet) Veto(id string) *Veto {
	for i := range rs.Vetoes {
		if rs.Vetoes[i].ID == id {
			return &rs.Vetoes[i]
		}
	}
	return nil
}

// Category returns the category with the id, or nil.
func (rs *RuleSet) Category(id string) *Category {
	for i := range rs.Categories {
		if rs.Categories[i].ID == id {
			return &rs.Categories[i]
		}
	}
	return nil
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
