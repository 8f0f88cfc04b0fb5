package audit

import (
	"slices"
	"time"

	"github.com/jifen-project/jifen/pipeline/check"
	"github.com/jifen-project/jifen/pipeline/sheet"
	"github.com/jifen-project/jifen/pipeline/town"
)

var reasonObjectedItem = &check.Text{Zh: "异议针对的是 %[5]s 事项的行", En: "the objection is about the rows of %[5]s"}

// Objections checks each month's objections against the history of its sheet (their
// households and items are checked with the sheets' rows): an upheld objection is followed by
// an approved version of the sheet that changed the rows it is about. A change not yet
// committed counts, as it will once merged.
var Objections = &Analyzer{
	Name:  "objections",
	Codes: []check.Code{check.Uncorrected},
	Needs: check.Files,
	Run: func(p *Pass) {
		for _, m := range p.Village.Months {
			if m.ObjectionsFile == "" || p.Failed(m.ObjectionsFile) || p.Failed(m.SheetFile) || p.Town.Dropped[m.SheetFile] {
				continue
			}
			for _, o := range m.Objections {
				if o.Outcome == sheet.Upheld && o.Household != "" && o.Received != "" && !p.Rejected(m.ObjectionsFile, o.Line) && !corrected(m, o, p.Town.Location) {
					d := check.Diagnostic{Code: check.Uncorrected, File: m.ObjectionsFile, Line: o.Line, Column: m.ObjectionColumns["outcome"], Value: o.Outcome,
						Args: []string{o.Household, o.ReceivedText, o.Item}}
					if o.Item != "" {
						d.Reason = reasonObjectedItem
					}
					p.Report(d)
				}
			}
		}
	},
}

// corrected reports whether a version of the month's sheet approved on or after the day the
// objection came changed the rows it is about: the household's, or its rows of one item.
// Records without a history (a folder that is no repository) cannot tell: they pass.
func corrected(m *town.Month, o sheet.Objection, loc *time.Location) bool {
	day, err := time.ParseInLocation(time.DateOnly, o.Received, loc)
	if err != nil || len(m.Revisions) == 0 {
		return true
	}
	type row struct {
		item, date, note, evidence string
		points                     int
	}
	about := func(es []sheet.Entry) []row {
		var out []row
		for _, e := range es {
			if e.Household == o.Household && (o.Item == "" || e.Item == o.Item) {
				out = append(out, row{e.Item, e.Date, e.Note, e.Evidence, e.Points})
			}
		}
		return out
	}
	for k := 1; k < len(m.Revisions); k++ {
		if !m.Revisions[k].Time.Before(day) && !slices.Equal(about(m.Revisions[k-1].Entries), about(m.Revisions[k].Entries)) {
			return true
		}
	}
	return false
}
