package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// phoneWidth is the width of the screen of the cheap phones residents read the site on.
const phoneWidth = 360

// browser starts a headless Chromium (Debian's chromium) for a test, or skips the test when
// there is none.
func browser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed (apt-get install chromium)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(phoneWidth, 640),
	)
	alloc, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(cancel)
	// The first call starts the browser, which lives as long as the context of that call.
	if _, err := chromedp.Run(ctx, chromedp.Title()); err != nil {
		t.Fatal(err)
	}
	// Headless Chromium keeps its window at least 500 px wide: the phone's width is emulated.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(phoneWidth, 640, chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// TestPagesOnAPhone opens every kind of page of the demo site in Chromium at 360×640, as on a
// cheap phone: each loads without console errors and without scrolling the page sideways.
func TestPagesOnAPhone(t *testing.T) {
	ctx := browser(t)
	srv := httptest.NewServer(http.FileServer(http.Dir(buildSite(t))))
	t.Cleanup(srv.Close)

	var mu sync.Mutex
	var problems []string
	report := func(p string) {
		mu.Lock()
		problems = append(problems, p)
		mu.Unlock()
	}
	listen(t, ctx, report)
	pages := map[string]string{
		"home":             "/",
		"village":          "/qingshi/",
		"directory":        "/qingshi/households/",
		"month":            "/qingshi/2025-10/",
		"grid":             "/qingshi/2025-10/g/xinzhuang/",
		"notice board":     "/qingshi/2025-10/notice/",
		"year":             "/qingshi/2025/",
		"market":           "/qingshi/market/",
		"household":        "/qingshi/h/qs-0308/",
		"announcement":     "/qingshi/notices/2025-05-01/",
		"rule book":        "/rules/",
		"rules":            "/rules/2025-01-01/",
		"item codes":       "/rules/2025-01-01/codes/",
		"declaration slip": "/qingshi/declare/",
		"downloads":        "/downloads/",
		"not found":        "/404.html",
	}
	for kind, path := range pages {
		t.Run(kind, func(t *testing.T) {
			mu.Lock()
			problems = nil
			mu.Unlock()
			if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+path), chromedp.WaitReady("body")); err != nil {
				t.Fatal(err)
			}
			title, err := chromedp.Run(ctx, chromedp.Title())
			if err != nil {
				t.Fatal(err)
			}
			scrollWidth, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
			if err != nil {
				t.Fatal(err)
			}
			time.Sleep(100 * time.Millisecond) // let late console messages arrive
			if title == "" || strings.Contains(title, "404") && kind != "not found" {
				t.Errorf("%s: title %q", path, title)
			}
			// Against the screen's width: a mobile browser widens its window to a page that is
			// wider (window.innerWidth follows the page).
			if scrollWidth > phoneWidth {
				t.Errorf("%s scrolls sideways: %d px wide on a %d px screen", path, scrollWidth, phoneWidth)
			}
			charts, err := chromedp.Run(ctx, chromedp.Evaluate[string](chartText))
			if err != nil {
				t.Fatal(err)
			}
			if charts != "" {
				t.Errorf("%s: %s", path, charts)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(problems) > 0 {
				t.Errorf("%s: %s", path, strings.Join(problems, "; "))
			}
		})
	}
}

// chartText is a script that says what is wrong with the text of a page's charts: smaller than
// 12 px as shown, or over another text of the same chart. "" when nothing is.
const chartText = `(() => {
	const problems = [];
	for (const svg of document.querySelectorAll('svg.chart')) {
		const texts = [...svg.querySelectorAll('text')];
		const boxes = texts.map(t => t.getBoundingClientRect());
		texts.forEach((t, i) => {
			const px = parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a;
			if (px < 12) problems.push('"' + t.textContent + '" is ' + px.toFixed(1) + ' px');
			for (let j = 0; j < i; j++) {
				const a = boxes[i], b = boxes[j];
				if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) {
					problems.push('"' + t.textContent + '" overlaps "' + texts[j].textContent + '"');
				}
			}
		});
	}
	return problems.join('; ');
})()`

// listen reports the console's errors and warnings, uncaught exceptions and the browser log's
// errors and warnings of every page the browser opens.
func listen(t *testing.T, ctx context.Context, report func(string)) {
	for _, cmd := range []cdp.Command[cdp.Empty, cdp.Empty]{log.Enable, runtime.Enable} {
		if _, err := chromedp.Call(ctx, cmd, cdp.Empty{}); err != nil {
			t.Fatal(err)
		}
	}
	go func() {
		for ev, err := range chromedp.Events(ctx, runtime.ConsoleAPICalled) {
			if err != nil {
				return
			}
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning {
				report("console " + string(ev.Type))
			}
		}
	}()
	go func() {
		for ev, err := range chromedp.Events(ctx, runtime.ExceptionThrown) {
			if err != nil {
				return
			}
			report("exception " + ev.ExceptionDetails.Text)
		}
	}()
	go func() {
		for ev, err := range chromedp.Events(ctx, log.EntryAdded) {
			if err != nil {
				return
			}
			if ev.Entry.Level == log.EntryLevelError || ev.Entry.Level == log.EntryLevelWarning {
				report(string(ev.Entry.Level) + " " + ev.Entry.Text + " " + ev.Entry.URL)
			}
		}
	}()
}

func ptr[T any](v T) *T { return &v }
