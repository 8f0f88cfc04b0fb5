package town

import (
	"bytes"
	"cmp"
	"fmt"
	"maps"
	"path"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/jifen-project/jifen/pipeline/check"
	"github.com/jifen-project/jifen/pipeline/rules"
	"github.com/jifen-project/jifen/pipeline/sheet"
)

// villages reads the villages, as many at a time as there are processors: they are independent
// of each other, and reading their sheets is most of the work.
func (l *loader) villages(t *Town, ids []string) []*Village {
	villages, loaders := make([]*Village, len(ids)), make([]*loader, len(ids))
	limit := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() {
			limit <- struct{}{}
			defer func() { <-limit }()
			loaders[i] = &loader{src: l.src, names: l.names, now: l.now, published: l.published, failed: map[string]bool{}, dropped: map[string]bool{}, refused: l.refused}
			villages[i] = loaders[i].village(t, id)
			if villages[i] == nil {
				return
			}
			loaders[i].readyVillage(t, villages[i])
			if l.each != nil {
				l.each(l.loaded(t, villages[i], loaders[i]))
			}
		})
	}
	wg.Wait()
	var out []*Village
	for i := range ids {
		l.addAll(loaders[i].diags)
		maps.Copy(l.failed, loaders[i].failed)
		maps.Copy(l.dropped, loaders[i].dropped)
		if villages[i] != nil {
			out = append(out, villages[i])
		}
	}
	return out
}

// loaded is what vl found loading v, with what the town's loader l found of the town's own files
// and of v's before the villages.
func (l *loader) loaded(t *Town, v *Village, vl *loader) Loaded {
	out := Loaded{Town: t, Village: v, Failed: maps.Clone(l.failed), Dropped: maps.Clone(l.dropped)}
	maps.Copy(out.Failed, vl.failed)
	maps.Copy(out.Dropped, vl.dropped)
	dir := "villages/" + v.ID + "/"
	for _, d := range l.diags {
		if strings.HasPrefix(d.File, dir) {
			out.Diagnostics = append(out.Diagnostics, d)
		}
	}
	out.Diagnostics = append(out.Diagnostics, vl.diags...)
	return out
}

type villageFile struct {
	Name           string `toml:"name"`
	PublishRanking *bool  `toml:"publish_ranking"`
	Objection      string `toml:"objection_contact"`
	Grids          []Grid `toml:"grids"`
	Evaluation     struct {
		Members []string `toml:"members"`
	} `toml:"evaluation"`
	SigningKeys []string `toml:"signing_keys"`
	Archived    *bool    `toml:"archived"`
	MergedInto  string   `toml:"merged_into"`
}

func (vf villageFile) archived() bool {
	return vf.Archived != nil && *vf.Archived || vf.MergedInto != ""
}

var reasonNotArchived = &check.Text{Zh: "写了 merged_into 就是已停止记分，不能同时写 archived = false", En: "merged_into means the village stopped keeping records: archived cannot be false"}

// archivedIn is the month (YYYY-MM) from which village.toml has said, in every approved version
// since, that the village no longer keeps records; the current month when that is not approved yet.
func (l *loader) archivedIn(t *Town, file string) string {
	since := l.now
	vs := l.src.History[file]
	if n := len(l.src.Steps); n > 0 && l.src.Steps[n-1].Commit == "" && slices.Contains(l.src.Steps[n-1].Paths, file) {
		// Changed in the working tree since it was committed: its version there is the newest,
		// as of now.
		vs = append(slices.Clone(vs), Version{Time: l.now})
	}
	for k := len(vs) - 1; k >= 0; k-- {
		data := vs[k].Data
		if k == len(vs)-1 {
			data = l.src.Files[file]
		}
		var vf villageFile
		if len(rules.DecodeTOML(file, data, &vf)) > 0 || !vf.archived() {
			break
		}
		since = vs[k].Time
	}
	return since.In(t.Location).Format("2006-01")
}

// village reads villages/<id>/.
func (l *loader) village(t *Town, id string) *Village {
	dir := "villages/" + id + "/"
	var vf villageFile
	if !l.present(dir + "village.toml") {
		if !l.deleted(dir) { // else said once for the whole folder, by merged
			l.add(check.Diagnostic{Code: check.MissingFile, File: dir + "village.toml", Args: []string{dir + "village.toml"}})
		}
		return nil
	}
	if l.refused[dir+"village.toml"] || !l.decodeTOML(dir+"village.toml", &vf) {
		return nil
	}
	v := &Village{ID: id, Name: vf.Name, PublishRanking: vf.PublishRanking == nil || *vf.PublishRanking,
		Objection: cmp.Or(vf.Objection, t.Objection), Grids: vf.Grids, Evaluation: vf.Evaluation.Members,
		SigningKeys: vf.SigningKeys, Catalog: t.Catalog, Files: l.under(dir), Archived: vf.archived(), MergedInto: vf.MergedInto}
	if vf.Archived != nil && !*vf.Archived && vf.MergedInto != "" {
		l.add(check.Diagnostic{Code: check.BadValue, File: dir + "village.toml", Column: "archived", Value: "false", Reason: reasonNotArchived})
	}
	l.public(dir+"village.toml", "objection_contact", vf.Objection)
	if v.Name == "" {
		l.add(check.Diagnostic{Code: check.MissingValue, File: dir + "village.toml", Column: "name"})
	}
	if len(v.Evaluation) == 0 {
		l.add(check.Diagnostic{Code: check.MissingValue, File: dir + "village.toml", Column: "evaluation.members"})
	}
	v.GridsFailed = !l.grids(dir+"village.toml", v.Grids)
	l.roster(v, dir+"households.csv")
	if l.present(dir + "catalog.csv") {
		v.Catalog = l.catalog(dir + "catalog.csv")
	}
	l.files(t, v, dir)
	l.evidenceNumbers(v)
	slices.SortStableFunc(v.Notices, func(a, b Notice) int { return strings.Compare(a.Date+a.ID, b.Date+b.ID) })
	return v
}

var reasonGrid = &check.Text{Zh: "每个小组都要有不重复的 id 和 name", En: "every grid needs an id and a name that no other grid has"}

// grids checks the grids of village.toml, and reports whether they are usable: unique ids and
// names, and names that a spreadsheet would not run as formulas (reported here, once, not on
// every roster row that names them).
func (l *loader) grids(file string, grids []Grid) bool {
	ok := len(grids) > 0
	if !ok {
		l.add(check.Diagnostic{Code: check.MissingValue, File: file, Column: "grids"})
	}
	seen := map[string]bool{}
	for _, g := range grids {
		if !sheet.IsID(g.ID) || seen["id:"+g.ID] || g.Name == "" || seen["name:"+g.Name] {
			l.add(check.Diagnostic{Code: check.BadValue, File: file, Column: "grids", Value: g.ID + " " + g.Name, Reason: reasonGrid})
			ok = false
		}
		seen["id:"+g.ID], seen["name:"+g.Name] = true, true
		if g.Name != "" && strings.IndexByte("=+-@", g.Name[0]) >= 0 {
			l.add(check.Diagnostic{Code: check.FormulaText, File: file, Column: "grids", Value: g.Name, Args: []string{g.Name[:1]}})
		}
	}
	return ok
}

// roster reads households.csv. Page addresses do not tell case apart, so neither may
// household ids.
func (l *loader) roster(v *Village, name string) {
	v.RosterFile = name
	if !l.present(name) {
		l.add(check.Diagnostic{Code: check.MissingFile, File: name, Args: []string{name}})
		l.failed[name] = true
	}
	if l.failed[name] {
		return
	}
	hs, cols, ds := sheet.ParseRoster(name, l.src.Files[name])
	l.parsed(name, ds, hs != nil)
	v.Households, v.RosterFile, v.RosterColumns = hs, name, cols
	v.households = make(map[string]int, len(hs))
	seen := make(map[string]bool, len(hs)) // by the code in upper case, as most are written
	for i, h := range hs {
		if _, ok := v.households[h.ID]; !ok {
			v.households[h.ID] = i
		}
		id := strings.ToUpper(h.ID) // codes are ASCII (see sheet.IsID)
		if id != "" && seen[id] {
			l.add(check.Diagnostic{Code: check.DuplicateID, File: name, Line: h.Line, Column: cols["household"], Value: h.ID})
		}
		seen[id] = true
	}
	v.repeated = len(v.households) < len(hs)
}

// files reads the sheets, redemptions and notices of a village and reports files that have no
// place in it.
func (l *loader) files(t *Town, v *Village, dir string) {
	months := map[string]*Month{}
	month := func(m string) *Month {
		if months[m] == nil {
			months[m] = &Month{Month: m, Rules: t.Rules.InForce(m)}
		}
		return months[m]
	}
	nowMonth := l.now.In(t.Location).Format("2006-01")
	archived := "9999-99"
	if v.Archived {
		archived = l.archivedIn(t, dir+"village.toml")
	}
	for _, name := range v.Files {
		rest := strings.TrimPrefix(name, dir)
		kind, base, _ := strings.Cut(rest, "/")
		if l.refused[name] && !(monthly(kind) && monthFile.MatchString(base)) {
			continue // said once, by the source
		}
		switch {
		case rest == "village.toml" || rest == "households.csv" || rest == "catalog.csv":
		case spreadsheetExt(name) != "" || strings.HasPrefix(path.Base(name), "~$"):
			l.misfiled(v, l.unknown(name, nowMonth), month)
		case monthly(kind) && !strings.Contains(base, "/"):
			mm := monthFile.FindStringSubmatch(base)
			switch {
			case mm == nil:
				l.misfiled(v, check.Diagnostic{Code: check.BadFileName, File: name, Value: base, Reason: reasonMonthFile, Suggest: suggestPath(name, nowMonth)}, month)
			case mm[1]+"-"+mm[2] > nowMonth:
				l.add(check.Diagnostic{Code: check.FutureMonth, File: name, Value: mm[1] + "-" + mm[2], Args: []string{nowMonth}})
			case mm[1]+"-"+mm[2] > archived:
				l.add(check.Diagnostic{Code: check.ArchivedVillage, File: name, Value: mm[1] + "-" + mm[2], Args: []string{archived}})
			case kind == "sheets":
				l.sheet(v, month(mm[1]+"-"+mm[2]), name)
			case kind == "redemptions":
				l.redemptions(t, v, month(mm[1]+"-"+mm[2]), name)
			case kind == "objections":
				l.objections(v, month(mm[1]+"-"+mm[2]), name)
			default:
				l.declarations(v, month(mm[1]+"-"+mm[2]), name)
			}
		case kind == "notices" && !strings.Contains(base, "/"):
			l.notice(v, name, base)
		default:
			l.misfiled(v, l.unknown(name, nowMonth), month)
		}
	}
	l.removed(dir, nowMonth, month)
	for _, m := range slices.SortedFunc(maps.Values(months), func(a, b *Month) int { return strings.Compare(a.Month, b.Month) }) {
		if m.SheetFile == "" {
			for _, f := range []string{m.RedemptionsFile, m.DeclarationsFile, m.ObjectionsFile} {
				if f != "" {
					l.add(check.Diagnostic{Code: check.MissingFile, File: f, Args: []string{dir + "sheets/" + m.Month + ".csv"}})
				}
			}
			continue
		}
		v.Months = append(v.Months, m)
	}
}

var (
	reasonMonthFile      = &check.Text{Zh: "评定表、兑换记录、申报记录和异议记录的文件名要写成 YYYY-MM.csv，如 2025-07.csv", En: "sheets, redemptions, declarations and objections are named YYYY-MM.csv, such as 2025-07.csv"}
	reasonNoticeFile     = &check.Text{Zh: "公告的文件名要写成 YYYY-MM-DD-标题.md，如 2025-07-01-夏季评比.md", En: "notices are named YYYY-MM-DD-title.md, such as 2025-07-01-summer.md"}
	reasonNoticeDate     = &check.Text{Zh: "文件名里的日期不存在", En: "the date in the file name does not exist"}
	reasonNoticeTitle    = &check.Text{Zh: "公告要有标题：第一行写 # 标题，如 # 关于评选星级文明户的通知", En: "a notice needs a title: write # and the title on its first line"}
	reasonNoticeEncoding = &check.Text{Zh: "公告要存成 UTF-8 编码的文字：在记事本里“另存为”，编码选 UTF-8", En: "a notice is text in UTF-8: save it again, choosing the encoding UTF-8"}
)

var (
	reasonRemoved            = &check.Text{Zh: "这个文件审定过，在提交 %[4]s 里被删掉了：审定过的记录只能改正，不能删掉；请从 git 历史里把它恢复回来，要改就改里面的行", En: "the file was approved, then deleted in commit %[4]s: approved records are corrected, not deleted; restore it from the history and correct its rows"}
	reasonRemovedUncommitted = &check.Text{Zh: "这个文件审定过，现在被删掉了：审定过的记录只能改正，不能删掉；请把它恢复回来，要改就改里面的行", En: "the file was approved and is now deleted: approved records are corrected, not deleted; restore it and correct its rows"}
)

// removed reports each approved monthly file of the village (sheet, redemptions, declarations,
// objections) that was deleted
// since, and stands it in for its month, failed: a month's approved points do not vanish from
// the balances without a word.
func (l *loader) removed(dir, nowMonth string, month func(string) *Month) {
	for _, name := range slices.Sorted(maps.Keys(l.src.Removed)) {
		kind, base, _ := strings.Cut(strings.TrimPrefix(name, dir), "/")
		mm := monthFile.FindStringSubmatch(base)
		if !strings.HasPrefix(name, dir) || l.present(name) || mm == nil || !monthly(kind) || mm[1]+"-"+mm[2] > nowMonth {
			continue
		}
		f := month(mm[1] + "-" + mm[2]).file(kind)
		*f = cmp.Or(*f, name)
		l.failed[name] = true
		d := check.Diagnostic{Code: check.MissingFile, File: name, Args: []string{name}, Reason: reasonRemovedUncommitted}
		if c := l.src.Removed[name].Commit; c != "" {
			d.Args, d.Reason = append(d.Args, c[:min(7, len(c))]), reasonRemoved
		}
		l.add(d)
	}
}

// notice reads an announcement of the village committee.
func (l *loader) notice(v *Village, name, base string) {
	nm := noticeFile.FindStringSubmatch(base)
	if nm == nil {
		l.add(check.Diagnostic{Code: check.BadFileName, File: name, Value: base, Reason: reasonNoticeFile})
		return
	}
	if _, ok := sheet.ParseDate(nm[1]); !ok {
		l.add(check.Diagnostic{Code: check.BadFileName, File: name, Value: base, Reason: reasonNoticeDate})
		return
	}
	md, _ := bytes.CutPrefix(l.src.Files[name], []byte("\xEF\xBB\xBF"))
	if bad := sheet.InvalidText(md); bad >= 0 {
		l.add(check.Diagnostic{Code: check.BadEncoding, File: name, Line: bytes.Count(md[:bad], []byte{'\n'}) + 1,
			Args: []string{strconv.Itoa(bad + 1 + len(l.src.Files[name]) - len(md))}, Reason: reasonNoticeEncoding})
		return
	}
	for i, line := range strings.Split(string(md), "\n") {
		if code, masked, found := sheet.PersonalData(line); found {
			l.add(check.Diagnostic{Code: code, File: name, Line: i + 1, Value: masked})
		}
	}
	n := Notice{ID: strings.TrimSuffix(base, ".md"), Date: nm[1], Markdown: md}
	for line := range strings.Lines(string(md)) {
		if title, ok := strings.CutPrefix(strings.TrimSpace(line), "# "); ok {
			n.Title = strings.TrimSpace(title)
			break
		}
	}
	if n.Title == "" {
		l.add(check.Diagnostic{Code: check.MissingValue, File: name, Line: 1, Reason: reasonNoticeTitle})
		return
	}
	v.Notices = append(v.Notices, n)
}

// sheet reads a monthly score sheet, and each of its approved versions once.
func (l *loader) sheet(v *Village, m *Month, name string) {
	if l.refused[name] {
		m.SheetFile = name
		return
	}
	entries, cols, ds := sheet.ReadSheet(name, l.src.Files[name])
	history := l.src.History[name]
	for k, hv := range history {
		r := Revision{Version: hv, Entries: entries, Problems: ds}
		if k < len(history)-1 || l.changed(name, hv) {
			r.Entries, _, r.Problems = sheet.ReadSheet(name, hv.Data)
		}
		m.Revisions = append(m.Revisions, r)
	}
	if n := len(history); n > 0 && l.changed(name, history[n-1]) {
		ds = sheet.ChangedEvidence(name, cols, m.Revisions[n-1].Entries, entries, ds)
		// A change not yet committed counts from now, as it will from its merge.
		m.Revisions = append(m.Revisions, Revision{Version: Version{Time: l.now}, Entries: entries, Problems: ds})
	}
	suggestItems(m, cols, ds)
	restoreCodes(ds, cols["household"], v.HouseholdIDs)
	monthYears(ds, cols["date"], m.Month)
	if m.Rules != nil {
		restoreCodes(ds, cols["item"], m.Rules.IDs)
	}
	l.parsed(name, ds, len(entries) > 0)
	l.misdated(m, name, entries)
	m.SheetFile, m.Columns, m.Entries = name, cols, entries
}

var reasonMisdated = &check.Text{Zh: "表里每一行的日期都在 %[3]s，文件名的月份写错了", En: "every row of the file is dated in %[3]s: the month of the file name is wrong"}

// misdated reports a sheet all of whose rows are dated in one other month, once, at its name:
// it was saved under the wrong month, which is what to fix, not each row. The sheet then counts
// as failed.
func (l *loader) misdated(m *Month, name string, entries []sheet.Entry) {
	other := ""
	for _, e := range entries {
		switch {
		case e.Date == "":
		case e.Date[:7] == m.Month || other != "" && e.Date[:7] != other:
			return
		default:
			other = e.Date[:7]
		}
	}
	if other == "" || len(entries) < 2 {
		return
	}
	dir, _, _ := strings.Cut(name, "/sheets/")
	l.add(check.Diagnostic{Code: check.BadFileName, File: name, Value: path.Base(name), Args: []string{other}, Reason: reasonMisdated, Suggest: dir + "/sheets/" + other + ".csv"})
	l.failed[name] = true
}

// changed reports whether the file's content is not its latest approved version's: a working
// tree changed it.
func (l *loader) changed(name string, latest Version) bool {
	return latest.Data != nil && !bytes.Equal(latest.Data, l.src.Files[name])
}

// suggestItems suggests the item code where a sheet has an item's name instead of its code.
func suggestItems(m *Month, cols sheet.Columns, ds check.List) {
	if m.Rules == nil {
		return
	}
	for i, d := range ds {
		if d.Code != check.BadID || d.Column != cols["item"] || utf8.RuneCountInString(d.Value) < 2 {
			continue
		}
		found := ""
		for _, it := range m.Rules.Items {
			switch {
			case it.Name == d.Value:
				found = it.ID
			case strings.Contains(it.Name, d.Value) && found == "":
				found = it.ID
			case strings.Contains(it.Name, d.Value):
				found = "-" // more than one: no suggestion
			}
			if it.Name == d.Value {
				break
			}
		}
		if found != "-" {
			ds[i].Suggest = found
		}
	}
}

// evidenceNumbers warns of the evidence numbers of the village's new and changed sheets that
// lost their leading zeros: shorter than the numbers its sheets write with zeros to one length
// (123 where the others are 00123), as a spreadsheet saves a whole column of them.
func (l *loader) evidenceNumbers(v *Village) {
	padded := 0
	for _, m := range v.Months {
		padded = sheet.Padded(m.Entries, padded)
	}
	if padded <= 0 {
		return
	}
	for _, m := range v.Months {
		if h := l.src.History[m.SheetFile]; len(h) > 0 && !l.changed(m.SheetFile, h[len(h)-1]) {
			continue
		}
		for _, d := range sheet.LostZeros(m.SheetFile, m.Columns, m.Entries, padded) {
			if !slices.ContainsFunc(l.diags, func(o check.Diagnostic) bool { return o.Code == d.Code && o.File == d.File && o.Line == d.Line }) {
				l.add(d)
			}
		}
	}
}

// monthYears corrects the year of the dates suggested for a month's sheet or redemptions when a
// spreadsheet supplied it: a December sheet filled in January, where the cadre typed 12/28, has
// 26年12月28日 or the serial of 2026-12-28 for 2025-12-28.
func monthYears(ds check.List, column, month string) {
	for i, d := range ds {
		if s := d.Suggest; d.Code == check.BadDate && d.Column == column && len(s) == 10 && s[5:7] == month[5:7] && s[:4] != month[:4] {
			ds[i].Suggest = month[:4] + s[4:]
			if _, ok := sheet.ParseDate(ds[i].Suggest); !ok { // 29 February
				ds[i].Suggest = s
			}
		}
	}
}

// restoreCodes says which of codes a spreadsheet turned into a value of the column that is no
// code, such as 3-12 into 3月12日 or 2026/3/12, where one of codes is it. codes is called only
// when a diagnostic needs them, as few files have one.
func restoreCodes(ds check.List, column string, codes func() []string) {
	var known []string
	for i, d := range ds {
		if d.Code == check.BadID && d.Column == column && column != "" && d.Suggest == "" {
			if known == nil {
				known = codes()
			}
			if k, reason := sheet.Restore(d.Value, known); reason != nil {
				ds[i].Suggest, ds[i].Reason = k, reason
			}
		}
	}
}

// redemptions reads a month's supermarket exchanges, and takes the catalog in force when they
// were first approved: prices change, and a month's exchanges are judged, and their goods
// valued, at the prices of their time, in the village's own catalog if it had one by then, else
// in the town's. An uncommitted file is judged by the current catalog.
func (l *loader) redemptions(t *Town, v *Village, m *Month, name string) {
	if l.refused[name] {
		m.RedemptionsFile = name
		return
	}
	reds, cols, ds := sheet.ParseRedemptions(name, l.src.Files[name])
	m.RedemptionsFile, m.RedemptionColumns, m.Redemptions = name, cols, reds
	var approved Version
	if h := l.src.History[name]; len(h) > 0 {
		approved = h[0]
	}
	c := v.Catalog
	if vs := c.Versions; !approved.Time.IsZero() && len(vs) > 0 && vs[0].Time.After(approved.Time) {
		c = t.Catalog
	}
	m.Catalog = c.At(approved.Time)
	restoreCodes(ds, cols["household"], v.HouseholdIDs)
	restoreCodes(ds, cols["goods"], func() []string {
		goods := make([]string, len(m.Catalog))
		for i, g := range m.Catalog {
			goods[i] = g.ID
		}
		return goods
	})
	monthYears(ds, cols["date"], m.Month)
	l.parsed(name, ds, cols != nil)
}

// declarations reads a month's declarations.
func (l *loader) declarations(v *Village, m *Month, name string) {
	m.DeclarationsFile = name
	if l.refused[name] {
		return
	}
	ds, cols, diags := sheet.ParseDeclarations(name, l.src.Files[name])
	m.DeclarationColumns, m.Declarations = cols, ds
	monthYears(diags, cols["date"], m.Month)
	l.named(v, m, name, cols, diags)
}

// objections reads the objections to a month's results.
func (l *loader) objections(v *Village, m *Month, name string) {
	m.ObjectionsFile = name
	if l.refused[name] {
		return
	}
	obs, cols, diags := sheet.ParseObjections(name, l.src.Files[name])
	m.ObjectionColumns, m.Objections = cols, obs
	l.named(v, m, name, cols, diags)
}

// named suggests the household and item codes a spreadsheet changed in a month's file that
// names them, then keeps what parsing it found.
func (l *loader) named(v *Village, m *Month, name string, cols sheet.Columns, diags check.List) {
	restoreCodes(diags, cols["household"], v.HouseholdIDs)
	if m.Rules != nil {
		restoreCodes(diags, cols["item"], m.Rules.IDs)
	}
	l.parsed(name, diags, cols != nil)
}

// unknown reports a file that has no place in the records, with the path it should have when
// its name tells.
func (l *loader) unknown(name, nowMonth string) check.Diagnostic {
	d := check.Diagnostic{Code: check.UnknownFile, File: name, Suggest: suggestPath(name, nowMonth)}
	switch kind := cmp.Or(spreadsheetExt(name), sheet.WorkbookKind(l.src.Files[name])); {
	case strings.HasPrefix(path.Base(name), "~$"):
		d.Reason, d.Suggest = reasonLockFile, ""
	case kind != "":
		d.Code, d.Args = check.Workbook, []string{kind}
	}
	return d
}

var (
	reasonCopy     = &check.Text{Zh: "这个月的表已经有了，这像是复制出来的副本：核对以后删掉它", En: "the month's file is there already: this looks like a copy of it; check, then delete it"}
	reasonBeside   = &check.Text{Zh: "这个月的 CSV 文件已经有了：核对两者一致以后删掉工作簿", En: "the month's CSV file is there already: check that the two agree, then delete the workbook"}
	reasonLockFile = &check.Text{Zh: "这是 Excel 或 WPS 打开文件时留下的临时文件：关掉 Excel 或 WPS 以后删掉它", En: "this is the temporary file Excel or WPS leaves while a file is open: close Excel or WPS, then delete it"}
)

// misfiled reports a file that is not where the format puts it or not named as it says. When
// the file is a village-month's sheet or redemptions by its name, it stands in for them, failed:
// nothing is then said of the month's redemptions or of the balances that would follow from its
// rows being missing. A copy of a file that is there is only reported; a sheet-like file whose
// month cannot be told leaves the whole village's scores untrusted.
func (l *loader) misfiled(v *Village, d check.Diagnostic, month func(string) *Month) {
	guess := d.Suggest
	switch {
	case guess == d.File:
		d.Suggest = ""
	case guess != "" && l.present(guess) && d.Code == check.Workbook:
		d.Suggest, d.Reason = "", reasonBeside
	case guess != "" && l.present(guess):
		d.Suggest, d.Reason = "", reasonCopy
	case guess != "":
		kind := path.Base(path.Dir(guess))
		f := month(guess[len(guess)-11 : len(guess)-4]).file(kind)
		*f = cmp.Or(*f, d.File)
		l.failed[d.File] = true
	case d.Reason != reasonLockFile && (strings.HasSuffix(d.File, ".csv") || d.Code == check.Workbook):
		v.Incomplete = true
	}
	l.add(d)
}

// spreadsheetExt is the extension of a workbook's name (.xlsx, .xls, .et, .ods and the like),
// or "".
func spreadsheetExt(name string) string {
	switch ext := strings.ToLower(path.Ext(name)); ext {
	case ".xlsx", ".xlsm", ".xls", ".et", ".ett", ".ods", ".numbers":
		return ext
	}
	return ""
}

// suggestPath is the path a misnamed or misplaced sheet or redemptions file of a village should
// have, when its name says which month it is for and its name or folder which kind of file it
// is: villages/shiqiao/石桥村11月积分表.csv is villages/shiqiao/sheets/2025-11.csv in 2025.
func suggestPath(name, nowMonth string) string {
	parts := strings.Split(name, "/")
	if len(parts) < 3 || parts[0] != "villages" {
		return ""
	}
	base := parts[len(parts)-1]
	kind := ""
	switch {
	case slices.Contains(parts, "declarations") || strings.Contains(base, "申报"):
		kind = "declarations"
	case slices.Contains(parts, "objections") || strings.Contains(base, "异议"):
		kind = "objections"
	case slices.Contains(parts, "redemptions") || strings.Contains(base, "兑换"):
		kind = "redemptions"
	case slices.Contains(parts, "sheets") || strings.ContainsAny(base, "积评") || strings.Contains(strings.ToLower(base), "sheet"):
		kind = "sheets"
	default:
		return ""
	}
	month := guessMonth(base, nowMonth)
	if month == "" {
		return ""
	}
	return "villages/" + parts[1] + "/" + kind + "/" + month + ".csv"
}

// guessMonth reads a month from a file name: 2025-7, 2025年7月, 202507, or 7月 (the latest such
// month up to now).
func guessMonth(base, nowMonth string) string {
	digits := func(s string) (int, int) { // the number at the start of s and its length
		n, i := 0, 0
		for i < len(s) && i < 4 && '0' <= s[i] && s[i] <= '9' {
			n, i = n*10+int(s[i]-'0'), i+1
		}
		return n, i
	}
	for i := 0; i < len(base); i++ {
		y, n := digits(base[i:])
		if n == 4 && y >= 2000 && y < 2100 {
			rest := strings.TrimLeft(base[i+4:], "-_./年 ")
			if m, k := digits(rest); k > 0 && k <= 2 && m >= 1 && m <= 12 {
				return fmt.Sprintf("%d-%02d", y, m)
			} else if k == 4 && m/100 >= 1 && m/100 <= 12 {
				return fmt.Sprintf("%d-%02d", y, m/100)
			}
		}
		if i > 0 && '0' <= base[i-1] && base[i-1] <= '9' {
			continue
		}
		if m, k := digits(base[i:]); k > 0 && k <= 2 && m >= 1 && m <= 12 && strings.HasPrefix(base[i+k:], "月") && len(nowMonth) == 7 {
			y, _ := strconv.Atoi(nowMonth[:4])
			if fmt.Sprintf("%02d", m) > nowMonth[5:] {
				y--
			}
			return fmt.Sprintf("%d-%02d", y, m)
		}
	}
	return ""
}
