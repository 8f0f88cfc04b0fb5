package sheet

import (
	"fmt"
	"strings"
	"testing"
)

// TestParseRosterFrom reads 迁自 and 承接积分 in each form a cadre may write them, and reports
// exactly what is wrong with the others; a cell with a problem reads as nothing.
func TestParseRosterFrom(t *testing.T) {
	for _, c := range []struct {
		from, carried string
		want          string // the households read, then the carried points ("" when none)
		diags         string
	}{
		{from: "QS-0107", want: "[QS-0107]"},
		{from: "qingshi/QS-0107", want: "[qingshi/QS-0107]"},
		{from: "qingshi／QS-0107", want: "[qingshi/QS-0107]"},
		{from: " qingshi / QS-0107 ", want: "[qingshi/QS-0107]"},
		{from: "qingshi ／ QS-0107", want: "[qingshi/QS-0107]"},
		{from: "QS-0101、QS-0102", want: "[QS-0101 QS-0102]"},
		{from: "QS-0101；qingshi/QS-0102;liutang/LT-0003", want: "[QS-0101 qingshi/QS-0102 liutang/LT-0003]"},
		{from: "QS-0101， QS-0102,QS-0103", want: "[QS-0101 QS-0102 QS-0103]"},
		{from: "QS-0101、、QS-0102、", want: "[QS-0101 QS-0102]"},
		{from: "青石村/QS-0107", want: "[青石村/QS-0107]"}, // the town reports a village name (E137)
		{from: "青石村QS-0107", want: "[青石村/QS-0107]"},  // likewise
		{from: "qingshi\\QS-0107", want: "[qingshi/QS-0107]"},
		{from: "qingshi＼QS-0107", want: "[qingshi/QS-0107]"},
		{from: "qingshi QS-0107", want: "[]",
			diags: `households.csv:2: E009 "迁自" "qingshi QS-0107" is not a valid code: a village's code and a household's code are joined with /; did you mean "qingshi/QS-0107"?`},
		{from: "QS-0107", carried: "20", want: "[QS-0107] 20"},
		{from: "QS-0107", carried: "0", want: "[QS-0107] 0"},
		{from: "QS-0107", carried: "20.0", want: "[QS-0107] 20"},
		{from: "qingshi/", want: "[]",
			diags: `households.csv:2: E012 "迁自" "qingshi/" is wrong: write the household's code, such as QS-0107, or the village's code and the code, such as qingshi/QS-0107, for another village of the town`},
		{from: "QS-0101、qingshi／", want: "[]",
			diags: `households.csv:2: E012 "迁自" "QS-0101、qingshi／" is wrong: write the household's code, such as QS-0107, or the village's code and the code, such as qingshi/QS-0107, for another village of the town`},
		{from: "、；", want: "[]",
			diags: `households.csv:2: E012 "迁自" "、；" is wrong: write the household's code, such as QS-0107, or the village's code and the code, such as qingshi/QS-0107, for another village of the town`},
		{from: "/QS-0107", want: "[]",
			diags: `households.csv:2: E012 "迁自" "/QS-0107" is wrong: write the household's code, such as QS-0107, or the village's code and the code, such as qingshi/QS-0107, for another village of the town`},
		{from: "QS-0999", want: "[]",
			diags: `households.csv:2: E012 "迁自" "QS-0999" is wrong: from names this household itself`},
		{from: "QS-0101、QS-0102、QS-0101", want: "[]",
			diags: `households.csv:2: E106 "迁自" "QS-0101" appears more than once`},
		{from: "qingshi/QS-0101;qingshi/QS-0101", want: "[]",
			diags: `households.csv:2: E106 "迁自" "qingshi/QS-0101" appears more than once`},
		{from: "QS-0101、QS 0102", want: "[]",
			diags: `households.csv:2: E009 "迁自" "QS 0102" is not a valid code: it has a space in it; did you mean "QS0102"?`},
		{from: "qingshi/QS_0107", want: "[]",
			diags: `households.csv:2: E009 "迁自" "QS_0107" is not a valid code: codes join their parts with "-", not with an underscore or a dash; did you mean "QS-0107"?`},
		{from: "qingshi/ＱＳ－０１０７", want: "[]",
			diags: `households.csv:2: E009 "迁自" "ＱＳ－０１０７" is not a valid code: it has full-width letters or digits: write them half-width; did you mean "QS-0107"?`},
		{from: "QS-0107", carried: "二十", want: "[QS-0107] 0",
			diags: `households.csv:2: E007 "承接积分" "二十" is not a whole number`},
		{from: "QS-0107", carried: "２０", want: "[QS-0107] 0",
			diags: `households.csv:2: E007 "承接积分" "２０" is not a whole number: it has full-width letters or digits: write them half-width; did you mean "20"?`},
		{from: "QS-0107", carried: "-5", want: "[QS-0107] -5",
			diags: `households.csv:2: E012 "承接积分" "-5" is wrong: carried points cannot be negative`},
		{carried: "15", want: "[] 15",
			diags: `households.csv:2: E012 "承接积分" "15" is wrong: only a household with from (one split from another) carries points`},
	} {
		t.Run(c.from+"|"+c.carried, func(t *testing.T) {
			data := "户号,户主,小组,公开授权,加入日期,退出日期,迁自,承接积分\nQS-0999,李华,第一组,是,2025-07-01,,\"" + c.from + "\"," + c.carried + "\n"
			hs, cols, diags := ParseRoster("households.csv", []byte(data))
			if len(hs) != 1 {
				t.Fatalf("%d households, diagnostics:\n%s", len(hs), diagStrings(diags))
			}
			if cols["from"] != "迁自" || cols["carried"] != "承接积分" {
				t.Errorf("columns %v", cols)
			}
			if got := strings.TrimSpace(diagStrings(diags)); got != c.diags {
				t.Errorf("diagnostics:\n%s\nwant:\n%s", got, c.diags)
			}
			if got := describeFrom(hs[0]); got != c.want {
				t.Errorf("read %s, want %s", got, c.want)
			}
		})
	}
}

// describeFrom writes what a roster row says of the households it continues: the references,
// then the carried points when the cell has them.
func describeFrom(h Household) string {
	var refs []string
	for _, r := range h.From {
		refs = append(refs, r.String())
	}
	s := "[" + strings.Join(refs, " ") + "]"
	if h.CarriedSet {
		s += fmt.Sprintf(" %d", h.Carried)
	}
	return s
}

// TestParseRosterFromEncodings reads the columns under their English headers, and from a roster
// saved in GBK.
func TestParseRosterFromEncodings(t *testing.T) {
	for name, data := range map[string][]byte{
		"english": []byte("household,head,grid,consent,joined,left,from,carried\nQS-0201,李华,第一组,yes,2025-07-01,,qingshi／QS-0107、QS-0108,\nQS-0202,王芳,第一组,yes,2025-07-01,,QS-0104,20\n"),
		"gbk":     gb18030(t, "户号,户主,小组,公开授权,加入日期,退出日期,迁自,承接积分\nQS-0201,李华,第一组,是,2025-07-01,,qingshi／QS-0107、QS-0108,\nQS-0202,王芳,第一组,是,2025-07-01,,QS-0104,20\n"),
	} {
		hs, cols, diags := ParseRoster("households.csv", data)
		if len(diags) > 0 {
			t.Fatalf("%s: %s", name, diagStrings(diags))
		}
		var got []string
		for _, h := range hs {
			got = append(got, describeFrom(h))
		}
		if g, want := strings.Join(got, ", "), "[qingshi/QS-0107 QS-0108], [QS-0104] 20"; g != want {
			t.Errorf("%s: read %s, want %s", name, g, want)
		}
		if cols["from"] == "" || cols["carried"] == "" {
			t.Errorf("%s: columns %v", name, cols)
		}
	}
}

// TestRefString writes references as a roster does.
func TestRefString(t *testing.T) {
	if got := (Ref{Household: "QS-0107"}).String(); got != "QS-0107" {
		t.Errorf("own village: %s", got)
	}
	if got := (Ref{Village: "qingshi", Household: "QS-0107"}).String(); got != "qingshi/QS-0107" {
		t.Errorf("another village: %s", got)
	}
}
