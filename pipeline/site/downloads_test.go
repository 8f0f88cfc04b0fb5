package site

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestDownloadsForSpreadsheetsAndPrograms: the downloads page lists the CSV for Excel and WPS,
// with its byte order mark, and the JSON; datapackage.json describes the same CSV without the
// mark (which datapackage-js would read into the first column's name), every resource with its
// bytes and hash; SHA256SUMS lists every file. .ci/datapackage.mjs reads the demo's with
// datapackage-js itself.
func TestDownloadsForSpreadsheetsAndPrograms(t *testing.T) {
	v := &Village{ID: "qs", Name: "青石村", Months: []Month{{rows: [][]string{
		{"2025-07", "QS-1", "=SUM(1)", "上湾组", "-5", "2", "已生效"},
		{"2025-07", "QS-2", "", "上湾组", "12", "1", "已生效"},
		{"2025-07", "QS-3", "王*", "上湾组", "0", "", "已生效"},
	}}}}
	files, list, err := downloadFiles(&Town{Name: "云溪镇"}, []*Village{v})
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, d := range list {
		listed = append(listed, d.Path)
	}
	if want := []string{"downloads/qs.csv", "downloads/qs.json"}; !slices.Equal(listed, want) {
		t.Errorf("the downloads page lists %q, want %q", listed, want)
	}
	spreadsheet, machine := files["downloads/qs.csv"], files["downloads/data/qs.csv"]
	if !bytes.HasPrefix(spreadsheet, []byte("\uFEFF月份,")) || !bytes.Contains(spreadsheet, []byte(",'=SUM(1),")) {
		t.Errorf("the spreadsheet's copy has no mark or runs a formula:\n%q", spreadsheet)
	}
	if want := bytes.ReplaceAll(spreadsheet[3:], []byte("'="), []byte("=")); !bytes.Equal(machine, want) {
		t.Errorf("the copy for programs is not the spreadsheet's without its mark and apostrophes:\n%q\nwant\n%q", machine, want)
	}
	if js := files["downloads/qs.json"]; !bytes.Contains(js, []byte(`"=SUM(1)"`)) {
		t.Errorf("the JSON has not the value as it is:\n%s", js)
	}
	// Numbers are JSON numbers; a household not ranked has a null rank.
	var records []map[string]any
	if err := json.Unmarshal(files["downloads/qs.json"], &records); err != nil {
		t.Fatal(err)
	}
	if len(records) != 3 || records[0]["points"] != float64(-5) || records[1]["rank"] != float64(1) || records[2]["rank"] != nil || records[2]["name"] != "王*" {
		t.Errorf("the JSON records: %v", records)
	}
	if _, ok := records[2]["rank"]; !ok {
		t.Errorf("the rank of a household not ranked is left out instead of null: %v", records[2])
	}
	empty, _, err := downloadFiles(&Town{Name: "云溪镇"}, []*Village{{ID: "xin", Name: "新村"}})
	if err != nil || string(empty["downloads/xin.json"]) != "[]\n" {
		t.Errorf("a village with no months: %q, %v; want []", empty["downloads/xin.json"], err)
	}
	var pkg struct {
		Resources []struct {
			Path, Profile, Encoding, Hash string
			Bytes                         int
			Schema                        *struct{ Fields []struct{ Name string } }
		}
	}
	if err := json.Unmarshal(files["downloads/datapackage.json"], &pkg); err != nil {
		t.Fatal(err)
	}
	var described []string
	for _, r := range pkg.Resources {
		described = append(described, r.Path)
		data, sum := files["downloads/"+r.Path], sha256.Sum256(files["downloads/"+r.Path])
		if r.Encoding != "utf-8" || r.Bytes != len(data) || r.Hash != "sha256:"+hex.EncodeToString(sum[:]) {
			t.Errorf("%s: encoding %q, %d bytes, %s; the file has %d bytes, sha256 %x", r.Path, r.Encoding, r.Bytes, r.Hash, len(data), sum)
		}
		if r.Schema == nil {
			continue
		}
		var names []string
		for _, f := range r.Schema.Fields {
			names = append(names, f.Name)
		}
		if header, _, _ := strings.Cut(string(data), "\r\n"); r.Profile != "tabular-data-resource" || header != strings.Join(names, ",") {
			t.Errorf("%s: profile %q, header %q, fields %q", r.Path, r.Profile, header, names)
		}
	}
	if want := []string{"data/qs.csv", "qs.json"}; !slices.Equal(described, want) {
		t.Errorf("datapackage.json describes %q, want %q", described, want)
	}
	for name, data := range files {
		name = strings.TrimPrefix(name, "downloads/")
		if line := fmt.Sprintf("%x  %s\n", sha256.Sum256(data), name); name != "SHA256SUMS" && name != "datapackage.json" &&
			!strings.Contains(string(files["downloads/SHA256SUMS"]), line) {
			t.Errorf("SHA256SUMS has no line %q", line)
		}
	}
}
