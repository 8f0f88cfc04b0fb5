package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jifen-project/jifen/pipeline/audit"
	"github.com/jifen-project/jifen/pipeline/check"
	"github.com/jifen-project/jifen/pipeline/records"
	"github.com/jifen-project/jifen/pipeline/rules"
	"github.com/jifen-project/jifen/pipeline/town"
)

const rulesUsage = `usage:
  jifen rules lint [--repo DIR] [--root DIR] [--lang en] [--format json|github]
      check every version of the rule set in rules/, together, and that every month with a
      sheet has a version in force
  jifen rules diff [--lang en] OLD.toml NEW.toml
      list what changed between two versions, entry by entry
`

func rulesCommand(args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "lint":
			return rulesLint(args[1:], stdout, stderr)
		case "diff":
			return rulesDiff(args[1:], stdout, stderr)
		}
	}
	fmt.Fprint(stderr, rulesUsage)
	return errUsage
}

func rulesLint(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("jifen rules lint", flag.ContinueOnError)
	fs.SetOutput(stderr)
	repo := fs.String("repo", ".", "records working tree, uncommitted files included")
	root := fs.String("root", "", "folder of the working tree that holds the records")
	rep := newReporter(fs)
	if err := fs.Parse(args); err != nil || !rep.ok(fs, stderr) {
		return errUsage
	}
	src, err := records.WorkingTree(filepath.Join(*repo, *root))
	if err != nil {
		return err
	}
	// The rule sets' problems, and whether every month with a sheet has a version in force (the
	// items analyzer's to say), from one run of the checks; without a town.toml, the rule sets'.
	report := audit.Run(src, audit.Options{Now: time.Now()})
	if report.Town == nil {
		_, diags := town.Rules(src)
		return rep.write(diags, *root, stdout)
	}
	var diags check.List
	for _, d := range report.Diagnostics {
		if strings.HasPrefix(d.File, "rules/") || d.Code == check.NoRules {
			diags.Add(d)
		}
	}
	return rep.write(diags, *root, stdout)
}

func rulesDiff(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("jifen rules diff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	lang := fs.String("lang", "zh", "language: zh or en")
	switch err := fs.Parse(args); {
	case err != nil:
		return errUsage
	case *lang != "zh" && *lang != "en":
		fmt.Fprintf(stderr, "%s: --lang is zh or en\n", fs.Name())
		return errUsage
	case fs.NArg() != 2:
		fmt.Fprint(stderr, rulesUsage)
		return errUsage
	}
	var sets [2]*rules.RuleSet
	var diags check.List
	for i, name := range fs.Args() {
		data, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		rs, ds := rules.Read(name, data)
		sets[i] = rs
		diags = append(diags, ds...)
	}
	if len(diags) > 0 {
		diags.Sort()
		if err := diags.WriteText(stdout, *lang); err != nil {
			return err
		}
		return errBadRecords
	}
	changes := rules.Diff(sets[0], sets[1])
	var b strings.Builder
	switch {
	case *lang == "en" && len(changes) == 1:
		fmt.Fprintf(&b, "rule set %s → %s: 1 change\n", sets[0].Effective, sets[1].Effective)
	case *lang == "en":
		fmt.Fprintf(&b, "rule set %s → %s: %d changes\n", sets[0].Effective, sets[1].Effective, len(changes))
	default:
		fmt.Fprintf(&b, "积分细则 %s → %s：%d 处改动\n", sets[0].Effective, sets[1].Effective, len(changes))
	}
	for _, c := range changes {
		fmt.Fprintf(&b, "  %s\n", c.Text(*lang))
	}
	_, err := io.WriteString(stdout, b.String())
	return err
}
