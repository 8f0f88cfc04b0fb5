package sheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"
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

// Columns maps each column key of a file kind to its header as one file wrote it, or to the
// column's Chinese name when the file has no such column. Diagnostics name columns by it.
type Columns map[string]string

// A table is a decoded CSV file whose header has been matched against the columns of its kind,
// with its rows read.
type table struct {
	name    string
	columns []column
	header  Columns
	rows    [][]string // each row in the order of columns, values trimmed
	lines   []int      // the 1-based line of each row
}

// decode turns the bytes of a file into UTF-8 text. UTF-8 (with or without a byte order mark)
// and GB18030 are accepted; anything else is reported with the offset of the first bad byte.
func decode(name string, data []byte, diags *check.List) ([]byte, bool) {
	bad := func(off int) ([]byte, bool) {
		line := bytes.Count(data[:off], []byte{'\n'}) + 1
		diags.Add(check.Diagnostic{Code: check.BadEncoding, File: name, Line: line, Detail: strconv.Itoa(off), Args: []string{strconv.Itoa(off + 1)}})
		return nil, false
	}
	if b, ok := bytes.CutPrefix(data, []byte("\xEF\xBB\xBF")); ok {
		if !utf8.Valid(b) {
			return bad(invalidUTF8(b) + 3)
		}
		return b, true
	}
	if utf8.Valid(data) {
		return data, true
	}
	off := invalidUTF8(data)
	// Text that was UTF-8 Chinese up to a broken byte is broken UTF-8, not GB18030.
	if hasMultibyteUTF8(data[:off]) {
		return bad(off)
	}
	if off := invalidGB18030(data); off >= 0 {
		return bad(off)
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil {
		return bad(0)
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
	t := &table{name: name, columns: columns}
	header, ok := scan(name, data, columns, diags, func(_ Columns, cells []string, line int) {
		t.rows = append(t.rows, slices.Clone(cells))
		t.lines = append(t.lines, line)
	})
	if !ok {
		return nil
	}
	t.header = header
	return t
}

// scan decodes a CSV file of the given columns, matches its header, and calls row with the
// trimmed cells of every non-blank row after it, in the order of columns, and the row's line.
// The cells are reused from row to row. Problems go to diags; ok is false when the file cannot
// be read at all.
func scan(name string, data []byte, columns []column, diags *check.List, row func(header Columns, cells []string, line int)) (header Columns, ok bool) {
	text, ok := decode(name, data, diags)
	if !ok {
		return nil, false
	}
	r := csv.NewReader(bytes.NewReader(text))
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	var index []int // file column → columns index, -1 for none
	cells := make([]string, len(columns))
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			line, detail := 0, err.Error()
			if errors.As(err, &pe) {
				// A quote left open runs to the end of the file: the row it opened is what to fix.
				line, detail = pe.StartLine, pe.Err.Error()
				switch pe.Err {
				case csv.ErrBareQuote:
					detail = `单元格中间有双引号 "：整个单元格要用双引号括起来，里面的双引号写两遍 / a bare " in a cell: quote the whole cell and double the quotes inside`
				case csv.ErrQuote:
					detail = `双引号没有配对 / a quote is not closed`
				}
				if pe.Line != pe.StartLine {
					detail += fmt.Sprintf("（第 %d 行开始的引号读到第 %d 行还没有结束 / the quote opened on line %d is still open on line %d）", pe.StartLine, pe.Line, pe.StartLine, pe.Line)
				}
			}
			diags.Add(check.Diagnostic{Code: check.BadCSV, File: name, Line: line, Detail: detail})
			return nil, false
		}
		line, _ := r.FieldPos(0)
		if blank(rec) {
			continue
		}
		if index == nil {
			header, index = matchHeader(name, columns, rec, line, diags)
			if index == nil {
				return nil, false
			}
			continue
		}
		clear(cells)
		for i, v := range rec {
			v = trim(v)
			switch {
			case v == "":
			case i < len(index) && index[i] >= 0:
				cells[index[i]] = v
			case i < len(index):
				diags.Add(check.Diagnostic{Code: check.BadCSV, File: name, Line: line,
					Detail: fmt.Sprintf("第 %d 列有值，但这一列没有表头 / column %d has a value but no header", i+1, i+1)})
			default:
				diags.Add(check.Diagnostic{Code: check.BadCSV, File: name, Line: line,
					Detail: fmt.Sprintf("第 %d 列有值，但表头只有 %d 列 / column %d has a value but the header has %d columns", i+1, len(index), i+1, len(index))})
			}
		}
		row(header, cells, line)
	}
	if index == nil {
		diags.Add(check.Diagnostic{Code: check.EmptySheet, File: name})
		return nil, false
	}
	return header, true
}

// matchHeader maps the header row onto the columns. It returns nil when a required column is
// missing or a column is unknown or doubled.
func matchHeader(name string, columns []column, rec []string, line int, diags *check.List) (Columns, []int) {
	header := Columns{}
	index := make([]int, len(rec))
	bad := false
	for i, h := range rec {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF"))
		index[i] = -1
		for j, c := range columns {
			if h == c.zh || strings.EqualFold(h, c.key) {
				index[i] = j
			}
		}
		switch {
		case index[i] < 0 && h == "":
			// An empty header over an empty column is what spreadsheets leave behind.
		case index[i] < 0:
			diags.Add(check.Diagnostic{Code: check.UnknownColumn, File: name, Line: line, Value: h, Detail: known(columns)})
			bad = true
		case header[columns[index[i]].key] != "":
			diags.Add(check.Diagnostic{Code: check.DuplicateColumn, File: name, Line: line, Column: h})
			bad = true
		default:
			header[columns[index[i]].key] = h
		}
	}
	for _, c := range columns {
		if header[c.key] != "" {
			continue
		}
		if c.required {
			diags.Add(check.Diagnostic{Code: check.MissingColumn, File: name, Line: line, Column: c.zh + " (" + c.key + ")"})
			bad = true
		}
		header[c.key] = c.zh
	}
	if bad {
		return nil, nil
	}
	return header, index
}

func known(columns []column) string {
	var names []string
	for _, c := range columns {
		names = append(names, c.zh+"/"+c.key)
	}
	return strings.Join(names, "、")
}

func blank(rec []string) bool {
	for _, v := range rec {
		if trim(v) != "" {
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

// trim is strings.TrimSpace, quicker on cells that begin and end with a character that is not
// a space, as most do.
func trim(s string) string {
	if s == "" {
		return s
	}
	if b := s[0]; b <= ' ' || b >= utf8.RuneSelf {
		if r, _ := utf8.DecodeRuneInString(s); unicode.IsSpace(r) {
			return strings.TrimSpace(s)
		}
	}
	if b := s[len(s)-1]; b <= ' ' || b >= utf8.RuneSelf {
		if r, _ := utf8.DecodeLastRuneInString(s); unicode.IsSpace(r) {
			return strings.TrimSpace(s)
		}
	}
	return s
}
