package rules

import (
	"bytes"
	"cmp"
	"strconv"
	"strings"
)

// bom is the byte order mark some editors put at the start of a UTF-8 file.
var bom = []byte("\ufeff")

// trimBOM drops a byte order mark from the start of a file: Notepad and WPS write one, and a
// TOML file is read as a CSV sheet is, with or without it.
func trimBOM(data []byte) []byte { return bytes.TrimPrefix(data, bom) }

// lines finds the line of a key in a TOML file: of a key of a table, or of a key of an entry of
// an array of tables by the entry's number.
type lines map[string]int // "adoption", "adoption.date", "items#2" and "items#2.cap" → line

func newLines(data []byte) lines {
	ls := lines{}
	table, entries := "", map[string]int{}
	for n, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "[") {
			table = strings.Trim(line, "[] ")
			if strings.HasPrefix(line, "[[") {
				entries[table]++
				ls[table+"#"+strconv.Itoa(entries[table]-1)] = n + 1
			} else {
				ls[table] = n + 1
			}
			continue
		}
		key, _, ok := strings.Cut(line, "=")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		key = strings.TrimSpace(key)
		full := strings.TrimPrefix(table+"."+key, ".")
		if _, seen := ls[full]; !seen {
			ls[full] = n + 1
		}
		if e := entries[table]; e > 0 {
			ls[table+"#"+strconv.Itoa(e-1)+"."+key] = n + 1
		}
	}
	return ls
}

// at names the entry numbered i of an array of tables, for of and has.
func at(i int) string { return "#" + strconv.Itoa(i) }

// of is the line of key ("items.cap"): of the table's key when entry is "", else in the entry
// (at(2)); when the table or the entry lacks the key, of the entry's id or of the [table] or
// [[table]] line. It is 0 when not found.
func (ls lines) of(key, entry string) int {
	i := strings.LastIndex(key, ".")
	switch {
	case i < 0:
		return ls[key]
	case entry == "":
		return cmp.Or(ls[key], ls[key[:i]])
	}
	e := key[:i] + entry
	return cmp.Or(ls[e+key[i:]], ls[e+".id"], ls[e])
}

// has reports whether the file writes key, of the table or of the entry (as for of).
func (ls lines) has(key, entry string) bool {
	if i := strings.LastIndex(key, "."); entry != "" && i >= 0 {
		key = key[:i] + entry + key[i:]
	}
	_, ok := ls[key]
	return ok
}

// hasTable reports whether the file writes the table name: its [name] line, or a key of it.
func (ls lines) hasTable(name string) bool {
	for k := range ls {
		if k == name || strings.HasPrefix(k, name+".") || strings.HasPrefix(k, name+"#") {
			return true
		}
	}
	return false
}
