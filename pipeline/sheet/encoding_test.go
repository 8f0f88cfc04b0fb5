package sheet

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/jifen-project/jifen/pipeline/check"
)

// notes are rows of a score sheet as cadres write them, for the tests of mixed encodings.
var notes = []string{
	"QS-0001,AD01,2,2025-03-03,参加村民代表大会,签到表第2页",
	"QS-0002,XF03,5,2025-03-29,参加志愿服务打扫村道卫生,照片存档",
	"QS-0003,ZF05,-5,2025-03-30,乱堆乱放柴草，经劝导已清理,照片",
	"QS-0004,HJ02,3,2025-03-12,门前三包做得好,网格员检查记录",
	"QS-0005,XF01,2,2025-03-15,义务献血,献血证",
	"QS-0006,JT04,5,2025-03-08,被评为镇级五好家庭,镇妇联文件",
	"QS-0007,AQ02,-3,2025-03-20,田间焚烧秸秆,村委会巡查记录",
	"QS-0008,JY01,2,2025-03-21,孩子考上大学,录取通知书复印件",
	"QS-0009,LF03,4,2025-03-25,调解邻里纠纷,调解协议书",
	"QS-0010,HJ05,2,2025-03-26,垃圾分类投放准确,督导员记录",
	"QS-0011,XF03,5,2025-03-27,帮助孤寡老人收割水稻,照片和证明",
	"QS-0012,ZF02,-10,2025-03-28,违规建房未经审批,镇综合执法队通知",
	"QS-0013,AD03,1,2025-03-10,按时缴纳医保,缴费凭证",
	"QS-0014,WM02,3,2025-03-11,移风易俗简办婚事,红白理事会登记",
	"QS-0015,XF02,2,2025-03-18,参加防汛值守,值班表",
	"QS-0016,CY01,3,2025-03-19,返乡创业带动就业,营业执照",
	"QS-0017,HJ01,2,2025-03-22,庭院整洁美观,评比记录",
	"QS-0018,AD02,1,2025-03-23,参加党员活动日,会议记录",
	"QS-0019,XF04,2,2025-03-24,捐款修路,收据",
	"QS-0020,JT02,2,2025-03-05,孝敬老人,邻居证明",
}

// TestMixedEncodings pastes each row, in the other encoding, into a sheet of the others, both
// ways: the row is reported at its line, with a word on which encoding it is, and nothing else.
func TestMixedEncodings(t *testing.T) {
	header := "户号,事项,分值,日期,说明,佐证"
	for i := range notes {
		for _, fileIsGB := range []bool{true, false} {
			var data []byte
			for j, l := range append([]string{header}, notes...) {
				if (j == i+1) == fileIsGB {
					data = append(data, l...)
				} else {
					data = append(data, gb18030(t, l)...)
				}
				data = append(data, '\n')
			}
			_, _, diags := ReadSheet("s.csv", data)
			reason := &reasonGB18030Line
			if fileIsGB {
				reason = &reasonUTF8Line
			}
			if len(diags) != 1 || diags[0].Code != check.BadEncoding || diags[0].Line != i+2 || diags[0].Reason != reason {
				t.Errorf("line %d %s in a file of the other encoding: got\n%s", i+2, map[bool]string{true: "UTF-8", false: "GB18030"}[fileIsGB], diagStrings(diags))
			}
		}
	}
}

// TestGB18030ReadsAsUTF8 is a GB18030 sheet with a row whose bytes are valid UTF-8 that reads
// as Chinese too ("丰帮"), by chance: its GB18030 is GB2312, so it is read as GB18030.
func TestGB18030ReadsAsUTF8(t *testing.T) {
	row := "QS-1,AD01,2,2025-07-03,\xe4\xb8\xb0\xe5\xb8\xae,"
	if !looksUTF8([]byte(row)) {
		t.Fatal("the row is meant to read as Chinese in UTF-8")
	}
	data := append(gb18030(t, "户号,事项,分值,日期,说明,佐证\n"+notes[0]+"\n"), row+"\n"...)
	entries, _, diags := ReadSheet("s.csv", data)
	if len(diags) > 0 || len(entries) != 2 || entries[1].Note != "涓板府" {
		t.Errorf("got %+v\n%s", entries, diagStrings(diags))
	}
}

// TestGB18030Names reads a GB18030 roster with every row valid GB18030 and names of rare
// characters (outside GB2312) and the punctuation of Chinese text.
func TestGB18030Names(t *testing.T) {
	var b strings.Builder
	b.WriteString("户号,户主,小组,公开授权,加入日期,退出日期\n")
	for i, name := range []string{"李喆", "王堃", "张昇", "陈珺", "欧阳淼", "赵·买买提", "刘（大）明", "周“小”红", "吴一", "郑丽丽"} {
		fmt.Fprintf(&b, "QS-%d,%s,第%d组,是,2024-12-01,\n", i+1, name, i%3+1)
	}
	hs, _, diags := ParseRoster("households.csv", gb18030(t, b.String()))
	if len(diags) > 0 || len(hs) != 10 || hs[0].Head != "李喆" || hs[7].Head != "周“小”红" {
		t.Errorf("got %+v\n%s", hs, diagStrings(diags))
	}
}

func TestWorkbookKind(t *testing.T) {
	for data, want := range map[string]string{
		"PK\x03\x04\x14\x00[Content_Types].xml...xl/workbook.xml":                  ".xlsx",
		"PK\x03\x04\x14\x00mimetypeapplication/vnd.oasis.opendocument.spreadsheet": ".ods",
		"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00":                                     ".xls",
		"PK\x03\x04\x14\x00word/document.xml":                                      "", // a Word document: no workbook
		"PK,household\n":                                                           "",
		"":                                                                         "",
		"户号,事项\n":                                                                  "",
	} {
		if got := WorkbookKind([]byte(data)); got != want {
			t.Errorf("WorkbookKind(%q) = %q, want %q", data, got, want)
		}
	}
}

// TestNotText tells text from UTF-16 without a byte order mark and from binary files, and
// leaves a stray control character in text to the cells.
func TestNotText(t *testing.T) {
	utf16 := func(s string, big bool) string {
		var b []byte
		for _, r := range s { // the characters of these tests are all in the BMP
			hi, lo := byte(r>>8), byte(r)
			if big {
				hi, lo = lo, hi
			}
			b = append(b, lo, hi)
		}
		return string(b)
	}
	sheet := "户号,事项,分值,日期,说明\nQS-1,AD01,2,2025-07-03,第一组\n"
	for _, tt := range []struct {
		name, data string
		want       *check.Text
	}{
		{"UTF-16LE", utf16(sheet, false), &reasonUTF16},
		{"UTF-16BE", utf16(sheet, true), &reasonUTF16},
		{"UTF-16LE, Chinese only", utf16("张三,第一组\n李四,第二组\n", false), &reasonUTF16},
		{"gzip", "\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03\x8d\xcb\x31\x0a\xc2\x30\x14\x80\xe1\xdd", &reasonNotText},
		{"PNG", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", &reasonNotText},
		{"a control character in a note", sheet + "QS-2,AD01,2,2025-07-03,\x01宣讲\n", nil},
		{"UTF-8", sheet, nil},
		{"empty", "", nil},
	} {
		if _, got := notText([]byte(tt.data)); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestForLines(t *testing.T) {
	var got []string
	forLines([]byte("a\nbc\r\n\nd"), func(l []byte, off, line int) {
		got = append(got, fmt.Sprintf("%d:%d:%q", line, off, l))
	})
	if want := `1:0:"a" 2:2:"bc\r" 3:6:"" 4:7:"d"`; strings.Join(got, " ") != want {
		t.Errorf("got %s, want %s", got, want)
	}
	forLines(nil, func([]byte, int, int) { t.Error("a line in nothing") })
}

// TestDecodeGB18030 checks that decodeGB18030 decodes as GB18030's decoder of golang.org/x/text
// does: every character of two bytes, characters of four bytes, and ASCII between them.
func TestDecodeGB18030(t *testing.T) {
	var all []byte
	for c0 := 0x81; c0 <= 0xFE; c0++ {
		for c1 := 0x40; c1 <= 0xFE; c1++ {
			if c1 != 0x7F {
				all = append(all, byte(c0), byte(c1))
			}
		}
		all = append(all, 'a', ',', '\n')
	}
	texts := [][]byte{all, nil, []byte("abc"), []byte("\x81\x30\x81\x30x\x84\x31\xA4\x39\x95\x32\x82\x36,\x90\x30\x81\x30\xE3\x32\x9A\x35")}
	for _, n := range notes {
		text, err := simplifiedchinese.GB18030.NewEncoder().String(n + "\n" + "𠀀" + n)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, []byte(text))
	}
	for _, text := range texts {
		if i := invalidGB18030(text); i >= 0 {
			t.Fatalf("%q is no GB18030 at %d", text, i)
		}
		want, err := simplifiedchinese.GB18030.NewDecoder().Bytes(text)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := decodeGB18030(text); err != nil || got != string(want) {
			t.Errorf("decodeGB18030(%q) = %q, %v; want %q", text[:min(len(text), 40)], got[:min(len(got), 40)], err, want[:min(len(want), 40)])
		}
	}
}

// FuzzDecodeGB18030 checks decodeGB18030 against GB18030's decoder on any text that is GB18030.
func FuzzDecodeGB18030(f *testing.F) {
	f.Add([]byte("QS-0001,\xB2\xCE\xBC\xD3,\x81\x30\x81\x30\n"))
	f.Fuzz(func(t *testing.T, text []byte) {
		if invalidGB18030(text) >= 0 {
			return
		}
		want, err := simplifiedchinese.GB18030.NewDecoder().Bytes(text)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := decodeGB18030(text); err != nil || got != string(want) {
			t.Errorf("decodeGB18030(%q) = %q, %v; want %q", text, got, err, want)
		}
	})
}
