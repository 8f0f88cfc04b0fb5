package site

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

// TestHandler serves a site at the path of its address, as its sitemap index gives it.
func TestHandler(t *testing.T) {
	for base, want := range map[string]map[string]int{
		"https://example.org/yunxi/": {"/yunxi/": 200, "/yunxi/qingshi/": 200, "/": 302, "/qingshi/": 404},
		"https://example.org/":       {"/": 200, "/qingshi/": 200, "/yunxi/": 404, "/qingshi/2099-01/": 404},
		"":                           {"/": 200, "/qingshi/": 200}, // no address: no sitemaps, served at /
	} {
		dir := t.TempDir()
		os.MkdirAll(filepath.Join(dir, "qingshi"), 0o755)
		os.WriteFile(filepath.Join(dir, "index.html"), []byte("home"), 0o644)
		os.WriteFile(filepath.Join(dir, "404.html"), []byte("没有这一页"), 0o644)
		os.WriteFile(filepath.Join(dir, "qingshi", "index.html"), []byte("village"), 0o644)
		s := &Site{Town: &Town{SiteURL: base}, Villages: []*Village{{ID: "qingshi"}}}
		if err := writeSitemaps(dir, s, All); err != nil {
			t.Fatal(err)
		}
		h, _, err := Handler(dir)
		if err != nil {
			t.Fatal(err)
		}
		for path, code := range want {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
			if w.Code != code {
				t.Errorf("%q: GET %s: %d, want %d", base, path, w.Code, code)
			}
			if code == 404 && w.Body.String() != "没有这一页" {
				t.Errorf("%q: GET %s: %q, want the site's 404 page", base, path, w.Body.String())
			}
		}
	}
}
