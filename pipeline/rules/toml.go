package rules

import (
	"bytes"
	"cmp"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pelletier/go-toml/v2"

	"github.com/jifen-project/jifen/pipeline/check"
)

// Why a TOML file cannot be read: the reasons of E010. %[1]q is the offending text as typed,
// %[2]s the key, %[3]s the Args.
var (
	reasonUnknownKey    = check.Text{Zh: "不认识的键 %[2]s", En: "unknown key %[2]s"}
	reasonKeyInTable    = check.Text{Zh: "%[2]s 落在了 [%[3]s] 表里：%[4]s 是整个文件的设置，要写在第一个 [ ] 表头之前（文件开头）", En: "%[2]s landed in the table [%[3]s]: %[4]s is a setting of the whole file and goes before the first [ ] header (at the top of the file)"}
	reasonWantInt       = check.Text{Zh: "%[2]s要写整数，如 5", En: "%[2]s takes a whole number, such as 5"}
	reasonUnquoteInt    = check.Text{Zh: "%[2]s要写整数，不加引号", En: "%[2]s takes a whole number, without quotes"}
	reasonWantNumber    = check.Text{Zh: "%[2]s要写数字，如 0.5", En: "%[2]s takes a number, such as 0.5"}
	reasonWantText      = check.Text{Zh: "%[2]s要写文字，用英文半角双引号括起来，如 \"文字\"", En: "%[2]s takes text between straight double quotes, such as \"text\""}
	reasonWantBool      = check.Text{Zh: "%[2]s要写 true 或 false，不加引号", En: "%[2]s takes true or false, without quotes"}
	reasonWantDate      = check.Text{Zh: "%[2]s要写日期，如 2025-01-01", En: "%[2]s takes a date, such as 2025-01-01"}
	reasonWantInts      = check.Text{Zh: "%[2]s要写一组整数，如 [15, 10, 5]", En: "%[2]s takes a list of whole numbers, such as [15, 10, 5]"}
	reasonWantTexts     = check.Text{Zh: "%[2]s要写一组文字，如 [\"甲\", \"乙\"]", En: "%[2]s takes a list of texts, such as [\"a\", \"b\"]"}
	reasonWantTable     = check.Text{Zh: "%[2]s是一节，不能直接写值：它的键要写在 [ ] 或 [[ ]] 标题下面的几行里", En: "%[2]s is a table, not a value: its keys go on the lines under a [ ] or [[ ]] header"}
	reasonWrongKind     = check.Text{Zh: "%[2]s不能写成 %[1]q", En: "%[2]s cannot be %[1]q"}
	reasonDuplicateKey  = check.Text{Zh: "%[2]s写了两次", En: "%[2]s is written twice"}
	reasonTableTwice    = check.Text{Zh: "%[2]s这一节写了两次，或者前后写法不一致（[ ] 和 [[ ]]）", En: "the table %[2]s is written twice, or in two ways ([ ] and [[ ]])"}
	reasonNoEquals      = check.Text{Zh: "键的后面要写等号 =，如 title = \"…\"", En: "a key is followed by =, as in title = \"…\""}
	reasonUnclosedQuote = check.Text{Zh: "引号没有配对：文字要写在同一行的一对英文半角双引号 \"…\" 里", En: "a quote is not closed: text goes between two straight double quotes \"…\" on one line"}
	reasonUnclosed      = check.Text{Zh: "方括号没有配对：每个 [ 都要有对应的 ]", En: "a bracket is not closed: each [ needs its ]"}
	reasonCurlyQuote    = check.Text{Zh: "这一行用了中文引号 %[1]q：文字要用英文半角双引号 \"…\" 括起来", En: "the line has a curly quote %[1]q: text goes between straight quotes \"…\""}
	reasonWideEquals    = check.Text{Zh: "这一行用了全角等号 %[1]q：要用英文半角的 =", En: "the line has a full-width equals sign %[1]q: use the plain ="}
	reasonWideComma     = check.Text{Zh: "这一行用了全角逗号 %[1]q：要用英文半角的 ,", En: "the line has a full-width comma %[1]q: use the plain ,"}
	reasonNotUTF8       = check.Text{Zh: "文件不是 UTF-8 编码：用记事本或 WPS 另存为 UTF-8", En: "the file is not in UTF-8: save it again as UTF-8"}
	reasonBadKey        = check.Text{Zh: "%[1]q 不是键名：键名只用英文字母、数字、_ 和 -，见 FORMAT.md", En: "%[1]q is not a key: keys are written in letters, digits, _ and -, as FORMAT.md lists them"}
	reasonBadDate       = check.Text{Zh: "%[2]s的值 %[1]q 不是日期：要写成 2025-01-01 这样，并且这一天要存在", En: "%[2]s %[1]q is not a date: write a day that exists, as 2025-01-01"}
	reasonBareText      = check.Text{Zh: "文字 %[1]q 要用英文半角双引号括起来", En: "the text %[1]q goes between straight double quotes"}
	reasonNoValue       = check.Text{Zh: "%[2]s的等号后面没有值", En: "%[2]s has no value after ="}
	reasonBadChar       = check.Text{Zh: "这一行的第 %[3]s 个字符 %[1]q 不该在这里", En: "%[1]q, character %[3]s of the line, does not belong there"}
	reasonUnreadable    = check.Text{Zh: "无法解析 %[1]q", En: "cannot read %[1]q"}
	reasonUndecodable   = check.Text{Zh: "文件无法解析", En: "the file cannot be read"}
)

// DecodeTOML strictly decodes a TOML file into v: a syntax error, an unknown key or a value of
// the wrong type is a diagnostic with its line, the key and, in both languages, what is wrong
// and how to write it; with the line as it should read when that is clear (Chinese quotes
// typed by the input method, a number in quotes). A byte order mark at the start is skipped.
func DecodeTOML(name string, data []byte, v any) check.List {
	data = trimBOM(data)
	err := toml.NewDecoder(bytes.NewReader(data)).DisallowUnknownFields().Decode(v)
	if err == nil {
		return nil
	}
	var diags check.List
	var se *toml.StrictMissingError
	var de *toml.DecodeError
	switch {
	case errors.As(err, &se):
		for _, e := range se.Errors {
			diags.Add(unknownKey(name, data, &e, reflect.TypeOf(v)))
		}
	case errors.As(err, &de):
		diags.Add(explain(name, data, de, reflect.TypeOf(v)))
	default:
		diags.Add(check.Diagnostic{Code: check.BadTOML, File: name, Reason: &reasonUndecodable})
	}
	return diags
}

// unknownKey is the diagnostic of a key that the target has not, with the line as it should
// read when the key looks like a known one mistyped.
func unknownKey(name string, data []byte, e *toml.DecodeError, target reflect.Type) check.Diagnostic {
	row, _ := e.Position()
	key := e.Key()
	d := check.Diagnostic{Code: check.BadTOML, File: name, Line: row, Column: strings.Join(key, "."), Reason: &reasonUnknownKey}
	if len(key) == 0 {
		return d
	}
	typed := key[len(key)-1]
	if len(key) > 1 && slices.Contains(keys(typeAt(target, nil)), typed) {
		d.Reason, d.Args = &reasonKeyInTable, []string{strings.Join(key[:len(key)-1], "."), typed}
		return d
	}
	s := spot{data: data, target: target, row: row, line: lineAt(data, row)}
	k, v, ok := strings.Cut(s.line, "=")
	if near := nearest(typed, keys(typeAt(target, key[:len(key)-1]))); near != "" && ok && strings.TrimSpace(k) == typed {
		d.Suggest = s.fix(near + " =" + v)
	}
	return d
}

// A spot is where a decoding error is: its line, the byte it points at, and the key.
type spot struct {
	data   []byte       // the file
	target reflect.Type // what it decodes into
	row    int          // the line's number
	line   string       // the line as typed, without its end
	col    int          // the byte of the line the error points at, 0-based, at most len(line)
	path   []string     // the key from the root, as the error or else the line gives it
	want   reflect.Type // the type of the field the key decodes into, or nil
}

// explain turns an error of go-toml into a diagnostic in the words of the rule book.
func explain(name string, data []byte, de *toml.DecodeError, target reflect.Type) check.Diagnostic {
	row, col := de.Position()
	s := spot{data: data, target: target, row: row, line: lineAt(data, row)}
	s.col = min(max(col-1, 0), len(s.line))
	s.path = de.Key()
	lineKey := keyAt(data, row)
	if len(s.path) == 0 {
		s.path = lineKey
	}
	s.want = typeAt(target, s.path)
	d := check.Diagnostic{Code: check.BadTOML, File: name, Line: row, Column: strings.Join(s.path, ".")}
	if len(lineKey) > 0 {
		d.Column = strings.Join(lineKey, ".")
	}
	if r, fixed := wide(s.line); r != 0 {
		d.Value, d.Reason = string(r), wideReason(r)
		d.Suggest = s.fix(strings.TrimSpace(fixed))
		return d
	}
	s.explainSyntax(&d, de.Error())
	return d
}

// explainSyntax sets the reason, value and suggestion of d from go-toml's message.
func (s spot) explainSyntax(d *check.Diagnostic, msg string) {
	value := s.value()
	has := func(parts ...string) bool {
		for _, p := range parts {
			if strings.Contains(msg, p) {
				return true
			}
		}
		return false
	}
	switch {
	case has("cannot decode TOML", "cannot store"):
		d.Value, d.Reason = value, cmp.Or(s.wantReason(), &reasonWrongKind)
		if n, ok := unquoteInt(value); ok && d.Reason == &reasonWantInt {
			d.Reason = &reasonUnquoteInt
			d.Suggest = s.fixValue(n)
		}
	case has("is already defined"):
		d.Reason = &reasonDuplicateKey
	case has("already exists", "should be a table"):
		d.Reason = &reasonTableTwice
	case has("expected '=' after key"):
		d.Reason = &reasonNoEquals
	case has("unterminated", "cannot have new lines", "not terminated"):
		d.Value, d.Reason = value, &reasonUnclosedQuote
	case has("invalid UTF-8"):
		d.Reason = &reasonNotUTF8
	case has("array is incomplete", "expected ']", "expected ',' or ']'"):
		d.Value, d.Reason = strings.TrimSpace(s.line), &reasonUnclosed
		if name := strings.Trim(s.line, "[] \t"); strings.HasPrefix(strings.TrimSpace(s.line), "[[") {
			d.Suggest = s.fix("[[" + name + "]]")
		} else if strings.HasPrefix(strings.TrimSpace(s.line), "[") {
			d.Suggest = s.fix("[" + name + "]")
		}
	case has("invalid character at start of key"):
		k, _, _ := strings.Cut(s.line, "=")
		d.Value, d.Reason = strings.TrimSpace(k), &reasonBadKey
	default:
		s.explainValue(d, msg)
	}
}

// explainValue explains an error in a value: a value missing, a date or number written wrong,
// text without quotes, a character out of place; or, failing all, quotes the line.
func (s spot) explainValue(d *check.Diagnostic, msg string) {
	r, _ := utf8.DecodeRuneInString(s.line[s.col:])
	want := s.wantReason()
	switch {
	case s.col >= len(s.line) || r == '\n' || r == '\r' || strings.Contains(msg, "end of input"):
		if strings.Contains(s.line, "=") && strings.TrimSpace(s.value()) == "" {
			d.Reason = &reasonNoValue
			return
		}
		d.Value, d.Reason = strings.TrimSpace(s.line), &reasonUnreadable
	case strings.Contains(msg, "date") || want == &reasonWantDate:
		d.Value, d.Reason = s.value(), &reasonBadDate
	case strings.Contains(msg, "at start of value") && (want == nil || want == &reasonWantText) && bareText(s.value()):
		d.Value, d.Reason = s.value(), &reasonBareText
		d.Suggest = s.fixValue(strconv.Quote(s.value()))
	case strings.Contains(msg, "at start of value") && want != nil:
		d.Value, d.Reason = s.value(), want
	case strings.Contains(msg, "U+") && r != utf8.RuneError:
		d.Value, d.Reason = string(r), &reasonBadChar
		d.Args = []string{strconv.Itoa(utf8.RuneCountInString(s.line[:s.col]) + 1)}
	default:
		d.Value, d.Reason = strings.TrimSpace(s.line), &reasonUnreadable
	}
}

// value is the text after the line's =, as typed.
func (s spot) value() string {
	_, v, _ := strings.Cut(s.line, "=")
	return strings.TrimSpace(v)
}

// fixValue is the line with value in place of the value typed, if that mends it.
func (s spot) fixValue(value string) string {
	k, _, ok := strings.Cut(s.line, "=")
	if !ok {
		return ""
	}
	return s.fix(strings.TrimSpace(k) + " = " + value)
}

// fix is line if, put in the place of the line of the error, it mends the line: the file then
// decodes, or fails only further on. Else it is "".
func (s spot) fix(line string) string {
	if s.target == nil || s.target.Kind() != reflect.Pointer || line == strings.TrimSpace(s.line) {
		return ""
	}
	lines := strings.Split(string(s.data), "\n")
	if s.row < 1 || s.row > len(lines) {
		return ""
	}
	lines[s.row-1] = line
	err := toml.NewDecoder(strings.NewReader(strings.Join(lines, "\n"))).DisallowUnknownFields().
		Decode(reflect.New(s.target.Elem()).Interface())
	var se *toml.StrictMissingError
	var de *toml.DecodeError
	switch {
	case err == nil:
		return line
	case errors.As(err, &se):
		for _, e := range se.Errors {
			if row, _ := e.Position(); row == s.row {
				return ""
			}
		}
		return line
	case errors.As(err, &de):
		if row, _ := de.Position(); row > s.row {
			return line
		}
	}
	return ""
}

// wantReason says what the key takes, by the type of the field it decodes into; nil when that
// type is not known or not one a records file has.
func (s spot) wantReason() *check.Text {
	t := s.want
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == nil:
		return nil
	case t == reflect.TypeFor[toml.LocalDate]() || t == reflect.TypeFor[time.Time]():
		return &reasonWantDate
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		return &reasonWantInt
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		return &reasonWantNumber
	case t.Kind() == reflect.String:
		return &reasonWantText
	case t.Kind() == reflect.Bool:
		return &reasonWantBool
	case t.Kind() == reflect.Struct || t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct:
		return &reasonWantTable
	case t.Kind() == reflect.Slice && t.Elem().Kind() >= reflect.Int && t.Elem().Kind() <= reflect.Uint64:
		return &reasonWantInts
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String:
		return &reasonWantTexts
	}
	return nil
}

// lineAt is line row (1-based) of data, without its end; "" past the end.
func lineAt(data []byte, row int) string {
	lines := strings.Split(string(data), "\n")
	if row < 1 || row > len(lines) {
		return ""
	}
	return strings.TrimSuffix(lines[row-1], "\r")
}

// keyAt is the key that line row (1-based) of data writes, from the root: the table of a [table]
// or [[table]] line, or the key of a key = value line under its table. It is nil when the line
// writes no bare key (a line of a value that runs over several lines).
func keyAt(data []byte, row int) []string {
	var table []string
	for n, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		header := strings.HasPrefix(line, "[")
		if header {
			if name := strings.Trim(line, "[] \t"); bareKey(name) {
				table = strings.Split(name, ".")
			}
		}
		if n+1 < row {
			continue
		}
		if header {
			return table
		}
		k, _, _ := strings.Cut(line, "=")
		k, _, _ = strings.Cut(k, "＝")
		if f := strings.Fields(k); len(f) > 0 && bareKey(f[0]) {
			return append(table[:len(table):len(table)], strings.Split(f[0], ".")...)
		}
		return nil
	}
	return nil
}

// bareKey reports whether s is a key written without quotes: ASCII letters, digits, _ and -,
// dotted.
func bareKey(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r == '-' || r == '.' || '0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') {
			return false
		}
	}
	return true
}

// bareText reports whether a value typed without quotes reads as text meant as a string: it
// starts with a letter and has no quote.
func bareText(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return r != utf8.RuneError && !strings.ContainsAny(s, `"'“”‘’[]{}=#`) &&
		(r >= 0x80 || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z')
}

// unquoteInt is the whole number in a value typed in quotes, as "5".
func unquoteInt(s string) (string, bool) {
	u, err := strconv.Unquote(s)
	if err != nil {
		return "", false
	}
	n, err := strconv.Atoi(strings.TrimSpace(u))
	if err != nil {
		return "", false
	}
	return strconv.Itoa(n), true
}

// plain maps the full-width punctuation that the Chinese input method types to the ASCII that
// TOML takes.
var plain = map[rune]rune{'“': '"', '”': '"', '‘': '"', '’': '"', '＝': '=', '，': ','}

// wide finds the first full-width quote, equals sign or comma that the line has outside its
// straight-quoted text and its comment (0 if none), and returns the line with them made plain.
func wide(line string) (rune, string) {
	rs := []rune(line)
	inside := make([]bool, len(rs)) // in a string that closes on the line, or in the comment
	for i := 0; i < len(rs); i++ {
		switch rs[i] {
		case '#':
			for ; i < len(rs); i++ {
				inside[i] = true
			}
		case '"', '\'':
			j := closing(rs, i)
			if j < 0 {
				continue // an unclosed string: its text counts as outside
			}
			for k := i; k <= j; k++ {
				inside[k] = true
			}
			i = j
		}
	}
	var first rune
	for i, r := range rs {
		if p, ok := plain[r]; ok && !inside[i] {
			first = cmp.Or(first, r)
			rs[i] = p
		}
	}
	return first, string(rs)
}

// closing is the index of the quote that closes the string opened at rs[i], or -1.
func closing(rs []rune, i int) int {
	for j := i + 1; j < len(rs); j++ {
		switch {
		case rs[i] == '"' && rs[j] == '\\':
			j++
		case rs[j] == rs[i]:
			return j
		}
	}
	return -1
}

func wideReason(r rune) *check.Text {
	switch plain[r] {
	case '=':
		return &reasonWideEquals
	case ',':
		return &reasonWideComma
	}
	return &reasonCurlyQuote
}
