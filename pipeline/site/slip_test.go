package site

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jifen-project/jifen/pipeline/demo"
	"github.com/jifen-project/jifen/pipeline/rules"
)

// TestPublishSlipTakesTheDayInTheTownsTimeZone: a version taking effect on a day is on the slip
// from that day's midnight in the town's time zone, and never lists a deduction.
func TestPublishSlipTakesTheDayInTheTownsTimeZone(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	old := &rules.RuleSet{Effective: "2025-01-01", Categories: []rules.Category{{ID: "A", Name: "甲"}},
		Items: []rules.Item{{ID: "A1", Category: "A", Name: "加分", Points: 2}, {ID: "A2", Category: "A", Name: "扣分", Points: -5}}}
	next := &rules.RuleSet{Effective: "2026-01-15", Categories: []rules.Category{{ID: "A", Name: "甲"}},
		Items: []rules.Item{{ID: "A3", Category: "A", Name: "分级", Levels: []int{5, 3}}}}
	vs := rules.Versions{old, next}
	s, err := publishSlip(vs, time.Date(2026, 1, 14, 16, 30, 0, 0, time.UTC), loc, "https://example.org/")
	if err != nil {
		t.Fatal(err)
	}
	if s == nil || s.Rules != "2026-01-15" || len(s.Categories) != 1 || len(s.Categories[0].Items) != 1 || s.Categories[0].Items[0].ID != "A3" || s.QR == "" {
		t.Errorf("at 00:30 on 2026-01-15 in the town the slip is %+v, want the version of 2026-01-15 with A3 and a QR code", s)
	}
	s, err = publishSlip(vs, time.Date(2025, 6, 1, 0, 0, 0, 0, loc), loc, "")
	if err != nil {
		t.Fatal(err)
	}
	if s == nil || s.Rules != "2025-01-01" || len(s.Categories) != 1 || len(s.Categories[0].Items) != 1 || s.Categories[0].Items[0].ID != "A1" || s.QR != "" {
		t.Errorf("in June 2025 without an address the slip is %+v, want the version of 2025-01-01 with A1 only and no QR code", s)
	}
	if s, err := publishSlip(vs, time.Date(2024, 6, 1, 0, 0, 0, 0, loc), loc, ""); s != nil || err != nil {
		t.Errorf("before any version the slip is %+v (%v), want none", s, err)
	}
}

// TestDeclarationSlipPrintsOnOneA4Page builds the demo's site with and without an address and
// prints each village's declaration slip with Chromium to an A4 PDF: one page, on which both
// slips show every item one may declare under the rules in force at the as-of time and no
// deduction or veto, in text of at least 9 pt; a QR code to the version's rule book page when
// the site has an address, none without. The village's page links to it, an archived village
// has none, and on a 360 px phone screen it does not scroll sideways.
func TestDeclarationSlipPrintsOnOneA4Page(t *testing.T) {
	report := scored(t, demoSource(t), demo.AsOf())
	rs := report.Town.Rules.InForceOn(demo.AsOf().In(report.Town.Location).Format(time.DateOnly))
	if rs == nil {
		t.Fatal("no rule set of the demo is in force at its as-of time")
	}
	ctx := chromium(t)
	for _, siteURL := range []string{"https://example.org/yunxi/", ""} {
		s, err := Publish(report.Town, report.Results, demo.AsOf(), siteURL, All, nil)
		if err != nil {
			t.Fatal(err)
		}
		out := builtSite(t, s)
		srv := httptest.NewServer(http.FileServer(http.Dir(out)))
		for _, v := range s.Villages {
			file := filepath.Join(out, v.ID, "declare", "index.html")
			if _, err := os.Stat(file); (err == nil) == v.Archived {
				t.Errorf("%s (archived: %t) has a declaration slip: %t", v.ID, v.Archived, err == nil)
				continue
			}
			if v.Archived {
				continue
			}
			checkSlipPage(t, out, v.ID, siteURL, rs)
			checkSlipPrinted(t, ctx, srv.URL+"/"+v.ID+"/declare/", rs)
		}
		srv.Close()
	}
}

// checkSlipPage checks a built slip's HTML: the village's page links to it, and it has the QR
// code of its rule book page (twice: one for each slip) when the site has an address.
func checkSlipPage(t *testing.T, out, village, siteURL string, rs *rules.RuleSet) {
	t.Helper()
	root := "/"
	if u, err := url.Parse(siteURL); err == nil && u.Path != "" {
		root = u.Path
	}
	if home := readFile(t, filepath.Join(out, village, "index.html")); !strings.Contains(home, `href="`+root+village+`/declare/">打印申报单</a>`) {
		t.Errorf("the page of %s does not link to its declaration slip", village)
	}
	html := readFile(t, filepath.Join(out, village, "declare", "index.html"))
	qrs := strings.Count(html, `<svg class="qr"`)
	if siteURL == "" {
		if qrs != 0 || !strings.Contains(html, "积分细则见网站“") {
			t.Errorf("%s's slip of a site without an address has %d QR codes, or does not say where the rules are", village, qrs)
		}
		return
	}
	want, err := qrCode(siteURL+"rules/"+rs.Effective+"/", rs.Title+"网页的二维码")
	if err != nil {
		t.Fatal(err)
	}
	if qrs != 2 || strings.Count(html, want) != 2 {
		t.Errorf("%s's slip has %d QR codes, want 2 of %srules/%s/", village, qrs, siteURL, rs.Effective)
	}
}

// checkSlipPrinted prints a slip to an A4 PDF and checks the page count, the items as printed,
// the size of the text, and the page on a phone.
func checkSlipPrinted(t *testing.T, ctx context.Context, u string, rs *rules.RuleSet) {
	t.Helper()
	printsOnOneA4(t, ctx, u)
	text, smallest := printedText(t, ctx)
	code := func(id string) int {
		return len(regexp.MustCompile(`\b`+regexp.QuoteMeta(id)+`\b`).FindAllString(text, -1))
	}
	for _, it := range rs.Items {
		switch n := code(it.ID); {
		case it.Deduction() && (n > 0 || strings.Contains(text, it.Name)):
			t.Errorf("%s shows the deduction %s %s as printed", u, it.ID, it.Name)
		case !it.Deduction() && n != 2:
			t.Errorf("%s shows the item %s %d times as printed, want 2 (once on each slip)", u, it.ID, n)
		}
	}
	for _, v := range rs.Vetoes {
		if code(v.ID) > 0 || strings.Contains(text, v.Name) {
			t.Errorf("%s shows the veto %s %s as printed", u, v.ID, v.Name)
		}
	}
	if smallest < 12 {
		t.Errorf("%s prints text of %.1f px, smaller than 9 pt", u, smallest)
	}
	if wide := phoneOverflow(t, ctx, u); wide != "" {
		t.Errorf("%s does not fit a 360 px phone screen: %s", u, wide)
	}
}
