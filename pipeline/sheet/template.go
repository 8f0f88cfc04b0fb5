package sheet

import (
	"bytes"
	"encoding/csv"
	"time"
)

// ActiveDuring reports whether the household is on the roster on some day of month (YYYY-MM).
func (h Household) ActiveDuring(month string) bool {
	return MonthOf(h.Joined) <= month && (h.Left == "" || h.Left >= month)
}

// MonthOf is the month (YYYY-MM) of a date (YYYY-MM-DD): a date is in a month, or before or
// after it, as its month compares with it.
func MonthOf(date string) string { return date[:min(len(date), 7)] }

// MonthEnd is the last day of month (YYYY-MM) as YYYY-MM-DD.
func MonthEnd(month string) string {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return month + "-31"
	}
	return t.AddDate(0, 1, -1).Format(time.DateOnly)
}

// NextMonth is the month (YYYY-MM) after month.
func NextMonth(month string) string {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return month
	}
	return t.AddDate(0, 1, 0).Format("2006-01")
}

// Template is a blank score sheet for month (YYYY-MM): the header, and a row for each household
// on the roster during the month with its 户号 and its last day on the roster in the month
// filled in, for the cadre to complete (or to copy, for a second event). Rows left as they are
// do not count (see ReadSheet). It is UTF-8 with a byte order mark and CRLF line ends, so that
// Excel opens it as it is.
func Template(households []Household, month string) []byte {
	return ExcelCSV(templateHeader(), templateRows(households, month))
}

// templateHeader is the header of a blank score sheet: the Chinese names of its columns.
func templateHeader() []string {
	header := make([]string, len(sheetColumns))
	for i, c := range sheetColumns {
		header[i] = c.zh
	}
	return header
}

// templateRows are the rows of a blank score sheet for month, in the order of sheetColumns:
// one for each household on the roster during the month, with its 户号 and its last day on the
// roster in the month.
func templateRows(households []Household, month string) [][]string {
	end := MonthEnd(month)
	var rows [][]string
	for _, h := range households {
		if h.ActiveDuring(month) {
			day := end
			if h.Left != "" && h.Left < end { // its last day on the roster
				day = h.Left
			}
			row := make([]string, len(sheetColumns))
			row[0], row[1], row[4] = h.ID, h.Head, day // 户号, 户主, 日期 in the order of sheetColumns
			rows = append(rows, row)
		}
	}
	return rows
}

// ExcelCSV writes a header and rows as CSV that Excel and WPS open as it is: UTF-8 with a byte
// order mark, and CRLF line ends.
func ExcelCSV(header []string, rows [][]string) []byte {
	var b bytes.Buffer
	b.WriteString("\uFEFF")
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	w.Write(header)
	w.WriteAll(rows) // writing to memory cannot fail
	return b.Bytes()
}
