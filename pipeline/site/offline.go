package site

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/sync/errgroup"
)

// An offline copy is the site built to be opened from a folder (a USB stick, a PC without
// internet): a browser shows a folder for a link to a folder, and a link that starts with "/"
// leads to the root of the disk, so every link between the site's own files is written relative
// to the page that has it and names the file, ".../index.html". Hugo builds the copy at the root
// address "/", then relink rewrites the built pages; the data, and so the QR codes and the
// addresses printed on the notices, keep the site's public address. An offline copy has no
// sitemaps: they list public addresses for search engines, which never read a USB stick.

// linkAttrs are the attributes whose value is one address.
var linkAttrs = map[string]bool{"href": true, "src": true, "action": true}

// cssURL is an address in CSS: url(x), url('x') or url("x").
var cssURL = regexp.MustCompile(`url\(\s*(['"]?)([^'"()\s]+)(['"]?)\s*\)`)

// relinker rewrites the links of the pages of a built site.
type relinker struct {
	dir  string   // the built site
	site *url.URL // the site's public address; nil when it has none
}

// relink rewrites every link between the site's own files in the HTML pages of the built site
// in dir, whose public address is siteURL ("" for none), relative to each page and to a file:
// a link to a folder becomes one to its index.html. Links elsewhere (other hosts, mailto:,
// data:) and links within a page are left as they are. The pages are rewritten in parallel.
func relink(dir, siteURL string) error {
	r := relinker{dir: dir}
	if absolute(siteURL) {
		r.site, _ = url.Parse(siteURL) // absolute parsed it
	}
	var pages []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(d.Name(), ".html") {
			pages = append(pages, p)
		}
		return err
	})
	if err != nil {
		return err
	}
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, p := range pages {
		g.Go(func() error { return r.rewrite(p) })
	}
	return g.Wait()
}

// rewrite rewrites the links of the page in the file p.
func (r relinker) rewrite(p string) error {
	rel, err := filepath.Rel(r.dir, p)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	page, err := r.page(filepath.ToSlash(rel), data)
	if err != nil {
		return fmt.Errorf("rewrite the links of %s: %w", rel, err)
	}
	return os.WriteFile(p, page, 0o644)
}

// page rewrites the links of the page name (its path in the site, with slashes). Everything but
// the tags with links it changes and the text of style elements is copied byte for byte.
func (r relinker) page(name string, data []byte) ([]byte, error) {
	z := html.NewTokenizer(bytes.NewReader(data))
	var out bytes.Buffer
	inStyle := false
	for {
		tt := z.Next()
		switch {
		case tt == html.ErrorToken && z.Err() == io.EOF:
			return out.Bytes(), nil
		case tt == html.ErrorToken:
			return nil, z.Err()
		case tt == html.StartTagToken || tt == html.SelfClosingTagToken:
			raw := bytes.Clone(z.Raw())
			tok := z.Token()
			inStyle = tt == html.StartTagToken && tok.Data == "style"
			if r.tag(name, &tok) {
				out.WriteString(tok.String())
			} else {
				out.Write(raw)
			}
		case tt == html.TextToken && inStyle:
			out.WriteString(r.css(name, string(z.Raw())))
		default:
			inStyle = false
			out.Write(z.Raw())
		}
	}
}

// tag rewrites the addresses in the attributes of a tag of the page name, and reports whether
// it changed any.
func (r relinker) tag(name string, tok *html.Token) bool {
	changed := false
	for i, a := range tok.Attr {
		v := a.Val
		switch {
		case a.Namespace != "":
		case linkAttrs[a.Key]:
			v = r.link(name, v)
		case a.Key == "srcset":
			v = r.srcset(name, v)
		case a.Key == "style":
			v = r.css(name, v)
		}
		if v != a.Val {
			tok.Attr[i].Val, changed = v, true
		}
	}
	return changed
}

// srcset rewrites the addresses of a srcset attribute: "a.png 1x, b.png 2x".
func (r relinker) srcset(name, set string) string {
	candidates := strings.Split(set, ",")
	for i, c := range candidates {
		if f := strings.Fields(c); len(f) > 0 {
			f[0] = r.link(name, f[0])
			candidates[i] = strings.Join(f, " ")
		}
	}
	return strings.Join(candidates, ", ")
}

// css rewrites the url() addresses of CSS on the page name.
func (r relinker) css(name, css string) string {
	return cssURL.ReplaceAllStringFunc(css, func(m string) string {
		g := cssURL.FindStringSubmatch(m)
		if g[1] != g[3] {
			return m
		}
		return "url(" + g[1] + r.link(name, g[2]) + g[1] + ")"
	})
}

// link is the address ref, found on the page name, as the offline copy writes it: a link to one
// of the site's own files (a path, or the site's public address) relative to the page and to a
// file; any other address as it is.
func (r relinker) link(name, ref string) string {
	u, err := url.Parse(strings.TrimSpace(ref))
	if err != nil {
		return ref
	}
	if u.Scheme != "" || u.Host != "" {
		local, ok := r.local(u)
		if !ok {
			return ref
		}
		u = local
	}
	if u.Path == "" { // "#top", "?q": this page itself
		return ref
	}
	target := strings.TrimPrefix((&url.URL{Path: "/" + name}).ResolveReference(u).Path, "/")
	if target == "" || strings.HasSuffix(target, "/") || r.isDir(target) {
		target = path.Join(target, "index.html")
	}
	rel, err := filepath.Rel(filepath.FromSlash(path.Dir(name)), filepath.FromSlash(target))
	if err != nil {
		return ref
	}
	return (&url.URL{Path: filepath.ToSlash(rel), RawQuery: u.RawQuery, Fragment: u.Fragment, RawFragment: u.RawFragment}).String()
}

// local is the path from the site's root of an absolute address of one of the site's own
// pages, e.g. https://example.org/yunxi/qingshi/ → /qingshi/.
func (r relinker) local(u *url.URL) (*url.URL, bool) {
	if r.site == nil || u.Scheme != "http" && u.Scheme != "https" || !strings.EqualFold(u.Host, r.site.Host) {
		return nil, false
	}
	rest, ok := strings.CutPrefix(u.Path, r.site.Path)
	switch {
	case u.Path+"/" == r.site.Path:
		rest = ""
	case !ok:
		return nil, false
	}
	return &url.URL{Path: "/" + rest, RawQuery: u.RawQuery, Fragment: u.Fragment, RawFragment: u.RawFragment}, true
}

// isDir reports whether the path name of the site is a folder.
func (r relinker) isDir(name string) bool {
	fi, err := os.Stat(filepath.Join(r.dir, filepath.FromSlash(name)))
	return err == nil && fi.IsDir()
}

// Zip packs the files of the folder dir into the zip file name, deterministically: the entries
// in the order of their paths, each compressed, with the same time (modified, in its zone, as
// the zip's local time) and mode. name is written beside and put in place when complete.
func Zip(dir, name string, modified time.Time) error {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s is not a regular file", p)
		}
		rel, err := filepath.Rel(dir, p)
		files = append(files, filepath.ToSlash(rel))
		return err
	})
	if err != nil {
		return err
	}
	slices.Sort(files)
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+"-")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := writeZip(tmp, dir, files, modified); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil { // as any file written, not CreateTemp's 0600
		return err
	}
	return os.Rename(tmp.Name(), name)
}

// writeZip writes the files of dir (paths with slashes) as a zip to w.
func writeZip(w io.Writer, dir string, files []string, modified time.Time) error {
	zw := zip.NewWriter(w)
	for _, name := range files {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate, Modified: modified}
		h.SetMode(0o644)
		fw, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			return err
		}
		if _, err := fw.Write(data); err != nil {
			return err
		}
	}
	return zw.Close()
}
