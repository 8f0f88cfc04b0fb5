package sheet

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

var workbookCodes = []ItemCode{
	{ID: "GJ02", Name: "义务劳动、投工投劳", Points: []int{5}, Cap: 10, Evidence: true},
	{ID: "AD03", Name: "受到表彰", Points: []int{15, 10, 5}, Cap: 20, Yearly: true},
	{ID: "KF01", Name: "乱堆乱放", Points: []int{-5}, Cap: -20},
	{ID: "V3", Name: "涉黄赌毒被公安机关处理", Veto: true},
}

func openWorkbook(t *testing.T, data []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// TestWorkbook opens the workbook as a spreadsheet would and checks its sheets: the score sheet
// is first and active, holds the template's rows and nothing else, its columns are text but 分值,
// down to rows never written, 事项 offers the codes of the second sheet, and each header cell has
// a note.
func TestWorkbook(t *testing.T) {
	hs := []Household{
		{ID: "0107", Head: "王小明", Joined: "2024-12-01"},
		{ID: "3-12", Joined: "2024-12-01", Left: "2025-07-02"},
		{ID: "00123", Joined: "2024-12-01", Left: "2025-06-30"},
	}
	data, err := Workbook(hs, "2025-07", workbookCodes)
	if err != nil {
		t.Fatal(err)
	}
	f := openWorkbook(t, data)
	if got := f.GetSheetList(); !slices.Equal(got, []string{scoreSheetName, codesSheetName, guideSheetName}) || f.GetActiveSheetIndex() != 0 {
		t.Fatalf("sheets %q, active %d", got, f.GetActiveSheetIndex())
	}
	rows, err := f.GetRows(scoreSheetName)
	want := [][]string{{"户号", "户主", "事项", "分值", "日期", "说明", "佐证"}, {"0107", "王小明", "", "", "2025-07-31"}, {"3-12", "", "", "", "2025-07-02"}}
	if err != nil || !slices.EqualFunc(rows, want, slices.Equal) {
		t.Errorf("score sheet %q, %v\nwant %q", rows, err, want)
	}
	for _, cell := range []string{"A2", "A3", "B2", "E2"} {
		if typ, err := f.GetCellType(scoreSheetName, cell); err != nil || typ != excelize.CellTypeSharedString {
			t.Errorf("%s is of type %v, %v; want a string", cell, typ, err)
		}
	}
	for col, format := range map[string]int{"A": formatText, "B": formatText, "C": formatText, "D": formatGeneral, "E": formatText, "F": formatText, "G": formatText} {
		for _, cell := range []string{col + "2", col + "3", col + "1000", col + "100000"} {
			if got := numFmt(t, f, cell); got != format {
				t.Errorf("%s has number format %d, want %d", cell, got, format)
			}
		}
	}
	checkValidations(t, f, "'事项代码'!$A$2:$A$5")
	comments, err := f.GetComments(scoreSheetName)
	if err != nil || len(comments) != 7 {
		t.Fatalf("comments %v, %v", comments, err)
	}
	for i, c := range comments {
		if c.Cell != string(rune('A'+i))+"1" || c.Text == "" {
			t.Errorf("comment %d on %s: %q", i, c.Cell, c.Text)
		}
	}
	if !strings.Contains(comments[4].Text, "2025年7月") {
		t.Errorf("the note on 日期 does not name the month: %q", comments[4].Text)
	}
	if !strings.Contains(comments[1].Text, "不公开") {
		t.Errorf("the note on 户主 does not say the names stay private: %q", comments[1].Text)
	}
}

func numFmt(t *testing.T, f *excelize.File, cell string) int {
	t.Helper()
	id, err := f.GetCellStyle(scoreSheetName, cell)
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	return s.NumFmt
}

// checkValidations checks the score sheet's data validations: 事项 offers the list (none when
// list is ""), and warns of other codes without refusing them; 分值 takes whole numbers only.
func checkValidations(t *testing.T, f *excelize.File, list string) {
	t.Helper()
	dvs, err := f.GetDataValidations(scoreSheetName)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, dv := range dvs {
		got = append(got, strings.Join([]string{dv.Sqref, dv.Type, dv.Formula1, dv.Formula2, *dv.ErrorStyle}, " "))
	}
	want := []string{"D2:D1048576 whole -9999 9999 stop"}
	if list != "" {
		want = append([]string{"C2:C1048576 list " + list + "  warning"}, want...)
	}
	if !slices.Equal(got, want) {
		t.Errorf("validations %q\nwant %q", got, want)
	}
}

// TestWorkbookCodes checks the sheet of codes beside the score sheet, and the guide.
func TestWorkbookCodes(t *testing.T) {
	data, err := Workbook(nil, "2025-07", workbookCodes)
	if err != nil {
		t.Fatal(err)
	}
	f := openWorkbook(t, data)
	rows, err := f.GetRows(codesSheetName)
	want := [][]string{
		{"代码", "名称", "类型", "分值", "上限", "须填佐证"},
		{"GJ02", "义务劳动、投工投劳", "加分", "5", "每月 10", "是"},
		{"AD03", "受到表彰", "加分", "15、10、5", "每年 20"},
		{"KF01", "乱堆乱放", "扣分", "-5", "每月 -20"},
		{"V3", "涉黄赌毒被公安机关处理", "一票否决", "0"},
	}
	if err != nil || !slices.EqualFunc(rows, want, slices.Equal) {
		t.Errorf("codes %q, %v\nwant %q", rows, err, want)
	}
	guide, err := f.GetRows(guideSheetName)
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for _, row := range guide {
		text.WriteString(strings.Join(row, "") + "\n")
	}
	for _, s := range []string{"2025-07.csv", "CSV UTF-8（逗号分隔）", "WPS", "CSV（逗号分隔）", "CSV 文本 (.csv)", "Unicode (UTF-8)", "只有当前这一张“评定表”会存进 CSV"} {
		if !strings.Contains(text.String(), s) {
			t.Errorf("the guide does not say %q", s)
		}
	}
}

// TestWorkbookWithoutCodes: with no rule set in force, 事项 offers no list, and the rest is there.
func TestWorkbookWithoutCodes(t *testing.T) {
	data, err := Workbook([]Household{{ID: "A", Joined: "2024-12-01"}}, "2025-07", nil)
	if err != nil {
		t.Fatal(err)
	}
	f := openWorkbook(t, data)
	checkValidations(t, f, "")
	if rows, err := f.GetRows(codesSheetName); err != nil || len(rows) != 1 {
		t.Errorf("codes %q, %v: want the header alone", rows, err)
	}
}

// TestWorkbookDeterministic: the same input gives the same bytes.
func TestWorkbookDeterministic(t *testing.T) {
	hs := []Household{{ID: "A", Joined: "2024-12-01"}, {ID: "B", Joined: "2024-12-01"}}
	a, err := Workbook(hs, "2025-07", workbookCodes)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if b, err := Workbook(hs, "2025-07", workbookCodes); err != nil || !bytes.Equal(a, b) {
			t.Fatalf("a second workbook differs (%v)", err)
		}
	}
}
