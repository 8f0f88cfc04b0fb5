package main

import (
	"encoding/xml"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestOneAddress builds the demo for an address at a sub-path (given with --base-url, or
// town.toml's site_url) and at the root of a host, and serves each build from a test server
// at that address's path: every href and src of every page, every link of the feeds and every
// address in the sitemaps resolves to a file of the site, and the QR codes' address is the
// site's.
func TestOneAddress(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		base string
	}{
		{"base-url at a sub-path", []string{"--base-url", "https://example.org/yunxi/"}, "https://example.org/yunxi/"},
		{"site_url at a sub-path", nil, "https://jifen-project.github.io/jifen/"}, // the demo's town.toml
		{"base-url at the root", []string{"--base-url", "https://example.org"}, "https://example.org/"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := buildSite(t, c.args...)
			base, err := url.Parse(c.base)
			if err != nil {
				t.Fatal(err)
			}
			mux := http.NewServeMux()
			mux.Handle(base.Path, http.StripPrefix(strings.TrimSuffix(base.Path, "/"), http.FileServer(http.Dir(out))))
			srv := httptest.NewServer(mux)
			t.Cleanup(srv.Close)
			s := &siteAt{t: t, base: base, srv: srv, seen: map[string]bool{}}
			pages := s.checkPages(out)
			s.checkFeeds(out)
			if listed := s.checkSitemaps(); listed != pages {
				t.Errorf("the sitemaps list %d pages, the site has %d", listed, pages)
			}
			notice := readPage(t, filepath.Join(out, "qingshi/2025-12/notice/index.html"))
			if !strings.Contains(notice, "网址："+c.base+"qingshi/2025-12/") || !strings.Contains(notice, `<svg class="qr"`) {
				t.Errorf("the notice's QR code and address are not at %s", c.base)
			}
		})
	}
}

// siteAt checks the links of a built site served by srv at the address base.
type siteAt struct {
	t    *testing.T
	base *url.URL
	srv  *httptest.Server
	seen map[string]bool // paths fetched
}

// checkPages checks the links of every HTML page in out and returns the number of pages
// (index.html files).
func (s *siteAt) checkPages(out string) int {
	pages := 0
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		rel, _ := filepath.Rel(out, p)
		rel = filepath.ToSlash(rel)
		if d.Name() == "index.html" {
			pages++
			rel = strings.TrimSuffix(rel, "index.html")
		}
		page := s.base.ResolveReference(&url.URL{Path: rel})
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		doc, err := html.Parse(strings.NewReader(string(data)))
		if err != nil {
			return err
		}
		var walk func(*html.Node)
		walk = func(n *html.Node) {
			for _, a := range n.Attr {
				if n.Type == html.ElementNode && (a.Key == "href" || a.Key == "src") {
					s.check(page, a.Val)
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
		return nil
	})
	if err != nil {
		s.t.Fatal(err)
	}
	return pages
}

// check resolves a link of the page at from: one to the site's own host must be under the
// site's path and be served.
func (s *siteAt) check(from *url.URL, link string) {
	s.t.Helper()
	ref, err := url.Parse(link)
	if err != nil {
		s.t.Errorf("%s: link %q: %v", from, link, err)
		return
	}
	to := from.ResolveReference(ref)
	if to.Scheme != "http" && to.Scheme != "https" || to.Host != s.base.Host {
		return // data:, mailto: and other sites
	}
	if !strings.HasPrefix(to.Path, s.base.Path) {
		s.t.Errorf("%s: link %q leaves the site's path %s", from, link, s.base.Path)
		return
	}
	if s.seen[to.Path] {
		return
	}
	s.seen[to.Path] = true
	resp, err := http.Get(s.srv.URL + to.EscapedPath())
	if err != nil {
		s.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		s.t.Errorf("%s: link %q: %s", from, link, resp.Status)
	}
}

// checkFeeds checks the links of the town's and the villages' feeds.
func (s *siteAt) checkFeeds(out string) {
	feeds, _ := filepath.Glob(filepath.Join(out, "*", "feed.xml"))
	for _, name := range append(feeds, filepath.Join(out, "feed.xml")) {
		rel, _ := filepath.Rel(out, name)
		from := s.base.ResolveReference(&url.URL{Path: filepath.ToSlash(rel)})
		links := regexp.MustCompile(`<link href="([^"]*)"`).FindAllStringSubmatch(readPage(s.t, name), -1)
		if len(links) < 2 {
			s.t.Errorf("%s has %d links", rel, len(links))
		}
		for _, m := range links {
			if !strings.HasPrefix(m[1], s.base.String()) {
				s.t.Errorf("%s: link %q is not at the site's address", rel, m[1])
			}
			s.check(from, m[1])
		}
	}
}

// checkSitemaps fetches the sitemap index and the sitemaps it lists, checks that each address
// is absolute and served, and returns the number of pages listed.
func (s *siteAt) checkSitemaps() int {
	type locs struct {
		Locs []string `xml:"sitemap>loc"`
		URLs []string `xml:"url>loc"`
	}
	get := func(address string) locs {
		var l locs
		if !strings.HasPrefix(address, s.base.String()) {
			s.t.Errorf("sitemap address %q is not absolute at %s", address, s.base)
			return l
		}
		resp, err := http.Get(s.srv.URL + strings.TrimPrefix(address, s.base.Scheme+"://"+s.base.Host))
		if err != nil {
			s.t.Fatal(err)
		}
		defer resp.Body.Close()
		if err := xml.NewDecoder(resp.Body).Decode(&l); err != nil {
			s.t.Errorf("%s: %v", address, err)
		}
		return l
	}
	index := get(s.base.String() + "sitemap.xml")
	if len(index.Locs) == 0 {
		s.t.Fatal("the sitemap index lists no sitemaps")
	}
	var pages []string
	for _, m := range index.Locs {
		for _, p := range get(m).URLs {
			if !strings.HasPrefix(p, s.base.String()) {
				s.t.Errorf("%s lists %q, not at the site's address", m, p)
			}
			s.check(s.base, p)
			pages = append(pages, p)
		}
	}
	slices.Sort(pages)
	if n := len(slices.Compact(pages)); n != len(pages) {
		s.t.Errorf("the sitemaps list %d pages more than once", len(pages)-n)
	}
	return len(pages)
}

// TestShardSitemaps builds the demo in three shards and the town's own pages from them: they
// are byte for byte the whole site, sitemaps included.
func TestShardSitemaps(t *testing.T) {
	base := []string{"--base-url", "https://example.org/yunxi/"}
	whole := buildSite(t, base...)
	if diff := compareTrees(t, whole, shardsTogether(t, 3, base...)); diff != "" {
		t.Errorf("the shards put together differ from the whole site: %s", diff)
	}
	for _, name := range []string{"sitemap.xml", "sitemap-town.xml", "qingshi/sitemap.xml", "shimen/sitemap.xml"} {
		if _, err := os.Stat(filepath.Join(whole, name)); err != nil {
			t.Error(err)
		}
	}
}
