// Package check owns diagnostics: what is wrong with a records file, where, and how to say it
// in Chinese for cadres and in English for the command line, as text, JSON or GitHub annotations.
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

// The codes. Each has a title and a message template in both languages in messages.
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

	ItemCapCut     Code = "W001"
	ItemYearCapCut Code = "W002"
	CategoryCapCut Code = "W003"
	MonthlyCapCut  Code = "W004"
)

// A Severity says whether a diagnostic stops the records (an error) or only tells (a warning).
type Severity string

// The severities. The zero value is an error.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// A Diagnostic is one problem in one place of the records.
type Diagnostic struct {
	Code     Code     `json:"code"`
	Severity Severity `json:"severity,omitempty"` // "" is an error
	File     string   `json:"file"`
	Line     int      `json:"line,omitempty"`   // 1-based; 0 for the whole file
	Column   string   `json:"column,omitempty"` // column header or TOML key, as the cadre wrote it
	Value    string   `json:"value,omitempty"`  // the offending value, verbatim (or masked, for personal data)
	Detail   string   `json:"detail,omitempty"` // language-neutral detail (numbers, ids, dates)
	Args     []string `json:"args,omitempty"`   // more language-neutral values, %[4]s on in the templates
}

// IsWarning reports whether the diagnostic is a warning rather than an error.
func (d Diagnostic) IsWarning() bool { return d.Severity == Warning }

// Message is the diagnostic's text in lang ("zh" or "en").
func (d Diagnostic) Message(lang string) string {
	m, ok := messages[d.Code]
	if !ok {
		return string(d.Code)
	}
	tmpl := m.zh
	if lang == "en" {
		tmpl = m.en
	}
	if d.Detail != "" && !strings.Contains(tmpl, "%[3]") { // a detail the message has no place for
		if lang == "en" {
			tmpl += " (%[3]s)"
		} else {
			tmpl += "（%[3]s）"
		}
	}
	if !strings.Contains(tmpl, "%") {
		return tmpl
	}
	args := []any{d.Value, d.Column, d.Detail}
	for _, a := range d.Args {
		args = append(args, a)
	}
	// Every template uses explicit argument indexes, so unused arguments are not reported.
	return fmt.Sprintf(tmpl, args...)
}

// Title is the short name of the diagnostic's kind of problem in lang.
func (d Diagnostic) Title(lang string) string { return Title(d.Code, lang) }

// Title is the short name of the code's kind of problem in lang ("zh" or "en").
func Title(c Code, lang string) string {
	m, ok := messages[c]
	switch {
	case !ok:
		return string(c)
	case lang == "en":
		return m.enTitle
	}
	return m.zhTitle
}

// Text is the diagnostic's message in lang, after the name of its column when the message
// does not say it already.
func (d Diagnostic) Text(lang string) string {
	msg := d.Message(lang)
	if d.Column != "" && d.Line > 0 && !strings.Contains(msg, d.Column) {
		msg = d.Column + ": " + msg
	}
	return msg
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
		strings.Compare(a.Detail, b.Detail),
		slices.Compare(a.Args, b.Args),
	)
}

// Prune drops the warnings, and the supermarket's refusals, about a line that has another error
// too: that error is what to fix, and what follows from it may not hold once it is fixed.
func (l List) Prune() List {
	follows := func(d Diagnostic) bool {
		return d.IsWarning() || d.Code == OverBalance || d.Code == FrozenBalance || d.Code == Expired
	}
	bad := map[string]bool{}
	for _, d := range l {
		if !follows(d) && d.Line > 0 {
			bad[d.Position()] = true
		}
	}
	return slices.DeleteFunc(l, func(d Diagnostic) bool { return follows(d) && bad[d.Position()] })
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
