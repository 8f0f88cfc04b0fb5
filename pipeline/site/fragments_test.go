package site

import (
	"html/template"
	"maps"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/jifen-project/jifen/pipeline/demo"
)

// TestFragmentsEscape: what a cadre typed reaches a page through a fragment escaped, as through
// Hugo's templates, and a household's link starts with the site's path.
func TestFragmentsEscape(t *testing.T) {
	f, err := newFragments(projectDir(t), basePath("https://example.org/yunxi/"))
	if err != nil {
		t.Fatal(err)
	}
	h := &Household{ID: "QS-0101", Months: []HouseholdMonth{{Month: "2025-07", Net: 3, Rules: "2025-01-01",
		Entries: []Entry{{Date: "2025-07-02", Reason: Reason{Item: "<b>义务劳动</b>", Note: `<script>alert("x")</script>`}, Points: 3, Counted: 2, Cut: "item-cap"}}}},
		Account: []AccountLine{
			{Date: "2025-07-20", Kind: "redeem", Goods: `<img src=x onerror="alert(1)">`, Quantity: 1, Points: -5},
			{Date: "2025-08-01", Kind: "move-in", Points: 4, Other: &Counterpart{Village: "liutang", VillageName: "柳塘村", Household: "LT-0201"}},
		}}
	if err := f.addTitle("2025-07"); err != nil {
		t.Fatal(err)
	}
	var w htmlWriter
	f.household(&w, &Village{PublishRanking: true}, h)
	page := w.String()
	for _, want := range []string{
		"&lt;b&gt;义务劳动&lt;/b&gt;",
		"&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;",
		`兑换 &lt;img src=x onerror=&#34;alert(1)&#34;&gt; × 1`,
		`<span class="why">超过本项上限</span>`,
		`<a href="#m2025-07">2025年7月</a>`,
		`迁入转入（柳塘村 <a class="code" href="/yunxi/liutang/h/lt-0201/">LT-0201</a>）`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the fragment lacks %s:\n%s", want, page)
		}
	}
	for _, bad := range []string{"<script", "<img", "<b>"} {
		if strings.Contains(page, bad) {
			t.Errorf("the fragment has %s unescaped", bad)
		}
	}
}

// FuzzHTMLWriter: the writer escapes text and addresses as html/template does, in text, in an
// attribute and in a link.
func FuzzHTMLWriter(f *testing.F) {
	for _, s := range []string{"", "王*", `<script>"x" & 'y' + z</script>`, "\x00\xff", "/yunxi/qs-01/h/a b(c)/", "#m2025-07", "/云溪/村?a=1&b=%2F"} {
		f.Add(s)
	}
	tmpl := template.Must(template.New("").Parse(`<p title="{{ . }}">{{ . }}</p><a href="/{{ . }}">`))
	f.Fuzz(func(t *testing.T, s string) {
		var want strings.Builder
		if err := tmpl.Execute(&want, s); err != nil {
			t.Skip() // html/template refuses it too
		}
		var w htmlWriter
		w.m(`<p title="`)
		w.t(s)
		w.m(`">`)
		w.t(s)
		w.m(`</p><a href="`)
		w.url("/" + s)
		w.m(`">`)
		if w.String() != want.String() {
			t.Errorf("%q: got %s, want %s", s, w.String(), want.String())
		}
	})
}

// TestFill: fill writes a page as Hugo built it into the site with each fragment where its
// marker is, whatever their order, and refuses a page whose markers are missing or repeated: the
// templates and Go no longer agree.
func TestFill(t *testing.T) {
	built, site := t.TempDir(), t.TempDir()
	write := func(text string) {
		if err := os.WriteFile(filepath.Join(built, "index.html"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	text := func(s string) func(w *htmlWriter) { return func(w *htmlWriter) { w.m(s) } }
	p := filled{path: "index.html", fragments: map[string]func(*htmlWriter){"a": text("<i>A</i>"), "b": text("B")}}

	write("<p><!--jifen:b--> and <!--jifen:a--></p>")
	if err := p.fill(built, site); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(site, "index.html")); string(got) != "<p>B and <i>A</i></p>" {
		t.Errorf("filled: %s", got)
	}
	for page, want := range map[string]string{
		"<p><!--jifen:a--></p>":                      "index.html: the page has 0 markers of the fragment b, not one",
		"<!--jifen:a--><!--jifen:b--><!--jifen:b-->": "index.html: the page has 2 markers of the fragment b, not one",
		"<!--jifen:a--><!--jifen:b--><!--jifen:a-->": "index.html: the page has 2 markers of the fragment a, not one",
	} {
		write(page)
		if err := p.fill(built, site); err == nil || err.Error() != want {
			t.Errorf("%s: got %v, want %s", page, err, want)
		}
	}
}

// TestStyled: every page Hugo built gets the style sheet, a listed page its fragments too, and
// a listed page that Hugo did not build is an error; the site gets the pages' folders, and the
// files that are no page as they are.
func TestStyled(t *testing.T) {
	built := t.TempDir()
	for _, name := range []string{"index.html", "a/index.html", "a/feed.xml"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(built, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(built, name), []byte(name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f := &fragments{style: []byte("<style>p{}</style>")}
	listed := func(p string) []filled {
		return []filled{{path: p, fragments: map[string]func(*htmlWriter){"b": func(w *htmlWriter) {}}}}
	}
	site := t.TempDir()
	pages, err := f.styled(built, site, listed("a/index.html"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, p := range pages {
		got[p.path] = slices.Sorted(maps.Keys(p.fragments))
	}
	if want := map[string][]string{"index.html": {"style"}, "a/index.html": {"b", "style"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if data, err := os.ReadFile(filepath.Join(site, "a", "feed.xml")); string(data) != "a/feed.xml" {
		t.Errorf("the file that is no page, in the site: %q, %v", data, err)
	}
	if _, err := f.styled(built, t.TempDir(), listed("c/index.html")); err == nil || err.Error() != "c/index.html: the page has fragments, but Hugo did not build it" {
		t.Errorf("a page that is not there: %v", err)
	}
}

// TestMarkersInText: a cadre's text that reads as a marker, or as HTML, neither moves a
// fragment nor breaks the build: it is escaped where it stands, in Hugo's part of a page and in
// a fragment.
func TestMarkersInText(t *testing.T) {
	report := scored(t, demoSource(t), demo.AsOf())
	s, err := Publish(report.Town, report.Results, demo.AsOf(), "", All, nil)
	if err != nil {
		t.Fatal(err)
	}
	const hostile = `<!--jifen:detail--><!--jifen:ranking--><script>alert(1)</script>`
	v := s.Villages[0]
	h := &v.Households[0]
	h.Name = hostile
	h.Months[0].Entries = append(h.Months[0].Entries, Entry{Date: "2025-07-01", Reason: Reason{Item: hostile, Note: hostile}, Points: 1, Counted: 1})
	v.Months[0].Ranking[0].Name = hostile
	out := builtSite(t, s)
	escaped := "&lt;!--jifen:detail--&gt;&lt;!--jifen:ranking--&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
	for _, page := range []string{path.Join(v.ID, "h", strings.ToLower(h.ID)), path.Join(v.ID, v.Months[0].Month)} {
		data, err := os.ReadFile(filepath.Join(out, page, "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(string(data), escaped); n == 0 || strings.Contains(string(data), "<!--jifen:") || strings.Contains(string(data), "<script") {
			t.Errorf("%s: the hostile text is escaped %d times, or a marker or a script is left:\n%s", page, n, data)
		}
	}
}
