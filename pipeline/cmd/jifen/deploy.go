package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/jifen-project/jifen/pipeline/deploy"
)

const deployUsage = "usage: jifen deploy --from DIR --to s3://bucket/prefix|sftp://user@host[:port]/path [--endpoint URL] [--addressing auto|path|virtual-host] [--identity FILE] [--known-hosts FILE] [--dry-run] [-v]"

// deployCommand uploads a built site to a bucket or a server: only what changed, the
// manifest last, then the deletions.
func deployCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("jifen deploy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var opts deploy.Options
	fs.StringVar(&opts.From, "from", "public", "the built site")
	fs.StringVar(&opts.To, "to", "", "s3://bucket/prefix (credentials in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION) or sftp://user@host[:port]/path")
	fs.StringVar(&opts.Endpoint, "endpoint", "", "S3: the service's address, e.g. https://oss-cn-shenzhen.aliyuncs.com (default $AWS_ENDPOINT_URL_S3 or $AWS_ENDPOINT_URL)")
	fs.StringVar(&opts.Addressing, "addressing", "auto", "S3: bucket in the host name (virtual-host) or in the path (path); auto: virtual-host for OSS, COS, OBS and AWS, path for others")
	fs.StringVar(&opts.Identity, "identity", "", "SFTP: private key file (default: the SSH agent, then ~/.ssh/id_ed25519, id_ecdsa, id_rsa)")
	fs.StringVar(&opts.KnownHosts, "known-hosts", "", "SFTP: known_hosts file the server's key is checked against (default ~/.ssh/known_hosts)")
	fs.BoolVar(&opts.DryRun, "dry-run", false, "list what would be uploaded and deleted, change nothing")
	verbose := fs.Bool("v", false, "name each file as it is uploaded")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 || opts.To == "" {
		if err == nil {
			fmt.Fprintln(stderr, deployUsage)
		}
		return errUsage
	}
	opts.Getenv = os.Getenv
	opts.Home = os.Getenv("HOME") // where ~/.ssh is, as OpenSSH finds it
	if *verbose {
		opts.Uploaded = func(f deploy.File) { fmt.Fprintf(stdout, "uploaded %s\n", f.Path) }
	}
	report, err := deploy.Run(ctx, opts)
	if err != nil {
		return err
	}
	report.Write(stdout)
	return nil
}
