package check

import (
	"bytes"
	"flag"
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
)

var update = flag.Bool("update", false, "rewrite FORMAT.md's table of codes from Codes")

func TestGitHubEscaping(t *testing.T) {
	reason := &Text{Zh: "原因", En: "the reason"}
	l := List{{Code: BadValue, File: "a,b:c%.csv", Line: 3, Column: "说明", Value: "50%\r\n", Reason: reason}}
	var b strings.Builder
	if err := l.WriteGitHub(&b, "en"); err != nil {
		t.Fatal(err)
	}
	want := "::error file=a%2Cb%3Ac%25.csv,line=3,title=E012 wrong value::\"说明\" \"50%25\\r\\n\" is wrong: the reason%0Ato fix: correct the value as the message says\n"
	if b.String() != want {
		t.Errorf("got  %q\nwant %q", b.String(), want)
	}
	if got := escapeData("a%b\r\nc:d,e"); got != "a%25b%0D%0Ac:d,e" {
		t.Errorf("escapeData = %q", got)
	}
	if got := escapeProperty("a%b\r\nc:d,e"); got != "a%25b%0D%0Ac%3Ad%2Ce" {
		t.Errorf("escapeProperty = %q", got)
	}
}

func TestMarkdownCell(t *testing.T) {
	if got, want := md("a|b *c* <script>\n[x](y) `z`"), `a\|b \*c\* \<script\> \[x\](y) \`+"`z\\`"; got != want {
		t.Errorf("md = %s, want %s", got, want)
	}
}

func TestCounts(t *testing.T) {
	l := List{
		{Code: UnknownHousehold, File: "s.csv", Line: 2},
		{Code: ItemCapCut, Severity: Warning, File: "s.csv", Line: 3},
		{Code: EmptySheet, File: "t.csv"},
	}
	if got := l.Tally("en"); got != "2 errors and 1 warning in 2 files" {
		t.Errorf("tally %q", got)
	}
	if got := (List{}).Tally("zh"); got != "没有发现问题" {
		t.Errorf("tally %q", got)
	}
}

// TestChangedFirst checks that the problems of the files a pull request changed come first in
// every output, and that the summary says how many are elsewhere.
func TestChangedFirst(t *testing.T) {
	l := List{
		{Code: OverBalance, File: "a/redemptions/2025-07.csv", Line: 2, Value: "5", Args: []string{"0"}},
		{Code: ItemCapCut, Severity: Warning, File: "b/sheets/2025-07.csv", Line: 4, Args: []string{"GJ02", "劳动", "10", "0"}},
		{Code: UnknownColumn, File: "b/sheets/2025-07.csv", Line: 1, Value: "序号", Args: []string{"户号", "household"}},
	}
	l.Sort()
	l.MarkChanged(func(f string) bool { return strings.HasPrefix(f, "b/") })
	var text, gh, sum strings.Builder
	l.WriteText(&text, "zh")
	l.WriteGitHub(&gh, "zh")
	l.WriteSummary(&sum, "zh", true)
	if !strings.HasPrefix(text.String(), "b/sheets/2025-07.csv:1: ") {
		t.Errorf("text does not start with the changed file:\n%s", text.String())
	}
	lines := strings.Split(gh.String(), "\n")
	if !strings.Contains(lines[0], "E004") || !strings.Contains(lines[1], "W001") || !strings.Contains(lines[2], "E125") {
		t.Errorf("annotations in the wrong order:\n%s", gh.String())
	}
	if !strings.Contains(sum.String(), "本次改动的文件里有 2 个问题，其他文件里还有 1 个。") ||
		strings.Index(sum.String(), "#### b/sheets") > strings.Index(sum.String(), "#### a/redemptions") {
		t.Errorf("summary:\n%s", sum.String())
	}
}

func TestTextLimit(t *testing.T) {
	var l List
	for i := range TextPerGroup + 3 {
		l.Add(Diagnostic{Code: UnknownHousehold, File: "s.csv", Line: i + 2, Column: "户号", Value: "X"})
	}
	l.Add(Diagnostic{Code: EmptySheet, File: "t.csv"})
	var b strings.Builder
	l.WriteText(&b, "en")
	out := b.String()
	if n := strings.Count(out, "[E101]\n"); n != TextPerGroup+1 { // the lines, and the count of the rest
		t.Errorf("%d lines of E101", n)
	}
	for _, want := range []string{"s.csv: 3 more problems of this kind not listed [E101]\n", "t.csv: the file has no data rows [E114]\n    to fix: fill in the rows, or delete the file\n",
		"104 errors in 2 files\n  E101 unknown household × 103\n  E114 empty file × 1\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Count(out, "to fix: correct the household code") != 1 {
		t.Errorf("the fix of E101 is not said once:\n%s", out)
	}
}

func TestMessages(t *testing.T) {
	d := Diagnostic{Code: MissingValue, Column: "佐证", Reason: &Text{Zh: "ST01 要求佐证", En: "ST01 requires evidence"}}
	if got := d.Message("zh"); got != "“佐证”不能为空：ST01 要求佐证" {
		t.Errorf("zh: %s", got)
	}
	d = Diagnostic{Code: TooLong, Column: "note", Value: "abc", Args: []string{"201", "200"}}
	if got := d.Message("en"); got != `"note" is too long: 201 characters, at most 200 ("abc")` {
		t.Errorf("en: %s", got)
	}
	d = Diagnostic{Code: UnknownItem, Column: "事项", Value: "gj02", Args: []string{"2025-01-01"}, Suggest: "GJ02"}
	if got := d.Message("en"); got != `item "gj02" is not in the rule set of 2025-01-01 (neither an item nor a veto); did you mean "GJ02"?` {
		t.Errorf("en: %s", got)
	}
	if got := d.Message("zh"); got != `事项 "gj02" 不在 2025-01-01 版积分细则里（既不是事项，也不是一票否决情形）。是不是要写 "GJ02"？` {
		t.Errorf("zh: %s", got)
	}
}

var han = regexp.MustCompile(`\p{Han}`)

// TestLanguages checks that every code's words are complete in each language: the English has
// no Chinese, and the Chinese has no English words (codes, keys, file names and the names of
// formats aside).
func TestLanguages(t *testing.T) {
	allowed := regexp.MustCompile(`[A-Za-z_./:-]*[A-Z0-9_./:-][A-Za-z0-9_./:-]*|[a-z_]+\.(toml|csv|md)|[a-z]+_[a-z_]+|rules|villages|year-end|format|toml|csv|CSV|job|summary`)
	for _, c := range slices.Sorted(maps.Keys(Codes)) {
		doc := Codes[c]
		for _, en := range []string{doc.Title.En, doc.Message.En, doc.Fix.En, doc.Suggest.En} {
			if han.MatchString(en) {
				t.Errorf("%s: English with Chinese: %s", c, en)
			}
		}
		for _, zh := range []string{doc.Title.Zh, doc.Message.Zh, doc.Fix.Zh, doc.When} {
			if zh == "" {
				t.Errorf("%s lacks a Chinese text", c)
			}
			rest := allowed.ReplaceAllString(zh, "")
			if i := strings.IndexFunc(rest, func(r rune) bool { return r < unicode.MaxASCII && unicode.IsLetter(r) }); i >= 0 && strings.Count(rest[i:], " ") > 0 && words(rest) > 1 {
				t.Errorf("%s: Chinese with English words: %s", c, zh)
			}
		}
		if doc.Title.En == "" || doc.Message.En == "" || doc.Fix.En == "" {
			t.Errorf("%s lacks an English text", c)
		}
	}
}

// words counts the runs of two or more ASCII letters.
func words(s string) int { return len(regexp.MustCompile(`[A-Za-z]{2,}`).FindAllString(s, -1)) }

// TestFormatTable keeps FORMAT.md's table of codes equal to Codes.
func TestFormatTable(t *testing.T) {
	const file = "../FORMAT.md"
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	const head = "| 代码 | 问题 | 意思 | 怎么改 |\n|---|---|---|---|\n"
	i := bytes.Index(data, []byte(head))
	if i < 0 {
		t.Fatal("FORMAT.md has no table of codes")
	}
	j := i + len(head)
	for j < len(data) && data[j] == '|' {
		j += bytes.IndexByte(data[j:], '\n') + 1
	}
	var table strings.Builder
	table.WriteString(head)
	for _, c := range slices.Sorted(maps.Keys(Codes)) {
		doc := Codes[c]
		fmt.Fprintf(&table, "| %s | %s | %s | %s |\n", c, doc.Title.Zh, doc.When, doc.Fix.Zh)
	}
	if got := string(data[i:j]); got != table.String() {
		if *update {
			out := append(append(slices.Clone(data[:i]), table.String()...), data[j:]...)
			if err := os.WriteFile(file, out, 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Errorf("FORMAT.md's table of codes is not Codes' (go test ./pipeline/check -update rewrites it):\n%s", table.String())
	}
}

// TestPositions checks how the text names files: as they are, except a Chinese name in English
// and a name that is not UTF-8 in either language, which are quoted.
func TestPositions(t *testing.T) {
	for _, c := range []struct{ file, lang, want string }{
		{"villages/a/sheets/2025-07.csv", "en", "villages/a/sheets/2025-07.csv:3"},
		{"villages/a/东村.csv", "zh", "villages/a/东村.csv:3"},
		{"villages/a/东村.csv", "en", `"villages/a/东村.csv":3`},
		{"villages/a/\xff.csv", "zh", `"villages/a/\xff.csv":3`},
	} {
		if got := position(c.file, 3, c.lang); got != c.want {
			t.Errorf("position(%q, %s) = %s, want %s", c.file, c.lang, got, c.want)
		}
	}
}
