package site

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jifen-project/jifen/pipeline/demo"
	"github.com/jifen-project/jifen/pipeline/records"
	"github.com/jifen-project/jifen/pipeline/score"
	"github.com/jifen-project/jifen/pipeline/synth"
	"github.com/jifen-project/jifen/pipeline/town"
)

// BenchmarkHugo times the site build (Hugo with the project's templates, on the JSON the
// pipeline writes) for the demo town and for a synthetic town of about 20 villages of 250 to
// 1,200 households, and reports the time per page.
//
//	go test -run '^$' -bench BenchmarkHugo -benchtime 3x ./pipeline/site/
func BenchmarkHugo(b *testing.B) {
	project, err := filepath.Abs("../..")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("demo", func(b *testing.B) {
		r, err := records.Replay("main", demo.Changes())
		if err != nil {
			b.Fatal(err)
		}
		src, err := records.Approved(r, records.Options{})
		if err != nil {
			b.Fatal(err)
		}
		benchmarkSite(b, project, src, demo.AsOf())
	})
	b.Run("synthetic-20", func(b *testing.B) {
		rules, err := os.ReadFile("../demo/records/rules/2025-01-01.toml")
		if err != nil {
			b.Fatal(err)
		}
		src, err := synth.County(rules, 200_000, 1)
		if err != nil {
			b.Fatal(err)
		}
		// Approve each month's sheet on the 5th of the month after.
		src.History = map[string][]town.Version{}
		for name := range src.Files {
			if i := strings.Index(name, "/sheets/"); i >= 0 {
				m, _ := time.Parse("2006-01.csv", name[i+len("/sheets/"):])
				src.History[name] = []town.Version{{Commit: fmt.Sprintf("%040d", len(src.History)), Time: m.AddDate(0, 1, 4).Add(10 * time.Hour), Author: "网格员"}}
			}
		}
		benchmarkSite(b, project, src, time.Date(synth.Year+1, 3, 1, 0, 0, 0, 0, time.UTC))
	})
}

func benchmarkSite(b *testing.B, project string, src town.Source, asOf time.Time) {
	t, diags := town.Load(src, town.Options{Now: asOf})
	if t == nil || diags.Errors() > 0 {
		b.Fatalf("the records have problems: %v", diags)
	}
	s, err := Publish(t, score.Town(t, asOf), asOf, "https://example.org/")
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	if err := WriteData(filepath.Join(dir, "data"), s, All); err != nil {
		b.Fatal(err)
	}
	h := Hugo{Project: project, Data: filepath.Join(dir, "data"), Stdout: io.Discard, Stderr: os.Stderr}
	out := filepath.Join(dir, "public")
	for b.Loop() {
		if err := h.Build(context.Background(), out, s, All); err != nil {
			b.Fatal(err)
		}
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
}
