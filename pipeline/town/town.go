// Package town owns a town's records as the pipeline sees them: villages, rosters, monthly
// sheets, redemptions, catalogs, notices and rule sets, each parsed once, with every approved
// version, into typed values. Load reports what is wrong with each file on its own and with the
// layout of the records; the checks across files are pipeline/audit's. It reads files from a
// Source and touches neither git nor the disk.
package town

import (
	"cmp"
	"iter"
	"maps"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
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
	History  map[string][]Version // oldest first; empty for an uncommitted working tree; also a file refused now, with its earlier versions' Data
	Problems check.List           // files the source refused to read
	Removed  map[string]Version   // approved files deleted since, with the commit that deleted them (none when not committed)
	Steps    []Step               // the first-parent commits that changed records, oldest first
}

// A Step is a first-parent commit that changed records, with the paths it added, modified or
// removed; a last step without a commit is what a working tree changed since HEAD.
type Step struct {
	Commit string
	Time   time.Time
	Paths  []string
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
	ICP        string // the site's ICP filing number (备案号), shown on every page and notice
	Rules      rules.Versions
	Catalog    Catalog
	Villages   []*Village
	Listed     []string             // the villages town.toml lists, in its order (see VillageIDs)
	Links      []Link               // households that continue others (迁自), in the order of the villages and their rosters
	History    map[string][]Version // approved versions of every file, oldest first

	// Failed holds the files that could not be read as a whole (their rows are unknown) and the
	// rule sets with errors: no check runs on what depends on them. Dropped holds the files with
	// rows the parser could not even split into cells, whose households are unknown.
	Failed, Dropped map[string]bool
}

// A Catalog is a supermarket catalog file with each approved version's goods, parsed once.
type Catalog struct {
	File     string
	Goods    []sheet.Goods    // the current version
	Versions []CatalogVersion // approved versions, oldest first; the last is the current one
}

// A CatalogVersion is the goods of one approved version of a catalog, and what the parser
// found in it (for earlier versions, history: kept, not reported again).
type CatalogVersion struct {
	Time     time.Time
	Goods    []sheet.Goods
	Problems check.List
}

// At is the catalog in force at a time: the latest version approved by then, or the current
// goods when the time is zero (records not yet approved).
func (c Catalog) At(t time.Time) []sheet.Goods {
	if t.IsZero() || len(c.Versions) == 0 {
		return c.Goods
	}
	for k := len(c.Versions) - 1; k >= 0; k-- {
		if !c.Versions[k].Time.After(t) {
			return c.Versions[k].Goods
		}
	}
	return c.Goods
}

// A Village is one administrative village with its records.
type Village struct {
	ID             string
	Name           string
	PublishRanking bool
	Objection      string
	Grids          []Grid
	Evaluation     []string
	SigningKeys    []string // fingerprints of the keys that may sign the village's files
	Households     []sheet.Household
	RosterFile     string
	RosterColumns  sheet.Columns
	Catalog        Catalog  // the village's own catalog, or the town's
	Months         []*Month // ordered by month
	Notices        []Notice // ordered by date
	Files          []string // the village's files, sorted
	Incomplete     bool     // a file that looks like a sheet or redemptions of an unknown month is misfiled
	GridsFailed    bool     // village.toml's grids are missing or wrong: which grid a household is in is unknown
	Archived       bool     // the village no longer keeps records (e.g. merged into another): its history stays published, frozen
	MergedInto     string   // the id of the village it was merged into, if any
	Held           *Held    // newer records failed the checks: the village is shown as of an earlier commit
	// households is the position of each code's first roster row (see Position), repeated
	// whether a code is on more than one.
	households map[string]int
	repeated   bool
}

// Held tells that a village is published as it was at an earlier commit of the records, the
// latest at which its files, the rule sets and the catalog passed the checks, because newer
// records have problems still being sorted out.
type Held struct {
	Commit string    // the commit the village is shown at
	Time   time.Time // that commit's time
	Town   bool      // the town's own files (town.toml, rule sets, catalog) have the problems
}

// A Grid is a small grid (村民小组 / 自然村) of a village.
type Grid struct {
	ID     string `toml:"id"`
	Name   string `toml:"name"`
	Worker string `toml:"worker"`
}

// A Month is one village-month: its sheet, its redemptions, its declarations, the objections to
// its results, and their approvals.
type Month struct {
	Month              string // YYYY-MM
	SheetFile          string
	Columns            sheet.Columns // the sheet's headers, as written, for diagnostics
	Entries            []sheet.Entry // the rows of the current version
	Revisions          []Revision    // approved versions of the sheet: the first approval, then corrections
	RedemptionsFile    string
	RedemptionColumns  sheet.Columns
	Redemptions        []sheet.Redemption
	Catalog            []sheet.Goods  // the catalog in force when the redemptions were approved
	Rules              *rules.RuleSet // the version in force, or nil
	DeclarationsFile   string
	DeclarationColumns sheet.Columns
	Declarations       []sheet.Declaration
	ObjectionsFile     string
	ObjectionColumns   sheet.Columns
	Objections         []sheet.Objection
}

// file is where the month keeps the name of its file of the kind (the folder: sheets,
// redemptions, declarations or objections).
func (m *Month) file(kind string) *string {
	switch kind {
	case "sheets":
		return &m.SheetFile
	case "redemptions":
		return &m.RedemptionsFile
	case "objections":
		return &m.ObjectionsFile
	}
	return &m.DeclarationsFile
}

// monthly reports whether the kind (a village's folder) holds one file a month, YYYY-MM.csv.
func monthly(kind string) bool {
	return kind == "sheets" || kind == "redemptions" || kind == "declarations" || kind == "objections"
}

// A Revision is one approved version of a month's sheet with its rows, parsed once. Problems
// are what the parser found in that version; for the current version they are reported, for
// earlier ones they are history, kept and not reported again.
type Revision struct {
	Version
	Entries  []sheet.Entry
	Problems check.List
}

// A Notice is an announcement of the village committee, in Markdown.
type Notice struct {
	ID       string // the file name without .md
	Date     string // YYYY-MM-DD, from the file name
	Title    string
	Markdown []byte
}

// Approved reports whether the month's sheet is on the publishing branch.
func (m *Month) Approved() bool { return len(m.Revisions) > 0 }

// NoticeUntil is when the month's public notice (公示) ends: notice days after its latest
// approved version, since a correction reopens the window, and not before the end of the day
// (in loc) of the latest reply to an objection. While an objection is being handled (see
// Disputed), the notice goes on whatever this says.
func (m *Month) NoticeUntil(days int, loc *time.Location) time.Time {
	if !m.Approved() {
		return time.Time{}
	}
	until := m.Revisions[len(m.Revisions)-1].Time.AddDate(0, 0, days)
	for _, o := range m.Objections {
		if day, err := time.ParseInLocation(time.DateOnly, o.Replied, loc); err == nil && o.Outcome != "" {
			until = latest(until, day.AddDate(0, 0, 1))
		}
	}
	return until
}

// Disputed reports whether an objection to the month's results is being handled: its public
// notice does not end before the objection is answered.
func (m *Month) Disputed() bool {
	return slices.ContainsFunc(m.Objections, func(o sheet.Objection) bool { return o.Outcome == "" })
}

// latest is the later of a and b.
func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// Village returns the town's village with the id, or nil.
func (t *Town) Village(id string) *Village {
	if i := slices.IndexFunc(t.Villages, func(v *Village) bool { return v.ID == id }); i >= 0 {
		return t.Villages[i]
	}
	return nil
}

// Household returns the roster row of the household of the town that r names, or nil.
func (t *Town) Household(r Ref) *sheet.Household {
	if v := t.Village(r.Village); v != nil {
		return v.Household(r.Household)
	}
	return nil
}

// HouseholdIDs are the codes of the roster's households.
func (v *Village) HouseholdIDs() []string {
	ids := make([]string, len(v.Households))
	for i, h := range v.Households {
		ids[i] = h.ID
	}
	return ids
}

// Household returns the roster row with the id, or nil.
func (v *Village) Household(id string) *sheet.Household {
	if i, ok := v.Position(id); ok {
		return &v.Households[i]
	}
	return nil
}

// Position returns the index in Households of the first roster row with the id.
func (v *Village) Position(id string) (int, bool) {
	if v.households == nil { // a village made by hand, as in tests
		v.households = make(map[string]int, len(v.Households))
		for i := len(v.Households) - 1; i >= 0; i-- {
			v.households[v.Households[i].ID] = i
		}
		v.repeated = len(v.households) < len(v.Households)
	}
	i, ok := v.households[id]
	return i, ok
}

// PositionAfter is Position for the code of a row that comes after a row of the household at
// position after (-1 for none) in a file that lists households in the roster's order, as sheets
// and redemptions mostly do: it looks at the next few roster rows before the village's index.
func (v *Village) PositionAfter(id string, after int) (int, bool) {
	if v.households != nil && !v.repeated { // else a later row may not be the code's first
		for i := max(after+1, 0); i < len(v.Households) && i <= after+4; i++ {
			if v.Households[i].ID == id {
				return i, true
			}
		}
	}
	return v.Position(id)
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

// Options say when the records are read.
type Options struct {
	Now time.Time // bounds the months a sheet may be for, and the dates of its rows
	// SiteURL is the address the site is published at, when it is not town.toml's (jifen build
	// --base-url, or town.toml's of the records now when an earlier state is checked): with a
	// real address, init's example texts are errors.
	SiteURL string
	// Each, when set, is called with each village as soon as it is loaded, on the goroutine
	// that loaded it (villages load in parallel), so that a village can be checked and its rows
	// let go before the others are read. The checks of the town that need all its villages
	// (their names, merged_into, placeholders) come later, in the list Load returns.
	Each func(Loaded)
}

// A Loaded village is what loading a village found, given to Options.Each.
type Loaded struct {
	Town        *Town // the town's settings, rule sets and catalog; no villages yet
	Village     *Village
	Diagnostics check.List      // the problems of the village's files found so far
	Failed      map[string]bool // the village's files and the town's own that failed (see Town.Failed)
	Dropped     map[string]bool // likewise for Town.Dropped
}

// Load reads every file of src once. The town is nil when a file the rest depends on
// (town.toml) cannot be read; otherwise it holds everything that could be read, and the list
// holds every problem of a file on its own and of the records' layout.
func Load(src Source, opts Options) (*Town, check.List) {
	l := &loader{src: src, now: opts.Now, siteURL: opts.SiteURL, each: opts.Each, failed: map[string]bool{}, dropped: map[string]bool{}, refused: map[string]bool{}}
	for _, d := range src.Problems {
		if d.Code == check.RefusedFile {
			// A refused file is there, and failed: nothing is said of it twice (missing, or
			// the consequences of its rows).
			l.refused[d.File], l.failed[d.File] = true, true
		}
	}
	l.names = slices.Sorted(maps.Keys(src.Files))
	for f := range l.refused {
		if _, ok := src.Files[f]; !ok {
			l.names = append(l.names, f)
		}
	}
	slices.Sort(l.names)
	l.addAll(src.Problems)
	t := l.load()
	if t != nil {
		t.Failed, t.Dropped, t.History = l.failed, l.dropped, src.History
	}
	l.diags.Sort()
	return t, l.diags
}

type loader struct {
	src       Source
	names     []string // the files' names, sorted, refused ones included
	now       time.Time
	siteURL   string // the address the site is published at, if not town.toml's
	each      func(Loaded)
	published bool // the site has a real address: example texts are errors (see ready)
	diags     check.List
	failed    map[string]bool
	dropped   map[string]bool
	refused   map[string]bool // files the source refused to read (symlinks, files too big, ...)
}

// present reports whether the records have the file, read or refused; a refused file is failed.
func (l *loader) present(name string) bool {
	_, ok := l.src.Files[name]
	return ok || l.refused[name]
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

// decodeTOML strictly decodes a TOML file into v, and marks the file failed if it cannot.
func (l *loader) decodeTOML(name string, v any) bool {
	ds := rules.DecodeTOML(name, l.src.Files[name], v)
	l.addAll(ds)
	if len(ds) > 0 {
		l.failed[name] = true
	}
	return len(ds) == 0
}

// parsed records a parser's problems, and marks the file failed when the parser could not
// read it as a whole.
func (l *loader) parsed(name string, ds check.List, ok bool) {
	l.addAll(ds)
	if !ok {
		l.failed[name] = true
	}
	for _, d := range ds {
		if d.Line > 1 && (d.Code == check.BadCSV || d.Code == check.BadEncoding) {
			l.dropped[name] = true
		}
	}
}

var (
	reasonFormat     = &check.Text{Zh: "本程序读第 1 版格式，请写 format = 1", En: "this program reads format 1: write format = 1"}
	reasonPositive   = &check.Text{Zh: "要大于 0", En: "must be more than 0"}
	reasonTimezone   = &check.Text{Zh: "不是时区名称，请写 Asia/Shanghai 这样的名称", En: "not a time zone name: write a name such as Asia/Shanghai"}
	reasonReservedID = &check.Text{Zh: "网站自己的页面用了这个名字，请换一个", En: "the site's own pages use this name: choose another"}
	reasonVillageID  = &check.Text{Zh: "村代码要以小写字母开头，只用小写字母、数字和 -，最多 32 个字符", En: "a village code starts with a lower-case letter and has lower-case letters, digits and - only, at most 32"}
)

type townFile struct {
	Format     int      `toml:"format"`
	Name       string   `toml:"name"`
	Demo       bool     `toml:"demo"`
	Villages   []string `toml:"villages"`
	NoticeDays *int     `toml:"notice_days"`
	Objection  string   `toml:"objection_contact"`
	Timezone   string   `toml:"timezone"`
	RepoURL    string   `toml:"repository_url"`
	SiteURL    string   `toml:"site_url"`
	ICP        string   `toml:"icp"`
}

func (l *loader) load() *Town {
	var tf townFile
	if !l.present("town.toml") {
		l.add(check.Diagnostic{Code: check.MissingFile, File: "town.toml", Args: []string{"town.toml"}})
		return nil
	}
	if l.refused["town.toml"] || !l.decodeTOML("town.toml", &tf) {
		return nil
	}
	t := &Town{Name: tf.Name, Demo: tf.Demo, NoticeDays: 7, Objection: tf.Objection, RepoURL: tf.RepoURL, SiteURL: tf.SiteURL, ICP: tf.ICP}
	if tf.NoticeDays != nil {
		t.NoticeDays = *tf.NoticeDays
	}
	t.Location = l.settings(tf)
	l.icp(tf)
	t.Rules = l.rules()
	t.Catalog = l.catalog("supermarket/catalog.csv")
	l.published = realSite(cmp.Or(l.siteURL, tf.SiteURL))
	ids := l.villageIDs(tf.Villages)
	t.Listed = ids
	t.Villages = l.villages(t, ids)
	l.strays(ids)
	l.merged(t)
	l.moves(t)
	l.ready(t)
	return t
}

var (
	reasonSameName     = &check.Text{Zh: "村 %[3]s 也叫这个名字：复制来的文件夹要改成本村的名字", En: "village %[3]s has this name too: a copied folder needs the village's own name"}
	reasonMergedCircle = &check.Text{Zh: "几个村互相并入，绕成了圈：合并后留下的那个村不写 merged_into", En: "the villages merge into each other in a circle: the village they merged into has no merged_into"}
	reasonMergedInto   = &check.Text{Zh: "要写本镇另一个村的代码（town.toml 的 villages 里的）", En: "write the code of another village of the town (one of villages in town.toml)"}
	reasonVillageGone  = &check.Text{Zh: "村 %[1]s 的记录审定过，在提交 %[4]s 里被删掉了：审定过的记录不能删；村停用或者合并了，就把文件夹恢复回来，在 village.toml 里写 archived = true（并入别的村再写 merged_into = \"那个村的代码\"），它的历史记录会照样公开", En: "the records of village %[1]s were approved, then deleted in commit %[4]s: approved records are not deleted; when a village stops or merges, restore its folder and write archived = true in its village.toml (and merged_into = \"the other village's code\" when merged): its history stays published"}
)

// mergedInCircle reports whether following merged_into from v leads back to v.
func mergedInCircle(t *Town, v *Village) bool {
	seen := map[string]bool{}
	for id := v.MergedInto; id != "" && !seen[id]; {
		if id == v.ID {
			return true
		}
		seen[id] = true
		o := t.Village(id)
		if o == nil {
			return false
		}
		id = o.MergedInto
	}
	return false
}

// deleted reports whether the folder dir had approved files and has none now.
func (l *loader) deleted(dir string) bool {
	if len(l.under(dir)) > 0 {
		return false
	}
	for name := range l.src.Removed {
		if strings.HasPrefix(name, dir) {
			return true
		}
	}
	return false
}

// merged checks that no two villages have the same name, that a merged village names a village
// of the town, and that no approved village was deleted instead of archived.
func (l *loader) merged(t *Town) {
	names := map[string]string{}
	// The village that had its name first keeps it: the copy is the one approved later (or not yet).
	first := func(v *Village) time.Time {
		if h := l.src.History["villages/"+v.ID+"/village.toml"]; len(h) > 0 {
			return h[0].Time
		}
		return time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	byAge := slices.Clone(t.Villages)
	slices.SortStableFunc(byAge, func(a, b *Village) int { return first(a).Compare(first(b)) })
	for _, v := range byAge {
		file := "villages/" + v.ID + "/village.toml"
		if v.MergedInto != "" && (v.MergedInto == v.ID || !slices.ContainsFunc(t.Villages, func(o *Village) bool { return o.ID == v.MergedInto })) {
			l.add(check.Diagnostic{Code: check.BadValue, File: file, Column: "merged_into", Value: v.MergedInto, Reason: reasonMergedInto})
		} else if mergedInCircle(t, v) {
			l.add(check.Diagnostic{Code: check.BadValue, File: file, Column: "merged_into", Value: v.MergedInto, Reason: reasonMergedCircle})
		}
		if other, ok := names[v.Name]; ok {
			l.add(check.Diagnostic{Code: check.DuplicateID, File: file, Column: "name", Value: v.Name, Args: []string{other}, Reason: reasonSameName})
		} else if v.Name != "" {
			names[v.Name] = v.ID
		}
	}
	gone := map[string]Version{}
	for name, ver := range l.src.Removed {
		id, _, _ := strings.Cut(strings.TrimPrefix(name, "villages/"), "/")
		if strings.HasPrefix(name, "villages/") && l.deleted("villages/"+id+"/") && (gone[id].Commit == "" || ver.Time.After(gone[id].Time)) {
			gone[id] = ver
		}
	}
	for _, id := range slices.Sorted(maps.Keys(gone)) {
		dir := "villages/" + id + "/"
		d := check.Diagnostic{Code: check.MissingFile, File: dir + "village.toml", Value: id, Args: []string{dir}, Reason: reasonRemovedUncommitted}
		if c := gone[id].Commit; c != "" {
			d.Args, d.Reason = append(d.Args, c[:min(7, len(c))]), reasonVillageGone
		}
		l.add(d)
	}
}

// settings checks town.toml's values and returns the town's time zone.
func (l *loader) settings(tf townFile) *time.Location {
	bad := func(key, value string, reason *check.Text) {
		l.add(check.Diagnostic{Code: check.BadValue, File: "town.toml", Column: key, Value: value, Reason: reason})
	}
	if tf.Format != 1 {
		bad("format", strconv.Itoa(tf.Format), reasonFormat)
	}
	for key, v := range map[string]string{"name": tf.Name, "objection_contact": tf.Objection} {
		if v == "" {
			l.add(check.Diagnostic{Code: check.MissingValue, File: "town.toml", Column: key})
		}
	}
	l.public("town.toml", "objection_contact", tf.Objection)
	switch {
	case tf.NoticeDays == nil:
		l.add(check.Diagnostic{Code: check.MissingValue, File: "town.toml", Column: "notice_days"})
	case *tf.NoticeDays <= 0:
		bad("notice_days", strconv.Itoa(*tf.NoticeDays), reasonPositive)
	}
	loc, err := time.LoadLocation(cmp.Or(tf.Timezone, "Asia/Shanghai"))
	if err != nil {
		bad("timezone", tf.Timezone, reasonTimezone)
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}

var reasonICP = &check.Text{Zh: "照工信部备案系统里的写，如 粤ICP备12345678号 或 粤ICP备12345678号-1", En: "write it as the MIIT filing system shows it, such as \"粤ICP备12345678号\" or \"粤ICP备12345678号-1\""}

// icpNumber is an ICP filing number: the province's abbreviation, ICP备, the filing's number and
// 号, then "-" and the site's number when the filing has several sites.
var icpNumber = regexp.MustCompile(`^[京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川蜀贵黔云滇藏陕甘青宁新]ICP备\d{4,12}号(-\d{1,4})?$`)

// icp checks town.toml's ICP filing number: written as the filing system has it, and there when
// the site is published under a mainland Chinese domain (.cn, .gov.cn), which must show it.
func (l *loader) icp(tf townFile) {
	if tf.ICP != "" {
		if !icpNumber.MatchString(tf.ICP) {
			l.add(check.Diagnostic{Code: check.BadValue, File: "town.toml", Column: "icp", Value: tf.ICP, Reason: reasonICP})
		}
		return
	}
	u, err := url.Parse(cmp.Or(l.siteURL, tf.SiteURL))
	if err != nil {
		return
	}
	if host := strings.TrimSuffix(strings.ToLower(u.Hostname()), "."); strings.HasSuffix(host, ".cn") {
		l.add(check.Diagnostic{Code: check.MissingICP, File: "town.toml", Column: "icp", Args: []string{host}})
	}
}

// villageIDs checks the villages of town.toml and returns the valid ones, once each.
func (l *loader) villageIDs(listed []string) []string {
	var ids []string
	for _, id := range listed {
		d := check.Diagnostic{Code: check.BadValue, File: "town.toml", Column: "villages", Value: id}
		switch {
		case id == "rules" || id == "downloads":
			d.Reason = reasonReservedID
		case !villageID.MatchString(id):
			d.Reason = reasonVillageID
		case slices.Contains(ids, id):
			d.Code = check.DuplicateID
		default:
			ids = append(ids, id)
			continue
		}
		l.add(d)
	}
	return ids
}

// IsVillageID reports whether id may be a village's code, and so the name of its folder.
func IsVillageID(id string) bool { return villageID.MatchString(id) }

// VillageIDs are the villages the records have or had, whose pages a build may make: those
// town.toml lists, in its order, then the other folders of villages/, those deleted since too,
// by id. It reads no more than town.toml and the files' names, so that the parts of a site can
// be shared out before anything is checked.
func VillageIDs(src Source) []string {
	var tf townFile
	rules.DecodeTOML("town.toml", src.Files["town.toml"], &tf) // Load says what is wrong with it
	ids := (&loader{}).villageIDs(tf.Villages)
	var others []string
	for _, files := range []iter.Seq[string]{maps.Keys(src.Files), maps.Keys(src.Removed)} {
		for name := range files {
			rest, ok := strings.CutPrefix(name, "villages/")
			id, _, nested := strings.Cut(rest, "/")
			if ok && nested && villageID.MatchString(id) && !slices.Contains(ids, id) && !slices.Contains(others, id) {
				others = append(others, id)
			}
		}
	}
	slices.Sort(others)
	return append(ids, others...)
}

// Rules reads and checks every version of the rule set in rules/ of src, together.
func Rules(src Source) (rules.Versions, check.List) {
	l := &loader{src: src, names: slices.Sorted(maps.Keys(src.Files)), failed: map[string]bool{}, dropped: map[string]bool{}, refused: map[string]bool{}}
	vs := l.rules()
	l.diags.Sort()
	return vs, l.diags
}

// rules reads every version of the rule set in rules/. A version with errors is kept, marked
// failed, so that the months it governs are known to have no usable rule set.
func (l *loader) rules() rules.Versions {
	var vs rules.Versions
	for _, name := range l.under("rules/") {
		if l.refused[name] {
			continue
		}
		if !ruleFileName.MatchString(name) {
			l.add(check.Diagnostic{Code: check.BadFileName, File: name, Value: path.Base(name), Reason: reasonRuleFileName})
			continue
		}
		rs, ds := rules.Parse(name, l.src.Files[name])
		l.addAll(ds)
		if ds.Errors() > 0 {
			l.failed[name] = true
		}
		// A version whose name and effective date disagree (a copy not yet edited, or no date)
		// governs no month that can be told: it is left out, and so are the months it might.
		if rs != nil && rs.Effective == strings.TrimSuffix(path.Base(name), ".toml") {
			vs = append(vs, rs)
		}
	}
	vs.Sort()
	l.addAll(vs.Lint())
	if len(l.under("rules/")) == 0 {
		l.add(check.Diagnostic{Code: check.MissingFile, File: "rules/", Args: []string{"rules/YYYY-MM-DD.toml"}})
	}
	return vs
}

var reasonRuleFileName = &check.Text{Zh: "细则的文件名要写成 rules/YYYY-MM-DD.toml（生效日期）", En: "a rule set is named rules/YYYY-MM-DD.toml (its effective date)"}

// catalog reads a catalog file with each approved version, if it exists.
func (l *loader) catalog(name string) Catalog {
	data, ok := l.src.Files[name]
	if !ok {
		return Catalog{File: name}
	}
	c := Catalog{File: name}
	goods, ds := sheet.ParseCatalog(name, data)
	l.parsed(name, ds, goods != nil)
	c.Goods = goods
	history := l.src.History[name]
	for k, v := range history {
		cv := CatalogVersion{Time: v.Time, Goods: goods, Problems: ds}
		if k < len(history)-1 || l.changed(name, v) {
			cv.Goods, cv.Problems = sheet.ParseCatalog(name, v.Data)
		}
		c.Versions = append(c.Versions, cv)
	}
	return c
}

// strays reports the files outside the places the format gives them, and each folder of
// villages/ that town.toml does not list, once, at its first file.
func (l *loader) strays(ids []string) {
	unlisted := map[string]bool{}
	for _, name := range l.names {
		if l.refused[name] {
			continue
		}
		top, rest, _ := strings.Cut(name, "/")
		switch top {
		case "villages":
			if id, _, _ := strings.Cut(rest, "/"); !slices.Contains(ids, id) && !unlisted[id] {
				unlisted[id] = true
				l.add(check.Diagnostic{Code: check.UnknownVillage, File: name, Value: id})
			}
		case "town.toml", "rules", "supermarket", "keys", "README.md", "CODEOWNERS":
			if top == "supermarket" && name != "supermarket/catalog.csv" {
				l.add(l.unknown(name, ""))
			}
		default:
			if !strings.HasPrefix(top, ".") {
				l.add(l.unknown(name, ""))
			}
		}
	}
}

// public checks a setting that every page shows for ID and mobile numbers: an office telephone
// is fine, a person's mobile is not.
func (l *loader) public(file, key, value string) {
	if code, masked, found := sheet.PersonalData(value); found {
		l.add(check.Diagnostic{Code: code, File: file, Column: key, Value: masked})
	}
}

// placeholders are what marks, in the records jifen init writes, the texts a town replaces
// with its own.
var placeholders = []string{"请改成", "示范文本", "jifen init 生成", "示例户"}

// ready reports the example texts of jifen init left in the town's own files, once the site has
// a real address (town.toml's or the build's): what a town publishes is its own. readyVillage
// does the same for each village's files, as soon as the village is read.
func (l *loader) ready(t *Town) {
	l.placeholder("town.toml", "objection_contact", t.Objection, 0)
	for _, rs := range t.Rules {
		l.placeholder(rs.File, "title", rs.Title, 0)
		l.placeholder(rs.File, "adoption.body", rs.Adoption.Body, 0)
		l.placeholder(rs.File, "adoption.record", rs.Adoption.Record, 0)
	}
}

// readyVillage is ready for the files of a village.
func (l *loader) readyVillage(t *Town, v *Village) {
	file := "villages/" + v.ID + "/village.toml"
	if v.Objection != t.Objection {
		l.placeholder(file, "objection_contact", v.Objection, 0)
	}
	for _, g := range v.Grids {
		l.placeholder(file, "grids.worker", g.Worker, 0)
	}
	for _, m := range v.Evaluation {
		l.placeholder(file, "evaluation.members", m, 0)
	}
	for _, h := range v.Households {
		l.placeholder(v.RosterFile, "户主", h.Head, h.Line)
	}
}

// placeholder reports an example text left in a value, once the site has a real address.
func (l *loader) placeholder(file, column, value string, line int) {
	if l.published && slices.ContainsFunc(placeholders, func(p string) bool { return strings.Contains(value, p) }) {
		l.add(check.Diagnostic{Code: check.Placeholder, File: file, Line: line, Column: column, Value: value})
	}
}

// realSite reports whether siteURL is a site's real address, not none, a local or an example one.
func realSite(siteURL string) bool {
	u, err := url.Parse(siteURL)
	return siteURL != "" && err == nil && u.Hostname() != "localhost" && u.Hostname() != "127.0.0.1" && !strings.HasPrefix(u.Hostname(), "example.") && !strings.HasSuffix(u.Hostname(), ".example")
}
