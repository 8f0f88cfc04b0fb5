package sheet

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unsafe"

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
		{Line: 2, Household: "QS-0001", Item: "AD01", Points: 2, PointsText: "2", Date: "2025-07-03", DateText: "2025-07-03", Note: "参加7月3日宣讲会", Evidence: "签到表第2页"},
		{Line: 3, Household: "QS-0002", Item: "ZF05", Points: -5, PointsText: "-5.0", Date: "2025-07-09", DateText: "2025/7/9", Note: "乱停车", Evidence: "照片"},
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
			got, _, diags := ReadSheet("s.csv", data)
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
					w.DateText = [...]string{"2025年7月3日", "2025-07-09"}[i]
					w.PointsText = [...]string{"2", "-5"}[i]
				}
				if !reflect.DeepEqual(got[i], w) {
					t.Errorf("entry %d:\n got %+v\nwant %+v", i, got[i], w)
				}
				if got[i].Date == got[i].DateText && unsafe.StringData(got[i].Date) != unsafe.StringData(got[i].DateText) {
					t.Errorf("entry %d: a date written as it is read is kept twice", i)
				}
				if start, at := unsafe.SliceData(data), unsafe.StringData(got[i].Note); !strings.HasPrefix(name, "gb18030") &&
					(uintptr(unsafe.Pointer(at)) < uintptr(unsafe.Pointer(start)) || uintptr(unsafe.Pointer(at)) >= uintptr(unsafe.Pointer(start))+uintptr(len(data))) {
					t.Errorf("entry %d: the text of a UTF-8 file is copied", i)
				}
			}
		})
	}
}

// TestParseRoster reads a roster's values; its problems are in testdata/parse.
func TestParseRoster(t *testing.T) {
	data := gb18030(t, "户号,户主,小组,公开授权,加入日期,退出日期\nQS-1,张三丰,第一组,是,2024-12-01,\nQS-2,李四,第二组,否,2024/12/1,2025年6月30日\n")
	hs, cols, diags := ParseRoster("households.csv", data)
	if len(diags) > 0 {
		t.Fatal(diagStrings(diags))
	}
	if len(hs) != 2 || !hs[0].Consent || hs[1].Consent || hs[1].Joined != "2024-12-01" || hs[1].Left != "2025-06-30" || hs[0].Head != "张三丰" || hs[0].Grid != "第一组" {
		t.Errorf("households: %+v", hs)
	}
	if !hs[1].ActiveIn("2025-06-30") || hs[1].ActiveIn("2025-07-01") || hs[1].ActiveIn("2024-11-30") {
		t.Errorf("ActiveIn is wrong for %+v", hs[1])
	}
	if cols["grid"] != "小组" || cols["left"] != "退出日期" {
		t.Errorf("columns: %v", cols)
	}
}

// TestParseCatalogAndRedemptions reads the values of a catalog and of redemptions; their
// problems are in testdata/parse.
func TestParseCatalogAndRedemptions(t *testing.T) {
	goods, diags := ParseCatalog("catalog.csv", []byte("商品编号,名称,单位,积分,成本\nG01,食用油,桶,60,59.9\nG02,大米,袋,50,48.50\nG03,毛巾,条,5,3\n"))
	if len(diags) > 0 || len(goods) != 3 || goods[0].CostFen != 5990 || goods[1].CostFen != 4850 || goods[2].CostFen != 300 || goods[1].Name != "大米" {
		t.Errorf("goods %+v\n%s", goods, diagStrings(diags))
	}
	reds, _, diags := ParseRedemptions("r.csv", []byte("户号,商品,数量,积分,日期\nQS-1,G01,2,120,2025/7/20\n"))
	want := Redemption{Line: 2, Household: "QS-1", Goods: "G01", Quantity: 2, Points: 120, PointsText: "120", Date: "2025-07-20", DateText: "2025/7/20"}
	if len(diags) > 0 || len(reds) != 1 || !reflect.DeepEqual(reds[0], want) {
		t.Errorf("redemptions %+v, %v", reds, diags)
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

func TestTemplate(t *testing.T) {
	hs := []Household{
		{ID: "A", Head: "王小明", Joined: "2024-12-01"},
		{ID: "B", Head: "李四", Joined: "2025-07-31"},
		{ID: "C", Joined: "2024-12-01", Left: "2025-06-30"},
		{ID: "D", Joined: "2024-12-01", Left: "2025-07-02"},
		{ID: "E", Joined: "2025-08-01"},
	}
	got := string(Template(hs, "2025-07"))
	// D left on 2 July, its last day on the roster: its date is that day, so that its row filled
	// in passes. C left on 30 June. The head's name is beside the code, for the eye only.
	want := "\uFEFF户号,户主,事项,分值,日期,说明,佐证\r\nA,王小明,,,2025-07-31,,\r\nB,李四,,,2025-07-31,,\r\nD,,,,2025-07-02,,\r\n"
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if _, _, diags := ReadSheet("t.csv", []byte(got)); len(diags) != 1 || diags[0].Code != check.EmptySheet {
		t.Errorf("an untouched template: %v, want an empty sheet", diags)
	}
}

// TestRosterHouse: the house numbers a roster gives are read as written; one that is not a house
// number is left out (and reported, see testdata/parse/roster-house.txtar).
func TestRosterHouse(t *testing.T) {
	data := "户号,户主,小组,公开授权,加入日期,退出日期,门牌号\n" +
		"0101,李华,第一组,是,2025-01-01,,12号\n0102,王芳,第一组,是,2025-01-01,,３-5\n" +
		"0103,张三,第一组,否,2025-01-01,,\n0104,赵四,第一组,是,2025-01-01,,桃源村3组12号\n"
	hs, _, _ := ParseRoster("households.csv", []byte(data))
	var got []string
	for _, h := range hs {
		got = append(got, h.House)
	}
	if want := []string{"12号", "３-5", "", ""}; !slices.Equal(got, want) {
		t.Errorf("house numbers %q, want %q", got, want)
	}
}

// TestDuplicateRows checks that a repeated row names the first row it repeats, among rows that
// differ only in their note or evidence (which the hash leaves out) and many others.
func TestDuplicateRows(t *testing.T) {
	var b strings.Builder
	b.WriteString("户号,事项,分值,日期,说明,佐证\n")
	for i := range 300 {
		fmt.Fprintf(&b, "H-%03d,A01,5,2025-07-03,,\n", i)
	}
	rows := []string{
		"H-900,A01,5,2025-07-03,打扫,",   // line 302
		"H-900,A01,5,2025-07-03,修路,",   // 303: differs in its note only
		"H-900,A01,5,2025-07-03,修路,",   // 304: repeats 303
		"H-900,A01,5,2025-07-03,打扫,",   // 305: repeats 302
		"H-900,A01,5,2025-07-03,修路,E1", // 306: differs in its evidence
		"H-900,A01,5,2025-07-03,修路,",   // 307: repeats 303
		"H-150,A01,5,2025-07-03,,",     // 308: repeats 152
	}
	for _, r := range rows {
		b.WriteString(r + "\n")
	}
	_, _, diags := ReadSheet("s.csv", []byte(b.String()))
	var got []string
	for _, d := range diags {
		if d.Code == check.DuplicateRow {
			got = append(got, fmt.Sprintf("%d:%s", d.Line, d.Args[0]))
		}
	}
	if want := []string{"304:303", "305:302", "307:303", "308:152"}; !slices.Equal(got, want) {
		t.Errorf("duplicate rows %v, want %v (all: %v)", got, want, diags)
	}
}
