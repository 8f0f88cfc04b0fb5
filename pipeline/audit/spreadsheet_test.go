package audit

import (
	"strings"
	"testing"
	"time"

	"github.com/jifen-project/jifen/pipeline/town"
)

// TestSpreadsheetDamage: what a spreadsheet does to codes typed in a column not formatted as
// text is said at its line, with the roster's (or the catalog's) code it was: leading zeros dropped, a code turned
// into a date (shown, saved or as a serial number), decimals added. A roster whose codes lost
// their zeros is said once, at the first row that uses the code as it was, not at every row.
// A workbook is one E132 wherever it is, with the name to save it as, or that the month's CSV
// is there already.
func TestSpreadsheetDamage(t *testing.T) {
	const xlsx = "PK\x03\x04\x14\x00\x06\x00[Content_Types].xml\x00xl/workbook.xml"
	src := town.Source{Files: base(t), History: map[string][]town.Version{}}
	src.Files["villages/dongcun/households.csv"] = []byte("户号,户主,小组,公开授权,加入日期,退出日期\n" +
		"0107,欧阳春晓,第一组,是,2024-12-01,\n3-12,司马秋白,第一组,否,2024-12-01,\n108,诸葛夏雨,第二组,是,2024-12-01,\n")
	src.Files["villages/dongcun/sheets/2025-06.csv"] = []byte("户号,事项,分值,日期,说明,佐证\n" +
		"107,GJ02,5,2025-06-03,修村道,签到表6-1\n" + // 0107 lost its zero
		"3月12日,GJ02,5,2025-06-03,修村道,签到表6-1\n" + // 3-12 as Excel shows a date
		"12-Mar,GJ02,5,2025-06-04,修村道,签到表6-1\n" + // as an English Excel shows it
		"45728,GJ02,5,2025-06-05,修村道,签到表6-1\n" + // the date's serial number
		"107.00,GJ02,5,2025-06-06,修村道,签到表6-1\n" +
		"0108,GJ02,5,2025-06-07,修村道,签到表6-1\n") // the roster lost the zero of 0108
	src.Files["villages/dongcun/sheets/2025-07.csv"] = []byte("户号,事项,分值,日期,说明,佐证\n0108,GJ02,5,2025-07-03,修村道,签到表7-1\n")
	src.Files["supermarket/catalog.csv"] = []byte("商品编号,名称,单位,积分,成本\n001,食用油,桶,6,59.90\n1-2,毛巾,条,2,5.40\n")
	src.Files["villages/dongcun/redemptions/2025-07.csv"] = []byte("户号,商品,数量,积分,日期\n" +
		"0107,1.00,1,6,2025-07-20\n" + // 001 as a number with decimals
		"0107,25年1月2日,1,2,2025-07-20\n") // 1-2 as LibreOffice shows a date in Chinese
	src.Files["villages/dongcun/sheets/2025-07.xlsx"] = []byte(xlsx) // beside the month's CSV
	src.Files["villages/dongcun/sheets/2025-08.xlsx"] = []byte(xlsx) // instead of it
	src.Files["villages/dongcun/sheets/2025-09.csv"] = []byte(xlsx)  // a workbook under a CSV name
	r := Run(src, Options{Now: time.Date(2025, 10, 3, 10, 0, 0, 0, time.UTC)})
	var got []string
	for _, d := range r.Diagnostics {
		got = append(got, d.Position()+" "+d.Message("zh")+" ["+string(d.Code)+"]")
	}
	want := []string{
		`villages/dongcun/redemptions/2025-07.csv:2 “商品”的值 "1.00" 不是有效的代码：电子表格把它当成数字，加上了小数：把这一列的格式设成“文本”，重新填上代码。是不是要写 "001"？ [E009]`,
		`villages/dongcun/redemptions/2025-07.csv:3 “商品”的值 "25年1月2日" 不是有效的代码：电子表格把代码当成日期改掉了：把这一列的格式设成“文本”，重新填上代码。是不是要写 "1-2"？ [E009]`,
		`villages/dongcun/sheets/2025-06.csv:2 户号 "107" 不在本村名册（households.csv）里：电子表格把它当成数字，去掉了前面的 0：把这一列的格式设成“文本”，重新填上代码。是不是要写 "0107"？ [E101]`,
		`villages/dongcun/sheets/2025-06.csv:3 “户号”的值 "3月12日" 不是有效的代码：电子表格把代码当成日期改掉了：把这一列的格式设成“文本”，重新填上代码。是不是要写 "3-12"？ [E009]`,
		`villages/dongcun/sheets/2025-06.csv:4 户号 "12-Mar" 不在本村名册（households.csv）里：电子表格把代码当成日期改掉了：把这一列的格式设成“文本”，重新填上代码。是不是要写 "3-12"？ [E101]`,
		`villages/dongcun/sheets/2025-06.csv:5 户号 "45728" 不在本村名册（households.csv）里：电子表格把代码当成日期改掉了：把这一列的格式设成“文本”，重新填上代码。是不是要写 "3-12"？ [E101]`,
		`villages/dongcun/sheets/2025-06.csv:6 “户号”的值 "107.00" 不是有效的代码：电子表格把它当成数字，加上了小数：把这一列的格式设成“文本”，重新填上代码。是不是要写 "0107"？ [E009]`,
		`villages/dongcun/sheets/2025-06.csv:7 户号 "0108" 不在本村名册（households.csv）里：名册里写的是 "108"，像是电子表格去掉了名册里户号前面的 0：把名册的户号列设成“文本”，改回原来的户号 [E101]`,
		`villages/dongcun/sheets/2025-07.xlsx 这是电子表格工作簿（.xlsx），不是 CSV 文件：这个月的 CSV 文件已经有了：核对两者一致以后删掉工作簿 [E132]`,
		`villages/dongcun/sheets/2025-08.xlsx 这是电子表格工作簿（.xlsx），不是 CSV 文件。另存为 "villages/dongcun/sheets/2025-08.csv" [E132]`,
		`villages/dongcun/sheets/2025-09.csv 这是电子表格工作簿（.xlsx），不是 CSV 文件 [E132]`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestCorrectionEvidence: a correction saved from a spreadsheet that took the evidence numbers
// for numbers warns at each row whose number lost its zeros or gained decimals, with the number
// the approved row had; rows whose evidence the correction really changed are not warned of.
func TestCorrectionEvidence(t *testing.T) {
	const name = "villages/dongcun/sheets/2025-07.csv"
	at := time.Date(2025, 8, 1, 10, 0, 0, 0, time.UTC)
	src := town.Source{Files: base(t), History: map[string][]town.Version{}}
	approved := "户号,事项,分值,日期,说明,佐证\n" +
		"D-01,GJ02,5,2025-07-03,修村道,00123\nD-02,GJ02,5,2025-07-03,修村道,00456\nD-03,GJ02,5,2025-07-03,修村道,00789\n"
	src.History[name] = []town.Version{{Commit: "1111111aaaa", Time: at, Merge: true, Data: []byte(approved)}}
	src.Files[name] = []byte("户号,事项,分值,日期,说明,佐证\n" +
		"D-01,GJ02,5,2025-07-03,修村道,123\nD-02,GJ02,5,2025-07-03,修村道,456.00\nD-03,GJ02,5,2025-07-03,修村道,790\n")
	r := Run(src, Options{Now: at.AddDate(0, 0, 3)})
	var got []string
	for _, d := range r.Diagnostics {
		got = append(got, d.Position()+" "+d.Message("zh")+" ["+string(d.Code)+"]")
	}
	want := []string{
		name + `:2 “佐证”的值 "123" 像是被电子表格当成了数字。是不是要写 "00123"？ [W005]`,
		name + `:3 “佐证”的值 "456.00" 像是被电子表格当成了数字。是不是要写 "00456"？ [W005]`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestSpreadsheetYear: a December sheet filled in the January after, whose dates a spreadsheet
// took for this year's (12/28 became 26年12月28日 or the serial of 2026-12-28): the date
// suggested is in the sheet's month.
func TestSpreadsheetYear(t *testing.T) {
	const name = "villages/dongcun/sheets/2025-12.csv"
	src := town.Source{Files: base(t), History: map[string][]town.Version{}}
	src.Files[name] = []byte("户号,事项,分值,日期,说明,佐证\nD-01,GJ02,5,26年12月28日,修村道,签到表\nD-03,GJ02,5,46384,修村道,签到表\n")
	r := Run(src, Options{Now: time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)})
	var got []string
	for _, d := range r.Diagnostics {
		got = append(got, d.Position()+" "+d.Suggest+" ["+string(d.Code)+"]")
	}
	want := []string{name + ":2 2025-12-28 [E008]", name + ":3 2025-12-28 [E008]"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestEvidenceLostZeros: a new sheet saved from a spreadsheet, all of whose evidence numbers lost
// their zeros, is told by the village's approved sheets, which write them with zeros to five
// digits; the approved sheets themselves are not warned of again.
func TestEvidenceLostZeros(t *testing.T) {
	const june, july = "villages/dongcun/sheets/2025-06.csv", "villages/dongcun/sheets/2025-07.csv"
	at := time.Date(2025, 7, 1, 10, 0, 0, 0, time.UTC)
	src := town.Source{Files: base(t), History: map[string][]town.Version{}}
	src.Files[june] = []byte("户号,事项,分值,日期,说明,佐证\nD-01,GJ02,5,2025-06-03,修村道,00123\nD-02,GJ02,5,2025-06-03,修村道,123\n")
	src.History[june] = []town.Version{{Commit: "1111111aaaa", Time: at, Merge: true, Data: src.Files[june]}}
	src.Files[july] = []byte("户号,事项,分值,日期,说明,佐证\nD-01,GJ02,5,2025-07-03,修村道,456\nD-02,GJ02,5,2025-07-03,修村道,签到表7-1\n")
	r := Run(src, Options{Now: at.AddDate(0, 1, 3)})
	var got []string
	for _, d := range r.Diagnostics {
		got = append(got, d.Position()+" "+d.Value+" ["+string(d.Code)+"]")
	}
	if want := july + ":2 456 [W005]"; strings.Join(got, "\n") != want {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), want)
	}
}
