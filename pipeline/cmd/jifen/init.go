package main

import (
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/jifen-project/jifen/pipeline/audit"
	"github.com/jifen-project/jifen/pipeline/scaffold"
	"github.com/jifen-project/jifen/pipeline/town"
)

// initTown writes a new town's records repository into a new or empty directory, once the
// files pass the checks of `jifen validate`.
func initTown(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("jifen init", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var t scaffold.Town
	fs.StringVar(&t.Name, "town", "示范镇", "the town's name")
	fs.StringVar(&t.Village, "village", "shifan", "the example village's id (lower-case letters, digits and -)")
	fs.StringVar(&t.VillageName, "village-name", "示范村", "the example village's name")
	fs.StringVar(&t.Org, "org", "your-org", "the GitHub organisation whose teams review each village's folder (CODEOWNERS)")
	// DIR may come before the flags or after them.
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	rest := fs.Args()
	if len(rest) == 0 || fs.Parse(rest[1:]) != nil || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: jifen init DIR [--town NAME] [--village ID --village-name NAME] [--org ORG]")
		return errUsage
	}
	dir := rest[0]
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["village"] != set["village-name"] {
		fmt.Fprintln(stderr, "jifen init: give --village and --village-name together")
		return errUsage
	}

	files, err := scaffold.Files(t)
	if err != nil {
		fmt.Fprintln(stderr, "jifen init:", err)
		return errUsage
	}
	if diags := audit.Run(town.Source{Files: files}, audit.Options{Now: time.Now()}).Diagnostics; diags.Errors() > 0 {
		fmt.Fprintln(stderr, "jifen init: with these names the records would have problems; nothing was written:")
		diags.WriteText(stderr, "zh")
		return errUsage
	}

	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("%s is not empty: jifen init writes a new records repository into a new or empty directory", dir)
	} else if err != nil && !os.IsNotExist(err) {
		return err
	}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "%s的积分记录仓库已写到 %s。接下来：\n"+
		"  1. 按实际改 town.toml、villages/%s/ 里的 village.toml 和 households.csv（示例户换成真实名册）\n"+
		"  2. 检查：go tool jifen validate --repo %s\n"+
		"  3. 按 README.md 最后一节把它放到 GitHub 上\n", t.Name, dir, t.Village, dir)
	return nil
}
