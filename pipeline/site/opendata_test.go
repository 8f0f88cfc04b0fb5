package site

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The open data's own check: a small Table Schema validator for what datapackage.json declares
// (types, required, enum, minimum, primary key), run on every resource of the demo's downloads.
// .ci/datapackage.mjs checks the same files with datapackage-js.

type schemaField struct {
	Name, Title, Type, Description string
	TrueValues, FalseValues        []string
	Constraints                    struct {
		Required bool
		Enum     []string
		Minimum  *int64
	}
}

type describedResource struct {
	Name, Path, Profile, Format, Title string
	Schema                             *struct {
		Fields        []schemaField
		PrimaryKey    []string
		MissingValues []string
	}
}

var (
	yearMonthPattern = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])$`)
	yearPattern      = regexp.MustCompile(`^[0-9]{4}$`)
)

// castCell casts a value of a CSV cell (a string) or of a JSON object (as decoded with
// UseNumber) to the field's type: nil, string, int64 or bool. In JSON, numbers and booleans are
// never text, and only null is missing.
func castCell(f schemaField, v any, missing []string, fromJSON bool) (any, error) {
	if s, ok := v.(string); ok && !fromJSON && slices.Contains(missing, s) {
		v = nil
	}
	if _, isText := v.(string); fromJSON && isText && f.Type != "string" && f.Type != "date" && f.Type != "yearmonth" {
		return nil, fmt.Errorf("%s: %v: not a JSON %s", f.Name, v, f.Type)
	}
	if v == nil {
		if f.Constraints.Required {
			return nil, fmt.Errorf("%s: required, but empty", f.Name)
		}
		return nil, nil
	}
	var out any
	var err error
	switch s, isText := v.(string); f.Type {
	case "string", "date", "yearmonth":
		out, err = s, textCheck(f.Type, s, isText)
	case "integer", "year":
		out, err = castInteger(f.Type, v)
	case "boolean":
		out, err = castBoolean(f, v)
	default:
		err = fmt.Errorf("type %q is not one the open data uses", f.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %v: %w", f.Name, v, err)
	}
	if e := f.Constraints.Enum; e != nil && !slices.Contains(e, fmt.Sprint(out)) {
		return nil, fmt.Errorf("%s: %v not one of %q", f.Name, out, e)
	}
	if n, ok := out.(int64); ok && f.Constraints.Minimum != nil && n < *f.Constraints.Minimum {
		return nil, fmt.Errorf("%s: %d below the minimum %d", f.Name, n, *f.Constraints.Minimum)
	}
	return out, nil
}

func textCheck(kind, s string, isText bool) error {
	switch {
	case !isText:
		return fmt.Errorf("not a string")
	case kind == "yearmonth" && !yearMonthPattern.MatchString(s):
		return fmt.Errorf("not a month YYYY-MM")
	case kind == "date":
		_, err := time.Parse(time.DateOnly, s)
		return err
	}
	return nil
}

func castInteger(kind string, v any) (any, error) {
	var text string
	switch x := v.(type) {
	case json.Number:
		text = x.String()
	case string:
		text = x
	default:
		return nil, fmt.Errorf("not a number")
	}
	if kind == "year" && !yearPattern.MatchString(text) {
		return nil, fmt.Errorf("not a year")
	}
	return strconv.ParseInt(text, 10, 64)
}

func castBoolean(f schemaField, v any) (any, error) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case string:
		if slices.Contains(cmpSlice(f.TrueValues, []string{"true", "True", "TRUE", "1"}), x) {
			return true, nil
		}
		if slices.Contains(cmpSlice(f.FalseValues, []string{"false", "False", "FALSE", "0"}), x) {
			return false, nil
		}
	}
	return nil, fmt.Errorf("not a boolean")
}

func cmpSlice(a, b []string) []string {
	if a != nil {
		return a
	}
	return b
}

// readResource reads a resource's rows as their JSON or CSV text has them: strings for a CSV,
// decoded values for JSON (whose objects must have exactly the fields as keys).
func readResource(r describedResource, data []byte) ([][]any, error) {
	names := make([]string, len(r.Schema.Fields))
	for i, f := range r.Schema.Fields {
		names[i] = f.Name
	}
	if r.Format == "csv" {
		records, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
		if err != nil || len(records) == 0 || !slices.Equal(records[0], names) {
			return nil, fmt.Errorf("header %q, the fields %q: %v", slices.Concat(records[:min(len(records), 1)]...), names, err)
		}
		var rows [][]any
		for _, rec := range records[1:] {
			rows = append(rows, anys(rec))
		}
		return rows, nil
	}
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var objects []map[string]any
	if err := d.Decode(&objects); err != nil {
		return nil, err
	}
	var rows [][]any
	for i, o := range objects {
		row := make([]any, len(names))
		for j, n := range names {
			v, ok := o[n]
			if !ok {
				return nil, fmt.Errorf("object %d has no %s", i+1, n)
			}
			row[j] = v
		}
		if len(o) != len(names) {
			return nil, fmt.Errorf("object %d has keys that are no field: %v", i+1, o)
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func anys(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// validateResource checks a resource's schema and casts its rows to it: its problems, and the
// rows cast (with their keys by field name).
func validateResource(r describedResource, data []byte) ([]map[string]any, []string) {
	if r.Schema == nil || len(r.Schema.Fields) == 0 {
		return nil, []string{r.Path + ": no schema"}
	}
	var problems []string
	for _, f := range r.Schema.Fields {
		if f.Name == "" || f.Title == "" || f.Type == "" || f.Description == "" {
			problems = append(problems, fmt.Sprintf("%s: field %+v lacks a name, title, type or description", r.Path, f))
		}
	}
	rows, err := readResource(r, data)
	if err != nil {
		return nil, append(problems, r.Path+": "+err.Error())
	}
	seen := map[string]int{}
	var cast []map[string]any
	for i, row := range rows {
		values := map[string]any{}
		for j, f := range r.Schema.Fields {
			v, err := castCell(f, row[j], r.Schema.MissingValues, r.Format == "json")
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s row %d: %v", r.Path, i+1, err))
			}
			values[f.Name] = v
		}
		key := fmt.Sprint(keyOf(values, r.Schema.PrimaryKey))
		if len(r.Schema.PrimaryKey) == 0 || slices.Contains(keyOf(values, r.Schema.PrimaryKey), nil) {
			problems = append(problems, fmt.Sprintf("%s row %d: primary key %q is %s", r.Path, i+1, r.Schema.PrimaryKey, key))
		} else if seen[key] > 0 {
			problems = append(problems, fmt.Sprintf("%s row %d: primary key %s as row %d", r.Path, i+1, key, seen[key]))
		}
		seen[key] = i + 1
		cast = append(cast, values)
	}
	return cast, problems
}

func keyOf(values map[string]any, key []string) []any {
	var out []any
	for _, k := range key {
		out = append(out, values[k])
	}
	return out
}

// openData validates every resource of a site's downloads against its schema, and that each
// table's CSV, JSON and spreadsheet copy hold the same rows: the rows cast, by the path of the
// JSON resource (e.g. qingshi_ledger.json), and the problems.
func openData(files map[string][]byte) (map[string][]map[string]any, []string) {
	var pkg struct{ Resources []describedResource }
	if err := json.Unmarshal(files["downloads/datapackage.json"], &pkg); err != nil {
		return nil, []string{"datapackage.json: " + err.Error()}
	}
	tables := map[string][]map[string]any{}
	var problems []string
	for _, r := range pkg.Resources {
		rows, p := validateResource(r, files["downloads/"+r.Path])
		problems = append(problems, p...)
		base := strings.TrimSuffix(strings.TrimPrefix(r.Path, machineDir), "."+r.Format)
		if other, ok := tables[base+".json"]; ok && fmt.Sprint(other) != fmt.Sprint(rows) {
			problems = append(problems, r.Path+": not the rows of "+base+".json")
		}
		tables[base+".json"] = rows
		if r.Format == "csv" {
			problems = append(problems, sameSpreadsheet(r, files["downloads/"+r.Path], files["downloads/"+base+".csv"])...)
		}
	}
	return tables, problems
}

// sameSpreadsheet: the copy for spreadsheets has the fields' titles as header and the rows of
// the copy for programs, but for the apostrophe before a text that starts as a formula.
func sameSpreadsheet(r describedResource, machine, spreadsheet []byte) []string {
	want, err1 := csv.NewReader(bytes.NewReader(machine)).ReadAll()
	got, err2 := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(spreadsheet, []byte("\uFEFF")))).ReadAll()
	if err1 != nil || err2 != nil || !bytes.HasPrefix(spreadsheet, []byte("\uFEFF")) || len(got) != len(want) || len(got) == 0 {
		return []string{fmt.Sprintf("%s: the spreadsheet's copy has %d rows (%v, %v)", r.Path, len(got), err1, err2)}
	}
	for i, f := range r.Schema.Fields {
		want[0][i] = f.Title
	}
	for i := range got {
		for j, cell := range got[i] {
			if strings.HasPrefix(cell, "'") && strings.ContainsAny(cell[1:min(2, len(cell))], "=+-@") {
				got[i][j] = cell[1:]
			}
		}
		if !slices.Equal(got[i], want[i]) {
			return []string{fmt.Sprintf("%s: the spreadsheet's row %d is %q, want %q", r.Path, i, got[i], want[i])}
		}
	}
	return nil
}

// TestOpenDataValidatorFails: the validator finds each kind of fault.
func TestOpenDataValidatorFails(t *testing.T) {
	v, res := smallVillage()
	files, _, err := townDownloads(v, res)
	if err != nil {
		t.Fatal(err)
	}
	if _, problems := openData(files); len(problems) > 0 {
		t.Fatalf("the small village's open data: %q", problems)
	}
	faults := map[string]struct{ old, new, want string }{
		"a number as text":   {`"points":-5`, `"points":"-5"`, "points: -5: not a JSON integer"},
		"a required null":    {`"grid":"上湾组"`, `"grid":null`, "grid: required"},
		"an enum":            {`"status":"已生效"`, `"status":"通过"`, "not one of"},
		"a minimum":          {`"rank":2`, `"rank":0`, "below the minimum"},
		"a key left out":     {`"new":false,`, ``, "has no new"},
		"a duplicate key":    {`"household":"QS-2"`, `"household":"QS-1"`, "primary key [2025-07 QS-1] as row 1"},
		"a boolean as text":  {`"left":true`, `"left":"是"`, "left: 是: not a JSON boolean"},
		"a month of no year": {`"month":"2025-07"`, `"month":"2025-13"`, "not a month"},
	}
	for name, f := range faults {
		bad := maps.Clone(files)
		bad["downloads/qs.json"] = bytes.Replace(files["downloads/qs.json"], []byte(f.old), []byte(f.new), 1)
		if _, problems := openData(bad); !strings.Contains(strings.Join(problems, "\n"), f.want) {
			t.Errorf("%s: problems %q, want one with %q", name, problems, f.want)
		}
	}
	bad := maps.Clone(files)
	bad["downloads/data/qs.csv"] = bytes.Replace(files["downloads/data/qs.csv"], []byte(",是,"), []byte(",yes,"), 1)
	if _, problems := openData(bad); len(problems) == 0 {
		t.Error("a CSV boolean yes: no problem")
	}
}
