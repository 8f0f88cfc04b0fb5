// Command jifen publishes a town's approved points records as a transparency website.
//
// Usage:
//
//	jifen                      build the demo town's site into ./public
//	jifen build [flags]        build the site of a records repository
//	jifen validate [flags]     check a records working tree, uncommitted files included
//	jifen demo DIR             write the demo town's records repository to DIR
//	jifen synth DIR [flags]    write a synthetic town's or county's records repository to DIR
//	jifen serve [flags]        serve a built site on localhost
//
// Run "jifen <command> -h" for a command's flags. Exit status: 0 done, 1 bad records, 2 wrong
// usage or a failure of the machinery.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	_ "time/tzdata" // towns name their time zone; not every machine has the database
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// errUsage marks a usage error, already explained to the user.
var errUsage = errors.New("usage")

// errBadRecords marks records with problems, already listed for the user.
var errBadRecords = errors.New("bad records")

// errHeld marks a site published with some records held back for their problems, already
// listed for the user.
var errHeld = errors.New("records held back")

func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errBadRecords):
		return 1
	case errors.Is(err, errUsage):
		return 2
	case errors.Is(err, errHeld):
		return 3
	}
	fmt.Fprintln(stderr, "jifen:", err)
	return 2
}

// run is the command: it only wires the packages together.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd := "build"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "build":
		return build(ctx, args, stdout, stderr)
	case "validate":
		return validate(args, stdout, stderr)
	case "rules":
		return rulesCommand(args, stdout, stderr)
	case "template":
		return template(args, stdout, stderr)
	case "bench-check":
		return benchCheck(args, stdout, stderr)
	case "demo":
		return writeDemo(args, stdout, stderr)
	case "synth":
		return synth(args, stdout, stderr)
	case "init":
		return initTown(args, stdout, stderr)
	case "serve":
		return serve(ctx, args, stdout, stderr)
	case "deploy":
		return deployCommand(ctx, args, stdout, stderr)
	case "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "jifen: unknown command %q\n%s", cmd, usage)
	return errUsage
}

const usage = `usage:
  jifen                      build the demo town's site into ./public
  jifen build [flags]        build the site of a records repository (-h for flags)
  jifen validate [flags]     check a records working tree (-h for flags)
  jifen rules lint|diff      check the rule set's versions, or list what changed between two
  jifen template [flags]     write a blank sheet for a village-month, as CSV or an Excel workbook (-h for flags)
  jifen demo DIR             write the demo town's records repository to DIR
  jifen synth DIR [flags]    write a synthetic town's or county's records repository to DIR (-h for flags)
  jifen init DIR [flags]     write a new town's records repository to DIR (-h for flags)
  jifen serve [flags]        serve a built site on localhost
  jifen deploy [flags]       upload a built site to an S3-compatible bucket or an SFTP server (-h for flags)
`
