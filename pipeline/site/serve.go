package site

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Handler serves the site built in dir at the path of its address, as it will be hosted
// (https://example.org/yunxi/ is served at /yunxi/, where its links lead), and redirects / there.
// It reads the address from the sitemap index; a site without one is served at /. path is where
// the site's home is.
func Handler(dir string) (h http.Handler, path string, err error) {
	files := notFound(dir, http.FileServer(http.Dir(dir)))
	data, err := os.ReadFile(filepath.Join(dir, sitemapIndex))
	if errors.Is(err, fs.ErrNotExist) {
		return files, "/", nil
	}
	if err != nil {
		return nil, "", err
	}
	var index sitemapSet
	if err := xml.Unmarshal(data, &index); err != nil || len(index.Sitemaps) == 0 {
		return nil, "", fmt.Errorf("read %s: not a sitemap index (%v)", filepath.Join(dir, sitemapIndex), err)
	}
	u, err := url.Parse(index.Sitemaps[0].Loc)
	if err != nil {
		return nil, "", fmt.Errorf("read %s: %w", filepath.Join(dir, sitemapIndex), err)
	}
	path = strings.TrimSuffix(u.Path, townSitemap)
	if path == "/" {
		return files, path, nil
	}
	mux := http.NewServeMux()
	mux.Handle(path, http.StripPrefix(strings.TrimSuffix(path, "/"), files))
	mux.Handle("/{$}", http.RedirectHandler(path, http.StatusFound))
	mux.Handle("/", missing(dir))
	return mux, path, nil
}

// notFound answers a path that is not in the site with its 404 page, as a host does.
func notFound(dir string, files http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(path.Clean("/"+r.URL.Path)))); errors.Is(err, fs.ErrNotExist) {
			missing(dir)(w, r)
			return
		}
		files.ServeHTTP(w, r)
	})
}

// missing answers with the site's 404 page, or a plain one when it has none.
func missing(dir string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		page, err := os.ReadFile(filepath.Join(dir, "404.html"))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		w.Write(page)
	}
}
