// Package town owns a town's records as the pipeline sees them: villages, rosters, monthly
// sheets, redemptions, catalogs, notices and rule sets, each with its approval history, and
// the checks that tie the files together. It reads files from a Source and touches neither
// git nor the disk.
package town

import (
	"fmt"
	"maps"
	"path"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jifen-project/jifen/pipeline/check"
	"github.com/jifen-project/jifen/pipeline/rules"
	"github.com/jifen-project/jifen/pipeline/sheet"
)

// A Source is the content of a records repository at one point: every file by its path
// (relative to the records root, with forward slashes) and, when it comes from git, the
// approved versions of each file.
type Source struct {
	Files    map[string][]byte
	History  map[string][]Version // oldest first; empty for an uncommitted working tree
	Problems check.List           // files the source refused to read
}

// A Version is one approved version of a file: the first-parent commit that brought it.
type Version struct {
	Commit    string    // full hash
	Time      time.Time // committer time: when it was merged
	Author    string    // who made the change (the pull request's author)
	Reviewers []string  // names from Reviewed-by: and Approved-by: trailers
	PR        int       // pull request number from the merge message, or 0
	Merge     bool      // the commit merged a pull request
	Signer    string    // fingerprint of the OpenPGP key that signed the commit, if checked and valid
	Blob      string    // hash of the file's content at this version
	Data      []byte    // the content at this version, kept for files with more than one version
}

// A Town is everything the records say.
type Town struct {
	Name       string
	Demo       bool
	NoticeDays int
	Objection  string
	Location   *time.Location
	RepoURL    string
	SiteURL    string // where the public site is, for QR codes and feeds
	Rules      rules.Versions
	Catalog    []sheet.Goods
	Villages   []*Village
}

// A Village is one administrative village with its records.
type Village struct {
	ID             string
	Name           string
	PublishRanking bool
	Objection      string
	Grids          []Grid
	Evaluation     []string
	Households     []sheet.Household
	Catalog        []sheet.Goods // the village's own catalog, or the town's
	CatalogFile    string        // the file it comes from
	Months         []*Month      // ordered by month
	Notices        []Notice      // ordered by date

	households map[string]int // household id → index in Households, when loaded
}

// A Grid is a small grid (村民小组 / 自然村) of a village.
type Grid struct {
	ID     string `toml:"id"`
	Name   string `toml:"name"`
	Worker string `toml:"worker"`
}

// A Month is one village-month: its sheet, its redemptions and their approvals.
type Month struct {
	Month             string // YYYY-MM
	SheetFile         string
	Columns           sheet.Columns // the sheet's headers, as written, for diagnostics
	Entries           []sheet.Entry
	RedemptionsFile   string
	Catalog           []sheet.Goods // the catalog in force when the redemptions were approved
	RedemptionColumns sheet.Columns
	Redemptions       []sheet.Redemption
	Rules             *rules.RuleSet // the version in force
	Versions          []Version      // approved versions of the sheet: the first approval, then corrections
}

// A Notice is an announcement of the village committee, in Markdown.
type Notice struct {
	ID       string // the file name without .md
	Date     string // YYYY-MM-DD, from the file name
	Title    string
	Markdown []byte
}

// Approved reports whether the month's sheet is on the publishing branch.
func (m *Month) Approved() bool { return len(m.Versions) > 0 }

// NoticeUntil is when the month's public notice (公示) ends: notice days after its latest
// approved version, since a correction reopens the window.
func (m *Month) NoticeUntil(days int) time.Time {
	if !m.Approved() {
		return time.Time{}
	}
	return m.Versions[len(m.Versions)-1].Time.AddDate(0, 0, days)
}

// Household returns the roster row with the id, or nil.
func (v *Village) Household(id string) *sheet.Household {
	if v.households != nil {
		if i, ok := v.households[id]; ok {
			return &v.Households[i]
		}
		return nil
	}
	for i := range v.Households {
		if v.Households[i].ID == id {
			return &v.Households[i]
		}
	}
	return nil
}

// Grid returns the grid with the name, or nil.
func (v *Village) Grid(name string) *Grid {
	for i := range v.Grids {
		if v.Grids[i].Name == name {
			return &v.Grids[i]
		}
	}
	return nil
}

var (
	villageID    = regexp.MustCompile(`^[a-z][a-z0-9-]{0,31}$`)
	monthFile    = regexp.MustCompile(`^([0-9]{4})-(0[1-9]|1[0-2])\.csv$`)
	noticeFile   = regexp.MustCompile(`^([0-9]{4}-[0-9]{2}-[0-9]{2})([-_].*)?\.md$`)
	ruleFileName = regexp.MustCompile(`^rules/[0-9]{4}-[0-9]{2}-[0-9]{2}\.toml$`)
)

// Options say when the records are read and what their history must show.
type Options struct {
	Now           time.Time // bounds the months a sheet may be for
	RequireReview bool      // every version of a sheet or redemptions file came by a merge or carries a review trailer
	RequireSigned bool      // every version of a village's file was signed by a key listed for the village
}

// Load reads and checks every file of src. The town is nil when a file the rest depends on
// (town.toml) cannot be read; otherwise it holds everything that could be read, and the list
// holds every problem found.
func Load(src Source, opts Options) (*Town, check.List) {
	l := &loader{src: src, now: opts.Now, opts: opts, names: slices.Sorted(maps.Keys(src.Files))}
	l.addAll(src.Problems)
	t := l.load()
	l.diags.Sort()
	return t, l.diags
}

type loader struct {
	src   Source
	names []string // the files' names, sorted
	now   time.Time
	opts  Options
	diags check.List
}

// under lists the files in dir (with a final /), sorted.
func (l *loader) under(dir string) []string {
	i, _ := slices.BinarySearch(l.names, dir)
	j := i
	for j < len(l.names) && strings.HasPrefix(l.names[j], dir) {
		j++
	}
	return l.names[i:j]
}

func (l *loader) add(d check.Diagnostic) { l.diags.Add(d) }

func (l *loader) addAll(ds check.List) { l.diags = append(l.diags, ds...) }

// decodeTOML strictly decodes a TOML file into v.
func (l *loader) decodeTOML(name string, v any) bool {
	ds := rules.DecodeTOML(name, l.src.Files[name], v)
	l.addAll(ds)
	return len(ds) == 0
}

func (l *loader) load() *Town {
	var tf struct {
		Format     int      `toml:"format"`
		Name       string   `toml:"name"`
		Demo       bool     `toml:"demo"`
		Villages   []string `toml:"villages"`
		NoticeDays int      `toml:"notice_days"`
		Objection  string   `toml:"objection_contact"`
		Timezone   string   `toml:"timezone"`
		RepoURL    string   `toml:"repository_url"`
		SiteURL    string   `toml:"site_url"`
	}
	if _, ok := l.src.Files["town.toml"]; !ok {
		l.add(check.Diagnostic{Code: check.MissingFile, File: "town.toml", Detail: "town.toml"})
		return nil
	}
	if !l.decodeTOML("town.toml", &tf) {
		return nil
	}
	t := &Town{Name: tf.Name, Demo: tf.Demo, NoticeDays: tf.NoticeDays, Objection: tf.Objection, RepoURL: tf.RepoURL, SiteURL: tf.SiteURL}
	required := func(key, v string) {
		if v == "" {
			l.add(check.Diagnostic{Code: check.MissingValue, File: "town.toml", Column: key})
		}
	}
	if tf.Format != 1 {
		l.add(check.Diagnostic{Code: check.BadValue, File: "town.toml", Column: "format", Value: strconv.Itoa(tf.Format), Detail: "本程序读第 1 版格式 / this program reads format 1"})
	}
	required("name", tf.Name)
	required("objection_contact", tf.Objection)
	l.public("town.toml", "objection_contact", tf.Objection)
	if tf.NoticeDays <= 0 {
		l.add(check.Diagnostic{Code: check.BadValue, File: "town.toml", Column: "notice_days", Value: strconv.Itoa(tf.NoticeDays), Detail: "要大于 0 / must be more than 0"})
	}
	if tf.Timezone == "" {
		tf.Timezone = "Asia/Shanghai"
	}
	loc, err := time.LoadLocation(tf.Timezone)
	if err != nil {
		l.add(check.Diagnostic{Code: check.BadValue, File: "town.toml", Column: "timezone", Value: tf.Timezone, Detail: err.Error()})
		loc = time.UTC
	}
	t.Location = loc

	rs, ds := Rules(l.src)
	t.Rules = rs
	l.addAll(ds)

	if data, ok := l.src.Files["supermarket/catalog.csv"]; ok {
		goods, ds := sheet.ParseCatalog("supermarket/catalog.csv", data)
		l.addAll(ds)
		t.Catalog = goods
	}

	listed := map[string]bool{}
	var ids []string
	for _, id := range tf.Villages {
		if id == "rules" || id == "downloads" {
			l.add(check.Diagnostic{Code: check.BadID, File: "town.toml", Column: "villages", Value: id, Detail: "网站自己的页面用了这个名字，请换一个 / the site's own pages use this name"})
			continue
		}
		if !villageID.MatchString(id) {
			l.add(check.Diagnostic{Code: check.BadID, File: "town.toml", Column: "villages", Value: id, Detail: "小写字母开头，小写字母、数字和 -，最多 32 个字符"})
			continue
		}
		if listed[id] {
			l.add(check.Diagnostic{Code: check.DuplicateID, File: "town.toml", Column: "villages", Value: id})
			continue
		}
		listed[id] = true
		ids = append(ids, id)
	}
	// Villages are independent of each other, and reading their sheets is most of the work:
	// they are read on as many goroutines as there are processors, each with its own list.
	villages, lists := make([]*Village, len(ids)), make([]check.List, len(ids))
	limit := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() {
			limit <- struct{}{}
			vl := &loader{src: l.src, names: l.names, now: l.now, opts: l.opts}
			villages[i], lists[i] = vl.village(t, id), vl.diags
			<-limit
		})
	}
	wg.Wait()
	for i := range ids {
		l.addAll(lists[i])
		if villages[i] != nil {
			t.Villages = append(t.Villages, villages[i])
		}
	}
	for name := range l.src.Files {
		switch top, rest, _ := strings.Cut(name, "/"); top {
		case "villages":
			id, _, _ := strings.Cut(rest, "/")
			if !listed[id] {
				l.add(check.Diagnostic{Code: check.UnknownVillage, File: name, Value: id, Detail: "没有写在 town.toml 的 villages 里 / not listed in town.toml villages"})
			}
		case "town.toml", "rules", "supermarket", "keys":
		default:
			if !strings.HasPrefix(top, ".") && top != "README.md" && top != "CODEOWNERS" {
				l.add(check.Diagnostic{Code: check.UnknownFile, File: name, Detail: name})
			}
		}
	}
	return t
}

// Rules reads and checks every version of the rule set in rules/, together, and reports each
// sheet of a month in which no version is in force.
func Rules(src Source) (rules.Versions, check.List) {
	var vs rules.Versions
	var diags check.List
	for _, name := range slices.Sorted(maps.Keys(src.Files)) {
		if strings.HasPrefix(name, "rules/") {
			if !ruleFileName.MatchString(name) {
				diags.Add(check.Diagnostic{Code: check.BadFileName, File: name, Value: path.Base(name), Detail: "要写成 rules/YYYY-MM-DD.toml"})
				continue
			}
			rs, ds := rules.Parse(name, src.Files[name])
			diags = append(diags, ds...)
			if rs != nil {
				vs = append(vs, rs)
			}
		}
	}
	vs.Sort()
	diags = append(diags, vs.Lint()...)
	if len(vs) == 0 {
		diags.Add(check.Diagnostic{Code: check.MissingFile, File: "rules/", Detail: "rules/YYYY-MM-DD.toml"})
		return vs, diags
	}
	for _, name := range slices.Sorted(maps.Keys(src.Files)) {
		if m, ok := sheetMonth(name); ok && vs.InForce(m) == nil {
			diags.Add(check.Diagnostic{Code: check.NoRules, File: name, Value: m})
		}
	}
	return vs, diags
}

// sheetMonth is the month (YYYY-MM) of a score sheet's path, villages/<id>/sheets/<YYYY-MM>.csv.
func sheetMonth(name string) (string, bool) {
	parts := strings.Split(name, "/")
	if len(parts) != 4 || parts[0] != "villages" || parts[2] != "sheets" {
		return "", false
	}
	m := monthFile.FindStringSubmatch(parts[3])
	if m == nil {
		return "", false
	}
	return m[1] + "-" + m[2], true
}

// village reads villages/<id>/.
func (l *loader) village(t *Town, id string) *Village {
	dir := "villages/" + id + "/"
	var vf struct {
		Name           string `toml:"name"`
		PublishRanking *bool  `toml:"publish_ranking"`
		Objection      string `toml:"objection_contact"`
		Grids          []Grid `toml:"grids"`
		Evaluation     struct {
			Members []string `toml:"members"`
		} `toml:"evaluation"`
		SigningKeys []string `toml:"signing_keys"`
	}
	if _, ok := l.src.Files[dir+"village.toml"]; !ok {
		l.add(check.Diagnostic{Code: check.MissingFile, File: dir + "village.toml", Detail: dir + "village.toml"})
		return nil
	}
	if !l.decodeTOML(dir+"village.toml", &vf) {
		return nil
	}
	v := &Village{ID: id, Name: vf.Name, PublishRanking: vf.PublishRanking == nil || *vf.PublishRanking,
		Objection: vf.Objection, Grids: vf.Grids, Evaluation: vf.Evaluation.Members, Catalog: t.Catalog, CatalogFile: "supermarket/catalog.csv"}
	l.public(dir+"village.toml", "objection_contact", v.Objection)
	if v.Objection == "" {
		v.Objection = t.Objection
	}
	if v.Name == "" {
		l.add(check.Diagnostic{Code: check.MissingValue, File: dir + "village.toml", Column: "name"})
	}
	l.policies(dir, vf.SigningKeys, t.Location)
	grids := map[string]bool{}
	for _, g := range v.Grids {
		if !sheet.IsID(g.ID) || grids[g.ID] || g.Name == "" || grids["name:"+g.Name] {
			l.add(check.Diagnostic{Code: check.BadValue, File: dir + "village.toml", Column: "grids", Value: g.ID + " " + g.Name, Detail: "小组要有不重复的 id 和 name / grids need unique ids and names"})
		}
		grids[g.ID], grids["name:"+g.Name] = true, true
	}
	if len(v.Grids) == 0 {
		l.add(check.Diagnostic{Code: check.MissingValue, File: dir + "village.toml", Column: "grids"})
	}

	roster := dir + "households.csv"
	if data, ok := l.src.Files[roster]; ok {
		hs, cols, ds := sheet.ParseRoster(roster, data)
		l.addAll(ds)
		v.Households = hs
		v.households = make(map[string]int, len(hs))
		seen := map[string]bool{}
		for i, h := range hs {
			if _, ok := v.households[h.ID]; !ok {
				v.households[h.ID] = i
			}
			// Page addresses do not tell case apart, so neither may household ids.
			if id := strings.ToLower(h.ID); id != "" && seen[id] {
				l.add(check.Diagnostic{Code: check.DuplicateID, File: roster, Line: h.Line, Column: cols["household"], Value: h.ID})
			}
			seen[strings.ToLower(h.ID)] = true
			if h.Grid != "" && v.Grid(h.Grid) == nil {
				names := make([]string, len(v.Grids))
				for i, g := range v.Grids {
					names[i] = g.Name
				}
				l.add(check.Diagnostic{Code: check.UnknownGrid, File: roster, Line: h.Line, Column: cols["grid"], Value: h.Grid, Detail: strings.Join(names, "、")})
			}
		}
	} else {
		l.add(check.Diagnostic{Code: check.MissingFile, File: roster, Detail: roster})
	}
	if data, ok := l.src.Files[dir+"catalog.csv"]; ok {
		goods, ds := sheet.ParseCatalog(dir+"catalog.csv", data)
		l.addAll(ds)
		v.Catalog, v.CatalogFile = goods, dir+"catalog.csv"
	}

	months := map[string]*Month{}
	month := func(m string) *Month {
		if months[m] == nil {
			months[m] = &Month{Month: m, Rules: t.Rules.InForce(m)}
		}
		return months[m]
	}
	nowMonth := l.now.In(t.Location).Format("2006-01")
	for _, name := range l.under(dir) {
		rest := strings.TrimPrefix(name, dir)
		kind, base, _ := strings.Cut(rest, "/")
		switch {
		case rest == "village.toml" || rest == "households.csv" || rest == "catalog.csv":
		case (kind == "sheets" || kind == "redemptions") && !strings.Contains(base, "/"):
			mm := monthFile.FindStringSubmatch(base)
			if mm == nil {
				l.add(check.Diagnostic{Code: check.BadFileName, File: name, Value: base, Detail: "要写成 YYYY-MM.csv，如 2025-07.csv / name it YYYY-MM.csv"})
				continue
			}
			m := mm[1] + "-" + mm[2]
			if m > nowMonth {
				l.add(check.Diagnostic{Code: check.FutureMonth, File: name, Value: m, Detail: nowMonth})
				continue
			}
			if kind == "sheets" {
				l.sheet(v, month(m), name)
			} else {
				l.redemptions(v, month(m), name)
			}
		case kind == "notices" && !strings.Contains(base, "/"):
			nm := noticeFile.FindStringSubmatch(base)
			if nm == nil {
				l.add(check.Diagnostic{Code: check.BadFileName, File: name, Value: base, Detail: "要写成 YYYY-MM-DD-标题.md / name it YYYY-MM-DD-title.md"})
				continue
			}
			if _, ok := sheet.ParseDate(nm[1]); !ok {
				l.add(check.Diagnostic{Code: check.BadDate, File: name, Column: "file name", Value: nm[1]})
				continue
			}
			for i, line := range strings.Split(string(l.src.Files[name]), "\n") {
				if code, masked, found := sheet.PersonalData(line); found {
					l.add(check.Diagnostic{Code: code, File: name, Line: i + 1, Column: "公告", Value: masked})
				}
			}
			v.Notices = append(v.Notices, notice(strings.TrimSuffix(base, ".md"), nm[1], l.src.Files[name]))
		default:
			l.add(check.Diagnostic{Code: check.UnknownFile, File: name, Detail: name})
		}
	}
	for _, m := range slices.Sorted(maps.Keys(months)) {
		mo := months[m]
		if mo.SheetFile == "" {
			l.add(check.Diagnostic{Code: check.MissingFile, File: dir + "redemptions/" + m + ".csv", Detail: dir + "sheets/" + m + ".csv"})
			continue
		}
		v.Months = append(v.Months, mo)
	}
	slices.SortStableFunc(v.Notices, func(a, b Notice) int { return strings.Compare(a.Date+a.ID, b.Date+b.ID) })
	return v
}

// public checks a setting that every page shows for ID and mobile numbers: an office telephone
// is fine, a person's mobile is not.
func (l *loader) public(file, key, value string) {
	if code, masked, found := sheet.PersonalData(value); found {
		l.add(check.Diagnostic{Code: code, File: file, Column: key, Value: masked})
	}
}

// policies checks the history of the village's files against the options: review of sheets and
// redemptions, and signatures by the village's keys.
func (l *loader) policies(dir string, keys []string, loc *time.Location) {
	for _, name := range slices.Sorted(maps.Keys(l.src.History)) {
		if !strings.HasPrefix(name, dir) {
			continue
		}
		data := strings.Contains(name, "/sheets/") || strings.Contains(name, "/redemptions/")
		for _, v := range l.src.History[name] {
			at := v.Commit[:min(7, len(v.Commit))] + " (" + v.Time.In(loc).Format("2006-01-02 15:04") + ", " + v.Author + ")"
			if l.opts.RequireReview && data && !v.Merge && len(v.Reviewers) == 0 {
				l.add(check.Diagnostic{Code: check.Unreviewed, File: name, Detail: at})
			}
			if l.opts.RequireSigned && !slices.ContainsFunc(keys, func(k string) bool {
				return strings.EqualFold(strings.ReplaceAll(k, " ", ""), v.Signer) && v.Signer != ""
			}) {
				l.add(check.Diagnostic{Code: check.Unsigned, File: name, Detail: at})
			}
		}
	}
}

// notice takes the title from the first "# " heading, or the file name.
func notice(id, date string, md []byte) Notice {
	n := Notice{ID: id, Date: date, Title: id, Markdown: md}
	for line := range strings.Lines(string(md)) {
		if title, ok := strings.CutPrefix(strings.TrimSpace(line), "# "); ok {
			n.Title = strings.TrimSpace(title)
			break
		}
	}
	return n
}

// sheet reads and checks a monthly score sheet.
func (l *loader) sheet(v *Village, m *Month, name string) {
	entries, cols, ds := sheet.ReadSheet(name, l.src.Files[name])
	l.addAll(ds)
	m.SheetFile = name
	m.Columns = cols
	m.Entries = entries
	m.Versions = l.src.History[name]
	rs := m.Rules
	if rs == nil {
		return // reported by Rules
	}
	for _, e := range entries {
		at := func(code check.Code, key, value, detail string) {
			l.add(check.Diagnostic{Code: code, File: name, Line: e.Line, Column: cols[key], Value: value, Detail: detail})
		}
		l.household(v, name, cols, e.Line, e.Household, e.Date)
		if e.Date != "" && e.Date[:7] != m.Month {
			at(check.DateOutsideMonth, "date", e.Date, m.Month)
		}
		if e.Item == "" {
			continue
		}
		pointsRead := !slices.Contains(e.Invalid, "points")
		it := rs.Item(e.Item)
		if it == nil {
			switch {
			case rs.Veto(e.Item) == nil:
				at(check.UnknownItem, "item", e.Item, rs.Effective)
			case e.Points != 0 && pointsRead:
				at(check.PointsNotAllowed, "points", strconv.Itoa(e.Points), "一票否决行分值填 0 / a veto row has 0 points")
			}
			continue
		}
		if allowed := it.Allowed(); !slices.Contains(allowed, e.Points) && pointsRead {
			var detail string
			switch {
			case it.Deduction() && e.Points > 0:
				detail = fmt.Sprintf("%s %s 是扣分事项，分值要写负数 %s / %s is a deduction: write %s", it.ID, it.Name, ints(allowed), it.ID, ints(allowed))
			case !it.Deduction() && e.Points < 0:
				detail = fmt.Sprintf("%s %s 是加分事项，分值要写正数 %s / %s adds points: write %s", it.ID, it.Name, ints(allowed), it.ID, ints(allowed))
			default:
				detail = fmt.Sprintf("%s %s 只能是 %s / %s allows %s", it.ID, it.Name, ints(allowed), it.ID, ints(allowed))
			}
			at(check.PointsNotAllowed, "points", strconv.Itoa(e.Points), detail)
		}
		if it.Evidence && e.Evidence == "" {
			at(check.MissingValue, "evidence", "", fmt.Sprintf("%s %s 要求填写佐证材料的编号 / %s requires evidence", it.ID, it.Name, it.ID))
		}
	}
}

// household checks that a row's household is on the roster on the row's date.
func (l *loader) household(v *Village, file string, cols sheet.Columns, line int, id, date string) {
	if id == "" {
		return
	}
	h := v.Household(id)
	switch {
	case h == nil:
		l.add(check.Diagnostic{Code: check.UnknownHousehold, File: file, Line: line, Column: cols["household"], Value: id})
	case date != "" && !h.ActiveIn(date):
		l.add(check.Diagnostic{Code: check.InactiveHouse, File: file, Line: line, Column: cols["household"], Value: id, Detail: date})
	}
}

// redemptions reads and checks a month's supermarket exchanges.
func (l *loader) redemptions(v *Village, m *Month, name string) {
	reds, cols, ds := sheet.ParseRedemptions(name, l.src.Files[name])
	l.addAll(ds)
	m.RedemptionsFile = name
	m.RedemptionColumns = cols
	m.Redemptions = reds
	m.Catalog = l.catalogAt(v, name)
	for _, r := range reds {
		l.household(v, name, cols, r.Line, r.Household, r.Date)
		if r.Date != "" && r.Date[:7] != m.Month {
			l.add(check.Diagnostic{Code: check.DateOutsideMonth, File: name, Line: r.Line, Column: cols["date"], Value: r.Date, Detail: m.Month})
		}
		if r.Goods == "" {
			continue
		}
		i := slices.IndexFunc(m.Catalog, func(g sheet.Goods) bool { return g.ID == r.Goods })
		if i < 0 {
			l.add(check.Diagnostic{Code: check.UnknownGoods, File: name, Line: r.Line, Column: cols["goods"], Value: r.Goods})
			continue
		}
		if g := m.Catalog[i]; r.Points != r.Quantity*g.Points && len(r.Invalid) == 0 {
			l.add(check.Diagnostic{Code: check.WrongPrice, File: name, Line: r.Line, Column: cols["points"], Value: strconv.Itoa(r.Points),
				Detail: fmt.Sprintf("%d × %d = %d（%s）", r.Quantity, g.Points, r.Quantity*g.Points, g.Name)})
		}
	}
}

// catalogAt is the catalog in force when a redemptions file was first approved: prices change,
// and a month's exchanges are judged, and their goods valued, at the prices of their time. An
// uncommitted file is judged by the current catalog.
func (l *loader) catalogAt(v *Village, file string) []sheet.Goods {
	approved, versions := l.src.History[file], l.src.History[v.CatalogFile]
	if len(approved) == 0 || len(versions) < 2 {
		return v.Catalog
	}
	for k := len(versions) - 1; k >= 0; k-- {
		if !versions[k].Time.After(approved[0].Time) {
			if k == len(versions)-1 {
				return v.Catalog
			}
			goods, _ := sheet.ParseCatalog(v.CatalogFile, versions[k].Data)
			return goods
		}
	}
	return v.Catalog
}

func ints(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, "/")
}
