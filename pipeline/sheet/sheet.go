// Package sheet owns the CSV files cadres make: rosters, monthly score sheets, supermarket
// redemptions and catalogs. It decodes them (UTF-8 or GB18030), matches Chinese or English
// headers, and turns every cell into a typed value or a positioned diagnostic.
package sheet

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

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

// ParseRoster reads a households.csv.
func ParseRoster(name string, data []byte) ([]Household, check.List) {
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
		return nil, diags
	}
	out := make([]Household, 0, len(rows))
	for i, r := range rows {
		c := newCell(t, i, &diags)
		h := Household{
			Line:    c.line,
			ID:      c.id("household", r.ID),
			Head:    c.required("head", r.Head),
			Grid:    c.required("grid", r.Grid),
			Consent: c.yesNo("consent", r.Consent),
			Joined:  c.date("joined", r.Joined),
			Left:    c.optionalDate("left", r.Left),
		}
		if h.Left != "" && h.Joined != "" && h.Left <= h.Joined {
			c.bad("left", r.Left, "退出日期要晚于加入日期 / left must be after joined")
		}
		out = append(out, h)
	}
	return out, diags
}

// ParseSheet reads a monthly score sheet.
func ParseSheet(name string, data []byte) ([]Entry, check.List) {
	var rows []struct {
		Household string `csv:"household"`
		Item      string `csv:"item"`
		Points    string `csv:"points"`
		Date      string `csv:"date"`
		Note      string `csv:"note"`
		Evidence  string `csv:"evidence"`
	}
	var diags check.List
	t := readTable(name, data, sheetColumns, &diags)
	if t == nil || !t.load(&rows, false, &diags) {
		return nil, diags
	}
	out := make([]Entry, 0, len(rows))
	for i, r := range rows {
		c := newCell(t, i, &diags)
		out = append(out, Entry{
			Line:      c.line,
			Household: c.id("household", r.Household),
			Item:      c.id("item", r.Item),
			Points:    c.integer("points", r.Points),
			Date:      c.date("date", r.Date),
			Note:      r.Note,
			Evidence:  r.Evidence,
			Invalid:   *c.invalid,
		})
	}
	return out, diags
}

// ParseRedemptions reads a month's supermarket exchanges.
func ParseRedemptions(name string, data []byte) ([]Redemption, check.List) {
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
		return nil, diags
	}
	out := make([]Redemption, 0, len(rows))
	for i, r := range rows {
		c := newCell(t, i, &diags)
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
		red.Invalid = *c.invalid
		out = append(out, red)
	}
	return out, diags
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
		c := newCell(t, i, &diags)
		g := Goods{
			Line:    c.line,
			ID:      c.id("goods", r.ID),
			Name:    c.required("name", r.Name),
			Unit:    r.Unit,
			Points:  c.integer("points", r.Points),
			CostFen: c.yuan("cost", r.Cost),
		}
		if seen[g.ID] && g.ID != "" {
			diags.Add(check.Diagnostic{Code: check.DuplicateID, File: name, Line: c.line, Column: t.col("goods"), Value: g.ID})
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
	t       *table
	line    int
	diags   *check.List
	invalid *[]string
}

func newCell(t *table, i int, diags *check.List) cell {
	return cell{t: t, line: t.lines[i], diags: diags, invalid: new([]string)}
}

func (c cell) add(code check.Code, key, value, detail string) {
	c.diags.Add(check.Diagnostic{Code: code, File: c.t.name, Line: c.line, Column: c.t.col(key), Value: value, Detail: detail})
	*c.invalid = append(*c.invalid, key)
}

func (c cell) bad(key, value, detail string) { c.add(check.BadValue, key, value, detail) }

func (c cell) required(key, v string) string {
	if v == "" {
		c.add(check.MissingValue, key, "", "")
	}
	return v
}

var idPattern = regexp.MustCompile(`^[A-Za-z0-9-]{1,16}$`)

// IsID reports whether s is a valid household, item, veto, grid or goods id.
func IsID(s string) bool { return idPattern.MatchString(s) }

func (c cell) id(key, v string) string {
	if c.required(key, v) == "" {
		return ""
	}
	if !IsID(v) {
		c.add(check.BadID, key, v, "只能用字母、数字和 -，最多 16 个字符 / letters, digits and - only, at most 16")
		return ""
	}
	return v
}

var integerPattern = regexp.MustCompile(`^-?[0-9]{1,9}(\.0+)?$`)

// integer accepts 5, -5 and 5.0 (what spreadsheets write for whole numbers).
func (c cell) integer(key, v string) int {
	if c.required(key, v) == "" {
		return 0
	}
	if !integerPattern.MatchString(v) {
		c.add(check.BadNumber, key, v, "")
		return 0
	}
	n, _ := strconv.Atoi(strings.SplitN(v, ".", 2)[0])
	return n
}

var yuanPattern = regexp.MustCompile(`^([0-9]{1,9})(?:\.([0-9]{1,2}))?$`)

// yuan reads an amount of money such as 12, 12.5 or 12.50 into fen.
func (c cell) yuan(key, v string) int {
	if c.required(key, v) == "" {
		return 0
	}
	m := yuanPattern.FindStringSubmatch(v)
	if m == nil {
		c.bad(key, v, "要写成元，最多两位小数，如 12.50 / yuan with at most two decimals")
		return 0
	}
	y, _ := strconv.Atoi(m[1])
	f, _ := strconv.Atoi((m[2] + "00")[:2])
	return y*100 + f
}

func (c cell) yesNo(key, v string) bool {
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

var datePattern = regexp.MustCompile(`^([0-9]{4})(?:-([0-9]{1,2})-|/([0-9]{1,2})/|年([0-9]{1,2})月)([0-9]{1,2})(日?)$`)

// ParseDate reads the date forms Excel and WPS write: 2025-07-03, 2025/7/3 and 2025年7月3日.
// It returns the date as YYYY-MM-DD.
func ParseDate(v string) (string, bool) {
	m := datePattern.FindStringSubmatch(v)
	if m == nil || (m[6] == "日") != (m[4] != "") {
		return "", false
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2] + m[3] + m[4])
	d, _ := strconv.Atoi(m[5])
	t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != mo || t.Day() != d {
		return "", false
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, mo, d), true
}

func (c cell) date(key, v string) string {
	if c.required(key, v) == "" {
		return ""
	}
	d, ok := ParseDate(v)
	if !ok {
		c.add(check.BadDate, key, v, "")
	}
	return d
}

func (c cell) optionalDate(key, v string) string {
	if v == "" {
		return ""
	}
	return c.date(key, v)
}
