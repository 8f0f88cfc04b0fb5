package sheet

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/width"
)

// An ItemCode is one code the 事项 column of a score sheet may take: an item of the rule set in
// force, or a veto (一票否决). The caller takes them from the rule set, so that this package
// needs none of it.
type ItemCode struct {
	ID       string // 事项代码 or 否决情形代码
	Name     string
	Points   []int // the points a row may give: the item's points or its levels; none for a veto
	Cap      int   // the most a household gets (or loses) from the item; 0 for no cap
	Yearly   bool  // Cap counts over a calendar year rather than a month
	Evidence bool  // a row must fill in 佐证
	Veto     bool  // a veto: its rows give 0 points
}

// codesHeader is the header of the workbook's second sheet, which a cadre may save as CSV by
// mistake (a spreadsheet saves the sheet on show): the scanner knows it.
var codesHeader = []string{"代码", "名称", "类型", "分值", "上限", "须填佐证"}

// guideTitle ends the first line of the workbook's third sheet.
const guideTitle = "积分评定表怎么填"

// The sheets of the workbook, in order: only the first is saved as the CSV sheet.
const (
	scoreSheetName = "评定表"
	codesSheetName = "事项代码"
	guideSheetName = "填写说明"
)

// Number formats of the workbook's columns (ECMA-376 built-in formats).
const (
	formatText    = 49 // "@": a cell keeps what is typed, as typed
	formatGeneral = 0  // a number as it is: 5.5 stays 5.5 in the CSV, for the check to refuse
)

// Workbook is a blank score sheet for month (YYYY-MM) as an Excel workbook (.xlsx), for a cadre
// who fills it in Excel, WPS or LibreOffice and saves it as CSV. Its first sheet, 评定表, is the
// sheet of Template and nothing else, so that saving it as CSV gives a sheet as it is: the header
// and a row for each household on the roster during the month. Every column but 分值 is text,
// down to the last row, so that a spreadsheet keeps 0107, 3-12, 00123 and typed dates as typed;
// 分值 takes whole numbers only. The header's notes say what each column takes, the 事项 column
// offers codes as a drop-down, the second sheet lists them with their names, points and caps,
// and the third says how to fill the sheet in and save it as CSV. The same input gives the same
// bytes.
func Workbook(households []Household, month string, codes []ItemCode) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	b := &book{f: f}
	b.scoreSheet(templateHeader(), templateRows(households, month), month)
	b.codesSheet(codes)
	b.guideSheet(month)
	if len(codes) > 0 {
		b.codesDropDown(len(codes))
	}
	b.wholePoints()
	for _, name := range []string{scoreSheetName, codesSheetName, guideSheetName} {
		b.fitToWidth(name)
	}
	f.SetActiveSheet(0)
	b.do(f.SetDocProps(&excelize.DocProperties{
		Creator: "jifen", LastModifiedBy: "jifen", Title: monthTitle(month) + "积分评定表", Language: "zh-CN",
	}))
	b.do(f.SetAppProps(&excelize.AppProperties{Application: "jifen"}))
	if b.err != nil {
		return nil, fmt.Errorf("make the workbook: %w", b.err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, fmt.Errorf("write the workbook: %w", err)
	}
	return buf.Bytes(), nil
}

// A book is a workbook being made; it keeps the first error of the calls that make it.
type book struct {
	f   *excelize.File
	err error
}

func (b *book) do(err error) {
	if b.err == nil {
		b.err = err
	}
}

// fitToWidth prints the sheet on pages as wide as its columns, so that a printed sheet has
// every column.
func (b *book) fitToWidth(sheet string) {
	fit, wide, tall := true, 1, 0
	b.do(b.f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}))
	b.do(b.f.SetPageLayout(sheet, &excelize.PageLayoutOptions{FitToWidth: &wide, FitToHeight: &tall}))
}

func (b *book) style(s *excelize.Style) int {
	id, err := b.f.NewStyle(s)
	b.do(err)
	return id
}

// letter is the letter of the column of sheetColumns with key.
func letter(key string) string {
	for i, c := range sheetColumns {
		if c.key == key {
			name, _ := excelize.ColumnNumberToName(i + 1) // a small positive number
			return name
		}
	}
	return ""
}

// scoreSheet writes the first sheet: the header with its notes, and the rows.
func (b *book) scoreSheet(header []string, rows [][]string, month string) {
	f := b.f
	b.do(f.SetSheetName("Sheet1", scoreSheetName))
	text := b.style(&excelize.Style{NumFmt: formatText})
	general := b.style(&excelize.Style{NumFmt: formatGeneral})
	bold := b.style(&excelize.Style{NumFmt: formatText, Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	for i, c := range sheetColumns {
		col := letter(c.key)
		format, width := text, 11.0
		switch c.key {
		case "points":
			format, width = general, 7
		case "date":
			width = 12
		case "note":
			width = 30
		case "evidence":
			width = 16
		}
		b.do(f.SetColStyle(scoreSheetName, col, format))
		b.do(f.SetColWidth(scoreSheetName, col, col, width))
		b.do(f.SetCellStr(scoreSheetName, col+"1", header[i]))
		b.do(f.AddComment(scoreSheetName, excelize.Comment{
			Cell: col + "1", Author: "填写说明", Text: columnNote(c.key, month), Width: 240, Height: 110,
		}))
	}
	b.do(f.SetCellStyle(scoreSheetName, "A1", letter(sheetColumns[len(sheetColumns)-1].key)+"1", bold))
	for r, row := range rows {
		for i, v := range row {
			if v != "" {
				b.do(f.SetCellStr(scoreSheetName, letter(sheetColumns[i].key)+strconv.Itoa(r+2), v))
			}
		}
	}
	b.do(f.SetPanes(scoreSheetName, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}))
}

// columnNote is the note on the header cell of the score sheet's column with key.
func columnNote(key, month string) string {
	switch key {
	case "household":
		return "名册里的户号，已经填好，照原样保留（0107 前面的 0 不能丢）。一户这个月有几件事就占几行：复制这一行，粘贴到表下面的空行。"
	case "head":
		return "户主姓名，已经按名册填好，只是方便核对这一行是哪一户：不计分，也不公开。不要写身份证号、手机号。可以不填或删掉这一列。"
	case "item":
		return "从下拉列表里选事项代码；一票否决填否决情形代码（如 V3）。代码的名称、分值和上限见“事项代码”表。没有填事项的行不算数，可以留着。"
	case "points":
		return "这件事的分值，填整数：加分如 5，扣分如 -5，一票否决填 0。要符合“事项代码”表里的分值。"
	case "date":
		return "事情发生的日期，要在" + monthTitle(month) + "里，如 " + month + "-03。已经填上的是本月最后一天（或这一户退出的那天），请改成实际日期。"
	case "note":
		return "简要说明，最多 200 个字，可以不填。不要写身份证号、手机号。"
	case "evidence":
		return "佐证材料的编号，如照片、签到表编号，最多 100 个字；“事项代码”表里“须填佐证”为“是”的事项必须填。只存在仓库里，不公开。"
	}
	return ""
}

// monthTitle is month (YYYY-MM) in Chinese: 2025年7月.
func monthTitle(month string) string {
	y, m, ok := strings.Cut(month, "-")
	if n, err := strconv.Atoi(m); ok && err == nil {
		return y + "年" + strconv.Itoa(n) + "月"
	}
	return month
}

// codesSheet writes the second sheet: each code the 事项 column takes, with its name, kind,
// points, cap and whether 佐证 is required, items first and then vetoes, as the caller gave them.
func (b *book) codesSheet(codes []ItemCode) {
	f := b.f
	_, err := f.NewSheet(codesSheetName)
	b.do(err)
	text := b.style(&excelize.Style{NumFmt: formatText})
	bold := b.style(&excelize.Style{NumFmt: formatText, Font: &excelize.Font{Bold: true}})
	header := codesHeader
	widths := []float64{10, 40, 10, 14, 12, 10}
	for i, h := range header {
		col, _ := excelize.ColumnNumberToName(i + 1) // a small positive number
		b.do(f.SetColStyle(codesSheetName, col, text))
		b.do(f.SetColWidth(codesSheetName, col, col, widths[i]))
		b.do(f.SetCellStr(codesSheetName, col+"1", h))
	}
	b.do(f.SetCellStyle(codesSheetName, "A1", "F1", bold))
	for r, c := range codes {
		row := []string{c.ID, c.Name, codeKind(c), codePoints(c), codeCap(c), ""}
		if c.Evidence {
			row[5] = "是"
		}
		for i, v := range row {
			col, _ := excelize.ColumnNumberToName(i + 1)
			b.do(f.SetCellStr(codesSheetName, col+strconv.Itoa(r+2), v))
		}
	}
	b.do(f.SetPanes(codesSheetName, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}))
}

func codeKind(c ItemCode) string {
	switch {
	case c.Veto:
		return "一票否决"
	case len(c.Points) > 0 && c.Points[0] < 0:
		return "扣分"
	}
	return "加分"
}

// codePoints is what 分值 may be for the code: one number, or the levels to choose from.
func codePoints(c ItemCode) string {
	if c.Veto || len(c.Points) == 0 {
		return "0"
	}
	s := make([]string, len(c.Points))
	for i, p := range c.Points {
		s[i] = strconv.Itoa(p)
	}
	return strings.Join(s, "、")
}

func codeCap(c ItemCode) string {
	switch {
	case c.Cap == 0:
		return ""
	case c.Yearly:
		return "每年 " + strconv.Itoa(c.Cap)
	}
	return "每月 " + strconv.Itoa(c.Cap)
}

// codesDropDown offers the codes of the second sheet in the 事项 column, below the header and
// down to the last row. A code that is not in the list draws a warning that the cadre can pass
// (Excel's 是, LibreOffice's 确定 keep it), never a refusal: jifen validate judges the code in
// the end, and a cadre must not be blocked by a list made before a new version of the rules
// came into force, nor by a paste that a stop would refuse row by row.
func (b *book) codesDropDown(n int) {
	col := letter("item")
	dv := excelize.NewDataValidation(true)
	dv.SetSqref(fmt.Sprintf("%s2:%s%d", col, col, excelize.TotalRows))
	dv.SetSqrefDropList(fmt.Sprintf("'%s'!$A$2:$A$%d", codesSheetName, n+1))
	dv.SetError(excelize.DataValidationErrorStyleWarning, "不是细则里的代码",
		"这个代码不在“事项代码”表里。请从下拉列表里选；确实要这样填，点“是”（LibreOffice 里点“确定”）。")
	dv.SetInput("事项", "从下拉列表选代码，名称见“事项代码”表")
	b.do(b.f.AddDataValidation(scoreSheetName, dv))
}

// wholePoints takes whole numbers only in the 分值 column as they are typed. A pasted 5.5 passes
// the rule; the column's general format keeps it 5.5 in the CSV, for jifen validate to refuse
// (a whole-number format would save it as 6).
func (b *book) wholePoints() {
	col := letter("points")
	dv := excelize.NewDataValidation(true)
	dv.SetSqref(fmt.Sprintf("%s2:%s%d", col, col, excelize.TotalRows))
	b.do(dv.SetRange(-9999, 9999, excelize.DataValidationTypeWhole, excelize.DataValidationOperatorBetween))
	dv.SetError(excelize.DataValidationErrorStyleStop, "分值要填整数",
		"分值填整数：加分如 5，扣分如 -5，一票否决填 0。")
	b.do(b.f.AddDataValidation(scoreSheetName, dv))
}

// guideSheet writes the third sheet: the steps, one a row.
func (b *book) guideSheet(month string) {
	f := b.f
	_, err := f.NewSheet(guideSheetName)
	b.do(err)
	wrap := b.style(&excelize.Style{NumFmt: formatText, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	b.do(f.SetColWidth(guideSheetName, "A", "A", guideWidth))
	b.do(f.SetColStyle(guideSheetName, "A", wrap))
	for i, line := range guideLines(month) {
		row := strconv.Itoa(i + 1)
		b.do(f.SetCellStr(guideSheetName, "A"+row, line))
		// Spreadsheets do not all fit a row's height to wrapped text when they open a file.
		b.do(f.SetRowHeight(guideSheetName, i+1, float64(16*wrappedLines(line, guideWidth-4))))
	}
}

// guideWidth is the width of the guide's column, in characters of the default font: a page's
// width.
const guideWidth = 70

// wrappedLines is how many lines s takes in a column of the width of columns characters, a
// Chinese character taking two.
func wrappedLines(s string, columns int) int {
	n := 0
	for _, r := range s {
		n++
		if k := width.LookupRune(r).Kind(); k == width.EastAsianWide || k == width.EastAsianFullwidth {
			n++
		}
	}
	return max(1, (n+columns-1)/max(columns, 1))
}

func guideLines(month string) []string {
	title := monthTitle(month)
	return []string{
		title + guideTitle,
		"1. 在“评定表”里，本月在册的每一户已经有一行，户号和日期已经填好。一户这个月有一件事就填一行：选事项、填分值，把日期改成事情发生的那天，需要时填说明和佐证。每一列填什么，把鼠标放在表头上就能看到。",
		"2. 一户有两件以上的事：复制这一行，粘贴到表下面的空行，再改事项、分值和日期。行的先后没有关系。",
		"3. 没有事的户，那一行留着不动就行，不算数。不要删表头，不要在表头上面或表的旁边加标题、合计或备注。",
		"4. 户号、事项、日期、说明、佐证这几列已经设成“文本”格式：0107、3-12、00123、" + month + "-03 都照原样保存。从别的表格粘贴过来时，粘贴以后看一看户号前面的 0 和日期还在不在。",
		"5. 填完以后先点下面的“评定表”标签，再另存为 CSV 文件，文件名是 " + month + ".csv。只有当前这一张“评定表”会存进 CSV，“事项代码”和“填写说明”两张表不会存进去，也不用存。",
		"   · Excel：文件 → 另存为，保存类型选“CSV UTF-8（逗号分隔）(*.csv)”。提示“只保存当前工作表”或“可能丢失某些功能”时，点“确定”或“是”。",
		"   · WPS 表格：文件 → 另存为，文件类型选“CSV（逗号分隔）(*.csv)”；有“CSV UTF-8”的版本优先选它。提示可能丢失功能时，点“是”。",
		"   · LibreOffice：文件 → 另存为，文件类型选“CSV 文本 (.csv)”，勾选“编辑筛选设置”，点“保存”，再点“使用 CSV 文本 格式”；在“字段选项”里，字符集选“Unicode (UTF-8)”，字段分隔符选逗号“,”，字符串边界标识符选“\"”，勾选“将单元格内容按显示结果保存”，点“确定”。",
		"   · 户主姓名等有生僻字（如 𫖮）时一定要存成 UTF-8：GBK（ANSI）存不下的字会变成问号。",
		"6. 按填报指南把 " + month + ".csv 放进本村的 sheets 文件夹提交；这个 .xlsx 工作簿不要提交，只收 CSV。",
		"7. 提交以后，系统会逐行检查，指出哪一行哪一列有问题、怎么改。",
	}
}
