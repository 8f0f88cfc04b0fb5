package sheet

import (
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gocarina/gocsv"

	"github.com/jifen-project/jifen/pipeline/check"
)

// A column is one column a file kind accepts: its English key (the gocsv tag), its Chinese
// header, whether it must be present, whether it holds words (in which a comma is a comma,
// not a separator), whether it is only for the eye (read by no one, so never checked), and
// other headers that cadres write for it.
type column struct {
	key, zh  string
	required bool
	text     bool
	unread   bool
	like     []string
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

// The causes of a BadCSV, and of an UnknownColumn that is a column of serial numbers.
var (
	reasonBareQuote = check.Text{
		Zh: `单元格中间有双引号 "：整个单元格要用双引号括起来，里面的双引号写两遍`,
		En: `a cell has a " inside it: put the whole cell between double quotes and write each " inside twice`,
	}
	reasonOpenQuote = check.Text{
		Zh: "第 %[3]s 行的双引号没有配对，一直到第 %[4]s 行都被当成了一个单元格",
		En: "the double quote opened on line %[3]s is never closed: everything up to line %[4]s reads as one cell",
	}
	reasonQuote = check.Text{
		Zh: "双引号没有配对，或者右引号后面还有字",
		En: "a double quote is not closed, or text follows the closing quote",
	}
	reasonNoHeader = check.Text{
		Zh: "第 %[3]s 列（%[4]s 列）有值，但这一列没有表头",
		En: "column %[3]s (%[4]s) has a value but no header",
	}
	reasonPastHeader = check.Text{
		Zh: "第 %[3]s 列（%[4]s 列）有值，但表头只有 %[5]s 列",
		En: "column %[3]s (%[4]s) has a value but the header has only %[5]s columns",
	}
	reasonFullWidthComma = check.Text{
		Zh: "格子之间用的是中文逗号“，”，要用英文逗号“,”（把输入法切换到英文标点，或者在 Excel、WPS 里填写）",
		En: `the cells are separated by the Chinese comma "，" instead of "," (switch the input method to English punctuation, or fill the sheet in Excel or WPS)`,
	}
	reasonTabs = check.Text{
		Zh: "格子之间用的是制表符（Tab 键），要用英文逗号“,”",
		En: "the cells are separated by tabs instead of commas",
	}
	reasonSemicolons = check.Text{
		Zh: "格子之间用的是分号，要用英文逗号“,”",
		En: "the cells are separated by semicolons instead of commas",
	}
	reasonTitleRow = check.Text{
		Zh: "这像是标题行：删掉这一行，第一行必须是表头",
		En: "this looks like a title row: delete it, the first row must be the header",
	}
	reasonTotalsRow = check.Text{
		Zh: "这是合计行（%[1]q）：记录里不写合计，删掉这一行",
		En: "this is a totals row (%[1]q): the records keep no totals, delete the row",
	}
	reasonRepeatedHeader = check.Text{
		Zh: "表头在这里又出现了一次：删掉这一行",
		En: "the header is repeated here: delete this row",
	}
	reasonSerialColumn = check.Text{
		Zh: "这像是序号列：删掉这一列，行不用编号",
		En: "this looks like a column of serial numbers: delete it, rows need no number",
	}
)

// A scanner reads the header and the rows of a CSV file of the given columns.
type scanner struct {
	name      string
	columns   []column
	diags     *check.List
	header    Columns
	index     []int    // file column → columns index, -1 for none; nil before the header
	cells     []string // the current row's cells, trimmed, in the order of columns
	noHeading []bool   // the file columns reported for cells without a header
	title     []string // a row held as a title row until the row after it shows a header
	titleLine int
	starts    *[256]bool // the first bytes of headers, of the byte order mark and of totals labels
	lossy     bool       // the file is GBK or GB18030 with a "?" in it, where GBK may have lost characters
}

// scan decodes a CSV file of the given columns, matches its header, and calls row with the
// trimmed cells of every readable non-blank row after it, in the order of columns, and the
// row's line. The cells are reused from row to row. Problems go to diags; ok is false when the
// file cannot be read at all.
func scan(name string, data []byte, columns []column, diags *check.List, row func(header Columns, cells []string, line int)) (header Columns, ok bool) {
	text, legacy, ok := decode(name, data, diags)
	if !ok {
		return nil, false
	}
	s := &scanner{name: name, columns: columns, diags: diags, cells: make([]string, len(columns)), starts: starts(columns)}
	s.lossy = legacy && strings.IndexByte(text, '?') >= 0 && !fourByteGB18030(data)
	stopped := false
	err := records(text, func(rec []string, line int) bool {
		for i, v := range rec {
			if t := trim(v); len(t) != len(v) { // most cells have no spaces: no write for them
				rec[i] = t
			}
		}
		switch {
		case blank(rec):
		case s.index == nil:
			stopped = !s.takeHeader(rec, line)
		case s.readRow(rec, line):
			row(s.header, s.cells, line)
		}
		return !stopped
	})
	if err != nil {
		s.csvError(err)
		return nil, false
	}
	switch {
	case stopped:
		return nil, false
	case s.index == nil && s.title != nil:
		s.readHeader(s.title, s.titleLine)
		return nil, false
	case s.index == nil:
		diags.Add(check.Diagnostic{Code: check.EmptySheet, File: name})
		return nil, false
	}
	return s.header, true
}

// records calls yield with each record of the CSV text and the line it begins on, as
// encoding/csv reads them (any number of fields, empty lines skipped, "\r\n" read as "\n"),
// until yield returns false. The record is reused from call to call. A text without double
// quotes, as most sheets are, is split directly: the same records, at a fraction of the cost,
// and all of their cells share the one string of the text. A text with quotes is read by
// encoding/csv, whose errors records returns.
func records(text string, yield func(rec []string, line int) bool) error {
	if strings.IndexByte(text, '"') >= 0 {
		r := csv.NewReader(strings.NewReader(text))
		r.FieldsPerRecord = -1
		r.ReuseRecord = true
		for {
			rec, err := r.Read()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			if line, _ := r.FieldPos(0); !yield(rec, line) {
				return nil
			}
		}
	}
	var rec []string
	rest := text
	for line := 1; rest != ""; line++ {
		l, after, _ := strings.Cut(rest, "\n")
		rest = after
		if l = strings.TrimSuffix(l, "\r"); l == "" {
			continue
		}
		rec = rec[:0]
		for {
			cell, more, ok := strings.Cut(l, ",")
			rec = append(rec, cell)
			if !ok {
				break
			}
			l = more
		}
		if !yield(rec, line) {
			return nil
		}
	}
	return nil
}

// takeHeader takes rec, the first non-blank row of the file on line, as its header, and reports
// whether the rows after it can be read. A title row above the header (a single cell that is no
// header, as spreadsheets are often headed) is held until the next row shows whether a header
// follows it: then the title row is reported, and the header's own problems.
func (s *scanner) takeHeader(rec []string, line int) bool {
	if reason := workbookSheet(rec); reason != nil {
		s.diags.Add(check.Diagnostic{Code: check.UnknownColumn, File: s.name, Line: line, Value: headerCell(rec[0]), Args: s.columnNames(), Reason: reason})
		return false
	}
	if i := slices.IndexFunc(rec, questionMarks); i >= 0 {
		s.diags.Add(check.Diagnostic{Code: check.LostCharacter, File: s.name, Line: line, Value: rec[i], Reason: &reasonNoChinese})
		return false
	}
	switch {
	case s.title != nil && s.looksHeader(rec):
		s.diags.Add(check.Diagnostic{Code: check.UnknownColumn, File: s.name, Line: s.titleLine,
			Value: titleCell(s.title), Args: s.columnNames(), Reason: &reasonTitleRow})
		s.readHeader(rec, line)
		return false
	case s.title != nil:
		s.readHeader(s.title, s.titleLine)
		return false
	case s.titleRow(rec):
		s.title, s.titleLine = slices.Clone(rec), line
		return true
	}
	return s.readHeader(rec, line)
}

// workbookSheet says which other sheet of the workbook template rec heads, if it does: a
// spreadsheet saves the sheet on show as CSV, not the first.
func workbookSheet(rec []string) *check.Text {
	switch {
	case len(rec) >= len(codesHeader) && slices.Equal(trimmed(rec[:len(codesHeader)]), codesHeader):
		return &reasonCodesSheet
	case strings.HasSuffix(titleCell(rec), guideTitle):
		return &reasonGuideSheet
	}
	return nil
}

func trimmed(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = headerCell(c)
	}
	return out
}

// questionMarks reports whether a header cell is question marks only: a Chinese header saved in
// a character set without Chinese characters.
func questionMarks(h string) bool {
	h = trim(h)
	return len(h) >= 2 && strings.Trim(h, "?") == ""
}

// titleRow reports whether rec, the first non-blank row, may be a title: one cell, which is no
// header.
func (s *scanner) titleRow(rec []string) bool {
	title := titleCell(rec)
	_, like := s.like(title)
	return title != "" && s.find(title) < 0 && !like
}

// titleCell is the only cell of rec that is not empty, or "" if it has none or several.
func titleCell(rec []string) string {
	var title string
	for _, h := range rec {
		switch h = headerCell(h); {
		case h == "":
		case title != "":
			return ""
		default:
			title = h
		}
	}
	return title
}

// looksHeader reports whether rec has the headers of at least two columns.
func (s *scanner) looksHeader(rec []string) bool {
	n := 0
	for _, h := range rec {
		h = headerCell(h)
		if _, like := s.like(h); h != "" && (s.find(h) >= 0 || like) {
			n++
		}
	}
	return n >= 2
}

// headerCell is a header as the file wrote it, without spaces around it and the byte order
// mark that a header carries when it was copied from the top of a file.
func headerCell(h string) string {
	return strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF"))
}

// csvError reports what encoding/csv could not read. A quote left open runs to the end of the
// file: the row it opened is what to fix.
func (s *scanner) csvError(err error) {
	d := check.Diagnostic{Code: check.BadCSV, File: s.name}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		d.Line = pe.StartLine
		switch {
		case errors.Is(pe.Err, csv.ErrBareQuote):
			d.Line, d.Reason = pe.Line, &reasonBareQuote
		case errors.Is(pe.Err, csv.ErrQuote) && pe.Line != pe.StartLine:
			d.Reason, d.Args = &reasonOpenQuote, []string{strconv.Itoa(pe.StartLine), strconv.Itoa(pe.Line)}
		case errors.Is(pe.Err, csv.ErrQuote):
			d.Reason = &reasonQuote
		}
	}
	s.diags.Add(d)
}

// readRow puts the cells of rec, trimmed by scan, in s.cells, in the order of the columns, and reports
// whether the row can be read. A totals row or the header again cannot (see strayRow). Nor can
// a row whose cells are separated by something else than commas (the Chinese comma of an input
// method, most often): a code, number or date has such a separator, or another value that
// holds no words has one and a required cell is empty (the values after it are in its cell).
// Such a row is reported, once. A value in a column without a header is reported once for each
// such column.
func (s *scanner) readRow(rec []string, line int) bool {
	if reason, v := s.strayRow(rec); reason != nil {
		s.diags.Add(check.Diagnostic{Code: check.BadCSV, File: s.name, Line: line, Value: v, Reason: reason})
		return false
	}
	clear(s.cells)
	var sep *check.Text
	code := false // the separator is in a code, a number or a date, which never hold one
	for i, v := range rec {
		switch {
		case v == "":
		case i < len(s.index) && s.index[i] >= 0:
			j := s.index[i]
			s.cells[j] = v
			if sep == nil && !s.columns[j].text {
				sep, code = separator(v), s.columns[j].key != "consent"
			}
			if s.lossy && s.columns[j].text && !s.columns[j].unread && strings.IndexByte(v, '?') >= 0 {
				s.diags.Add(check.Diagnostic{Code: check.LostCharacter, File: s.name, Line: line, Column: s.header[s.columns[j].key], Value: v})
			}
		default:
			s.noHeader(i, line)
		}
	}
	if sep != nil && (code || s.emptyRequired()) {
		s.diags.Add(check.Diagnostic{Code: check.BadCSV, File: s.name, Line: line, Reason: sep})
		return false
	}
	return true
}

// strayRow says whether rec, a non-blank row after the header, is no record: a totals row
// (合计 in its first cell that is not empty) or the header again. It returns the first cell.
func (s *scanner) strayRow(rec []string) (*check.Text, string) {
	i := 0
	for i < len(rec) && rec[i] == "" {
		i++
	}
	v := rec[i] // rec is not blank
	switch {
	case !s.starts[v[0]]: // most rows, quickly
	case totalsLabel(v):
		return &reasonTotalsRow, v
	case s.find(headerCell(v)) >= 0 && s.repeatedHeader(rec):
		return &reasonRepeatedHeader, v
	}
	return nil, ""
}

// starts finds the bytes that the headers of columns (in any case), the byte order mark and
// the labels of totals rows begin with.
func starts(columns []column) *[256]bool {
	var b [256]bool
	words := append([]string{"\uFEFF"}, totalsWords...)
	for _, c := range columns {
		words = append(words, c.zh, c.key)
	}
	for _, w := range words {
		b[w[0]] = true
		if c := w[0]; 'a' <= c && c <= 'z' {
			b[c-'a'+'A'] = true
		}
	}
	return &b
}

// totalsWords are the labels of totals rows, in Chinese and (in any case) in English.
var totalsWords = []string{"合计", "总计", "小计", "共计", "累计", "总合计", "total", "totals", "subtotal"}

// totalsLabel reports whether v heads a row of totals: 合计, 总计, 小计 and the like, with or
// without spaces inside and a colon after.
func totalsLabel(v string) bool {
	if len(v) > 24 {
		return false
	}
	if strings.ContainsFunc(v, unicode.IsSpace) {
		v = strings.Join(strings.Fields(v), "")
	}
	v = strings.TrimRight(v, ":：")
	return slices.ContainsFunc(totalsWords, func(w string) bool { return strings.EqualFold(v, w) })
}

// repeatedHeader reports whether rec is a header: at least two of its cells, and more than half
// of those that are not empty, are headers of the file's columns.
func (s *scanner) repeatedHeader(rec []string) bool {
	headers, cells := 0, 0
	for _, v := range rec {
		if v = headerCell(v); v != "" {
			cells++
			if s.find(v) >= 0 {
				headers++
			}
		}
	}
	return headers >= 2 && headers*2 > cells
}

// emptyRequired reports whether a required cell of the current row is empty.
func (s *scanner) emptyRequired() bool {
	for j, c := range s.columns {
		if c.required && s.cells[j] == "" {
			return true
		}
	}
	return false
}

// noHeader reports a value in the file column i, which has no header, unless it was reported
// on an earlier row.
func (s *scanner) noHeader(i, line int) {
	if i >= len(s.noHeading) {
		s.noHeading = append(s.noHeading, make([]bool, i+1-len(s.noHeading))...)
	}
	if s.noHeading[i] {
		return
	}
	s.noHeading[i] = true
	d := check.Diagnostic{Code: check.BadCSV, File: s.name, Line: line, Reason: &reasonNoHeader,
		Args: []string{strconv.Itoa(i + 1), columnLetters(i)}}
	if i >= len(s.index) {
		d.Reason, d.Args = &reasonPastHeader, append(d.Args, strconv.Itoa(len(s.index)))
	}
	s.diags.Add(d)
}

// separator says how the cells of a row are separated when a value that holds no words
// contains a separator other than the comma.
func separator(v string) *check.Text {
	if !anyByte(v, '\t', ';', 0xEF) { // 0xEF begins "，" and "；" in UTF-8: most cells have none
		return nil
	}
	switch {
	case strings.Contains(v, "，"):
		return &reasonFullWidthComma
	case strings.IndexByte(v, '\t') >= 0:
		return &reasonTabs
	case strings.IndexByte(v, ';') >= 0 || strings.Contains(v, "；"):
		return &reasonSemicolons
	}
	return nil
}

// anyByte reports whether s holds any of the bytes a, b and c.
func anyByte(s string, a, b, c byte) bool {
	for i := 0; i < len(s); i++ {
		if x := s[i]; x == a || x == b || x == c {
			return true
		}
	}
	return false
}

// columnLetters is the spreadsheet's name of the column i (from 0): A, B, …, Z, AA, AB, ….
func columnLetters(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

// readHeader matches the header row onto the columns, and reports whether it could. It
// reports a header whose cells are not separated by commas (and nothing else then), unknown
// and doubled columns, and missing ones.
func (s *scanner) readHeader(rec []string, line int) bool {
	headers := make([]string, len(rec))
	for i, h := range rec {
		headers[i] = headerCell(h)
		if r := separator(headers[i]); r != nil && s.find(headers[i]) < 0 {
			s.diags.Add(check.Diagnostic{Code: check.BadCSV, File: s.name, Line: line, Reason: r})
			return false
		}
	}
	header, index := Columns{}, make([]int, len(rec))
	var unknown []string
	bad := false
	for i, h := range headers {
		j := s.find(h)
		index[i] = j
		switch {
		case j < 0 && h != "": // an empty header over an empty column is what spreadsheets leave
			unknown = append(unknown, h)
		case j < 0:
		case header[s.columns[j].key] != "":
			s.diags.Add(check.Diagnostic{Code: check.DuplicateColumn, File: s.name, Line: line, Column: h})
			bad = true
		default:
			header[s.columns[j].key] = h
		}
	}
	meant := s.unknownColumns(unknown, header, line)
	for _, c := range s.columns {
		if header[c.key] != "" {
			continue
		}
		if c.required && !meant[c.key] {
			s.diags.Add(check.Diagnostic{Code: check.MissingColumn, File: s.name, Line: line, Column: c.zh, Args: []string{c.key}})
			bad = true
		}
		header[c.key] = c.zh
	}
	if bad || len(unknown) > 0 {
		return false
	}
	s.header, s.index = header, index
	return true
}

// find is the index of the column whose Chinese header or English key (in any case) h is, or -1.
func (s *scanner) find(h string) int {
	for j, c := range s.columns {
		if h == c.zh || strings.EqualFold(h, c.key) {
			return j
		}
	}
	return -1
}

// unknownColumns reports the unknown headers, with the column each probably means when the
// file lacks it, or a word on columns of serial numbers. It returns the keys of the columns
// suggested, whose absence goes without saying then.
func (s *scanner) unknownColumns(unknown []string, header Columns, line int) map[string]bool {
	args := s.columnNames()
	meant := map[string]bool{}
	for _, h := range unknown {
		d := check.Diagnostic{Code: check.UnknownColumn, File: s.name, Line: line, Value: h, Args: args}
		if c, ok := s.like(h); ok && header[c.key] == "" && !meant[c.key] {
			d.Suggest, meant[c.key] = c.zh, true
		} else if serialNumbers(h) {
			d.Reason = &reasonSerialColumn
		}
		s.diags.Add(d)
	}
	return meant
}

// columnNames are the Args of an UnknownColumn: the columns' Chinese headers and their keys.
func (s *scanner) columnNames() []string {
	var zh, en []string
	for _, c := range s.columns {
		zh, en = append(zh, c.zh), append(en, c.key)
	}
	return []string{strings.Join(zh, "、"), strings.Join(en, ", ")}
}

// like finds the column that cadres sometimes head h: with another name, or with its own
// name written with spaces inside, in full-width letters or with a unit in brackets (分值（分）).
func (s *scanner) like(h string) (column, bool) {
	p := plainHeader(h)
	for _, c := range s.columns {
		if slices.Contains(c.like, h) || slices.Contains(c.like, p) || p != h && (p == c.zh || strings.EqualFold(p, c.key)) {
			return c, true
		}
	}
	return column{}, false
}

// plainHeader is h in half-width, without spaces and without a unit in brackets at its end.
func plainHeader(h string) string {
	h = strings.Join(strings.Fields(narrow(h)), "")
	if i := strings.LastIndexByte(h, '('); i > 0 && strings.HasSuffix(h, ")") {
		h = h[:i]
	}
	return h
}

// serialNumbers reports whether h heads a column of serial numbers.
func serialNumbers(h string) bool {
	switch strings.ToLower(h) {
	case "序号", "编号", "行号", "顺序号", "序", "no", "no.", "#", "nr", "nr.":
		return true
	}
	return false
}

// cell makes the converter of the table's row i.
func (t *table) cell(i int, diags *check.List) *cell {
	return &cell{name: t.name, columns: t.columns, cols: t.header, line: t.lines[i], diags: diags}
}

// blank reports whether the trimmed cells of rec are all empty.
func blank(rec []string) bool {
	for _, v := range rec {
		if v != "" {
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
// a space, as most do: it decodes a character only when it may be one.
func trim(s string) string {
	if s == "" {
		return s
	}
	if b := s[0]; b <= ' ' || spaceLead(b) {
		if r, _ := utf8.DecodeRuneInString(s); unicode.IsSpace(r) {
			return strings.TrimSpace(s)
		}
	}
	n := len(s)
	if b := s[n-1]; b <= ' ' || b >= utf8.RuneSelf && (n >= 2 && spaceLead(s[n-2]) || n >= 3 && spaceLead(s[n-3])) {
		if r, _ := utf8.DecodeLastRuneInString(s); unicode.IsSpace(r) {
			return strings.TrimSpace(s)
		}
	}
	return s
}

// spaceLead reports whether b is the first byte of a space of more than one byte in UTF-8:
// U+0085 and U+00A0 begin with C2, U+1680 with E1, U+2000 to U+205F with E2, U+3000 with E3.
// Chinese characters begin with E4 to E9.
func spaceLead(b byte) bool { return b == 0xC2 || 0xE1 <= b && b <= 0xE3 }
