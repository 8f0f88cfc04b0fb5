package sheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gocarina/gocsv"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/jifen-project/jifen/pipeline/check"
)

// A column is one column a file kind accepts: its English key (the gocsv tag), its Chinese
// header, and whether it must be present.
type column struct {
	key, zh  string
	required bool
}

// A table is a decoded CSV file whose header has been matched against the columns of its kind.
type table struct {
	name    string
	columns []column
	header  map[string]string // key → header as written in the file
	rows    [][]string        // each row in the order of columns, values trimmed
	lines   []int             // the 1-based line of each row
}

// decode turns the bytes of a file into UTF-8 text. UTF-8 (with or without a byte order mark)
// and GB18030 are accepted; anything else is reported with the offset of the first bad byte.
func decode(name string, data []byte, diags *check.List) ([]byte, bool) {
	if b, ok := bytes.CutPrefix(data, []byte("\xEF\xBB\xBF")); ok {
		if off := invalidUTF8(b); off >= 0 {
			diags.Add(check.Diagnostic{Code: check.BadEncoding, File: name, Detail: strconv.Itoa(off + 3)})
			return nil, false
		}
		return b, true
	}
	off := invalidUTF8(data)
	if off < 0 {
		return data, true
	}
	// Text that was UTF-8 Chinese up to a broken byte is broken UTF-8, not GB18030.
	if hasMultibyteUTF8(data[:off]) {
		diags.Add(check.Diagnostic{Code: check.BadEncoding, File: name, Detail: strconv.Itoa(off)})
		return nil, false
	}
	if off := invalidGB18030(data); off >= 0 {
		diags.Add(check.Diagnostic{Code: check.BadEncoding, File: name, Detail: strconv.Itoa(off)})
		return nil, false
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil {
		diags.Add(check.Diagnostic{Code: check.BadEncoding, File: name, Detail: "0"})
		return nil, false
	}
	return out, true
}

// invalidUTF8 is the offset of the first byte that is not valid UTF-8, or -1.
func invalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return -1
}

func hasMultibyteUTF8(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return true
		}
	}
	return false
}

// invalidGB18030 is the offset of the first byte sequence that GB18030 does not allow, or -1.
// It checks only the byte structure (one, two or four bytes); the decoder maps the characters.
func invalidGB18030(b []byte) int {
	in := func(c, lo, hi byte) bool { return lo <= c && c <= hi }
	for i := 0; i < len(b); {
		switch c := b[i]; {
		case c < 0x80:
			i++
		case in(c, 0x81, 0xFE) && i+1 < len(b) && (in(b[i+1], 0x40, 0x7E) || in(b[i+1], 0x80, 0xFE)):
			i += 2
		case in(c, 0x81, 0xFE) && i+3 < len(b) && in(b[i+1], 0x30, 0x39) && in(b[i+2], 0x81, 0xFE) && in(b[i+3], 0x30, 0x39):
			i += 4
		default:
			return i
		}
	}
	return -1
}

// readTable decodes and reads a CSV file of the given columns. Problems go to diags; the table
// is nil when the file cannot be read at all.
func readTable(name string, data []byte, columns []column, diags *check.List) *table {
	text, ok := decode(name, data, diags)
	if !ok {
		return nil
	}
	r := csv.NewReader(bytes.NewReader(text))
	r.FieldsPerRecord = -1
	t := &table{name: name, columns: columns, header: map[string]string{}}
	var index []int // file column → columns index, -1 for unknown
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			line := 0
			if errors.As(err, &pe) {
				line = pe.Line
				err = pe.Err
			}
			diags.Add(check.Diagnostic{Code: check.BadCSV, File: name, Line: line, Detail: err.Error()})
			return nil
		}
		line, _ := r.FieldPos(0)
		if blank(rec) {
			continue
		}
		if index == nil {
			index = t.matchHeader(rec, line, diags)
			if index == nil {
				return nil
			}
			continue
		}
		row := make([]string, len(columns))
		for i, v := range rec {
			v = strings.TrimSpace(v)
			switch {
			case i < len(index) && index[i] >= 0:
				row[index[i]] = v
			case v != "":
				diags.Add(check.Diagnostic{Code: check.BadCSV, File: name, Line: line, Value: v,
					Detail: "more cells than the header has columns / 单元格比表头多"})
			}
		}
		t.rows = append(t.rows, row)
		t.lines = append(t.lines, line)
	}
	if index == nil {
		diags.Add(check.Diagnostic{Code: check.EmptySheet, File: name})
		return nil
	}
	return t
}

// matchHeader maps the header row onto the columns. It returns nil when a required column is
// missing or a column is unknown or doubled.
func (t *table) matchHeader(rec []string, line int, diags *check.List) []int {
	index := make([]int, len(rec))
	bad := false
	for i, h := range rec {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF"))
		index[i] = -1
		for j, c := range t.columns {
			if h == c.zh || strings.EqualFold(h, c.key) {
				index[i] = j
			}
		}
		switch {
		case index[i] < 0 && h == "":
			// An empty header over an empty column is what spreadsheets leave behind.
		case index[i] < 0:
			diags.Add(check.Diagnostic{Code: check.UnknownColumn, File: t.name, Line: line, Value: h, Detail: t.known()})
			bad = true
		case t.header[t.columns[index[i]].key] != "":
			diags.Add(check.Diagnostic{Code: check.DuplicateColumn, File: t.name, Line: line, Column: h})
			bad = true
		default:
			t.header[t.columns[index[i]].key] = h
		}
	}
	for _, c := range t.columns {
		if c.required && t.header[c.key] == "" {
			diags.Add(check.Diagnostic{Code: check.MissingColumn, File: t.name, Line: line, Column: c.zh + " (" + c.key + ")"})
			bad = true
		}
	}
	if bad {
		return nil
	}
	return index
}

func (t *table) known() string {
	var names []string
	for _, c := range t.columns {
		names = append(names, c.zh+"/"+c.key)
	}
	return strings.Join(names, "、")
}

func blank(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// unmarshal fills out, a pointer to a slice of structs tagged with the column keys, with gocsv.
func (t *table) unmarshal(out any) error {
	header := make([]string, len(t.columns))
	for i, c := range t.columns {
		header[i] = c.key
	}
	return gocsv.UnmarshalCSV(&rowsReader{rows: append([][]string{header}, t.rows...)}, out)
}

// col is the header of a column as the file wrote it, or its Chinese name.
func (t *table) col(key string) string {
	if h := t.header[key]; h != "" {
		return h
	}
	for _, c := range t.columns {
		if c.key == key {
			return c.zh
		}
	}
	return key
}

// rowsReader serves already read rows to gocsv.
type rowsReader struct {
	rows [][]string
	next int
}

func (r *rowsReader) Read() ([]string, error) {
	if r.next >= len(r.rows) {
		return nil, io.EOF
	}
	r.next++
	return r.rows[r.next-1], nil
}

func (r *rowsReader) ReadAll() ([][]string, error) {
	rows := r.rows[r.next:]
	r.next = len(r.rows)
	return rows, nil
}
