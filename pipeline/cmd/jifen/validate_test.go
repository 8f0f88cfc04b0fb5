package main

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the want section of golden files")

// TestValidate runs each testdata/validate/*.txtar case: the archive's files are laid over the
// test records (testdata/records with the demo's rules), jifen runs with the args file, and its
// standard output must be the want file. Sections of an archive:
//
//   - args: the command line, without "jifen". $REPO stands for the records' directory; when
//     it does not appear, "--repo DIR" is appended.
//   - want: the expected standard output. Run go test -update to rewrite it.
//   - exit: the expected exit status, 0 (success) or 1 (bad records). Without it, 0 is expected
//     when want starts with 没有发现问题 or "no problems found", else 1.
//   - delete: paths of test records to remove, one a line.
//   - any other name: a file to write. Suffixes, taken from the end, say how to write it and
//     are dropped from the name: .crlf ends lines with CRLF; .bom adds a UTF-8 byte order mark;
//     .gb18030 and .latin1 encode the text so; .escaped turns each \xHH into the byte HH (for
//     bytes no text editor keeps). Several may be combined: sheet.csv.gb18030.crlf.
func TestValidate(t *testing.T) {
	files, _ := filepath.Glob("testdata/validate/*.txtar")
	if len(files) == 0 {
		t.Fatal("no test cases")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			copyDir(t, "testdata/records", dir)
			copyDir(t, "../../demo/records/rules", filepath.Join(dir, "rules"))
			var args []string
			want, exit := -1, -1
			for i, f := range ar.Files {
				switch f.Name {
				case "args":
					args = strings.Fields(string(f.Data))
				case "want":
					want = i
				case "exit":
					exit, _ = strconv.Atoi(strings.TrimSpace(string(f.Data)))
				case "delete":
					for _, p := range strings.Fields(string(f.Data)) {
						if err := os.Remove(filepath.Join(dir, p)); err != nil {
							t.Fatal(err)
						}
					}
				default:
					name, data := materialize(t, f.Name, f.Data)
					write(t, filepath.Join(dir, name), string(data))
				}
			}
			if want < 0 {
				t.Fatal("no want file")
			}
			repo := false
			for i, a := range args {
				repo = repo || strings.Contains(a, "$REPO")
				args[i] = strings.ReplaceAll(a, "$REPO", dir)
			}
			if !repo {
				args = append(args, "--repo", dir)
			}
			stdout, stderr, err := jifen(t, args...)
			if stderr != "" {
				t.Errorf("stderr: %s", stderr)
			}
			if exit < 0 {
				exit = 1
				if w := string(ar.Files[want].Data); strings.HasPrefix(w, "没有发现问题") || strings.HasPrefix(w, "no problems found") {
					exit = 0
				}
			}
			switch {
			case exit == 0 && err != nil:
				t.Errorf("error = %v, want success", err)
			case exit == 1 && !errors.Is(err, errBadRecords):
				t.Errorf("error = %v, want bad records (exit 1)", err)
			}
			if *update {
				ar.Files[want].Data = []byte(stdout)
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if got := stdout; got != string(ar.Files[want].Data) {
				t.Errorf("got:\n%s\nwant:\n%s", got, ar.Files[want].Data)
			}
		})
	}
}

var escape = regexp.MustCompile(`\\x[0-9A-Fa-f]{2}`)

// materialize applies the suffixes of an archive file's name (see TestValidate) to its data.
func materialize(t *testing.T, name string, data []byte) (string, []byte) {
	t.Helper()
	var encode func([]byte) ([]byte, error)
	bom := false
	for {
		ext := filepath.Ext(name)
		switch ext {
		case ".crlf":
			data = []byte(strings.ReplaceAll(string(data), "\n", "\r\n"))
		case ".bom":
			bom = true
		case ".gb18030":
			encode = simplifiedchinese.GB18030.NewEncoder().Bytes
		case ".latin1":
			encode = charmap.ISO8859_1.NewEncoder().Bytes
		case ".escaped":
			data = escape.ReplaceAllFunc(data, func(m []byte) []byte {
				b, _ := strconv.ParseUint(string(m[2:]), 16, 8)
				return []byte{byte(b)}
			})
		default:
			if encode != nil {
				var err error
				if data, err = encode(data); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
			}
			if bom {
				data = append([]byte("\xEF\xBB\xBF"), data...)
			}
			return name, data
		}
		name = strings.TrimSuffix(name, ext)
	}
}
