// Package sheet owns the CSV files cadres make: rosters, monthly score sheets, supermarket
// redemptions and catalogs. It decodes them (UTF-8 or GB18030), matches Chinese or English
// headers, and turns every cell into a typed value or a positioned diagnostic.
//
// The text of a UTF-8 file is not copied: the strings read from it share the bytes given to
// the parsers, which must not change afterwards (records' files never do).
package sheet

import (
	"bytes"
	"hash/maphash"
	"strconv"
	"strings"

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
	House   string // 门牌号, or "": shown beside the masked name of a household that consented
	// 迁自: the households of the town this one continues, when it moved in from another
	// village, was renumbered, split from one household or merged from several. They stay on
	// their rosters with their 退出日期; their points move to this one (see pipeline/score).
	From []Ref
	// 承接积分: the points this household takes of its predecessor's balance when the
	// predecessor split; Carried is set when the cell is not empty.
	Carried    int
	CarriedSet bool
}

// A Ref names a household of the town: Village is "" for the village whose roster names it.
type Ref struct{ Village, Household string }

// String is the reference as a roster writes it: QS-0107, or qingshi/QS-0107.
func (r Ref) String() string {
	if r.Village == "" {
		return r.Household
	}
	return r.Village + "/" + r.Household
}

// ActiveIn reports whether the household is on the roster on day (YYYY-MM-DD): from its 加入日期
// to its 退出日期, both included (退出日期 is its last day on the roster).
func (h Household) ActiveIn(day string) bool {
	return h.Joined <= day && (h.Left == "" || day <= h.Left)
}

// An Entry is one row of a monthly score sheet: one thing one household did.
type Entry struct {
	Line       int
	Household  string // 户号
	Item       string // 事项: an item id or a veto id
	Points     int    // 分值
	Date       string // 日期, YYYY-MM-DD
	DateText   string // 日期 as the cadre wrote it (the same string as Date when written so), for messages
	PointsText string // 分值 as the cadre wrote it, for messages
	Note       string // 说明
	Evidence   string // 佐证, never published
	Invalid    Unread // the cells that could not be read; already reported
}

// Failed reports whether the entry's cell of column key (see Columns) could not be read.
func (e *Entry) Failed(key string) bool { return e.Invalid.has(sheetColumns, key) }

// A Redemption is one row of a month's supermarket exchanges.
type Redemption struct {
	Line       int
	Household  string // 户号
	Goods      string // 商品
	Quantity   int    // 数量
	Points     int    // 积分
	Date       string // 日期, YYYY-MM-DD
	DateText   string // 日期 as the cadre wrote it, for messages
	PointsText string // 积分 as the cadre wrote it, for messages
	Invalid    Unread // the cells that could not be read; already reported
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
		{key: "household", zh: "户号", required: true, like: []string{"户编号", "户代码", "编号"}},
		{key: "head", zh: "户主", required: true, text: true, like: []string{"户主姓名", "姓名"}},
		{key: "grid", zh: "小组", required: true, text: true, like: []string{"组", "组别", "村民小组", "网格"}},
		{key: "consent", zh: "公开授权", required: true, like: []string{"是否公开", "公开", "授权"}},
		{key: "joined", zh: "加入日期", required: true, like: []string{"加入时间", "入册日期"}},
		{key: "left", zh: "退出日期", like: []string{"退出时间"}},
		{key: "house", zh: "门牌号", text: true, like: []string{"门牌", "门牌号码"}},
		{key: "from", zh: "迁自", text: true, like: []string{"迁入自", "原户号", "原户", "来自", "迁出户"}},
		{key: "carried", zh: "承接积分", like: []string{"分得积分", "转入积分", "带入积分"}},
	}
	sheetColumns = []column{
		{key: "household", zh: "户号", required: true, like: []string{"户编号", "户代码", "编号"}},
		// The head's name beside the code, as the template writes it, for the cadre to see whose
		// row it is: never read nor published, and checked only for personal data, which no sheet
		// may carry.
		{key: "head", zh: "户主", text: true, unread: true, like: []string{"户主姓名", "姓名"}},
		{key: "item", zh: "事项", required: true, like: []string{"事项代码", "事项编号", "项目", "积分事项"}},
		{key: "points", zh: "分值", required: true, like: []string{"分数", "得分", "积分", "加减分"}},
		{key: "date", zh: "日期", required: true, like: []string{"时间", "发生日期"}},
		{key: "note", zh: "说明", text: true, like: []string{"备注", "情况说明", "事由"}},
		{key: "evidence", zh: "佐证", text: true, like: []string{"佐证材料", "证明材料", "依据"}},
	}
	redemptionColumns = []column{
		{key: "household", zh: "户号", required: true, like: []string{"户编号", "户代码"}},
		{key: "goods", zh: "商品", required: true, like: []string{"商品编号", "商品代码"}},
		{key: "quantity", zh: "数量", required: true, like: []string{"件数"}},
		{key: "points", zh: "积分", required: true, like: []string{"兑换积分", "消耗积分", "花费积分", "扣除积分"}},
		{key: "date", zh: "日期", required: true, like: []string{"兑换日期", "时间"}},
	}
	catalogColumns = []column{
		{key: "goods", zh: "商品编号", required: true, like: []string{"编号", "商品代码", "代码"}},
		{key: "name", zh: "名称", required: true, text: true, like: []string{"商品名称", "品名", "商品"}},
		{key: "unit", zh: "单位", text: true},
		{key: "points", zh: "积分", required: true, like: []string{"积分价", "所需积分", "兑换积分"}},
		{key: "cost", zh: "成本", required: true, like: []string{"成本价", "进价", "单价", "价格"}},
	}
)

// ParseRoster reads a households.csv. The columns say which headers the file wrote.
func ParseRoster(name string, data []byte) ([]Household, Columns, check.List) {
	var diags check.List
	var out []Household
	cols, ok := scan(name, data, rosterColumns, &diags, func(cols Columns, cells []string, line int) {
		// The cells are in the order of rosterColumns.
		id, head, grid, consent, joined, left, house, from, carried := cells[0], cells[1], cells[2], cells[3], cells[4], cells[5], cells[6], cells[7], cells[8]
		c := cell{name: name, columns: rosterColumns, cols: cols, line: line, diags: &diags}
		if out == nil {
			out = make([]Household, 0, rowsAtMost(data))
		}
		h := Household{
			Line:    line,
			ID:      c.id("household", id),
			Head:    c.required("head", c.text("head", head, maxText)),
			Grid:    c.required("grid", grid),
			Consent: c.yesNo("consent", consent),
			Joined:  c.date("joined", joined),
			Left:    c.optionalDate("left", left),
			House:   c.house("house", house),
			From:    c.refs("from", from, id),
		}
		if carried != "" {
			h.Carried, h.CarriedSet = c.integer("carried", carried), true
			switch {
			case c.failed("carried"):
			case h.Carried < 0:
				c.bad("carried", carried, &reasonCarriedNegative)
			case from == "":
				c.bad("carried", carried, &reasonCarriedAlone)
			}
		}
		// The grid's name is checked where village.toml defines it, not on every household.
		c.words("grid", grid, maxText)
		if h.Left != "" && h.Joined != "" && h.Left <= h.Joined {
			c.bad("left", left, &reasonLeftAfterJoined, joined)
		}
		out = append(out, h)
	})
	switch {
	case !ok:
		return nil, nil, diags
	case len(out) == 0 && len(diags) == 0:
		diags.Add(check.Diagnostic{Code: check.EmptySheet, File: name})
	}
	hyphenSuggestions(diags, func() map[string]bool {
		has := map[string]bool{}
		for _, h := range out {
			has[h.ID] = true
		}
		return has
	})
	return out, cols, diags
}

// rowsAtMost is the number of rows that a file's data may hold at most: its lines. Parsers
// allocate their rows once, at the first, instead of growing them row by row.
func rowsAtMost(data []byte) int {
	return bytes.Count(data, []byte{'\n'}) + 1
}

// Limits on the length of free text, in characters.
const (
	maxNote     = 200 // 说明
	maxEvidence = 100 // 佐证
	maxText     = 100 // names and other text
	maxHouse    = 12  // 门牌号
)

// ReadSheet reads a monthly score sheet: its entries, and the headers it wrote. A row whose
// cells other than 户号 and 日期 are all empty is an untouched row of a template (see Template)
// and is skipped. A row whose cells are not separated by commas (as the Chinese input method's
// full-width comma leaves them) is reported, and not read. A row that repeats an earlier row
// exactly is reported, and kept.
//
// Sheets are the files that reach millions of rows, so this parser reads cells by column
// instead of through gocsv, whose reflection alone costs more per row than reading the CSV.
func ReadSheet(name string, data []byte) ([]Entry, Columns, check.List) {
	var diags check.List
	var out []Entry
	var rows rowSet
	cols, ok := scan(name, data, sheetColumns, &diags, func(cols Columns, cells []string, line int) {
		// The cells are in the order of sheetColumns.
		household, head, item, points, date, note, evidence := cells[0], cells[1], cells[2], cells[3], cells[4], cells[5], cells[6]
		if head != "" && !plain(head) {
			(&cell{name: name, columns: sheetColumns, cols: cols, line: line, diags: &diags}).personal("head", head)
		}
		if item == "" && points == "" && note == "" && evidence == "" {
			return
		}
		if out == nil {
			n := rowsAtMost(data)
			out = make([]Entry, 0, n)
			rows = newRowSet(n)
		}
		c := cell{name: name, columns: sheetColumns, cols: cols, line: line, diags: &diags}
		out = append(out, Entry{ // within its capacity
			Line:       line,
			Household:  c.id("household", household),
			Item:       c.id("item", item),
			Points:     c.integer("points", points),
			PointsText: points,
			Date:       c.date("date", date),
			DateText:   date,
			Note:       c.text("note", note, maxNote),
			Evidence:   c.text("evidence", evidence, maxEvidence),
		})
		e := &out[len(out)-1]
		e.Invalid = c.invalid
		if e.Invalid == 0 {
			if l, dup := rows.add(out, len(out)-1); dup {
				diags.Add(check.Diagnostic{Code: check.DuplicateRow, File: name, Line: line, Args: []string{strconv.Itoa(l)}})
			}
		}
	})
	switch {
	case !ok: // the rows before a CSV error are not worth checking on their own
		return nil, nil, diags
	case len(out) == 0 && len(diags) == 0: // rows with problems are not nothing
		diags.Add(check.Diagnostic{Code: check.EmptySheet, File: name})
	}
	hyphenSuggestions(diags, func() map[string]bool {
		has := map[string]bool{}
		for _, e := range out {
			has[e.Household], has[e.Item] = true, true
		}
		return has
	})
	numberedEvidence(name, cols, out, &diags)
	return out, cols, diags
}

// ParseRedemptions reads a month's supermarket exchanges. The columns say which headers the
// file wrote. A file with a header and no rows is a month in which nobody redeemed anything.
func ParseRedemptions(name string, data []byte) ([]Redemption, Columns, check.List) {
	var diags check.List
	var out []Redemption
	cols, ok := scan(name, data, redemptionColumns, &diags, func(cols Columns, cells []string, line int) {
		// The cells are in the order of redemptionColumns.
		household, goods, quantity, points, date := cells[0], cells[1], cells[2], cells[3], cells[4]
		c := cell{name: name, columns: redemptionColumns, cols: cols, line: line, diags: &diags}
		if out == nil {
			out = make([]Redemption, 0, rowsAtMost(data))
		}
		r := Redemption{
			Line:       line,
			Household:  c.id("household", household),
			Goods:      c.id("goods", goods),
			Quantity:   c.integer("quantity", quantity),
			Points:     c.integer("points", points),
			PointsText: points,
			Date:       c.date("date", date),
			DateText:   date,
		}
		if r.Quantity <= 0 && quantity != "" && !c.failed("quantity") {
			c.bad("quantity", quantity, &reasonMoreThanZero)
		}
		r.Invalid = c.invalid
		out = append(out, r)
	})
	if !ok {
		return nil, nil, diags
	}
	hyphenSuggestions(diags, func() map[string]bool {
		has := map[string]bool{}
		for _, r := range out {
			has[r.Household], has[r.Goods] = true, true
		}
		return has
	})
	return out, cols, diags
}

// ParseCatalog reads a supermarket catalog. Goods codes are told apart without regard to case,
// as the site's page addresses and lookups are.
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
	seen := map[string]Goods{} // by the code in upper case
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
		if f, dup := seen[strings.ToUpper(g.ID)]; dup {
			d := check.Diagnostic{Code: check.DuplicateID, File: name, Line: c.line, Column: t.header["goods"], Value: r.ID}
			if f.ID != g.ID {
				d.Reason, d.Args = &reasonCaseOnly, []string{f.ID, strconv.Itoa(f.Line)}
			}
			diags.Add(d)
		} else if g.ID != "" {
			seen[strings.ToUpper(g.ID)] = g
		}
		if g.Points <= 0 && r.Points != "" && !c.failed("points") {
			c.bad("points", r.Points, &reasonMoreThanZero)
		}
		out = append(out, g)
	}
	hyphenSuggestions(diags, t.codes)
	return out, diags
}

// codes are the cells of the table that are codes, in any column.
func (t *table) codes() map[string]bool {
	has := map[string]bool{}
	for _, row := range t.rows {
		for _, v := range row {
			if IsID(v) {
				has[v] = true
			}
		}
	}
	return has
}

// load unmarshals the table's rows into out with gocsv. A file with a header and no rows is a
// problem unless emptyOK (a month in which nobody redeemed anything).
func (t *table) load(out any, emptyOK bool, diags *check.List) bool {
	if err := t.unmarshal(out); err != nil {
		diags.Add(check.Diagnostic{Code: check.BadCSV, File: t.name})
		return false
	}
	if len(t.rows) == 0 && !emptyOK && len(*diags) == 0 {
		diags.Add(check.Diagnostic{Code: check.EmptySheet, File: t.name})
	}
	return true
}

// A rowSet finds entries that repeat an earlier entry exactly. It is a table of the entries'
// indexes, open-addressed by a hash of their cells and probed in turn from the slot of the
// hash: entries with the same hash take slots in the order they came, so the first entry that
// an entry repeats is the first one found.
type rowSet struct {
	seed  maphash.Seed
	slots []uint64 // the hash's high half and the entry's index + 1, or 0 for an empty slot
}

// newRowSet makes a rowSet for at most n entries: a power of two slots, at least twice as many.
func newRowSet(n int) rowSet {
	size := 8
	for size < 2*n {
		size *= 2
	}
	return rowSet{seed: maphash.MakeSeed(), slots: make([]uint64, size)}
}

type rowKey struct {
	household, item, date, note, evidence string
	points                                int
}

// add adds entries[i], and returns the line of the entry it repeats, if any.
func (s *rowSet) add(entries []Entry, i int) (int, bool) {
	e := &entries[i]
	// The hash leaves out the note and the evidence, the longest cells: rows that differ only
	// there meet in the table, and are told apart by their cells. The cells' hashes are
	// mixed by odd multipliers, which is quicker than hashing them as one.
	sum := maphash.String(s.seed, e.Household) ^ 3*maphash.String(s.seed, e.Item) ^
		5*maphash.String(s.seed, e.Date) ^ 0x9E3779B97F4A7C15*uint64(e.Points)
	tag := sum &^ (1<<32 - 1)
	key := func(e *Entry) rowKey { return rowKey{e.Household, e.Item, e.Date, e.Note, e.Evidence, e.Points} }
	mask := uint64(len(s.slots) - 1)
	for k := sum & mask; ; k = (k + 1) & mask {
		slot := s.slots[k]
		if slot == 0 {
			s.slots[k] = tag | uint64(i+1)
			return 0, false
		}
		if f := &entries[slot&(1<<32-1)-1]; slot&^(1<<32-1) == tag && key(f) == key(e) {
			return f.Line, true
		}
	}
}
