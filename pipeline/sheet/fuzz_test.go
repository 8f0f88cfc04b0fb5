package sheet

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// FuzzParseSheet feeds the sheet parser, and the parsers of the other kinds of CSV files,
// arbitrary bytes: they must not panic or hang, every diagnostic must have a code and name the
// file, and every entry must come from a line of the file.
func FuzzParseSheet(f *testing.F) {
	f.Add([]byte(goodSheet))
	f.Add([]byte("日期,户号,事项,情况,结果,理由\n2025-07-03,QS-1,GJ02,修路,不通过,\n2025/7/4,QS-2,AD01,\"开会,发言\",同意,\n"))
	f.Add([]byte("收到日期,户号,事项,结果,答复日期,答复\n2025-08-05,QS-1,,维持,2025-08-01,已复核\n2025-08-06,QS-2,GJ02,处理中,,\n"))
	f.Add([]byte("\xEF\xBB\xBFhousehold,item,points,date\r\nQS-1,AD01,5.0,2025年7月3日\r\n"))
	f.Add([]byte("户号,事项,分值,日期,说明,佐证,,\nQS-1,AD01,-5,2025/7/3,\"=1\n2\",11010519491231002X,\n,,,,\n"))
	f.Add([]byte("\xbb\xa7\xba\xc5,\xca\xc2\xcf\xee,\xb7\xd6\xd6\xb5,\xc8\xd5\xc6\xda\nQS-1,AD01,2,2025-07-03\n")) // GB18030
	f.Add([]byte("户号,事项,分值,日期\nQS-1,\"AD01,2,2025-07-03\n\xff"))
	f.Add([]byte("序号,户号,事项,分值,日期\nQS-0002，XF03，5，2025-03-29，志愿服务，\nQS-1\tAD01\t2\t45843\n"))
	f.Add([]byte("\xbb\xa7\xba\xc5,\xca\xc2\xcf\xee,\xb7\xd6\xd6\xb5,\xc8\xd5\xc6\xda\nQS-1,AD01,2,2025-07-03,志愿服务\n")) // a UTF-8 row in GB18030
	f.Add([]byte("PK\x03\x04\x14\x00"))
	f.Add([]byte("户号,事项,分值,日期\rQS-1,AD01,2,20250721\r合计,,2,\r\xef\xbb\xbf户号,事项,分值,日期\r")) // old Mac line ends
	f.Add([]byte("青石村2025年7月积分评定表,,,\n户 号,事项,分值（分）,日期\nQS_1\u200b,ＺＦ０１,2,7月7日\n"))
	f.Add([]byte("编号,名称,单位,积分,单价\nG01,油,桶,60,59.9\n户号,户主,小组,公开授权,加入日期\nQS-1,=张,=一组,也许,25/7/3\n"))
	// What a spreadsheet does (issue 16): GBK's "?" for a lost character, a header of question
	// marks, the workbook's codes sheet saved by mistake, codes and evidence turned into numbers
	// and dates.
	f.Add([]byte("\xbb\xa7\xba\xc5,\xca\xc2\xcf\xee,\xb7\xd6\xd6\xb5,\xc8\xd5\xc6\xda,\xcb\xb5\xc3\xf7\n107,GJ02,5,46053,?\x81\x30\x81\x30\n"))
	f.Add([]byte("??,??,??,??\n107.00,1.23457E+15,5,26年3月12日\n"))
	f.Add([]byte("代码,名称,类型,分值,上限,须填佐证\nGJ02,修路,加分,5,每月 10,是\n"))
	f.Add([]byte("户号,事项,分值,日期,说明,佐证\n3月12日,12-Mar,5.5,45848.00,x,123.00\n0107,GJ02,5,3/12/26,x,00123\n"))
	// Moves: 迁自 in every form, 承接积分.
	f.Add([]byte("户号,户主,小组,公开授权,加入日期,退出日期,迁自,承接积分\nLT-1,李华,一组,是,2025-06-21,,qingshi/QS-1、青石村／QS-2；QS-3,\nLT-2,李明,一组,是,2025-06-21,,qingshi/,12.0\nLT-3,李亮,一组,是,2025-06-21,,、；,-5\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		// A hang crashes the worker, so that the fuzzer keeps the input.
		tm := time.AfterFunc(10*time.Second, func() { panic(fmt.Sprintf("hangs on %q", data)) })
		entries, cols, diags := ReadSheet("s.csv", data)
		_, _, more := ParseRoster("s.csv", data)
		diags = append(diags, more...)
		_, _, more = ParseRedemptions("s.csv", data)
		diags = append(diags, more...)
		_, more = ParseCatalog("s.csv", data)
		diags = append(diags, more...)
		_, _, more = ParseDeclarations("s.csv", data)
		diags = append(diags, more...)
		_, _, more = ParseObjections("s.csv", data)
		diags = append(diags, more...)
		tm.Stop()
		ends := byte('\n')
		if !bytes.Contains(data, []byte{'\n'}) {
			ends = '\r' // old Mac line ends
		}
		lines := 1 + bytes.Count(data, []byte{ends})
		for _, d := range diags {
			if d.Code == "" || d.File != "s.csv" || d.Line < 0 || d.Line > lines {
				t.Errorf("bad diagnostic %+v", d)
			}
			_ = d.Message("zh") + d.Message("en")
		}
		for _, e := range entries {
			if e.Line < 2 || e.Line > lines {
				t.Errorf("entry on line %d of %d", e.Line, lines)
			}
		}
		if len(entries) > 0 && cols["points"] == "" {
			t.Errorf("entries without a points column: %v", cols)
		}
	})
}

// FuzzSplit checks that a CSV text without quotes is split into the records, and the lines,
// that encoding/csv reads from it (see records).
func FuzzSplit(f *testing.F) {
	for _, s := range []string{goodSheet, "a,b\r\n\r\n,\n\n c ,d\r\r\n\re,\r", "户号,事项\r\nQS-1,AD01", "\n\n\n", ",", "\r", "a\rb\r\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		text := bytes.ReplaceAll(data, []byte{'"'}, nil)
		var got, want []string
		if err := records(string(text), func(rec []string, line int) bool {
			got = append(got, fmt.Sprintf("%d %q", line, rec))
			return true
		}); err != nil {
			t.Fatal(err)
		}
		r := csv.NewReader(bytes.NewReader(text))
		r.FieldsPerRecord = -1
		for {
			rec, err := r.Read()
			if err != nil {
				break
			}
			line, _ := r.FieldPos(0)
			want = append(want, fmt.Sprintf("%d %q", line, rec))
		}
		if !slices.Equal(got, want) {
			t.Errorf("%q: split into\n%s\nencoding/csv reads\n%s", text, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}

// FuzzPersonalData checks that the quick passes of personalData never hide a number that the
// whole search finds.
func FuzzPersonalData(f *testing.F) {
	for _, s := range []string{"评议记录V018-2025-07-001", "138 0013 8000", "138-0013-8000。", "身份证11010519491231002X", "手机13800138000", "\uFF11\uFF13\uFF18\uFF10\uFF10\uFF11\uFF13\uFF18\uFF10\uFF10\uFF10", "0571-88888888 138 0013 80001"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if _, _, found := findNumber(s); found && (!hasDigits(s, 11) || noNumber(s)) {
			t.Errorf("%q holds a number, which the quick passes miss", s)
		}
	})
}
