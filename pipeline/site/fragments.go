package site

import (
	"bytes"
	"fmt"
	"io/fs"
	"maps"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pelletier/go-toml/v2"
	"github.com/tdewolff/minify/v2"
	cssmin "github.com/tdewolff/minify/v2/css"
	"golang.org/x/sync/errgroup"

	"github.com/jifen-project/jifen/pipeline/score"
)

// Fragments are the parts of pages that repeat a row for every entry, month, account line or
// household. Go renders them straight into the pages Hugo built: a template writes a marker
// (the partial fragment.html) where a fragment goes, and fill replaces it. So Hugo neither loads
// nor holds those rows (it keeps all of data/ in memory, as maps about 17 times its JSON's size),
// and its memory and time a page stay near those of its own page objects. The fragments (lists.go)
// are written as the templates would write them, escaped as html/template escapes (htmlWriter),
// with the words of the project's i18n/zh.toml, as Hugo's templates do. Some fragments are no list
// but long markup that costs Hugo more to write than Go: the style sheet, inlined into every page
// so that a page loads in one request, a household's chart (in its fragment) and the QR code on
// each sheet of a printed notice.

// fragments renders the fragments of a site's pages.
type fragments struct {
	words  map[string]any
	style  []byte            // the style element of every page: the project's assets/site.css, minified
	base   string            // the path of the site's address, which links start with
	titles map[string]string // the titles of the months, 2025年7月 for 2025-07
	layout string            // the layout of the titles
}

// newFragments reads the words of the project's i18n/zh.toml; links start with base, the path of
// the site's address ("/" for the root or an offline copy), as Hugo's relURL writes them.
func newFragments(project, base string) (*fragments, error) {
	data, err := os.ReadFile(filepath.Join(project, "i18n", "zh.toml"))
	if err != nil {
		return nil, err
	}
	f := &fragments{base: base, titles: map[string]string{}}
	if err := toml.Unmarshal(data, &f.words); err != nil {
		return nil, fmt.Errorf("i18n/zh.toml: %w", err)
	}
	if f.style, err = styleElement(project); err != nil {
		return nil, err
	}
	f.layout, err = f.word("month_layout")
	return f, err
}

// styleElement is the style element of every page: the project's assets/site.css minified as
// Hugo's minify minifies it (the same library, at the version go.mod gives Hugo too, with Hugo's
// default settings).
func styleElement(project string) ([]byte, error) {
	css, err := os.ReadFile(filepath.Join(project, "assets", "site.css"))
	if err != nil {
		return nil, err
	}
	b := bytes.NewBufferString("<style>")
	if err := (&cssmin.Minifier{}).Minify(minify.New(), b, bytes.NewReader(css), nil); err != nil {
		return nil, fmt.Errorf("assets/site.css: %w", err)
	}
	b.WriteString("</style>")
	return b.Bytes(), nil
}

// word is the words of key in i18n/zh.toml.
func (f *fragments) word(key string) (string, error) {
	if w, ok := f.words[key].(string); ok {
		return w, nil
	}
	return "", fmt.Errorf("i18n/zh.toml has no %s", key)
}

// title is the title of a month (YYYY-MM) that addTitle added.
func (f *fragments) title(month string) string { return f.titles[month] }

// addTitle makes the title of a month.
func (f *fragments) addTitle(month string) error {
	if _, ok := f.titles[month]; !ok {
		t, err := time.Parse("2006-01", month)
		if err != nil {
			return err
		}
		f.titles[month] = t.Format(f.layout)
	}
	return nil
}

// prepare makes the titles of the site's months and checks that the words the fragments use are
// there, so that rendering them cannot fail.
func (f *fragments) prepare(s *Site) error {
	var months []string
	for _, v := range s.Villages {
		for _, m := range v.Months {
			months = append(months, m.Month)
		}
		for _, y := range v.Years {
			months = append(months, y.Through)
		}
		for _, h := range v.Households {
			for _, m := range h.Months {
				months = append(months, m.Month)
			}
			for _, l := range h.Account {
				if l.Kind == "earn" {
					months = append(months, l.Month)
				}
			}
		}
	}
	for _, m := range months {
		if err := f.addTitle(m); err != nil {
			return err
		}
	}
	keys := []string{"adjusted", "move_new"}
	for _, c := range cuts {
		keys = append(keys, "cut_"+c)
	}
	for _, k := range []score.LineKind{score.Expire, score.MoveIn, score.MoveOut, score.MoveClear} {
		keys = append(keys, "account_"+string(k))
	}
	for _, k := range keys {
		if _, err := f.word(k); err != nil {
			return err
		}
	}
	return nil
}

// w is the words of key, which prepare checked.
func (f *fragments) w(key string) string {
	w, _ := f.word(key)
	return w
}

// basePath is the path of a site's address that Hugo's relURL starts links with: "/" for none.
func basePath(siteURL string) string {
	u, err := url.Parse(siteURL)
	if err != nil || u.Path == "" {
		return "/"
	}
	return strings.TrimSuffix(u.Path, "/") + "/"
}

// A filled page is a built page with its fragments: each writes the fragment that replaces the
// marker of its name.
type filled struct {
	path      string // the page's file in the site, e.g. qingshi/h/qs-0101/index.html
	fragments map[string]func(w *htmlWriter)
}

// marker is what the partial fragment.html writes for the fragment name.
func marker(name string) []byte { return []byte("<!--jifen:" + name + "-->") }

// pages lists the pages of the site that have fragments other than the style sheet.
func (f *fragments) pages(s *Site) []filled {
	var pages []filled
	one := func(dir, name string, write func(w *htmlWriter)) {
		pages = append(pages, filled{path: path.Join(dir, "index.html"), fragments: map[string]func(*htmlWriter){name: write}})
	}
	for _, v := range s.Villages {
		for i := range v.Households {
			h := &v.Households[i]
			one(path.Join(v.ID, "h", strings.ToLower(h.ID)), "detail", func(w *htmlWriter) { f.household(w, v, h) })
		}
		one(path.Join(v.ID, "households"), "directory", func(w *htmlWriter) { f.directory(w, v) })
		for i := range v.Years {
			y := &v.Years[i]
			one(path.Join(v.ID, y.Year), "year", func(w *htmlWriter) { f.year(w, v, y) })
		}
		for i := range v.Months {
			m := &v.Months[i]
			pages = append(pages, f.noticeBoard(v, m))
			if !v.PublishRanking {
				continue
			}
			one(path.Join(v.ID, m.Month), "ranking", func(w *htmlWriter) { f.ranking(w, v, m) })
			for _, g := range v.Grids {
				one(path.Join(v.ID, m.Month, "g", strings.ToLower(g.ID)), "grid", func(w *htmlWriter) { f.grid(w, v, m, g) })
			}
		}
	}
	return pages
}

// noticeBoard is a month's printed notice, whose sheets each have their rows of the ranking when
// the village publishes it, and the QR code of the month's page when the site has an address.
func (f *fragments) noticeBoard(v *Village, m *Month) filled {
	board := filled{path: path.Join(v.ID, m.Month, "notice", "index.html"), fragments: map[string]func(*htmlWriter){}}
	for p, sh := range m.Sheets {
		if v.PublishRanking {
			board.fragments[fmt.Sprintf("board-%d", p+1)] = func(w *htmlWriter) { f.board(w, m.Ranking[sh.From:sh.To]) }
		}
		if m.QR != "" {
			board.fragments[fmt.Sprintf("qr-%d", p+1)] = func(w *htmlWriter) { w.m(m.QR) }
		}
	}
	return board
}

// fill puts the fragments into the pages of the site built in dir, in parallel. A page without
// the marker of one of its fragments, or with it twice, is an error: the templates and Go no
// longer agree.
func (f *fragments) fill(built, site string, s *Site) error {
	if err := f.prepare(s); err != nil {
		return err
	}
	pages, err := f.styled(built, site, f.pages(s))
	if err != nil {
		return err
	}
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, p := range pages {
		g.Go(func() error { return p.fill(built, site) })
	}
	return g.Wait()
}

// styled is every page Hugo built in the folder built, each with the style sheet and those
// listed with their fragments too; it makes the page's folders in the folder site, and copies
// there the files that are no page. A listed page that is not built is an error.
func (f *fragments) styled(built, site string, listed []filled) ([]filled, error) {
	byPath := map[string]filled{}
	for _, p := range listed {
		byPath[p.path] = p
	}
	style := func(w *htmlWriter) { w.Write(f.style) }
	var pages []filled
	err := filepath.WalkDir(built, func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(built, name)
		if err != nil {
			return err
		}
		switch {
		case rel == ".":
			return nil
		case d.IsDir():
			return os.Mkdir(filepath.Join(site, rel), 0o755)
		case !strings.HasSuffix(name, ".html"): // no page: as it is
			data, err := os.ReadFile(name)
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(site, rel), data, 0o644)
		}
		p, ok := byPath[filepath.ToSlash(rel)]
		if !ok {
			p = filled{path: filepath.ToSlash(rel), fragments: map[string]func(*htmlWriter){}}
		}
		delete(byPath, p.path)
		p.fragments["style"] = style
		pages = append(pages, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(byPath) > 0 {
		return nil, fmt.Errorf("%s: the page has fragments, but Hugo did not build it", slices.Min(slices.Collect(maps.Keys(byPath))))
	}
	return pages, nil
}

// fill writes the page, as Hugo built it in the folder built, into the folder site with its
// fragments in place of their markers.
func (p filled) fill(built, site string) error {
	in, err := read(filepath.Join(built, filepath.FromSlash(p.path)))
	if err != nil {
		return err
	}
	defer writers.Put(in)
	page := in.Bytes()
	type spot struct {
		at   int
		name string
	}
	var spots []spot
	for name := range p.fragments {
		m := marker(name)
		if n := bytes.Count(page, m); n != 1 {
			return fmt.Errorf("%s: the page has %d markers of the fragment %s, not one", p.path, n, name)
		}
		spots = append(spots, spot{bytes.Index(page, m), name})
	}
	slices.SortFunc(spots, func(a, b spot) int { return a.at - b.at })
	out := writers.Get().(*htmlWriter)
	defer writers.Put(out)
	out.Reset()
	last := 0
	for _, sp := range spots {
		out.Write(page[last:sp.at])
		p.fragments[sp.name](out)
		last = sp.at + len(marker(sp.name))
	}
	out.Write(page[last:])
	return os.WriteFile(filepath.Join(site, filepath.FromSlash(p.path)), out.Bytes(), 0o644)
}

// read reads the file name into a buffer of writers.
func read(name string) (*htmlWriter, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := writers.Get().(*htmlWriter)
	b.Reset()
	if _, err := b.ReadFrom(f); err != nil {
		writers.Put(b)
		return nil, err
	}
	return b, nil
}

// writers are the buffers of pages being read and filled, used again from page to page.
var writers = sync.Pool{New: func() any { return new(htmlWriter) }}
