package sheet

import "testing"

// TestRestore: the code a spreadsheet made a value of, among the known codes, and only when
// exactly one fits.
func TestRestore(t *testing.T) {
	codes := []string{"0107", "3-12", "1-2-3", "1234567890123456", "G05", "12-5"}
	for _, tt := range []struct{ v, want, why string }{
		{"107", "0107", "lost zeros"},
		{"0107", "", "no change"},
		{"107.0", "0107", "decimals"},
		{"107.00", "0107", "decimals"},
		{"1.23457E+15", "1234567890123456", "scientific"},
		{"1.2E+15", "1234567890123456", "scientific, fewer digits"},
		{"1.3E+15", "", "another number"},
		{"1234567890123460", "1234567890123456", "15 significant digits (LibreOffice)"},
		{"1234567890123400", "", "another number"},
		{"26年3月12日", "3-12", "two-digit year (LibreOffice in Chinese)"},
		{"01年2月3日", "1-2-3", "two-digit year"},
		{"3/12/26", "3-12", "month, day and year (LibreOffice in English)"},
		{"3月12日", "3-12", "Chinese month and day"},
		{"2026/3/12", "3-12", "a year of its own"},
		{"2026-03-12", "3-12", "ISO"},
		{"12-Mar", "3-12", "English"},
		{"Mar-12", "3-12", "English, month first"},
		{"46093", "3-12", "serial of 2026-03-12"},
		{"2001/2/3", "1-2-3", "year, month and day"},
		{"2002/2/3", "", "not that year"},
		{"2月3日", "", "1-2-3 has a year"},
		{"5月12日", "", "12-5 is 12月5日"},
		{"12月5日", "12-5", "12-5"},
		{"G5", "", "not a spreadsheet's doing"},
		{"", "", "empty"},
	} {
		got, reason := Restore(tt.v, codes)
		if got != tt.want || (reason != nil) != (tt.want != "") {
			t.Errorf("%s: Restore(%q) = %q, %v; want %q", tt.why, tt.v, got, reason, tt.want)
		}
	}
	if got, reason := Restore("107", []string{"0107", "00107"}); got != "" || reason == nil {
		t.Errorf("two codes fit 107: got %q, %v; want no code, with the reason", got, reason)
	}
}
