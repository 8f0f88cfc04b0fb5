package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/jifen-project/jifen/pipeline/audit"
	"github.com/jifen-project/jifen/pipeline/demo"
	"github.com/jifen-project/jifen/pipeline/town"
)

// benchCheck measures what jifen validate costs on a county-scale synthetic town (demo.County),
// against a plain encoding/csv pass over the same bytes: the parse alone (town.Load), then the
// whole of validate (audit.Run as validate runs it: parse, checks, scoring and the checks of the
// scores), last; and the process's peak memory while validate runs, the records held in memory
// included, as validate holds them.
func benchCheck(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("jifen bench-check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rows := fs.Int("rows", 2_000_000, "sheet rows to make, about")
	seed := fs.Uint64("seed", 1, "seed of the synthetic records")
	runs := fs.Int("runs", 3, "runs of each measurement; the fastest counts")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 || *rows <= 0 || *runs <= 0 {
		return errUsage
	}
	src, asOf, err := demo.County(*rows, *seed)
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
	var records int
	var report *audit.Report
	plain := fastest(*runs, func() { records = demo.PlainPass(src) })
	load := fastest(*runs, func() { town.Load(src, town.Options{Now: asOf}) })
	opts := audit.Options{Now: asOf, ChecksOnly: true}
	validate := fastest(*runs, func() { report = audit.Run(src, opts) })
	report = nil
	peak, peakErr := peakMemory(func() { report = audit.Run(src, opts) })
	if report.Town == nil {
		return fmt.Errorf("the synthetic town has no town.toml: %v", report.Diagnostics)
	}
	diags := report.Diagnostics

	fmt.Fprintf(stdout, "synthetic county: %d villages, %d CSV files, %d CSV records, %.1f MB (GOMAXPROCS %d, fastest of %d runs)\n",
		len(report.Town.Villages), files, records, float64(size)/1e6, runtime.GOMAXPROCS(0), *runs)
	fmt.Fprintf(stdout, "plain encoding/csv pass       %8s\n", plain.Round(time.Millisecond))
	fmt.Fprintf(stdout, "parse (town.Load)             %8s  %.2f×\n", load.Round(time.Millisecond), float64(load)/float64(plain))
	fmt.Fprintf(stdout, "validate (audit.Run)          %8s  %.2f×\n", validate.Round(time.Millisecond), float64(validate)/float64(plain))
	if peakErr != nil {
		fmt.Fprintf(stdout, "peak memory of validate: not measured (%v)\n", peakErr)
	} else {
		fmt.Fprintf(stdout, "peak memory of validate       %5d MiB\n", peak>>20)
	}
	fmt.Fprintf(stdout, "problems found: %d errors, %d warnings\n", diags.Errors(), len(diags)-diags.Errors())
	return nil
}

// peakMemory runs f and returns the process's peak resident memory meanwhile (Linux: the
// kernel's high-water mark, reset before f once the garbage is returned to it).
func peakMemory(f func()) (int64, error) {
	debug.FreeOSMemory()
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		return 0, err
	}
	f()
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(status)) {
		if kb, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(kb), "kB")), 10, 64)
			return n << 10, err
		}
	}
	return 0, errors.New("no VmHWM in /proc/self/status")
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
