package deploy

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
)

// fakeSite writes a small site with a few villages' pages into a new folder.
func fakeSite(t *testing.T, villages ...string) string {
	t.Helper()
	dir := t.TempDir()
	writeSite(t, dir, villages, "v1")
	return dir
}

// writeSite writes the site's files; stamp goes into every village's pages and download.
func writeSite(t *testing.T, dir string, villages []string, stamp string) {
	t.Helper()
	files := map[string]string{
		"index.html":           "<!doctype html><title>云溪镇</title>",
		"404.html":             "<!doctype html><title>找不到</title>",
		"site.css":             "body{margin:0}",
		"favicon.svg":          `<svg xmlns="http://www.w3.org/2000/svg"/>`,
		"img/qr.png":           "\x89PNG\r\n\x1a\n",
		"feed.xml":             `<feed xmlns="http://www.w3.org/2005/Atom"></feed>`,
		"sitemap.xml":          "<urlset/>",
		"robots.txt":           "User-agent: *\n",
		"site.webmanifest":     "{}",
		"downloads/index.html": "<!doctype html><title>下载</title>",
		"downloads/town.json":  `{"town":"云溪镇"}`,
	}
	for _, v := range villages {
		files[v+"/index.html"] = fmt.Sprintf("<!doctype html><title>%s %s</title>", v, stamp)
		files[v+"/2025-07/index.html"] = fmt.Sprintf("<!doctype html><title>%s 2025-07 %s</title>", v, stamp)
		files[v+"/feed.xml"] = fmt.Sprintf(`<feed xmlns="http://www.w3.org/2005/Atom"><id>%s</id></feed>`, v)
		files["downloads/"+v+".csv"] = "\ufeff户号,积分\nH01," + stamp + "\n"
	}
	for name, data := range files {
		name = filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// villagePages are the files of a village that writeSite stamps.
func villagePages(v string) []string {
	return []string{"downloads/" + v + ".csv", v + "/2025-07/index.html", v + "/index.html"}
}

// readTree reads every file under dir, by slash path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	tree := map[string][]byte{}
	dir, err := filepath.EvalSymlinks(dir) // the link current
	if err != nil {
		t.Fatal(err)
	}
	err = filepath.WalkDir(dir, func(name string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(name)
		rel, _ := filepath.Rel(dir, name)
		tree[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

// sameTree fails unless remote holds exactly the site in dir and its manifest, byte for byte.
func sameTree(t *testing.T, dir string, remote map[string][]byte) {
	t.Helper()
	want := readTree(t, dir)
	site, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	want[ManifestName] = site.manifest
	var diffs []string
	for name, data := range want {
		if got, ok := remote[name]; !ok {
			diffs = append(diffs, "missing "+name)
		} else if !bytes.Equal(got, data) {
			diffs = append(diffs, "different "+name)
		}
	}
	for name := range remote {
		if _, ok := want[name]; !ok {
			diffs = append(diffs, "extra "+name)
		}
	}
	sort.Strings(diffs)
	if len(diffs) > 0 {
		t.Fatalf("the target does not hold the site: %s", strings.Join(diffs, "; "))
	}
}

// uploads records the paths uploaded, and cancels after a number of them when asked.
type uploads struct {
	mu     sync.Mutex
	paths  []string
	after  int
	cancel context.CancelFunc
}

func (u *uploads) record(f File) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.paths = append(u.paths, f.Path)
	if u.cancel != nil && len(u.paths) == u.after {
		u.cancel()
	}
}

func (u *uploads) sorted() []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	out := append([]string(nil), u.paths...)
	sort.Strings(out)
	return out
}

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestContentType(t *testing.T) {
	for name, want := range map[string]string{
		"index.html":            "text/html; charset=utf-8",
		"site.css":              "text/css; charset=utf-8",
		"a/feed.xml":            "application/atom+xml; charset=utf-8",
		"sitemap.xml":           "application/xml; charset=utf-8",
		"downloads/cencun.csv":  "text/csv; charset=utf-8",
		"SHA256SUMS":            "text/plain; charset=utf-8",
		"robots.txt":            "text/plain; charset=utf-8",
		"favicon.svg":           "image/svg+xml",
		"img/QR.PNG":            "image/png",
		"downloads/town.json":   "application/json",
		"site.webmanifest":      "application/manifest+json",
		"downloads/sheet.xlsx":  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		"downloads/unknown.bin": "application/octet-stream",
	} {
		if got := ContentType(name); got != want {
			t.Errorf("ContentType(%q) = %q, want %q", name, got, want)
		}
	}
}

// TestOrder: assets go up first, then pages deepest first with the home page last, then the
// feeds and sitemaps, then the manifest; deletions run the other way.
func TestOrder(t *testing.T) {
	var files []File
	for _, p := range []string{"index.html", "feed.xml", ManifestName, "a/index.html", "site.css", "a/2025-07/index.html", "robots.txt", "downloads/a.csv", "404.html"} {
		files = append(files, File{Path: p})
	}
	plan := newPlan(files, nil, []string{"b/index.html", "downloads/b.csv", "b/2025-07/index.html", "b/feed.xml"})
	var got []string
	for _, f := range plan.Upload {
		got = append(got, f.Path)
	}
	want := "downloads/a.csv site.css a/2025-07/index.html a/index.html 404.html index.html feed.xml robots.txt SHA256SUMS"
	if strings.Join(got, " ") != want {
		t.Errorf("upload order:\n got %s\nwant %s", strings.Join(got, " "), want)
	}
	want = "b/feed.xml b/index.html b/2025-07/index.html downloads/b.csv"
	if strings.Join(plan.Delete, " ") != want {
		t.Errorf("delete order:\n got %s\nwant %s", strings.Join(plan.Delete, " "), want)
	}
}

// TestManifest: the computed manifest is sha256sum's, a site's own must match its files.
func TestManifest(t *testing.T) {
	dir := fakeSite(t, "a")
	site, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	sums, err := ParseManifest("SHA256SUMS", site.manifest)
	if err != nil || len(sums) != len(site.Files) {
		t.Fatalf("ParseManifest: %v, %d sums for %d files", err, len(sums), len(site.Files))
	}
	if err := os.WriteFile(filepath.Join(dir, ManifestName), site.manifest, 0o644); err != nil {
		t.Fatal(err)
	}
	check := exec.Command("sha256sum", "--check", "--strict", "--quiet", ManifestName)
	check.Dir = dir
	if out, err := check.CombinedOutput(); err != nil {
		t.Fatalf("sha256sum --check: %v\n%s", err, out)
	}
	// The site's own manifest, as a build writes it, is accepted; a stale one is not.
	if _, err := Open(dir); err != nil {
		t.Fatalf("a site with its manifest: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a/index.html"), []byte("changed"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), "a/index.html has SHA-256") {
		t.Fatalf("a stale manifest: %v", err)
	}
	if _, err := ParseManifest("SHA256SUMS", []byte("abc  x\n")); err == nil || !strings.Contains(err.Error(), "SHA256SUMS:1:") {
		t.Fatalf("a bad line: %v", err)
	}
}
