package site

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jifen-project/jifen/pipeline/audit"
	"github.com/jifen-project/jifen/pipeline/demo"
	"github.com/jifen-project/jifen/pipeline/records"
	"github.com/jifen-project/jifen/pipeline/town"
)

// BenchmarkHugo times the site build (Hugo with the project's templates, on the JSON the
// pipeline writes, then the fragments Go puts into its pages) for the demo town and for a
// synthetic town of about 20 villages of 250 to 1,200 households (demo.County). It reports per
// page the time of the whole build (µs/page), of Hugo alone (hugo-µs/page) and, in the same run,
// of the floor: Hugo making the same pages from the same data and content adapter, each rendered
// by a template that writes only its title (floor-µs/page); and the peak resident memory of Hugo
// alone and of the floor (hugo-KiB/page, floor-KiB/page).
//
//	go test -run '^$' -bench BenchmarkHugo -benchtime 3x ./pipeline/site/
func BenchmarkHugo(b *testing.B) {
	project := projectDir(b)
	b.Run("demo", func(b *testing.B) {
		benchmarkSite(b, project, demoSource(b), demo.AsOf())
	})
	b.Run("synthetic-20", func(b *testing.B) {
		src, asOf, err := demo.County(200_000, 1)
		if err != nil {
			b.Fatal(err)
		}
		benchmarkSite(b, project, src, asOf)
	})
}

// projectDir is the site project: the repository's top, with hugo.toml.
func projectDir(tb testing.TB) string {
	tb.Helper()
	p, err := filepath.Abs("../..")
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// demoSource is the embedded demo town's approved records.
func demoSource(tb testing.TB) town.Source {
	tb.Helper()
	r, err := records.Replay("main", demo.Changes())
	if err != nil {
		tb.Fatal(err)
	}
	src, err := records.Approved(r, records.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return src
}

// scored checks and scores records as a build does, and fails on any error.
func scored(tb testing.TB, src town.Source, asOf time.Time) *audit.Report {
	tb.Helper()
	report := audit.Run(src, audit.Options{Now: asOf})
	if report.Town == nil || report.Diagnostics.Errors() > 0 {
		tb.Fatalf("the records have problems: %v", report.Diagnostics)
	}
	return report
}

func benchmarkSite(b *testing.B, project string, src town.Source, asOf time.Time) {
	report := scored(b, src, asOf)
	t := report.Town
	s, err := Publish(t, report.Results, asOf, "https://example.org/", All, nil)
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	if err := WriteData(filepath.Join(dir, "data"), s); err != nil {
		b.Fatal(err)
	}
	h := Hugo{Project: project, Data: filepath.Join(dir, "data"), Stdout: io.Discard, Stderr: os.Stderr}
	exe, err := h.executable(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	floor := Hugo{Project: trivialProject(b, project), Data: h.Data, Stdout: io.Discard, Stderr: os.Stderr, Exe: exe}
	out := filepath.Join(dir, "public")
	var hugoTime, floorTime time.Duration
	var hugoPeak, floorPeak int64
	for b.Loop() {
		if err := h.Build(context.Background(), out, s, All); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		hugoTime += timedRun(b, h, dir, s, &hugoPeak)
		floorTime += timedRun(b, floor, dir, s, &floorPeak)
		b.StartTimer()
	}
	pages := 0
	filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".html") {
			pages++
		}
		return err
	})
	b.ReportMetric(float64(pages), "pages")
	b.ReportMetric(float64(len(t.Villages)), "villages")
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(pages), "µs/page")
	b.ReportMetric(float64(hugoTime.Microseconds())/float64(b.N)/float64(pages), "hugo-µs/page")
	b.ReportMetric(float64(floorTime.Microseconds())/float64(b.N)/float64(pages), "floor-µs/page")
	b.ReportMetric(float64(hugoPeak)/float64(pages), "hugo-KiB/page")
	b.ReportMetric(float64(floorPeak)/float64(pages), "floor-KiB/page")
}

// timedRun times Hugo alone, without the pipeline's files, into a scratch folder as a build makes
// one (in memory if there is room, else in dir), and raises peak to its peak resident memory (KiB)
// if that is more. Hugo is started by a small launcher (this test binary,
// see TestMain): the peak the kernel reports for a process counts the memory of the process that
// started it, before it became Hugo, and the benchmark's own is more than Hugo's.
func timedRun(b *testing.B, h Hugo, dir string, s *Site, peak *int64) time.Duration {
	built, err := scratch(dir, s)
	if err != nil {
		b.Fatal(err)
	}
	defer os.RemoveAll(built)
	hugo, err := h.command(context.Background(), built, s)
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], append([]string{launchArg, hugo.Path}, hugo.Args[1:]...)...)
	cmd.Dir, cmd.Env, cmd.Stderr = hugo.Dir, hugo.Env, os.Stderr
	start := time.Now()
	out, err := cmd.Output()
	if err != nil {
		b.Fatal(err)
	}
	took := time.Since(start)
	kib, err := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
	if err != nil {
		b.Fatal(err)
	}
	*peak = max(*peak, kib)
	return took
}

// launchArg makes the test binary a launcher (see TestMain).
const launchArg = "-jifen-launch"

// TestMain runs the tests, or, given launchArg and a command, runs the command and writes its peak
// resident memory in KiB.
func TestMain(m *testing.M) {
	if len(os.Args) > 2 && os.Args[1] == launchArg {
		cmd := exec.Command(os.Args[2], os.Args[3:]...)
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println(cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// trivialProject is a copy of the site project whose pages are rendered by one template that
// writes only the page's title: hugo.toml, the content adapter and the partials it uses, as they
// are.
func trivialProject(b *testing.B, project string) string {
	dir := b.TempDir()
	copyFile := func(rel string) {
		data, err := os.ReadFile(filepath.Join(project, rel))
		if err != nil {
			b.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, rel)), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, rel), data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	copyFile("hugo.toml")
	copyFile("content/_content.gotmpl")
	copyFile("layouts/_partials/month-titles.html")
	if err := os.WriteFile(filepath.Join(dir, "layouts", "all.html"), []byte("<!doctype html><title>{{ .Title }}</title>\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	return dir
}
