package audit

import (
	"github.com/jifen-project/jifen/pipeline/check"
	"github.com/jifen-project/jifen/pipeline/sheet"
	"github.com/jifen-project/jifen/pipeline/town"
)

// Declarations checks each month's declarations (their households, dates and unknown items are
// checked with the sheets' rows): the item claimed is one that adds points, an
// accepted declaration has its row in the month's sheet, and none is still pending once the
// month's sheet is approved.
var Declarations = &Analyzer{
	Name:  "declarations",
	Codes: []check.Code{check.NotDeclarable, check.DeclaredUnscored, check.PendingDeclared},
	Needs: check.Files,
	Run: func(p *Pass) {
		for _, m := range p.Village.Months {
			if m.DeclarationsFile == "" || p.Failed(m.DeclarationsFile) {
				continue
			}
			// A sheet read in part may lack the row: nothing is then said of its absence.
			var scored map[[3]string]bool
			if !p.Failed(m.SheetFile) && !p.Town.Dropped[m.SheetFile] {
				scored = map[[3]string]bool{}
				for _, e := range m.Entries {
					scored[[3]string{e.Household, e.Item, e.Date}] = true
				}
			}
			approved := len(p.Town.History[m.SheetFile]) > 0
			for _, d := range m.Declarations {
				p.declared(m, d, scored, approved)
			}
		}
	},
}

func (p *Pass) declared(m *town.Month, d sheet.Declaration, scored map[[3]string]bool, approved bool) {
	at := func(code check.Code, key, value string, args ...string) check.Diagnostic {
		return check.Diagnostic{Code: code, File: m.DeclarationsFile, Line: d.Line, Column: m.DeclarationColumns[key], Value: value, Args: args}
	}
	if d.Item != "" && p.RulesOK(m) {
		if it := m.Rules.Item(d.Item); it == nil && m.Rules.Veto(d.Item) != nil || it != nil && it.Deduction() {
			p.Report(at(check.NotDeclarable, "item", d.Item))
			return
		}
	}
	switch {
	case d.Outcome == sheet.Accepted && scored != nil && d.Household != "" && d.Item != "" && d.Date != "" &&
		!p.Rejected(m.DeclarationsFile, d.Line) && !scored[[3]string{d.Household, d.Item, d.Date}]:
		p.Report(at(check.DeclaredUnscored, "outcome", d.Outcome, d.Household, d.Item, d.DateText))
	case d.Outcome == sheet.Pending && approved:
		p.Report(at(check.PendingDeclared, "outcome", d.Outcome, d.Household, d.Item))
	}
}
