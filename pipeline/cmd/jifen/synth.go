package main

import (
	"cmp"
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/jifen-project/jifen/pipeline/demo"
	"github.com/jifen-project/jifen/pipeline/records"
)

// synth writes a synthetic records repository, with its git history, from the demo's
// generator: one town at the repository's root, or several, each in a folder of its own (for
// --root), their pull requests merged in the order of their time.
func synth(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("jifen synth", flag.ContinueOnError)
	fs.SetOutput(stderr)
	towns := fs.Int("towns", 1, "towns; with more than one, each in a folder town01, town02, …")
	villages := fs.Int("villages", 25, "villages per town")
	households := fs.Int("households", 600, "households per village")
	months := fs.Int("months", 12, "months of records from January 2025 (records later than the day a check or a build runs at are in the future for it: give it --as-of)")
	seed := fs.Uint64("seed", 1, "seed: the same flags and seed write the same repository")
	// DIR may come before the flags or after them.
	err := fs.Parse(args)
	dir, rest := fs.Arg(0), fs.Args()[min(1, fs.NArg()):]
	if err == nil && len(rest) > 0 {
		err = fs.Parse(rest)
		rest = fs.Args()
	}
	if err != nil || dir == "" || len(rest) > 0 || *towns < 1 || *villages < 1 || *households < 1 || *months < 1 || *months > 120 {
		fmt.Fprintln(stderr, "usage: jifen synth DIR [--towns T] [--villages V] [--households H] [--months M] [--seed S]")
		return errUsage
	}
	var all []records.Change
	for t := range *towns {
		plan := demo.Plan{Profile: "county", Villages: *villages, Households: *households, Months: *months, Seed: *seed + uint64(t)}
		folder := ""
		if *towns > 1 {
			folder = fmt.Sprintf("town%02d", t+1)
			plan.Town = fmt.Sprintf("合成镇%02d", t+1)
		}
		changes, err := demo.Synthetic(plan)
		if err != nil {
			return err
		}
		all = append(all, within(folder, changes)...)
	}
	// Each town's changes are in the order of their time: merge them so.
	slices.SortStableFunc(all, func(a, b records.Change) int { return landed(a).Compare(landed(b)) })
	for i := range all {
		if all[i].Number > 0 {
			all[i].Number = i + 1
		}
	}
	r, err := records.Replay("main", all)
	if err != nil {
		return err
	}
	if err := records.WriteTo(r, dir); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "合成记录仓库已写到 %s：%d 个镇，每镇 %d 个村、每村 %d 户，%d 个月，%d 次变更（直接提交或合并请求）\n",
		dir, *towns, *villages, *households, *months, len(all))
	return nil
}

// within moves the changes' files and branches into folder ("" for the root).
func within(folder string, changes []records.Change) []records.Change {
	if folder == "" {
		return changes
	}
	for i, c := range changes {
		files := make(map[string][]byte, len(c.Files))
		for _, p := range slices.Sorted(maps.Keys(c.Files)) {
			files[folder+"/"+p] = c.Files[p]
		}
		changes[i].Files = files
		if c.Branch != "" {
			changes[i].Branch = folder + "/" + strings.TrimPrefix(c.Branch, "/")
		}
	}
	return changes
}

// landed is when a change reached the branch: its merge, or its commit when it was direct.
func landed(c records.Change) time.Time {
	if c.Number > 0 && c.Merged {
		return cmp.Or(c.MergeTime, c.Time)
	}
	return c.Time
}
