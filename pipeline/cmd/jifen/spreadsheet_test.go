package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSpreadsheetChanges fills the CSV template as a cadre does who opens it in a spreadsheet
// without setting any column to text, saves it with LibreOffice Calc in Chinese, and validates
// it: each value the spreadsheet changed is said at its line, with what the spreadsheet did and
// the code or date it was, and nothing else is reported.
func TestSpreadsheetChanges(t *testing.T) {
	dir := spreadsheetTown(t)
	work := t.TempDir()
	typed := filepath.Join(work, "2025-07.csv")
	if _, stderr, err := jifen(t, "template", "--village", "dongcun", "--month", "2025-07", "--repo", dir, "--out", typed); err != nil {
		t.Fatal(err, stderr)
	}
	data, err := os.ReadFile(typed)
	if err != nil {
		t.Fatal(err)
	}
	// What the cadre types, as a spreadsheet would have it typed: below the template's rows.
	// What the cadre types, as a spreadsheet would have it typed: below the template's rows,
	// the 户主 of a row added left empty or typed.
	data = append(data, "0107,,GJ02,5,2025-07-03,修村道,00123\r\n"+
		"3-12,司马秋白,GJ02,5,2025/7/1,修村道,签到表7-1\r\n"+
		"00123,,GJ02,5,2025-07-05,修村道,00456\r\n"...)
	write(t, typed, string(data))
	saved := filepath.Join(work, "saved")
	saveAsCSV(t, saved, "44,34,76,1", typed)()
	data, err = os.ReadFile(filepath.Join(saved, "2025-07.csv"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("LibreOffice's CSV:\n%s", data)
	write(t, filepath.Join(dir, "villages/dongcun/sheets/2025-07.csv"), string(data))
	stdout, _, err := jifen(t, "validate", "--repo", dir, "--as-of", "2025-08-01")
	if err == nil {
		t.Fatalf("validate passed a sheet the spreadsheet changed:\n%s", stdout)
	}
	// A code read as a month and a day takes the year it is saved in.
	yy := time.Now().Year() % 100
	sheet := "villages/dongcun/sheets/2025-07.csv"
	want := []string{ // the template's rows, lines 2 to 4, are left as they were: they do not count
		sheet + `:5: 户号 "107" 不在本村名册（households.csv）里：电子表格把它当成数字，去掉了前面的 0：把这一列的格式设成“文本”，重新填上代码。是不是要写 "0107"？ [E101]`,
		fmt.Sprintf(sheet+`:6: “户号”的值 "%02d年3月12日" 不是有效的代码：电子表格把代码当成日期改掉了：把这一列的格式设成“文本”，重新填上代码。是不是要写 "3-12"？ [E009]`, yy),
		sheet + `:6: “日期”的值 "25年7月1日" 不是日期：年份只写了两位，要写全四位。是不是要写 "2025-07-01"？ [E008]`,
		sheet + `:7: 户号 "123" 不在本村名册（households.csv）里：电子表格把它当成数字，去掉了前面的 0：把这一列的格式设成“文本”，重新填上代码。是不是要写 "00123"？ [E101]`,
		"共 4 个错误",
	}
	for _, w := range want {
		if !strings.Contains(stdout, w+"\n") && !strings.Contains(stdout, w+"，") {
			t.Errorf("validate does not say\n%s\nit says:\n%s", w, stdout)
		}
	}
}
