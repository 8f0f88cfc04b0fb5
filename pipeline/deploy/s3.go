package deploy

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"sort"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// s3Target is a prefix of an S3-compatible bucket.
type s3Target struct {
	client *minio.Client
	bucket string
	prefix string // "" or ending in "/"
	// objects is what compare found under the prefix, by path relative to it.
	objects map[string]minio.ObjectInfo
}

// sha256Meta is the user metadata that holds an object's SHA-256.
const sha256Meta = "Sha256"

func dialS3(ctx context.Context, u *url.URL, opts Options) (*s3Target, error) {
	if u.Host == "" || u.User != nil || u.RawQuery != "" {
		return nil, fmt.Errorf("--to %q: an S3 target is s3://bucket or s3://bucket/prefix", opts.To)
	}
	endpoint := firstSet(opts.Endpoint, opts.Getenv("AWS_ENDPOINT_URL_S3"), opts.Getenv("AWS_ENDPOINT_URL"))
	if endpoint == "" {
		return nil, fmt.Errorf("%s: no endpoint: pass --endpoint with the service's address, e.g. https://oss-cn-shenzhen.aliyuncs.com, https://cos.ap-guangzhou.myqcloud.com or https://obs.cn-south-1.myhuaweicloud.com", opts.To)
	}
	e, err := url.Parse(endpoint)
	if err != nil || (e.Scheme != "https" && e.Scheme != "http") || e.Host == "" || strings.Trim(e.Path, "/") != "" {
		return nil, fmt.Errorf("--endpoint %q: give the service's address as https://host[:port]", endpoint)
	}
	id, secret := opts.Getenv("AWS_ACCESS_KEY_ID"), opts.Getenv("AWS_SECRET_ACCESS_KEY")
	if id == "" || secret == "" {
		return nil, fmt.Errorf("%s: no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to an access key allowed to list, write and delete in the bucket (and AWS_SESSION_TOKEN with a temporary one)", opts.To)
	}
	lookup, err := bucketLookup(opts.Addressing, e.Hostname())
	if err != nil {
		return nil, err
	}
	client, err := minio.New(e.Host, &minio.Options{
		Creds:        credentials.NewStaticV4(id, secret, opts.Getenv("AWS_SESSION_TOKEN")),
		Secure:       e.Scheme == "https",
		Region:       firstSet(opts.Getenv("AWS_REGION"), opts.Getenv("AWS_DEFAULT_REGION")),
		BucketLookup: lookup,
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", opts.To, err)
	}
	prefix := strings.Trim(u.Path, "/")
	if prefix != "" {
		prefix += "/"
	}
	return &s3Target{client: client, bucket: u.Host, prefix: prefix}, nil
}

// bucketLookup chooses how the bucket is named in requests: in the host name (virtual-host,
// which OSS, COS and OBS expect) or in the path (MinIO and servers reached by address).
func bucketLookup(addressing, host string) (minio.BucketLookupType, error) {
	switch addressing {
	case "path":
		return minio.BucketLookupPath, nil
	case "virtual-host":
		return minio.BucketLookupDNS, nil
	case "", "auto":
		if net.ParseIP(host) != nil || host == "localhost" {
			return minio.BucketLookupPath, nil
		}
		for _, cloud := range []string{".aliyuncs.com", ".myqcloud.com", ".myhuaweicloud.com", ".amazonaws.com"} {
			if strings.HasSuffix(host, cloud) {
				return minio.BucketLookupDNS, nil
			}
		}
		return minio.BucketLookupPath, nil
	}
	return 0, fmt.Errorf("--addressing %q: it is auto, path or virtual-host", addressing)
}

func (t *s3Target) Close() error { return nil }

// compare lists the prefix and judges each object by its ETag, or by its stored SHA-256 when
// the ETag is not an MD5.
func (t *s3Target) compare(ctx context.Context, site *Site) (Plan, error) {
	t.objects = map[string]minio.ObjectInfo{}
	for obj := range t.client.ListObjects(ctx, t.bucket, minio.ListObjectsOptions{Prefix: t.prefix, Recursive: true}) {
		if obj.Err != nil {
			return Plan{}, fmt.Errorf("list s3://%s/%s: %w", t.bucket, t.prefix, explainS3(obj.Err))
		}
		if rel := strings.TrimPrefix(obj.Key, t.prefix); rel != "" && !strings.HasSuffix(rel, "/") {
			t.objects[rel] = obj
		}
	}
	var upload, unchanged []File
	for _, f := range site.All() {
		same, err := t.holds(ctx, f)
		if err != nil {
			return Plan{}, err
		}
		if same {
			unchanged = append(unchanged, f)
		} else {
			upload = append(upload, f)
		}
	}
	remove, err := t.strangers(site)
	return newPlan(upload, unchanged, remove), err
}

// holds says whether the bucket already has the file as it is in the site.
func (t *s3Target) holds(ctx context.Context, f File) (bool, error) {
	obj, ok := t.objects[f.Path]
	if !ok || obj.Size != f.Size {
		return false, nil
	}
	etag := strings.ToLower(strings.Trim(obj.ETag, `"`))
	if isMD5(etag) {
		return etag == f.MD5, nil
	}
	info, err := t.client.StatObject(ctx, t.bucket, obj.Key, minio.StatObjectOptions{})
	if err != nil {
		return false, fmt.Errorf("stat s3://%s/%s: %w", t.bucket, obj.Key, explainS3(err))
	}
	for k, v := range info.UserMetadata {
		if strings.EqualFold(k, sha256Meta) {
			return strings.EqualFold(v, f.SHA256), nil
		}
	}
	return false, nil
}

// strangers lists the objects that are not in the site, refusing a prefix that jifen did not
// deploy to.
func (t *s3Target) strangers(site *Site) ([]string, error) {
	var out []string
	for rel := range t.objects {
		if !site.has(rel) {
			out = append(out, rel)
		}
	}
	sort.Strings(out)
	if _, deployed := t.objects[ManifestName]; len(out) > 0 && !deployed {
		return nil, fmt.Errorf("s3://%s/%s holds %d objects that are not in the site (%s among them) and no %s: jifen did not deploy there, or a first deploy of another version of the site stopped before it was done; deploy to an empty prefix, deploy that version again to finish it, or delete them first", t.bucket, t.prefix, len(out), out[0], ManifestName)
	}
	return out, nil
}

func (t *s3Target) apply(ctx context.Context, site *Site, plan Plan, uploaded func(File)) error {
	err := inWaves(ctx, plan.Upload, func(f File) int { return wave(f.Path) }, func(ctx context.Context, f File) error {
		r, err := site.open(f)
		if err != nil {
			return err
		}
		defer r.Close()
		_, err = t.client.PutObject(ctx, t.bucket, t.prefix+f.Path, r, f.Size, minio.PutObjectOptions{
			ContentType:      ContentType(f.Path),
			UserMetadata:     map[string]string{sha256Meta: f.SHA256},
			SendContentMd5:   true,
			DisableMultipart: true,
		})
		if err != nil {
			return fmt.Errorf("upload s3://%s/%s%s: %w", t.bucket, t.prefix, f.Path, explainS3(err))
		}
		uploaded(f)
		return nil
	})
	if err != nil {
		return err
	}
	return inWaves(ctx, plan.Delete, wave, func(ctx context.Context, p string) error {
		if err := t.client.RemoveObject(ctx, t.bucket, t.prefix+p, minio.RemoveObjectOptions{}); err != nil {
			return fmt.Errorf("delete s3://%s/%s%s: %w", t.bucket, t.prefix, p, explainS3(err))
		}
		return nil
	})
}

// explainS3 adds what to do to the errors an operator can fix.
func explainS3(err error) error {
	switch minio.ToErrorResponse(err).Code {
	case "NoSuchBucket":
		return fmt.Errorf("%w (create the bucket in the cloud's console first)", err)
	case "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch":
		return fmt.Errorf("%w (check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and the key's permissions on the bucket)", err)
	case "AuthorizationHeaderMalformed", "InvalidRegion":
		return fmt.Errorf("%w (set AWS_REGION to the bucket's region)", err)
	}
	return err
}

func isMD5(etag string) bool {
	if len(etag) != 32 {
		return false
	}
	for _, c := range etag {
		if !strings.ContainsRune("0123456789abcdef", c) {
			return false
		}
	}
	return true
}

func firstSet(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
