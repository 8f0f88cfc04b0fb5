// Package check owns diagnostics: what is wrong with a records file, where, and how to say it
// in Chinese for cadres and in English for the command line, as text, JSON or GitHub annotations.
//
// Every code is described once, in Codes: its title, its message and how to fix it, each
// complete in both languages, and the stage of the checks that reports it. A diagnostic carries
// only language-neutral values (the value as typed, numbers, ids, dates) and, where one code has
// several causes, a Reason, which is words in both languages too.
package check

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// A Code names one kind of problem. Codes are stable: cadres and scripts may search for them.
// E codes are errors; W codes are warnings.
type Code string

// The codes. Each is described in Codes.
const (
	BadEncoding      Code = "E001"
	BadCSV           Code = "E002"
	MissingColumn    Code = "E003"
	UnknownColumn    Code = "E004"
	DuplicateColumn  Code = "E005"
	MissingValue     Code = "E006"
	BadNumber        Code = "E007"
	BadDate          Code = "E008"
	BadID            Code = "E009"
	BadTOML          Code = "E010"
	BadFileName      Code = "E011"
	BadValue         Code = "E012"
	UnknownHousehold Code = "E101"
	InactiveHouse    Code = "E102"
	UnknownItem      Code = "E103"
	PointsNotAllowed Code = "E104"
	DateOutsideMonth Code = "E105"
	DuplicateID      Code = "E106"
	UnknownGrid      Code = "E107"
	UnknownVillage   Code = "E108"
	NoRules          Code = "E109"
	UnknownGoods     Code = "E110"
	WrongPrice       Code = "E111"
	MissingFile      Code = "E112"
	UnknownFile      Code = "E113"
	EmptySheet       Code = "E114"
	FutureMonth      Code = "E115"
	RefusedFile      Code = "E116"
	Unreviewed       Code = "E117"
	Unsigned         Code = "E118"
	DuplicateRow     Code = "E119"
	IDNumber         Code = "E120"
	PhoneNumber      Code = "E121"
	TooLong          Code = "E122"
	ControlChar      Code = "E123"
	FormulaText      Code = "E124"
	OverBalance      Code = "E125"
	FrozenBalance    Code = "E126"
	Expired          Code = "E127"
	RulesShadowed    Code = "E128"
	FutureDate       Code = "E129"
	Placeholder      Code = "E130"
	ArchivedVillage  Code = "E131"
	Workbook         Code = "E132"
	LostCharacter    Code = "E133"
	DeclaredUnscored Code = "E134"
	NotDeclarable    Code = "E135"
	Uncorrected      Code = "E136"
	UnknownFrom      Code = "E137"
	MoveDates        Code = "E138"
	CarriedWrong     Code = "E139"
	CarriedOver      Code = "E140"

	ItemCapCut      Code = "W001"
	ItemYearCapCut  Code = "W002"
	CategoryCapCut  Code = "W003"
	MonthlyCapCut   Code = "W004"
	NumberAsText    Code = "W005"
	MissingICP      Code = "W006"
	PendingDeclared Code = "W007"
	MovePending     Code = "W008"
)

// A Severity says whether a diagnostic stops the records (an error) or only tells (a warning).
type Severity string

// The severities. The zero value is an error.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Text is words in both languages. Each side is complete on its own: neither names the other.
type Text struct{ Zh, En string }

// In is the text in lang ("zh" or "en").
func (t Text) In(lang string) string {
	if lang == "en" {
		return t.En
	}
	return t.Zh
}

// A Diagnostic is one problem in one place of the records.
type Diagnostic struct {
	Code     Code     `json:"code"`
	Severity Severity `json:"severity,omitempty"` // "" is an error
	File     string   `json:"file"`
	Line     int      `json:"line,omitempty"`    // 1-based; 0 for the whole file
	Column   string   `json:"column,omitempty"`  // column header or TOML key, as the file wrote it
	Value    string   `json:"value,omitempty"`   // the offending value as typed (masked, for personal data)
	Args     []string `json:"args,omitempty"`    // language-neutral values: %[3]s on in the templates
	Suggest  string   `json:"suggest,omitempty"` // what the cadre probably meant, when that is clear
	Reason   *Text    `json:"-"`                 // which cause of the code, when it has several: a template like the message
	Changed  bool     `json:"changed,omitempty"` // the file is one the pull request changed
	// Related is another file the problem comes from as much as from File: the roster of the
	// household a 迁自 names. A change to it answers for the problem too.
	Related string `json:"related,omitempty"`
}

// IsWarning reports whether the diagnostic is a warning rather than an error: W codes are.
func (d Diagnostic) IsWarning() bool {
	return d.Severity == Warning || strings.HasPrefix(string(d.Code), "W")
}

// level is the diagnostic's severity as the outputs write it.
func (d Diagnostic) level() Severity {
	if d.IsWarning() {
		return Warning
	}
	return Error
}

// Message is the diagnostic's text in lang ("zh" or "en"): the code's message, the reason and
// the suggestion.
func (d Diagnostic) Message(lang string) string {
	doc, ok := Codes[d.Code]
	if !ok {
		return string(d.Code)
	}
	msg := d.format(doc.Message.In(lang), lang)
	if d.Reason != nil {
		msg += say(lang, "：", ": ") + d.format(d.Reason.In(lang), lang)
	}
	if d.Suggest != "" {
		s := cmp.Or(doc.Suggest, didYouMean)
		msg += say(lang, "。", "; ") + fmt.Sprintf(s.In(lang), d.Suggest)
	}
	return msg
}

var didYouMean = Text{"是不是要写 %q？", "did you mean %q?"}

// format fills a template with the value, the column (quoted in the manner of the language)
// and the args.
func (d Diagnostic) format(tmpl, lang string) string {
	if !strings.Contains(tmpl, "%") {
		return tmpl
	}
	col := "“" + d.Column + "”"
	switch {
	case d.Column == "":
		col = say(lang, "文字", "the text")
	case lang == "en":
		col = strconv.Quote(d.Column)
	}
	args := []any{d.Value, col}
	for _, a := range d.Args {
		args = append(args, a)
	}
	// Templates use explicit argument indexes; a missing argument prints as an empty string.
	for n := len(args); n < 12; n++ {
		args = append(args, "")
	}
	return fmt.Sprintf(tmpl, args...)
}

// Fix says how to fix the diagnostic's kind of problem, in lang.
func (d Diagnostic) Fix(lang string) string { return Codes[d.Code].Fix.In(lang) }

// Title is the short name of the diagnostic's kind of problem in lang.
func (d Diagnostic) Title(lang string) string { return Title(d.Code, lang) }

// Title is the short name of the code's kind of problem in lang ("zh" or "en").
func Title(c Code, lang string) string {
	doc, ok := Codes[c]
	if !ok {
		return string(c)
	}
	return doc.Title.In(lang)
}

// Position is "file:line" or "file".
func (d Diagnostic) Position() string {
	if d.Line > 0 {
		return d.File + ":" + strconv.Itoa(d.Line)
	}
	return d.File
}

// String is the English form, for errors and tests.
func (d Diagnostic) String() string {
	return d.Position() + ": " + string(d.Code) + " " + d.Message("en")
}

// A List collects diagnostics from every file of a run.
type List []Diagnostic

// Add appends a diagnostic.
func (l *List) Add(d Diagnostic) { *l = append(*l, d) }

// Sort orders the list by file, line, column and code, and drops exact duplicates.
func (l *List) Sort() {
	slices.SortFunc(*l, compare)
	*l = slices.CompactFunc(*l, func(a, b Diagnostic) bool { return compare(a, b) == 0 && a.Severity == b.Severity })
}

func compare(a, b Diagnostic) int {
	return cmp.Or(
		strings.Compare(a.File, b.File),
		cmp.Compare(a.Line, b.Line),
		strings.Compare(a.Column, b.Column),
		strings.Compare(string(a.Code), string(b.Code)),
		strings.Compare(a.Value, b.Value),
		slices.Compare(a.Args, b.Args),
		strings.Compare(reasonText(a.Reason), reasonText(b.Reason)),
		strings.Compare(a.Suggest, b.Suggest),
	)
}

func reasonText(r *Text) string {
	if r == nil {
		return ""
	}
	return r.En
}

// MarkChanged marks the diagnostics of the files that changed and moves them to the front,
// keeping the order of each part: a pull request's own mistakes come before the problems it
// did not make.
func (l List) MarkChanged(changed func(file string) bool) {
	for i := range l {
		l[i].Changed = changed(l[i].File)
	}
	slices.SortStableFunc(l, func(a, b Diagnostic) int { return compareBool(b.Changed, a.Changed) })
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// Errors counts the diagnostics that are errors.
func (l List) Errors() int {
	n := 0
	for _, d := range l {
		if !d.IsWarning() {
			n++
		}
	}
	return n
}

// Err returns the list as an error, or nil when it is empty.
func (l List) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// Error implements error with the first diagnostic and a count.
func (l List) Error() string {
	switch len(l) {
	case 0:
		return "no problems"
	case 1:
		return l[0].String()
	}
	return fmt.Sprintf("%s (and %d more problems)", l[0], len(l)-1)
}

// Lines are the lines of each file that an error is about.
func (l List) Lines() map[string]map[int]bool {
	out := map[string]map[int]bool{}
	for _, d := range l {
		if !d.IsWarning() && d.Line > 0 {
			if out[d.File] == nil {
				out[d.File] = map[int]bool{}
			}
			out[d.File][d.Line] = true
		}
	}
	return out
}
