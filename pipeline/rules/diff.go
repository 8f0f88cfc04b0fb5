package rules

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// A Change is one difference between two versions of a rule set.
type Change struct {
	Kind  string // "added", "removed" or "changed"
	Table string // "" for the top level, or a TOML table: "adoption", "items", "honours.stars", ...
	ID    string // the entry's id in an array of tables (for honours.stars, its number of stars)
	Key   string // the key that changed; "" for an added or removed entry
	Old   string // the old value; for a removed entry, all its keys
	New   string // the new value; for an added entry, all its keys
}

// Diff lists what changed from old to new, entry by entry and key by key, in the order of the
// TOML file: the top level, adoption, categories, items, vetoes, honours and supermarket.
// Entries of arrays of tables are matched by id.
func Diff(old, new *RuleSet) []Change {
	var out []Change
	before, after := entries(old), entries(new)
	for _, a := range after {
		i := slices.IndexFunc(before, func(b entry) bool { return b.table == a.table && b.id == a.id })
		if i < 0 {
			out = append(out, Change{Kind: "added", Table: a.table, ID: a.id, New: a.String()})
			continue
		}
		b := before[i]
		for _, k := range a.keys {
			if ov, nv := b.values[k], a.values[k]; ov != nv {
				out = append(out, Change{Kind: "changed", Table: a.table, ID: a.id, Key: k, Old: ov, New: nv})
			}
		}
	}
	for _, b := range before {
		if !slices.ContainsFunc(after, func(a entry) bool { return a.table == b.table && a.id == b.id }) {
			out = append(out, Change{Kind: "removed", Table: b.table, ID: b.id, Old: b.String()})
		}
	}
	order := []string{"", "adoption", "categories", "items", "vetoes", "honours.stars", "honours.monthly", "honours.model", "supermarket"}
	slices.SortStableFunc(out, func(x, y Change) int { return slices.Index(order, x.Table) - slices.Index(order, y.Table) })
	return out
}

// An entry is a table, or one entry of an array of tables, with its keys' values as text.
type entry struct {
	table, id string
	keys      []string // in the order of the struct
	values    map[string]string
}

// String lists the entry's keys that are set.
func (e entry) String() string {
	var parts []string
	for _, k := range e.keys {
		if v := e.values[k]; v != "" && v != "0" && v != "[]" && v != "false" {
			parts = append(parts, k+" = "+v)
		}
	}
	return strings.Join(parts, ", ")
}

func entries(rs *RuleSet) []entry {
	top := values("", "", *rs)
	top.add("effective", rs.Effective)
	top.keys = append(top.keys[len(top.keys)-1:], top.keys[:len(top.keys)-1]...) // effective first
	adoption := values("adoption", "", rs.Adoption)
	adoption.add("date", rs.Adoption.Date)
	out := []entry{top, adoption}
	for _, c := range rs.Categories {
		out = append(out, values("categories", c.ID, c))
	}
	for _, it := range rs.Items {
		out = append(out, values("items", it.ID, it))
	}
	for _, v := range rs.Vetoes {
		out = append(out, values("vetoes", v.ID, v))
	}
	for _, st := range rs.Honours.Stars {
		out = append(out, values("honours.stars", strconv.Itoa(st.Stars), st))
	}
	return append(out,
		values("honours.monthly", "", rs.Honours.Monthly),
		values("honours.model", "", rs.Honours.Model),
		values("supermarket", "", rs.Market))
}

// values reads the keys of a struct with toml tags that hold plain values (not tables, not the
// id), as text.
func values(table, id string, v any) entry {
	e := entry{table: table, id: id, values: map[string]string{}}
	rv := reflect.ValueOf(v)
	for i := 0; i < rv.NumField(); i++ {
		key, _, _ := strings.Cut(rv.Type().Field(i).Tag.Get("toml"), ",")
		f := rv.Field(i)
		switch {
		case key == "" || key == "-" || key == "id" || f.Kind() == reflect.Struct:
		case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.Int:
			var ns []string
			for j := 0; j < f.Len(); j++ {
				ns = append(ns, strconv.FormatInt(f.Index(j).Int(), 10))
			}
			e.add(key, "["+strings.Join(ns, ", ")+"]")
		case f.Kind() != reflect.Slice:
			e.add(key, fmt.Sprint(f.Interface()))
		}
	}
	return e
}

func (e *entry) add(key, value string) {
	e.keys = append(e.keys, key)
	e.values[key] = value
}
