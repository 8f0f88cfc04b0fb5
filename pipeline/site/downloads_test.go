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

	"github.com/jifen-project/jifen/pipeline/score"
)

// smallVillage is a village of one month with three households: one ranked with a name that a
// spreadsheet would run as a formula, one that did not consent, and one that left in the month.
func smallVillage() (*Village, *score.VillageResult) {
	v := &Village{ID: "qs", Name: "青石村", PublishRanking: true, Months: []Month{{Month: "2025-07", Status: effective,
		Totals: Totals{Households: 2, Taking: 3, Issued: 12, Deducted: -5, Net: 7},
		Ranking: []Row{
			{Who: Who{Household: "QS-2"}, Rank: 1, Up: 2, Grid: "上湾组", GridRank: 1, Net: 12},
			{Who: Who{Household: "QS-1", Name: "=SUM(1)", Page: true}, Rank: 2, Down: 1, Grid: "上湾组", GridRank: 2, Net: -5},
		},
		rows: [][]string{
			{"2025-07", "QS-1", "=SUM(1)", "上湾组", "-5", "2", "已生效"},
			{"2025-07", "QS-2", "", "上湾组", "12", "1", "已生效"},
			{"2025-07", "QS-3", "王*", "上湾组", "0", "", "已生效"},
		}}}}
	res := &score.VillageResult{Months: []*score.MonthResult{{Month: "2025-07", Standings: []*score.Standing{
		{Household: "QS-1", Net: -5, Active: true, Rank: 2, YearNet: 30, YearRank: 1},
		{Household: "QS-2", Net: 12, Active: true, Rank: 1, YearNet: 12, YearRank: 2},
		{Household: "QS-3", Left: true, YearNet: 4},
	}}}}
	return v, res
}

// TestDownloadsForSpreadsheetsAndPrograms: the downloads page lists each table's CSV for Excel
// and WPS, with its byte order mark and the fields' titles, and its JSON; datapackage.json
// describes the same CSV under the fields' names without the mark (which datapackage-js would
// read into the first column's name), and the JSON, every resource with its bytes, hash and
// schema; SHA256SUMS lists every file. .ci/datapackage.mjs reads the demo's with datapackage-js
// itself.
func TestDownloadsForSpreadsheetsAndPrograms(t *testing.T) {
	v, res := smallVillage()
	files, list, err := townDownloads(v, res)
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, d := range list {
		listed = append(listed, strings.TrimPrefix(d.Path, "downloads/")+":"+d.Table)
	}
	want := []string{"qs.csv:months", "qs.json:months", "qs_totals.csv:totals", "qs_totals.json:totals", "qs_market.csv:market",
		"qs_market.json:market", "qs_households.csv:households", "qs_households.json:households", "qs_ledger.csv:ledger",
		"qs_ledger.json:ledger", "qs_honours.csv:honours", "qs_honours.json:honours", "qs_declared.csv:declared", "qs_declared.json:declared",
		"qs_objections.csv:objections", "qs_objections.json:objections", "qs_moves.csv:moves", "qs_moves.json:moves"}
	if !slices.Equal(listed, want) {
		t.Errorf("the downloads page lists %q, want %q", listed, want)
	}
	spreadsheet, machine := files["downloads/qs.csv"], files["downloads/data/qs.csv"]
	if !bytes.HasPrefix(spreadsheet, []byte("\uFEFF月份,户号,户主,")) || !bytes.Contains(spreadsheet, []byte(",'=SUM(1),")) {
		t.Errorf("the spreadsheet's copy has no mark or title, or runs a formula:\n%q", spreadsheet)
	}
	if !bytes.HasPrefix(machine, []byte("month,household,name,")) || !bytes.Contains(machine, []byte(",=SUM(1),")) {
		t.Errorf("the copy for programs has not the fields' names or not the cell as it is:\n%q", machine)
	}
	_, body, _ := bytes.Cut(machine, []byte("\r\n"))
	if _, spreadsheetBody, _ := bytes.Cut(spreadsheet, []byte("\r\n")); !bytes.Equal(body, bytes.ReplaceAll(spreadsheetBody, []byte("'="), []byte("="))) {
		t.Errorf("the copy for programs has not the spreadsheet's rows:\n%q\n%q", machine, spreadsheet)
	}
	if js := files["downloads/qs.json"]; !bytes.Contains(js, []byte(`"=SUM(1)"`)) {
		t.Errorf("the JSON has not the value as it is:\n%s", js)
	}
	checkSmallVillageJSON(t, files["downloads/qs.json"])
	empty, _, err := townDownloads(&Village{ID: "xin", Name: "新村"}, &score.VillageResult{})
	if err != nil || string(empty["downloads/xin.json"]) != "[]\n" || string(empty["downloads/xin_ledger.json"]) != "[]\n" {
		t.Errorf("a village with no months: %q, %q, %v; want []", empty["downloads/xin.json"], empty["downloads/xin_ledger.json"], err)
	}
	checkDescribed(t, files)
}

// townDownloads are the downloads of a town of one village: the village's files, and the
// town's datapackage.json and SHA256SUMS made from its summary.
func townDownloads(v *Village, res *score.VillageResult) (map[string][]byte, []Download, error) {
	d, err := villageDownloads(v, res)
	if err != nil {
		return nil, nil, err
	}
	s := &Site{Town: &Town{Name: "云溪镇"}, Files: d.files}
	err = s.summarize([]Summary{{ID: v.ID, Link: VillageLink{ID: v.ID}, Downloads: d.list, Resources: d.resources, Sums: d.sums}}, nil)
	delete(d.files, "feed.xml")
	return d.files, s.Town.Downloads, err
}

// checkSmallVillageJSON: numbers are JSON numbers, booleans JSON booleans, and what the pages do
// not show is null, never left out.
func checkSmallVillageJSON(t *testing.T, data []byte) {
	t.Helper()
	var records []map[string]any
	if err := json.Unmarshal(data, &records); err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(records)
	want := "[map[grid:上湾组 grid_rank:2 household:QS-1 left:false month:2025-07 month_star:false movement:-1 name:=SUM(1) new:false points:-5 rank:2 status:已生效 year_points:30 year_rank:1] " +
		"map[grid:上湾组 grid_rank:1 household:QS-2 left:false month:2025-07 month_star:false movement:2 name:<nil> new:false points:12 rank:1 status:已生效 year_points:12 year_rank:2] " +
		"map[grid:上湾组 grid_rank:<nil> household:QS-3 left:true month:2025-07 month_star:false movement:<nil> name:王* new:<nil> points:0 rank:<nil> status:已生效 year_points:4 year_rank:<nil>]]"
	if got != want {
		t.Errorf("the JSON records:\n%s\nwant\n%s", got, want)
	}
	if records[0]["points"] != float64(-5) || records[2]["left"] != true {
		t.Errorf("numbers or booleans as text: %v", records)
	}
}

// checkDescribed: datapackage.json describes the JSON and the copies for programs, each with its
// bytes, hash and schema, and SHA256SUMS lists every file.
func checkDescribed(t *testing.T, files map[string][]byte) {
	t.Helper()
	var pkg struct {
		Resources []struct {
			Name, Path, Profile, Encoding, Hash string
			Bytes                               int
			Schema                              *struct{ Fields []struct{ Name string } }
		}
	}
	if err := json.Unmarshal(files["downloads/datapackage.json"], &pkg); err != nil {
		t.Fatal(err)
	}
	var described []string
	for _, r := range pkg.Resources {
		described = append(described, r.Name+":"+r.Path)
		data, sum := files["downloads/"+r.Path], sha256.Sum256(files["downloads/"+r.Path])
		if r.Encoding != "utf-8" || r.Bytes != len(data) || r.Hash != "sha256:"+hex.EncodeToString(sum[:]) {
			t.Errorf("%s: encoding %q, %d bytes, %s; the file has %d bytes, sha256 %x", r.Path, r.Encoding, r.Bytes, r.Hash, len(data), sum)
		}
		if r.Schema == nil || len(r.Schema.Fields) == 0 {
			t.Errorf("%s: no schema", r.Path)
			continue
		}
		if profile := map[bool]string{true: "tabular-data-resource", false: "data-resource"}[strings.HasSuffix(r.Path, ".csv")]; r.Profile != profile {
			t.Errorf("%s: profile %q, want %q", r.Path, r.Profile, profile)
		}
	}
	if len(described) != 18 || described[0] != "qs-csv:data/qs.csv" || described[1] != "qs-json:qs.json" || described[17] != "qs_moves-json:qs_moves.json" {
		t.Errorf("datapackage.json describes %q", described)
	}
	for name, data := range files {
		name = strings.TrimPrefix(name, "downloads/")
		if line := fmt.Sprintf("%x  %s\n", sha256.Sum256(data), name); name != "SHA256SUMS" && name != "datapackage.json" &&
			!strings.Contains(string(files["downloads/SHA256SUMS"]), line) {
			t.Errorf("SHA256SUMS has no line %q", line)
		}
	}
}

// TestDownloadsNeutraliseFormulas: in the spreadsheet's copy, a text that Excel or WPS would run
// as a formula starts with an apostrophe; numbers stay numbers; the copy for programs keeps
// every cell as it is.
func TestDownloadsNeutraliseFormulas(t *testing.T) {
	tb := table{Schema: schema(nil, col("a", "甲", "string", ""), col("b", "乙", "string", ""), col("n", "数", "integer", ""),
		col("c", "丙", "string", ""), col("d", "丁", "string", ""), col("e", "戊", "boolean", "")),
		Rows: [][]any{{"=HYPERLINK(\"x\")", "+组", -5, nil, "@SUM(1)", true}}}
	if got, want := string(tb.csv(true)), "\uFEFF甲,乙,数,丙,丁,戊\r\n\"'=HYPERLINK(\"\"x\"\")\",'+组,-5,,'@SUM(1),是\r\n"; got != want {
		t.Errorf("for spreadsheets: got %q\nwant %q", got, want)
	}
	if got, want := string(tb.csv(false)), "a,b,n,c,d,e\r\n\"=HYPERLINK(\"\"x\"\")\",+组,-5,,@SUM(1),是\r\n"; got != want {
		t.Errorf("for programs: got %q\nwant %q", got, want)
	}
}
