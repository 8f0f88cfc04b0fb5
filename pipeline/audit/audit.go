// Package audit owns the checks across files and of the scores, as values (Analyzers), and
// Run, the one entry point that validate, build and the benchmarks call: the records are
// parsed once (pipeline/town), the checks across files run on what parsed, the scoring runs on
// the rows and files that passed, and the checks of the scores run on what the scoring saw.
// No check runs on input that already failed, so a cadre sees a cause once, not its
// consequences.
package audit

import (
	"maps"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/jifen-project/jifen/pipeline/check"
	"github.com/jifen-project/jifen/pipeline/score"
	"github.com/jifen-project/jifen/pipeline/sheet"
	"github.com/jifen-project/jifen/pipeline/town"
)

// An Analyzer is one check: the codes it reports (each described in check.Codes), what it
// needs, and its run function, which reports through the Pass. In the manner of
// golang.org/x/tools/go/analysis.
type Analyzer struct {
	Name  string
	Codes []check.Code
	Needs check.Stage // Files, History or Scoring
	Run   func(*Pass)
}

// Analyzers are every check across files, of the history and of the scores, in the order they
// run. The checks of a file on its own are the parsers' (pipeline/sheet, pipeline/rules,
// pipeline/town).
var Analyzers = []*Analyzer{
	Grids, Households, Items, Dates, Goods, Declarations, Objections,
	Policies,
	Caps, Ledger, Moves,
}

// Options say when the records are checked and what their history must show.
type Options struct {
	Now           time.Time // the time the records are read at (--as-of)
	RequireReview bool      // every version of a sheet or redemptions file came by a merge or carries a review trailer
	RequireSigned bool      // every version of a village's file was signed by a key listed for the village
	SiteURL       string    // the address the site is published at, if not town.toml's (see town.Options)
	ChecksOnly    bool      // only the diagnostics: each village checked as it is read, scored without ranks and honours (see score.ForChecks)
	// Villages, unless nil, are the villages of a part of the site: Run reads the records of
	// these and of the villages linked to them by moves, and of the others only their
	// village.toml (for the checks across villages), of whose files it reports nothing.
	Villages []string
}

// A Report is what Run found: the town as it passed the checks (rows and files that failed are
// left out), its scores, and every problem, sorted.
type Report struct {
	Town        *town.Town
	Results     []*score.VillageResult
	Diagnostics check.List
	Omitted     []string // villages with errors left out of Town, never having passed (see Hold)
}

// Run parses and checks the records of src and scores what passed. The town is nil when
// town.toml cannot be read. With ChecksOnly, each village is checked as soon as it is read and
// its rows let go: the report has the diagnostics, the town without its months, and no results.
func Run(src town.Source, opts Options) *Report {
	if opts.Villages != nil {
		linked := Linked(src).Of(opts.Villages...)
		opts.Villages = nil
		r := Run(only(src, linked), opts)
		r.Diagnostics = slices.DeleteFunc(r.Diagnostics, func(d check.Diagnostic) bool {
			id, ok := villageOf(d.File)
			return ok && !linked[id]
		})
		return r
	}
	if opts.ChecksOnly {
		return checkEach(src, opts)
	}
	t, diags := town.Load(src, town.Options{Now: opts.Now, SiteURL: opts.SiteURL})
	r := &Report{Diagnostics: diags}
	if t == nil {
		return r
	}
	parsed := diags.Lines()
	passes := make([]*Pass, len(t.Villages))
	each(len(t.Villages), func(i int) {
		passes[i] = &Pass{Town: t, Village: t.Villages[i], Options: opts, parsed: parsed, rejected: map[string]map[int]bool{}}
		passes[i].checkRows()
	})
	untrusted, byID := map[town.Ref]bool{}, map[string]*Pass{}
	for _, p := range passes {
		p.untrustedLeavers(untrusted)
		byID[p.Village.ID] = p
	}
	unlinked(t, diags, byID)
	inherit(t.Links, untrusted, byID)
	r.Town = passed(t, passes)
	r.Results = score.Town(r.Town, opts.Now)
	each(len(passes), func(i int) {
		passes[i].Village, passes[i].Result = r.Town.Villages[i], r.Results[i]
		passes[i].run(check.Scoring)
	})
	for _, p := range passes {
		r.Diagnostics = append(r.Diagnostics, p.diags...)
	}
	r.Diagnostics.Sort()
	return r
}

// checkEach is Run for ChecksOnly: it checks and scores each village as town.Load reads it,
// and keeps its rows no longer. It finds what Run finds (TestChecksOnly, TestChecksOnlyCases,
// FuzzRecords): the town's checks that need every village come later, and say nothing of a
// village's rows.
func checkEach(src town.Source, opts Options) *Report {
	var mu sync.Mutex
	var found check.List
	kept := map[string]*town.Village{} // what the moves need of each village (see town.Link)
	untrusted := map[town.Ref]bool{}   // households that left, whose accounts follow from something that failed
	waiting := map[string]*Pass{}      // villages with households that continue others
	t, diags := town.Load(src, town.Options{Now: opts.Now, SiteURL: opts.SiteURL, Each: func(l town.Loaded) {
		t := *l.Town
		t.Failed, t.Dropped, t.History = l.Failed, l.Dropped, src.History
		p := &Pass{Town: &t, Village: l.Village, Options: opts, parsed: l.Diagnostics.Lines(), rejected: map[string]map[int]bool{}}
		p.checkRows()
		p.Village = passedVillage(l.Village, p)
		keep := p.Village
		leavers := map[town.Ref]bool{}
		p.untrustedLeavers(leavers)
		continues := slices.ContainsFunc(l.Village.Households, func(h sheet.Household) bool { return len(h.From) > 0 })
		if !continues {
			p.Result = score.ForChecks(p.Village, opts.Now, t.Location, nil)
			p.run(check.Scoring)
			// Only the households that left can have moved: the scoring of the moves needs no other.
			keep = nil
			if slices.ContainsFunc(p.Village.Households, func(h sheet.Household) bool { return h.Left != "" }) {
				keep = p.Village.Only(func(h *sheet.Household) bool { return h.Left != "" })
			}
		}
		l.Village.Months = nil // the rows, read and checked
		mu.Lock()
		defer mu.Unlock()
		kept[l.Village.ID] = keep
		maps.Copy(untrusted, leavers)
		if continues {
			waiting[l.Village.ID] = p
		} else {
			found = append(found, p.diags...)
		}
	}})
	if t != nil && len(waiting) > 0 {
		// The villages with households that continue others are scored once every village is
		// read, with what moved to them.
		moved := *t
		moved.Villages = make([]*town.Village, 0, len(t.Villages))
		for _, v := range t.Villages {
			if kept[v.ID] != nil {
				moved.Villages = append(moved.Villages, kept[v.ID])
			}
		}
		moves := score.Transfers(&moved, opts.Now)
		unlinked(t, diags, waiting)
		inherit(t.Links, untrusted, waiting)
		ps := slices.Collect(maps.Values(waiting))
		each(len(ps), func(i int) {
			ps[i].Result = score.ForChecks(ps[i].Village, opts.Now, t.Location, moves)
			ps[i].run(check.Scoring)
		})
		for _, p := range ps {
			found = append(found, p.diags...)
		}
	}
	r := &Report{Town: t, Diagnostics: append(diags, found...)}
	r.Diagnostics.Sort()
	return r
}

// checkRows runs the checks of the files and of their history.
func (p *Pass) checkRows() {
	p.run(check.Files)
	p.run(check.History)
	p.taint()
}

// each calls f(0) … f(n-1) on as many goroutines as there are processors.
func each(n int, f func(int)) {
	limit := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			limit <- struct{}{}
			defer func() { <-limit }()
			f(i)
		})
	}
	wg.Wait()
}

// A Pass is what an analyzer sees of one village, and where it reports.
type Pass struct {
	Town    *town.Town
	Village *town.Village
	Result  *score.VillageResult // the village's scores, for the Scoring stage
	Options Options

	diags    check.List
	parsed   map[string]map[int]bool // file → lines of rows the parsers reported an error about
	rejected map[string]map[int]bool // file → lines of rows that failed a check
	sheets   taint                   // what the sheets that failed make untrustworthy: the caps
	all      taint                   // what every file that failed does: the ledger
}

func (p *Pass) run(stage check.Stage) {
	for _, a := range Analyzers {
		if a.Needs == stage {
			a.Run(p)
		}
	}
}

// Report adds a diagnostic. An error about a row rejects the row: the scoring does not see it,
// and the checks of the scores say nothing of what it could change.
func (p *Pass) Report(d check.Diagnostic) {
	p.diags.Add(d)
	if d.IsWarning() || d.Line == 0 {
		return
	}
	if p.rejected[d.File] == nil {
		p.rejected[d.File] = map[int]bool{}
	}
	p.rejected[d.File][d.Line] = true
}

// Failed reports whether a file failed as a whole: it could not be read, or it is a rule set
// with errors.
func (p *Pass) Failed(file string) bool { return p.Town.Failed[file] }

// Rejected reports whether a row failed: a parser or a check reported an error about it.
func (p *Pass) Rejected(file string, line int) bool { return p.rejectedIn(file).has(line) }

// rejectedIn is what Rejected looks up of a file, once for all of its rows: valid until the
// next report.
func (p *Pass) rejectedIn(file string) rejectedLines {
	return rejectedLines{p.parsed[file], p.rejected[file]}
}

// rejectedLines are the lines of the rows of a file that failed (see Pass.Rejected).
type rejectedLines struct{ parsed, rejected map[int]bool }

func (r rejectedLines) has(line int) bool { return r.parsed[line] || r.rejected[line] }

// RulesOK reports whether the month has a rule set in force without errors.
func (p *Pass) RulesOK(m *town.Month) bool { return m.Rules != nil && !p.Failed(m.Rules.File) }

// without is s without the elements drop reports: s itself when there are none, else a copy.
func without[T any](s []T, drop func(*T) bool) []T {
	for i := range s {
		if drop(&s[i]) {
			out := slices.Clone(s[:i])
			for j := i + 1; j < len(s); j++ {
				if !drop(&s[j]) {
					out = append(out, s[j])
				}
			}
			return out
		}
	}
	return s
}

// passed is a copy of the town with only the rows and files that passed: a month whose sheet
// failed, or whose rule set did, counts nothing.
func passed(t *town.Town, passes []*Pass) *town.Town {
	out := *t
	out.Villages = make([]*town.Village, len(t.Villages))
	for i, v := range t.Villages {
		out.Villages[i] = passedVillage(v, passes[i])
	}
	return &out
}

// passedVillage is a copy of the village with only the rows and files that passed its pass.
func passedVillage(v *town.Village, p *Pass) *town.Village {
	nv := *v
	nv.Months = make([]*town.Month, len(v.Months))
	for j, m := range v.Months {
		nm := *m
		counts := p.RulesOK(m) && !p.Failed(m.SheetFile)
		rejected := p.rejectedIn(m.SheetFile)
		nm.Entries = without(m.Entries, func(e *sheet.Entry) bool {
			return e.Invalid != 0 || !counts || rejected.has(e.Line)
		})
		nm.Revisions = slices.Clone(m.Revisions)
		for k := range nm.Revisions {
			nm.Revisions[k].Entries = without(nm.Revisions[k].Entries, func(e *sheet.Entry) bool { return e.Invalid != 0 })
		}
		if n := len(nm.Revisions); n > 0 {
			nm.Revisions[n-1].Entries = nm.Entries
		}
		rejected = p.rejectedIn(m.RedemptionsFile)
		nm.Redemptions = without(m.Redemptions, func(r *sheet.Redemption) bool {
			return r.Invalid != 0 || rejected.has(r.Line)
		})
		nm.Declarations = without(m.Declarations, func(d *sheet.Declaration) bool {
			return d.Invalid != 0 || p.Failed(m.DeclarationsFile) || p.Rejected(m.DeclarationsFile, d.Line)
		})
		nm.Objections = without(m.Objections, func(o *sheet.Objection) bool {
			return o.Invalid != 0 || p.Failed(m.ObjectionsFile) || p.Rejected(m.ObjectionsFile, o.Line)
		})
		nv.Months[j] = &nm
	}
	return &nv
}
