package sheet

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/tools/txtar"

	"github.com/jifen-project/jifen/pipeline/check"
)

var update = flag.Bool("update", false, "rewrite the want section of golden files")

// TestGolden runs each testdata/parse/*.txtar case: the archive's file is parsed by its kind,
// and what was read and every diagnostic, in English and in Chinese, must be the want section.
//
// The file's name says its kind: sheet.csv (ReadSheet), households.csv (ParseRoster),
// redemptions.csv (ParseRedemptions) or catalog.csv (ParseCatalog). Sections of the same
// name are joined in order, each written as its suffixes say, taken from the end and dropped
// from the name: .gb18030 encodes the text so; .bom adds a UTF-8 byte order mark; .crlf ends
// lines with CRLF; .escaped turns each \xHH into the byte HH; .noeol drops the last line feed.
// So a GB18030 file with a UTF-8 line pasted in is three sections: sheet.csv.gb18030,
// sheet.csv and sheet.csv.gb18030.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/parse/*.txtar")
	if len(files) == 0 {
		t.Fatal("no test cases")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var name string
			var data []byte
			want := -1
			for i, f := range ar.Files {
				if f.Name == "want" {
					want = i
					continue
				}
				n, b := materialize(t, f.Name, f.Data)
				if name != "" && n != name {
					t.Fatalf("two files, %s and %s", name, n)
				}
				name, data = n, append(data, b...)
			}
			if want < 0 {
				t.Fatal("no want section")
			}
			got := parseByKind(t, name, data)
			if *update {
				ar.Files[want].Data = []byte(got)
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if w := string(ar.Files[want].Data); got != w {
				t.Errorf("got:\n%s\nwant:\n%s", got, w)
			}
		})
	}
}

// parseByKind parses data as the kind of file its name says, and describes the result: how
// many rows were read, and each diagnostic in both languages.
func parseByKind(t *testing.T, name string, data []byte) string {
	var rows int
	var diags check.List
	var b strings.Builder
	switch name {
	case "sheet.csv":
		var entries []Entry
		entries, _, diags = ReadSheet(name, data)
		rows = len(entries)
		for _, e := range entries {
			if e.DateText != e.Date {
				fmt.Fprintf(&b, "line %d: date %q read as %s\n", e.Line, e.DateText, e.Date)
			}
		}
	case "households.csv":
		hs, _, d := ParseRoster(name, data)
		rows, diags = len(hs), d
	case "redemptions.csv":
		reds, _, d := ParseRedemptions(name, data)
		rows, diags = len(reds), d
	case "declarations.csv":
		var ds []Declaration
		ds, _, diags = ParseDeclarations(name, data)
		rows = len(ds)
		for _, d := range ds {
			fmt.Fprintf(&b, "line %d: %s %s %s %q\n", d.Line, d.Household, d.Item, d.Date, d.Outcome)
		}
	case "objections.csv":
		var os []Objection
		os, _, diags = ParseObjections(name, data)
		rows = len(os)
		for _, o := range os {
			fmt.Fprintf(&b, "line %d: %s %s %q %s\n", o.Line, o.Household, o.Received, o.Outcome, o.Replied)
		}
	case "catalog.csv":
		goods, d := ParseCatalog(name, data)
		rows, diags = len(goods), d
	default:
		t.Fatalf("unknown kind of file %s", name)
	}
	diags.Sort()
	for _, d := range diags {
		if en := quoted.ReplaceAllString(d.Message("en"), ""); han.MatchString(en) {
			t.Errorf("%s: Chinese in the English message %q", d.Position(), d.Message("en"))
		}
	}
	return fmt.Sprintf("read %d rows\n", rows) + b.String() + bothLanguages(diags)
}

// bothLanguages lists diagnostics with their position and code, and their message in English
// and in Chinese, each checked to be in its own language.
func bothLanguages(l check.List) string {
	var b strings.Builder
	for _, d := range l {
		fmt.Fprintf(&b, "%s %s\n\ten: %s\n\tzh: %s\n", d.Position(), d.Code, d.Message("en"), d.Message("zh"))
	}
	return b.String()
}

var (
	quoted = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
	han    = regexp.MustCompile(`\p{Han}`)
)

var escape = regexp.MustCompile(`\\x[0-9a-fA-F]{2}`)

func materialize(t *testing.T, name string, data []byte) (string, []byte) {
	t.Helper()
	for {
		ext := filepath.Ext(name)
		switch ext {
		case ".crlf":
			data = bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n"))
		case ".bom":
			data = append([]byte("\xEF\xBB\xBF"), data...)
		case ".noeol":
			data = bytes.TrimSuffix(data, []byte("\n"))
		case ".gb18030":
			var err error
			if data, err = simplifiedchinese.GB18030.NewEncoder().Bytes(data); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		case ".escaped":
			data = escape.ReplaceAllFunc(data, func(m []byte) []byte {
				b, _ := strconv.ParseUint(string(m[2:]), 16, 8)
				return []byte{byte(b)}
			})
		default:
			return name, data
		}
		name = strings.TrimSuffix(name, ext)
	}
}
