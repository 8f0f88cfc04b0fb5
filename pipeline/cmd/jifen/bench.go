package main

import (
	"flag"
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"

	"github.com/jifen-project/jifen/pipeline/audit"
	"github.com/jifen-project/jifen/pipeline/check"
	"github.com/jifen-project/jifen/pipeline/demo"
	"github.com/jifen-project/jifen/pipeline/score"
	"github.com/jifen-project/jifen/pipeline/synth"
	"github.com/jifen-project/jifen/pipeline/town"
)

// benchCheck measures what jifen validate costs on a county-scale synthetic set of sheets,
// against a plain encoding/csv pass over the same bytes.
func benchCheck(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("jifen bench-check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rows := fs.Int("rows", 2_000_000, "sheet rows to make, about")
	seed := fs.Uint64("seed", 1, "seed of the synthetic records")
	runs := fs.Int("runs", 3, "runs of each measurement; the fastest counts")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 || *rows <= 0 || *runs <= 0 {
		return errUsage
	}
	src, err := synth.County(demo.Rules()["rules/2025-01-01.toml"], *rows, *seed)
	if err != nil {
		return err
	}
	size, files := 0, 0
	for name, data := range src.Files {
		if strings.HasSuffix(name, ".csv") {
			size += len(data)
			files++
		}
	}
	now := time.Date(synth.Year+1, 1, 15, 0, 0, 0, 0, time.UTC)
	var records int
	var t *town.Town
	var problems, warnings check.List
	plain := fastest(*runs, func() { records = synth.PlainPass(src) })
	load := fastest(*runs, func() { t, problems = town.Load(src, town.Options{Now: now}) })
	caps := fastest(*runs, func() { warnings = audit.Results(score.Town(t, now)) })
	diags := append(problems, warnings...)

	ratio := func(d time.Duration) string { return fmt.Sprintf("%.2f×", float64(d)/float64(plain)) }
	fmt.Fprintf(stdout, "synthetic county: %d villages, %d CSV files, %d CSV records (sheets and rosters), %.1f MB (GOMAXPROCS %d, fastest of %d runs)\n",
		len(t.Villages), files, records, float64(size)/1e6, runtime.GOMAXPROCS(0), *runs)
	fmt.Fprintf(stdout, "plain encoding/csv pass       %8s\n", plain.Round(time.Millisecond))
	fmt.Fprintf(stdout, "parse and check (town.Load)   %8s  %s\n", load.Round(time.Millisecond), ratio(load))
	fmt.Fprintf(stdout, "scoring checks (caps, market) %8s  %s\n", caps.Round(time.Millisecond), ratio(caps))
	fmt.Fprintf(stdout, "all of jifen validate         %8s  %s\n", (load + caps).Round(time.Millisecond), ratio(load+caps))
	fmt.Fprintf(stdout, "problems found: %d errors, %d warnings\n", diags.Errors(), len(diags)-diags.Errors())
	return nil
}

// fastest runs f runs times after a garbage collection each, and returns its fastest time.
func fastest(runs int, f func()) time.Duration {
	best := time.Duration(1<<63 - 1)
	for range runs {
		runtime.GC()
		start := time.Now()
		f()
		best = min(best, time.Since(start))
	}
	return best
}
