// Package check owns diagnostics: what is wrong with a records file, where, and how to say it
// in Chinese for cadres and in English for the command line.
package check

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// A Code names one kind of problem. Codes are stable: cadres and scripts may search for them.
type Code string

// The codes. Each has a Chinese and an English message template in messages.
const (
	BadEncoding      Code = "E001"
	BadCSV           Code = "E002"
	MissingColumn    Code = "E003"
	UnknownColumn    Code = "E004"
	DuplicateColumn  Code = "E005"
	MissingValue     Code = "E006"
	BadNumber        Code = "E007"
	BadDate          Code = "E008"
	BadID            Code = "E009"
	BadTOML          Code = "E010"
	BadFileName      Code = "E011"
	BadValue         Code = "E012"
	UnknownHousehold Code = "E101"
	InactiveHouse    Code = "E102"
	UnknownItem      Code = "E103"
	PointsNotAllowed Code = "E104"
	DateOutsideMonth Code = "E105"
	DuplicateID      Code = "E106"
	UnknownGrid      Code = "E107"
	UnknownVillage   Code = "E108"
	NoRules          Code = "E109"
	UnknownGoods     Code = "E110"
	WrongPrice       Code = "E111"
	MissingFile      Code = "E112"
	UnknownFile      Code = "E113"
	EmptySheet       Code = "E114"
	FutureMonth      Code = "E115"
	RefusedFile      Code = "E116"
	Unreviewed       Code = "E117"
	Unsigned         Code = "E118"
)

type message struct{ zh, en string }

// messages holds the text of every code. %[1]q is the offending value, %[2]s the column or key,
// %[3]s an extra detail.
var messages = map[Code]message{
	BadEncoding:      {"文件既不是 UTF-8 也不是 GB18030 编码：第 %[3]s 个字节无法识别，请用 Excel 或 WPS 重新另存为 CSV", "file is neither UTF-8 nor GB18030: undecodable byte at offset %[3]s"},
	BadCSV:           {"CSV 格式错误：%[3]s", "malformed CSV: %[3]s"},
	MissingColumn:    {"缺少必填列“%[2]s”", "missing required column %[2]q"},
	UnknownColumn:    {"不认识的列 %[1]q，可用的列：%[3]s", "unknown column %[1]q; known columns: %[3]s"},
	DuplicateColumn:  {"列“%[2]s”出现了两次", "column %[2]q appears twice"},
	MissingValue:     {"“%[2]s”不能为空", "%[2]s must not be empty"},
	BadNumber:        {"“%[2]s”的值 %[1]q 不是整数", "%[2]s %[1]q is not a whole number"},
	BadDate:          {"“%[2]s”的值 %[1]q 不是日期，请写成 2025-07-03、2025/7/3 或 2025年7月3日", "%[2]s %[1]q is not a date (write 2025-07-03, 2025/7/3 or 2025年7月3日)"},
	BadID:            {"“%[2]s”的值 %[1]q 不是有效的代码：%[3]s", "%[2]s %[1]q is not a valid id: %[3]s"},
	BadTOML:          {"TOML 格式错误：%[3]s", "malformed TOML: %[3]s"},
	BadFileName:      {"文件名 %[1]q 不对：%[3]s", "file name %[1]q is wrong: %[3]s"},
	BadValue:         {"“%[2]s”的值 %[1]q 不对：%[3]s", "%[2]s %[1]q is wrong: %[3]s"},
	UnknownHousehold: {"户号 %[1]q 不在本村名册（households.csv）里", "household %[1]q is not in the village roster (households.csv)"},
	InactiveHouse:    {"户号 %[1]q 在 %[3]s 不在册（看名册的加入日期和退出日期）", "household %[1]q is not on the roster on %[3]s (see its joined and left dates)"},
	UnknownItem:      {"事项 %[1]q 不在 %[3]s 版积分细则里", "item %[1]q is not in the rule set of %[3]s"},
	PointsNotAllowed: {"分值 %[1]q 不符合细则：%[3]s", "points %[1]q not allowed: %[3]s"},
	DateOutsideMonth: {"日期 %[1]q 不在本表的月份 %[3]s 里", "date %[1]q is outside the sheet's month %[3]s"},
	DuplicateID:      {"“%[2]s” %[1]q 重复出现", "%[2]s %[1]q appears more than once"},
	UnknownGrid:      {"小组 %[1]q 不在 village.toml 的小组里，可用的小组：%[3]s", "grid %[1]q is not a grid of village.toml; known grids: %[3]s"},
	UnknownVillage:   {"村代码 %[1]q：%[3]s", "village %[1]q: %[3]s"},
	NoRules:          {"%[1]s 月没有生效的积分细则（rules/ 里没有更早生效的版本）", "no rule set is in force in %[1]s (no version in rules/ takes effect by then)"},
	UnknownGoods:     {"商品编号 %[1]q 不在商品目录里", "goods %[1]q are not in the catalog"},
	WrongPrice:       {"积分 %[1]q 不对：%[3]s", "points %[1]q are wrong: %[3]s"},
	MissingFile:      {"缺少文件：%[3]s", "missing file: %[3]s"},
	UnknownFile:      {"不认识的文件：%[3]s", "unexpected file: %[3]s"},
	EmptySheet:       {"表里没有任何数据行", "the file has no data rows"},
	RefusedFile:      {"不读取 %[1]q：%[3]s", "refused to read %[1]q: %[3]s"},
	Unreviewed:       {"%[3]s 没有经过评议小组审核就改动了这个文件（不是合并请求，也没有 Reviewed-by: 或 Approved-by:）", "%[3]s changed this file without review (not a merged pull request, and no Reviewed-by: or Approved-by: trailer)"},
	Unsigned:         {"%[3]s 改动了这个文件，但没有本村名单上的密钥签名（village.toml 的 signing_keys）", "%[3]s changed this file without a signature by a key listed for the village (signing_keys in village.toml)"},
	FutureMonth:      {"月份 %[1]q 还没有到（现在是 %[3]s）", "month %[1]q is in the future (now is %[3]s)"},
}

// A Diagnostic is one problem in one place of the records.
type Diagnostic struct {
	Code   Code   `json:"code"`
	File   string `json:"file"`
	Line   int    `json:"line,omitempty"`   // 1-based; 0 for the whole file
	Column string `json:"column,omitempty"` // column header or TOML key, as the cadre wrote it
	Value  string `json:"value,omitempty"`  // the offending value, verbatim
	Detail string `json:"detail,omitempty"` // language-neutral detail (numbers, ids, dates)
}

// Message is the diagnostic's text in lang ("zh" or "en").
func (d Diagnostic) Message(lang string) string {
	m, ok := messages[d.Code]
	if !ok {
		return string(d.Code)
	}
	tmpl := m.zh
	if lang == "en" {
		tmpl = m.en
	}
	if !strings.Contains(tmpl, "%") {
		return tmpl
	}
	// Every template uses explicit argument indexes, so unused arguments are not reported.
	return fmt.Sprintf(tmpl, d.Value, d.Column, d.Detail)
}

// Position is "file:line" or "file".
func (d Diagnostic) Position() string {
	if d.Line > 0 {
		return d.File + ":" + strconv.Itoa(d.Line)
	}
	return d.File
}

// String is the English form, for errors and tests.
func (d Diagnostic) String() string {
	return d.Position() + ": " + string(d.Code) + " " + d.Message("en")
}

// A List collects diagnostics from every file of a run.
type List []Diagnostic

// Add appends a diagnostic.
func (l *List) Add(d Diagnostic) { *l = append(*l, d) }

// Sort orders the list by file, line, column and code, and drops exact duplicates.
func (l *List) Sort() {
	slices.SortFunc(*l, func(a, b Diagnostic) int {
		return cmp.Or(
			strings.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			strings.Compare(a.Column, b.Column),
			strings.Compare(string(a.Code), string(b.Code)),
			strings.Compare(a.Value, b.Value),
			strings.Compare(a.Detail, b.Detail),
		)
	})
	*l = slices.Compact(*l)
}

// Err returns the list as an error, or nil when it is empty.
func (l List) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// Error implements error with the first diagnostic and a count.
func (l List) Error() string {
	switch len(l) {
	case 0:
		return "no problems"
	case 1:
		return l[0].String()
	}
	return fmt.Sprintf("%s (and %d more problems)", l[0], len(l)-1)
}

// WriteText prints the list for people: one line a problem, then a count.
func (l List) WriteText(w io.Writer, lang string) error {
	var b strings.Builder
	for _, d := range l {
		b.WriteString(d.Position())
		b.WriteString(": ")
		if d.Column != "" && d.Line > 0 {
			b.WriteString(d.Column)
			b.WriteString(": ")
		}
		b.WriteString(d.Message(lang))
		b.WriteString(" [")
		b.WriteString(string(d.Code))
		b.WriteString("]\n")
	}
	files := map[string]bool{}
	for _, d := range l {
		files[d.File] = true
	}
	if lang == "en" {
		fmt.Fprintf(&b, "%d problems in %d files\n", len(l), len(files))
	} else {
		fmt.Fprintf(&b, "共 %d 个问题，涉及 %d 个文件\n", len(l), len(files))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON prints the list as a JSON array with messages in both languages.
func (l List) WriteJSON(w io.Writer) error {
	type out struct {
		Diagnostic
		Zh string `json:"message_zh"`
		En string `json:"message_en"`
	}
	rows := make([]out, len(l))
	for i, d := range l {
		rows[i] = out{d, d.Message("zh"), d.Message("en")}
	}
	data, err := json.MarshalIndent(rows, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(data, '\n'))
	return err
}
