package site

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/jifen-project/jifen/pipeline/demo"
	"github.com/jifen-project/jifen/pipeline/records"
)

// lighthouseRuns is how many times at most Lighthouse measures the page. It times the page's
// tasks by the clock: another process on the CPUs lengthens them and lowers the score, nothing
// raises it. So the best run is the page's score on a quiet machine, and the test stops at the
// first run that scores 95.
const lighthouseRuns = 5

// TestHeavyMonthPageLighthouse builds a synthetic town with a village of 600 households (what
// `jifen synth DIR --villages 1 --households 600 --months 2` writes), and runs Lighthouse's
// mobile profile (performance only, Debian's Chromium) on the village's heaviest pages: the page
// of its month with the longest ranking, the page of that month's year and the month's printable
// notice. Each page must list every ranked household, and the best of up to five runs of each must
// score at least 95 (see lighthouseRuns).
//
// Lighthouse comes from npm: npm install -g lighthouse@12.2.3 (Lighthouse 13 needs Node 22; the
// machines have Node 20). It times the page by the clock, so other tests running at once lower
// its score: the test runs only when asked, alone, as .ci/run does:
//
//	JIFEN_LIGHTHOUSE=1 go test -count=1 -run TestHeavyMonthPageLighthouse ./pipeline/site/
func TestHeavyMonthPageLighthouse(t *testing.T) {
	if os.Getenv("JIFEN_LIGHTHOUSE") == "" {
		t.Skip("Lighthouse's scores need a machine doing nothing else: JIFEN_LIGHTHOUSE=1 go test -count=1 -run TestHeavyMonthPageLighthouse ./pipeline/site/ (.ci/run does)")
	}
	lighthouse, err := exec.LookPath("lighthouse")
	if err != nil {
		t.Fatal("lighthouse is not installed: this test measures the heavy pages with it (npm install -g lighthouse@12.2.3)")
	}
	chrome, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("chromium is not installed: Lighthouse runs it (apt-get install chromium)")
	}
	out, pages := heavyPages(t)
	for _, p := range pages {
		checkRankingRows(t, p.path, readFile(t, filepath.Join(out, filepath.FromSlash(p.path), "index.html")), p.rows)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(out)))
	defer srv.Close()
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			bestLighthouse(t, lighthouse, chrome, srv.URL, p)
		})
	}
}

// A heavyPage is a page of the synthetic village with the rows its ranking must show, each as
// its cells' text joined by "|".
type heavyPage struct {
	name, path string
	rows       []string
}

// heavyPages builds the site of a synthetic town of one village of 600 households in the folder
// it returns, and lists its heaviest pages: the month with the longest ranking, its year and its
// notice.
func heavyPages(t *testing.T) (string, []heavyPage) {
	t.Helper()
	changes, err := demo.Synthetic(demo.Plan{Profile: "county", Villages: 1, Households: 600, Months: 2, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	repo, err := records.Replay("main", changes)
	if err != nil {
		t.Fatal(err)
	}
	src, err := records.Approved(repo, records.Options{})
	if err != nil {
		t.Fatal(err)
	}
	report := scored(t, src, demo.AsOf())
	s, err := Publish(report.Town, report.Results, demo.AsOf(), "", All, nil)
	if err != nil {
		t.Fatal(err)
	}
	v := s.Villages[0]
	month := slices.MaxFunc(v.Months, func(a, b Month) int { return len(a.Ranking) - len(b.Ranking) })
	if len(month.Ranking) < 590 {
		t.Fatalf("the synthetic village's month ranks %d households, not about 600", len(month.Ranking))
	}
	y := slices.IndexFunc(v.Years, func(y Year) bool { return y.Year == month.Month[:4] })
	if y < 0 || len(v.Years[y].Ranking) != len(month.Ranking) {
		t.Fatalf("the synthetic village has no year %s ranking the %d households of %s", month.Month[:4], len(month.Ranking), month.Month)
	}
	base := "/" + v.ID + "/"
	return builtSite(t, s), []heavyPage{
		{"month", base + month.Month + "/", monthRows(month.Ranking)},
		{"year", base + v.Years[y].Year + "/", yearRows(v.Years[y].Ranking)},
		{"notice", base + month.Month + "/notice/", noticeRows(month.Ranking)},
	}
}

// bestLighthouse measures the page p of the site at root with Lighthouse until a run scores 95,
// at most lighthouseRuns times, and fails when none does.
func bestLighthouse(t *testing.T, lighthouse, chrome, root string, p heavyPage) {
	t.Helper()
	var runs []lighthouseRun
	var summary []string
	best := 0
	for len(runs) < lighthouseRuns && best < 95 {
		r := runLighthouse(t, lighthouse, chrome, root+p.path)
		runs, summary, best = append(runs, r), append(summary, r.String()), max(best, r.Score)
	}
	if best < 95 {
		t.Errorf("%s (%d households) scores %d at best for performance in Lighthouse's mobile profile (%d runs), under 95:\n%s\n"+
			"(load average %s: Lighthouse times the page's tasks by the clock, and other processes on the CPUs lengthen them; run this test alone)",
			p.path, len(p.rows), best, len(runs), strings.Join(summary, "\n"), loadAverage())
	} else {
		t.Logf("%s (%d households), Lighthouse mobile performance:\n%s", p.path, len(p.rows), strings.Join(summary, "\n"))
	}
}

// loadAverage is the machine's load average over 1, 5 and 15 minutes, as Linux has it.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(data)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}

// A lighthouseRun is what one Lighthouse run measured of a page.
type lighthouseRun struct {
	Score                          int // performance, 0 to 100
	FCP, LCP, TBT, SpeedIndex, DOM string
}

func (r lighthouseRun) String() string {
	return fmt.Sprintf("score %d: first contentful paint %s, largest contentful paint %s, total blocking time %s, speed index %s, DOM %s",
		r.Score, r.FCP, r.LCP, r.TBT, r.SpeedIndex, r.DOM)
}

// runLighthouse measures the page at url with Lighthouse's default (mobile) profile, for
// performance only, in headless Chromium.
func runLighthouse(t *testing.T, lighthouse, chrome, url string) lighthouseRun {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), lighthouse, url, "--only-categories=performance", "--output=json", "--output-path=stdout",
		"--quiet", "--chrome-flags=--headless=new --no-sandbox")
	cmd.Env = append(os.Environ(), "CHROME_PATH="+chrome)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	data, err := cmd.Output()
	if err != nil {
		t.Fatalf("lighthouse %s: %v\n%s", url, err, stderr.Bytes())
	}
	var result struct {
		Categories struct {
			Performance struct {
				Score *float64 `json:"score"`
			} `json:"performance"`
		} `json:"categories"`
		Audits map[string]struct {
			DisplayValue string `json:"displayValue"`
		} `json:"audits"`
		RuntimeError *struct {
			Code, Message string
		} `json:"runtimeError"`
	}
	if err := json.Unmarshal(data, &result); err != nil {
		t.Fatalf("lighthouse %s: not its JSON report: %v", url, err)
	}
	if result.RuntimeError != nil || result.Categories.Performance.Score == nil {
		t.Fatalf("lighthouse %s gave no performance score: %+v", url, result.RuntimeError)
	}
	a := result.Audits
	return lighthouseRun{Score: int(*result.Categories.Performance.Score*100 + 0.5),
		FCP: a["first-contentful-paint"].DisplayValue, LCP: a["largest-contentful-paint"].DisplayValue,
		TBT: a["total-blocking-time"].DisplayValue, SpeedIndex: a["speed-index"].DisplayValue, DOM: a["dom-size"].DisplayValue}
}

// checkRankingRows checks that a page's ranking tables (class "ranking"), taken together, show
// the rows want in order.
func checkRankingRows(t *testing.T, path, page string, want []string) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for table := range doc.Descendants() {
		if table.DataAtom != atom.Table || !slices.Contains(strings.Fields(attrOf(table, "class")), "ranking") {
			continue
		}
		for tr := range table.Descendants() {
			if tr.DataAtom != atom.Tr || tr.Parent.DataAtom != atom.Tbody {
				continue
			}
			var cells []string
			for td := range tr.ChildNodes() {
				cells = append(cells, strings.Join(strings.Fields(textContent(td)), " "))
			}
			got = append(got, strings.Join(cells, "|"))
		}
	}
	if g, w := strings.Join(got, "\n"), strings.Join(want, "\n"); g != w {
		t.Fatalf("%s: the ranking differs from the site's data:\n%s\nwant\n%s", path, g, w)
	}
}

// monthRows are the rows of a month page's ranking: rank, household, grid, points, movement.
func monthRows(ranking []Row) []string {
	var rows []string
	for _, r := range ranking {
		move := "="
		switch {
		case r.Up > 0:
			move = fmt.Sprintf("↑%d", r.Up)
		case r.Down > 0:
			move = fmt.Sprintf("↓%d", r.Down)
		case r.New:
			move = "新"
		}
		rows = append(rows, fmt.Sprintf("%d|%s|%s|%d|%s", r.Rank, shownAs(r.Who), r.Grid, r.Net, move))
	}
	return rows
}

// yearRows are the rows of a year page's ranking: rank, household, points, stars.
func yearRows(ranking []YearRow) []string {
	var rows []string
	for _, r := range ranking {
		rows = append(rows, fmt.Sprintf("%d|%s|%d|%s", r.Rank, shownAs(r.Who), r.Net, strings.Repeat("★", r.Stars)))
	}
	return rows
}

// noticeRows are the rows of a printable notice: rank, household (its masked name when it
// consented), grid, points.
func noticeRows(ranking []Row) []string {
	var rows []string
	for _, r := range ranking {
		who := r.Household
		if r.Name != "" {
			who = r.Name + " " + who
		}
		rows = append(rows, fmt.Sprintf("%d|%s|%s|%d", r.Rank, who, r.Grid, r.Net))
	}
	return rows
}

// shownAs is a household as the site's lists show it: its masked name and code when it has a
// page, else its code.
func shownAs(w Who) string {
	if w.Page {
		return w.Name + " " + w.Household
	}
	return w.Household
}

func attrOf(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func textContent(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}
