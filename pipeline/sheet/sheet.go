// Package sheet owns the CSV files cadres make: rosters, monthly score sheets, supermarket
// redemptions and catalogs. It decodes them (UTF-8 or GB18030), matches Chinese or English
// headers, and turns every cell into a typed value or a positioned diagnostic.
package sheet

import (
	"bytes"
	"fmt"
	"hash/maphash"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jifen-project/jifen/pipeline/check"
)

// A Household is one row of a village roster (households.csv).
type Household struct {
	Line    int
	ID      string // 户号
	Head    string // 户主, never published unmasked
	Grid    string // 小组, the grid's name
	Consent bool   // 公开授权: the head agreed to publish the masked name
	Joined  string // 加入日期, YYYY-MM-DD
	Left    string // 退出日期, YYYY-MM-DD or ""
}

// ActiveIn reports whether the household is on the roster on day (YYYY-MM-DD).
func (h Household) ActiveIn(day string) bool {
	return h.Joined <= day && (h.Left == "" || day < h.Left)
}

// An Entry is one row of a monthly score sheet: one thing one household did.
type Entry struct {
	Line      int
	Household string   // 户号
	Item      string   // 事项: an item id or a veto id
	Points    int      // 分值
	Date      string   // 日期, YYYY-MM-DD
	Note      string   // 说明
	Evidence  string   // 佐证, never published
	Invalid   []string // keys of the cells that could not be read; already reported
}

// A Redemption is one row of a month's supermarket exchanges.
type Redemption struct {
	Line      int
	Household string   // 户号
	Goods     string   // 商品
	Quantity  int      // 数量
	Points    int      // 积分
	Date      string   // 日期
	Invalid   []string // keys of the cells that could not be read; already reported
}

// Goods are one row of a supermarket catalog.
type Goods struct {
	Line    int
	ID      string // 商品编号
	Name    string // 名称
	Unit    string // 单位
	Points  int    // 积分
	CostFen int    // 成本, in fen (0.01 yuan)
}

var (
	rosterColumns = []column{
		{"household", "户号", true}, {"head", "户主", true}, {"grid", "小组", true},
		{"consent", "公开授权", true}, {"joined", "加入日期", true}, {"left", "退出日期", false},
	}
	sheetColumns = []column{
		{"household", "户号", true}, {"item", "事项", true}, {"points", "分值", true},
		{"date", "日期", true}, {"note", "说明", false}, {"evidence", "佐证", false},
	}
	redemptionColumns = []column{
		{"household", "户号", true}, {"goods", "商品", true}, {"quantity", "数量", true},
		{"points", "积分", true}, {"date", "日期", true},
	}
	catalogColumns = []column{
		{"goods", "商品编号", true}, {"name", "名称", true}, {"unit", "单位", false},
		{"points", "积分", true}, {"cost", "成本", true},
	}
)

// ParseRoster reads a households.csv. The columns say which headers the file wrote.
func ParseRoster(name string, data []byte) ([]Household, Columns, check.List) {
	var rows []struct {
		ID      string `csv:"household"`
		Head    string `csv:"head"`
		Grid    string `csv:"grid"`
		Consent string `csv:"consent"`
		Joined  string `csv:"joined"`
		Left    string `csv:"left"`
	}
	var diags check.List
	t := readTable(name, data, rosterColumns, &diags)
	if t == nil || !t.load(&rows, false, &diags) {
		return nil, nil, diags
	}
	out := make([]Household, 0, len(rows))
	for i, r := range rows {
		c := t.cell(i, &diags)
		h := Household{
			Line:    c.line,
			ID:      c.id("household", r.ID),
			Head:    c.required("head", c.text("head", r.Head, maxText)),
			Grid:    c.required("grid", c.text("grid", r.Grid, maxText)),
			Consent: c.yesNo("consent", r.Consent),
			Joined:  c.date("joined", r.Joined),
			Left:    c.optionalDate("left", r.Left),
		}
		if h.Left != "" && h.Joined != "" && h.Left <= h.Joined {
			c.bad("left", r.Left, "退出日期要晚于加入日期 / left must be after joined")
		}
		out = append(out, h)
	}
	return out, t.header, diags
}

// Limits on the length of free text, in characters.
const (
	maxNote     = 200 // 说明
	maxEvidence = 100 // 佐证
	maxText     = 100 // names and other text
)

// ParseSheet reads the entries of a monthly score sheet.
func ParseSheet(name string, data []byte) ([]Entry, check.List) {
	entries, _, diags := ReadSheet(name, data)
	return entries, diags
}

// ReadSheet reads a monthly score sheet: its entries, and the headers it wrote. A row whose
// cells other than 户号 and 日期 are all empty is an untouched row of a template (see Template)
// and is skipped. A row that repeats an earlier row exactly is reported, and kept.
//
// Sheets are the files that reach millions of rows, so this parser reads cells by column
// instead of through gocsv, whose reflection alone costs more per row than reading the CSV.
func ReadSheet(name string, data []byte) ([]Entry, Columns, check.List) {
	var diags check.List
	var out []Entry
	var rows rowSet
	cols, ok := scan(name, data, sheetColumns, &diags, func(cols Columns, cells []string, line int) {
		// The cells are in the order of sheetColumns.
		household, item, points, date, note, evidence := cells[0], cells[1], cells[2], cells[3], cells[4], cells[5]
		if item == "" && points == "" && note == "" && evidence == "" {
			return
		}
		if out == nil {
			n := bytes.Count(data, []byte{'\n'})
			out = make([]Entry, 0, n)
			rows = newRowSet(n)
		}
		c := cell{name: name, cols: cols, line: line, diags: &diags}
		e := Entry{
			Line:      line,
			Household: c.id("household", household),
			Item:      c.id("item", item),
			Points:    c.integer("points", points),
			Date:      c.date("date", date),
			Note:      c.text("note", note, maxNote),
			Evidence:  c.text("evidence", evidence, maxEvidence),
		}
		e.Invalid = c.invalid
		out = append(out, e)
		if e.Invalid == nil {
			if l, dup := rows.add(out, len(out)-1); dup {
				diags.Add(check.Diagnostic{Code: check.DuplicateRow, File: name, Line: line, Args: []string{strconv.Itoa(l)}})
			}
		}
	})
	switch {
	case !ok: // the rows before a CSV error are not worth checking on their own
		return nil, nil, diags
	case len(out) == 0:
		diags.Add(check.Diagnostic{Code: check.EmptySheet, File: name})
	}
	return out, cols, diags
}

// ParseRedemptions reads a month's supermarket exchanges. The columns say which headers the
// file wrote.
func ParseRedemptions(name string, data []byte) ([]Redemption, Columns, check.List) {
	var rows []struct {
		Household string `csv:"household"`
		Goods     string `csv:"goods"`
		Quantity  string `csv:"quantity"`
		Points    string `csv:"points"`
		Date      string `csv:"date"`
	}
	var diags check.List
	t := readTable(name, data, redemptionColumns, &diags)
	if t == nil || !t.load(&rows, true, &diags) {
		return nil, nil, diags
	}
	out := make([]Redemption, 0, len(rows))
	for i, r := range rows {
		c := t.cell(i, &diags)
		red := Redemption{
			Line:      c.line,
			Household: c.id("household", r.Household),
			Goods:     c.id("goods", r.Goods),
			Quantity:  c.integer("quantity", r.Quantity),
			Points:    c.integer("points", r.Points),
			Date:      c.date("date", r.Date),
		}
		if red.Quantity <= 0 && r.Quantity != "" {
			c.bad("quantity", r.Quantity, "数量要大于 0 / must be more than 0")
		}
		red.Invalid = c.invalid
		out = append(out, red)
	}
	return out, t.header, diags
}

// ParseCatalog reads a supermarket catalog.
func ParseCatalog(name string, data []byte) ([]Goods, check.List) {
	var rows []struct {
		ID     string `csv:"goods"`
		Name   string `csv:"name"`
		Unit   string `csv:"unit"`
		Points string `csv:"points"`
		Cost   string `csv:"cost"`
	}
	var diags check.List
	t := readTable(name, data, catalogColumns, &diags)
	if t == nil || !t.load(&rows, false, &diags) {
		return nil, diags
	}
	out := make([]Goods, 0, len(rows))
	seen := map[string]bool{}
	for i, r := range rows {
		c := t.cell(i, &diags)
		g := Goods{
			Line:    c.line,
			ID:      c.id("goods", r.ID),
			Name:    c.required("name", c.text("name", r.Name, maxText)),
			Unit:    c.text("unit", r.Unit, maxText),
			Points:  c.integer("points", r.Points),
			CostFen: c.yuan("cost", r.Cost),
		}
		if seen[g.ID] && g.ID != "" {
			diags.Add(check.Diagnostic{Code: check.DuplicateID, File: name, Line: c.line, Column: t.header["goods"], Value: g.ID})
		}
		seen[g.ID] = true
		if g.Points <= 0 && r.Points != "" {
			c.bad("points", r.Points, "积分要大于 0 / must be more than 0")
		}
		out = append(out, g)
	}
	return out, diags
}

// load unmarshals the table's rows into out with gocsv. A file with a header and no rows is a
// problem unless emptyOK (a month in which nobody redeemed anything).
func (t *table) load(out any, emptyOK bool, diags *check.List) bool {
	if err := t.unmarshal(out); err != nil {
		diags.Add(check.Diagnostic{Code: check.BadCSV, File: t.name, Detail: err.Error()})
		return false
	}
	if len(t.rows) == 0 && !emptyOK {
		diags.Add(check.Diagnostic{Code: check.EmptySheet, File: t.name})
	}
	return true
}

// A cell converts the values of one row, reporting problems at the row's line and noting which
// cells could not be read.
type cell struct {
	name    string
	cols    Columns
	line    int
	diags   *check.List
	invalid []string // keys of the cells that could not be read
}

func (t *table) cell(i int, diags *check.List) *cell {
	return &cell{name: t.name, cols: t.header, line: t.lines[i], diags: diags}
}

func (c *cell) add(code check.Code, key, value, detail string, args ...string) {
	c.diags.Add(check.Diagnostic{Code: code, File: c.name, Line: c.line, Column: c.cols[key], Value: value, Detail: detail, Args: args})
	c.invalid = append(c.invalid, key)
}

func (c *cell) bad(key, value, detail string) { c.add(check.BadValue, key, value, detail) }

func (c *cell) required(key, v string) string {
	if v == "" {
		c.add(check.MissingValue, key, "", "")
	}
	return v
}

// IsID reports whether s is a valid household, item, veto, grid or goods id: ASCII letters,
// digits and -, 1 to 16 of them.
func IsID(s string) bool {
	if s == "" || len(s) > 16 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if b := s[i]; !(b == '-' || '0' <= b && b <= '9' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z') {
			return false
		}
	}
	return true
}

func (c *cell) id(key, v string) string {
	if c.required(key, v) == "" {
		return ""
	}
	if !IsID(v) {
		c.add(check.BadID, key, v, "只能用字母、数字和 -，最多 16 个字符 / letters, digits and - only, at most 16")
		return ""
	}
	return v
}

// number reads 1 to 9 ASCII digits.
func number(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// parseInt reads a whole number as spreadsheets write it: 5, -5 or 5.0, at most nine digits.
func parseInt(v string) (int, bool) {
	s, neg := strings.CutPrefix(v, "-")
	s, frac, hasFrac := strings.Cut(s, ".")
	if hasFrac && (frac == "" || strings.Trim(frac, "0") != "") {
		return 0, false
	}
	n, ok := number(s)
	if neg {
		n = -n
	}
	return n, ok
}

// integer accepts 5, -5 and 5.0 (what spreadsheets write for whole numbers).
func (c *cell) integer(key, v string) int {
	if c.required(key, v) == "" {
		return 0
	}
	n, ok := parseInt(v)
	if !ok {
		c.add(check.BadNumber, key, v, "")
	}
	return n
}

// yuan reads an amount of money such as 12, 12.5 or 12.50 into fen.
func (c *cell) yuan(key, v string) int {
	if c.required(key, v) == "" {
		return 0
	}
	whole, frac, hasFrac := strings.Cut(v, ".")
	y, ok := number(whole)
	f, fok := number((frac + "00")[:2])
	if !ok || hasFrac && (len(frac) < 1 || len(frac) > 2 || !fok) {
		c.bad(key, v, "要写成元，最多两位小数，如 12.50 / yuan with at most two decimals")
		return 0
	}
	return y*100 + f
}

func (c *cell) yesNo(key, v string) bool {
	switch strings.ToLower(v) {
	case "是", "同意", "y", "yes", "true", "1":
		return true
	case "否", "不同意", "n", "no", "false", "0":
		return false
	}
	if c.required(key, v) != "" {
		c.bad(key, v, "请填“是”或“否” / write 是 or 否")
	}
	return false
}

// ParseDate reads the date forms Excel and WPS write: 2025-07-03, 2025/7/3 and 2025年7月3日
// (months and days with or without a leading zero). It returns the date as YYYY-MM-DD.
func ParseDate(v string) (string, bool) {
	if len(v) == 10 && v[4] == '-' && v[7] == '-' { // the canonical form, most of the time
		if y, m, d, ok := ymd(v[:4], v[5:7], v[8:]); ok && validDate(y, m, d) {
			return v, true
		}
		return "", false
	}
	var ys, ms, ds string
	var ok bool
	switch {
	case strings.Contains(v, "年"):
		ys, v, ok = strings.Cut(v, "年")
		if ok {
			ms, v, ok = strings.Cut(v, "月")
		}
		if ok {
			ds, ok = strings.CutSuffix(v, "日")
		}
	default:
		for _, sep := range []string{"-", "/"} {
			if parts := strings.Split(v, sep); len(parts) == 3 {
				ys, ms, ds, ok = parts[0], parts[1], parts[2], true
			}
		}
	}
	if !ok || len(ys) != 4 || len(ms) < 1 || len(ms) > 2 || len(ds) < 1 || len(ds) > 2 {
		return "", false
	}
	y, m, d, ok := ymd(ys, ms, ds)
	if !ok || !validDate(y, m, d) {
		return "", false
	}
	return string([]byte{
		byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-',
		byte('0' + m/10), byte('0' + m%10), '-', byte('0' + d/10), byte('0' + d%10),
	}), true
}

// ymd reads the digits of a year, a month and a day.
func ymd(ys, ms, ds string) (y, m, d int, ok bool) {
	y, yok := number(ys)
	m, mok := number(ms)
	d, dok := number(ds)
	return y, m, d, yok && mok && dok
}

func validDate(y, m, d int) bool {
	if y < 1900 || m < 1 || m > 12 || d < 1 {
		return false
	}
	days := [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[m]
	if m == 2 && y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		days = 29
	}
	return d <= days
}

func (c *cell) date(key, v string) string {
	if c.required(key, v) == "" {
		return ""
	}
	d, ok := ParseDate(v)
	if !ok {
		c.add(check.BadDate, key, v, "")
	}
	return d
}

func (c *cell) optionalDate(key, v string) string {
	if v == "" {
		return ""
	}
	return c.date(key, v)
}

// text checks a cell of free text: no resident ID or mobile number (reported masked, and
// nothing else then, so that no message repeats the number), at most limit characters, no
// control characters, and no leading = + - @ that a spreadsheet would run as a formula.
func (c *cell) text(key, v string, limit int) string {
	if v == "" {
		return ""
	}
	if code, masked, ok := personalData(v); ok {
		c.add(code, key, masked, "")
		return v
	}
	if len(v) > limit { // a character takes at least a byte
		if n := utf8.RuneCountInString(v); n > limit {
			c.add(check.TooLong, key, truncate(v, 20), "", strconv.Itoa(n), strconv.Itoa(limit))
		}
	}
	if r, ok := control(v); ok {
		c.add(check.ControlChar, key, v, "", fmt.Sprintf("U+%04X", r))
	}
	if strings.IndexByte("=+-@", v[0]) >= 0 {
		c.add(check.FormulaText, key, v, "", v[:1])
	}
	return v
}

// control finds the first control character in s, or an invisible character that changes
// the direction of the text around it (U+202A–U+202E, U+2066–U+2069). It looks at bytes, not
// characters, since it reads every note of every sheet: the C1 controls are C2 80–C2 9F in
// UTF-8, and the direction marks E2 80 AA–AE and E2 81 A6–A9.
func control(s string) (rune, bool) {
	for i := 0; i < len(s); i++ {
		switch b := s[i]; {
		case b < 0x20 || b == 0x7F:
			return rune(b), true
		case b == 0xC2 && i+1 < len(s) && s[i+1] < 0xA0,
			b == 0xE2 && i+2 < len(s) && (s[i+1] == 0x80 && 0xAA <= s[i+2] && s[i+2] <= 0xAE || s[i+1] == 0x81 && 0xA6 <= s[i+2] && s[i+2] <= 0xA9):
			r, _ := utf8.DecodeRuneInString(s[i:])
			return r, true
		}
	}
	return 0, false
}

func truncate(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i] + "…"
		}
		n--
	}
	return s
}

// A rowSet finds entries that repeat an earlier entry exactly. It keeps a hash of each entry's
// cells, and compares the entries themselves only when hashes meet.
type rowSet struct {
	seed  maphash.Seed
	first map[uint64]int // hash → index of the first entry with it
	more  map[rowKey]int // line of entries whose hash an unequal entry had first, rarely any
}

type rowKey struct {
	household, item, date, note, evidence string
	points                                int
}

func newRowSet(n int) rowSet {
	return rowSet{seed: maphash.MakeSeed(), first: make(map[uint64]int, n)}
}

// add adds entries[i], and returns the line of the entry it repeats, if any.
func (s *rowSet) add(entries []Entry, i int) (int, bool) {
	e := &entries[i]
	var h maphash.Hash
	h.SetSeed(s.seed)
	for _, v := range [...]string{e.Household, e.Item, e.Date, e.Note, e.Evidence} {
		h.WriteString(v)
		h.WriteByte(0)
	}
	maphash.WriteComparable(&h, e.Points)
	sum := h.Sum64()
	j, seen := s.first[sum]
	if !seen {
		s.first[sum] = i
		return 0, false
	}
	key := func(e *Entry) rowKey { return rowKey{e.Household, e.Item, e.Date, e.Note, e.Evidence, e.Points} }
	if f := &entries[j]; key(f) == key(e) {
		return f.Line, true
	}
	if l, dup := s.more[key(e)]; dup {
		return l, true
	}
	if s.more == nil {
		s.more = map[rowKey]int{}
	}
	s.more[key(e)] = e.Line
	return 0, false
}
