package main

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/jifen-project/jifen/pipeline/audit"
	"github.com/jifen-project/jifen/pipeline/check"
	"github.com/jifen-project/jifen/pipeline/records"
)

func validate(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("jifen validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	repo := fs.String("repo", ".", "records working tree to check, uncommitted files included")
	root := fs.String("root", "", "folder of the working tree that holds the records")
	asOfFlag := fs.String("as-of", "", "the time to check the records at (sheets of later months are refused), e.g. 2026-01-12 (default: now)")
	since := fs.String("changed-since", "", "a branch, tag or commit of the working tree's git repository, such as a pull request's base: the problems of the files changed since then come first (default \"\": in file order)")
	rep := newReporter(fs)
	if err := fs.Parse(args); err != nil || !rep.ok(fs, stderr) {
		return errUsage
	}
	asOf, err := parseAsOf(*asOfFlag)
	if err != nil {
		fmt.Fprintln(stderr, "jifen validate:", err)
		return errUsage
	}
	if asOf.IsZero() {
		asOf = time.Now()
	}
	var changed map[string]bool
	if *since != "" {
		changed, err = records.Changed(*repo, *root, *since)
		if errors.Is(err, records.ErrUnknownRevision) {
			fmt.Fprintln(stderr, "jifen validate: --changed-since:", err)
			return errUsage
		}
		if err != nil {
			return err
		}
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		// validate lets each village's rows go once checked, and holds at most about half a
		// gigabyte of a county's records (2.4 million rows) at once, while reading the history:
		// a soft limit makes the collector keep the heap near that, so that the check of a
		// county stays under 1 GB, instead of letting the heap grow to twice what it holds.
		debug.SetMemoryLimit(768 << 20)
	}
	src, err := records.Checkout(*repo, *root, asOf)
	if err != nil {
		return err
	}
	opts := audit.Options{Now: asOf, ChecksOnly: true}
	report := audit.Run(src, opts)
	diags := report.Diagnostics
	if slices.ContainsFunc(diags, func(d check.Diagnostic) bool {
		_, gone := src.Removed[d.File]
		return d.Code == check.MissingFile && gone
	}) {
		// Judge deleted files as build does: one that residents never saw (a merge with
		// errors, then reverted) is no error. Holding back needs the whole town and its scores.
		opts.ChecksOnly = false
		held, err := audit.Hold(audit.Run(src, opts), src, opts, records.CheckoutAt(*repo, *root, asOf))
		if err != nil {
			return err
		}
		diags = held.Diagnostics
	}
	if changed != nil {
		diags.MarkChanged(func(file string) bool { return changed[file] })
		rep.changes, rep.counts = true, touched(changed)
	}
	return rep.write(diags, *root, stdout)
}

// touched tells which errors a change answers for: those of the villages whose files it changed
// (as the file or the related file of the error: a change to a roster breaks the 迁自 that name
// its households), and those of the town's own files (town.toml, the rule sets, the catalog), which reach every
// village; all of them when it changed the town's own files. An error in another village holds
// back that village alone when published, so it does not fail this change's check (it is still
// listed).
func touched(changed map[string]bool) func(check.Diagnostic) bool {
	villages := map[string]bool{}
	for file := range changed {
		rest, ok := strings.CutPrefix(file, "villages/")
		if !ok {
			return nil
		}
		id, _, _ := strings.Cut(rest, "/")
		villages[id] = true
	}
	village := func(file string) (string, bool) {
		rest, ok := strings.CutPrefix(file, "villages/")
		id, _, _ := strings.Cut(rest, "/")
		return id, ok
	}
	return func(d check.Diagnostic) bool {
		id, ok := village(d.File)
		related, _ := village(d.Related)
		return !ok || villages[id] || d.Related != "" && villages[related]
	}
}

// A reporter prints diagnostics as the command's flags ask: text in Chinese or English, JSON,
// or GitHub workflow annotations with a Markdown job summary.
type reporter struct {
	lang, format, summary *string
	changes               bool                        // the diagnostics say which files a change touched
	counts                func(check.Diagnostic) bool // which errors fail the check; nil: all
}

func newReporter(fs *flag.FlagSet) *reporter {
	return &reporter{
		lang:    fs.String("lang", "zh", "language of messages: zh or en"),
		format:  fs.String("format", "text", "output: text, json, or github (workflow annotations, and a Markdown job summary)"),
		summary: fs.String("summary", "", "with --format github, append the Markdown summary to this file (default: $GITHUB_STEP_SUMMARY, if set)"),
	}
}

// ok reports whether the flags make sense, and explains when they do not.
func (r *reporter) ok(fs *flag.FlagSet, stderr io.Writer) bool {
	switch {
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "%s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
	case *r.format != "text" && *r.format != "json" && *r.format != "github":
		fmt.Fprintf(stderr, "%s: --format is text, json or github\n", fs.Name())
	case *r.lang != "zh" && *r.lang != "en":
		fmt.Fprintf(stderr, "%s: --lang is zh or en\n", fs.Name())
	default:
		return true
	}
	return false
}

// write prints the diagnostics and returns errBadRecords when any of them is an error. root is
// the records' folder in the repository, which GitHub needs in the paths of annotations.
func (r *reporter) write(diags check.List, root string, stdout io.Writer) error {
	var err error
	switch *r.format {
	case "json":
		if diags == nil {
			diags = check.List{}
		}
		err = diags.WriteJSON(stdout)
	case "github":
		in := make(check.List, len(diags))
		for i, d := range diags {
			d.File = path.Join(filepath.ToSlash(root), d.File)
			in[i] = d
		}
		if err = in.WriteGitHub(stdout, *r.lang); err == nil {
			err = r.writeSummary(in)
		}
	default:
		err = diags.WriteText(stdout, *r.lang)
	}
	if err != nil {
		return err
	}
	for _, d := range diags {
		if !d.IsWarning() && (r.counts == nil || r.counts(d)) {
			return errBadRecords
		}
	}
	return nil
}

// writeSummary appends the Markdown summary to --summary or $GITHUB_STEP_SUMMARY.
func (r *reporter) writeSummary(diags check.List) error {
	return appendSummary(cmp.Or(*r.summary, os.Getenv("GITHUB_STEP_SUMMARY")), diags, *r.lang, r.changes)
}

// appendSummary appends the Markdown summary of the problems to the file name, if any: a GitHub
// Actions job summary.
func appendSummary(name string, diags check.List, lang string, changes bool) error {
	if name == "" {
		return nil
	}
	f, err := os.OpenFile(name, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("write the job summary: %w", err)
	}
	if err := diags.WriteSummary(f, lang, changes); err != nil {
		f.Close()
		return fmt.Errorf("write the job summary: %w", err)
	}
	return f.Close()
}
