package site

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jifen-project/jifen/pipeline/score"
)

// Download is a file residents can take away, as the downloads page lists it.
type Download struct {
	Path    string `json:"path"`    // under the site's root, e.g. downloads/qingshi.csv
	Village string `json:"village"` // the id of the village whose data it is
	Table   string `json:"table"`   // the table it holds: months, totals, market, households, ledger, honours, declared, objections or moves
	Format  string `json:"format"`  // csv or json
	Bytes   int    `json:"bytes"`
	SHA256  string `json:"sha256"`
}

// downloadTitles follow a table's title in datapackage.json, whose CSV files are the copies for
// programs (the downloads page has its own words in its template).
var downloadTitles = map[string]string{"csv": "（CSV，供程序读取）", "json": "（JSON）"}

// A resource is one file in datapackage.json. Every resource has its table's schema: a CSV
// file is a tabular data resource, which Frictionless readers cast to it; a JSON file is a data
// resource, an array of objects whose keys are the fields' names.
type resource struct {
	Name        string       `json:"name"`
	Path        string       `json:"path"`
	Profile     string       `json:"profile"`
	Title       string       `json:"title"`
	Description string       `json:"description"`
	Format      string       `json:"format"`
	Mediatype   string       `json:"mediatype"`
	Encoding    string       `json:"encoding"`
	Bytes       int          `json:"bytes"`
	Hash        string       `json:"hash"`
	Schema      *tableSchema `json:"schema"`
}

// machineDir holds, under downloads/, the copies of the CSV downloads that datapackage.json
// describes: the same rows under the fields' names, without the byte order mark that Excel and
// WPS need. Frictionless readers differ on a BOM in a file declared UTF-8 (frictionless-py drops
// it, datapackage-js keeps it in the first column's name) and "utf-8-sig" is no IANA name (Node
// cannot decode it), so only a file without BOM reads the same everywhere.
const machineDir = "data/"

// downloads collects the files of the downloads folder as they are made.
type downloads struct {
	files     map[string][]byte
	list      []Download // what the downloads page lists
	sums      []string   // the lines of SHA256SUMS
	resources []resource
}

// add keeps a file of table tb of village v under downloads/name; listed, it appears on the
// downloads page.
func (d *downloads) add(v *Village, tb *table, name, format string, data []byte, listed bool) Download {
	sum := sha256.Sum256(data)
	dl := Download{Path: "downloads/" + name, Village: v.ID, Table: tb.ID, Format: format, Bytes: len(data), SHA256: hex.EncodeToString(sum[:])}
	d.files[dl.Path] = data
	d.sums = append(d.sums, dl.SHA256+"  "+name+"\n")
	if listed {
		d.list = append(d.list, dl)
	}
	return dl
}

// describe adds the file dl of table tb of village v to datapackage.json.
func (d *downloads) describe(v *Village, tb *table, dl Download, description string) {
	name := strings.TrimSuffix(path.Base(dl.Path), "."+dl.Format) + "-" + dl.Format // village ids have no "_": unique
	r := resource{Name: name, Path: strings.TrimPrefix(dl.Path, "downloads/"), Profile: "data-resource",
		Title: v.Name + tb.Title + downloadTitles[dl.Format], Description: description, Format: dl.Format, Encoding: "utf-8",
		Mediatype: map[string]string{"csv": "text/csv", "json": "application/json"}[dl.Format],
		Bytes:     dl.Bytes, Hash: "sha256:" + dl.SHA256, Schema: &tb.Schema}
	if dl.Format == "csv" {
		r.Profile = "tabular-data-resource"
	}
	d.resources = append(d.resources, r)
}

// villageDownloads makes the downloads of a village from its view and its scores: each of its
// tables as a CSV for spreadsheets (with a byte order mark and the fields' titles), its copy for
// programs under machineDir, and a JSON file; with their lines of SHA256SUMS and their entries
// in datapackage.json.
func villageDownloads(v *Village, res *score.VillageResult) (*downloads, error) {
	tables, err := villageTables(v, res)
	if err != nil {
		return nil, err
	}
	d := &downloads{files: map[string][]byte{}}
	for _, tb := range tables {
		base := v.ID
		if tb.ID != tableMonths {
			base += "_" + tb.ID
		}
		d.add(v, &tb, base+".csv", "csv", tb.csv(true), true)
		machine := d.add(v, &tb, machineDir+base+".csv", "csv", tb.csv(false), false)
		d.describe(v, &tb, machine, tb.Description+"。与 "+base+".csv 的数据相同，只是表头是字段名（name），文件开头没有 Excel 所需的字节顺序标记，"+
			"以 = + - @ 开头的格子前面也没有防止电子表格当成公式的单引号；用 Excel、WPS 打开请下载 "+base+".csv")
		js, err := tb.json()
		if err != nil {
			return nil, err
		}
		d.describe(v, &tb, d.add(v, &tb, base+".json", "json", js, true), tb.Description)
	}
	return d, nil
}

// pack is the Frictionless datapackage.json that describes the downloads of the town t.
func (d *downloads) pack(t *Town) ([]byte, error) {
	pkg, err := json.MarshalIndent(map[string]any{
		"profile":   "data-package",
		"name":      "jifen",
		"title":     t.Name + "积分制公开数据",
		"created":   t.AsOf,
		"resources": d.resources,
	}, "", " ")
	return append(pkg, '\n'), err
}

// neutralise keeps a spreadsheet from running a text cell as a formula: a cell that starts
// with =, +, - or @ gets a leading apostrophe, unless it is a whole number.
func neutralise(cell string) string {
	if cell == "" || !strings.ContainsAny(cell[:1], "=+-@") {
		return cell
	}
	if _, err := strconv.Atoi(cell); err == nil {
		return cell
	}
	return "'" + cell
}

// An atom feed announces each month's approval and each correction.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Link    []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
}

type atomEntry struct {
	Title   string   `xml:"title"`
	ID      string   `xml:"id"`
	Updated string   `xml:"updated"`
	Link    atomLink `xml:"link"`
	Summary string   `xml:"summary"`
	Author  struct {
		Name string `xml:"name"`
	} `xml:"author"`
}

// villageFeed makes the entries of a village's feed (<village>/feed.xml), newest first, and
// the feed, in a town named town. Links start with base, the site's address ("/" when it has
// none).
func villageFeed(town string, v *Village, base string) ([]atomEntry, []byte, error) {
	var entries []atomEntry
	for _, m := range v.Months {
		if m.Date == "" {
			continue
		}
		href := base + v.ID + "/" + m.Month + "/"
		title := monthTitle(m.Month)
		e := atomEntry{Title: v.Name + " " + title + "积分评定结果公示", ID: "tag:jifen," + m.Date[:10] + ":" + v.ID + "/" + m.Month + "/" + m.Commit,
			Updated: m.Date, Link: atomLink{Href: href}, Summary: fmt.Sprintf("%s %s的评定结果已审定，公示至 %s。", v.Name, title, dateTime(m.until))}
		e.Author.Name = v.Name + "积分评议小组"
		entries = append(entries, e)
		for _, c := range m.Corrections {
			ce := atomEntry{Title: v.Name + " " + title + "积分评定更正", ID: "tag:jifen," + m.Date[:10] + ":" + v.ID + "/" + m.Month + "/" + c.Commit,
				Updated: c.Date, Link: atomLink{Href: href}, Summary: fmt.Sprintf("%s更正了 %d 行，更正后重新公示。", dateTime(c.at), len(c.Changes))}
			ce.Author.Name = e.Author.Name
			entries = append(entries, ce)
		}
	}
	sortEntries(entries)
	data, err := feedBytes(town+v.Name+"积分公示", "tag:jifen,2025:"+v.ID, base+v.ID+"/", entries)
	return entries, data, err
}

// sortEntries puts the newest first, by time then id, so feeds are deterministic.
func sortEntries(es []atomEntry) {
	slices.SortStableFunc(es, func(a, b atomEntry) int {
		return cmp.Or(strings.Compare(b.Updated, a.Updated), strings.Compare(a.ID, b.ID))
	})
}

func feedBytes(title, id, site string, entries []atomEntry) ([]byte, error) {
	f := atomFeed{Title: title, ID: id, Updated: time.Time{}.UTC().Format(time.RFC3339), Link: []atomLink{{Href: site}}, Entries: entries}
	if len(entries) > 0 {
		f.Updated = entries[0].Updated
	}
	data, err := xml.MarshalIndent(f, "", " ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(data, '\n')...), nil
}
