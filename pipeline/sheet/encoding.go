package sheet

import (
	"bytes"
	"cmp"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/jifen-project/jifen/pipeline/check"
)

// reasonNoChinese says that a file was saved in a character set without Chinese characters.
var reasonNoChinese = check.Text{
	Zh: "表头的中文都变成了“?”：文件保存时选的字符集里没有中文字，全部中文都丢了",
	En: "the header's Chinese became \"?\": the file was saved in a character set without Chinese characters, and all of its Chinese text was lost",
}

// The causes of a BadEncoding that decode can tell apart.
var (
	reasonUTF16 = check.Text{
		Zh: "这是 UTF-16 编码的文本（Excel 的“Unicode 文本”），不是 CSV 文件：在 Excel 或 WPS 里点“文件 → 另存为”，类型选“CSV”",
		En: "this is UTF-16 text (Excel's Unicode Text), not a CSV file: in Excel or WPS, choose File → Save As and the type CSV",
	}
	reasonNotText = check.Text{
		Zh: "这不是文本文件（可能是压缩包、图片或别的软件的文件），不是 CSV 文件",
		En: "this is not a text file (an archive, a picture or another program's file, perhaps), so not a CSV file",
	}
	reasonBOMGB18030 = check.Text{
		Zh: "文件开头有 UTF-8 的字节顺序标记，内容却是 GB18030 编码：在 Excel 或 WPS 里打开，重新另存为 CSV",
		En: "the file starts with a UTF-8 byte order mark but is GB18030: open it in Excel or WPS and save it again as CSV",
	}
	reasonUTF8Line = check.Text{
		Zh: "这一行是 UTF-8 编码，文件的其他行是 GB18030 编码",
		En: "this line is UTF-8 while the rest of the file is GB18030",
	}
	reasonGB18030Line = check.Text{
		Zh: "这一行是 GB18030 编码，文件的其他行是 UTF-8 编码",
		En: "this line is GB18030 while the rest of the file is UTF-8",
	}
	reasonUTF8Lines = check.Text{
		Zh: "这一行和后面另外 %[4]s 行是 UTF-8 编码，文件的其他行是 GB18030 编码",
		En: "this line and %[4]s more are UTF-8 while the rest of the file is GB18030",
	}
	reasonGB18030Lines = check.Text{
		Zh: "这一行和后面另外 %[4]s 行是 GB18030 编码，文件的其他行是 UTF-8 编码",
		En: "this line and %[4]s more are GB18030 while the rest of the file is UTF-8",
	}
	reasonBadLines = check.Text{
		Zh: "后面还有 %[4]s 行也读不出来",
		En: "%[4]s more lines cannot be read either",
	}
)

// WorkbookKind tells whether data is a spreadsheet workbook rather than text, and which kind, by
// the extension it would have: .xlsx (a zip archive with the parts of an Excel workbook), .ods
// (one with an OpenDocument spreadsheet's) or .xls (an OLE compound file, as old Excel and WPS
// workbooks are). It returns "" for anything else.
func WorkbookKind(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")):
		return ".xls"
	case !bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return ""
	case bytes.Contains(data, []byte("xl/workbook.xml")):
		return ".xlsx"
	case bytes.Contains(data, []byte("application/vnd.oasis.opendocument.spreadsheet")):
		return ".ods"
	}
	return ""
}

// decode turns the bytes of a file into UTF-8 text. UTF-8 (with or without a byte order mark)
// and GB18030 are accepted, with any line ends: LF, CRLF, or CR alone (old Macs). Anything else
// is reported with the number of its first bad byte. A file that is not text at all (a
// workbook, UTF-16, an archive) is reported once for the whole file, and so is GB18030 text
// behind a UTF-8 byte order mark. Otherwise each bad line is reported (a row pasted from a file
// of the other encoding in a text editor, which would be read as nonsense characters), unless
// more than a few are bad: then the file is, and its first bad line is reported, with the
// number of the others.
//
// legacy is true when the text was GB18030 (or GBK, its older part): spreadsheets saving in
// GBK write "?" for the characters it cannot hold.
func decode(name string, data []byte, diags *check.List) (text string, legacy, ok bool) {
	bad := func(off, line int, reason *check.Text, args ...string) {
		diags.Add(check.Diagnostic{Code: check.BadEncoding, File: name, Line: line, Args: append([]string{strconv.Itoa(off + 1)}, args...), Reason: reason})
	}
	if kind := WorkbookKind(data); kind != "" {
		diags.Add(check.Diagnostic{Code: check.Workbook, File: name, Args: []string{kind}})
		return "", false, false
	}
	if off, reason := notText(data); reason != nil {
		bad(off, 0, reason)
		return "", false, false
	}
	data = macLineEnds(data)
	raw, bom := bytes.CutPrefix(data, []byte("\xEF\xBB\xBF"))
	if utf8.Valid(raw) {
		// The text shares data's bytes, which no one changes once read: a copy of every file
		// would cost validate a tenth of its time, in copying and in collecting the garbage.
		return unsafe.String(unsafe.SliceData(raw), len(raw)), false, true
	}
	var lines []badLine
	if bom || mostlyUTF8(raw) {
		lines = badUTF8Lines(raw, len(data)-len(raw))
		if bom && gb18030BehindBOM(raw, lines) {
			bad(lines[0].off, 0, &reasonBOMGB18030)
			return "", false, false
		}
	} else if lines = badGB18030Lines(raw); len(lines) == 0 {
		out, err := decodeGB18030(raw)
		if err != nil { // not expected: the bytes were checked
			bad(0, 1, nil)
			return "", false, false
		}
		return out, true, true
	}
	if n := len(lines); n > 1 && (n > 3 || n*3 > lineCount(raw)) {
		bad(lines[0].off, lines[0].line, manyLines(lines), strconv.Itoa(n-1))
		return "", false, false
	}
	for _, l := range lines {
		bad(l.off, l.line, l.reason)
	}
	return "", false, false
}

// decodeGB18030 decodes valid GB18030 text into UTF-8. It copies runs of ASCII as they are,
// and the characters of two bytes, most of the others, as the decoder of golang.org/x/text
// decodes them (see gbkPairs); the decoder itself decodes the lines with characters of four
// bytes from the first of them.
func decodeGB18030(text []byte) (string, error) {
	pairs := gbkPairs()
	var out strings.Builder
	out.Grow(len(text)*3/2 + utf8.UTFMax) // a character of two bytes takes at most three in UTF-8
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			j := i + 1
			for j < len(text) && text[j] < utf8.RuneSelf {
				j++
			}
			out.Write(text[i:j])
			i = j
			continue
		}
		if i+1 < len(text) && gbkLead(c) && gbkTrail(text[i+1]) {
			p := &pairs[gbkPair(c, text[i+1])]
			out.Write(p[:p[3]])
			i += 2
			continue
		}
		// A character of four bytes, rare: the decoder decodes the rest of the line. A line
		// feed is never part of a character, so the decoder reads the line as it reads it in
		// the whole text.
		n := bytes.IndexByte(text[i:], '\n')
		if n < 0 {
			n = len(text) - i
		}
		line, err := simplifiedchinese.GB18030.NewDecoder().Bytes(text[i : i+n])
		if err != nil {
			return "", err
		}
		out.Write(line)
		i += n
	}
	return out.String(), nil
}

func gbkLead(c byte) bool  { return 0x81 <= c && c <= 0xFE }
func gbkTrail(c byte) bool { return 0x40 <= c && c <= 0x7E || 0x80 <= c && c <= 0xFE }

// gbkPair is the index in gbkPairs of the character of two bytes c0 c1.
func gbkPair(c0, c1 byte) int { return int(c0-0x81)*191 + int(c1-0x40) }

// gbkPairs is what GB18030's decoder (golang.org/x/text) makes of each character of two bytes,
// by gbkPair: its UTF-8 bytes (at most three), then their number. It is made once, from the
// decoder, the first time a file in GB18030 is read: a copy of the decoder's output per
// character is several times quicker than the decoder, and the same.
var gbkPairs = sync.OnceValue(func() *[126 * 191][4]byte {
	var pairs [126 * 191][4]byte
	dec := simplifiedchinese.GB18030.NewDecoder()
	var dst [8]byte
	for c0 := 0x81; c0 <= 0xFE; c0++ {
		for c1 := 0x40; c1 <= 0xFE; c1++ {
			if !gbkTrail(byte(c1)) {
				continue
			}
			n, _, err := dec.Transform(dst[:], []byte{byte(c0), byte(c1)}, true)
			if err != nil || n > 3 {
				panic(fmt.Sprintf("sheet: GB18030 %02X%02X decodes to %d bytes: %v", c0, c1, n, err))
			}
			p := &pairs[gbkPair(byte(c0), byte(c1))]
			copy(p[:], dst[:n])
			p[3] = byte(n)
		}
	}
	return &pairs
})

// fourByteGB18030 reports whether GB18030 text has a character of four bytes, which GBK does
// not have: such a file was saved in GB18030, which holds every character, and lost none.
func fourByteGB18030(data []byte) bool {
	for i := 0; i+1 < len(data); i++ {
		switch b := data[i]; {
		case b < 0x80:
		case data[i+1] >= '0' && data[i+1] <= '9':
			return true
		default:
			i++ // the second byte of a character of two
		}
	}
	return false
}

// A badLine is a line of a file that is not in the file's encoding: the offset of its first bad
// byte in the file, its number, and which encoding it is, when that is clear.
type badLine struct {
	off, line int
	reason    *check.Text // reasonUTF8Line, reasonGB18030Line or nil
}

// badUTF8Lines finds the lines of text, mostly UTF-8, that are not UTF-8. start is the offset
// of text in the file.
func badUTF8Lines(text []byte, start int) []badLine {
	var bad []badLine
	forLines(text, func(l []byte, off, line int) {
		if i := invalidUTF8(l); i >= 0 {
			bad = append(bad, badLine{start + off + i, line, ifReason(invalidGB18030(l) < 0 && looksGB18030(l), &reasonGB18030Line)})
		}
	})
	return bad
}

// badGB18030Lines finds the lines of text, mostly GB18030, that are not GB18030, or that are
// UTF-8 pasted in (see pastedUTF8).
func badGB18030Lines(text []byte) []badLine {
	var bad []badLine
	forLines(text, func(l []byte, off, line int) {
		if i := invalidGB18030(l); i >= 0 {
			bad = append(bad, badLine{off + i, line, ifReason(utf8.Valid(l), &reasonUTF8Line)})
		} else if pastedUTF8(l) {
			bad = append(bad, badLine{off + bytes.IndexFunc(l, func(r rune) bool { return r >= utf8.RuneSelf }), line, &reasonUTF8Line})
		}
	})
	return bad
}

// gb18030BehindBOM reports whether text, which follows a UTF-8 byte order mark, is GB18030
// rather than UTF-8 with lines of GB18030 in it: every line that is not UTF-8 is GB18030, and
// no line reads as Chinese in UTF-8.
func gb18030BehindBOM(text []byte, bad []badLine) bool {
	for _, l := range bad {
		if l.reason != &reasonGB18030Line {
			return false
		}
	}
	utf := false
	forLines(text, func(l []byte, _, _ int) {
		utf = utf || looksUTF8(l)
	})
	return !utf
}

// manyLines is the reason of the first of many bad lines: which encoding they are, when all
// of them are the same.
func manyLines(bad []badLine) *check.Text {
	for _, l := range bad[1:] {
		if l.reason != bad[0].reason {
			return &reasonBadLines
		}
	}
	switch bad[0].reason {
	case &reasonUTF8Line:
		return &reasonUTF8Lines
	case &reasonGB18030Line:
		return &reasonGB18030Lines
	}
	return &reasonBadLines
}

// notText says why data is no text at all, with the offset of a byte that shows it: UTF-16 (with a byte order mark, or many bytes 0x00 every other byte, as the ASCII
// characters of UTF-16 are), or the control bytes of an archive, a picture or another binary
// file. The reason is nil for text. It looks at the first 8 KB.
func notText(data []byte) (int, *check.Text) {
	if bytes.HasPrefix(data, []byte("\xFF\xFE")) || bytes.HasPrefix(data, []byte("\xFE\xFF")) {
		return 0, &reasonUTF16
	}
	sample := data[:min(len(data), 8<<10)]
	var zeros [2]int // the bytes 0x00 at even and odd offsets
	controls, first := 0, -1
	for i, b := range sample {
		if b == 0 {
			zeros[i%2]++
		}
		if b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f' {
			controls++
			if first < 0 {
				first = i
			}
		}
	}
	hi, lo := max(zeros[0], zeros[1]), min(zeros[0], zeros[1])
	switch {
	case hi*16 > len(sample) && lo*2 < hi:
		return first, &reasonUTF16
	case controls >= 2 && controls*100 > len(sample):
		return first, &reasonNotText
	}
	return 0, nil
}

// macLineEnds turns the line ends of a file that ends its lines with a carriage return alone
// (as old Macs did, and no line feed anywhere) into line feeds. No other byte of UTF-8 or
// GB18030 is a carriage return.
func macLineEnds(data []byte) []byte {
	if bytes.IndexByte(data, '\n') >= 0 || bytes.IndexByte(data, '\r') < 0 {
		return data
	}
	return bytes.ReplaceAll(data, []byte{'\r'}, []byte{'\n'})
}

func ifReason(cond bool, r *check.Text) *check.Text {
	if cond {
		return r
	}
	return nil
}

// lineCount is the number of lines of text, the last one with or without a line feed.
func lineCount(text []byte) int {
	n := bytes.Count(text, []byte{'\n'})
	if len(text) > 0 && text[len(text)-1] != '\n' {
		n++
	}
	return n
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

// InvalidText is the offset of the first byte of b that is not UTF-8 text, or -1. A NUL byte,
// as UTF-16 has between ASCII letters, is not text.
func InvalidText(b []byte) int {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return i
	}
	return invalidUTF8(b)
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
