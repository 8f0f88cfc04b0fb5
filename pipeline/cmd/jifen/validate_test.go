package main

import (
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
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
			dir := testRecords(t)
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

// testRecords writes the test records (testdata/records with the demo's rules) to a temporary
// directory and returns it.
func testRecords(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	copyDir(t, "testdata/records", dir)
	copyDir(t, "../../demo/records/rules", filepath.Join(dir, "rules"))
	return dir
}

// TestValidateRefusesSymlinksAndBigFiles checks that validate refuses what build refuses, with
// the same code and exit status: a symbolic link and a file over 16 MB (which it does not read).
func TestValidateRefusesSymlinksAndBigFiles(t *testing.T) {
	dir := testRecords(t)
	write(t, filepath.Join(dir, "elsewhere/2025-07.csv"), "户号,事项,分值,日期,说明,佐证\nD-01,GJ02,5,2025-07-03,修村道,签到表7-1\n")
	os.MkdirAll(filepath.Join(dir, "villages/dongcun/sheets"), 0o755)
	if err := os.Symlink("../../../elsewhere/2025-07.csv", filepath.Join(dir, "villages/dongcun/sheets/2025-07.csv")); err != nil {
		t.Skip(err)
	}
	write(t, filepath.Join(dir, "villages/dongcun/scan.jpg"), "")
	if err := os.Truncate(filepath.Join(dir, "villages/dongcun/scan.jpg"), 17<<20); err != nil { // sparse: nothing written
		t.Fatal(err)
	}
	for lang, want := range map[string][]string{
		"zh": {
			`villages/dongcun/scan.jpg: 不读取文件 "villages/dongcun/scan.jpg"：文件有 17 MB，超过了 16 MB 的上限 [E116]`,
			`villages/dongcun/sheets/2025-07.csv: 不读取文件 "villages/dongcun/sheets/2025-07.csv"：这是符号链接 [E116]`,
		},
		"en": {
			`villages/dongcun/scan.jpg: the file "villages/dongcun/scan.jpg" is not read: it is 17 MB, over the limit of 16 MB [E116]`,
			`villages/dongcun/sheets/2025-07.csv: the file "villages/dongcun/sheets/2025-07.csv" is not read: it is a symbolic link [E116]`,
		},
	} {
		stdout, stderr, err := jifen(t, "validate", "--repo", dir, "--root", "", "--lang", lang)
		if !errors.Is(err, errBadRecords) || stderr != "" {
			t.Errorf("%s: error %v, stderr %q; want bad records (exit 1)", lang, err, stderr)
		}
		for _, w := range want {
			if !strings.Contains(stdout, w+"\n") {
				t.Errorf("%s: no line %s in:\n%s", lang, w, stdout)
			}
		}
	}
}

// changedRepo makes a records repository with the git command: on main, a June sheet with a
// problem and a July sheet without; then, in the working tree, July modified and August added,
// each with a problem of its own. It returns the directory and main's commit.
func changedRepo(t *testing.T) (string, string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := testRecords(t)
	sheet := func(month, row string) {
		write(t, filepath.Join(dir, "villages/dongcun/sheets", month+".csv"), "户号,事项,分值,日期,说明,佐证\n"+row+"\n")
	}
	sheet("2025-06", "D-09,GJ02,5,2025-06-03,修村道,签到表6-1")
	sheet("2025-07", "D-01,GJ02,5,2025-07-03,修村道,签到表7-1")
	runGit(t, dir, "init", "-q", "-b", "main")
	runGit(t, dir, "add", "-A")
	runGit(t, dir, "commit", "-q", "-m", "Set up the town")
	out, err := exec.Command("git", "-C", dir, "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatal(err)
	}
	sheet("2025-07", "D-08,GJ02,5,2025-07-03,修村道,签到表7-1")
	sheet("2025-08", "D-07,GJ02,5,2025-08-03,修村道,签到表8-1")
	return dir, strings.TrimSpace(string(out))
}

// TestValidateChangedSince checks that the problems of the files changed since a commit come
// first, in the text, the annotations and the job summary.
func TestValidateChangedSince(t *testing.T) {
	dir, base := changedRepo(t)
	files := func(out, sep string) []string {
		var fs []string
		for _, line := range strings.Split(out, "\n") {
			if f, _, ok := strings.Cut(line, sep); ok && strings.HasPrefix(f, "villages/") && !slices.Contains(fs, f) {
				fs = append(fs, f)
			}
		}
		return fs
	}
	sheets := func(months ...string) []string {
		var fs []string
		for _, m := range months {
			fs = append(fs, "villages/dongcun/sheets/"+m+".csv")
		}
		return fs
	}
	args := []string{"validate", "--repo", dir, "--as-of", "2025-09-15"}
	stdout, _, _ := jifen(t, args...)
	if got, want := files(stdout, ":"), sheets("2025-06", "2025-07", "2025-08"); !slices.Equal(got, want) {
		t.Errorf("without --changed-since, files in order %v, want %v:\n%s", got, want, stdout)
	}
	for _, rev := range []string{"main", base} {
		stdout, stderr, err := jifen(t, append(args, "--changed-since", rev)...)
		if !errors.Is(err, errBadRecords) || stderr != "" {
			t.Errorf("--changed-since %s: error %v, stderr %q; want bad records (exit 1)", rev, err, stderr)
		}
		if got, want := files(stdout, ":"), sheets("2025-07", "2025-08", "2025-06"); !slices.Equal(got, want) {
			t.Errorf("--changed-since %s: files in order %v, want %v:\n%s", rev, got, want, stdout)
		}
	}

	summary := filepath.Join(t.TempDir(), "summary.md")
	stdout, _, err := jifen(t, append(args, "--changed-since", "main", "--format", "github", "--summary", summary)...)
	if !errors.Is(err, errBadRecords) {
		t.Errorf("--format github: error %v, want bad records (exit 1)", err)
	}
	var annotated []string
	for _, line := range strings.Split(stdout, "\n") {
		if f, ok := strings.CutPrefix(line, "::error file="); ok {
			f, _, _ = strings.Cut(f, ",")
			annotated = append(annotated, f)
		}
	}
	if want := sheets("2025-07", "2025-08", "2025-06"); !slices.Equal(annotated, want) {
		t.Errorf("annotations on %v, want %v:\n%s", annotated, want, stdout)
	}
	md, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	var headings []string
	for _, line := range strings.Split(string(md), "\n") {
		if h, ok := strings.CutPrefix(line, "#### "); ok {
			headings = append(headings, h)
		}
	}
	if want := sheets("2025-07", "2025-08", "2025-06"); !slices.Equal(headings, want) {
		t.Errorf("summary groups %v, want %v:\n%s", headings, want, md)
	}
	if !strings.Contains(string(md), "本次改动的文件里有 2 个问题，其他文件里还有 1 个") {
		t.Errorf("the summary does not say how many problems are elsewhere:\n%s", md)
	}
}

// TestValidateChangedSinceUnknown checks that a revision the repository does not have, or a
// working tree that is not in a git repository, is a usage error (exit 2) that names it.
func TestValidateChangedSinceUnknown(t *testing.T) {
	dir, _ := changedRepo(t)
	for _, c := range []struct{ dir, rev string }{{dir, "origin/main"}, {dir, "0123456789abcdef0123456789abcdef01234567"}, {testRecords(t), "main"}} {
		stdout, stderr, err := jifen(t, "validate", "--repo", c.dir, "--changed-since", c.rev)
		if !errors.Is(err, errUsage) || stdout != "" || !strings.Contains(stderr, "--changed-since") || !strings.Contains(stderr, c.rev) {
			t.Errorf("--changed-since %s in %s: error %v, stdout %q, stderr %q; want a usage error that names it", c.rev, c.dir, err, stdout, stderr)
		}
	}
}

// TestValidateJudgesHistoryAsBuild checks that validate, in a git working tree, judges committed
// files as build does, by the history of the checked-out commit: a price raised in the
// catalog (not yet committed) does not make an exchange approved at the old price wrong, while
// a new exchange at the old price is.
func TestValidateJudgesHistoryAsBuild(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := testRecords(t)
	catalog := func(price string) {
		write(t, filepath.Join(dir, "supermarket/catalog.csv"), "商品编号,名称,单位,积分,成本\nG02,洗衣粉,袋,"+price+",4.80\n")
	}
	catalog("5")
	write(t, filepath.Join(dir, "villages/dongcun/sheets/2025-07.csv"), "户号,事项,分值,日期,说明,佐证\nD-01,GJ02,5,2025-07-03,修村道,签到表7-1\nD-03,GJ02,5,2025-07-04,修村道,签到表7-2\n")
	write(t, filepath.Join(dir, "villages/dongcun/redemptions/2025-08.csv"), "户号,商品,数量,积分,日期\nD-01,G02,1,5,2025-08-20\n")
	for _, m := range []string{"08", "09"} {
		write(t, filepath.Join(dir, "villages/dongcun/sheets/2025-"+m+".csv"), "户号,事项,分值,日期,说明,佐证\nD-02,GJ02,5,2025-"+m+"-01,修村道,签到表\n")
	}
	runGit(t, dir, "init", "-q", "-b", "main")
	runGit(t, dir, "add", "-A")
	runGit(t, dir, "commit", "-q", "-m", "July and August")
	catalog("6")
	if stdout, _, err := jifen(t, "validate", "--repo", dir, "--as-of", "2025-09-10"); err != nil {
		t.Errorf("the old exchange is judged at the new price: %v\n%s", err, stdout)
	}
	write(t, filepath.Join(dir, "villages/dongcun/redemptions/2025-09.csv"), "户号,商品,数量,积分,日期\nD-03,G02,1,5,2025-09-02\n")
	stdout, _, err := jifen(t, "validate", "--repo", dir, "--as-of", "2025-09-10")
	if want := `villages/dongcun/redemptions/2025-09.csv:2: 积分 "5" 不对：1 × 6 = 6（洗衣粉） [E111]`; !errors.Is(err, errBadRecords) || !strings.Contains(stdout, want+"\n") {
		t.Errorf("a new exchange at the old price: %v\n%s\nwant %s", err, stdout, want)
	}
}

// TestValidateRemovedSheet checks that an approved sheet deleted later, committed or not, is one
// problem at its path, and that the balances it leaves short are not reported.
func TestValidateRemovedSheet(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := testRecords(t)
	write(t, filepath.Join(dir, "supermarket/catalog.csv"), "商品编号,名称,单位,积分,成本\nG02,洗衣粉,袋,5,4.80\n")
	write(t, filepath.Join(dir, "villages/dongcun/sheets/2025-07.csv"), "户号,事项,分值,日期,说明,佐证\nD-01,GJ02,5,2025-07-03,修村道,签到表7-1\n")
	write(t, filepath.Join(dir, "villages/dongcun/sheets/2025-08.csv"), "户号,事项,分值,日期,说明,佐证\nD-02,GJ02,5,2025-08-03,修村道,签到表8-1\n")
	write(t, filepath.Join(dir, "villages/dongcun/redemptions/2025-08.csv"), "户号,商品,数量,积分,日期\nD-01,G02,1,5,2025-08-20\n")
	runGit(t, dir, "init", "-q", "-b", "main")
	runGit(t, dir, "add", "-A")
	runGit(t, dir, "commit", "-q", "-m", "July and August")
	want := "villages/dongcun/sheets/2025-07.csv: 缺少文件 villages/dongcun/sheets/2025-07.csv：这个文件审定过，"
	os.Remove(filepath.Join(dir, "villages/dongcun/sheets/2025-07.csv"))
	for _, committed := range []bool{false, true} {
		if committed {
			runGit(t, dir, "commit", "-q", "-am", "Delete July")
		}
		stdout, _, err := jifen(t, "validate", "--repo", dir, "--as-of", "2025-09-10")
		if !errors.Is(err, errBadRecords) || !strings.HasPrefix(stdout, want) || !strings.Contains(stdout, "共 1 个错误") {
			t.Errorf("committed %v: %v\n%s\nwant one problem starting %s", committed, err, stdout, want)
		}
	}
}
