package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestNewTownMonth plays a new town's first month through with the real git command: jifen
// init, a sheet from jifen template filled in as a cadre would in Excel, committed on a branch,
// checked by the command of the reusable workflow (first with a wrong row, then fixed), merged
// into main with a review, and built: the month is on the site, in public notice.
func TestNewTownMonth(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	repo := filepath.Join(t.TempDir(), "records")
	if stdout, stderr, err := jifen(t, "init", repo, "--town", "青山镇", "--village", "qingshan", "--village-name", "青山村", "--org", "qingshan-town"); err != nil {
		t.Fatalf("jifen init: %v\n%s%s", err, stdout, stderr)
	}
	runGit(t, repo, "init", "-q", "-b", "main")
	runGit(t, repo, "add", ".")
	runGit(t, repo, "commit", "-q", "-m", "建立青山镇积分记录仓库")

	runGit(t, repo, "checkout", "-q", "-b", "qingshan/2025-07")
	if stdout, stderr, err := jifen(t, "template", "--repo", repo, "--village", "qingshan", "--month", "2025-07"); err != nil {
		t.Fatalf("jifen template: %v\n%s%s", err, stdout, stderr)
	}
	sheet := filepath.Join(repo, "villages/qingshan/sheets/2025-07.csv")
	blank := readPage(t, sheet)
	fill := func(points string) {
		t.Helper()
		filled := strings.NewReplacer(
			"SL-0001,示例户一,,,2025-07-31,,", "SL-0001,示例户一,GJ02,5,2025-07-03,参加修村道,签到表7-1",
			"SL-0002,示例户二,,,2025-07-31,,", "SL-0002,示例户二,ST01,"+points+",2025-07-20,庭院整洁,检查表7-2",
		).Replace(blank)
		if filled == blank {
			t.Fatalf("the template is not as expected:\n%s", blank)
		}
		write(t, sheet, filled)
		runGit(t, repo, "add", ".")
		runGit(t, repo, "commit", "-q", "-m", "青山村2025年7月积分评定表")
	}

	fill("4") // ST01 is worth 3
	summary := filepath.Join(t.TempDir(), "summary.md")
	stdout, stderr, err := jifen(t, workflowValidate(t, repo, summary)...)
	if !errors.Is(err, errBadRecords) {
		t.Fatalf("the wrong row passed: %v\n%s%s", err, stdout, stderr)
	}
	if want := "::error file=villages/qingshan/sheets/2025-07.csv,line=3,title=E104"; !strings.HasPrefix(stdout, want) || strings.Count(stdout, "::") != 2 {
		t.Errorf("annotations:\n%s\nwant one, starting %s", stdout, want)
	}
	if s := readPage(t, summary); !strings.Contains(s, "#### villages/qingshan/sheets/2025-07.csv\n") || !strings.Contains(s, "| 3 | 分值 \"4\" 不符合细则") ||
		!strings.Contains(s, "本次改动的文件里有 1 个问题，其他文件里还有 0 个。") {
		t.Errorf("job summary:\n%s", s)
	}

	fill("3")
	if stdout, stderr, err := jifen(t, workflowValidate(t, repo, summary)...); err != nil || stdout != "" {
		t.Fatalf("the fixed sheet does not pass: %v\n%s%s", err, stdout, stderr)
	}

	runGit(t, repo, "checkout", "-q", "main")
	runGit(t, repo, "merge", "-q", "--no-ff", "qingshan/2025-07", "-m",
		"Merge pull request #1 from qingshan/2025-07\n\nReviewed-by: 评议员甲 <a@example.org>")
	out := buildSite(t, "--repo", repo, "--as-of", "2025-08-04") // merged on 2025-08-03, see runGit

	month := readPage(t, filepath.Join(out, "qingshan/2025-07/index.html"))
	if !strings.Contains(month, "公示中") {
		t.Error("July is not in public notice the day after it was merged")
	}
	var got []string
	for _, r := range rows(t, month, "ranking") {
		got = append(got, r[0]+" "+r[1]+" "+r[3])
	}
	if g, want := strings.Join(got, "\n"), "1 SL-0001 5\n2 SL-0002 3"; g != want {
		t.Errorf("ranking:\n%s\nwant\n%s", g, want)
	}
}

// workflowValidate returns the command that the reusable workflow runs on a pull request, as
// arguments for jifen, with the records and the job summary file put in.
func workflowValidate(t *testing.T, records, summary string) []string {
	t.Helper()
	workflow := readPage(t, filepath.Join(project(t), ".github/workflows/validate.yml"))
	_, cmd, ok := strings.Cut(workflow, "run: jifen ")
	if !ok {
		t.Fatal("no jifen command in .github/workflows/validate.yml")
	}
	cmd, _, _ = strings.Cut(cmd, "\n")
	env := map[string]string{"ROOT": "", "JIFEN_LANG": "zh", "GITHUB_STEP_SUMMARY": summary, "SINCE": "main"} // the pull request branched from main
	var args []string
	for _, f := range strings.Fields(cmd) {
		f = os.Expand(strings.Trim(f, `"`), func(k string) string { return env[k] })
		if f == "../records" {
			f = records
		}
		args = append(args, f)
	}
	return args
}

// TestInitRefuses writes nothing into a directory that is not empty, nor with names that the
// records format does not accept.
func TestInitRefuses(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "notes.txt"), "x")
	if _, _, err := jifen(t, "init", dir); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("init into a directory that is not empty: %v", err)
	}
	for _, args := range [][]string{
		{"--village", "QingShan", "--village-name", "青山村"},
		{"--village", "qingshan"},
		{"--org", "qingshan town"},
		{"--town", ""},
	} {
		dir := filepath.Join(t.TempDir(), "records")
		_, stderr, err := jifen(t, append([]string{"init", dir}, args...)...)
		if !errors.Is(err, errUsage) {
			t.Errorf("init %v: %v\n%s", args, err, stderr)
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("init %v wrote %s", args, dir)
		}
	}
}
