package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/jifen-project/jifen/pipeline/records"
	"github.com/jifen-project/jifen/pipeline/sheet"
	"github.com/jifen-project/jifen/pipeline/town"
)

var monthFlag = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])$`)

// template writes a blank score sheet for a village-month, with the roster's households.
func template(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("jifen template", flag.ContinueOnError)
	fs.SetOutput(stderr)
	village := fs.String("village", "", "village id, as in town.toml")
	month := fs.String("month", "", "the sheet's month, YYYY-MM")
	repo := fs.String("repo", ".", "records working tree")
	root := fs.String("root", "", "folder of the working tree that holds the records")
	out := fs.String("out", "", `file to write, or - for standard output (default: the month's sheet in the working tree, which must not exist yet)`)
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 || *village == "" || !monthFlag.MatchString(*month) {
		if err == nil {
			fmt.Fprintln(stderr, "usage: jifen template --village V --month YYYY-MM [--repo DIR] [--root DIR] [--out FILE]")
		}
		return errUsage
	}
	dir := filepath.Join(*repo, *root)
	src, err := records.WorkingTree(dir)
	if err != nil {
		return err
	}
	t, diags := town.Load(src, town.Options{Now: time.Now()})
	if t == nil {
		diags.WriteText(stderr, "zh")
		return errBadRecords
	}
	var v *town.Village
	for _, tv := range t.Villages {
		if tv.ID == *village {
			v = tv
		}
	}
	if v == nil {
		fmt.Fprintf(stderr, "jifen template: no village %q in %s (see town.toml)\n", *village, dir)
		return errUsage
	}
	data := sheet.Template(v.Households, *month)
	if *out == "-" {
		_, err := stdout.Write(data)
		return err
	}
	name := *out
	if name == "" {
		name = filepath.Join(dir, "villages", *village, "sheets", *month+".csv")
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return err
		}
	}
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("write the template: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write the template: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write the template: %w", err)
	}
	fmt.Fprintf(stdout, "已写好 %s：每户一行，填上事项和分值（日期改成事情发生的那天）；没有填的行不算数\n", name)
	return nil
}
