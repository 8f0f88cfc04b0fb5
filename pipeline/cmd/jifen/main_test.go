package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"index/suffixarray"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/jifen-project/jifen/pipeline/demo"
	"github.com/jifen-project/jifen/pipeline/score"
	"github.com/jifen-project/jifen/pipeline/sheet"
	"github.com/jifen-project/jifen/pipeline/town"
)

// project is the site project: the repository's top, with hugo.toml.
func project(t *testing.T) string {
	t.Helper()
	p, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// jifen runs the command in-process and returns its output and error.
func jifen(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), args, &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

// build builds a site into a temporary directory and returns it.
func buildSite(t *testing.T, args ...string) string {
	t.Helper()
	_, out := buildSiteOut(t, args...)
	return out
}

// buildSiteOut is buildSite that also returns what the build said.
func buildSiteOut(t *testing.T, args ...string) (string, string) {
	t.Helper()
	return buildIn(t, false, args...)
}

// buildIn builds a site into a temporary directory and returns what the build said and the
// directory; with held, also when the build held records back.
func buildIn(t *testing.T, held bool, args ...string) (string, string) {
	t.Helper()
	tmp := t.TempDir()
	out := filepath.Join(tmp, "public")
	args = append([]string{"build", "--project", project(t), "--data", filepath.Join(tmp, "data"), "--out", out}, args...)
	stdout, stderr, err := jifen(t, args...)
	if err != nil && !(held && errors.Is(err, errHeld)) {
		t.Fatalf("jifen %s: %v\n%s%s", strings.Join(args, " "), err, stdout, stderr)
	}
	return stdout, out
}

func readPage(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// rows returns the text of each cell of each body row of the page's tables of a class.
func rows(t *testing.T, page, class string) [][]string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var out [][]string
	var text func(*html.Node) string
	text = func(n *html.Node) string {
		if n.Type == html.TextNode {
			return n.Data
		}
		var b strings.Builder
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			b.WriteString(text(c))
		}
		return b.String()
	}
	var walk func(*html.Node, bool)
	walk = func(n *html.Node, inBody bool) {
		if n.Type == html.ElementNode && n.Data == "table" && !slices.Contains(strings.Fields(attr(n, "class")), class) {
			return
		}
		if n.Type == html.ElementNode && n.Data == "tr" && inBody {
			var cells []string
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if c.Type == html.ElementNode && (c.Data == "td" || c.Data == "th") {
					cells = append(cells, strings.Join(strings.Fields(text(c)), " "))
				}
			}
			out = append(out, cells)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inBody || (n.Type == html.ElementNode && n.Data == "tbody"))
		}
	}
	walk(doc, false)
	return out
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// grep lists the files under dir whose content contains s.
func grep(t *testing.T, dir, s string) []string {
	t.Helper()
	var hits []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if data, _ := os.ReadFile(p); bytes.Contains(data, []byte(s)) {
			hits = append(hits, p)
		}
		return nil
	})
	return hits
}

func runGit(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=网格员甲", "GIT_AUTHOR_EMAIL=jia@example.org",
		"GIT_COMMITTER_NAME=村书记", "GIT_COMMITTER_EMAIL=shuji@example.org",
		"GIT_AUTHOR_DATE=2025-08-02T10:00:00+08:00", "GIT_COMMITTER_DATE=2025-08-03T10:00:00+08:00",
		"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		os.MkdirAll(filepath.Join(to, filepath.Dir(rel)), 0o755)
		return os.WriteFile(filepath.Join(to, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func write(t *testing.T, name, content string) {
	t.Helper()
	os.MkdirAll(filepath.Dir(name), 0o755)
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestBuildFromGitRepository builds the site of a records repository made with the real git
// command: the sheet merged into main is published, the one on an unmerged branch is not.
func TestBuildFromGitRepository(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	repo := testRecords(t)
	runGit(t, repo, "init", "-q", "-b", "main")
	runGit(t, repo, "add", "-A")
	runGit(t, repo, "commit", "-q", "-m", "Set up the town")

	runGit(t, repo, "checkout", "-q", "-b", "dongcun/2025-07")
	write(t, filepath.Join(repo, "villages/dongcun/sheets/2025-07.csv"), "户号,事项,分值,日期,说明,佐证\n"+
		"D-01,GJ02,5,2025-07-03,修村道,签到表7-1\nD-01,ST01,3,2025-07-20,,检查表7-2\n"+
		"D-02,GJ02,5,2025-07-03,修村道,签到表7-1\nD-02,ST01,3,2025-07-20,,检查表7-2\n"+
		"D-03,XF04,10,2025-07-15,获镇级表彰,表彰文件7-3\n")
	runGit(t, repo, "add", "-A")
	runGit(t, repo, "commit", "-q", "-m", "东村 2025年7月评定表")
	runGit(t, repo, "checkout", "-q", "main")
	runGit(t, repo, "merge", "-q", "--no-ff", "dongcun/2025-07", "-m", "Merge pull request #1 from town/dongcun/2025-07\n\nReviewed-by: 评议员甲 <a@example.org>")

	runGit(t, repo, "checkout", "-q", "-b", "dongcun/2025-08")
	write(t, filepath.Join(repo, "villages/dongcun/sheets/2025-08.csv"), "户号,事项,分值,日期,说明,佐证\nD-01,GJ02,5,2025-08-03,八月草稿里的一行,签到表8-1\n")
	runGit(t, repo, "add", "-A")
	runGit(t, repo, "commit", "-q", "-m", "东村 2025年8月评定表")
	runGit(t, repo, "checkout", "-q", "main")

	out := buildSite(t, "--repo", repo, "--as-of", "2025-08-05")

	month := readPage(t, filepath.Join(out, "dongcun/2025-07/index.html"))
	var got []string
	for _, r := range rows(t, month, "ranking") {
		got = append(got, strings.Join(r, "|"))
	}
	// D-04 left in June: it is neither ranked nor listed in July.
	want := "1|诸**雨 D-03|第二组|10|新\n2|欧**晓 D-01|第一组|8|新\n2|D-02|第一组|8|新"
	if strings.Join(got, "\n") != want {
		t.Errorf("ranking of July:\n%s", strings.Join(got, "\n"))
	}
	if !strings.Contains(month, "公示中") || !strings.Contains(month, "https://example.org/town/records/commit/") {
		t.Error("July must be 公示中 on 2025-08-05, with its approval commit linked")
	}
	if _, err := os.Stat(filepath.Join(out, "dongcun/2025-08")); !os.IsNotExist(err) {
		t.Errorf("the unmerged August sheet is published (%v)", err)
	}
	if hits := grep(t, out, "八月草稿里的一行"); len(hits) > 0 {
		t.Errorf("text of the unmerged sheet is published in %v", hits)
	}
	for _, name := range []string{"欧阳春晓", "司马秋白", "诸葛夏雨", "上官冬青", "司**白"} {
		if hits := grep(t, out, name); len(hits) > 0 {
			t.Errorf("%s is published in %v", name, hits)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "dongcun/h/d-02/index.html")); !os.IsNotExist(err) {
		t.Error("the household that did not consent has a page")
	}
	page := readPage(t, filepath.Join(out, "dongcun/h/d-01/index.html"))
	if r := rows(t, page, "months"); len(r) == 0 || strings.Join(r[0], "|") != "2025年7月|8|2 / 3" {
		t.Errorf("household D-01's months: %v", r)
	}
}

// TestDemoSite builds the demo town's site with the real Hugo and checks what residents read
// against what the scoring computed.
func TestDemoSite(t *testing.T) {
	out := buildSite(t)
	report := demoReport(t)
	if len(report.Diagnostics) > 0 { // not even a warning in the demo
		t.Fatal(report.Diagnostics)
	}
	home := readPage(t, filepath.Join(out, "index.html"))
	if !strings.Contains(home, `<html lang="zh-CN">`) || !strings.Contains(home, "演示数据") {
		t.Error(`the home page must say lang="zh-CN" and mark the demo data`)
	}
	find, _, _ := strings.Cut(home[strings.Index(home, `<h2 id="find">找我家</h2>`)+1:], "<h2")
	notice, effective, houses, declared, objected := 0, 0, 0, map[string]int{}, map[string]int{}
	for i, v := range report.Town.Villages {
		res := report.Results[i]
		if _, err := os.Stat(filepath.Join(out, v.ID, "index.html")); err != nil {
			t.Errorf("village %s has no page: %v", v.ID, err)
		}
		// The home page leads to each village's directory, under 找我家.
		if link := `href="/jifen/` + v.ID + `/households/">` + v.Name + `</a>`; !strings.Contains(find, link) {
			t.Errorf("the home page's 找我家 does not lead to %s's directory (%s):\n%s", v.ID, link, find)
		}
		houses += checkDirectory(t, readPage(t, filepath.Join(out, v.ID, "households", "index.html")), v)
		for o, n := range checkDeclarations(t, out, v) {
			declared[o] += n
		}
		for o, n := range checkObjections(t, out, v) {
			objected[o] += n
		}
		for _, mr := range res.Months {
			page := readPage(t, filepath.Join(out, v.ID, mr.Month, "index.html"))
			switch {
			case strings.Contains(page, "公示中"):
				notice++
			case strings.Contains(page, "已生效"):
				effective++
			}
			checkRanking(t, v, mr, page)
			// The results come first; the approval details after them.
			approval := strings.Index(page, "<h2>审定记录</h2>")
			if totals, ranking := strings.Index(page, "<h2>合计</h2>"), strings.Index(page, `class="ranking"`); totals < 0 || approval < totals || ranking > approval {
				t.Errorf("%s %s: the approval details (at %d) come before the totals (%d) or the ranking (%d)", v.ID, mr.Month, approval, totals, ranking)
			}
		}
		checkHouseholdPages(t, out, v, res)
	}
	if notice == 0 || effective == 0 {
		t.Errorf("%d months in public notice and %d in effect; the demo must show both", notice, effective)
	}
	if houses == 0 {
		t.Error("no directory of the demo gives house numbers")
	}
	if declared[sheet.Accepted] == 0 || declared[sheet.Refused] == 0 {
		t.Errorf("the demo's declarations %v: it must show accepted and refused ones", declared)
	}
	if objected[sheet.Upheld] == 0 || objected[sheet.Dismissed] == 0 {
		t.Errorf("the demo's objections %v: it must show an upheld and a dismissed one", objected)
	}
	checkPrivate(t, out, report.Town)
	checkPageSizes(t, out)
}

// checkRanking checks that a month page's (or its notice's) ranking shows every household on
// the roster, in order, with the computed rank and points.
func checkRanking(t *testing.T, v *town.Village, mr *score.MonthResult, page string) {
	t.Helper()
	var got, want []string
	for _, row := range rows(t, page, "ranking") {
		f := strings.Fields(row[1])
		got = append(got, row[0]+" "+f[len(f)-1]+" "+row[3])
	}
	for _, s := range mr.Standings {
		if s.Active {
			want = append(want, fmt.Sprintf("%d %s %d", s.Rank, s.Household, s.Net))
		}
	}
	if g, w := strings.Join(got, "\n"), strings.Join(want, "\n"); g != w {
		t.Errorf("%s %s ranking differs from the scoring:\n%s", v.ID, mr.Month, firstDiff(g, w))
	}
}

// checkDeclarations checks that each month page of the village counts its declarations by
// outcome, and that each consenting household's page lists its declarations of each month with
// their outcomes, and returns how many declarations had each outcome.
func checkDeclarations(t *testing.T, out string, v *town.Village) map[string]int {
	t.Helper()
	all := map[string]int{}
	for _, m := range v.Months {
		if len(m.Declarations) == 0 {
			continue
		}
		count, mine := map[string]int{}, map[string][]string{}
		for _, d := range m.Declarations {
			count[d.Outcome]++
			all[d.Outcome]++
			mine[d.Household] = append(mine[d.Household], d.Outcome)
		}
		want := fmt.Sprintf("本月农户申报 %d 件：通过 %d 件，不通过 %d 件", len(m.Declarations), count[sheet.Accepted], count[sheet.Refused])
		if page := readPage(t, filepath.Join(out, v.ID, m.Month, "index.html")); !strings.Contains(page, want) {
			t.Errorf("%s %s: the month page does not say %q", v.ID, m.Month, want)
		}
		for id, outcomes := range mine {
			if h := v.Household(id); h == nil || !h.Consent {
				continue
			}
			page := readPage(t, filepath.Join(out, v.ID, "h", strings.ToLower(id), "index.html"))
			section, _, _ := strings.Cut(page[strings.Index(page, `<section id="m`+m.Month+`">`)+1:], "</section>")
			_, table, _ := strings.Cut(section, "<caption>"+monthTitle(m.Month)+"申报</caption>")
			var got []string
			for _, row := range strings.Split(table, "<tr><td>")[1:] {
				cells := strings.Split(row, "<td>")
				got = append(got, strings.SplitN(cells[len(cells)-1], "<", 2)[0])
			}
			if !slices.Equal(got, outcomes) {
				t.Errorf("%s %s %s: the page lists declarations %q, want %q", v.ID, id, m.Month, got, outcomes)
			}
		}
	}
	return all
}

// checkObjections checks that each month page of the village lists its objections in order,
// each with its outcome and reply, and returns how many had each outcome.
func checkObjections(t *testing.T, out string, v *town.Village) map[string]int {
	t.Helper()
	all := map[string]int{}
	words := map[string]string{sheet.Upheld: "已更正", sheet.Dismissed: "维持原结果", "": "处理中"}
	for _, m := range v.Months {
		if len(m.Objections) == 0 {
			continue
		}
		page := readPage(t, filepath.Join(out, v.ID, m.Month, "index.html"))
		_, table, _ := strings.Cut(page, "<caption>收到的异议和处理结果</caption>")
		table, _, _ = strings.Cut(table, "</table>")
		rows := strings.Split(table, "<tr><td>")[1:]
		if len(rows) != len(m.Objections) {
			t.Errorf("%s %s: the month page lists %d objections, want %d", v.ID, m.Month, len(rows), len(m.Objections))
			continue
		}
		for i, o := range m.Objections {
			all[o.Outcome]++
			if want := o.Received + "</td>"; !strings.HasPrefix(rows[i], want) || !strings.Contains(rows[i], words[o.Outcome]) || !strings.Contains(rows[i], o.Reply) {
				t.Errorf("%s %s: objection %d reads %q, want %s, %s and %q", v.ID, m.Month, i+1, rows[i], o.Received, words[o.Outcome], o.Reply)
			}
		}
	}
	return all
}

// checkDirectory checks that a village's directory lists each household it lists by its code
// with its house number beside it exactly when the household consented and the roster gives
// one, and returns how many it gives.
func checkDirectory(t *testing.T, directory string, v *town.Village) int {
	t.Helper()
	shown := 0
	for _, h := range v.Households {
		code := `<span class="code">` + h.ID + `</span>`
		i := strings.Index(directory, code)
		if i < 0 {
			continue
		}
		rest := directory[i+len(code):]
		want := h.Consent && h.House != ""
		if got := strings.HasPrefix(rest, ` <span class="code">门牌`); got != want || want && !strings.HasPrefix(rest, ` <span class="code">门牌`+h.House+`</span>`) {
			t.Errorf("%s %s (consent %v, house %q): the directory shows %.60q", v.ID, h.ID, h.Consent, h.House, rest)
		}
		if want {
			shown++
		}
	}
	return shown
}

// checkHouseholdPages checks that each consenting household's page shows its monthly points and
// rank as computed, and that a household that did not consent has no page, and is told in the
// directory where to ask.
func checkHouseholdPages(t *testing.T, out string, v *town.Village, res *score.VillageResult) {
	t.Helper()
	directory := readPage(t, filepath.Join(out, v.ID, "households", "index.html"))
	for _, h := range v.Households {
		name := filepath.Join(out, v.ID, "h", strings.ToLower(h.ID), "index.html") // Hugo lower-cases paths
		if !h.Consent {
			if _, err := os.Stat(name); err == nil {
				t.Errorf("%s %s did not consent but has a page", v.ID, h.ID)
			}
			if !strings.Contains(directory, "请找："+v.Objection) {
				t.Errorf("%s: the directory does not say where a household without a page asks", v.ID)
				directory = "请找：" + v.Objection // said once
			}
			continue
		}
		var want []string
		for i := len(res.Months) - 1; i >= 0; i-- {
			switch s := res.Months[i].Standing(h.ID); {
			case s != nil && s.Left:
				want = append(want, fmt.Sprintf("%s|%d|已退出", monthTitle(res.Months[i].Month), s.Net))
			case s != nil:
				want = append(want, fmt.Sprintf("%s|%d|%d / %d", monthTitle(res.Months[i].Month), s.Net, s.Rank, res.Months[i].Active))
			}
		}
		var got []string
		for _, row := range rows(t, readPage(t, name), "months") {
			got = append(got, strings.Join(row, "|"))
		}
		if g, w := strings.Join(got, "\n"), strings.Join(want, "\n"); g != w {
			t.Errorf("%s %s monthly points differ from the scoring:\n%s", v.ID, h.ID, firstDiff(g, w))
		}
	}
}

// checkPrivate checks that nothing that must stay private is anywhere in the site: names (only
// masked ones are shown), evidence references, veto codes, ID or mobile numbers.
func checkPrivate(t *testing.T, out string, tw *town.Town) {
	t.Helper()
	var all bytes.Buffer
	filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			data, _ := os.ReadFile(p)
			all.Write(data)
		}
		return err
	})
	index := suffixarray.New(all.Bytes())
	private := map[string]string{}
	for _, v := range tw.Villages {
		for _, h := range v.Households {
			private[h.Head] = "the name of a head of household"
		}
		for _, m := range v.Months {
			for _, e := range m.Entries {
				if e.Evidence != "" {
					private[e.Evidence] = "an evidence reference"
				}
			}
		}
	}
	for s, what := range private {
		if index.Lookup([]byte(s), 1) != nil {
			t.Errorf("%s %q is published", what, s)
		}
	}
	for _, re := range []string{`[>"]V[0-9]{1,2}[<"]`, `(^|[^0-9])1[3-9][0-9]{9}([^0-9]|$)`, `(^|[^0-9])[0-9]{17}[0-9Xx]([^0-9]|$)`} {
		if m := regexp.MustCompile(re).Find(all.Bytes()); m != nil {
			t.Errorf("%q is published", m)
		}
	}
}

// checkPageSizes checks that every page is small enough for a weak mobile network.
func checkPageSizes(t *testing.T, out string) {
	t.Helper()
	filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".html") {
			data, _ := os.ReadFile(p)
			var gz bytes.Buffer
			w := gzip.NewWriter(&gz)
			w.Write(data)
			w.Close()
			if gz.Len() > 60<<10 {
				t.Errorf("%s is %d KB gzipped, over 60 KB", p, gz.Len()>>10)
			}
		}
		return err
	})
}

func monthTitle(m string) string {
	var y, mo int
	fmt.Sscanf(m, "%d-%d", &y, &mo)
	return fmt.Sprintf("%d年%d月", y, mo)
}

// firstDiff shows the first line where got and want differ.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var a, b string
		if i < len(g) {
			a = g[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if a != b {
			return fmt.Sprintf("line %d: got %q, want %q (%d lines, want %d)", i+1, a, b, len(g), len(w))
		}
	}
	return ""
}

// TestDemoRepository writes the demo out with jifen demo and checks that the real git sees its
// history, that it validates clean, and that building from it gives byte for byte the site
// built from the embedded demo; and that building twice gives the same files.
func TestDemoRepository(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	repo := filepath.Join(t.TempDir(), "yunxi")
	if _, stderr, err := jifen(t, "demo", repo); err != nil {
		t.Fatalf("jifen demo: %v\n%s", err, stderr)
	}
	log, err := exec.Command("git", "-C", repo, "log", "--first-parent", "--format=%s%n%b", "main").Output()
	if err != nil {
		t.Fatal(err)
	}
	if merges, reviews := strings.Count(string(log), "Merge pull request #"), strings.Count(string(log), "Reviewed-by: "); merges < 48 || reviews < merges {
		t.Errorf("first-parent history has %d merges and %d Reviewed-by trailers; want a reviewed merge per village-month", merges, reviews)
	}
	if stdout, _, err := jifen(t, "validate", "--repo", repo); err != nil {
		t.Errorf("the demo does not validate: %v\n%s", err, stdout)
	}

	embedded := buildSite(t)
	fromRepo := buildSite(t, "--repo", repo, "--as-of", demo.AsOf().Format("2006-01-02T15:04:05Z07:00"))
	again := buildSite(t)
	for _, other := range []string{fromRepo, again} {
		if diff := compareTrees(t, embedded, other); diff != "" {
			t.Errorf("%s and %s differ: %s", embedded, other, diff)
		}
	}
}

// treeFiles reads every file under dir, by slash path.
func treeFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, name)
		if err != nil {
			return err
		}
		files[filepath.ToSlash(rel)], err = os.ReadFile(name)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// compareTrees says how two directories differ, or "" when their files are byte-identical.
func compareTrees(t *testing.T, a, b string) string {
	t.Helper()
	fa, fb := treeFiles(t, a), treeFiles(t, b)
	if len(fa) != len(fb) {
		return fmt.Sprintf("%d files against %d", len(fa), len(fb))
	}
	for name, data := range fa {
		if !bytes.Equal(data, fb[name]) {
			return name + " differs"
		}
	}
	return ""
}

// TestRequireReview pushes a sheet straight to main: a plain build publishes it, a build with
// --require-review refuses the village's records, says which commit, and publishes the town
// without the village, which never passed.
func TestRequireReview(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	repo := testRecords(t)
	write(t, filepath.Join(repo, "villages/dongcun/sheets/2025-07.csv"), "户号,事项,分值,日期,说明,佐证\nD-01,GJ02,5,2025-07-03,修村道,签到表7-1\n")
	runGit(t, repo, "init", "-q", "-b", "main")
	runGit(t, repo, "add", "-A")
	runGit(t, repo, "commit", "-q", "-m", "Set up the town and push July directly")

	out := buildSite(t, "--repo", repo, "--as-of", "2025-08-05")
	if !exists(t, filepath.Join(out, "dongcun/2025-07/index.html")) {
		t.Fatal("a plain build does not publish July")
	}

	tmp := t.TempDir()
	stdout, stderr, err := jifen(t, "build", "--project", project(t), "--data", filepath.Join(tmp, "data"), "--out", out,
		"--repo", repo, "--as-of", "2025-08-06", "--require-review", "--lang", "en")
	if !errors.Is(err, errHeld) {
		t.Fatalf("err = %v, want records held back\n%s%s", err, stdout, stderr)
	}
	if !strings.Contains(stdout, "village dongcun has problems and never passed the checks: it is not on the site") {
		t.Errorf("stdout:\n%s", stdout)
	}
	if stdout, stderr, err := jifen(t, "build", "--project", project(t), "--data", filepath.Join(tmp, "data"), "--out", filepath.Join(tmp, "one"),
		"--repo", repo, "--as-of", "2025-08-06", "--require-review", "--village", "dongcun"); !errors.Is(err, errHeld) || !strings.Contains(stdout, "村 dongcun 的记录有问题，还没有一次通过检查") {
		t.Errorf("--village dongcun: %v\n%s%s", err, stdout, stderr)
	}
	if !strings.Contains(stderr, "villages/dongcun/sheets/2025-07.csv: ") || !strings.Contains(stderr, "changed this file without review") || !strings.Contains(stderr, "[E117]") {
		t.Errorf("stderr:\n%s", stderr)
	}
	if exists(t, filepath.Join(out, "dongcun")) || strings.Contains(readPage(t, filepath.Join(out, "index.html")), "东村") {
		t.Error("the unreviewed village is published")
	}
}

// TestUnreadableRepository fails clearly, with exit status 2, and publishes nothing.
func TestUnreadableRepository(t *testing.T) {
	tmp := t.TempDir()
	out := filepath.Join(tmp, "public")
	_, _, err := jifen(t, "build", "--project", project(t), "--data", filepath.Join(tmp, "data"), "--out", out, "--repo", filepath.Join(tmp, "missing"))
	if err == nil || errors.Is(err, errBadRecords) || errors.Is(err, errUsage) || !strings.Contains(err.Error(), "missing") {
		t.Errorf("err = %v, want a failure naming the repository", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("something was published: %v", err)
	}
}

// TestRankingsOff builds a village that does not publish rankings: no ranks anywhere, the
// totals still public.
func TestRankingsOff(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	repo := testRecords(t)
	vt := filepath.Join(repo, "villages/dongcun/village.toml")
	write(t, vt, "publish_ranking = false\n"+readPage(t, vt))
	write(t, filepath.Join(repo, "villages/dongcun/sheets/2025-07.csv"), "户号,事项,分值,日期,说明,佐证\nD-01,GJ02,5,2025-07-03,修村道,签到表7-1\nD-03,XF04,10,2025-07-15,获镇级表彰,表彰文件7-3\n")
	runGit(t, repo, "init", "-q", "-b", "main")
	runGit(t, repo, "add", "-A")
	runGit(t, repo, "commit", "-q", "-m", "Set up the town with July")
	out := buildSite(t, "--repo", repo, "--as-of", "2025-08-20")

	month := readPage(t, filepath.Join(out, "dongcun/2025-07/index.html"))
	if len(rows(t, month, "ranking")) > 0 || !strings.Contains(month, "本村不公开各户排名") || !strings.Contains(month, "<dt>净积分合计</dt><dd>15</dd>") {
		t.Error("the month page must show totals and no ranking")
	}
	if _, err := os.Stat(filepath.Join(out, "dongcun/2025-07/g/g1")); !os.IsNotExist(err) {
		t.Error("grid rankings are published")
	}
	if r := rows(t, readPage(t, filepath.Join(out, "dongcun/h/d-01/index.html")), "months"); len(r) != 1 || strings.Join(r[0], "|") != "2025年7月|5" {
		t.Errorf("household months: %v", r)
	}
	if year := readPage(t, filepath.Join(out, "dongcun/2025/index.html")); strings.Contains(year, "累计排名") || strings.Contains(year, "月度积分之星") {
		t.Error("the year page shows rankings")
	}
}

// TestShards builds the demo in two shards and one village alone: the shards, put together with
// the town's own pages built from them, are the whole site.
func TestShards(t *testing.T) {
	whole := buildSite(t)
	if _, err := os.Stat(filepath.Join(whole, "taoyuan", "sitemap.xml")); err != nil {
		t.Errorf("no village sitemap: %v", err)
	}
	if diff := compareTrees(t, whole, shardsTogether(t, 2)); diff != "" { // sitemaps included
		t.Errorf("the shards put together differ from the whole site: %s", diff)
	}
	one := buildSite(t, "--village", "taoyuan")
	entries, _ := os.ReadDir(one)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{".jifen-parts", "downloads", "taoyuan"}; !slices.Equal(names, want) {
		t.Errorf("--village taoyuan built %v, want %v", names, want)
	}
	if entries, _ := os.ReadDir(buildSite(t, "--shard", "5/5")); len(entries) != 1 { // more shares than villages: the summaries only
		t.Errorf("--shard 5/5 of 4 villages built %v", entries)
	}
	for _, args := range [][]string{{"--shard", "3/2"}, {"--shard", "1/2", "--parts", one}, {"--parts", one, "--offline"}} {
		if _, _, err := jifen(t, append([]string{"build"}, args...)...); !errors.Is(err, errUsage) {
			t.Errorf("%q: %v, want a usage error", args, err)
		}
	}
	_, _, err := jifen(t, "build", "--project", project(t), "--data", t.TempDir(), "--out", filepath.Join(t.TempDir(), "public"), "--parts", one)
	if err == nil || !strings.Contains(err.Error(), "no village qingshi, liutang, shimen: build every shard") {
		t.Errorf("the town's pages from one village's part: %v, want the villages missing", err)
	}
}

// TestShardsOfAFolderOfSheets: a shard reads the town's own files and the villages' rosters
// first, and then its villages' files alone; a village folder that has neither village.toml nor
// a roster (sheets committed into a folder that town.toml does not list) is still found, and is
// still held back, as a whole build finds and holds it.
func TestShardsOfAFolderOfSheets(t *testing.T) {
	repo := twoVillages(t)
	commitAt(t, repo, "2025-08-03T10:00:00+08:00", "July",
		"villages/dongcun/sheets/2025-07.csv", sheetOf("2025-07", "D-01"),
		"villages/xicun/sheets/2025-07.csv", sheetOf("2025-07", "D-03"),
		"villages/nancun/sheets/2025-07.csv", sheetOf("2025-07", "N-01"))
	args := []string{"--repo", repo, "--as-of", "2025-08-20"}
	_, whole := buildIn(t, true, args...)
	parts := t.TempDir()
	for i := 1; i <= 3; i++ {
		stdout, out := buildIn(t, true, append(args, "--shard", fmt.Sprintf("%d/3", i))...)
		if i == 3 && !strings.Contains(stdout, "村 nancun 的记录有问题") {
			t.Errorf("the shard of nancun does not say it is left out:\n%s", stdout)
		}
		copyDir(t, out, parts)
	}
	if _, together := buildIn(t, true, append(args, "--parts", parts)...); compareTrees(t, whole, together) != "" {
		t.Errorf("the shards put together differ from the whole site: %s", compareTrees(t, whole, together))
	}
}

// shardsTogether builds the demo in n shards, copies them together and builds the town's own
// pages from them, with args: it returns the site.
func shardsTogether(t *testing.T, n int, args ...string) string {
	t.Helper()
	parts := t.TempDir()
	for i := 1; i <= n; i++ {
		copyDir(t, buildSite(t, append(args, "--shard", fmt.Sprintf("%d/%d", i, n))...), parts)
	}
	return buildSite(t, append(args, "--parts", parts)...)
}

// TestCatalogPriceChange: a month's exchanges are judged and valued at the prices in force when
// they were approved, so a later price change does not make past records wrong.
func TestCatalogPriceChange(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	repo := testRecords(t)
	runGit(t, repo, "init", "-q", "-b", "main")
	commitAt(t, repo, "2025-07-03T10:00:00+08:00", "Set up, with June",
		"supermarket/catalog.csv", "商品编号,名称,单位,积分,成本\nG02,毛巾,条,5,4.50\n",
		"villages/dongcun/sheets/2025-06.csv", "户号,事项,分值,日期,说明,佐证\nD-01,GJ02,5,2025-06-03,修村道,签到表6-1\n")
	commitAt(t, repo, "2025-08-03T10:00:00+08:00", "July",
		"villages/dongcun/sheets/2025-07.csv", "户号,事项,分值,日期,说明,佐证\nD-01,GJ02,5,2025-07-03,修村道,签到表7-1\n",
		"villages/dongcun/redemptions/2025-07.csv", "户号,商品,数量,积分,日期\nD-01,G02,1,5,2025-07-20\n")
	commitAt(t, repo, "2025-08-10T10:00:00+08:00", "Towels cost more", "supermarket/catalog.csv", "商品编号,名称,单位,积分,成本\nG02,毛巾,条,6,5.40\n")

	out := buildSite(t, "--repo", repo, "--as-of", "2025-08-20")
	if market := readPage(t, filepath.Join(out, "dongcun/market/index.html")); !strings.Contains(market, "<td class=\"n\">4.50</td>") {
		t.Error("July's towel is not valued at July's cost of 4.50 yuan")
	}
}

// TestClearingWithoutDecember: the year-end clearing has December's row of the supermarket's
// accounts, titled, even when the village has no December sheet.
func TestClearingWithoutDecember(t *testing.T) {
	repo := twoVillages(t)
	commitAt(t, repo, "2025-08-03T10:00:00+08:00", "July", "villages/dongcun/sheets/2025-07.csv", sheetOf("2025-07", "D-01", "D-03"))
	out := buildSite(t, "--repo", repo, "--as-of", "2026-01-10")
	var got []string
	for _, r := range rows(t, readPage(t, filepath.Join(out, "dongcun/market/index.html")), "market-months") {
		got = append(got, strings.Join(r, "|"))
	}
	if len(got) == 0 || !strings.HasPrefix(got[0], "2025年12月|") || !strings.Contains(got[0], "|10|") {
		t.Errorf("the supermarket's months:\n%s", strings.Join(got, "\n"))
	}
}

// TestVillagePagesKeepTheirBytes: built again two hours later, with no record approved and no
// status changed meanwhile, every page of every village is byte for byte the same (their footer
// says when the village's records were last approved, not when the site was built), so a deploy
// uploads only what changed; the town's home page says the new time.
func TestVillagePagesKeepTheirBytes(t *testing.T) {
	before := buildSite(t)
	after := buildSite(t, "--as-of", "2026-01-12T12:00:00+08:00")
	for _, v := range []string{"qingshi", "liutang", "taoyuan", "shimen"} {
		if diff := compareTrees(t, filepath.Join(before, v), filepath.Join(after, v)); diff != "" {
			t.Errorf("village %s: %s", v, diff)
		}
		page := readPage(t, filepath.Join(after, v, "index.html"))
		if !strings.Contains(page, "本村记录更新于 ") || strings.Contains(page, "数据截至") {
			t.Errorf("village %s's footer does not say when its records were approved", v)
		}
	}
	if home := readPage(t, filepath.Join(after, "index.html")); !strings.Contains(home, "数据截至 2026年1月12日 12:00") {
		t.Errorf("the home page does not say the time of the build")
	}
}
