package check

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits on how much of a long list is printed. Every problem is still counted.
const (
	// TextPerGroup is how many problems of one code in one file the text lists.
	TextPerGroup = 100
	// Annotations is how many GitHub annotations are written; GitHub shows only the first few.
	Annotations = 50
	// SummaryRows is how many problems the Markdown summary lists.
	SummaryRows = 300
)

// WriteText prints the list for people, in its order: one line a problem, followed the first
// time a code appears by how to fix it; at most TextPerGroup problems of one code in one file,
// then how many more there are; then the counts by code.
func (l List) WriteText(w io.Writer, lang string) error {
	var b strings.Builder
	shown := map[Code]int{}
	fixed := map[Code]bool{}
	flush := func(file string) {
		for _, c := range slices.Sorted(maps.Keys(shown)) {
			if n := shown[c] - TextPerGroup; n > 0 {
				b.WriteString(say(lang, "%s: 还有 %d 个同类问题没有列出 [%s]\n", "%s: %d more problems of this kind not listed [%s]\n", position(file, 0, lang), n, c))
			}
		}
		clear(shown)
	}
	for i, d := range l {
		if i > 0 && l[i-1].File != d.File {
			flush(l[i-1].File)
		}
		if shown[d.Code]++; shown[d.Code] > TextPerGroup {
			continue
		}
		b.WriteString(d.position(lang))
		b.WriteString(": ")
		if d.IsWarning() {
			b.WriteString(say(lang, "警告：", "warning: "))
		}
		b.WriteString(d.Message(lang))
		b.WriteString(" [")
		b.WriteString(string(d.Code))
		b.WriteString("]\n")
		if !fixed[d.Code] {
			fixed[d.Code] = true
			b.WriteString(say(lang, "    怎么改：", "    to fix: "))
			b.WriteString(d.Fix(lang))
			b.WriteString("\n")
		}
	}
	if len(l) > 0 {
		flush(l[len(l)-1].File)
	}
	b.WriteString(l.Tally(lang))
	b.WriteString("\n")
	if len(l) > 1 {
		for _, c := range l.codes() {
			fmt.Fprintf(&b, "  %s %s × %d\n", c.code, Title(c.code, lang), c.n)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// position is the diagnostic's position as the text shows it in lang: in English a path with
// Chinese characters (a misnamed file) is quoted, as every value is.
func (d Diagnostic) position(lang string) string { return position(d.File, d.Line, lang) }

func position(file string, line int, lang string) string {
	if lang == "en" && !ascii(file) || !utf8.ValidString(file) {
		file = strconv.Quote(file) // a name that is not UTF-8 is shown by its bytes
	}
	if line > 0 {
		return file + ":" + strconv.Itoa(line)
	}
	return file
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// Tally says how many errors and warnings the list has, in how many files.
func (l List) Tally(lang string) string {
	files := map[string]bool{}
	for _, d := range l {
		files[d.File] = true
	}
	errs, warns := l.Errors(), len(l)-l.Errors()
	switch {
	case len(l) == 0:
		return say(lang, "没有发现问题", "no problems found")
	case warns == 0:
		return say(lang, "共 %[1]d 个错误，涉及 %[3]d 个文件", "%d %s in %d %s", errs, plural(errs, "error"), len(files), plural(len(files), "file"))
	case errs == 0:
		return say(lang, "共 %[1]d 个警告，涉及 %[3]d 个文件", "%d %s in %d %s", warns, plural(warns, "warning"), len(files), plural(len(files), "file"))
	}
	return say(lang, "共 %[1]d 个错误、%[3]d 个警告，涉及 %[5]d 个文件", "%d %s and %d %s in %d %s",
		errs, plural(errs, "error"), warns, plural(warns, "warning"), len(files), plural(len(files), "file"))
}

type codeCount struct {
	code Code
	n    int
}

// codes counts the list by code, in code order.
func (l List) codes() []codeCount {
	n := map[Code]int{}
	for _, d := range l {
		n[d.Code]++
	}
	var out []codeCount
	for _, c := range slices.Sorted(maps.Keys(n)) {
		out = append(out, codeCount{c, n[c]})
	}
	return out
}

// WriteJSON prints the list as a JSON array with titles, messages and fixes in both languages.
func (l List) WriteJSON(w io.Writer) error {
	type out struct {
		Diagnostic
		Severity Severity `json:"severity"`
		TitleZh  string   `json:"title_zh"`
		TitleEn  string   `json:"title_en"`
		Zh       string   `json:"message_zh"`
		En       string   `json:"message_en"`
		FixZh    string   `json:"fix_zh"`
		FixEn    string   `json:"fix_en"`
	}
	rows := make([]out, len(l))
	for i, d := range l {
		rows[i] = out{d, d.level(), d.Title("zh"), d.Title("en"), d.Message("zh"), d.Message("en"), d.Fix("zh"), d.Fix("en")}
	}
	data, err := json.MarshalIndent(rows, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(data, '\n'))
	return err
}

// WriteGitHub prints the list as GitHub Actions workflow commands, which GitHub shows as
// annotations on the files of a pull request: the changed files' errors, then their warnings,
// then the errors and warnings elsewhere, at most Annotations of them, then a notice of how
// many more there are (the job summary lists them).
func (l List) WriteGitHub(w io.Writer, lang string) error {
	ordered := slices.Clone(l)
	slices.SortStableFunc(ordered, func(a, b Diagnostic) int {
		return cmp.Or(compareBool(b.Changed, a.Changed), compareBool(a.IsWarning(), b.IsWarning()))
	})
	var b strings.Builder
	for i, d := range ordered {
		if i == Annotations {
			fmt.Fprintf(&b, "::notice title=%s::%s\n", escapeProperty(say(lang, "还有问题", "more problems")),
				escapeData(say(lang, "还有 %d 个问题没有标注，见任务摘要（job summary）", "%d more problems are not annotated; see the job summary", len(ordered)-i)))
			break
		}
		b.WriteString("::")
		b.WriteString(string(d.level()))
		b.WriteString(" file=")
		b.WriteString(escapeProperty(d.File))
		if d.Line > 0 {
			b.WriteString(",line=")
			b.WriteString(strconv.Itoa(d.Line))
		}
		b.WriteString(",title=")
		b.WriteString(escapeProperty(string(d.Code) + " " + d.Title(lang)))
		b.WriteString("::")
		b.WriteString(escapeData(d.Message(lang) + "\n" + say(lang, "怎么改：", "to fix: ") + d.Fix(lang)))
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// escapeData escapes the message of a workflow command as GitHub's toolkit does.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a property value (file, title) of a workflow command.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// WriteSummary prints the list as Markdown for a GitHub job summary: the counts by code with
// how to fix each, then the problems grouped by file, the changed files first, at most
// SummaryRows of them; and, when changes is set (the list is marked by MarkChanged), how many
// problems are in the files the pull request changed and how many elsewhere.
func (l List) WriteSummary(w io.Writer, lang string, changes bool) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### jifen: %s\n\n", md(l.Tally(lang)))
	if changes && len(l) > 0 {
		mine := l.changed()
		b.WriteString(say(lang, "本次改动的文件里有 %[1]d 个问题，其他文件里还有 %[3]d 个。\n\n", "%d %s in the files this change touched, %d elsewhere.\n\n", mine, plural(mine, "problem"), len(l)-mine))
	}
	if len(l) == 0 {
		_, err := io.WriteString(w, b.String())
		return err
	}
	b.WriteString(say(lang, "| 代码 | 问题 | 个数 | 怎么改 |\n|---|---|--:|---|\n", "| code | problem | count | to fix |\n|---|---|--:|---|\n"))
	for _, c := range l.codes() {
		fmt.Fprintf(&b, "| %s | %s | %d | %s |\n", c.code, md(Title(c.code, lang)), c.n, md(Codes[c.code].Fix.In(lang)))
	}
	for i, d := range l {
		if i == SummaryRows {
			b.WriteString(say(lang, "\n还有 %d 个问题没有列出；在本地运行 `go tool jifen validate` 可以看到全部。\n",
				"\n%d more problems are not listed; run `go tool jifen validate` locally to see them all.\n", len(l)-i))
			break
		}
		if i == 0 || l[i-1].File != d.File {
			fmt.Fprintf(&b, "\n#### %s\n\n", md(d.File))
			b.WriteString(say(lang, "| 行 | 问题 | 代码 |\n|--:|---|---|\n", "| line | problem | code |\n|--:|---|---|\n"))
		}
		msg := d.Message(lang)
		if d.IsWarning() {
			msg = say(lang, "警告：", "warning: ") + msg
		}
		line := ""
		if d.Line > 0 {
			line = strconv.Itoa(d.Line)
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", line, md(msg), d.Code)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// changed counts the diagnostics about changed files.
func (l List) changed() int {
	n := 0
	for _, d := range l {
		if d.Changed {
			n++
		}
	}
	return n
}

// md escapes text for a Markdown table cell: punctuation that Markdown or HTML would read is
// backslash-escaped, and line breaks become spaces.
func md(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r':
			b.WriteByte(' ')
		case strings.ContainsRune("\\`*_[]<>|~&#!", r):
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func say(lang, zh, en string, a ...any) string {
	if lang == "en" {
		return fmt.Sprintf(en, a...)
	}
	return fmt.Sprintf(zh, a...)
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
