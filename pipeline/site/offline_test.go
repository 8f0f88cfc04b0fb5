package site

import (
	"archive/zip"
	"bytes"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// offlineSite is a small built site: the home, a village folder with a month, a feed and a file.
func offlineSite(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"index.html", "feed.xml", "qingshi/index.html", "qingshi/2025-10/index.html", "downloads/qingshi.csv"} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(name+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestOfflineLink(t *testing.T) {
	site, _ := url.Parse("https://example.org/yunxi/")
	r := relinker{dir: offlineSite(t), site: site}
	for _, c := range []struct{ page, ref, want string }{
		{"qingshi/2025-10/index.html", "/", "../../index.html"},
		{"qingshi/2025-10/index.html", "/qingshi/", "../index.html"},
		{"qingshi/2025-10/index.html", "/qingshi", "../index.html"}, // a folder, without the slash
		{"qingshi/2025-10/index.html", "/qingshi/2025-10/", "index.html"},
		{"qingshi/2025-10/index.html", "/feed.xml", "../../feed.xml"},
		{"qingshi/2025-10/index.html", "/qingshi/2025-11/#m2", "../2025-11/index.html#m2"}, // not there: written all the same
		{"qingshi/2025-10/index.html", "../", "../index.html"},
		{"qingshi/2025-10/index.html", "g/x/?a=1", "g/x/index.html?a=1"},
		{"index.html", "/downloads/qingshi.csv", "downloads/qingshi.csv"},
		{"index.html", "qingshi/", "qingshi/index.html"},
		{"404.html", "/", "index.html"},
		{"index.html", "https://example.org/yunxi/qingshi/#top", "qingshi/index.html#top"},
		{"index.html", "HTTP://EXAMPLE.ORG/yunxi", "index.html"},
		{"index.html", "https://example.org/other/", "https://example.org/other/"},
		{"index.html", "https://beian.miit.gov.cn/", "https://beian.miit.gov.cn/"},
		{"index.html", "#main", "#main"},
		{"index.html", "mailto:office@example.org", "mailto:office@example.org"},
		{"index.html", "tel:0760-1234567", "tel:0760-1234567"},
		{"index.html", "data:,", "data:,"},
		{"index.html", "%zz", "%zz"},
	} {
		if got := r.link(c.page, c.ref); got != c.want {
			t.Errorf("link(%q, %q) = %q, want %q", c.page, c.ref, got, c.want)
		}
	}
}

// TestOfflinePage: only the addresses of a page change; every other byte is copied, the markup
// of inline SVG and odd spacing included.
func TestOfflinePage(t *testing.T) {
	r := relinker{dir: offlineSite(t)}
	for _, c := range []struct{ in, want string }{
		{"<!doctype html>\n<!-- a --><p class=x >Hi &amp; <b>you</b></p><svg viewBox=\"0 0 1 1\"><path d=\"M0 0h1v1z\"/></svg>\n",
			"<!doctype html>\n<!-- a --><p class=x >Hi &amp; <b>you</b></p><svg viewBox=\"0 0 1 1\"><path d=\"M0 0h1v1z\"/></svg>\n"},
		{`<a class="c" href="/qingshi/">青石村</a>`, `<a class="c" href="qingshi/index.html">青石村</a>`},
		{`<a href='#main'>x</a><form action="/qingshi/"></form>`, `<a href='#main'>x</a><form action="qingshi/index.html"></form>`},
		{`<img src="/a.png" srcset="/a.png 1x, /b.png 2x" alt="">`, `<img src="a.png" srcset="a.png 1x, b.png 2x" alt="">`},
		{`<div style="background:url('/a.png')">`, `<div style="background:url(&#39;a.png&#39;)">`},
		{"<style>body{background:url(/a.png)} a{b:url(\"/feed.xml\")}</style><p>url(/x)</p>",
			"<style>body{background:url(a.png)} a{b:url(\"feed.xml\")}</style><p>url(/x)</p>"},
	} {
		got, err := r.page("index.html", []byte(c.in))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != c.want {
			t.Errorf("page(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

// TestZip: the zip holds every file of the folder, in the order of their paths, with one time
// and one mode, and is the same bytes when made again.
func TestZip(t *testing.T) {
	dir := offlineSite(t)
	when := time.Date(2026, 1, 12, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	out := t.TempDir()
	a, b := filepath.Join(out, "a.zip"), filepath.Join(out, "b.zip")
	for _, name := range []string{a, b} {
		if err := Zip(dir, name, when); err != nil {
			t.Fatal(err)
		}
	}
	da, _ := os.ReadFile(a)
	db, _ := os.ReadFile(b)
	if !bytes.Equal(da, db) {
		t.Error("the same folder made two different zips")
	}
	zr, err := zip.NewReader(bytes.NewReader(da), int64(len(da)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if !f.Modified.Equal(when) || f.Mode() != 0o644 {
			t.Errorf("%s: modified %v, mode %v", f.Name, f.Modified, f.Mode())
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || string(data) != f.Name+"\n" {
			t.Errorf("%s holds %q (%v)", f.Name, data, err)
		}
	}
	want := []string{"downloads/qingshi.csv", "feed.xml", "index.html", "qingshi/2025-10/index.html", "qingshi/index.html"}
	if !slices.Equal(names, want) {
		t.Errorf("entries %v, want %v", names, want)
	}
	if fi, err := os.Stat(a); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("the zip's mode: %v %v", fi.Mode(), err)
	}
}
