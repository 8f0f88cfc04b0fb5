package town_test

import (
	"testing"
	"time"

	"github.com/jifen-project/jifen/pipeline/audit"
	"github.com/jifen-project/jifen/pipeline/demo"
	"github.com/jifen-project/jifen/pipeline/town"
)

// BenchmarkCheck checks a county-scale synthetic town of about two million sheet rows
// (demo.County) as jifen validate does, and reports its time against a plain encoding/csv pass
// over the same bytes in the same run: load-ratio for parsing every approved version of every
// file (town.Load), ratio for all of validate (audit.Run: parsing, every check, the scoring and
// the checks of the scores). The target is at most 3.
func BenchmarkCheck(b *testing.B) {
	src, asOf, err := demo.County(2_000_000, 1)
	if err != nil {
		b.Fatal(err)
	}
	var plain, load, validate time.Duration
	for b.Loop() {
		start := time.Now()
		demo.PlainPass(src)
		plain += time.Since(start)
		start = time.Now()
		town.Load(src, town.Options{Now: asOf})
		load += time.Since(start)
		start = time.Now()
		report := audit.Run(src, audit.Options{Now: asOf})
		validate += time.Since(start)
		if report.Diagnostics.Errors() > 0 {
			b.Fatal(report.Diagnostics)
		}
	}
	b.ReportMetric(float64(plain.Milliseconds())/float64(b.N), "plain-ms/op")
	b.ReportMetric(float64(load.Milliseconds())/float64(b.N), "load-ms/op")
	b.ReportMetric(float64(validate.Milliseconds())/float64(b.N), "validate-ms/op")
	b.ReportMetric(float64(load)/float64(plain), "load-ratio")
	b.ReportMetric(float64(validate)/float64(plain), "ratio")
}
