package town_test

import (
	"os"
	"testing"
	"time"

	"github.com/jifen-project/jifen/pipeline/audit"
	"github.com/jifen-project/jifen/pipeline/synth"
	"github.com/jifen-project/jifen/pipeline/town"
)

// BenchmarkCheck checks a county-scale synthetic set of about two million sheet rows as jifen
// validate does, and reports its time against a plain encoding/csv pass over the same bytes in
// the same run: load-ratio for parsing and every check of town.Load, ratio for all of validate
// with the cap warnings of audit.Caps (which score every village). The target is at most 3.
func BenchmarkCheck(b *testing.B) {
	ruleFile, err := os.ReadFile("../demo/records/rules/2025-01-01.toml")
	if err != nil {
		b.Fatal(err)
	}
	src, err := synth.County(ruleFile, 2_000_000, 1)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(synth.Year+1, 1, 15, 0, 0, 0, 0, time.UTC)
	var plain, load, caps time.Duration
	for b.Loop() {
		start := time.Now()
		synth.PlainPass(src)
		plain += time.Since(start)
		start = time.Now()
		t, diags := town.Load(src, town.Options{Now: now})
		load += time.Since(start)
		start = time.Now()
		diags = append(diags, audit.Caps(t)...)
		caps += time.Since(start)
		if diags.Errors() > 0 {
			b.Fatal(diags)
		}
	}
	b.ReportMetric(float64(plain.Milliseconds())/float64(b.N), "plain-ms/op")
	b.ReportMetric(float64(load.Milliseconds())/float64(b.N), "load-ms/op")
	b.ReportMetric(float64(caps.Milliseconds())/float64(b.N), "caps-ms/op")
	b.ReportMetric(float64(load)/float64(plain), "load-ratio")
	b.ReportMetric(float64(load+caps)/float64(plain), "ratio")
}
