package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTemplate writes a template, checks its bytes, and checks that validate takes it for an
// empty sheet until a row is filled in.
func TestTemplate(t *testing.T) {
	dir := testRecords(t)

	stdout, _, err := jifen(t, "template", "--village", "dongcun", "--month", "2025-07", "--repo", dir, "--out", "-")
	if err != nil {
		t.Fatal(err)
	}
	// D-04 left on 2025-06-30, so July has three households.
	// Each row has the head's name beside the code, for the cadre's eye: it is never read.
	want := "\uFEFF户号,户主,事项,分值,日期,说明,佐证\r\nD-01,欧阳春晓,,,2025-07-31,,\r\nD-02,司马秋白,,,2025-07-31,,\r\nD-03,诸葛夏雨,,,2025-07-31,,\r\n"
	if stdout != want {
		t.Errorf("template:\n%q\nwant:\n%q", stdout, want)
	}

	if _, _, err := jifen(t, "template", "--village", "dongcun", "--month", "2025-07", "--repo", dir); err != nil {
		t.Fatal(err)
	}
	sheet := filepath.Join(dir, "villages/dongcun/sheets/2025-07.csv")
	data, err := os.ReadFile(sheet)
	if err != nil || string(data) != want {
		t.Fatalf("written template %q, %v", data, err)
	}
	if _, _, err := jifen(t, "template", "--village", "dongcun", "--month", "2025-07", "--repo", dir); err == nil {
		t.Error("template overwrote an existing sheet")
	}

	stdout, _, err = jifen(t, "validate", "--repo", dir, "--as-of", "2025-08-01")
	if !errors.Is(err, errBadRecords) || !strings.Contains(stdout, "[E114]") {
		t.Errorf("untouched template: %v\n%s", err, stdout)
	}
	filled := strings.Replace(want, "D-02,司马秋白,,,2025-07-31,,", "D-02,司马秋白,ZF01,5,2025-07-31,,", 1)
	if err := os.WriteFile(sheet, []byte(filled), 0o644); err != nil {
		t.Fatal(err)
	}
	if stdout, _, err = jifen(t, "validate", "--repo", dir, "--as-of", "2025-08-01"); err != nil {
		t.Errorf("filled template: %v\n%s", err, stdout)
	}

	for _, args := range [][]string{
		{"template", "--village", "dongcun", "--month", "2025-7", "--repo", dir},
		{"template", "--village", "xicun", "--month", "2025-07", "--repo", dir, "--out", "-"},
	} {
		if _, _, err := jifen(t, args...); !errors.Is(err, errUsage) {
			t.Errorf("jifen %s: %v, want a usage error", strings.Join(args, " "), err)
		}
	}
}

// TestGitHubSummary checks that --format github appends the Markdown summary to the file that
// $GITHUB_STEP_SUMMARY names, with annotations on standard output whose paths include --root.
func TestGitHubSummary(t *testing.T) {
	repo := t.TempDir()
	dir := filepath.Join(repo, "records")
	copyDir(t, "testdata/records", dir)
	copyDir(t, "../../demo/records/rules", filepath.Join(dir, "rules"))
	write(t, filepath.Join(dir, "villages/dongcun/sheets/2025-07.csv"), "户号,事项,分值,日期,说明,佐证\nD-09,GJ02,5,2025-07-03,修村道|第一段,签到表7-1\n")
	summary := filepath.Join(t.TempDir(), "summary.md")
	write(t, summary, "earlier steps\n")
	t.Setenv("GITHUB_STEP_SUMMARY", summary)

	stdout, _, err := jifen(t, "validate", "--repo", repo, "--root", "records", "--format", "github", "--as-of", "2025-08-01")
	if !errors.Is(err, errBadRecords) {
		t.Fatalf("error = %v, want bad records", err)
	}
	want := "::error file=records/villages/dongcun/sheets/2025-07.csv,line=2,title=E101 户号不在名册::户号 \"D-09\" 不在本村名册（households.csv）里" +
		"%0A怎么改：改正户号（大小写也要一致），或者先把这一户加进名册\n"
	if stdout != want {
		t.Errorf("annotations:\n%s\nwant:\n%s", stdout, want)
	}
	data, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	wantSummary := "earlier steps\n### jifen: 共 1 个错误，涉及 1 个文件\n\n" +
		"| 代码 | 问题 | 个数 | 怎么改 |\n|---|---|--:|---|\n| E101 | 户号不在名册 | 1 | 改正户号（大小写也要一致），或者先把这一户加进名册 |\n\n" +
		"#### records/villages/dongcun/sheets/2025-07.csv\n\n" +
		"| 行 | 问题 | 代码 |\n|--:|---|---|\n" +
		"| 2 | 户号 \"D-09\" 不在本村名册（households.csv）里 | E101 |\n"
	if string(data) != wantSummary {
		t.Errorf("summary:\n%s\nwant:\n%s", data, wantSummary)
	}
}

// TestTemplateOut: the format follows --out's extension; a name of the other format, and a
// workbook in the records, are refused with a word of why, and nothing is written.
func TestTemplateOut(t *testing.T) {
	dir := testRecords(t)
	work := t.TempDir()
	args := []string{"template", "--village", "dongcun", "--month", "2025-07", "--repo", dir}
	if _, stderr, err := jifen(t, append(args, "--out", filepath.Join(work, "7月.xlsx"))...); err != nil {
		t.Fatal(err, stderr)
	}
	if data, _ := os.ReadFile(filepath.Join(work, "7月.xlsx")); !strings.HasPrefix(string(data), "PK\x03\x04") {
		t.Error("--out 7月.xlsx did not write a workbook")
	}
	for _, tt := range []struct{ args []string }{
		{[]string{"--format", "xlsx", "--out", filepath.Join(work, "2025-07.csv")}},
		{[]string{"--format", "csv", "--out", filepath.Join(work, "2025-07.xlsx")}},
		{[]string{"--out", filepath.Join(dir, "villages/dongcun/sheets/2025-07.xlsx")}},
		{[]string{"--format", "xlsx", "--out", filepath.Join(dir, "7月.bin")}},
	} {
		_, stderr, err := jifen(t, append(args, tt.args...)...)
		if !errors.Is(err, errUsage) || !strings.Contains(stderr, "jifen template: ") {
			t.Errorf("%v: %v\n%s", tt.args, err, stderr)
		}
	}
	t.Chdir(dir) // the default workbook would be written in the records
	if _, stderr, err := jifen(t, append(args, "--format", "xlsx")...); !errors.Is(err, errUsage) || !strings.Contains(stderr, "no place in the records") {
		t.Errorf("a workbook written in the records: %v\n%s", err, stderr)
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, "villages/dongcun")); len(entries) != 2 {
		t.Errorf("the records have new files: %v", entries)
	}
	if _, err := os.Stat(filepath.Join(dir, "2025-07.xlsx")); err == nil {
		t.Error("a workbook was written in the records")
	}
}
