package audit

import (
	"maps"
	"slices"
	"strings"

	"github.com/jifen-project/jifen/pipeline/check"
	"github.com/jifen-project/jifen/pipeline/score"
	"github.com/jifen-project/jifen/pipeline/sheet"
	"github.com/jifen-project/jifen/pipeline/town"
)

// Hold makes what a build publishes when some records have errors, so that one village's
// problem does not stop the town's site. A village whose files have errors is shown as of the
// latest first-parent commit at which its files, the rule sets and the catalog passed
// (Village.Held says which); a village that never passed is left out (Report.Omitted). When the
// town's own files (town.toml, the rule sets, the catalog) have errors, the whole town is shown
// as of the latest commit at which they passed, each village in turn as of its own last good
// state by then. The versions of a month that residents never saw are left out of its history
// (see published). at reads the records as of a commit of src.Steps. The report's Town is nil
// when the town's own files never passed; its diagnostics stay those of the records now, for
// the operator.
func Hold(rep *Report, src town.Source, opts Options, at func(commit string) (town.Source, error)) (*Report, error) {
	if opts.SiteURL == "" && rep.Town != nil {
		opts.SiteURL = rep.Town.SiteURL // an earlier state is published at today's address
	}
	h := &holder{opts: opts, at: at, srcs: map[string]town.Source{}, runs: map[string]*run{}, unseen: map[string]bool{}}
	out, err := h.hold(&run{report: rep, src: src})
	if err == nil && out.Town != nil {
		out, err = h.published(out, src)
	}
	if err != nil {
		return nil, err
	}
	if out != rep && out.Town != nil && (rep.Town != nil && len(rep.Town.Links) > 0 || len(out.Town.Links) > 0) {
		// What moved between households follows the rosters and the accounts as published.
		town.FindLinks(out.Town)
		out.Results = score.Moved(out.Town, out.Results, opts.Now)
	}
	out.Diagnostics = slices.DeleteFunc(slices.Clone(rep.Diagnostics), func(d check.Diagnostic) bool {
		return d.Code == check.MissingFile && h.unseen[d.File]
	})
	return out, nil
}

type holder struct {
	opts   Options
	at     func(commit string) (town.Source, error)
	srcs   map[string]town.Source // by commit
	runs   map[string]*run        // by commit and village ("" for the whole town)
	unseen map[string]bool        // deleted files that residents never saw: their E112 is no error
}

// A run is the report of the records as of a commit.
type run struct {
	report *Report
	src    town.Source
	held   *town.Held // the commit, unless the records now
}

func (h *holder) hold(r *run) (*Report, error) {
	villages, townBroken := Broken(r.report.Diagnostics)
	if townBroken || r.report.Town == nil {
		base, err := h.find(r.src.Steps, "", func(p string) bool { return !strings.HasPrefix(p, "villages/") }, func(b *Report) bool {
			_, tb := Broken(b.Diagnostics)
			return b.Town != nil && !tb
		})
		if err != nil || base == nil {
			return &Report{}, err
		}
		held, err := h.hold(base)
		if err != nil {
			return nil, err
		}
		out := clone(held)
		whole := *base.held
		whole.Town = true
		for i, v := range out.Town.Villages {
			if v.Held == nil {
				out.Town.Villages[i], out.Results[i] = heldAt(v, out.Results[i], &whole)
			}
		}
		return out, nil
	}
	if len(villages) == 0 {
		return r.report, nil
	}
	out := clone(r.report)
	t := out.Town
	for _, id := range slices.Sorted(maps.Keys(villages)) {
		inVillage := func(p string) bool {
			return !strings.HasPrefix(p, "villages/") || strings.HasPrefix(p, "villages/"+id+"/")
		}
		good, err := h.find(r.src.Steps, id, inVillage, func(b *Report) bool {
			vs, tb := Broken(b.Diagnostics)
			return b.Town != nil && !tb && !vs[id] && index(b.Town, id) >= 0
		})
		if err != nil {
			return nil, err
		}
		i := index(t, id)
		if unseen := unseenRemovals(r, id, good); len(unseen) > 0 && i >= 0 {
			// Its only errors are deletions of files residents never saw: no errors.
			v, res := h.again(r.src, id, func(n *town.Source) {
				for _, file := range unseen {
					delete(n.Removed, file)
					h.unseen[file] = true
				}
			})
			if v != nil {
				t.Villages[i], out.Results[i] = v, res
				continue
			}
		}
		switch {
		case good == nil:
			out.Omitted = append(out.Omitted, id)
			if i >= 0 {
				t.Villages, out.Results = slices.Delete(t.Villages, i, i+1), slices.Delete(out.Results, i, i+1)
			}
		case good != nil:
			k := index(good.report.Town, id)
			v, res := heldAt(good.report.Town.Villages[k], good.report.Results[k], good.held)
			if i >= 0 {
				t.Villages[i], out.Results[i] = v, res
			} else { // its village.toml cannot be read now, or town.toml no longer lists it
				at := place(t, good.report.Town.Villages[:k])
				t.Villages, out.Results = slices.Insert(t.Villages, at, v), slices.Insert(out.Results, at, res)
			}
		}
	}
	return out, nil
}

// unseenRemovals returns the approved files of village id deleted since, when their deletion is
// all that is wrong with the village and none of them was in its last good state (or it never
// had one): residents never saw them (e.g. a merge with errors, then reverted).
func unseenRemovals(r *run, id string, good *run) []string {
	var before map[string][]byte
	if good != nil {
		before = good.src.Files
	}
	var files []string
	for _, d := range r.report.Diagnostics {
		if d.IsWarning() || !strings.HasPrefix(d.File, "villages/"+id+"/") {
			continue
		}
		_, removed := r.src.Removed[d.File]
		_, seen := before[d.File]
		if d.Code != check.MissingFile || !removed || seen {
			return nil
		}
		files = append(files, d.File)
	}
	return files
}

// published leaves out of each month the approved versions of its sheet that residents never
// saw: those at whose commit the village did not pass the checks (it was held at an earlier
// state). The month's approval, its corrections and the crediting of its points then start from
// the first version that was published. Only corrected months are looked at: a single version is
// the one that passes now.
func (h *holder) published(rep *Report, src town.Source) (*Report, error) {
	out := rep
	for i, v := range rep.Town.Villages {
		unseen := map[string][]string{} // sheet → commits of versions never published
		for _, m := range v.Months {
			for _, r := range m.Revisions[:max(0, len(m.Revisions)-1)] {
				at, err := h.run(town.Step{Commit: r.Version.Commit, Time: r.Version.Time}, v.ID)
				if err != nil {
					return nil, err
				}
				if vs, tb := Broken(at.report.Diagnostics); vs[v.ID] || tb {
					unseen[m.SheetFile] = append(unseen[m.SheetFile], r.Version.Commit)
				}
			}
		}
		if len(unseen) == 0 {
			continue
		}
		base := src
		if v.Held != nil {
			base = h.srcs[v.Held.Commit]
		}
		nv, res := h.again(base, v.ID, func(n *town.Source) {
			for file, commits := range unseen {
				n.History[file] = slices.DeleteFunc(slices.Clone(n.History[file]), func(ver town.Version) bool { return slices.Contains(commits, ver.Commit) })
			}
		})
		if nv == nil {
			continue
		}
		if out == rep {
			out = clone(rep)
		}
		nv.Held = v.Held
		out.Town.Villages[i], out.Results[i] = nv, res
	}
	return out, nil
}

// find returns the run as of the latest commit before a change to a path that matters at which
// the records pass, or nil when there is none: the records between two such changes are the
// same, as far as what matters goes. With a village, only that village and the town's files
// are checked (see narrow).
func (h *holder) find(steps []town.Step, village string, matters func(string) bool, passes func(*Report) bool) (*run, error) {
	for k := len(steps) - 1; k > 0; k-- {
		if !slices.ContainsFunc(steps[k].Paths, matters) {
			continue
		}
		before := steps[k-1]
		r, err := h.run(before, village)
		if err != nil {
			return nil, err
		}
		if passes(r.report) {
			return r, nil
		}
	}
	return nil, nil
}

// run checks the records as of a commit: only a village and the town's files, or the whole
// town when village is "".
func (h *holder) run(at town.Step, village string) (*run, error) {
	key := at.Commit + "/" + village
	if r := h.runs[key]; r != nil {
		return r, nil
	}
	src, ok := h.srcs[at.Commit]
	if !ok {
		var err error
		if src, err = h.at(at.Commit); err != nil {
			return nil, err
		}
		h.srcs[at.Commit] = src
	}
	r := &run{report: Run(narrow(src, village), h.village(village)), src: src, held: &town.Held{Commit: at.Commit, Time: at.Time}}
	h.runs[key] = r
	return r, nil
}

// village are the options of checking one village as of a commit: its records are narrowed
// already, not again to the part of the site (a village's predecessors are not all linked to
// the part in what is left).
func (h *holder) village(id string) Options {
	opts := h.opts
	if id != "" {
		opts.Villages = nil
	}
	return opts
}

// again checks village id of src once more with what edit changes of its records, and returns
// the village and its scores, or nil when the village is not in the town then.
func (h *holder) again(src town.Source, id string, edit func(*town.Source)) (*town.Village, *score.VillageResult) {
	n := narrow(src, id)
	edit(&n)
	r := Run(n, h.village(id))
	k := -1
	if r.Town != nil {
		k = index(r.Town, id)
	}
	if k < 0 {
		return nil, nil
	}
	return r.Town.Villages[k], r.Results[k]
}

// narrow is src with the files of the town and of one village only, so that checking an
// earlier state of a village costs one village; the other villages keep their village.toml, for
// the checks across villages (names, merged_into). All of src when village is "".
func narrow(src town.Source, village string) town.Source {
	if village == "" {
		return src
	}
	return only(src, predecessorVillages(src, village))
}

// only is src with the town's own files, every file of the villages whole, and the village.toml
// of the others.
func only(src town.Source, whole map[string]bool) town.Source {
	keep := func(p string) bool {
		rest, ok := strings.CutPrefix(p, "villages/")
		id, file, _ := strings.Cut(rest, "/")
		return !ok || whole[id] || file == "village.toml"
	}
	out := town.Source{Files: map[string][]byte{}, History: map[string][]town.Version{}, Removed: map[string]town.Version{}, Steps: src.Steps}
	for p, data := range src.Files {
		if keep(p) {
			out.Files[p] = data
		}
	}
	for p, vs := range src.History {
		if keep(p) {
			out.History[p] = vs
		}
	}
	for p, v := range src.Removed {
		if keep(p) {
			out.Removed[p] = v
		}
	}
	for _, d := range src.Problems {
		if keep(d.File) {
			out.Problems = append(out.Problems, d)
		}
	}
	return out
}

// predecessorVillages are the village and, following the 迁自 of their rosters, the villages
// its households continue households of: what its accounts depend on.
func predecessorVillages(src town.Source, village string) map[string]bool {
	out := map[string]bool{village: true}
	for todo := []string{village}; len(todo) > 0; {
		id := todo[0]
		todo = todo[1:]
		households, _, _ := sheet.ParseRoster("", src.Files["villages/"+id+"/households.csv"])
		for _, h := range households {
			for _, r := range h.From {
				if r.Village != "" && !out[r.Village] {
					out[r.Village] = true
					todo = append(todo, r.Village)
				}
			}
		}
	}
	return out
}

// Links are the villages linked by the 迁自 of their rosters, each way: village → the villages
// its households came from or went to.
type Links map[string][]string

// Linked reads the links of the villages of src from their rosters.
func Linked(src town.Source) Links {
	links := Links{}
	for name, data := range src.Files {
		rest, ok := strings.CutPrefix(name, "villages/")
		id, file, _ := strings.Cut(rest, "/")
		if !ok || file != "households.csv" {
			continue
		}
		households, _, _ := sheet.ParseRoster("", data)
		for _, h := range households {
			for _, r := range h.From {
				if r.Village != "" && r.Village != id {
					links[id] = append(links[id], r.Village)
					links[r.Village] = append(links[r.Village], id)
				}
			}
		}
	}
	return links
}

// Of are the villages and those linked to them, from link to link: what their accounts and pages
// depend on (a village's pages name the households that continue its own).
func (l Links) Of(villages ...string) map[string]bool {
	out := map[string]bool{}
	for todo := slices.Clone(villages); len(todo) > 0; todo = todo[1:] {
		if id := todo[0]; !out[id] {
			out[id] = true
			todo = append(todo, l[id]...)
		}
	}
	return out
}

// villageOf is the village whose folder has the file, if any.
func villageOf(file string) (string, bool) {
	rest, ok := strings.CutPrefix(file, "villages/")
	id, _, _ := strings.Cut(rest, "/")
	return id, ok && id != ""
}

// Broken tells which villages' files have errors, and whether the town's own files have.
func Broken(diags check.List) (villages map[string]bool, townFiles bool) {
	villages = map[string]bool{}
	for _, d := range diags {
		if d.IsWarning() {
			continue
		}
		if id, ok := villageOf(d.File); ok {
			villages[id] = true
		} else {
			townFiles = true
		}
	}
	return villages, townFiles
}

// heldAt returns copies of a village and its result marked as shown as of a commit, leaving the
// run they come from as it was.
func heldAt(v *town.Village, res *score.VillageResult, held *town.Held) (*town.Village, *score.VillageResult) {
	cv, cres := *v, *res
	cv.Held, cres.Village = held, &cv
	return &cv, &cres
}

// clone is a copy of a report whose villages and results can be replaced without changing it.
func clone(r *Report) *Report {
	t := *r.Town
	t.Villages = slices.Clone(t.Villages)
	return &Report{Town: &t, Results: slices.Clone(r.Results), Diagnostics: r.Diagnostics, Omitted: r.Omitted}
}

// place is where a village goes among the town's villages: after those that came before it.
func place(t *town.Town, before []*town.Village) int {
	at := 0
	for j, v := range t.Villages {
		if slices.ContainsFunc(before, func(b *town.Village) bool { return b.ID == v.ID }) {
			at = j + 1
		}
	}
	return at
}

// index is the index of village id among the town's villages, or -1.
func index(t *town.Town, id string) int {
	return slices.IndexFunc(t.Villages, func(v *town.Village) bool { return v.ID == id })
}
