package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/jifen-project/jifen/pipeline/sheet"
)

// The cadre's rows typed into the workbook: the cells of 户号, 事项, 日期, 说明 and 佐证 as text,
// 分值 as a number, as a spreadsheet stores what is typed into the workbook's columns. Row 8
// leaves two empty rows above it.
var typedRows = map[int][]any{
	2: {"0107", "", "GJ02", 5, "2025-07-03", "修村道|第一段，帮𫖮家", "00123"}, // 户主 as the template filled it
	3: {"3-12", "", "V3", 0, "2025-07-02", "", ""},                   // its last day on the roster, as the template filled it
	5: {"0107", "", "GJ02", 5, "2025/7/20", "", "签到表7-2"},
	8: {"00123", "王,𫖮", "ZF01", 5, "2025年7月9日", "", ""}, // a row added, with a name typed as it came
}

// TestWorkbookRoundTrip writes the workbook template for a village whose household codes a
// spreadsheet would take for numbers and dates, fills in a cadre's rows, saves it as CSV with
// LibreOffice Calc, and validates the sheet: no errors, and every value as typed. The blank
// workbook saved as CSV is the CSV template.
func TestWorkbookRoundTrip(t *testing.T) {
	dir := spreadsheetTown(t)
	work := t.TempDir()
	t.Chdir(work)
	stdout, _, err := jifen(t, "template", "--village", "dongcun", "--month", "2025-07", "--repo", dir, "--format", "xlsx")
	if err != nil || !strings.Contains(stdout, "2025-07.xlsx") || !strings.Contains(stdout, "2025-07.csv") {
		t.Fatalf("template --format xlsx: %v\n%s", err, stdout)
	}
	blank, err := os.ReadFile(filepath.Join(work, "2025-07.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	if stdout, _, err := jifen(t, "template", "--village", "dongcun", "--month", "2025-07", "--repo", dir, "--format", "xlsx", "--out", "-"); err != nil || stdout != string(blank) {
		t.Errorf("the workbook on standard output differs from the file (%v)", err)
	}
	if _, _, err := jifen(t, "template", "--village", "dongcun", "--month", "2025-07", "--repo", dir, "--format", "xlsx"); err == nil {
		t.Error("template overwrote an existing workbook")
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, "villages/dongcun")); slices.ContainsFunc(entries, func(e os.DirEntry) bool { return e.Name() == "sheets" }) {
		t.Error("the workbook template wrote into the records")
	}

	converted, defaults := filepath.Join(work, "csv"), filepath.Join(work, "default")
	write(t, filepath.Join(work, "blank.xlsx"), string(blank))
	fillWorkbook(t, filepath.Join(work, "2025-07.xlsx"))
	// UTF-8 (76), comma, quote, as the guide says; and the filter's defaults, at the same time.
	wait := saveAsCSV(t, converted, "44,34,76,1", filepath.Join(work, "blank.xlsx"), filepath.Join(work, "2025-07.xlsx"))
	waitDefault := saveAsCSV(t, defaults, "", filepath.Join(work, "2025-07.xlsx"))
	wait()
	waitDefault()

	checkBlank(t, filepath.Join(converted, "blank.csv"), dir)
	checkFilled(t, filepath.Join(converted, "2025-07.csv"), dir)
	checkDefault(t, filepath.Join(defaults, "2025-07.csv"), dir)
}

// checkDefault checks the CSV that LibreOffice saves with its CSV filter's defaults, which the
// guide does not ask for: if it kept the Chinese text, it validates as the UTF-8 one does;
// otherwise (LibreOffice 7.4 writes every Chinese character as "?") validate says so in one
// error, E133 at the header, and nothing of the columns it cannot find.
func checkDefault(t *testing.T, name, records string) {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("LibreOffice's CSV with the filter's defaults:\n%s", data)
	write(t, filepath.Join(records, "villages/dongcun/sheets/2025-07.csv"), string(data))
	stdout, _, err := jifen(t, "validate", "--repo", records, "--as-of", "2025-08-01")
	kept := bytes.Contains(data, []byte("户号"))
	if kept != (err == nil) || !kept && (!strings.Contains(stdout, ":1: \"??\" 里的“?”是保存时丢掉的字") || !strings.Contains(stdout, "共 1 个错误")) {
		t.Errorf("the Chinese text kept: %v; validate: %v\n%s", kept, err, stdout)
	}
	t.Logf("validate: %v\n%s", err, stdout)
}

// fillWorkbook types the cadre's rows into the workbook's score sheet.
func fillWorkbook(t *testing.T, name string) {
	t.Helper()
	f, err := excelize.OpenFile(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheetName := f.GetSheetName(0)
	for row, cells := range typedRows {
		for i, v := range cells {
			cell := fmt.Sprintf("%c%d", 'A'+i, row)
			switch v := v.(type) {
			case string:
				if v != "" {
					err = f.SetCellStr(sheetName, cell, v)
				}
			case int:
				err = f.SetCellInt(sheetName, cell, int64(v))
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
}

// checkBlank checks that the blank workbook saved as CSV reads as the CSV template does.
func checkBlank(t *testing.T, name, records string) {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	stdout, _, err := jifen(t, "template", "--village", "dongcun", "--month", "2025-07", "--repo", records, "--out", "-")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := csvRecords(t, data), csvRecords(t, []byte(strings.TrimPrefix(stdout, "\uFEFF"))); !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("the blank workbook saved as CSV:\n%q\nwant the CSV template:\n%q", got, want)
	}
}

// checkFilled puts the CSV saved from the filled workbook in the records, validates them, and
// checks the rows' values.
func checkFilled(t *testing.T, name, records string) {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("LibreOffice's CSV:\n%s", data)
	write(t, filepath.Join(records, "villages/dongcun/sheets/2025-07.csv"), string(data))
	if stdout, stderr, err := jifen(t, "validate", "--repo", records, "--as-of", "2025-08-01"); err != nil || strings.TrimSpace(stdout) != "没有发现问题" {
		t.Errorf("validate: %v\n%s%s", err, stdout, stderr)
	}
	entries, _, diags := sheet.ReadSheet("2025-07.csv", data)
	if len(diags) > 0 {
		t.Fatalf("read: %v", diags)
	}
	var got [][]string
	for _, e := range entries {
		got = append(got, []string{e.Household, e.Item, e.PointsText, e.DateText, e.Note, e.Evidence})
	}
	var want [][]string
	for _, row := range []int{2, 3, 5, 8} {
		var cells []string
		for i, v := range typedRows[row] {
			if i != 1 { // 户主 is for the eye, never read
				cells = append(cells, fmt.Sprint(v))
			}
		}
		want = append(want, cells)
	}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("rows read:\n%q\nwant as typed:\n%q", got, want)
	}
}

func csvRecords(t *testing.T, data []byte) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	records, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	return records
}

// spreadsheetTown is the test town with a roster whose household codes a spreadsheet takes for
// numbers and dates, 0107, 3-12 and 00123; 3-12 leaves on 2025-07-02, D-04 left in June.
func spreadsheetTown(t *testing.T) string {
	t.Helper()
	dir := testRecords(t)
	write(t, filepath.Join(dir, "villages/dongcun/households.csv"), "户号,户主,小组,公开授权,加入日期,退出日期\n"+
		"0107,欧阳春晓,第一组,是,2024-12-01,\n3-12,司马秋白,第一组,否,2024-12-01,2025-07-02\n"+
		"00123,诸葛夏雨,第二组,是,2024-12-01,\nD-04,上官冬青,第二组,是,2024-12-01,2025-06-30\n")
	return dir
}

// saveAsCSV starts LibreOffice Calc saving the first sheet of each workbook as CSV into dir,
// with the CSV filter's options (filter; "" for its defaults), in a profile of its own whose
// locale is zh-CN, and returns the function that waits for it to finish. CSV files are opened as
// a cadre opens one: UTF-8, comma-separated, every column as the spreadsheet reads it.
func saveAsCSV(t *testing.T, dir, filter string, workbooks ...string) (wait func()) {
	t.Helper()
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Fatal("soffice (LibreOffice Calc) is not installed: the workbook template is tested by saving it as CSV with it (Debian: apt-get install libreoffice-calc-nogui)")
	}
	profile := t.TempDir()
	write(t, filepath.Join(profile, "user/registrymodifications.xcu"), `<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooLocale" oor:op="fuse"><value>zh-CN</value></prop></item>
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse"><value>zh-CN</value></prop></item>
</oor:items>
`)
	convertTo := "csv"
	if filter != "" {
		convertTo = "csv:Text - txt - csv (StarCalc):" + filter
	}
	args := []string{"-env:UserInstallation=file://" + filepath.ToSlash(profile), "--headless", "--norestore",
		"--convert-to", convertTo, "--outdir", dir}
	if slices.ContainsFunc(workbooks, func(name string) bool { return strings.HasSuffix(name, ".csv") }) {
		args = append(args, "--infilter=CSV:44,34,76,1")
	}
	args = append(args, workbooks...)
	cmd := exec.Command(soffice, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("soffice: %v", err)
	}
	return func() {
		t.Helper()
		err := cmd.Wait()
		t.Logf("LibreOffice saved %d workbooks as CSV (%q) in %v", len(workbooks), filter, time.Since(start).Round(10*time.Millisecond))
		if err != nil {
			t.Fatalf("soffice %s: %v\n%s", strings.Join(args, " "), err, out.Bytes())
		}
	}
}
