package site

import (
	"encoding/xml"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// The sitemaps follow the parts a site can be built in, so that parts built apart and copied
// together are byte for byte the whole site: each village's pages are listed in
// <village>/sitemap.xml, the town's own pages in sitemap-town.xml, and the index sitemap.xml,
// one of the town's own files, lists all of them.
const (
	sitemapIndex = "sitemap.xml"
	townSitemap  = "sitemap-town.xml"
	sitemapsNS   = "http://www.sitemaps.org/schemas/sitemap/0.9"
)

type urlSet struct {
	XMLName xml.Name `xml:"urlset"`
	NS      string   `xml:"xmlns,attr"`
	URLs    []loc    `xml:"url"`
}

type sitemapSet struct {
	XMLName  xml.Name `xml:"sitemapindex"`
	NS       string   `xml:"xmlns,attr"`
	Sitemaps []loc    `xml:"sitemap"`
}

type loc struct {
	Loc string `xml:"loc"`
}

// writeSitemaps writes the sitemaps of the part into the built site in dir. Sitemaps carry
// absolute addresses only: without the site's address there are none.
func writeSitemaps(dir string, s *Site, part Part) error {
	base := s.Town.SiteURL
	if !absolute(base) {
		return nil
	}
	pages := map[string][]loc{} // village id, or "" for the town → its pages
	villages := map[string]bool{}
	for _, v := range s.Town.Villages {
		villages[v.ID] = true
	}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != "index.html" {
			return err
		}
		rel, err := filepath.Rel(dir, filepath.Dir(p))
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		page := base
		if rel != "." {
			page += rel + "/"
		}
		top, _, _ := strings.Cut(rel, "/")
		if !villages[top] {
			top = ""
		}
		pages[top] = append(pages[top], loc{Loc: page})
		return nil
	})
	if err != nil {
		return err
	}
	index := sitemapSet{NS: sitemapsNS, Sitemaps: []loc{{Loc: base + townSitemap}}}
	for _, v := range s.Town.Villages {
		name := path.Join(v.ID, sitemapIndex)
		index.Sitemaps = append(index.Sitemaps, loc{Loc: base + name})
		if part.Has(v.ID) && len(pages[v.ID]) > 0 {
			if err := writeXML(dir, name, urlSet{NS: sitemapsNS, URLs: pages[v.ID]}); err != nil {
				return err
			}
		}
	}
	if !part.Town {
		return nil
	}
	if err := writeXML(dir, townSitemap, urlSet{NS: sitemapsNS, URLs: pages[""]}); err != nil {
		return err
	}
	return writeXML(dir, sitemapIndex, index)
}

// absolute reports whether u is an absolute http or https address.
func absolute(u string) bool {
	p, err := url.Parse(u)
	return err == nil && (p.Scheme == "http" || p.Scheme == "https") && p.Host != ""
}

// writeXML writes v as indented XML with a trailing newline to the file name of dir. The pages
// are in the lexical order WalkDir finds them in, so the files are deterministic.
func writeXML(dir, name string, v any) error {
	data, err := xml.MarshalIndent(v, "", " ")
	if err != nil {
		return err
	}
	data = append([]byte(xml.Header), append(data, '\n')...)
	return os.WriteFile(filepath.Join(dir, filepath.FromSlash(name)), data, 0o644)
}
