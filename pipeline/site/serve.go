package site

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// Handler serves the site built in dir at the path of its address, as it will be hosted
// (https://example.org/yunxi/ is served at /yunxi/, where its links lead), and redirects / there.
// It reads the address from the sitemap index; a site without one is served at /. path is where
// the site's home is.
func Handler(dir string) (h http.Handler, path string, err error) {
	files := http.FileServer(http.Dir(dir))
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
	return mux, path, nil
}
