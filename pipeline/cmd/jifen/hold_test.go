package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// commitAt writes the files (name, content pairs; a nil-like "" content removes the file) and
// commits them all with the real git command at a time.
func commitAt(t *testing.T, repo, when, msg string, files ...string) {
	t.Helper()
	for i := 0; i < len(files); i += 2 {
		if files[i+1] == "" {
			os.Remove(filepath.Join(repo, files[i]))
			continue
		}
		write(t, filepath.Join(repo, files[i]), files[i+1])
	}
	gitAt(t, repo, when, "add", "-A")
	gitAt(t, repo, when, "commit", "-q", "--allow-empty", "-m", msg)
}

// gitAt runs the real git command in repo with its author and committer dates set to when.
func gitAt(t *testing.T, repo, when string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = repo
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=网格员甲", "GIT_AUTHOR_EMAIL=jia@example.org", "GIT_COMMITTER_NAME=村书记",
		"GIT_COMMITTER_EMAIL=shuji@example.org", "GIT_AUTHOR_DATE="+when, "GIT_COMMITTER_DATE="+when, "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

// twoVillages makes a records repository of a town with 东村 and 西村, set up on 2025-07-01.
func twoVillages(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	repo := testRecords(t)
	copyDir(t, filepath.Join(repo, "villages/dongcun"), filepath.Join(repo, "villages/xicun"))
	vt := filepath.Join(repo, "villages/xicun/village.toml")
	write(t, vt, strings.Replace(readPage(t, vt), "东村", "西村", 1))
	tt := filepath.Join(repo, "town.toml")
	write(t, tt, strings.Replace(readPage(t, tt), `["dongcun"]`, `["dongcun", "xicun"]`, 1))
	runGit(t, repo, "init", "-q", "-b", "main")
	commitAt(t, repo, "2025-07-01T10:00:00+08:00", "Set up the town")
	return repo
}

// sheetOf is a sheet in which each household earns 5 points for mending the road on the 3rd.
func sheetOf(month string, households ...string) string {
	s := "户号,事项,分值,日期,说明,佐证\n"
	for _, h := range households {
		s += h + ",GJ02,5," + month + "-03,修村道,签到表\n"
	}
	return s
}

// buildHeld builds the site of repo as of a date, expecting some records to be held back.
func buildHeld(t *testing.T, repo, asOf string) (out, stdout, stderr string) {
	t.Helper()
	tmp := t.TempDir()
	out = filepath.Join(tmp, "public")
	stdout, stderr, err := jifen(t, "build", "--project", project(t), "--data", filepath.Join(tmp, "data"), "--out", out,
		"--repo", repo, "--as-of", asOf)
	if !errors.Is(err, errHeld) || exitCode(err, nil) != 3 {
		t.Fatalf("err = %v, want records held back (exit status 3)\n%s%s", err, stdout, stderr)
	}
	return out, stdout, stderr
}

func exists(t *testing.T, name string) bool {
	t.Helper()
	_, err := os.Stat(name)
	return err == nil
}

// TestBrokenVillageHeldBack: a village whose new sheet has an error is published as of its
// last good commit; the other village publishes its new month; the build says so and fails.
func TestBrokenVillageHeldBack(t *testing.T) {
	repo := twoVillages(t)
	commitAt(t, repo, "2025-08-03T10:00:00+08:00", "July",
		"villages/dongcun/sheets/2025-07.csv", sheetOf("2025-07", "D-01", "D-03"),
		"villages/xicun/sheets/2025-07.csv", sheetOf("2025-07", "D-01"))
	commitAt(t, repo, "2025-09-03T10:00:00+08:00", "August, with a household that is not on 东村's roster",
		"villages/dongcun/sheets/2025-08.csv", sheetOf("2025-08", "D-01", "D-99"),
		"villages/xicun/sheets/2025-08.csv", sheetOf("2025-08", "D-03"))
	commitAt(t, repo, "2025-09-04T10:00:00+08:00", "西村 September notice", "villages/xicun/notices/2025-09-04.md", "# 九月通知\n\n开会。\n")

	summary := filepath.Join(t.TempDir(), "summary.md")
	t.Setenv("GITHUB_STEP_SUMMARY", summary)
	out, stdout, stderr := buildHeld(t, repo, "2025-09-20")
	if s := readPage(t, summary); !strings.Contains(s, "villages/dongcun/sheets/2025-08.csv") || !strings.Contains(s, "- 东村 新的记录有问题，网站上显示的是 2025-08-03 10:00") {
		t.Errorf("job summary:\n%s", s)
	}
	if !strings.Contains(stderr, "villages/dongcun/sheets/2025-08.csv:3: ") || !strings.Contains(stderr, "[E101]") {
		t.Errorf("the problem is not reported:\n%s", stderr)
	}
	if !strings.Contains(stdout, "东村 新的记录有问题，网站上显示的是 2025-08-03 10:00 提交") || strings.Contains(stdout, "西村 新的记录") {
		t.Errorf("stdout does not say which village is held back:\n%s", stdout)
	}
	for name, want := range map[string]bool{
		"dongcun/2025-07/index.html": true, "dongcun/2025-08/index.html": false,
		"xicun/2025-07/index.html": true, "xicun/2025-08/index.html": true,
	} {
		if exists(t, filepath.Join(out, name)) != want {
			t.Errorf("%s published: %v, want %v", name, !want, want)
		}
	}
	if hits := grep(t, out, "D-99"); len(hits) > 0 {
		t.Errorf("the held-back sheet is published in %v", hits)
	}
	if !strings.Contains(readPage(t, filepath.Join(out, "xicun/index.html")), "九月通知") {
		t.Error("西村's notice of September is not published")
	}

	// Corrected, August is published: approved when residents first saw it, with no correction.
	commitAt(t, repo, "2025-09-10T10:00:00+08:00", "东村 August corrected", "villages/dongcun/sheets/2025-08.csv", sheetOf("2025-08", "D-01", "D-02"))
	out = buildSite(t, "--repo", repo, "--as-of", "2025-09-12")
	month := readPage(t, filepath.Join(out, "dongcun/2025-08/index.html"))
	if strings.Contains(month, "更正记录") || !strings.Contains(month, "公示中") || !strings.Contains(month, "2025年9月10日") {
		t.Error("August is not approved on 10 September, uncorrected and in public notice")
	}
}

// TestBrokenRulesHoldTheTown: a rule set with an error holds back the whole town to the last
// commit at which the rule sets passed, each village to its own last good state by then.
func TestBrokenRulesHoldTheTown(t *testing.T) {
	repo := twoVillages(t)
	commitAt(t, repo, "2025-08-03T10:00:00+08:00", "July",
		"villages/dongcun/sheets/2025-07.csv", sheetOf("2025-07", "D-01"),
		"villages/xicun/sheets/2025-07.csv", sheetOf("2025-07", "D-01"))
	commitAt(t, repo, "2025-09-03T10:00:00+08:00", "August",
		"villages/dongcun/sheets/2025-08.csv", sheetOf("2025-08", "D-99"),
		"villages/xicun/sheets/2025-08.csv", sheetOf("2025-08", "D-03"))
	commitAt(t, repo, "2025-09-10T10:00:00+08:00", "A rule set from September, broken", "rules/2025-09-01.toml", "title = \n")
	commitAt(t, repo, "2025-09-11T10:00:00+08:00", "西村 September", "villages/xicun/sheets/2025-09.csv", sheetOf("2025-09", "D-01"))

	out, stdout, stderr := buildHeld(t, repo, "2025-10-20")
	if !strings.Contains(stderr, "rules/2025-09-01.toml") {
		t.Errorf("the rule set's problem is not reported:\n%s", stderr)
	}
	if !strings.Contains(stdout, "东村 新的记录有问题，网站上显示的是 2025-08-03 10:00") || !strings.Contains(stdout, "镇里的文件（town.toml、积分细则、商品目录）有问题：全镇显示的是 2025-09-03 10:00") ||
		strings.Contains(stdout, "西村 新的记录") {
		t.Errorf("stdout:\n%s", stdout)
	}
	for name, want := range map[string]bool{
		"dongcun/2025-07/index.html": true, "dongcun/2025-08/index.html": false,
		"xicun/2025-08/index.html": true, "xicun/2025-09/index.html": false,
	} {
		if exists(t, filepath.Join(out, name)) != want {
			t.Errorf("%s published: %v, want %v", name, !want, want)
		}
	}
	if page := readPage(t, filepath.Join(out, "xicun/index.html")); !strings.Contains(page, "镇里新提交的积分细则或设置正在核对，页面显示的是 2025年9月3日 的记录") {
		t.Error("西村's pages do not say the town's files are being checked")
	}
}

// TestVillageRemovedThenArchived: deleting a merged village's folder is refused, its history
// still published as it was; restored and archived, it publishes again with no error.
func TestVillageRemovedThenArchived(t *testing.T) {
	repo := twoVillages(t)
	commitAt(t, repo, "2025-08-03T10:00:00+08:00", "July",
		"villages/dongcun/sheets/2025-07.csv", sheetOf("2025-07", "D-01"),
		"villages/xicun/sheets/2025-07.csv", sheetOf("2025-07", "D-03"))
	town := readPage(t, filepath.Join(repo, "town.toml"))
	runGit(t, repo, "rm", "-q", "-r", "villages/xicun")
	commitAt(t, repo, "2025-09-01T10:00:00+08:00", "西村 merged into 东村", "town.toml", strings.Replace(town, `, "xicun"`, "", 1))

	out, stdout, stderr := buildHeld(t, repo, "2025-09-20")
	if !strings.Contains(stderr, "villages/xicun/village.toml: 缺少文件 villages/xicun/：村 xicun 的记录审定过，在提交") || strings.Count(stderr, "[E112]") != 1 {
		t.Errorf("the deleted village is not refused once:\n%s", stderr)
	}
	if !strings.Contains(stdout, "西村 新的记录有问题，网站上显示的是 2025-08-03 10:00") || !exists(t, filepath.Join(out, "xicun/2025-07/index.html")) {
		t.Errorf("西村's history is not kept:\n%s", stdout)
	}

	runGit(t, repo, "checkout", "-q", "HEAD~1", "--", "villages/xicun")
	vt := filepath.Join(repo, "villages/xicun/village.toml")
	commitAt(t, repo, "2025-09-02T10:00:00+08:00", "西村 archived", "town.toml", town,
		"villages/xicun/village.toml", "archived = true\nmerged_into = \"dongcun\"\n"+readPage(t, vt))
	out = buildSite(t, "--repo", repo, "--as-of", "2025-09-05")
	if !exists(t, filepath.Join(out, "xicun/2025-07/index.html")) {
		t.Fatal("the archived village's history is not published")
	}
	// Restored as it was, July keeps its approval of 3 August: its notice ended long ago.
	if month := readPage(t, filepath.Join(out, "xicun/2025-07/index.html")); strings.Contains(month, "公示中") || !strings.Contains(month, "2025年8月3日") {
		t.Error("the restored sheet was approved again")
	}

	// Archived in September: a sheet for September is still welcome, one for October is not.
	commitAt(t, repo, "2025-10-03T10:00:00+08:00", "西村 September", "villages/xicun/sheets/2025-09.csv", sheetOf("2025-09", "D-03"))
	commitAt(t, repo, "2025-11-03T10:00:00+08:00", "西村 October", "villages/xicun/sheets/2025-10.csv", sheetOf("2025-10", "D-03"))
	_, _, stderr = buildHeld(t, repo, "2025-11-20")
	if want := "villages/xicun/sheets/2025-10.csv: 本村 2025-09 已停止记分（village.toml 写了 archived 或 merged_into），不能再有 2025-10 的记录 [E131]"; !strings.Contains(stderr, want) || strings.Count(stderr, "[E") != 1 {
		t.Errorf("stderr:\n%s\nwant:\n%s", stderr, want)
	}
}

// TestConflictingMerges: two pull requests that each passed on their own, one giving a
// household a leaving date and one scoring it after that date, conflict once both are merged:
// the village is held at the first merge; the build says so.
func TestConflictingMerges(t *testing.T) {
	repo := twoVillages(t)
	roster := readPage(t, filepath.Join(repo, "villages/dongcun/households.csv"))
	runGit(t, repo, "checkout", "-q", "-b", "roster")
	commitAt(t, repo, "2025-08-02T09:00:00+08:00", "D-01 moved away on 2025-08-10",
		"villages/dongcun/households.csv", strings.Replace(roster, "D-01,欧阳春晓,第一组,是,2024-12-01,", "D-01,欧阳春晓,第一组,是,2024-12-01,2025-08-10", 1))
	runGit(t, repo, "checkout", "-q", "main")
	runGit(t, repo, "checkout", "-q", "-b", "august")
	commitAt(t, repo, "2025-09-01T09:00:00+08:00", "东村 August", "villages/dongcun/sheets/2025-08.csv",
		"户号,事项,分值,日期,说明,佐证\nD-01,GJ02,5,2025-08-20,修村道,签到表\nD-03,GJ02,5,2025-08-20,修村道,签到表\n")
	runGit(t, repo, "checkout", "-q", "main")
	commitAt(t, repo, "2025-08-05T10:00:00+08:00", "西村 July", "villages/xicun/sheets/2025-07.csv", sheetOf("2025-07", "D-03"))
	gitAt(t, repo, "2025-09-02T10:00:00+08:00", "merge", "-q", "--no-ff", "roster", "-m", "Merge pull request from town/roster")
	gitAt(t, repo, "2025-09-03T10:00:00+08:00", "merge", "-q", "--no-ff", "august", "-m", "Merge pull request from town/august")
	out, stdout, stderr := buildHeld(t, repo, "2025-09-20")
	if !strings.Contains(stderr, "villages/dongcun/sheets/2025-08.csv:2: ") || !strings.Contains(stderr, "[E102]") {
		t.Errorf("the conflict is not reported on the sheet's row:\n%s", stderr)
	}
	if !strings.Contains(stdout, "东村 新的记录有问题，网站上显示的是 2025-09-02 10:00") {
		t.Errorf("东村 is not held at the first merge:\n%s", stdout)
	}
	if exists(t, filepath.Join(out, "dongcun/2025-08/index.html")) || !exists(t, filepath.Join(out, "xicun/2025-07/index.html")) {
		t.Error("东村's August is published, or 西村's July is not")
	}
}

// TestUnreadableVillageTomlHeldInPlace: a village whose village.toml no longer reads is held at
// its last good state, in its place in town.toml's order.
func TestUnreadableVillageTomlHeldInPlace(t *testing.T) {
	repo := twoVillages(t)
	commitAt(t, repo, "2025-08-03T10:00:00+08:00", "July",
		"villages/dongcun/sheets/2025-07.csv", sheetOf("2025-07", "D-01"),
		"villages/xicun/sheets/2025-07.csv", sheetOf("2025-07", "D-03"))
	commitAt(t, repo, "2025-08-04T10:00:00+08:00", "东村's village.toml broken", "villages/dongcun/village.toml", "name = \"东村\n")
	out, stdout, _ := buildHeld(t, repo, "2025-08-20")
	if !strings.Contains(stdout, "东村 新的记录有问题，网站上显示的是 2025-08-03 10:00") {
		t.Errorf("stdout:\n%s", stdout)
	}
	home := readPage(t, filepath.Join(out, "index.html"))
	if i, j := strings.Index(home, "东村"), strings.Index(home, "西村"); i < 0 || j < 0 || i > j {
		t.Errorf("东村 is not listed before 西村 on the home page (%d, %d)", i, j)
	}
}

// TestOutIsNotReplacedBlindly: an --out that is the records repository, or holds the project,
// is refused before anything is deleted.
func TestOutIsNotReplacedBlindly(t *testing.T) {
	repo := twoVillages(t)
	tmp := t.TempDir()
	for _, out := range []string{repo, filepath.Dir(project(t))} {
		_, _, err := jifen(t, "build", "--project", project(t), "--data", filepath.Join(tmp, "data"), "--out", out, "--repo", repo, "--as-of", "2025-08-20")
		if err == nil || !strings.Contains(err.Error(), "give --out a folder of its own") {
			t.Errorf("--out %s: %v, want a refusal", out, err)
		}
	}
	for _, name := range []string{filepath.Join(repo, ".git"), filepath.Join(project(t), "go.mod")} {
		if !exists(t, name) {
			t.Errorf("%s is gone", name)
		}
	}
}

// TestExampleTextsNeverPublished: once a town made with jifen init has its real address, its
// example texts are errors, and no earlier state of the records (without the address, when they
// were not yet errors) is published in its place; the same with --base-url.
func TestExampleTextsNeverPublished(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	repo := filepath.Join(t.TempDir(), "records")
	if stdout, stderr, err := jifen(t, "init", repo, "--town", "青山镇", "--village", "qingshan", "--village-name", "青山村", "--org", "qingshan-town"); err != nil {
		t.Fatalf("jifen init: %v\n%s%s", err, stdout, stderr)
	}
	runGit(t, repo, "init", "-q", "-b", "main")
	commitAt(t, repo, "2025-07-01T10:00:00+08:00", "建立青山镇积分记录仓库")
	tmp := t.TempDir()
	build := func(args ...string) error {
		args = append([]string{"build", "--project", project(t), "--data", filepath.Join(tmp, "data"), "--out", filepath.Join(tmp, "public"), "--repo", repo, "--as-of", "2025-07-20"}, args...)
		stdout, stderr, err := jifen(t, args...)
		if err != nil && !strings.Contains(stderr, "[E130]") {
			t.Errorf("no E130:\n%s%s", stdout, stderr)
		}
		return err
	}
	if err := build("--base-url", "https://jifen.qingshan.gov.cn/"); !errors.Is(err, errBadRecords) {
		t.Errorf("with --base-url: %v, want nothing published", err)
	}
	tt := filepath.Join(repo, "town.toml")
	commitAt(t, repo, "2025-07-02T10:00:00+08:00", "网站地址", "town.toml", readPage(t, tt)+"site_url = \"https://jifen.qingshan.gov.cn/\"\n")
	if err := build(); !errors.Is(err, errBadRecords) {
		t.Errorf("with site_url: %v, want nothing published", err)
	}
	if exists(t, filepath.Join(tmp, "public")) {
		t.Error("the example texts are published")
	}
}

// TestRevertedMerge: a sheet merged with an error, then reverted with git revert -m 1, was never
// seen by residents: its deletion is no error; merged again, corrected, it is approved then.
func TestRevertedMerge(t *testing.T) {
	repo := twoVillages(t)
	commitAt(t, repo, "2025-08-03T10:00:00+08:00", "July", "villages/dongcun/sheets/2025-07.csv", sheetOf("2025-07", "D-01"))
	runGit(t, repo, "checkout", "-q", "-b", "august")
	commitAt(t, repo, "2025-09-02T10:00:00+08:00", "东村 August", "villages/dongcun/sheets/2025-08.csv", sheetOf("2025-08", "D-01", "D-99"))
	runGit(t, repo, "checkout", "-q", "main")
	gitAt(t, repo, "2025-09-03T10:00:00+08:00", "merge", "-q", "--no-ff", "august", "-m", "Merge pull request #7 from town/august")
	gitAt(t, repo, "2025-09-04T10:00:00+08:00", "revert", "--no-edit", "-m", "1", "HEAD")

	out := buildSite(t, "--repo", repo, "--as-of", "2025-09-05")
	if exists(t, filepath.Join(out, "dongcun/2025-08/index.html")) || !exists(t, filepath.Join(out, "dongcun/2025-07/index.html")) {
		t.Error("after the revert, July must be published and August not")
	}

	commitAt(t, repo, "2025-09-06T10:00:00+08:00", "东村 August again", "villages/dongcun/sheets/2025-08.csv", sheetOf("2025-08", "D-01", "D-02"))
	out = buildSite(t, "--repo", repo, "--as-of", "2025-09-08")
	month := readPage(t, filepath.Join(out, "dongcun/2025-08/index.html"))
	if strings.Contains(month, "更正记录") || !strings.Contains(month, "2025年9月6日") || strings.Contains(month, "2025年9月3日") {
		t.Error("August is not approved on 6 September, with no correction")
	}
}

// TestValidateRevert: the pull request that reverts a merge with errors passes validate, as the
// build after it publishes; one that deletes a sheet residents saw does not.
func TestValidateRevert(t *testing.T) {
	repo := twoVillages(t)
	commitAt(t, repo, "2025-08-03T10:00:00+08:00", "July", "villages/dongcun/sheets/2025-07.csv", sheetOf("2025-07", "D-01"))
	commitAt(t, repo, "2025-09-03T10:00:00+08:00", "August, with an error", "villages/dongcun/sheets/2025-08.csv", sheetOf("2025-08", "D-99"))
	runGit(t, repo, "checkout", "-q", "-b", "revert")
	gitAt(t, repo, "2025-09-04T10:00:00+08:00", "revert", "--no-edit", "HEAD")
	if stdout, _, err := jifen(t, "validate", "--repo", repo, "--as-of", "2025-09-05"); err != nil {
		t.Errorf("the revert: %v\n%s", err, stdout)
	}
	os.Remove(filepath.Join(repo, "villages/dongcun/sheets/2025-07.csv"))
	if stdout, _, err := jifen(t, "validate", "--repo", repo, "--as-of", "2025-09-05"); !errors.Is(err, errBadRecords) || !strings.Contains(stdout, "[E112]") {
		t.Errorf("deleting July: %v\n%s", err, stdout)
	}
}

// TestValidateOtherVillageBroken: while one village's records on main have an error (published
// as held back), another village's pull request passes its check; the error is still listed.
func TestValidateOtherVillageBroken(t *testing.T) {
	repo := twoVillages(t)
	commitAt(t, repo, "2025-09-03T10:00:00+08:00", "东村 August, with an error", "villages/dongcun/sheets/2025-08.csv", sheetOf("2025-08", "D-99"))
	runGit(t, repo, "checkout", "-q", "-b", "xicun/2025-08")
	commitAt(t, repo, "2025-09-04T10:00:00+08:00", "西村 August", "villages/xicun/sheets/2025-08.csv", sheetOf("2025-08", "D-01"))
	stdout, _, err := jifen(t, "validate", "--repo", repo, "--as-of", "2025-09-05", "--changed-since", "main")
	if err != nil || !strings.Contains(stdout, "villages/dongcun/sheets/2025-08.csv:2: ") {
		t.Errorf("西村's pull request: %v\n%s", err, stdout)
	}
	commitAt(t, repo, "2025-09-04T11:00:00+08:00", "东村 roster touched too", "villages/dongcun/households.csv", readPage(t, filepath.Join(repo, "villages/dongcun/households.csv"))+"D-05,钱五,第一组,否,2025-01-01,\n")
	if _, _, err := jifen(t, "validate", "--repo", repo, "--as-of", "2025-09-05", "--changed-since", "main"); !errors.Is(err, errBadRecords) {
		t.Errorf("a pull request that touches 东村: %v, want its error to count", err)
	}
}

// TestCorrectionOfEvidenceOnly: a correction that changes only a row's evidence, which is never
// published, lists no changed row.
func TestCorrectionOfEvidenceOnly(t *testing.T) {
	repo := twoVillages(t)
	sheet := sheetOf("2025-07", "D-01")
	commitAt(t, repo, "2025-08-03T10:00:00+08:00", "July", "villages/dongcun/sheets/2025-07.csv", sheet)
	commitAt(t, repo, "2025-08-05T10:00:00+08:00", "July's evidence", "villages/dongcun/sheets/2025-07.csv", strings.Replace(sheet, "签到表", "签到表第2页", 1))
	month := readPage(t, filepath.Join(buildSite(t, "--repo", repo, "--as-of", "2025-08-20"), "dongcun/2025-07/index.html"))
	if !strings.Contains(month, "更正记录") || !strings.Contains(month, "这次更正没有改动评分行") || strings.Contains(month, "签到表") {
		t.Error("the correction of the evidence only is not shown as changing no row, or the evidence is published")
	}
}

// TestMoveFromHeldVillage: a household moves from 西村 to 东村 in the commit that also brings an
// error in 西村. 西村 is shown as it was before, without the move, so 东村's new household has
// received nothing yet and the old one keeps its points: both pages agree. Once 西村 is
// corrected, the points move.
func TestMoveFromHeldVillage(t *testing.T) {
	repo := twoVillages(t)
	commitAt(t, repo, "2025-08-03T10:00:00+08:00", "July",
		"villages/dongcun/sheets/2025-07.csv", sheetOf("2025-07", "D-01"),
		"villages/xicun/sheets/2025-07.csv", sheetOf("2025-07", "D-01", "D-03"))
	roster := readPage(t, filepath.Join(repo, "villages/dongcun/households.csv"))
	moved := strings.Replace(roster, "退出日期\n", "退出日期,迁自\n", 1) + "D-09,欧阳春晓,第一组,是,2025-08-10,,xicun/D-01\n"
	left := strings.Replace(roster, "D-01,欧阳春晓,第一组,是,2024-12-01,", "D-01,欧阳春晓,第一组,是,2024-12-01,2025-08-09", 1)
	commitAt(t, repo, "2025-08-10T10:00:00+08:00", "西村 D-01 moves to 东村, and 西村's August has a household not on its roster",
		"villages/dongcun/households.csv", moved,
		"villages/xicun/households.csv", left,
		"villages/xicun/sheets/2025-08.csv", sheetOf("2025-08", "D-03", "D-99"))

	out, _, _ := buildHeld(t, repo, "2025-09-20")
	newPage := readPage(t, filepath.Join(out, "dongcun/h/d-09/index.html"))
	oldPage := readPage(t, filepath.Join(out, "xicun/h/d-01/index.html"))
	if strings.Contains(newPage, "迁入转入") || strings.Contains(oldPage, "迁出转出") {
		t.Error("the points moved from a village shown as it was before the move")
	}

	commitAt(t, repo, "2025-09-21T10:00:00+08:00", "西村 August corrected", "villages/xicun/sheets/2025-08.csv", sheetOf("2025-08", "D-03"))
	out = buildSite(t, "--repo", repo, "--as-of", "2025-09-22")
	newPage = readPage(t, filepath.Join(out, "dongcun/h/d-09/index.html"))
	oldPage = readPage(t, filepath.Join(out, "xicun/h/d-01/index.html"))
	if !strings.Contains(newPage, "迁入转入") || !strings.Contains(oldPage, "迁出转出") {
		t.Error("once 西村 is corrected, the points do not move")
	}
}

// TestValidateBrokenMove: a pull request of 西村 alone that moves the 退出日期 of a household
// 东村's roster says moved in after the day it joined 东村 fails its check, though the problem
// is written on 东村's roster: the change answers for it.
func TestValidateBrokenMove(t *testing.T) {
	repo := twoVillages(t)
	roster := readPage(t, filepath.Join(repo, "villages/dongcun/households.csv"))
	left := strings.Replace(roster, "D-01,欧阳春晓,第一组,是,2024-12-01,", "D-01,欧阳春晓,第一组,是,2024-12-01,2025-08-09", 1)
	commitAt(t, repo, "2025-08-10T10:00:00+08:00", "西村 D-01 moves to 东村",
		"villages/dongcun/households.csv", strings.Replace(roster, "退出日期\n", "退出日期,迁自\n", 1)+"D-09,欧阳春晓,第一组,是,2025-08-10,,xicun/D-01\n",
		"villages/xicun/households.csv", left)
	if stdout, _, err := jifen(t, "validate", "--repo", repo, "--as-of", "2025-09-05"); err != nil {
		t.Fatalf("the move: %v\n%s", err, stdout)
	}
	runGit(t, repo, "checkout", "-q", "-b", "xicun/roster")
	commitAt(t, repo, "2025-09-04T10:00:00+08:00", "西村 D-01 left later", "villages/xicun/households.csv", strings.Replace(left, "2025-08-09", "2025-08-20", 1))
	stdout, _, err := jifen(t, "validate", "--repo", repo, "--as-of", "2025-09-05", "--changed-since", "main")
	if !errors.Is(err, errBadRecords) || !strings.Contains(stdout, "villages/dongcun/households.csv:6: ") || !strings.Contains(stdout, "[E138]") {
		t.Errorf("西村's pull request that breaks 东村's 迁自: %v, want its error to count\n%s", err, stdout)
	}
}

// TestValidateArchivingUncommitted: a village that merges into another, checked before the
// change is committed, has stopped keeping records from now, not from when its village.toml was
// first committed: its months so far are no error.
func TestValidateArchivingUncommitted(t *testing.T) {
	repo := twoVillages(t)
	commitAt(t, repo, "2025-08-03T10:00:00+08:00", "July", "villages/xicun/sheets/2025-07.csv", sheetOf("2025-07", "D-01"))
	commitAt(t, repo, "2025-09-03T10:00:00+08:00", "August", "villages/xicun/sheets/2025-08.csv", sheetOf("2025-08", "D-01"))
	vt := filepath.Join(repo, "villages/xicun/village.toml")
	write(t, vt, "archived = true\nmerged_into = \"dongcun\"\n"+readPage(t, vt))
	if stdout, _, err := jifen(t, "validate", "--repo", repo, "--as-of", "2025-09-05"); err != nil {
		t.Errorf("西村 merging, not yet committed: %v\n%s", err, stdout)
	}
}
