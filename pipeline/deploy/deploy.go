package deploy

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"time"

	"golang.org/x/sync/errgroup"
)

// Options say what to deploy where, and how to reach it.
type Options struct {
	From string // the built site
	To   string // s3://bucket/prefix or sftp://user@host[:port]/path

	Endpoint   string // S3: the service's URL; else AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL
	Addressing string // S3: "auto", "path" or "virtual-host"
	Identity   string // SFTP: a private key file; else the agent and ~/.ssh/id_*
	KnownHosts string // SFTP: a known_hosts file; else ~/.ssh/known_hosts

	DryRun bool
	Getenv func(string) string // the environment: credentials, SSH_AUTH_SOCK, USER
	Home   string              // the home folder, where ~/.ssh is

	// Uploaded, if set, is called after each file is uploaded.
	Uploaded func(File)
}

// Report is what a deploy did, or with DryRun would do.
type Report struct {
	Target  string
	Plan    Plan
	DryRun  bool
	Elapsed time.Duration
}

// target is where a site is deployed: an S3 bucket or an SFTP server.
type target interface {
	// compare finds what must change for the target to hold the site.
	compare(ctx context.Context, site *Site) (Plan, error)
	// apply carries a plan out; uploaded is called after each file.
	apply(ctx context.Context, site *Site, plan Plan, uploaded func(File)) error
	Close() error
}

// concurrency is the number of requests in flight at once.
const concurrency = 8

// Run deploys the site in opts.From to opts.To.
func Run(ctx context.Context, opts Options) (Report, error) {
	start := time.Now()
	report := Report{Target: opts.To, DryRun: opts.DryRun}
	site, err := Open(opts.From)
	if err != nil {
		return report, err
	}
	t, err := connect(ctx, opts)
	if err != nil {
		return report, err
	}
	defer t.Close()
	report.Plan, err = t.compare(ctx, site)
	if err != nil || opts.DryRun {
		report.Elapsed = time.Since(start)
		return report, err
	}
	uploaded := opts.Uploaded
	if uploaded == nil {
		uploaded = func(File) {}
	}
	err = t.apply(ctx, site, report.Plan, uploaded)
	report.Elapsed = time.Since(start)
	if err != nil {
		return report, fmt.Errorf("deploy to %s: %w (run it again: it goes on where it stopped)", opts.To, err)
	}
	return report, nil
}

func connect(ctx context.Context, opts Options) (target, error) {
	u, err := url.Parse(opts.To)
	if err != nil {
		return nil, fmt.Errorf("--to %q: %w", opts.To, err)
	}
	switch u.Scheme {
	case "s3":
		return dialS3(ctx, u, opts)
	case "sftp":
		return dialSFTP(ctx, u, opts)
	}
	return nil, fmt.Errorf("--to %q: a target is s3://bucket/prefix or sftp://user@host/path", opts.To)
}

// Write prints the report: with DryRun every action, then a summary line.
func (r Report) Write(w io.Writer) {
	up, del := "uploaded", "deleted"
	if r.DryRun {
		up, del = "would upload", "would delete"
		for _, f := range r.Plan.Upload {
			fmt.Fprintf(w, "upload %s (%d bytes, %s)\n", f.Path, f.Size, ContentType(f.Path))
		}
		for _, p := range r.Plan.Delete {
			fmt.Fprintf(w, "delete %s\n", p)
		}
	}
	fmt.Fprintf(w, "%s: %s %d files (%d bytes), %s %d, %d unchanged, %.1fs\n", r.Target, up,
		len(r.Plan.Upload), r.Plan.Bytes(), del, len(r.Plan.Delete), len(r.Plan.Unchanged), r.Elapsed.Seconds())
}

// inWaves runs do on each item, concurrently within a wave and one wave after the other, in
// the order of items; wave numbers each item's wave.
func inWaves[T any](ctx context.Context, items []T, wave func(T) int, do func(context.Context, T) error) error {
	for len(items) > 0 {
		n := 1
		for n < len(items) && wave(items[n]) == wave(items[0]) {
			n++
		}
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(concurrency)
		for _, item := range items[:n] {
			g.Go(func() error {
				if err := gctx.Err(); err != nil {
					return err
				}
				return do(gctx, item)
			})
		}
		if err := g.Wait(); err != nil {
			return err
		}
		items = items[n:]
	}
	return nil
}
