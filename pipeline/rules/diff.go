package rules

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// A ChangeKind says how an entry changed between two versions of a rule set.
type ChangeKind string

// The kinds of change.
const (
	Added   ChangeKind = "added"
	Removed ChangeKind = "removed"
	Changed ChangeKind = "changed" // one key of the entry
)

// A Change is one difference between two versions of a rule set. Text says it as a sentence.
type Change struct {
	Kind  ChangeKind
	Table string // "" for the top level, or a TOML table: "adoption", "items", "honours.stars", ...
	ID    string // the entry's id in an array of tables (for honours.stars, its number of stars)
	Name  string // the entry's name, if it has one: in the new version, or the old for a removed entry
	Key   string // the key that changed; "" for an added or removed entry
	Old   string // the key's old value, as TOML writes it; an item's levels are its points
	New   string // the key's new value

	fields []field // of an added entry, its keys that are set (but its id and name)
}

// A field is a key of an entry with its value, as TOML writes it.
type field struct{ key, value string }

// Diff lists what changed from old to new, entry by entry and key by key, in the order of the
// TOML file: the top level, adoption, categories, items, vetoes, honours and supermarket.
// Entries of arrays of tables are matched by id.
func Diff(old, new *RuleSet) []Change {
	var out []Change
	before, after := entries(old), entries(new)
	for _, a := range after {
		i := slices.IndexFunc(before, func(b entry) bool { return b.table == a.table && b.id == a.id })
		if i < 0 {
			out = append(out, Change{Kind: Added, Table: a.table, ID: a.id, Name: a.values["name"], fields: a.set()})
			continue
		}
		b := before[i]
		for _, k := range a.keys {
			if ov, nv := b.values[k], a.values[k]; ov != nv {
				out = append(out, Change{Kind: Changed, Table: a.table, ID: a.id, Name: a.values["name"], Key: k, Old: ov, New: nv})
			}
		}
	}
	for _, b := range before {
		if !slices.ContainsFunc(after, func(a entry) bool { return a.table == b.table && a.id == b.id }) {
			out = append(out, Change{Kind: Removed, Table: b.table, ID: b.id, Name: b.values["name"]})
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

// set lists the entry's keys that are set, but its name.
func (e entry) set() []field {
	var out []field
	for _, k := range e.keys {
		if v := e.values[k]; k != "name" && v != "" && v != "0" && v != "[]" && v != "false" {
			out = append(out, field{k, v})
		}
	}
	return out
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
		// An item's points are its one value or its levels: a change from one to the other is
		// a change of its points.
		e := values("items", it.ID, it)
		if len(it.Levels) > 0 {
			e.values["points"] = e.values["levels"]
		}
		e.keys = slices.DeleteFunc(e.keys, func(k string) bool { return k == "levels" })
		out = append(out, e)
	}
	for _, v := range rs.Vetoes {
		out = append(out, values("vetoes", v.ID, v))
	}
	for _, st := range rs.Honours.Stars {
		e := values("honours.stars", strconv.Itoa(st.Stars), st) // its number of stars is its id
		e.keys = slices.DeleteFunc(e.keys, func(k string) bool { return k == "stars" })
		out = append(out, e)
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
