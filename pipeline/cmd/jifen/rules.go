package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

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
	_, diags := town.Rules(src)
	diags.Sort()
	return rep.write(diags, *root, stdout)
}

func rulesDiff(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("jifen rules diff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	lang := fs.String("lang", "zh", "language: zh or en")
	if err := fs.Parse(args); err != nil || fs.NArg() != 2 {
		if err == nil {
			fmt.Fprint(stderr, rulesUsage)
		}
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
		diags.WriteText(stdout, *lang)
		return errBadRecords
	}
	changes := rules.Diff(sets[0], sets[1])
	var b strings.Builder
	en := *lang == "en"
	if en {
		plural := "s"
		if len(changes) == 1 {
			plural = ""
		}
		fmt.Fprintf(&b, "rule set %s → %s: %d change%s\n", sets[0].Effective, sets[1].Effective, len(changes), plural)
	} else {
		fmt.Fprintf(&b, "积分细则 %s → %s：%d 处改动\n", sets[0].Effective, sets[1].Effective, len(changes))
	}
	for _, c := range changes {
		what := tableNames[c.Table][0]
		if en {
			what = tableNames[c.Table][1]
		}
		if c.ID != "" {
			what += " " + c.ID
		}
		switch {
		case c.Kind == "changed" && en:
			fmt.Fprintf(&b, "  %s: %s %s → %s\n", what, c.Key, c.Old, c.New)
		case c.Kind == "changed":
			fmt.Fprintf(&b, "  %s：%s %s → %s\n", what, c.Key, c.Old, c.New)
		case c.Kind == "added" && en:
			fmt.Fprintf(&b, "  %s: added (%s)\n", what, c.New)
		case c.Kind == "added":
			fmt.Fprintf(&b, "  %s：新增（%s）\n", what, c.New)
		case en:
			fmt.Fprintf(&b, "  %s: removed (%s)\n", what, c.Old)
		default:
			fmt.Fprintf(&b, "  %s：删除（%s）\n", what, c.Old)
		}
	}
	_, err := io.WriteString(stdout, b.String())
	return err
}

// tableNames names the tables of a rule set in Chinese and English.
var tableNames = map[string][2]string{
	"":                {"细则", "rule set"},
	"adoption":        {"通过", "adoption"},
	"categories":      {"类别", "category"},
	"items":           {"事项", "item"},
	"vetoes":          {"一票否决", "veto"},
	"honours.stars":   {"星级文明户", "star level"},
	"honours.monthly": {"月度积分之星", "monthly stars"},
	"honours.model":   {"道德模范候选", "moral model nominations"},
	"supermarket":     {"积分超市", "supermarket"},
}
