package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"golang.org/x/net/html"

	"github.com/jifen-project/jifen/pipeline/audit"
	"github.com/jifen-project/jifen/pipeline/demo"
	"github.com/jifen-project/jifen/pipeline/records"
)

// demoReport scores the embedded demo town as the build does.
func demoReport(t *testing.T) *audit.Report {
	t.Helper()
	r, err := records.Replay("main", demo.Changes())
	if err != nil {
		t.Fatal(err)
	}
	src, err := records.Approved(r, records.Options{})
	if err != nil {
		t.Fatal(err)
	}
	report := audit.Run(src, audit.Options{Now: demo.AsOf()})
	if report.Town == nil || report.Diagnostics.Errors() > 0 {
		t.Fatal(report.Diagnostics)
	}
	return report
}

// A noticeSheet is one printed page of a notice, as the HTML has it.
type noticeSheet struct {
	heading, number string
	header, qr      bool
	rows, text      int // households listed; characters of text
}

// sheets lists the sheets of a notice page.
func sheets(t *testing.T, page string) []noticeSheet {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var out []noticeSheet
	var in func(n *html.Node, s *noticeSheet)
	in = func(n *html.Node, s *noticeSheet) {
		if n.Type == html.ElementNode {
			class := strings.Fields(attr(n, "class"))
			switch {
			case n.Data == "h1":
				s.heading = textOf(n)
			case n.Data == "thead":
				s.header = true
			case n.Data == "svg" && slices.Contains(class, "qr"):
				s.qr = true
			case slices.Contains(class, "page-number"):
				s.number = textOf(n)
			case n.Data == "tr" && n.Parent.Data == "tbody":
				s.rows++
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			in(c, s)
		}
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "article" && slices.Contains(strings.Fields(attr(n, "class")), "sheet") {
			s := noticeSheet{text: len([]rune(textOf(n)))}
			in(n, &s)
			out = append(out, s)
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

func textOf(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(textOf(c))
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// TestNoticeListsEveryHousehold: the printable notice of each demo village-month lists every
// ranked household in rank order, over sheets numbered 第 i 页 / 共 N 页, each with the heading,
// the table's header and the QR code.
func TestNoticeListsEveryHousehold(t *testing.T) {
	out := buildSite(t)
	report := demoReport(t)
	longest := 0
	for i, v := range report.Town.Villages {
		for _, mr := range report.Results[i].Months {
			page := readPage(t, filepath.Join(out, v.ID, mr.Month, "notice", "index.html"))
			checkRanking(t, v, mr, page)
			ss := sheets(t, page)
			longest = max(longest, len(ss))
			for k, s := range ss {
				if n := fmt.Sprintf("第 %d 页 / 共 %d 页", k+1, len(ss)); s.number != n || !strings.Contains(s.heading, v.Name) || !s.header || !s.qr {
					t.Errorf("%s %s sheet %d: number %q (want %q), heading %q, table header %v, QR code %v", v.ID, mr.Month, k+1, s.number, n, s.heading, s.header, s.qr)
				}
			}
		}
	}
	if longest < 5 {
		t.Errorf("the longest notice has %d sheets; the demo's villages of 150 to 330 households need more", longest)
	}
}

// TestNoticePrintsOnItsSheets prints notices with Chromium to A4 PDF: each prints on exactly as
// many pages as it says (共 N 页), one sheet a page. It prints the demo's notices that are the
// hardest to fit (the most sheets, the most text on the first sheet) and a village's whose last
// sheet is full.
func TestNoticePrintsOnItsSheets(t *testing.T) {
	ctx := browser(t)
	items := make([][]string, 82)
	for i := range items {
		if i%3 > 0 {
			items[i] = []string{"ST01,3"}
		}
	}
	town := julyTown(t, items, "--base-url", "https://example.org/town/")
	full := "/dongcun/2025-07/notice/"
	ss := sheets(t, readPage(t, filepath.Join(town, filepath.FromSlash(full), "index.html")))
	if len(ss) < 3 || ss[len(ss)-1].rows != ss[len(ss)-2].rows {
		t.Fatalf("the notice of %d households does not end on a full sheet: make it as long as the notice's sheets hold", len(items))
	}
	printsOn(t, ctx, town, map[string]int{full: len(ss)})

	out := buildSite(t)
	report := demoReport(t)
	type notice struct {
		path         string
		sheets, text int
	}
	var all []notice
	for i, v := range report.Town.Villages {
		for _, mr := range report.Results[i].Months {
			path := "/" + v.ID + "/" + mr.Month + "/notice/"
			ss := sheets(t, readPage(t, filepath.Join(out, filepath.FromSlash(path), "index.html")))
			all = append(all, notice{path: path, sheets: len(ss), text: ss[0].text - ss[0].rows*20})
		}
	}
	hardest := map[string]int{}
	for _, by := range []func(notice) int{
		func(n notice) int { return n.sheets },
		func(n notice) int { return n.text },
	} {
		n := slices.MaxFunc(all, func(a, b notice) int { return by(a) - by(b) })
		hardest[n.path] = n.sheets
	}
	printsOn(t, ctx, out, hardest)
}

// printsOn prints pages of the site in dir and checks the number of A4 pages of each.
func printsOn(t *testing.T, ctx context.Context, dir string, pages map[string]int) {
	t.Helper()
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()
	for path, want := range pages {
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+path), chromedp.WaitReady("body")); err != nil {
			t.Fatal(err)
		}
		res, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{PaperWidth: 8.27, PaperHeight: 11.69, PreferCSSPageSize: ptr(true)})
		if err != nil {
			t.Fatal(err)
		}
		if n := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(res.Data, -1)); n != want {
			t.Errorf("%s prints on %d A4 pages, want %d", path, n, want)
		}
	}
}

// julyTown builds the site of a town of one village (testdata/records) whose July sheet gives
// household D-<i+1> the items of items[i] ("GJ02,5"), with the build's further arguments.
func julyTown(t *testing.T, items [][]string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	repo := testRecords(t)
	roster := "户号,户主,小组,公开授权,加入日期,退出日期\n"
	july := "户号,事项,分值,日期,说明,佐证\n"
	for i, list := range items {
		roster += fmt.Sprintf("D-%03d,村民%c%c,第一组,是,2024-12-01,\n", i+1, '甲'+rune(i/10), '子'+rune(i%10))
		for _, item := range list {
			july += fmt.Sprintf("D-%03d,%s,2025-07-03,,记录7-%d\n", i+1, item, i+1)
		}
	}
	write(t, filepath.Join(repo, "villages/dongcun/households.csv"), roster)
	write(t, filepath.Join(repo, "villages/dongcun/sheets/2025-07.csv"), july)
	runGit(t, repo, "init", "-q", "-b", "main")
	runGit(t, repo, "add", "-A")
	runGit(t, repo, "commit", "-q", "-m", "Set up the town with July")
	return buildSite(t, append([]string{"--repo", repo, "--as-of", "2025-08-20"}, args...)...)
}

// TestTopTenKeepsTies: a village's 前十名 lists every household tied at the tenth place; a list
// without a tie there has ten.
func TestTopTenKeepsTies(t *testing.T) {
	// D-001 … D-008 have 23 down to 5 points, ranks 1 to 8; D-009 … D-012 share rank 9 with 3
	// points each, across the tenth place; D-013 has nothing.
	out := julyTown(t, [][]string{{"XF04,15", "GJ02,5", "ST01,3"}, {"XF04,15", "GJ02,5"}, {"XF04,15", "ST01,3"}, {"XF04,15"},
		{"XF04,10", "ST01,3"}, {"XF04,10"}, {"GJ02,5", "ST01,3"}, {"GJ02,5"}, {"ST01,3"}, {"ST01,3"}, {"ST01,3"}, {"ST01,3"}, nil})

	village := readPage(t, filepath.Join(out, "dongcun/index.html"))
	var got []string
	for _, r := range rows(t, village, "top") {
		f := strings.Fields(r[1])
		got = append(got, r[0]+" "+f[len(f)-1])
	}
	want := "1 D-001,2 D-002,3 D-003,4 D-004,5 D-005,6 D-006,7 D-007,8 D-008,9 D-009,9 D-010,9 D-011,9 D-012"
	if strings.Join(got, ",") != want {
		t.Errorf("前十名:\n%s\nwant\n%s", strings.Join(got, ","), want)
	}
	if !strings.Contains(village, "前十名（含并列）") {
		t.Error("the caption does not say the ties are in")
	}
	notice := readPage(t, filepath.Join(out, "dongcun/2025-07/notice/index.html"))
	if n := len(rows(t, notice, "ranking")); n != 13 {
		t.Errorf("the notice lists %d households, want all 13", n)
	}
}

// TestDemoTopTens: on each demo village's page, the 前十名 are exactly the households ranked
// 10th or better, tied ones included.
func TestDemoTopTens(t *testing.T) {
	out := buildSite(t)
	report := demoReport(t)
	for i, v := range report.Town.Villages {
		months := report.Results[i].Months
		latest := months[len(months)-1]
		var want []string
		for _, s := range latest.Standings {
			if s.Active && s.Rank <= 10 {
				want = append(want, fmt.Sprintf("%d %s", s.Rank, s.Household))
			}
		}
		var got []string
		for _, r := range rows(t, readPage(t, filepath.Join(out, v.ID, "index.html")), "top") {
			f := strings.Fields(r[1])
			got = append(got, r[0]+" "+f[len(f)-1])
		}
		if g, w := strings.Join(got, "\n"), strings.Join(want, "\n"); g != w {
			t.Errorf("%s: 前十名 differ from the scoring:\n%s", v.ID, firstDiff(g, w))
		}
	}
}

// TestLeftListed: a household that left the roster during a month is listed, with its points and
// no rank, on the month's page and on its grid's page.
func TestLeftListed(t *testing.T) {
	out := buildSite(t)
	report := demoReport(t)
	found := 0
	for i, v := range report.Town.Villages {
		for _, mr := range report.Results[i].Months {
			for _, s := range mr.Standings {
				if !s.Left {
					continue
				}
				found++
				grid := v.Grid(v.Household(s.Household).Grid)
				for _, page := range []string{filepath.Join(out, v.ID, mr.Month, "index.html"), filepath.Join(out, v.ID, mr.Month, "g", grid.ID, "index.html")} {
					if text := readPage(t, page); !strings.Contains(text, "本月退出的农户") || !strings.Contains(text, s.Household+"</span>（") {
						t.Errorf("%s %s: %s, which left, is not listed on %s", v.ID, mr.Month, s.Household, page)
					}
				}
			}
		}
	}
	if found == 0 {
		t.Error("the demo has no household that left during a month")
	}
}
