package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/jifen-project/jifen/pipeline/audit"
	"github.com/jifen-project/jifen/pipeline/check"
	"github.com/jifen-project/jifen/pipeline/demo"
	"github.com/jifen-project/jifen/pipeline/records"
	"github.com/jifen-project/jifen/pipeline/site"
	"github.com/jifen-project/jifen/pipeline/town"
)

// notable are the warnings a build says when it has no errors: all but the caps' cuts, which
// are the rules at work.
func notable(diags check.List) check.List {
	var out check.List
	for _, d := range diags {
		if c := d.Code; c != check.ItemCapCut && c != check.ItemYearCapCut && c != check.CategoryCapCut && c != check.MonthlyCapCut {
			out = append(out, d)
		}
	}
	return out
}

// buildFlags are the options of jifen build.
type buildFlags struct {
	repo, root, branch, asOf, out, project, data, baseURL, village, shard, parts, cache, lang, offlineZip, hugo string
	requireReview, requireSigned, offline                                                                       bool
}

// parse parses the arguments of jifen build; it says what is wrong on stderr.
func (f *buildFlags) parse(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("jifen build", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.repo, "repo", "", "records repository: a local path or a URL (default: the embedded demo town)")
	fs.StringVar(&f.root, "root", "", "folder of the repository that holds the records")
	fs.StringVar(&f.branch, "branch", "main", "publishing branch: only its first-parent history counts")
	fs.StringVar(&f.asOf, "as-of", "", "the time the site shows the records at, e.g. 2026-01-12 or 2026-01-12T10:00:00+08:00 (default: now; for the demo, the demo's date)")
	fs.StringVar(&f.out, "out", "public", "directory to write the site to")
	fs.StringVar(&f.project, "project", "", "the site project with hugo.toml (default: found from the current directory)")
	fs.StringVar(&f.data, "data", "", "Hugo data directory to write (default: the project's data/)")
	fs.StringVar(&f.hugo, "hugo", "", "the Hugo executable to run, built from the project's go.mod, e.g. by go build -o bin/ github.com/gohugoio/hugo (default: go tool hugo)")
	fs.StringVar(&f.baseURL, "base-url", "", "the site's address, e.g. https://example.org/yunxi/ (default: town.toml's site_url, else hugo.toml's)")
	fs.StringVar(&f.village, "village", "", "build only these villages (ids, comma-separated), without the town's own pages")
	fs.StringVar(&f.shard, "shard", "", "build the i-th of n shares of the villages, as i/n, without the town's own pages (see --parts)")
	fs.StringVar(&f.cache, "cache", "", "keep the villages' parts in this folder from one build to the next, and build again only those that changed: alone, it writes the whole site to --out; with --shard, the share's parts are the folder")
	fs.StringVar(&f.parts, "parts", "", "build the town's own pages from the shares of the villages built with --shard and copied together into this folder, and write the whole site: the shares are moved into it")
	fs.StringVar(&f.lang, "lang", "zh", "language of messages: zh or en")
	fs.BoolVar(&f.requireReview, "require-review", false, "refuse sheets and redemptions that came by a first-parent commit that is neither a merge nor carries a Reviewed-by: or Approved-by: trailer")
	fs.BoolVar(&f.requireSigned, "require-signed", false, "refuse village files whose first-parent commits are not signed by a key listed in the village's signing_keys (public keys in keys/*.asc)")
	fs.BoolVar(&f.offline, "offline", false, "write an offline copy, to open from a folder or a USB stick without internet: every link relative, to index.html files; QR codes keep the site's address; no sitemaps")
	fs.StringVar(&f.offlineZip, "offline-zip", "", "also pack the offline copy into this zip file (implies --offline)")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		if err == nil {
			fmt.Fprintf(stderr, "jifen build: unexpected argument %q\n", fs.Arg(0))
		}
		return errUsage
	}
	f.offline = f.offline || f.offlineZip != ""
	if given := slices.DeleteFunc([]string{f.village, f.shard, f.parts}, func(s string) bool { return s == "" }); len(given) > 1 {
		fmt.Fprintln(stderr, "jifen build: give one of --village, --shard and --parts")
		return errUsage
	} else if f.offline && (len(given) > 0 || f.cache != "") {
		fmt.Fprintln(stderr, "jifen build: an offline copy is the whole site: give --offline without --village, --shard, --parts or --cache")
		return errUsage
	} else if f.cache != "" && filepath.Clean(f.cache) == filepath.Clean(f.out) && f.shard == "" {
		fmt.Fprintln(stderr, "jifen build: --cache keeps the parts, --out gets the site: give them different folders")
		return errUsage
	} else if f.cache != "" && (f.village != "" || f.parts != "") {
		fmt.Fprintln(stderr, "jifen build: --cache builds the whole site, or with --shard a share of it: give it without --village or --parts")
		return errUsage
	}
	return nil
}

func build(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var f buildFlags
	if err := f.parse(args, stderr); err != nil {
		return err
	}
	b, err := newBuilder(f, stdout, stderr)
	if err != nil {
		return err
	}
	ids, part, err := b.read(stderr)
	if err != nil {
		return err
	}
	var refreshed *audit.Report
	if f.cache != "" {
		if refreshed, err = b.refresh(ctx, part, ids); err != nil {
			return err
		}
		b.say("%d 个村的页面重新生成，%d 个村没有变化", "%d villages built again, %d unchanged", b.rebuilt, b.kept)
		if !part.Town { // a shard: its part is what the cache has of it
			return b.shareCached(refreshed)
		}
		b.hugo.Parts, b.hugo.Keep, part = f.cache, true, site.Part{Villages: map[string]bool{}, Town: true}
	}
	report, err := b.audit(part)
	if err != nil {
		return err
	}
	diags, t := report.Diagnostics, report.Town
	if refreshed != nil {
		diags = slices.Concat(villagesOnly(refreshed.Diagnostics), diags)
	}
	if err := b.tell(diags, t); err != nil {
		return err
	}
	if err := b.render(ctx, report, part, ids, f.out, nil); err != nil {
		return err
	}
	if f.offlineZip != "" {
		if err := site.Zip(f.out, f.offlineZip, b.asOf.In(t.Location)); err != nil {
			return fmt.Errorf("pack the offline copy into %s: %w", f.offlineZip, err)
		}
	}
	if diags.Errors() > 0 {
		var held []string
		if refreshed != nil && refreshed.Town != nil {
			held = heldLines(refreshed.Town, refreshed.Omitted, f.lang)
		}
		for _, line := range heldLines(t, report.Omitted, f.lang) {
			if !slices.Contains(held, line) { // the town's own files' line, said by both
				held = append(held, line)
			}
		}
		return b.held(diags, held, "网站已生成，但记录有问题（见上）", "site written, but the records have problems (see above)")
	}
	written(b.say, f)
	return nil
}

// newBuilder walks the history of the records that the flags name as of the time they give.
func newBuilder(f buildFlags, stdout, stderr io.Writer) (*builder, error) {
	asOf, err := parseAsOf(f.asOf)
	if err != nil {
		fmt.Fprintln(stderr, "jifen build:", err)
		return nil, errUsage
	}
	proj, err := findProject(f.project)
	if err != nil {
		return nil, err
	}
	b := &builder{f: f, stdout: stdout, stderr: stderr, hugo: site.Hugo{Project: proj, Data: cmp.Or(f.data, filepath.Join(proj, "data")),
		Stdout: io.Discard, Stderr: stderr, Offline: f.offline, Exe: f.hugo, Parts: f.parts}}
	if f.repo == "" {
		b.say("使用内置的演示镇（演示数据）", "using the embedded demo town (demo data)")
		asOf = cmp.Or(asOf, demo.AsOf())
	}
	b.asOf = cmp.Or(asOf, time.Now())
	opts := records.Options{Branch: f.branch, Root: f.root, Until: b.asOf}
	if f.requireSigned {
		opts.KeyringDir = "keys"
	}
	repository, err := open(f.repo, &opts)
	if err != nil {
		return nil, err
	}
	b.at = func(commit string) (town.Source, error) {
		o := opts
		o.At = commit
		return records.Approved(repository, o)
	}
	walk := opts
	if f.inParts() {
		walk.Only = townFiles // read first, while the history is walked (see read)
	}
	b.history, err = records.Walk(repository, walk)
	return b, err
}

// read reads the records that the part of the site asks for, and says which part that is of
// the villages ids (town.VillageIDs). A part of a build in parts (--village, --shard, --parts)
// reads the town's own files and every village's village.toml and roster first: they say which
// villages there are and which moves tie them together. Then it reads the files of its villages
// and of those tied to them (none for the town's part); it leaves the other villages' unread.
func (b *builder) read(stderr io.Writer) ([]string, site.Part, error) {
	h := b.history
	defer h.Close()
	if !b.f.inParts() {
		src, err := h.Source(nil)
		b.src = src
		if err != nil {
			return nil, site.Part{}, err
		}
		ids := town.VillageIDs(src)
		part, err := b.f.part(ids, stderr)
		return ids, part, err
	}
	first, err := h.Source(townFiles)
	if err != nil {
		return nil, site.Part{}, err
	}
	// A village that has neither file (a folder of sheets alone) is read whole, so that the
	// villages are those a whole read finds.
	bare := map[string]bool{}
	for _, p := range h.Paths() {
		village, _ := villageOf(p)
		bare[village] = true
	}
	for _, names := range []iter.Seq[string]{maps.Keys(first.Files), maps.Keys(first.Removed)} {
		for p := range names {
			village, _ := villageOf(p)
			delete(bare, village)
		}
	}
	delete(bare, "")
	read := withVillages(townFiles, bare)
	if len(bare) > 0 {
		if first, err = h.Source(read); err != nil {
			return nil, site.Part{}, err
		}
	}
	ids := town.VillageIDs(first)
	part, err := b.f.part(ids, stderr)
	if err != nil {
		return nil, part, err
	}
	linked := audit.Linked(first).Of(slices.Collect(maps.Keys(part.Villages))...)
	b.src, err = h.Source(withVillages(read, linked))
	return ids, part, err
}

// inParts reports whether the build makes a part of the site that is built in parts: some
// villages, a shard, or the town's own pages from the shards. (A build with --cache alone reads
// every village: a village's key in the cache is the digest of its files.)
func (f buildFlags) inParts() bool { return f.village != "" || f.shard != "" || f.parts != "" }

// townFiles selects the town's own files and each village's village.toml and households.csv.
func townFiles(p string) bool {
	village, file := villageOf(p)
	return village == "" || file == "village.toml" || file == "households.csv"
}

// withVillages selects what sel selects and the files of the villages.
func withVillages(sel func(string) bool, villages map[string]bool) func(string) bool {
	return func(p string) bool {
		village, _ := villageOf(p)
		return sel(p) || villages[village]
	}
}

// villageOf is the village whose folder has the file p, and p's path in that folder; the
// village is "" for the town's own files.
func villageOf(p string) (village, file string) {
	rest, ok := strings.CutPrefix(p, "villages/")
	village, file, nested := strings.Cut(rest, "/")
	if !ok || !nested {
		return "", ""
	}
	return village, file
}

// say says a message in the language of the build on stdout.
func (b *builder) say(zh, en string, a ...any) { fmt.Fprintln(b.stdout, words(b.f.lang, zh, en, a...)) }

// tell says the problems of the records on stderr: cap warnings are normal (the rules cut what
// they cut); errors hold back what they touch; other warnings (a site under .cn without its ICP
// number) are said. Without a town (t), nothing can be built: it says so.
func (b *builder) tell(diags check.List, t *town.Town) error {
	if diags.Errors() > 0 {
		diags.WriteText(b.stderr, b.f.lang)
	} else if said := notable(diags); len(said) > 0 {
		said.WriteText(b.stderr, b.f.lang)
	}
	if t == nil {
		b.say("记录有问题，网站没有更新", "the records have problems; the site was not changed")
		return cmp.Or(summarize(diags, nil, b.f.lang), errBadRecords)
	}
	return nil
}

// held says what the build held back and how it ended, adds the problems to the job summary,
// and returns errHeld.
func (b *builder) held(diags check.List, held []string, zh, en string) error {
	for _, line := range held {
		fmt.Fprintln(b.stdout, line)
	}
	b.say(zh, en)
	return cmp.Or(summarize(diags, held, b.f.lang), errHeld)
}

// A builder builds the parts of a site from the records as of a time.
type builder struct {
	f              buildFlags
	stdout, stderr io.Writer
	asOf           time.Time
	history        *records.History // walked once, read by read
	src            town.Source
	at             func(commit string) (town.Source, error) // the records as of an earlier commit
	hugo           site.Hugo

	rebuilt, kept int // with --cache: the villages whose part was built again, and those kept
}

// audit checks the records of the part and scores them, holding back what has errors.
func (b *builder) audit(part site.Part) (*audit.Report, error) {
	aopts := audit.Options{Now: b.asOf, RequireReview: b.f.requireReview, RequireSigned: b.f.requireSigned, SiteURL: b.f.baseURL}
	if part.Villages != nil { // none for the town's own pages: not nil
		aopts.Villages = slices.AppendSeq([]string{}, maps.Keys(part.Villages))
	}
	return audit.Hold(audit.Run(b.src, aopts), b.src, aopts, b.at)
}

// render publishes the part of the site that the report has, into out; stamp, if not nil, sees
// the public view before it is built.
func (b *builder) render(ctx context.Context, report *audit.Report, part site.Part, ids []string, out string, stamp func(*site.Site)) error {
	var others []site.Summary
	if part.Town && b.hugo.Parts != "" {
		var err error
		if others, err = site.ReadSummaries(b.hugo.Parts, ids); err != nil {
			return err
		}
	}
	t := report.Town
	s, err := site.Publish(t, report.Results, b.asOf, cmp.Or(b.f.baseURL, t.SiteURL), part, others)
	if err != nil {
		return err
	}
	if stamp != nil {
		stamp(s)
	}
	if err := site.WriteData(b.hugo.Data, s); err != nil {
		return fmt.Errorf("write site data: %w", err)
	}
	return b.hugo.Build(ctx, out, s, part)
}

// villagesOnly are the diagnostics of villages' files.
func villagesOnly(diags check.List) check.List {
	return slices.DeleteFunc(slices.Clone(diags), func(d check.Diagnostic) bool { return !strings.HasPrefix(d.File, "villages/") })
}

// written says where the site was written and how to look at it.
func written(say func(zh, en string, a ...any), f buildFlags) {
	abs, _ := filepath.Abs(f.out)
	switch {
	case f.offlineZip != "":
		say("离线副本已生成：%s，打包为 %s\n查看：解压后用浏览器打开其中的 index.html，不需要网络",
			"offline copy written to %s and packed into %s\nto look at it: unzip it and open its index.html in a browser, no internet needed", abs, f.offlineZip)
	case f.offline:
		say("离线副本已生成：%s\n查看：用浏览器打开 %s，不需要网络", "offline copy written to %s\nto look at it: open %s in a browser, no internet needed",
			abs, filepath.Join(abs, "index.html"))
	default:
		say("网站已生成：%s\n查看：go tool jifen serve --out %s，然后在浏览器打开 http://127.0.0.1:8080/",
			"site written to %s\nto look at it: go tool jifen serve --out %s, then open http://127.0.0.1:8080/", abs, f.out)
	}
}

// words formats the Chinese or, with lang "en", the English of a message.
func words(lang, zh, en string, a ...any) string {
	if lang == "en" {
		zh = en
	}
	return fmt.Sprintf(zh, a...)
}

// heldLines say which villages a build shows as of an earlier commit, and which it left out.
func heldLines(t *town.Town, omitted []string, lang string) []string {
	var lines []string
	say := func(zh, en string, a ...any) { lines = append(lines, words(lang, zh, en, a...)) }
	whole := false
	for _, v := range t.Villages {
		switch at := v.Held; {
		case at == nil:
		case at.Town && !whole:
			whole = true
			say("镇里的文件（town.toml、积分细则、商品目录）有问题：全镇显示的是 %s 提交 %.7s 时的记录", "the town's own files (town.toml, rule sets, catalog) have problems: the whole town shows the records of %s, commit %.7s",
				at.Time.In(t.Location).Format("2006-01-02 15:04"), at.Commit)
		case !at.Town:
			say("%s 新的记录有问题，网站上显示的是 %s 提交 %.7s 时的记录", "%s: the newer records have problems; the site shows the records of %s, commit %.7s",
				v.Name, at.Time.In(t.Location).Format("2006-01-02 15:04"), at.Commit)
		}
	}
	for _, id := range omitted {
		say("村 %s 的记录有问题，还没有一次通过检查：网站上暂时没有这个村", "village %s has problems and never passed the checks: it is not on the site", id)
	}
	return lines
}

// summarize adds the problems and what was held back to the job summary of a GitHub Actions
// run, if any.
func summarize(diags check.List, held []string, lang string) error {
	name := os.Getenv("GITHUB_STEP_SUMMARY")
	if err := appendSummary(name, diags, lang, false); err != nil || name == "" || len(held) == 0 {
		return err
	}
	f, err := os.OpenFile(name, os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("write the job summary: %w", err)
	}
	_, err = fmt.Fprintf(f, "\n- %s\n", strings.Join(held, "\n- "))
	return errors.Join(err, f.Close())
}

// open opens the records repository repo (a path or a URL; with JIFEN_GIT_TOKEN for a
// private one), or the embedded demo town's when repo is "", whose branch and root it sets.
func open(repo string, opts *records.Options) (*records.Repository, error) {
	if repo != "" {
		return records.Open(repo, opts.Branch, os.Getenv(records.TokenVariable))
	}
	r, err := records.Replay("main", demo.Changes())
	if err != nil {
		return nil, fmt.Errorf("make the demo repository: %w", err)
	}
	opts.Branch, opts.Root = "main", ""
	return r, nil
}

// part is the part of the site that --village, --shard or --parts asks for, of the villages ids
// (town.VillageIDs): all of it when none is given.
func (f *buildFlags) part(ids []string, stderr io.Writer) (site.Part, error) {
	switch {
	case f.village != "":
		part := site.Part{Villages: map[string]bool{}}
		for _, id := range strings.Split(f.village, ",") {
			if !slices.Contains(ids, id) {
				fmt.Fprintf(stderr, "jifen build: no village %q in town.toml\n", id)
				return site.Part{}, errUsage
			}
			part.Villages[id] = true
		}
		return part, nil
	case f.shard != "":
		var i, n int
		if _, err := fmt.Sscanf(f.shard, "%d/%d", &i, &n); err != nil || n < 1 || i < 1 || i > n {
			fmt.Fprintf(stderr, "jifen build: --shard %q is not i/n with 1 ≤ i ≤ n\n", f.shard)
			return site.Part{}, errUsage
		}
		return site.Shard(ids, i, n), nil
	case f.parts != "":
		return site.Part{Villages: map[string]bool{}, Town: true}, nil
	}
	return site.All, nil
}

// chinaTime is China Standard Time, for --as-of values written without a zone.
var chinaTime = time.FixedZone("CST", 8*3600)

func parseAsOf(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04", time.DateOnly} {
		if t, err := time.ParseInLocation(layout, s, chinaTime); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("--as-of %q is not a time such as 2026-01-12 or 2026-01-12T10:00:00+08:00", s)
}

// findProject returns dir, or the nearest directory at or above the current one with hugo.toml.
func findProject(dir string) (string, error) {
	if dir != "" {
		return filepath.Abs(dir)
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "hugo.toml")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no hugo.toml in %s or above: run jifen in the site project or give --project", wd)
		}
	}
}

func writeDemo(args []string, stdout, stderr io.Writer) error {
	if len(args) != 1 {
		fmt.Fprintln(stderr, "usage: jifen demo DIR")
		return errUsage
	}
	r, err := records.Replay("main", demo.Changes())
	if err != nil {
		return err
	}
	if err := records.WriteTo(r, args[0]); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "演示镇的记录仓库已写到 %s（git log --first-parent 看历史）\n", args[0])
	return nil
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("jifen serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "public", "the built site")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	h, home, err := site.Handler(*out)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "http://%s%s （Ctrl-C 停止）\n", ln.Addr(), home)
	srv := &http.Server{Handler: h}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	if err := srv.Serve(ln); err != http.ErrServerClosed {
		return err
	}
	return nil
}
