package site

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jifen-project/jifen/pipeline/sheet"
)

// Download is a file residents can take away, as the downloads page lists it.
type Download struct {
	Path    string `json:"path"`    // under the site's root, e.g. downloads/qingshi.csv
	Village string `json:"village"` // the id of the village whose data it is
	Format  string `json:"format"`  // csv or json
	Bytes   int    `json:"bytes"`
	SHA256  string `json:"sha256"`
}

// downloadTitles name the downloads by format in datapackage.json, whose CSV files are the
// copies for programs (the downloads page has its own words in its template).
var downloadTitles = map[string]string{"csv": "各户每月积分（CSV，供程序读取）", "json": "各户每月积分（JSON）"}

// statusWords are a month's statuses as the downloads write them.
var statusWords = map[string]string{inNotice: "公示中", effective: "已生效", unapproved: "未审定"}

// downloadColumns are the columns of a village's CSV and JSON downloads.
var downloadColumns = []struct{ name, title, kind, description string }{
	{"month", "月份", "string", "评定月份 YYYY-MM"},
	{"household", "户号", "string", "户号"},
	{"name", "户主", "string", "打码的户主姓名；没有同意公开的户为空"},
	{"grid", "小组", "string", "村民小组"},
	{"points", "积分", "integer", "本月净积分"},
	{"rank", "名次", "integer", "本月全村名次（村里不公开排名时为空；本月退出的户不排名，也为空）"},
	{"status", "状态", "string", "公示中或已生效"},
}

// villageRows are a village's monthly results, one row a household-month, oldest first: only
// what the site shows.
func villageRows(v *Village) [][]string {
	var rows [][]string
	for i := len(v.Months) - 1; i >= 0; i-- {
		rows = append(rows, v.Months[i].rows...)
	}
	return rows
}

// A resource is one file in datapackage.json.
type resource struct {
	Name        string          `json:"name"`
	Path        string          `json:"path"`
	Profile     string          `json:"profile,omitempty"`
	Title       string          `json:"title"`
	Description string          `json:"description,omitempty"`
	Format      string          `json:"format"`
	Mediatype   string          `json:"mediatype"`
	Encoding    string          `json:"encoding"`
	Bytes       int             `json:"bytes"`
	Hash        string          `json:"hash"`
	Schema      *resourceSchema `json:"schema,omitempty"`
}

type resourceSchema struct {
	Fields []map[string]string `json:"fields"`
}

// machineDir holds, under downloads/, the copies of the CSV downloads that datapackage.json
// describes: the same bytes without the byte order mark that Excel and WPS need. Frictionless
// readers differ on a BOM in a file declared UTF-8 (frictionless-py drops it, datapackage-js
// keeps it in the first column's name) and "utf-8-sig" is no IANA name (Node cannot decode it),
// so only a file without BOM reads the same everywhere.
const machineDir = "data/"

// downloads collects the files of the downloads folder as they are made.
type downloads struct {
	files     map[string][]byte
	list      []Download // what the downloads page lists
	sums      []string   // the lines of SHA256SUMS
	resources []resource
}

// add keeps a file of village v under downloads/name; listed, it appears on the downloads page.
func (d *downloads) add(v *Village, name, format string, data []byte, listed bool) Download {
	sum := sha256.Sum256(data)
	dl := Download{Path: "downloads/" + name, Village: v.ID, Format: format, Bytes: len(data), SHA256: hex.EncodeToString(sum[:])}
	d.files[dl.Path] = data
	d.sums = append(d.sums, dl.SHA256+"  "+name+"\n")
	if listed {
		d.list = append(d.list, dl)
	}
	return dl
}

// describe adds the file dl of village v to datapackage.json.
func (d *downloads) describe(v *Village, dl Download, description string) {
	r := resource{Name: strings.NewReplacer(".", "-", "_", "-").Replace(v.ID + "." + dl.Format), Path: strings.TrimPrefix(dl.Path, "downloads/"),
		Title: v.Name + downloadTitles[dl.Format], Description: description, Format: dl.Format, Encoding: "utf-8",
		Mediatype: map[string]string{"csv": "text/csv", "json": "application/json"}[dl.Format],
		Bytes:     dl.Bytes, Hash: "sha256:" + dl.SHA256}
	if dl.Format == "csv" {
		r.Profile, r.Schema = "tabular-data-resource", &resourceSchema{}
		for _, c := range downloadColumns {
			r.Schema.Fields = append(r.Schema.Fields, map[string]string{"name": c.title, "type": c.kind, "description": c.description})
		}
	}
	d.resources = append(d.resources, r)
}

// downloadFiles makes every download, the Frictionless datapackage.json that describes them and
// a SHA256SUMS file, keyed by their path in the site. Each village has a CSV for spreadsheets
// (with a byte order mark), its copy for programs under machineDir, and a JSON file.
func downloadFiles(t *Town, villages []*Village) (map[string][]byte, []Download, error) {
	d := &downloads{files: map[string][]byte{}}
	for _, v := range villages {
		rows := villageRows(v)
		d.add(v, v.ID+".csv", "csv", csvBytes(rows, true), true)
		machine := d.add(v, machineDir+v.ID+".csv", "csv", bytes.TrimPrefix(csvBytes(rows, false), []byte("\uFEFF")), false)
		d.describe(v, machine, "与 "+v.ID+".csv 的数据相同，只是文件开头没有 Excel 所需的字节顺序标记，以 = + - @ 开头的格子前面也没有防止电子表格当成公式的单引号；用 Excel、WPS 打开请下载 "+v.ID+".csv")
		records := []map[string]any{} // [] for a village with no months, not null
		for _, r := range rows {
			rec := map[string]any{}
			for i, c := range downloadColumns {
				rec[c.name] = jsonValue(c.kind, r[i])
			}
			records = append(records, rec)
		}
		js, err := json.MarshalIndent(records, "", " ")
		if err != nil {
			return nil, nil, err
		}
		d.describe(v, d.add(v, v.ID+".json", "json", append(js, '\n'), true), "")
	}
	pkg, err := json.MarshalIndent(map[string]any{
		"profile":   "data-package",
		"name":      "jifen",
		"title":     t.Name + "积分制公开数据",
		"created":   t.AsOf,
		"resources": d.resources,
	}, "", " ")
	if err != nil {
		return nil, nil, err
	}
	d.files["downloads/datapackage.json"] = append(pkg, '\n')
	d.files["downloads/SHA256SUMS"] = []byte(strings.Join(d.sums, ""))
	return d.files, d.list, nil
}

// jsonValue is a cell as JSON: an integer column's number, or null when the cell is empty (a
// household not ranked), and a string otherwise.
func jsonValue(kind, cell string) any {
	if kind != "integer" {
		return cell
	}
	if n, err := strconv.Atoi(cell); err == nil {
		return n
	}
	if cell == "" {
		return nil
	}
	return cell // not expected: the site's numbers are whole
}

// csvBytes writes rows under the header (sheet.ExcelCSV). For a spreadsheet, a text cell that
// it would run as a formula (starting with =, +, - or @) is neutralised with a leading
// apostrophe, numbers are left as they are; for programs, every cell is as it is.
func csvBytes(rows [][]string, spreadsheet bool) []byte {
	header := make([]string, len(downloadColumns))
	for i, c := range downloadColumns {
		header[i] = c.title
	}
	if !spreadsheet {
		return sheet.ExcelCSV(header, rows)
	}
	safe := make([][]string, len(rows))
	for i, r := range rows {
		safe[i] = make([]string, len(r))
		for j, cell := range r {
			safe[i][j] = neutralise(cell)
		}
	}
	return sheet.ExcelCSV(header, safe)
}

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

// feeds makes the town's feed (feed.xml) and each village's (<village>/feed.xml). Links start
// with base, the site's address ("/" when it has none).
func feeds(t *Town, villages []*Village, base string) (map[string][]byte, error) {
	files := map[string][]byte{}
	var all []atomEntry
	for _, v := range villages {
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
		data, err := feedBytes(t.Name+v.Name+"积分公示", "tag:jifen,2025:"+v.ID, base+v.ID+"/", entries)
		if err != nil {
			return nil, err
		}
		files[v.ID+"/feed.xml"] = data
		all = append(all, entries...)
	}
	sortEntries(all)
	data, err := feedBytes(t.Name+"积分公示", "tag:jifen,2025:town", base, all)
	if err != nil {
		return nil, err
	}
	files["feed.xml"] = data
	return files, nil
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
