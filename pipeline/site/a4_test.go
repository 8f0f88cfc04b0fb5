package site

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/jifen-project/jifen/pipeline/demo"
)

// builtSite builds the whole site of s with the project's templates and returns its folder.
func builtSite(t *testing.T, s *Site) string {
	t.Helper()
	dir := t.TempDir()
	h := Hugo{Project: projectDir(t), Data: filepath.Join(dir, "data"), Stdout: io.Discard, Stderr: os.Stderr}
	if err := WriteData(h.Data, s); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "public")
	if err := h.Build(context.Background(), out, s, All); err != nil {
		t.Fatal(err)
	}
	return out
}

// chromium starts Debian's Chromium, headless, for a test; a test that needs it fails when it
// is not installed.
func chromium(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("chromium is not installed: this test prints pages with it (apt-get install chromium)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true))
	alloc, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(cancel)
	// The first call starts the browser, which lives as long as the context of that call.
	if _, err := chromedp.Run(ctx, chromedp.Title()); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// printsOnOneA4 opens the page at u and prints it on A4, which must take exactly one sheet.
func printsOnOneA4(t *testing.T, ctx context.Context, u string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(u), chromedp.WaitReady("body")); err != nil {
		t.Fatal(err)
	}
	pdf, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{PaperWidth: 8.27, PaperHeight: 11.69, PreferCSSPageSize: new(true)})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(pdfPages.FindAll(pdf.Data, -1)); n != 1 {
		t.Errorf("%s prints on %d A4 pages, want 1", u, n)
	}
}

// pdfPages matches a page object of a PDF (not the /Pages tree).
var pdfPages = regexp.MustCompile(`/Type\s*/Page[^s]`)

// TestItemCodeTablePrintsOnOneA4Page prints each demo rule-set version's item-code table with
// Chromium to an A4 PDF: it fills exactly one page, and as printed it shows every item code of
// the version, every veto situation and no veto's code, in text of at least 9 pt (12 px). The
// version's rule book page links to it, and on a 360 px phone screen it does not scroll sideways.
func TestItemCodeTablePrintsOnOneA4Page(t *testing.T) {
	report := scored(t, demoSource(t), demo.AsOf())
	s, err := Publish(report.Town, report.Results, demo.AsOf(), "", All, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := builtSite(t, s)
	versions := report.Town.Rules
	if len(versions) == 0 || len(s.Rules) != len(versions) {
		t.Fatalf("the demo has %d rule-set versions and the site %d", len(versions), len(s.Rules))
	}
	ctx := chromium(t)
	srv := httptest.NewServer(http.FileServer(http.Dir(out)))
	defer srv.Close()
	for _, rs := range versions {
		path := "/rules/" + rs.Effective + "/codes/"
		if book := readFile(t, filepath.Join(out, "rules", rs.Effective, "index.html")); !strings.Contains(book, `href="`+path+`"`) {
			t.Errorf("the rule book page of %s does not link to %s", rs.Effective, path)
		}
		printsOnOneA4(t, ctx, srv.URL+path)
		text, smallest := printedText(t, ctx)
		for _, it := range rs.Items {
			if !strings.Contains(text, it.ID) {
				t.Errorf("%s does not show item %s as printed", path, it.ID)
			}
		}
		for _, v := range rs.Vetoes {
			if !strings.Contains(text, v.Name) || regexp.MustCompile(`\b`+regexp.QuoteMeta(v.ID)+`\b`).MatchString(text) {
				t.Errorf("%s does not list the veto situation %q, or shows its code %s", path, v.Name, v.ID)
			}
		}
		if smallest < 12 {
			t.Errorf("%s prints text of %.1f px, smaller than 9 pt", path, smallest)
		}
		if wide := phoneOverflow(t, ctx, srv.URL+path); wide != "" {
			t.Errorf("%s does not fit a 360 px phone screen: %s", path, wide)
		}
	}
}

// printedText is the text of the page in the browser as the print media shows it, and the
// smallest font size of any of its text, in CSS pixels.
func printedText(t *testing.T, ctx context.Context) (string, float64) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	defer chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{})
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
	if err != nil {
		t.Fatal(err)
	}
	smallest, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`(() => {
		let min = Infinity;
		const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
		for (let n = walk.nextNode(); n; n = walk.nextNode()) {
			const el = n.parentElement;
			if (n.data.trim() && el.checkVisibility()) min = Math.min(min, parseFloat(getComputedStyle(el).fontSize));
		}
		return min;
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	return text, smallest
}

// phoneOverflow opens url on an emulated 360×640 phone screen and says how the page is wider
// than the screen, or "" when it fits.
func phoneOverflow(t *testing.T, ctx context.Context, url string) string {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(360, 640, chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	defer chromedp.Do(ctx, chromedp.EmulateReset())
	if err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitReady("body")); err != nil {
		t.Fatal(err)
	}
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`document.documentElement.scrollWidth > 360 ? document.documentElement.scrollWidth + " px wide" : ""`))
	if err != nil {
		t.Fatal(err)
	}
	return wide
}
