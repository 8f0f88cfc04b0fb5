package main

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/jifen-project/jifen/pipeline/check"
	"github.com/jifen-project/jifen/pipeline/records"
	"github.com/jifen-project/jifen/pipeline/town"
)

func validate(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("jifen validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	repo := fs.String("repo", ".", "records working tree to check, uncommitted files included")
	root := fs.String("root", "", "folder of the working tree that holds the records")
	lang := fs.String("lang", "zh", "language of messages: zh or en")
	format := fs.String("format", "text", "output: text or json")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 || (*format != "text" && *format != "json") {
		if err == nil {
			fmt.Fprintln(stderr, "jifen validate: --format is text or json, and no arguments")
		}
		return errUsage
	}
	src, err := records.WorkingTree(filepath.Join(*repo, *root))
	if err != nil {
		return err
	}
	_, diags := town.Load(src, town.Options{Now: time.Now()})
	if *format == "json" {
		if diags == nil {
			diags = check.List{}
		}
		if err := diags.WriteJSON(stdout); err != nil {
			return err
		}
	} else if len(diags) > 0 {
		if err := diags.WriteText(stdout, *lang); err != nil {
			return err
		}
	} else if *lang == "en" {
		fmt.Fprintln(stdout, "no problems found")
	} else {
		fmt.Fprintln(stdout, "没有发现问题")
	}
	if len(diags) > 0 {
		return errBadRecords
	}
	return nil
}
