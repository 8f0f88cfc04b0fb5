package main

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/net/html"

	"github.com/jifen-project/jifen/pipeline/demo"
	"github.com/jifen-project/jifen/pipeline/records"
)

const (
	demoICP  = "粤ICP备12345678号-1"
	icpLink  = `<a href="https://beian.miit.gov.cn/">` + demoICP + `</a>`
	demoSite = "https://jifen-project.github.io/jifen/" // the demo's site_url
)

// problems reports a test's errors, stopping it at the twentieth: one mistake of the offline
// pass breaks thousands of links.
type problems struct {
	t *testing.T
	n int
}

func (p *problems) errorf(format string, args ...any) {
	p.t.Helper()
	if p.n++; p.n >= 20 {
		p.t.Fatalf(format+" (and more: stopped at 20)", args...)
	}
	p.t.Errorf(format, args...)
}

// icpRepository writes the demo town's records as a git repository whose last commit gives
// town.toml an ICP number, and returns its folder.
func icpRepository(t *testing.T) string {
	t.Helper()
	changes := demo.Changes()
	var townFile []byte
	var last time.Time
	for _, c := range changes {
		if data, ok := c.Files["town.toml"]; ok {
			townFile = data
		}
		for _, at := range []time.Time{c.Time, c.MergeTime} {
			if at.After(last) {
				last = at
			}
		}
	}
	if townFile == nil {
		t.Fatal("the demo has no town.toml")
	}
	changes = append(changes, records.Change{Author: records.Person{Name: "镇党政办", Email: "office@example.org"}, Time: last,
		Message: "town.toml: 网站备案号", Files: map[string][]byte{"town.toml": fmt.Appendf(bytes.Clone(townFile), "icp = %q\n", demoICP)}})
	r, err := records.Replay("main", changes)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "records")
	if err := records.WriteTo(r, dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestOfflineCopy builds the demo town, with an ICP number, as a site and as an offline copy
// (packed into a zip too), and checks the ICP number on every page and notice sheet; that every
// address of every page of the copy leads to one of its files, relative to the page; that the copy
// is the site but for its links and sitemaps; that the zip is the copy; and that Chromium opens a
// page of the copy from the disk and follows a link.
func TestOfflineCopy(t *testing.T) {
	repo := icpRepository(t)
	asOf := demo.AsOf().Format(time.RFC3339)
	online := buildSite(t, "--repo", repo, "--as-of", asOf)
	zipFile := filepath.Join(t.TempDir(), "copy.zip")
	offline := buildSite(t, "--repo", repo, "--as-of", asOf, "--offline-zip", zipFile)

	t.Run("ICP number", func(t *testing.T) { checkICP(t, online) })
	t.Run("links", func(t *testing.T) { checkOfflineLinks(t, offline) })
	t.Run("only the links differ", func(t *testing.T) { compareCopy(t, online, offline) })
	t.Run("zip", func(t *testing.T) { compareZip(t, zipFile, offline) })
	t.Run("browser", func(t *testing.T) { followOffline(t, offline) })
}

// checkICP checks that every page of the site shows the ICP number linked to the MIIT filing
// site in its footer, and every sheet of a printed notice beside the notice's address.
func checkICP(t *testing.T, out string) {
	bad := &problems{t: t}
	pages, notices := 0, 0
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		page := readPage(t, p)
		pages++
		if !strings.Contains(page, `<p class="icp">`+icpLink+`</p>`+"\n</footer>") {
			bad.errorf("%s: no ICP number in the footer", p)
		}
		if filepath.Base(filepath.Dir(p)) == "notice" {
			notices++
			if n, sheets := strings.Count(page, "（网站备案号："+icpLink+"）</p>"), strings.Count(page, `<article class="board sheet">`); n != sheets || n == 0 {
				bad.errorf("%s: the ICP number is on %d of %d sheets", p, n, sheets)
			}
		}
		return nil
	})
	if err != nil || pages < 1000 || notices < 40 {
		t.Errorf("%d pages, %d notices (%v)", pages, notices, err)
	}
}

// cssURL is an address in CSS.
var cssURL = regexp.MustCompile(`url\(\s*['"]?([^'")\s]+)`)

// addresses lists the addresses of a page: of href, src, srcset and action attributes and of
// url() in style attributes and elements.
func addresses(t *testing.T, page []byte) []string {
	t.Helper()
	var out []string
	z := html.NewTokenizer(bytes.NewReader(page))
	inStyle := false
	for {
		switch tt := z.Next(); tt {
		case html.ErrorToken:
			if z.Err() != io.EOF {
				t.Fatal(z.Err())
			}
			return out
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			inStyle = tok.Data == "style"
			for _, a := range tok.Attr {
				switch a.Key {
				case "href", "src", "action":
					out = append(out, a.Val)
				case "srcset":
					for c := range strings.SplitSeq(a.Val, ",") {
						out = append(out, strings.Fields(c)[0])
					}
				case "style":
					for _, m := range cssURL.FindAllStringSubmatch(a.Val, -1) {
						out = append(out, m[1])
					}
				}
			}
		case html.TextToken:
			if inStyle {
				for _, m := range cssURL.FindAllStringSubmatch(string(z.Raw()), -1) {
					out = append(out, m[1])
				}
			}
		}
	}
}

// checkOfflineLinks checks that every address of every page of the offline copy in dir is a
// fragment, a mailto:, tel: or data: address, an address on another host than the site's, or a
// path relative to the page of a file of the copy.
func checkOfflineLinks(t *testing.T, dir string) {
	bad := &problems{t: t}
	site, _ := url.Parse(demoSite)
	links := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, a := range addresses(t, data) {
			u, err := url.Parse(a)
			switch {
			case err != nil:
				bad.errorf("%s: %q is no address", p, a)
			case u.Scheme == "mailto" || u.Scheme == "tel" || u.Scheme == "data" || u.Scheme == "" && u.Path == "" && u.Host == "":
			case u.Host != "" && u.Host != site.Host:
			case u.Scheme != "" || u.Host != "" || strings.HasPrefix(u.Path, "/"):
				bad.errorf("%s: absolute address %q", p, a)
			default:
				links++
				target := filepath.Join(filepath.Dir(p), filepath.FromSlash(u.Path))
				if rel, err := filepath.Rel(dir, target); err != nil || strings.HasPrefix(rel, "..") {
					bad.errorf("%s: %q leads out of the copy", p, a)
				} else if fi, err := os.Stat(target); err != nil || !fi.Mode().IsRegular() {
					bad.errorf("%s: %q is not a file of the copy (%v)", p, a, err)
				}
			}
		}
		return nil
	})
	if err != nil || links < 20000 {
		bad.errorf("%d links checked (%v)", links, err)
	}
	for _, name := range []string{"sitemap.xml", "sitemap-town.xml", "qingshi/sitemap.xml"} {
		if _, err := os.Stat(filepath.Join(dir, name)); !os.IsNotExist(err) {
			t.Errorf("the offline copy has %s (%v)", name, err)
		}
	}
	notice := readPage(t, filepath.Join(dir, "qingshi/2025-12/notice/index.html"))
	if !strings.Contains(notice, "网址："+demoSite+"qingshi/2025-12/") || !strings.Contains(notice, `<svg class="qr"`) {
		t.Error("the offline notice's QR code and address are not the site's public address")
	}
}

// compareCopy checks that the offline copy has the files of the site but its sitemaps, each the
// same bytes but for the addresses of the pages, which lead to the same files.
func compareCopy(t *testing.T, online, offline string) {
	bad := &problems{t: t}
	files := func(dir string) []string {
		var names []string
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && !strings.HasPrefix(d.Name(), "sitemap") {
				rel, _ := filepath.Rel(dir, p)
				names = append(names, filepath.ToSlash(rel))
			}
			return err
		})
		return names
	}
	names := files(online)
	if other := files(offline); !slices.Equal(names, other) || len(names) < 1000 {
		t.Fatalf("the site has %d files, the offline copy %d", len(names), len(other))
	}
	base, _ := url.Parse(demoSite)
	for _, name := range names {
		a, _ := os.ReadFile(filepath.Join(online, name))
		b, _ := os.ReadFile(filepath.Join(offline, name))
		if !strings.HasSuffix(name, ".html") {
			if !bytes.Equal(a, b) {
				bad.errorf("%s differs", name)
			}
			continue
		}
		// The site's addresses are paths from the host's root; the copy's, relative to the page:
		// both lead to the same file.
		target := func(ref string) string {
			u, err := url.Parse(ref)
			if err != nil || u.Scheme != "" || u.Path == "" {
				return ref
			}
			p := path.Join(path.Dir(name), u.Path)
			if strings.HasPrefix(u.Path, "/") {
				if p = strings.TrimPrefix(u.Path, base.Path); p == "" || strings.HasSuffix(p, "/") {
					p += "index.html"
				}
			}
			return path.Clean(p) + "#" + u.Fragment
		}
		if sa, sb := normalized(t, a, target), normalized(t, b, target); sa != sb {
			bad.errorf("%s: the copy differs in more than its links:\n%s", name, firstDifference(sa, sb))
		}
	}
}

// linkAttribute matches an address attribute of a tag as the tokenizer writes it.
var linkAttribute = regexp.MustCompile(`\b(href|src|action)="([^"]*)"`)

// normalized is the page with each address of a tag replaced by what to(address) says.
func normalized(t *testing.T, page []byte, to func(string) string) string {
	t.Helper()
	var b strings.Builder
	z := html.NewTokenizer(bytes.NewReader(page))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return b.String()
		case html.StartTagToken, html.SelfClosingTagToken:
			b.WriteString(linkAttribute.ReplaceAllStringFunc(z.Token().String(), func(m string) string {
				g := linkAttribute.FindStringSubmatch(m)
				return g[1] + `="` + to(html.UnescapeString(g[2])) + `"`
			}))
		default:
			b.Write(z.Raw())
		}
	}
}

func firstDifference(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return fmt.Sprintf("site: %q\ncopy: %q", a[max(0, i-80):min(len(a), i+80)], b[max(0, i-80):min(len(b), i+80)])
}

// compareZip checks that the zip holds the files of the folder dir, the same bytes, in the order
// of their paths, with one time: the demo's date.
func compareZip(t *testing.T, name, dir string) {
	zr, err := zip.OpenReader(name)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	unzipped := t.TempDir()
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if !f.Modified.Equal(demo.AsOf()) {
			t.Errorf("%s: modified %v", f.Name, f.Modified)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(unzipped, filepath.FromSlash(f.Name)), string(data))
	}
	if !slices.IsSorted(names) {
		t.Error("the zip's entries are not in the order of their paths")
	}
	if diff := compareTrees(t, dir, unzipped); diff != "" || len(names) < 1000 {
		t.Errorf("the unzipped copy is not the folder: %d entries, %s", len(names), diff)
	}
}

// followOffline opens the home page of the copy from the disk in Chromium and follows the link
// to a village.
func followOffline(t *testing.T, dir string) {
	ctx, cancel := context.WithTimeout(browser(t), time.Minute) // a link to a folder shows no village page: fail, not hang
	defer cancel()
	home := (&url.URL{Scheme: "file", Path: filepath.ToSlash(filepath.Join(dir, "index.html"))}).String()
	if err := chromedp.Do(ctx, chromedp.Navigate(home), chromedp.WaitReady("body"),
		chromedp.Click(chromedp.CSS(`a[href="qingshi/index.html"]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="households/index.html"]`))); err != nil {
		t.Fatal(err)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	title, err := chromedp.Run(ctx, chromedp.Title())
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.TrimSuffix(home, "index.html") + "qingshi/index.html"; loc != want || !strings.Contains(title, "青石村") {
		t.Errorf("followed the village's link to %s (%q), want %s", loc, title, want)
	}
}
