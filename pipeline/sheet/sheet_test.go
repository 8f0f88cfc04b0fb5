package sheet

import (
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/jifen-project/jifen/pipeline/check"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"2025-07-03", "2025-07-03"},
		{"2025/7/3", "2025-07-03"},
		{"2025年7月3日", "2025-07-03"},
		{"2025-7-3", "2025-07-03"},
		{"2024/2/29", "2024-02-29"},
		{"2025/2/29", ""},
		{"2025-13-01", ""},
		{"2025年7月3", ""},
		{"2025-07/03", ""},
		{"03/07/2025", ""},
		{"七月三日", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, ok := ParseDate(tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("ParseDate(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
}

func gb18030(t *testing.T, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func diagStrings(l check.List) string {
	var b strings.Builder
	for _, d := range l {
		b.WriteString(d.String())
		b.WriteString("\n")
	}
	return b.String()
}

const goodSheet = "户号,事项,分值,日期,说明,佐证\nQS-0001,AD01,2,2025-07-03,参加7月3日宣讲会,签到表第2页\nQS-0002,ZF05,-5.0,2025/7/9,乱停车,照片\n"

func TestParseSheetForms(t *testing.T) {
	want := []Entry{
		{Line: 2, Household: "QS-0001", Item: "AD01", Points: 2, Date: "2025-07-03", Note: "参加7月3日宣讲会", Evidence: "签到表第2页"},
		{Line: 3, Household: "QS-0002", Item: "ZF05", Points: -5, Date: "2025-07-09", Note: "乱停车", Evidence: "照片"},
	}
	english := "date , Points,household,ITEM,evidence,note\r\n\r\n2025年7月3日,2,QS-0001, AD01 ,签到表第2页,参加7月3日宣讲会\r\n2025-07-09,-5,QS-0002,ZF05,照片,乱停车\r\n"
	cases := map[string][]byte{
		"utf-8":                 []byte(goodSheet),
		"utf-8 with BOM":        append([]byte("\xEF\xBB\xBF"), goodSheet...),
		"gb18030":               gb18030(t, goodSheet),
		"gb18030 with CRLF":     gb18030(t, strings.ReplaceAll(goodSheet, "\n", "\r\n")),
		"english headers, CRLF": []byte(english),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			got, diags := ParseSheet("s.csv", data)
			if len(diags) > 0 {
				t.Fatalf("unexpected problems:\n%s", diagStrings(diags))
			}
			if len(got) != len(want) {
				t.Fatalf("got %d entries, want %d", len(got), len(want))
			}
			for i := range want {
				w := want[i]
				if name == "english headers, CRLF" {
					w.Line++ // a blank line follows the header
				}
				if !reflect.DeepEqual(got[i], w) {
					t.Errorf("entry %d:\n got %+v\nwant %+v", i, got[i], w)
				}
			}
		})
	}
}

func TestParseSheetProblems(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"bad number", []byte("户号,事项,分值,日期\nQS-1,AD01,十,2025-07-03\nQS-1,AD01,5.5,2025-07-03\n"),
			"s.csv:2: E007 分值 \"十\" is not a whole number\n" +
				"s.csv:3: E007 分值 \"5.5\" is not a whole number\n"},
		{"bad date", []byte("户号,事项,分值,日期\nQS-1,AD01,2,2025-02-30\nQS-1,AD01,2,7月3日\n"),
			"s.csv:2: E008 日期 \"2025-02-30\" is not a date (write 2025-07-03, 2025/7/3 or 2025年7月3日)\n" +
				"s.csv:3: E008 日期 \"7月3日\" is not a date (write 2025-07-03, 2025/7/3 or 2025年7月3日)\n"},
		{"bad id", []byte("household,item,points,date\nQS 1,AD01,2,2025-07-03\n"),
			"s.csv:2: E009 household \"QS 1\" is not a valid id: 只能用字母、数字和 -，最多 16 个字符 / letters, digits and - only, at most 16\n"},
		{"missing value", []byte("户号,事项,分值,日期\n,AD01,2,2025-07-03\n"),
			"s.csv:2: E006 户号 must not be empty\n"},
		{"missing and unknown columns", []byte("户号,事项,分数,日期\nQS-1,AD01,2,2025-07-03\n"),
			"s.csv:1: E004 unknown column \"分数\"; known columns: 户号/household、事项/item、分值/points、日期/date、说明/note、佐证/evidence\n" +
				"s.csv:1: E003 missing required column \"分值 (points)\"\n"},
		{"empty", []byte("户号,事项,分值,日期\n\n"), "s.csv: E114 the file has no data rows\n"},
		{"nothing at all", []byte(""), "s.csv: E114 the file has no data rows\n"},
		{"broken utf-8", []byte("户号,事项,分值,日期\nQS-1,AD01,2,2025-07-03,\xff\n"),
			"s.csv:2: E001 file is neither UTF-8 nor GB18030: undecodable byte at offset 51\n"},
		{"neither encoding", []byte("household,item,points,date\n\xff\xff,AD01,2,2025-07-03\n"),
			"s.csv:2: E001 file is neither UTF-8 nor GB18030: undecodable byte at offset 27\n"},
		{"bare quote", []byte("户号,事项,分值,日期\nQS-1,\"AD01,2,2025-07-03\n"),
			"s.csv:2: E002 malformed CSV: 双引号没有配对 / a quote is not closed\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, diags := ParseSheet("s.csv", tt.data)
			diags.Sort()
			if got := diagStrings(diags); got != tt.want {
				t.Errorf("got:\n%swant:\n%s", got, tt.want)
			}
		})
	}
}

func TestParseRoster(t *testing.T) {
	data := gb18030(t, "户号,户主,小组,公开授权,加入日期,退出日期\nQS-1,张三丰,第一组,是,2024-12-01,\nQS-2,李四,第二组,否,2024/12/1,2025年6月30日\nQS-3,王五,第二组,也许,2024-12-01,2024-11-01\n")
	hs, _, diags := ParseRoster("households.csv", data)
	diags.Sort()
	want := "households.csv:4: E012 公开授权 \"也许\" is wrong: 请填“是”或“否” / write 是 or 否\n" +
		"households.csv:4: E012 退出日期 \"2024-11-01\" is wrong: 退出日期要晚于加入日期 / left must be after joined\n"
	if got := diagStrings(diags); got != want {
		t.Errorf("got:\n%swant:\n%s", got, want)
	}
	if len(hs) != 3 || !hs[0].Consent || hs[1].Consent || hs[1].Left != "2025-06-30" || hs[0].Head != "张三丰" {
		t.Errorf("households: %+v", hs)
	}
	if !hs[1].ActiveIn("2025-06-29") || hs[1].ActiveIn("2025-06-30") || hs[1].ActiveIn("2024-11-30") {
		t.Errorf("ActiveIn is wrong for %+v", hs[1])
	}
}

func TestParseCatalogAndRedemptions(t *testing.T) {
	goods, diags := ParseCatalog("catalog.csv", []byte("商品编号,名称,单位,积分,成本\nG01,食用油,桶,60,59.9\nG02,大米,袋,50,48.50\nG01,重复,个,1,1\nG03,毛巾,条,0,3.333\n"))
	diags.Sort()
	want := "catalog.csv:4: E106 商品编号 \"G01\" appears more than once\n" +
		"catalog.csv:5: E012 成本 \"3.333\" is wrong: 要写成元，最多两位小数，如 12.50 / yuan with at most two decimals\n" +
		"catalog.csv:5: E012 积分 \"0\" is wrong: 积分要大于 0 / must be more than 0\n"
	if got := diagStrings(diags); got != want {
		t.Errorf("got:\n%swant:\n%s", got, want)
	}
	if goods[0].CostFen != 5990 || goods[1].CostFen != 4850 {
		t.Errorf("costs: %d, %d", goods[0].CostFen, goods[1].CostFen)
	}
	reds, _, diags := ParseRedemptions("r.csv", []byte("户号,商品,数量,积分,日期\nQS-1,G01,2,120,2025-07-20\n"))
	if len(diags) > 0 || reds[0].Quantity != 2 || reds[0].Points != 120 {
		t.Errorf("redemptions %+v, %v", reds, diags)
	}
}

func TestMessagesInBothLanguages(t *testing.T) {
	_, diags := ParseSheet("s.csv", []byte("户号,事项,分值,日期\nQS-1,AD01,十,2025-07-03\n"))
	if len(diags) != 1 {
		t.Fatal(diags)
	}
	if got, want := diags[0].Message("zh"), "“分值”的值 \"十\" 不是整数"; got != want {
		t.Errorf("zh: %s, want %s", got, want)
	}
}

func TestPersonalData(t *testing.T) {
	tests := []struct {
		in, code, masked string
	}{
		{"身份证11010519491231002X", "E120", "110105************"},
		{"11010519491231002x。", "E120", "110105************"},
		{"440304199001011233", "E120", "440304************"},
		{"440304199001011234", "", ""},  // wrong check digit
		{"4403041990010112330", "", ""}, // 19 digits
		{"11010519491231002XY", "", ""}, // X followed by a letter
		{"手机13800138000", "E121", "1380013****"},
		{"138 0013 8000", "E121", "1380013****"},
		{"138-0013-8000。", "E121", "1380013****"},
		{"138-0013 8000", "", ""}, // mixed separators
		{"12800138000", "", ""},   // 12x is not a mobile prefix
		{"138001380001", "", ""},  // 12 digits
		{"0571-88888888", "", ""}, // a landline
		{"签到表7-12，第3页", "", ""},
		{"\uFF11\uFF13\uFF18\uFF10\uFF10\uFF11\uFF13\uFF18\uFF10\uFF10\uFF10", "E121", "1380013****"},
	}
	for _, tt := range tests {
		code, masked, ok := personalData(tt.in)
		if string(code) != tt.code || masked != tt.masked || ok != (tt.code != "") {
			t.Errorf("personalData(%q) = %s %q %v, want %s %q", tt.in, code, masked, ok, tt.code, tt.masked)
		}
	}
}

func TestParseInt(t *testing.T) {
	for in, want := range map[string]int{"5": 5, "-5": -5, "5.0": 5, "-5.00": -5, "0": 0, "123456789": 123456789} {
		if got, ok := parseInt(in); !ok || got != want {
			t.Errorf("parseInt(%q) = %d, %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "-", "5.", ".5", "5.5", "+5", "1,000", "1234567890", "５", "5e0", "--5", "0x5"} {
		if got, ok := parseInt(in); ok {
			t.Errorf("parseInt(%q) = %d, want an error", in, got)
		}
	}
}

func TestTextChecks(t *testing.T) {
	data := "户号,事项,分值,日期,说明,佐证\n" +
		"QS-1,AD01,2,2025-07-03,\"=1+1\",@A1\n" +
		"QS-1,AD01,2,2025-07-04,\"a\u0085b\",ok\n" +
		"QS-1,AD01,2,2025-07-05,\"电话13800138000\t\",ok\n" +
		"QS-1,,,2025-07-06,,\n" + // an untouched template row
		"QS-1,AD01,2,2025-07-03,\"=1+1\",@A1\n"
	entries, diags := ParseSheet("s.csv", []byte(data))
	diags.Sort()
	want := "s.csv:2: E124 佐证 \"@A1\" starts with @, which spreadsheets run as a formula: remove the leading @ or put words before it\n" +
		"s.csv:2: E124 说明 \"=1+1\" starts with =, which spreadsheets run as a formula: remove the leading = or put words before it\n" +
		"s.csv:3: E123 说明 \"a\\u0085b\" contains the control character U+0085 (such as a line break in a cell); remove it\n" +
		"s.csv:4: E121 说明 contains a mobile number 1380013****: files must not carry personal phone numbers; delete it\n" +
		"s.csv:6: E124 佐证 \"@A1\" starts with @, which spreadsheets run as a formula: remove the leading @ or put words before it\n" +
		"s.csv:6: E124 说明 \"=1+1\" starts with =, which spreadsheets run as a formula: remove the leading = or put words before it\n"
	if got := diagStrings(diags); got != want {
		t.Errorf("got:\n%swant:\n%s", got, want)
	}
	if len(entries) != 4 {
		t.Errorf("%d entries, want 4 (the template row skipped)", len(entries))
	}
}

func TestTemplate(t *testing.T) {
	hs := []Household{
		{ID: "A", Joined: "2024-12-01"},
		{ID: "B", Joined: "2025-07-31"},
		{ID: "C", Joined: "2024-12-01", Left: "2025-07-01"},
		{ID: "D", Joined: "2024-12-01", Left: "2025-07-02"},
		{ID: "E", Joined: "2025-08-01"},
	}
	got := string(Template(hs, "2025-07"))
	want := "\uFEFF户号,事项,分值,日期,说明,佐证\r\nA,,,2025-07-31,,\r\nB,,,2025-07-31,,\r\nD,,,2025-07-31,,\r\n"
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if _, diags := ParseSheet("t.csv", []byte(got)); len(diags) != 1 || diags[0].Code != check.EmptySheet {
		t.Errorf("an untouched template: %v, want an empty sheet", diags)
	}
}
