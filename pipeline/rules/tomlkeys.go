package rules

import (
	"reflect"
	"strings"
)

// The keys a TOML file may write, read from the struct it decodes into, as go-toml reads them:
// a field's toml tag, or its name in any case; an embedded struct's keys, unless a field of the
// outer struct has the same key.

// typeAt is the type of the field that the key path decodes into, from the type t of the
// target; nil when there is none.
func typeAt(t reflect.Type, path []string) reflect.Type {
	for _, name := range path {
		t = table(t)
		if t == nil {
			return nil
		}
		t = fieldType(t, name)
	}
	return t
}

// table is the struct that t holds a table in, through pointers and arrays of tables; nil if
// it holds none.
func table(t reflect.Type) reflect.Type {
	for t != nil && (t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	return t
}

// fieldType is the type of the field of struct t with the key name, or nil.
func fieldType(t reflect.Type, name string) reflect.Type {
	var embedded []reflect.Type
	for i := range t.NumField() {
		f := t.Field(i)
		key := tomlKey(f)
		switch {
		case key == "" && f.Anonymous:
			embedded = append(embedded, f.Type)
		case key == name || key != "" && f.Tag.Get("toml") == "" && strings.EqualFold(key, name):
			return f.Type
		}
	}
	for _, e := range embedded {
		if e = table(e); e != nil {
			if ft := fieldType(e, name); ft != nil {
				return ft
			}
		}
	}
	return nil
}

// tomlKey is the key of a field: its toml tag, or its name; "" for a field TOML does not see and
// for an embedded struct without a tag.
func tomlKey(f reflect.StructField) string {
	tag, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
	switch {
	case tag == "-" || !f.IsExported() && !f.Anonymous:
		return ""
	case tag != "":
		return tag
	case f.Anonymous:
		return ""
	}
	return f.Name
}

// keys lists the keys of the table that t holds, or nil.
func keys(t reflect.Type) []string {
	if t = table(t); t == nil {
		return nil
	}
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		if key := tomlKey(f); key != "" {
			out = append(out, key)
		} else if f.Anonymous {
			out = append(out, keys(f.Type)...)
		}
	}
	return out
}

// nearest is the key of keys that word was probably meant to be: the same but for case, - and
// _, or a letter or two; "" when none is near.
func nearest(word string, keys []string) string {
	norm := func(s string) string { return strings.ReplaceAll(strings.ToLower(s), "-", "_") }
	best, bestD := "", 0
	for _, k := range keys {
		limit := max(len(k)/3, 1)
		if len(word) > len(k)+limit || len(word) < len(k)-limit {
			continue // too long or short to be near
		}
		d := distance(norm(word), norm(k))
		if d <= limit && (best == "" || d < bestD) {
			best, bestD = k, d
		}
	}
	return best
}

// distance is the edit distance between a and b in runes, a swap of two neighbours counting as
// one edit.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
