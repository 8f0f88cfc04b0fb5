package check

import (
	"strings"
	"testing"
)

func TestGitHubEscaping(t *testing.T) {
	l := List{{Code: BadValue, File: "a,b:c%.csv", Line: 3, Column: "说明", Value: "50%\r\n", Detail: "x"}}
	var b strings.Builder
	if err := l.WriteGitHub(&b, "en"); err != nil {
		t.Fatal(err)
	}
	want := "::error file=a%2Cb%3Ac%25.csv,line=3,title=E012 wrong value::说明 \"50%25\\r\\n\" is wrong: x\n"
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

func TestPruneAndCounts(t *testing.T) {
	l := List{
		{Code: UnknownHousehold, File: "s.csv", Line: 2},
		{Code: ItemCapCut, Severity: Warning, File: "s.csv", Line: 2},
		{Code: ItemCapCut, Severity: Warning, File: "s.csv", Line: 3},
		{Code: EmptySheet, File: "t.csv"},
	}
	l = l.Prune()
	if len(l) != 3 || l.Errors() != 2 || l[1].Line != 3 {
		t.Errorf("pruned: %v", l)
	}
	if got := l.Tally("en"); got != "2 errors and 1 warning in 2 files" {
		t.Errorf("tally %q", got)
	}
	if got := (List{}).Tally("zh"); got != "没有发现问题" {
		t.Errorf("tally %q", got)
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
	for _, want := range []string{"s.csv: 3 more problems of this kind not listed [E101]\n", "t.csv: the file has no data rows [E114]\n",
		"104 errors in 2 files\n  E101 unknown household × 103\n  E114 empty file × 1\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestMessages(t *testing.T) {
	for c, m := range messages {
		if m.zhTitle == "" || m.zh == "" || m.enTitle == "" || m.en == "" {
			t.Errorf("%s lacks a title or a message", c)
		}
	}
	d := Diagnostic{Code: MissingValue, Column: "佐证", Detail: "ST01 要求佐证 / ST01 requires evidence"}
	if got := d.Message("zh"); got != "“佐证”不能为空（ST01 要求佐证 / ST01 requires evidence）" {
		t.Errorf("zh: %s", got)
	}
	d = Diagnostic{Code: TooLong, Column: "note", Value: "abc", Args: []string{"201", "200"}}
	if got := d.Message("en"); got != `note is too long: 201 characters, at most 200 ("abc")` {
		t.Errorf("en: %s", got)
	}
}
