package deploy

import (
	"path"
	"sort"
	"strings"
)

// Plan is what a deploy does: the files to upload, in the order they go up, the files already
// there, and the remote paths to delete, in order.
type Plan struct {
	Upload    []File
	Unchanged []File
	Delete    []string
}

// Bytes is the size of the uploads.
func (p Plan) Bytes() int64 {
	var n int64
	for _, f := range p.Upload {
		n += f.Size
	}
	return n
}

// newPlan puts the uploads and the deletions in order.
func newPlan(upload, unchanged []File, remove []string) Plan {
	sort.Slice(upload, func(i, j int) bool { return lessUpload(upload[i].Path, upload[j].Path) })
	sort.Slice(remove, func(i, j int) bool { return lessUpload(remove[j], remove[i]) })
	return Plan{Upload: upload, Unchanged: unchanged, Delete: remove}
}

// Kinds of file, in the order they go up: a file goes up after those it links to.
const (
	kindAsset    = iota // CSS, images, downloads: link to nothing of the site
	kindPage            // HTML pages: link to assets and to deeper pages
	kindListing         // feeds, sitemaps, robots.txt: name pages
	kindManifest        // SHA256SUMS: says the site is complete
)

func kind(p string) int {
	switch {
	case p == ManifestName:
		return kindManifest
	case strings.HasSuffix(p, ".html"), strings.HasSuffix(p, ".htm"):
		return kindPage
	case strings.HasSuffix(p, ".xml"), strings.HasSuffix(p, ".atom"), strings.HasSuffix(p, ".rss"), p == "robots.txt":
		return kindListing
	}
	return kindAsset
}

// wave numbers the upload waves: assets, then pages by depth, deepest first, then listings,
// then the manifest.
func wave(p string) int {
	k := kind(p)
	if k != kindPage {
		return k * 1000
	}
	return kindPage*1000 + 999 - min(strings.Count(p, "/"), 999)
}

func lessUpload(a, b string) bool {
	if wa, wb := wave(a), wave(b); wa != wb {
		return wa < wb
	}
	return a < b
}

// ContentType is the Content-Type a file is served with, from its name: the site's Atom feeds
// are feed.xml.
func ContentType(name string) string {
	switch path.Base(name) {
	case ManifestName:
		return "text/plain; charset=utf-8"
	case "feed.xml", "atom.xml":
		return contentTypes[".atom"]
	}
	if t, ok := contentTypes[strings.ToLower(path.Ext(name))]; ok {
		return t
	}
	return "application/octet-stream"
}

var contentTypes = map[string]string{
	".html":        "text/html; charset=utf-8",
	".htm":         "text/html; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".json":        "application/json",
	".webmanifest": "application/manifest+json",
	".xml":         "application/xml; charset=utf-8",
	".atom":        "application/atom+xml; charset=utf-8",
	".rss":         "application/rss+xml; charset=utf-8",
	".csv":         "text/csv; charset=utf-8",
	".txt":         "text/plain; charset=utf-8",
	".md":          "text/markdown; charset=utf-8",
	".svg":         "image/svg+xml",
	".png":         "image/png",
	".jpg":         "image/jpeg",
	".jpeg":        "image/jpeg",
	".gif":         "image/gif",
	".webp":        "image/webp",
	".avif":        "image/avif",
	".ico":         "image/x-icon",
	".woff":        "font/woff",
	".woff2":       "font/woff2",
	".pdf":         "application/pdf",
	".zip":         "application/zip",
	".xlsx":        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".ics":         "text/calendar; charset=utf-8",
}
