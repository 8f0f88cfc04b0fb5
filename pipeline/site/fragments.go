package site

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"
	"golang.org/x/sync/errgroup"
)

// Fragments are the parts of pages that repeat a row for every entry, month, account line or
// household. Go renders them straight into the pages Hugo built: a template writes a marker
// (the partial fragment.html) where a fragment goes, and fill replaces it. So Hugo neither loads
// nor holds those rows (it keeps all of data/ in memory, as maps about 17 times its JSON's size),
// and its memory and time a page stay near those of its own page objects. The fragments are Go's
// html/template, which escapes as Hugo's templates do, and take their words from the project's
// i18n/zh.toml, as Hugo's templates do.

//go:embed fragments/*.html
var fragmentFiles embed.FS

// fragments renders the fragments of a site's pages.
type fragments struct {
	t     *template.Template
	month func(month string) (string, error) // a month's title, 2025年7月 for 2025-07
}

// newFragments reads the words of the project's i18n/zh.toml and parses the fragments; links
// start with base, the path of the site's address ("/" for the root or an offline copy), as
// Hugo's relURL writes them.
func newFragments(project, base string) (*fragments, error) {
	data, err := os.ReadFile(filepath.Join(project, "i18n", "zh.toml"))
	if err != nil {
		return nil, err
	}
	var words map[string]any
	if err := toml.Unmarshal(data, &words); err != nil {
		return nil, fmt.Errorf("i18n/zh.toml: %w", err)
	}
	word := func(key string) (string, error) {
		if w, ok := words[key].(string); ok {
			return w, nil
		}
		return "", fmt.Errorf("i18n/zh.toml has no %s", key)
	}
	layout, err := word("month_layout")
	if err != nil {
		return nil, err
	}
	f := &fragments{month: func(month string) (string, error) {
		t, err := time.Parse("2006-01", month)
		if err != nil {
			return "", err
		}
		return t.Format(layout), nil
	}}
	funcs := template.FuncMap{
		"T":     word,
		"month": f.month,
		// page is the address of a household's page in a village.
		"page": func(village, household string) string {
			return base + village + "/h/" + strings.ToLower(household) + "/"
		},
		// link is the address of a village's page: link "qingshi" "2025-07".
		"link":       func(parts ...string) string { return base + path.Join(parts...) + "/" },
		"who":        func(village string, w Who) whoView { return whoView{Village: village, W: w} },
		"blocks":     blocks[Row],
		"yearBlocks": blocks[YearRow],
		"repeat":     func(n int, s string) string { return strings.Repeat(s, n) },
		// leftOf are the households of a grid that left.
		"leftOf": func(rows []Row, grid string) []Row {
			return slices.DeleteFunc(slices.Clone(rows), func(r Row) bool { return r.Grid != grid })
		},
	}
	if f.t, err = template.New("").Funcs(funcs).ParseFS(fragmentFiles, "fragments/*.html"); err != nil {
		return nil, err
	}
	return f, nil
}

// whoView is a household in a list of a village's page.
type whoView struct {
	Village string
	W       Who
}

// A block is a part of a long ranking, a table of its own: its rows, from the K-th (From = K+1).
type block[R any] struct {
	K, From int
	Rows    []R
}

// blocks cuts rows into blocks of n.
func blocks[R any](rows []R, n int) []block[R] {
	var out []block[R]
	for k := 0; k < len(rows); k += n {
		out = append(out, block[R]{K: k, From: k + 1, Rows: rows[k:min(k+n, len(rows))]})
	}
	return out
}

// basePath is the path of a site's address that Hugo's relURL starts links with: "/" for none.
func basePath(siteURL string) string {
	u, err := url.Parse(siteURL)
	if err != nil || u.Path == "" {
		return "/"
	}
	return strings.TrimSuffix(u.Path, "/") + "/"
}

// A filled page is a built page with its fragments: each renders the fragment that replaces the
// marker of its name.
type filled struct {
	path      string // the page's file in the site, e.g. qingshi/h/qs-0101/index.html
	fragments map[string]func(w io.Writer) error
}

// marker is what the partial fragment.html writes for the fragment name.
func marker(name string) []byte { return []byte("<!--jifen:" + name + "-->") }

// pages lists the pages of the site that have fragments.
func (f *fragments) pages(s *Site) ([]filled, error) {
	var pages []filled
	for _, v := range s.Villages {
		for i := range v.Households {
			h := &v.Households[i]
			pages = append(pages, filled{
				path: path.Join(v.ID, "h", strings.ToLower(h.ID), "index.html"),
				fragments: map[string]func(io.Writer) error{
					"detail": func(w io.Writer) error {
						return f.t.ExecuteTemplate(w, "household.html", view{V: v, H: h})
					},
				},
			})
		}
		pages = append(pages, f.page(path.Join(v.ID, "households"), "directory", view{V: v}))
		for i := range v.Years {
			y := &v.Years[i]
			title, err := f.month(y.Through)
			if err != nil {
				return nil, err
			}
			pages = append(pages, f.page(path.Join(v.ID, y.Year), "year", view{V: v, Y: y, Title: title}))
		}
		if !v.PublishRanking {
			continue
		}
		for i := range v.Months {
			m := &v.Months[i]
			title, err := f.month(m.Month)
			if err != nil {
				return nil, err
			}
			month := view{V: v, M: m, Title: title}
			pages = append(pages, f.page(path.Join(v.ID, m.Month), "ranking", month))
			for _, g := range v.Grids {
				month.Grid = g
				pages = append(pages, f.page(path.Join(v.ID, m.Month, "g", strings.ToLower(g.ID)), "grid", month))
			}
			board := filled{path: path.Join(v.ID, m.Month, "notice", "index.html"), fragments: map[string]func(io.Writer) error{}}
			for p, sh := range m.Sheets {
				rows := m.Ranking[sh.From:sh.To]
				board.fragments[fmt.Sprintf("board-%d", p+1)] = func(w io.Writer) error {
					return f.t.ExecuteTemplate(w, "board", view{Rows: rows})
				}
			}
			pages = append(pages, board)
		}
	}
	return pages, nil
}

// page is the page in the folder dir with one fragment, name, rendered from v by the template
// of the same name.
func (f *fragments) page(dir, name string, v view) filled {
	return filled{path: path.Join(dir, "index.html"), fragments: map[string]func(io.Writer) error{
		name: func(w io.Writer) error { return f.t.ExecuteTemplate(w, name, v) },
	}}
}

// fill puts the fragments into the pages of the site built in dir, in parallel. A page without
// the marker of one of its fragments, or with it twice, is an error: the templates and Go no
// longer agree.
func (f *fragments) fill(dir string, s *Site) error {
	pages, err := f.pages(s)
	if err != nil {
		return err
	}
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, p := range pages {
		g.Go(func() error { return p.fill(dir) })
	}
	return g.Wait()
}

// fill puts the page's fragments into its file in the site built in dir.
func (p filled) fill(dir string) error {
	name := filepath.Join(dir, filepath.FromSlash(p.path))
	page, err := os.ReadFile(name)
	if err != nil {
		return err
	}
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
	var out bytes.Buffer
	out.Grow(len(page) * 2)
	last := 0
	for _, sp := range spots {
		out.Write(page[last:sp.at])
		if err := p.fragments[sp.name](&out); err != nil {
			return fmt.Errorf("%s: %s: %w", p.path, sp.name, err)
		}
		last = sp.at + len(marker(sp.name))
	}
	out.Write(page[last:])
	return os.WriteFile(name, out.Bytes(), 0o644)
}

// view is what the fragments of a village's pages are given: the village; the household, the
// month or the year, with the title of the month (the last month counted, for a year); a grid's
// page, the grid; a sheet of the notice, its rows.
type view struct {
	V     *Village
	H     *Household
	M     *Month
	Y     *Year
	Title string
	Grid  Grid
	Rows  []Row
}
