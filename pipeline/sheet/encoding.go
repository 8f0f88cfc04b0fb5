package sheet

import (
	"bytes"
	"cmp"
	"strconv"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/jifen-project/jifen/pipeline/check"
)

// WorkbookReason says that a file is an Excel or WPS workbook and how to save it as CSV.
var WorkbookReason = check.Text{
	Zh: "这是 Excel 工作簿（.xlsx 或 .xls），不是 CSV 文件：在 Excel 里点“文件 → 另存为”，保存类型选“CSV UTF-8（逗号分隔）”；在 WPS 里点“文件 → 另存为”，文件类型选“CSV”",
	En: "this is an Excel workbook (.xlsx or .xls), not a CSV file: in Excel or WPS, choose File → Save As and the type CSV (CSV UTF-8 where Excel offers it)",
}

// The other causes of a BadEncoding that decode can tell apart.
var (
	reasonUTF16 = check.Text{
		Zh: "这是 UTF-16 编码的文本（Excel 的“Unicode 文本”），不是 CSV 文件：在 Excel 或 WPS 里点“文件 → 另存为”，类型选“CSV”",
		En: "this is UTF-16 text (Excel's Unicode Text), not a CSV file: in Excel or WPS, choose File → Save As and the type CSV",
	}
	reasonUTF8Line = check.Text{
		Zh: "这一行是 UTF-8 编码，文件的其他行是 GB18030 编码",
		En: "this line is UTF-8 while the rest of the file is GB18030",
	}
	reasonGB18030Line = check.Text{
		Zh: "这一行是 GB18030 编码，文件的其他行是 UTF-8 编码",
		En: "this line is GB18030 while the rest of the file is UTF-8",
	}
)

// IsWorkbook reports whether data is a spreadsheet workbook rather than text: an .xlsx or an
// .ods (a zip archive) or an old .xls (an OLE compound file).
func IsWorkbook(data []byte) bool {
	return bytes.HasPrefix(data, []byte("PK\x03\x04")) || bytes.HasPrefix(data, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"))
}

// decode turns the bytes of a file into UTF-8 text. UTF-8 (with or without a byte order mark)
// and GB18030 are accepted. Anything else is reported at each line that is wrong, with the
// number of its first bad byte: a workbook or UTF-16 saved under a .csv name, a byte that is
// neither, and a line of one encoding in a file of the other (a row pasted from another file
// in a text editor), which would otherwise be read as nonsense characters.
func decode(name string, data []byte, diags *check.List) ([]byte, bool) {
	bad := func(off, line int, reason *check.Text) {
		diags.Add(check.Diagnostic{Code: check.BadEncoding, File: name, Line: line, Args: []string{strconv.Itoa(off + 1)}, Reason: reason})
	}
	switch {
	case IsWorkbook(data):
		bad(0, 0, &WorkbookReason)
		return nil, false
	case bytes.HasPrefix(data, []byte("\xFF\xFE")) || bytes.HasPrefix(data, []byte("\xFE\xFF")):
		bad(0, 0, &reasonUTF16)
		return nil, false
	}
	text, bom := bytes.CutPrefix(data, []byte("\xEF\xBB\xBF"))
	if utf8.Valid(text) {
		return text, true
	}
	if bom || mostlyUTF8(text) {
		start := len(data) - len(text)
		forLines(text, func(l []byte, off, line int) {
			if i := invalidUTF8(l); i >= 0 {
				bad(start+off+i, line, ifReason(invalidGB18030(l) < 0 && looksGB18030(l), &reasonGB18030Line))
			}
		})
		return nil, false
	}
	ok := true
	forLines(text, func(l []byte, off, line int) {
		if i := invalidGB18030(l); i >= 0 {
			bad(off+i, line, ifReason(utf8.Valid(l), &reasonUTF8Line))
			ok = false
		} else if pastedUTF8(l) {
			bad(off+bytes.IndexFunc(l, func(r rune) bool { return r >= utf8.RuneSelf }), line, &reasonUTF8Line)
			ok = false
		}
	})
	if !ok {
		return nil, false
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(text)
	if err != nil { // not expected: the bytes were checked
		bad(0, 1, nil)
		return nil, false
	}
	return out, true
}

func ifReason(cond bool, r *check.Text) *check.Text {
	if cond {
		return r
	}
	return nil
}

// forLines calls f with each line of text (without its line feed), the offset of its first
// byte and its 1-based number.
func forLines(text []byte, f func(l []byte, off, line int)) {
	for off, line := 0, 1; off < len(text); line++ {
		n := bytes.IndexByte(text[off:], '\n')
		if n < 0 {
			n = len(text) - off
		}
		f(text[off:off+n], off, line)
		off += n + 1
	}
}

// mostlyUTF8 reports whether a file that is not all valid UTF-8 is UTF-8 with some lines in
// another encoding, rather than GB18030: whether more of its lines read as Chinese in UTF-8
// than are not UTF-8 at all, the first of them deciding a tie.
func mostlyUTF8(text []byte) bool {
	utf, other, first := 0, 0, 0
	forLines(text, func(l []byte, _, _ int) {
		switch {
		case !utf8.Valid(l):
			other++
			first = cmp.Or(first, -1)
		case looksUTF8(l):
			utf++
			first = cmp.Or(first, 1)
		}
	})
	return utf > other || utf == other && first > 0
}

// looksUTF8 reports whether l is valid UTF-8 that reads as Chinese: it has Chinese characters,
// and every character beyond ASCII is a Chinese character (U+4E00–U+9FFF) or punctuation of
// Chinese text. Text in GB18030 is almost never that by chance: its two-byte characters must
// line up as UTF-8's three-byte ones, three of them for two, with every byte in range.
func looksUTF8(l []byte) bool {
	hanzi := 0
	for i := 0; i < len(l); {
		if l[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(l[i:])
		switch {
		case 0x4E00 <= r && r <= 0x9FFF:
			hanzi++
		case 0x3000 <= r && r <= 0x303F, 0xFF00 <= r && r <= 0xFFEF, 0x2000 <= r && r <= 0x206F, r == 0xB7, r == 0xD7:
		default:
			return false
		}
		i += size
	}
	return hanzi > 0
}

// pastedUTF8 reports whether l, valid GB18030 in a file of GB18030, is rather UTF-8 pasted
// in: it reads as Chinese in UTF-8, and not as GB2312's Chinese and punctuation in GB18030.
// Chinese text in GB18030 is GB2312 but for the rare character of a name, and it almost never
// reads as Chinese in UTF-8 as well (see looksUTF8).
func pastedUTF8(l []byte) bool {
	if !looksUTF8(l) {
		return false
	}
	hanzi, common, all := gb2312(l)
	return hanzi == 0 || common < all
}

// looksGB18030 reports whether l is GB18030 that reads as Chinese: it has Chinese characters
// of GB2312, and at least four in five of its two-byte characters are GB2312's Chinese
// characters or common punctuation (a rare character of a name may be outside).
func looksGB18030(l []byte) bool {
	hanzi, common, all := gb2312(l)
	return hanzi > 0 && common*5 >= all*4
}

// gb2312 counts the characters beyond ASCII of l, valid GB18030: those of GB2312's Chinese
// rows, those of GB2312's Chinese rows or its rows of punctuation and full-width forms (A1–A3),
// and all of them. UTF-8 Chinese read as GB18030 mostly falls outside GB2312: its continuation
// bytes 80–BF make poor GB2312 bytes, which are A1–FE.
func gb2312(l []byte) (hanzi, common, all int) {
	in := func(c, lo, hi byte) bool { return lo <= c && c <= hi }
	for i := 0; i+1 < len(l); {
		c := l[i]
		switch {
		case c < 0x80:
			i++
			continue
		case in(l[i+1], 0x30, 0x39): // four bytes: never GB2312
			i += 4
		default:
			if in(l[i+1], 0xA1, 0xFE) && (in(c, 0xA1, 0xA3) || in(c, 0xB0, 0xF7)) {
				common++
				if c >= 0xB0 {
					hanzi++
				}
			}
			i += 2
		}
		all++
	}
	return hanzi, common, all
}

// invalidUTF8 is the offset of the first byte that is not valid UTF-8, or -1.
func invalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return -1
}

// invalidGB18030 is the offset of the first byte sequence that GB18030 does not allow, or -1.
// It checks only the byte structure (one, two or four bytes); the decoder maps the characters.
func invalidGB18030(b []byte) int {
	in := func(c, lo, hi byte) bool { return lo <= c && c <= hi }
	for i := 0; i < len(b); {
		switch c := b[i]; {
		case c < 0x80:
			i++
		case in(c, 0x81, 0xFE) && i+1 < len(b) && (in(b[i+1], 0x40, 0x7E) || in(b[i+1], 0x80, 0xFE)):
			i += 2
		case in(c, 0x81, 0xFE) && i+3 < len(b) && in(b[i+1], 0x30, 0x39) && in(b[i+2], 0x81, 0xFE) && in(b[i+3], 0x30, 0x39):
			i += 4
		default:
			return i
		}
	}
	return -1
}
