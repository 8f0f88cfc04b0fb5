package sheet

import (
	"strings"
	"time"

	"github.com/jifen-project/jifen/pipeline/check"
)

// The causes of a BadDate that dateHint can tell apart.
var (
	reasonSerialDate = check.Text{
		Zh: "这像是电子表格里日期的序号（单元格格式是“常规”或“数值”）：把这一列的格式设成日期再保存",
		En: "this looks like a spreadsheet's serial number for a date (a cell formatted as a number): format the column as dates before saving",
	}
	reasonShortYear = check.Text{
		Zh: "年份只写了两位，要写全四位",
		En: "the year has two digits: write all four",
	}
	reasonNoYear = check.Text{
		Zh: "没有写年份",
		En: "the year is missing",
	}
	reasonYearLast = check.Text{
		Zh: "年份要写在最前面，如 2025/7/3",
		En: "the year comes first, as in 2025/7/3",
	}
	reasonTimeOfDay = check.Text{
		Zh: "日期后面带了时间，只写日期",
		En: "a time follows the date: write the date only",
	}
	reasonDots = check.Text{
		Zh: "年、月、日之间要用 - 或 /，不要用点",
		En: "separate the year, month and day by - or /, not by dots",
	}
	reasonNoSeparators = check.Text{
		Zh: "年、月、日之间要用 - 或 / 隔开",
		En: "separate the year, month and day by - or /",
	}
	reasonNoSuchDay = check.Text{
		Zh: "没有这一天",
		En: "there is no such day",
	}
	reasonFullWidth = check.Text{
		Zh: "用了全角的字母或数字，要写成半角",
		En: "it has full-width letters or digits: write them half-width",
	}
)

// ParseDate reads the date forms Excel and WPS write: 2025-07-03, 2025/7/3 and 2025年7月3日
// (months and days with or without a leading zero). It returns the date as YYYY-MM-DD: v
// itself when it is written so.
func ParseDate(v string) (string, bool) {
	if len(v) == 10 && v[4] == '-' && v[7] == '-' { // the canonical form, most of the time
		if y, m, d, ok := ymd(v[:4], v[5:7], v[8:]); ok && validDate(y, m, d) {
			return v, true
		}
		return "", false
	}
	ys, ms, ds, ok := splitDate(v)
	if !ok || len(ys) != 4 || len(ms) > 2 || len(ds) > 2 {
		return "", false
	}
	y, m, d, ok := ymd(ys, ms, ds)
	if !ok || !validDate(y, m, d) {
		return "", false
	}
	return formatDate(y, m, d), true
}

// splitDate splits y-m-d, y/m/d and y年m月d日 into their parts, not yet read.
func splitDate(v string) (ys, ms, ds string, ok bool) {
	if strings.Contains(v, "年") {
		ys, v, _ = strings.Cut(v, "年")
		ms, v, ok = strings.Cut(v, "月")
		if ok {
			ds, ok = strings.CutSuffix(v, "日")
		}
		return ys, ms, ds, ok
	}
	for _, sep := range []string{"-", "/"} {
		if ys, rest, ok := strings.Cut(v, sep); ok {
			if ms, ds, ok := strings.Cut(rest, sep); ok && !strings.Contains(ds, sep) {
				return ys, ms, ds, true
			}
		}
	}
	return "", "", "", false
}

func formatDate(y, m, d int) string {
	return string([]byte{
		byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-',
		byte('0' + m/10), byte('0' + m%10), '-', byte('0' + d/10), byte('0' + d%10),
	})
}

// ymd reads the digits of a year, a month and a day.
func ymd(ys, ms, ds string) (y, m, d int, ok bool) {
	y, yok := number(ys)
	m, mok := number(ms)
	d, dok := number(ds)
	return y, m, d, yok && mok && dok
}

func validDate(y, m, d int) bool {
	if y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 {
		return false
	}
	days := [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[m]
	if m == 2 && y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		days = 29
	}
	return d <= days
}

// dateHint says why v, which ParseDate does not read, is not a date, when it can tell, and
// the date that was probably meant, when that is clear.
func dateHint(v string) (*check.Text, string) {
	if n := narrow(v); n != v {
		if d, ok := ParseDate(n); ok {
			return &reasonFullWidth, d
		}
		if y, m, d, ok := compactDate(n); ok && validDate(y, m, d) {
			return &reasonFullWidth, formatDate(y, m, d)
		}
	}
	if y, m, d, ok := compactDate(v); ok {
		if !validDate(y, m, d) {
			return &reasonNoSuchDay, ""
		}
		return &reasonNoSeparators, formatDate(y, m, d)
	}
	if whole := decimals(v); whole != "" { // a serial with decimals: 46053.00
		v = whole
	}
	if n, ok := number(v); ok && len(v) == 5 && n >= 20000 { // 1954-10-03 to 2173-10-14
		return &reasonSerialDate, time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n).Format(time.DateOnly)
	}
	if day, clock, ok := strings.Cut(v, " "); ok && strings.Contains(clock, ":") {
		if d, ok := ParseDate(day); ok {
			return &reasonTimeOfDay, d
		}
	}
	if d, ok := ParseDate(strings.ReplaceAll(v, ".", "-")); ok && strings.Count(v, ".") == 2 {
		return &reasonDots, d
	}
	if monthDay(v) {
		return &reasonNoYear, ""
	}
	ys, ms, ds, ok := splitDate(v)
	y, m, d, digits := ymd(ys, ms, ds)
	switch {
	case !ok || !digits:
	case len(ys) == 2 && validDate(2000+y, m, d):
		return &reasonShortYear, formatDate(2000+y, m, d)
	case len(ds) == 4:
		return &reasonYearLast, ""
	case len(ys) == 4 && !validDate(y, m, d):
		return &reasonNoSuchDay, ""
	}
	return nil, ""
}

// compactDate reads a date written without separators, 20250721: eight digits, a year from
// 1900 and a month.
func compactDate(v string) (y, m, d int, ok bool) {
	if len(v) != 8 {
		return 0, 0, 0, false
	}
	y, m, d, ok = ymd(v[:4], v[4:6], v[6:])
	return y, m, d, ok && y >= 1900 && 1 <= m && m <= 12
}

// monthDay reports whether v is a month and a day without a year: 7月3日, 7/3 or 7-3.
func monthDay(v string) bool {
	ms, ds, ok := strings.Cut(v, "月")
	if ok {
		ds = strings.TrimSuffix(ds, "日")
	} else if ms, ds, ok = strings.Cut(v, "/"); !ok {
		ms, ds, _ = strings.Cut(v, "-")
	}
	m, mok := number(ms)
	d, dok := number(ds)
	return mok && dok && len(ms) <= 2 && len(ds) <= 2 && validDate(2000, m, d)
}
