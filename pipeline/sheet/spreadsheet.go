package sheet

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jifen-project/jifen/pipeline/check"
)

// What a spreadsheet does to codes, numbers and text it takes for something else, when a column
// is not formatted as text: it drops a code's leading zeros (0107 → 107), writes decimals
// (107.00), writes long numbers in scientific notation (1.23457E+15) or rounds them to 15
// significant digits (1234567890123460), turns a code that looks
// like a date into one (3-12 → 3月12日, 2026/3/12, 12-Mar, or a serial such as 46093), and,
// saving in GBK, writes "?" for characters GBK cannot hold.
var (
	reasonLostZeros = check.Text{
		Zh: "电子表格把它当成数字，去掉了前面的 0：把这一列的格式设成“文本”，重新填上代码",
		En: "a spreadsheet took it for a number and dropped its leading zeros: format the column as text and type the code again",
	}
	reasonRosterLostZeros = check.Text{
		Zh: "名册里写的是 %[3]q，像是电子表格去掉了名册里户号前面的 0：把名册的户号列设成“文本”，改回原来的户号",
		En: "the roster has %[3]q: a spreadsheet seems to have dropped the leading zeros of the roster's codes; format its code column as text and restore the codes",
	}
	reasonDecimals = check.Text{
		Zh: "电子表格把它当成数字，加上了小数：把这一列的格式设成“文本”，重新填上代码",
		En: "a spreadsheet took it for a number and wrote decimals: format the column as text and type the code again",
	}
	reasonScientific = check.Text{
		Zh: "电子表格把这个长数字写成了科学计数法：把这一列的格式设成“文本”，重新填上代码",
		En: "a spreadsheet wrote the long number in scientific notation: format the column as text and type the code again",
	}
	reasonRounded = check.Text{
		Zh: "电子表格把这个长数字当成数字，只留了 15 位有效数字：把这一列的格式设成“文本”，重新填上代码",
		En: "a spreadsheet took the long number for a number and kept 15 significant digits: format the column as text and type the code again",
	}
	reasonCodesSheet = check.Text{
		Zh: "这是填报工作簿里的“事项代码”表：另存为 CSV 时存的是正在看的那张表；点下面的“评定表”标签，再另存为 CSV",
		En: "this is the \"事项代码\" sheet of the workbook template: a spreadsheet saves the sheet on show as CSV; click the \"评定表\" tab, then save as CSV again",
	}
	reasonGuideSheet = check.Text{
		Zh: "这是填报工作簿里的“填写说明”表：另存为 CSV 时存的是正在看的那张表；点下面的“评定表”标签，再另存为 CSV",
		En: "this is the \"填写说明\" sheet of the workbook template: a spreadsheet saves the sheet on show as CSV; click the \"评定表\" tab, then save as CSV again",
	}
	reasonCodeAsDate = check.Text{
		Zh: "电子表格把代码当成日期改掉了：把这一列的格式设成“文本”，重新填上代码",
		En: "a spreadsheet took the code for a date and changed it: format the column as text and type the code again",
	}
)

// Restore tells what a spreadsheet did to v, a code that is not among codes, when one of codes
// is what it makes of v's original: the code meant, or "" when more than one fits, and why.
// The reason is nil when no code fits.
func Restore(v string, codes []string) (string, *check.Text) {
	var reason *check.Text
	found := ""
	for _, k := range codes {
		if r := spoilt(v, k); r != nil {
			if reason != nil && k != found {
				return "", reason
			}
			reason, found = r, k
		}
	}
	return found, reason
}

// RosterLostZeros tells whether the roster's code k is v without its leading zeros, as a
// spreadsheet that edited the roster writes it: the code of the roster, and the reason that
// says so, with k as its argument %[3]s.
func RosterLostZeros(v string, codes []string) (string, *check.Text) {
	for _, k := range codes {
		if digits(v) && digits(k) && len(k) < len(v) && strings.TrimLeft(v, "0") == strings.TrimLeft(k, "0") {
			return k, &reasonRosterLostZeros
		}
	}
	return "", nil
}

// spoilt tells how a spreadsheet made v of the code k, or nil.
func spoilt(v, k string) *check.Text {
	switch {
	case v == k:
		return nil
	case digits(k) && strings.TrimLeft(v, "0") == strings.TrimLeft(k, "0") && len(v) < len(k) && digits(v):
		return &reasonLostZeros
	case digits(k) && decimals(v) != "" && strings.TrimLeft(decimals(v), "0") == strings.TrimLeft(k, "0"):
		return &reasonDecimals
	case digits(k) && scientific(v) && sameNumber(v, k, -1):
		return &reasonScientific
	case len(k) > 15 && len(v) == len(k) && digits(k) && digits(v) && sameNumber(v, k, 14):
		return &reasonRounded
	}
	if y, m, d, ok := codeDate(k); ok {
		if vy, vm, vd, hasYear, ok := shownDate(v); ok && vm == m && vd == d && (y == 0 || hasYear && vy == y) {
			return &reasonCodeAsDate
		}
	}
	return nil
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// decimals is the whole number of v when v is one written with zero decimals, 107.00.
func decimals(v string) string {
	whole, frac, ok := strings.Cut(v, ".")
	if !ok || !digits(whole) || frac == "" || strings.Trim(frac, "0") != "" {
		return ""
	}
	return whole
}

// scientific reports whether v is a number as spreadsheets write long ones: 1.23457E+15.
func scientific(v string) bool {
	mantissa, exp, ok := strings.Cut(strings.ToUpper(v), "E+")
	whole, frac, _ := strings.Cut(mantissa, ".")
	return ok && len(whole) == 1 && digits(whole) && (frac == "" || digits(frac)) && digits(exp)
}

// sameNumber reports whether the numbers v and k agree to places decimals in scientific
// notation; places -1 takes as many as v's mantissa has.
func sameNumber(v, k string, places int) bool {
	f, err := strconv.ParseFloat(k, 64)
	want, err2 := strconv.ParseFloat(v, 64)
	if places < 0 {
		mantissa, _, _ := strings.Cut(strings.ToUpper(v), "E")
		places = max(len(mantissa)-2, 0)
	}
	return err == nil && err2 == nil && strconv.FormatFloat(f, 'E', places, 64) == strconv.FormatFloat(want, 'E', places, 64)
}

// codeDate is the date a spreadsheet reads in the code k: month and day in 3-12 or 3/12 (year
// 0: the year of the day it was typed), year, month and day in 1-2-3 (2001-02-03).
func codeDate(k string) (y, m, d int, ok bool) {
	sep := "-"
	if strings.Contains(k, "/") {
		sep = "/"
	}
	parts := strings.Split(k, sep)
	for _, p := range parts {
		if !digits(p) || len(p) > 4 {
			return 0, 0, 0, false
		}
	}
	n := func(i int) int { x, _ := strconv.Atoi(parts[i]); return x }
	switch len(parts) {
	case 2:
		m, d = n(0), n(1)
		return 0, m, d, validDate(2000, m, d)
	case 3:
		y, m, d = n(0), n(1), n(2)
		if len(parts[0]) <= 2 {
			y = fullYear(y)
		}
		return y, m, d, validDate(y, m, d)
	}
	return 0, 0, 0, false
}

// fullYear is the year a spreadsheet reads in two digits: 00–29 are 2000–2029, 30–99 1930–1999.
func fullYear(y int) int {
	if y < 30 {
		return 2000 + y
	}
	return 1900 + y
}

var monthNames = []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

// shownDate reads a date as spreadsheets show and save it: 2026/3/12, 2026-03-12, 2026年3月12日,
// 26年3月12日 (LibreOffice in Chinese), 3月12日, 12-Mar, Mar-12, 12-Mar-26, 3/12/2026, 3/12/26, or
// a serial such as 46093.
func shownDate(v string) (y, m, d int, hasYear, ok bool) {
	if n, err := strconv.Atoi(v); err == nil && len(v) == 5 && n >= 20000 {
		t := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n)
		return t.Year(), int(t.Month()), t.Day(), true, true
	}
	if s, isDate := ParseDate(v); isDate {
		y, m, d, _ := ymd(s[:4], s[5:7], s[8:])
		return y, m, d, true, true
	}
	if ys, rest, found := strings.Cut(v, "年"); found && len(ys) == 2 && digits(ys) { // 26年3月12日
		y, _ := strconv.Atoi(ys)
		_, m, d, _, ok := shownDate(rest)
		return fullYear(y), m, d, true, ok && !strings.Contains(rest, "年")
	}
	if ms, ds, found := strings.Cut(strings.TrimSuffix(v, "日"), "月"); found && digits(ms) && digits(ds) {
		m, _ := strconv.Atoi(ms)
		d, _ := strconv.Atoi(ds)
		return 0, m, d, false, validDate(2000, m, d)
	}
	parts := strings.Split(strings.ReplaceAll(v, "/", "-"), "-")
	if len(parts) == 3 && (len(parts[2]) == 4 || len(parts[2]) == 2) && digits(parts[0]) && digits(parts[1]) && digits(parts[2]) { // 3/12/2026, 3/12/26
		y, m, d, _ := ymd(parts[2], parts[0], parts[1])
		if len(parts[2]) == 2 {
			y = fullYear(y)
		}
		return y, m, d, true, validDate(y, m, d)
	}
	return monthNameDate(parts)
}

// monthNameDate reads 12-Mar, Mar-12 and 12-Mar-26.
func monthNameDate(parts []string) (y, m, d int, hasYear, ok bool) {
	if len(parts) < 2 || len(parts) > 3 {
		return 0, 0, 0, false, false
	}
	name, day := parts[1], parts[0]
	if !digits(day) {
		name, day = parts[0], parts[1]
	}
	for i, mn := range monthNames {
		if strings.EqualFold(name, mn) {
			m = i + 1
		}
	}
	d, err := strconv.Atoi(day)
	if len(parts) == 3 {
		yy, err2 := strconv.Atoi(parts[2])
		if err2 != nil || len(parts[2]) != 2 {
			return 0, 0, 0, false, false
		}
		y, hasYear = fullYear(yy), true
	}
	return y, m, d, hasYear, err == nil && m > 0 && validDate(2000, m, d)
}

// numberedEvidence warns of evidence numbers a spreadsheet changed, having taken them for
// numbers: 123.00 or 1.23E+11. (Numbers that lost their zeros are told by the village's other
// numbers: see Padded.)
func numberedEvidence(name string, cols Columns, entries []Entry, diags *check.List) {
	for i := range entries {
		if v := entries[i].Evidence; v != "" && v[0] >= '0' && v[0] <= '9' && (decimals(v) != "" || scientific(v)) {
			diags.Add(check.Diagnostic{Code: check.NumberAsText, Severity: check.Warning, File: name, Line: entries[i].Line, Column: cols["evidence"], Value: v})
		}
	}
}

// Padded is the length of the evidence numbers written with leading zeros (00123) in entries
// and in the entries already seen, whose length was padded: 0 when there are none, -1 when
// their lengths differ.
func Padded(entries []Entry, padded int) int {
	for i := range entries {
		if v := entries[i].Evidence; padded >= 0 && len(v) > 1 && v[0] == '0' && digits(v) {
			if padded == 0 {
				padded = len(v)
			} else if padded != len(v) {
				padded = -1
			}
		}
	}
	return padded
}

// LostZeros warns of the evidence numbers in entries shorter than padded, the length of the
// numbers the village writes with leading zeros: 123 where the others are 00123, as a
// spreadsheet writes a number it took for one.
func LostZeros(name string, cols Columns, entries []Entry, padded int) check.List {
	var diags check.List
	for i := range entries {
		if v := entries[i].Evidence; padded > 0 && digits(v) && v[0] != '0' && len(v) < padded {
			diags.Add(check.Diagnostic{Code: check.NumberAsText, Severity: check.Warning, File: name, Line: entries[i].Line, Column: cols["evidence"], Value: v})
		}
	}
	return diags
}

// ChangedEvidence warns of the evidence numbers of a correction that a spreadsheet changed: the
// approved row (the same household, item and date) had 00123 where the correction has 123 or
// 123.00, as a cadre's spreadsheet writes it when the approved sheet is opened, corrected and
// saved. The warning says what the number was; a row numberedEvidence warned of already gets
// that as its suggestion. It returns diags with the warnings.
func ChangedEvidence(name string, cols Columns, approved, corrected []Entry, diags check.List) check.List {
	type key struct{ household, item, date string }
	was := map[key]string{}
	for _, e := range approved {
		if k := (key{e.Household, e.Item, e.Date}); was[k] == "" && len(e.Evidence) > 1 && e.Evidence[0] == '0' && digits(e.Evidence) {
			was[k] = e.Evidence
		}
	}
	if len(was) == 0 {
		return diags
	}
	for _, e := range corrected {
		v, old := e.Evidence, was[key{e.Household, e.Item, e.Date}]
		if old == "" || v == old || strings.TrimLeft(cmp.Or(decimals(v), v), "0") != strings.TrimLeft(old, "0") {
			continue
		}
		i := slices.IndexFunc(diags, func(d check.Diagnostic) bool { return d.Code == check.NumberAsText && d.Line == e.Line })
		if i < 0 {
			diags = append(diags, check.Diagnostic{Code: check.NumberAsText, Severity: check.Warning, File: name, Line: e.Line, Column: cols["evidence"], Value: v})
			i = len(diags) - 1
		}
		diags[i].Suggest = old
	}
	return diags
}
