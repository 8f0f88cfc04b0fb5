package rules

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/jifen-project/jifen/pipeline/check"
)

// settings is a file with the kinds of keys town.toml and village.toml have.
type settings struct {
	Name     string   `toml:"name"`
	Demo     bool     `toml:"demo"`
	Villages []string `toml:"villages"`
	Days     int      `toml:"notice_days"`
	Grids    []struct {
		ID string `toml:"id"`
	} `toml:"grids"`
	Share float64        `toml:"share"`
	Extra map[string]int `toml:"extra"`
}

// decodeProblems are TOML files with mistakes, and the diagnostic DecodeTOML makes of each.
var decodeProblems = []struct {
	name, src                      string
	rules                          bool // decode into a rule set, else into settings
	line                           int
	column, value, suggest, zh, en string
}{
	{"Chinese quotes", "name = “青山镇”\n", false, 1, "name", "“", `name = "青山镇"`,
		`这一行用了中文引号 "“"：文字要用英文半角双引号 "…" 括起来。这一行应该写成：name = "青山镇"`,
		`the line has a curly quote "“": text goes between straight quotes "…"; the line should read: name = "青山镇"`},
	{"closing Chinese quote", "name = \"青山镇”\n", false, 1, "name", "”", `name = "青山镇"`,
		`这一行用了中文引号 "”"：文字要用英文半角双引号 "…" 括起来。这一行应该写成：name = "青山镇"`,
		`the line has a curly quote "”": text goes between straight quotes "…"; the line should read: name = "青山镇"`},
	{"Chinese quotes for a number", "name = \"“青山”镇\"\nnotice_days = “7”\n", false, 2, "notice_days", "“", "",
		`这一行用了中文引号 "“"：文字要用英文半角双引号 "…" 括起来`,
		`the line has a curly quote "“": text goes between straight quotes "…"`},
	{"full-width equals sign", "[[grids]]\nid ＝ \"g1\"\n", false, 2, "grids.id", "＝", `id = "g1"`,
		`这一行用了全角等号 "＝"：要用英文半角的 =。这一行应该写成：id = "g1"`,
		`the line has a full-width equals sign "＝": use the plain =; the line should read: id = "g1"`},
	{"full-width comma", "villages = [\"a\"，\"b\"]\n", false, 1, "villages", "，", `villages = ["a","b"]`,
		`这一行用了全角逗号 "，"：要用英文半角的 ,。这一行应该写成：villages = ["a","b"]`,
		`the line has a full-width comma "，": use the plain ,; the line should read: villages = ["a","b"]`},
	{"unknown key", "name = \"x\"\nnotice_day = 7\n", false, 2, "notice_day", "", "notice_days = 7",
		`不认识的键 “notice_day”。这一行应该写成：notice_days = 7`,
		`unknown key "notice_day"; the line should read: notice_days = 7`},
	{"unknown key in an entry", "[[items]]\nid = \"A1\"\ncolour = \"red\"\n", true, 3, "items.colour", "", "",
		`不认识的键 “items.colour”`, `unknown key "items.colour"`},
	{"swapped letters in a key", "[[items]]\nid = \"A1\"\ncap_peroid = \"year\"\n", true, 3, "items.cap_peroid", "", `cap_period = "year"`,
		`不认识的键 “items.cap_peroid”。这一行应该写成：cap_period = "year"`,
		`unknown key "items.cap_peroid"; the line should read: cap_period = "year"`},
	{"number in quotes", "notice_days = \"7\"\n", false, 1, "notice_days", `"7"`, "notice_days = 7",
		`“notice_days”要写整数，不加引号。这一行应该写成：notice_days = 7`,
		`"notice_days" takes a whole number, without quotes; the line should read: notice_days = 7`},
	{"text for a number", "monthly_cap = \"sixty\"\n", true, 1, "monthly_cap", `"sixty"`, "",
		`“monthly_cap”要写整数，如 5`, `"monthly_cap" takes a whole number, such as 5`},
	{"number for text", "name = 3\n", false, 1, "name", "3", "",
		`“name”要写文字，用英文半角双引号括起来，如 "文字"`, `"name" takes text between straight double quotes, such as "text"`},
	{"text for true", "demo = \"yes\"\n", false, 1, "demo", `"yes"`, "",
		`“demo”要写 true 或 false，不加引号`, `"demo" takes true or false, without quotes`},
	{"one value for a list", "villages = \"a\"\n", false, 1, "villages", `"a"`, "",
		`“villages”要写一组文字，如 ["甲", "乙"]`, `"villages" takes a list of texts, such as ["a", "b"]`},
	{"text in levels", "[[items]]\nid = \"A1\"\nlevels = [15, \"10\"]\n", true, 3, "items.levels", `[15, "10"]`, "",
		`“items.levels”要写一组整数，如 [15, 10, 5]`, `"items.levels" takes a list of whole numbers, such as [15, 10, 5]`},
	{"value for a table", "adoption = \"村民代表会议\"\n", true, 1, "adoption", `"村民代表会议"`, "",
		`“adoption”是一节，不能直接写值：它的键要写在 [ ] 或 [[ ]] 标题下面的几行里`,
		`"adoption" is a table, not a value: its keys go on the lines under a [ ] or [[ ]] header`},
	{"duplicate key", "[[items]]\nid = \"A1\"\nid = \"A2\"\n", true, 3, "items.id", "", "",
		`“items.id”写了两次`, `"items.id" is written twice`},
	{"table twice", "[adoption]\nbody = \"x\"\n[adoption]\n", true, 3, "adoption", "", "",
		`“adoption”这一节写了两次，或者前后写法不一致（[ ] 和 [[ ]]）`,
		`the table "adoption" is written twice, or in two ways ([ ] and [[ ]])`},
	{"no equals sign", "name \"x\"\n", false, 1, "name", "", "",
		`键的后面要写等号 =，如 title = "…"`, `a key is followed by =, as in title = "…"`},
	{"unterminated string", "name = \"青山镇\n", false, 1, "name", `"青山镇`, "",
		`引号没有配对：文字要写在同一行的一对英文半角双引号 "…" 里`,
		`a quote is not closed: text goes between two straight double quotes "…" on one line`},
	{"text without quotes", "[[items]]\ncap_period = year\n", true, 2, "items.cap_period", "year", `cap_period = "year"`,
		`文字 "year" 要用英文半角双引号括起来。这一行应该写成：cap_period = "year"`,
		`the text "year" goes between straight double quotes; the line should read: cap_period = "year"`},
	{"Chinese text without quotes", "name = 青山镇\n", false, 1, "name", "青山镇", `name = "青山镇"`,
		`文字 "青山镇" 要用英文半角双引号括起来。这一行应该写成：name = "青山镇"`,
		`the text "青山镇" goes between straight double quotes; the line should read: name = "青山镇"`},
	{"impossible date", "effective = 2025-02-30\n", true, 1, "effective", "2025-02-30", "",
		`“effective”的值 "2025-02-30" 不是日期：要写成 2025-01-01 这样，并且这一天要存在`,
		`"effective" "2025-02-30" is not a date: write a day that exists, as 2025-01-01`},
	{"date with slashes", "effective = 2025/1/1\n", true, 1, "effective", "2025/1/1", "",
		`“effective”的值 "2025/1/1" 不是日期：要写成 2025-01-01 这样，并且这一天要存在`,
		`"effective" "2025/1/1" is not a date: write a day that exists, as 2025-01-01`},
	{"Chinese key", "名称 = \"x\"\n", false, 1, "", "名称", "",
		`"名称" 不是键名：键名只用英文字母、数字、_ 和 -，见 FORMAT.md`,
		`"名称" is not a key: keys are written in letters, digits, _ and -, as FORMAT.md lists them`},
	{"no value", "name =\n", false, 1, "name", "", "", `“name”的等号后面没有值`, `"name" has no value after =`},
	{"a stray character", "name = \"x\" y\n", false, 1, "name", "y", "",
		`这一行的第 12 个字符 "y" 不该在这里`, `"y", character 12 of the line, does not belong there`},
	{"unclosed table header", "[[items]\nid = \"A1\"\n", true, 1, "items", "[[items]", "[[items]]",
		`方括号没有配对：每个 [ 都要有对应的 ]。这一行应该写成：[[items]]`,
		`a bracket is not closed: each [ needs its ]; the line should read: [[items]]`},
	{"not UTF-8", "name = \"\xc7\xe0\xc9\xbd\"\n", false, 1, "name", "", "",
		`文件不是 UTF-8 编码：用记事本或 WPS 另存为 UTF-8`, `the file is not in UTF-8: save it again as UTF-8`},
	{"text for a fraction", "share = \"half\"\n", false, 1, "share", `"half"`, "",
		`“share”要写数字，如 0.5`, `"share" takes a number, such as 0.5`},
	{"a value of another kind", "extra = 3\n", false, 1, "extra", "3", "",
		`“extra”不能写成 "3"`, `"extra" cannot be "3"`},
	{"anything else", "notice_days = 0x\n", false, 1, "notice_days", "notice_days = 0x", "",
		`无法解析 "notice_days = 0x"`, `cannot read "notice_days = 0x"`},
}

func TestDecodeTOML(t *testing.T) {
	for _, tt := range decodeProblems {
		t.Run(tt.name, func(t *testing.T) {
			var diags check.List
			if tt.rules {
				diags = DecodeTOML("rules/2025-01-01.toml", []byte(tt.src), &file{})
			} else {
				diags = DecodeTOML("town.toml", []byte(tt.src), &settings{})
			}
			if len(diags) != 1 {
				t.Fatalf("%d problems: %v", len(diags), diags)
			}
			d := diags[0]
			if d.Code != check.BadTOML || d.Line != tt.line || d.Column != tt.column || d.Value != tt.value || d.Suggest != tt.suggest {
				t.Errorf("line %d, column %q, value %q, suggest %q; want %d, %q, %q, %q", d.Line, d.Column, d.Value, d.Suggest, tt.line, tt.column, tt.value, tt.suggest)
			}
			if got, want := d.Message("zh"), "TOML 格式错误："+tt.zh; got != want {
				t.Errorf("zh:\n%s\nwant:\n%s", got, want)
			}
			if got, want := d.Message("en"), "malformed TOML: "+tt.en; got != want {
				t.Errorf("en:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

// A byte order mark is accepted at the start of a TOML file, as at the start of a CSV sheet.
func TestByteOrderMark(t *testing.T) {
	if rs, diags := Parse("rules/2025-01-01.toml", []byte("\ufeff"+minimal)); rs == nil || len(diags) > 0 || rs.Title != "t" {
		t.Errorf("rule set with a BOM: %v", diags)
	}
	var s settings
	if diags := DecodeTOML("town.toml", []byte("\ufeffname = \"青山镇\"\r\n"), &s); len(diags) > 0 || s.Name != "青山镇" {
		t.Errorf("town.toml with a BOM: %v", diags)
	}
	diags := DecodeTOML("town.toml", []byte("\ufeffname = “青山镇”\n"), &s)
	if len(diags) != 1 || diags[0].Suggest != `name = "青山镇"` {
		t.Errorf("a BOM and Chinese quotes: %v", diags)
	}
}

var (
	quotedEn   = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
	quotedZh   = regexp.MustCompile(`“[^”]*”|"(?:[^"\\]|\\.)*"`)
	englishRun = regexp.MustCompile(`[A-Za-z]{2,} [A-Za-z]{2,}`)
)

// Every message of a rule set with a mistake, wherever it is, is complete in its language: no
// Chinese in English but in quoted values, no English words in Chinese, nothing of go-toml's.
func TestMessagesInOneLanguage(t *testing.T) {
	src := minimal + "[[items]]\nid = \"A1\"\ncategory = \"A\"\nname = \"志愿服务\"\nlevels = [15, 10, 5]\ncap = 15\ncap_period = \"year\"\nevidence = true\npublish = \"Y\"\n" +
		"[[vetoes]]\nid = \"V1\"\nname = \"x\"\neffect = \"E2\"\n[[honours.stars]]\nstars = 1\nmin_points = 30\n"
	edits := []string{"", "“", "”", "＝", "，", "\"", "[", "]", "=", "x", "\n", "-", "0", "#", "\xff"}
	seen := 0
	for i := 0; i < len(src); i++ {
		for _, e := range edits {
			for _, mutated := range []string{src[:i] + e + src[i+1:], src[:i] + e + src[i:]} {
				_, diags := Parse("rules/2025-01-01.toml", []byte(mutated))
				for _, d := range diags {
					seen++
					zh, en := d.Message("zh"), d.Message("en")
					if hasHan(quotedEn.ReplaceAllString(en, "")) {
						t.Fatalf("Chinese in English: %s\n(from %q)", en, mutated)
					}
					if rest := quotedZh.ReplaceAllString(zh, ""); englishRun.MatchString(rest) || strings.Contains(rest, "toml:") {
						t.Fatalf("English in Chinese: %s\n(from %q)", zh, mutated)
					}
				}
			}
		}
	}
	if seen < 1000 {
		t.Errorf("only %d problems seen", seen)
	}
}

func hasHan(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
}

func TestNearestKey(t *testing.T) {
	names := []string{"points", "levels", "cap", "cap_period", "publish"}
	for word, want := range map[string]string{"Points": "points", "point": "points", "piont": "points", "cap-period": "cap_period",
		"publsih": "publish", "colour": "", "cat": "cap", "xyz": "", "": ""} {
		if got := nearest(word, names); got != want {
			t.Errorf("nearest(%q) = %q, want %q", word, got, want)
		}
	}
	if got := strings.Join(keys(typeAt(reflect.TypeOf(&file{}), []string{"adoption"})), " "); got != "body record date" {
		t.Errorf("keys of adoption: %s", got)
	}
}
