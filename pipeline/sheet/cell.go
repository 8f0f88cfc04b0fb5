package sheet

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"

	"github.com/jifen-project/jifen/pipeline/check"
)

// The causes of a BadValue, a BadID and a BadNumber that the cells tell apart.
var (
	reasonMoreThanZero = check.Text{
		Zh: "要大于 0",
		En: "it must be more than 0",
	}
	reasonHouseNumber = check.Text{
		Zh: "只写门牌号（如 12号、3-5），要有数字；不写省、市、县、区、镇、乡、村、路、街这些地址",
		En: "write the house number alone (e.g. 12 or 3-5), with a digit; no province, city, county, district, town, township, village, road or street",
	}
	reasonLeftAfterJoined = check.Text{
		Zh: "退出日期要晚于加入日期（%[3]s）",
		En: "the date left must be after the date joined (%[3]s)",
	}
	reasonCarriedNegative = check.Text{
		Zh: "承接积分不能是负数",
		En: "carried points cannot be negative",
	}
	reasonCarriedAlone = check.Text{
		Zh: "只有写了迁自的户（分户分出来的户）才写承接积分",
		En: "only a household with from (one split from another) carries points",
	}
	reasonRefPart = check.Text{
		Zh: "写原户的户号，如 QS-0107；原户在本镇别的村，写村代码/户号，如 qingshi/QS-0107",
		En: "write the household's code, such as QS-0107, or the village's code and the code, such as qingshi/QS-0107, for another village of the town",
	}
	reasonRefSlash = check.Text{
		Zh: "村代码和户号之间要写 /",
		En: "a village's code and a household's code are joined with /",
	}
	reasonRefSelf = check.Text{
		Zh: "迁自写的是这一户自己",
		En: "from names this household itself",
	}
	reasonYesNo = check.Text{
		Zh: "请填“是”或“否”",
		En: "write yes or no",
	}
	reasonYuan = check.Text{
		Zh: "要写成元，最多两位小数，如 12.50",
		En: "write yuan with at most two decimals, such as 12.50",
	}
	reasonIDSpace = check.Text{
		Zh: "里面有空格",
		En: "it has a space in it",
	}
	reasonIDLength = check.Text{
		Zh: "超过了 16 个字符",
		En: "it is longer than 16 characters",
	}
	reasonIDInvisible = check.Text{
		Zh: "里面有看不见的字符 %[3]s",
		En: "it has the invisible character %[3]s in it",
	}
	reasonIDHyphen = check.Text{
		Zh: "代码里的连接符要用英文减号“-”，不要用下划线或破折号",
		En: `codes join their parts with "-", not with an underscore or a dash`,
	}
	reasonCaseOnly = check.Text{
		Zh: "和第 %[4]s 行的 %[3]q 只有大小写不同，网页地址和查找都不分大小写",
		En: "it differs from %[3]q on line %[4]s only in case, which page addresses and lookups do not tell apart",
	}
	reasonPlusSign = check.Text{
		Zh: "正数前面不用写加号",
		En: "a positive number takes no plus sign",
	}
)

// A cell converts the values of one row, reporting problems at the row's line and noting which
// cells could not be read.
type cell struct {
	name    string
	columns []column // the columns of the file's kind
	cols    Columns
	line    int
	diags   *check.List
	invalid Unread
}

// report adds a diagnostic about the cell of column key, and notes the cell as unread.
func (c *cell) report(d check.Diagnostic, key string) {
	d.File, d.Line, d.Column = c.name, c.line, c.cols[key]
	c.diags.Add(d)
	c.invalid |= 1 << place(c.columns, key)
}

// failed reports whether the cell of column key could not be read.
func (c *cell) failed(key string) bool { return c.invalid.has(c.columns, key) }

// Unread is the set of the cells of a row that could not be read, and were reported: each
// by its column's place among the columns of the file's kind. A row is small, and read many
// times: a set of bits takes less room than the columns' keys.
type Unread uint16

func (u Unread) has(columns []column, key string) bool {
	return u != 0 && u&(1<<place(columns, key)) != 0
}

// place is the index of the column key among columns, which have it.
func place(columns []column, key string) int {
	i := slices.IndexFunc(columns, func(c column) bool { return c.key == key })
	if i < 0 {
		panic("sheet: no column " + key)
	}
	return i
}

func (c *cell) bad(key, value string, reason *check.Text, args ...string) {
	c.report(check.Diagnostic{Code: check.BadValue, Value: value, Reason: reason, Args: args}, key)
}

func (c *cell) required(key, v string) string {
	if v == "" {
		c.report(check.Diagnostic{Code: check.MissingValue}, key)
	}
	return v
}

// IsID reports whether s is a valid household, item, veto, grid or goods id: ASCII letters,
// digits and -, 1 to 16 of them.
func IsID(s string) bool { return s != "" && len(s) <= 16 && idChars(s) }

// idChars reports whether s has only ASCII letters, digits and -.
func idChars(s string) bool {
	for i := 0; i < len(s); i++ {
		if b := s[i]; !(b == '-' || '0' <= b && b <= '9' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z') {
			return false
		}
	}
	return true
}

func (c *cell) id(key, v string) string {
	if c.required(key, v) == "" {
		return ""
	}
	if IsID(v) {
		return v
	}
	d := check.Diagnostic{Code: check.BadID, Value: v}
	d.Reason, d.Args, d.Suggest = idHint(v, "")
	c.report(d, key)
	return ""
}

// idHint says why v, which is not a code, is not one, when it can tell, and the code probably
// meant, when that is clear: v without invisible characters, with its spaces replaced by
// space ("" or "-"), in half-width, and with "-" for an underscore or a dash. The reason is the
// first of these that v needs.
func idHint(v, space string) (reason *check.Text, args []string, suggest string) {
	because := func(r *check.Text) {
		if reason == nil {
			reason = r
		}
	}
	n := v
	if i := strings.IndexFunc(n, invisible); i >= 0 {
		r, _ := utf8.DecodeRuneInString(n[i:])
		reason, args = &reasonIDInvisible, []string{fmt.Sprintf("U+%04X", r)}
		n = strings.Map(func(r rune) rune {
			if invisible(r) {
				return -1
			}
			return r
		}, n)
	}
	if m := strings.Join(strings.Fields(n), space); m != n {
		because(&reasonIDSpace)
		n = m
	}
	if m := narrow(n); m != n {
		because(&reasonFullWidth)
		n = m
	}
	if m := strings.Map(hyphen, n); m != n {
		because(&reasonIDHyphen)
		n = m
	}
	switch {
	case IsID(n):
		return reason, args, n
	case len(n) > 16 && idChars(n):
		because(&reasonIDLength)
	case decimals(n) != "":
		because(&reasonDecimals)
	case scientific(n):
		because(&reasonScientific)
	}
	if _, _, _, _, isDate := shownDate(n); isDate {
		because(&reasonCodeAsDate)
	}
	return reason, args, ""
}

// hyphenSuggestions turns the suggestion of a code typed with a space ("D 01": "D01") into the
// code with a hyphen ("D-01") where the file has that code and not the other. codes gives the
// codes that the file has, in any column; it is called only when a suggestion is in question.
func hyphenSuggestions(diags check.List, codes func() map[string]bool) {
	var has map[string]bool
	for i, d := range diags {
		if d.Code != check.BadID || d.Suggest == "" || !strings.ContainsFunc(d.Value, unicode.IsSpace) {
			continue
		}
		if has == nil {
			has = codes()
		}
		if _, _, alt := idHint(d.Value, "-"); has[alt] && !has[d.Suggest] {
			diags[i].Suggest = alt
		}
	}
}

// hyphen writes an underscore or a dash as "-".
func hyphen(r rune) rune {
	switch r {
	case '_', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212', '\uFE63':
		return '-'
	}
	return r
}

// narrow writes full-width letters, digits and signs (what a Chinese input method may type)
// as ASCII.
func narrow(s string) string { return width.Narrow.String(s) }

// number reads 1 to 9 ASCII digits.
func number(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// parseInt reads a whole number as spreadsheets write it: 5, -5 or 5.0, at most nine digits.
func parseInt(v string) (int, bool) {
	s, neg := strings.CutPrefix(v, "-")
	s, frac, hasFrac := strings.Cut(s, ".")
	if hasFrac && (frac == "" || strings.Trim(frac, "0") != "") {
		return 0, false
	}
	n, ok := number(s)
	if neg {
		n = -n
	}
	return n, ok
}

// integer accepts 5, -5 and 5.0 (what spreadsheets write for whole numbers).
func (c *cell) integer(key, v string) int {
	if c.required(key, v) == "" {
		return 0
	}
	n, ok := parseInt(v)
	if ok {
		return n
	}
	d := check.Diagnostic{Code: check.BadNumber, Value: v}
	if m := narrow(v); m != v {
		if _, ok := parseInt(m); ok {
			d.Reason, d.Suggest = &reasonFullWidth, m
		}
	} else if m, plus := strings.CutPrefix(v, "+"); plus {
		if _, ok := parseInt(m); ok {
			d.Reason, d.Suggest = &reasonPlusSign, m
		}
	}
	c.report(d, key)
	return 0
}

// yuan reads an amount of money such as 12, 12.5 or 12.50 into fen.
func (c *cell) yuan(key, v string) int {
	if c.required(key, v) == "" {
		return 0
	}
	whole, frac, hasFrac := strings.Cut(v, ".")
	y, ok := number(whole)
	f, fok := number((frac + "00")[:2])
	if !ok || hasFrac && (len(frac) < 1 || len(frac) > 2 || !fok) {
		c.bad(key, v, &reasonYuan)
		return 0
	}
	return y*100 + f
}

func (c *cell) yesNo(key, v string) bool {
	switch strings.ToLower(v) {
	case "是", "同意", "y", "yes", "true", "1":
		return true
	case "否", "不同意", "n", "no", "false", "0":
		return false
	}
	if c.required(key, v) != "" {
		c.bad(key, v, &reasonYesNo)
	}
	return false
}

func (c *cell) date(key, v string) string {
	if c.required(key, v) == "" {
		return ""
	}
	d, ok := ParseDate(v)
	if !ok {
		reason, suggest := dateHint(v)
		c.report(check.Diagnostic{Code: check.BadDate, Value: v, Reason: reason, Suggest: suggest}, key)
	}
	return d
}

// house reads a house number (门牌号), which a directory shows beside a consenting household's
// masked name: a few characters with a digit, and no more of an address than that.
func (c *cell) house(key, v string) string {
	if !c.words(key, v, maxHouse) || utf8.RuneCountInString(v) > maxHouse {
		return ""
	}
	if !strings.ContainsFunc(v, unicode.IsDigit) || strings.ContainsAny(v, "省市县区镇乡村路街") {
		c.bad(key, v, &reasonHouseNumber)
		return ""
	}
	return v
}

// refs reads 迁自: the households this one continues, each QS-0107 (this village) or
// qingshi/QS-0107 (another village of the town; the slash may be full-width, spaces around the
// parts are dropped), several (a merge) separated by 、 ; ； , or ， (a separator doubled or
// left at the end is nothing). A village's part is checked by the town, which knows its
// villages. Nothing is read of a cell with a part that is not a reference, or with no part.
func (c *cell) refs(key, v, self string) []Ref {
	if !c.words(key, v, maxText) {
		return nil
	}
	var out []Ref
	for part := range strings.FieldsFuncSeq(v, func(r rune) bool { return strings.ContainsRune("、;；,，", r) }) {
		village, household, other := strings.Cut(slashes.Replace(part), "/")
		if !other {
			village, household = "", village
		}
		r := Ref{strings.TrimSpace(village), strings.TrimSpace(household)}
		if named, code, ok := splitNamed(r); ok {
			// 青石村QS-0107: the village by its name, which the town tells the code of.
			r = Ref{named, code}
		}
		switch {
		case r.Household == "" || other && r.Village == "":
			c.bad(key, v, &reasonRefPart)
		case !IsID(r.Household):
			d := check.Diagnostic{Code: check.BadID, Value: r.Household}
			d.Reason, d.Args, d.Suggest = idHint(r.Household, "")
			if f := strings.Fields(r.Household); r.Village == "" && len(f) == 2 && lowerID(f[0]) && IsID(f[1]) {
				d.Reason, d.Args, d.Suggest = &reasonRefSlash, nil, f[0]+"/"+f[1] // qingshi QS-0107
			}
			c.report(d, key)
		case r.Village == "" && r.Household == self:
			c.bad(key, v, &reasonRefSelf)
		case slices.Contains(out, r):
			c.report(check.Diagnostic{Code: check.DuplicateID, Value: r.String()}, key)
		default:
			out = append(out, r)
			continue
		}
		return nil
	}
	if len(out) == 0 { // separators only
		c.bad(key, v, &reasonRefPart)
	}
	return out
}

// slashes are what cadres write between a village and a household in 迁自: / as typed with
// the Chinese input method (／), or a backslash.
var slashes = strings.NewReplacer("／", "/", "\\", "/", "＼", "/")

// lowerID reports whether s looks like a village's code: a code in lower case.
func lowerID(s string) bool {
	return IsID(s) && s == strings.ToLower(s) && !unicode.IsDigit(rune(s[0]))
}

// splitNamed splits a reference such as 青石村QS-0107, a village's name (Chinese) written
// before a household's code without /, into the two.
func splitNamed(r Ref) (village, household string, ok bool) {
	i := strings.IndexFunc(r.Household, func(c rune) bool { return c < utf8.RuneSelf })
	if r.Village != "" || i <= 0 || !IsID(r.Household[i:]) {
		return "", "", false
	}
	return r.Household[:i], r.Household[i:], true
}

func (c *cell) optionalDate(key, v string) string {
	if v == "" {
		return ""
	}
	return c.date(key, v)
}

// text checks a cell of free text (see words), and that it does not begin with = + - or @,
// which a spreadsheet would run as a formula.
func (c *cell) text(key, v string, limit int) string {
	if c.words(key, v, limit) && strings.IndexByte("=+-@", v[0]) >= 0 {
		c.report(check.Diagnostic{Code: check.FormulaText, Value: v, Args: []string{v[:1]}}, key)
	}
	return v
}

// words checks a cell of free text: no resident ID or mobile number (reported masked, and
// nothing else then, so that no message repeats the number), at most limit characters, and no
// control characters. It reports whether the text is not empty and has no personal data.
func (c *cell) words(key, v string, limit int) bool {
	if v == "" {
		return false
	}
	if plain(v) && len(v) <= limit {
		return true
	}
	if c.personal(key, v) {
		return false
	}
	if len(v) > limit { // a character takes at least a byte
		if n := utf8.RuneCountInString(v); n > limit {
			c.report(check.Diagnostic{Code: check.TooLong, Value: truncate(v, 20), Args: []string{strconv.Itoa(n), strconv.Itoa(limit)}}, key)
		}
	}
	if r, ok := control(v); ok {
		c.report(check.Diagnostic{Code: check.ControlChar, Value: v, Args: []string{fmt.Sprintf("U+%04X", r)}}, key)
	}
	return true
}

// personal reports a resident ID or mobile number in the cell v of column key (masked, so that
// no message repeats the number), which no sheet may carry in any column.
func (c *cell) personal(key, v string) bool {
	code, masked, ok := personalData(v)
	if ok {
		c.report(check.Diagnostic{Code: code, Value: masked}, key)
	}
	return ok
}

// plain reports whether s cannot hold personal data or an invisible character, as most notes
// cannot: it has fewer than 11 digits, and no control or invisible character (see control and
// hasDigits). Like control, it decodes only the characters that may be invisible or a
// full-width digit, and steps over the others of three bytes, as most Chinese characters are; a
// table sorts the bytes, as it reads every note and piece of evidence. s is UTF-8, as every
// cell is once decoded.
func plain(s string) bool {
	digits := 0
	for i := 0; i < len(s); i++ {
		switch plainBytes[s[i]] {
		case plainDigit:
			digits++
		case plainStop:
			return false
		case plainLead:
			if r, _ := utf8.DecodeRuneInString(s[i:]); invisible(r) || '\uFF10' <= r && r <= '\uFF19' {
				return false
			}
		case plainWide:
			i += 2 // its other bytes are none of the above
		}
	}
	return digits < 11
}

// The kinds of bytes plain and control tell apart.
const (
	plainOther = iota
	plainDigit // an ASCII digit
	plainStop  // a control character
	plainLead  // the first byte of a character that may be invisible or a full-width digit
	plainWide  // the first byte of another character of three bytes, a Chinese one most often
)

var plainBytes = func() (t [256]byte) {
	for b := range 256 {
		switch {
		case '0' <= b && b <= '9':
			t[b] = plainDigit
		case b < 0x20 || b == 0x7F:
			t[b] = plainStop
		case b == 0xC2 || b == 0xD8 || b == 0xE1 || b == 0xE2 || b == 0xEF:
			t[b] = plainLead
		case 0xE0 <= b && b <= 0xEF:
			t[b] = plainWide
		}
	}
	return t
}()

// control finds the first control character in s, or the first invisible character of
// another kind (see invisible). It looks at bytes, not characters, since it reads every note
// of every sheet: it decodes only the characters whose first byte may begin an invisible one
// (C2, D8, E1, E2 and EF in UTF-8), and never a Chinese character (E3–E9).
func control(s string) (rune, bool) {
	for i := 0; i < len(s); i++ {
		switch plainBytes[s[i]] {
		case plainStop:
			return rune(s[i]), true
		case plainLead:
			if r, _ := utf8.DecodeRuneInString(s[i:]); invisible(r) {
				return r, true
			}
		}
	}
	return 0, false
}

// invisible reports whether r is a character that shows nothing and is no space: a control
// character, a soft hyphen, a zero-width space or no-break space (U+FEFF, also the byte order
// mark), a mark or an isolate that changes the direction of the text around it, a line or
// paragraph separator, a word joiner and the like. The zero-width joiner (U+200D) is not: it
// joins the emoji of a sequence.
func invisible(r rune) bool {
	switch {
	case r < 0x20, 0x7F <= r && r < 0xA0, r == 0xAD, r == 0x61C, r == 0x180E,
		0x200B <= r && r <= 0x200F && r != 0x200D, 0x2028 <= r && r <= 0x202E,
		0x2060 <= r && r <= 0x2064, 0x2066 <= r && r <= 0x2069, r == 0xFEFF, 0xFFF9 <= r && r <= 0xFFFB:
		return true
	}
	return false
}

func truncate(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i] + "…"
		}
		n--
	}
	return s
}
