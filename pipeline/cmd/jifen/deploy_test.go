package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// TestDeployDemoSite deploys the built demo site to a real S3 server on 127.0.0.1 (gofakes3),
// then again: the second deploy uploads nothing.
func TestDeployDemoSite(t *testing.T) {
	out := buildSite(t)
	backend := s3mem.New()
	if err := backend.CreateBucket("town"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	defer srv.Close()
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_REGION", "cn-south-1")
	files := treeFiles(t, out)
	n := len(files) + 1 // and the manifest, SHA256SUMS
	args := []string{"deploy", "--from", out, "--to", "s3://town/site", "--endpoint", srv.URL}
	stdout, stderr, err := jifen(t, args...)
	want := fmt.Sprintf("s3://town/site: uploaded %d files (", n)
	if err != nil || !strings.HasPrefix(stdout, want) || !strings.Contains(stdout, "deleted 0, 0 unchanged") {
		t.Fatalf("first deploy: %v\n%s%s", err, stdout, stderr)
	}
	client, err := minio.New(strings.TrimPrefix(srv.URL, "http://"), &minio.Options{Creds: credentials.NewStaticV4("test", "secret", "")})
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		obj, err := client.GetObject(context.Background(), "town", "site/"+name, minio.GetObjectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(obj)
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("site/%s differs from %s: %v", name, filepath.Join(out, name), err)
		}
	}
	stdout, stderr, err = jifen(t, args...)
	want = fmt.Sprintf("s3://town/site: uploaded 0 files (0 bytes), deleted 0, %d unchanged", n)
	if err != nil || !strings.HasPrefix(stdout, want) {
		t.Fatalf("second deploy: %v\n%s%s", err, stdout, stderr)
	}
	if _, stderr, err = jifen(t, "deploy", "--from", out); !errors.Is(err, errUsage) || !strings.Contains(stderr, "usage: jifen deploy") {
		t.Errorf("deploy without --to: %v\n%s", err, stderr)
	}
}
