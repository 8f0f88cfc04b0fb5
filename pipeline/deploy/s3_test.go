package deploy

import (
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// s3Server is a real S3 HTTP server on 127.0.0.1 (gofakes3, in memory) with a bucket "site".
type s3Server struct {
	endpoint string
	client   *minio.Client
}

func startS3(t *testing.T) *s3Server {
	t.Helper()
	backend := s3mem.New()
	if err := backend.CreateBucket("site"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(srv.Close)
	host := strings.TrimPrefix(srv.URL, "http://")
	client, err := minio.New(host, &minio.Options{Creds: credentials.NewStaticV4("test", "secret", ""), BucketLookup: minio.BucketLookupPath})
	if err != nil {
		t.Fatal(err)
	}
	return &s3Server{endpoint: srv.URL, client: client}
}

// options deploys dir to the prefix of the bucket.
func (s *s3Server) options(dir, prefix string) Options {
	return Options{
		From:     dir,
		To:       "s3://site/" + prefix,
		Endpoint: s.endpoint,
		Getenv:   env(map[string]string{"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_REGION": "cn-south-1"}),
	}
}

// tree reads every object under the prefix, and their content types.
func (s *s3Server) tree(t *testing.T, prefix string) (map[string][]byte, map[string]string) {
	t.Helper()
	ctx := context.Background()
	data, types := map[string][]byte{}, map[string]string{}
	for obj := range s.client.ListObjects(ctx, "site", minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if obj.Err != nil {
			t.Fatal(obj.Err)
		}
		r, err := s.client.GetObject(ctx, "site", obj.Key, minio.GetObjectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		info, err := r.Stat()
		if err != nil {
			t.Fatal(err)
		}
		rel := strings.TrimPrefix(obj.Key, prefix)
		data[rel], types[rel] = b, info.ContentType
	}
	return data, types
}

func deployOK(t *testing.T, opts Options) (Report, []string) {
	t.Helper()
	var up uploads
	opts.Uploaded = up.record
	report, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatalf("deploy: %v", err)
	}
	return report, up.sorted()
}

// TestS3 deploys a site, then the same site after one village changed, then after one
// village was removed.
func TestS3(t *testing.T) {
	s3 := startS3(t)
	dir := fakeSite(t, "cencun", "shanxia", "yunxi")
	report, uploaded := deployOK(t, s3.options(dir, "town/"))
	site, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(uploaded) != len(site.Files)+1 || report.Plan.Upload[len(report.Plan.Upload)-1].Path != ManifestName {
		t.Fatalf("first deploy uploaded %d files, manifest last? %v", len(uploaded), report.Plan.Upload)
	}
	remote, types := s3.tree(t, "town/")
	sameTree(t, dir, remote)
	for name, ct := range types {
		if ct != ContentType(name) {
			t.Errorf("%s is served as %q, want %q", name, ct, ContentType(name))
		}
	}
	if types["index.html"] != "text/html; charset=utf-8" || types["downloads/cencun.csv"] != "text/csv; charset=utf-8" || types["cencun/feed.xml"] != "application/atom+xml; charset=utf-8" {
		t.Errorf("content types: %v", types)
	}

	writeSite(t, dir, []string{"shanxia"}, "v2")
	report, uploaded = deployOK(t, s3.options(dir, "town/"))
	want := append([]string{ManifestName}, villagePages("shanxia")...)
	if !slices.Equal(uploaded, want) || len(report.Plan.Delete) != 0 {
		t.Fatalf("after one village changed, uploaded %v, deleted %v; want %v", uploaded, report.Plan.Delete, want)
	}
	remote, _ = s3.tree(t, "town/")
	sameTree(t, dir, remote)

	for _, name := range append(villagePages("yunxi"), "yunxi/feed.xml") {
		if err := os.Remove(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	report, uploaded = deployOK(t, s3.options(dir, "town/"))
	if !slices.Equal(uploaded, []string{ManifestName}) || len(report.Plan.Delete) != 4 {
		t.Fatalf("after a village was removed, uploaded %v, deleted %v", uploaded, report.Plan.Delete)
	}
	remote, _ = s3.tree(t, "town/")
	sameTree(t, dir, remote)

	report, uploaded = deployOK(t, s3.options(dir, "town/"))
	if len(uploaded) != 0 || len(report.Plan.Upload)+len(report.Plan.Delete) != 0 {
		t.Fatalf("deploying the same site again uploaded %v, deleted %v", uploaded, report.Plan.Delete)
	}
}

// TestS3Interrupted stops a deploy after a few uploads: the manifest is not written, and the
// deploy run again uploads only what is missing, then the target holds the site.
func TestS3Interrupted(t *testing.T) {
	s3 := startS3(t)
	dir := fakeSite(t, "cencun", "shanxia", "yunxi")
	deployOK(t, s3.options(dir, ""))
	writeSite(t, dir, []string{"cencun", "shanxia", "yunxi", "dongcun"}, "v2")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	first := uploads{after: 5, cancel: cancel}
	opts := s3.options(dir, "")
	opts.Uploaded = first.record
	if _, err := Run(ctx, opts); !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "run it again") {
		t.Fatalf("interrupted deploy: %v", err)
	}
	remote, _ := s3.tree(t, "")
	old, err := ParseManifest(ManifestName, remote[ManifestName])
	if err != nil || old["dongcun/index.html"] != "" {
		t.Fatalf("the interrupted deploy wrote the manifest: %v", err)
	}
	_, again := deployOK(t, s3.options(dir, ""))
	for _, p := range first.sorted() {
		if slices.Contains(again, p) {
			t.Errorf("%s was uploaded twice", p)
		}
	}
	if len(first.paths) < 5 || !slices.Contains(again, ManifestName) {
		t.Errorf("uploaded %v, then %v", first.paths, again)
	}
	remote, _ = s3.tree(t, "")
	sameTree(t, dir, remote)
}

// TestS3Refusals: missing credentials and endpoint, a prefix jifen did not deploy to, a dry run.
func TestS3Refusals(t *testing.T) {
	s3 := startS3(t)
	dir := fakeSite(t, "cencun")
	opts := s3.options(dir, "")
	opts.Getenv = env(map[string]string{"AWS_ACCESS_KEY_ID": "test"})
	if _, err := Run(context.Background(), opts); err == nil || !strings.Contains(err.Error(), "AWS_SECRET_ACCESS_KEY") {
		t.Errorf("no secret key: %v", err)
	}
	opts = s3.options(dir, "")
	opts.Endpoint = ""
	if _, err := Run(context.Background(), opts); err == nil || !strings.Contains(err.Error(), "--endpoint") {
		t.Errorf("no endpoint: %v", err)
	}
	if _, err := s3.client.PutObject(context.Background(), "site", "old/notes.txt", strings.NewReader("x"), 1, minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), s3.options(dir, "old")); err == nil || !strings.Contains(err.Error(), "jifen did not deploy there") {
		t.Errorf("a prefix with other objects: %v", err)
	}
	opts = s3.options(dir, "new")
	opts.DryRun = true
	report, err := Run(context.Background(), opts)
	if remote, _ := s3.tree(t, "new/"); err != nil || len(remote) != 0 || len(report.Plan.Upload) == 0 {
		t.Fatalf("dry run: %v, %d objects written", err, len(remote))
	}
	var out strings.Builder
	report.Write(&out)
	if !strings.Contains(out.String(), "upload cencun/index.html (") || !strings.Contains(out.String(), "would upload 16 files") {
		t.Errorf("dry run printed:\n%s", out.String())
	}
}
