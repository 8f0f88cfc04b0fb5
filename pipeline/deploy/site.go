package deploy

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// ManifestName is the name of the manifest at a site's root.
const ManifestName = "SHA256SUMS"

// File is one file of a built site.
type File struct {
	Path   string // slash-separated, relative to the site's root
	Size   int64
	SHA256 string // lower-case hex
	MD5    string // lower-case hex: an S3 object's ETag when uploaded in one part
}

// Site is a built site on disk with the hashes of its files.
type Site struct {
	Dir      string
	Files    []File // sorted by path; the manifest is not among them
	Manifest File   // SHA256SUMS, uploaded last
	manifest []byte
	paths    map[string]bool
}

// Open hashes every file of the site in dir. A SHA256SUMS in dir must list exactly those
// files with those hashes; without one, the manifest is computed.
func Open(dir string) (*Site, error) {
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real // public may be a link to the built folder
	}
	site := &Site{Dir: dir}
	err := filepath.WalkDir(dir, func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, name)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		switch {
		case d.IsDir():
			return nil
		case !d.Type().IsRegular():
			return fmt.Errorf("%s: not a regular file: a site holds only files and folders", name)
		case rel == ManifestName:
			return nil
		case strings.ContainsAny(rel, "\\\n\r"):
			return fmt.Errorf("%q: a backslash or a line break in a file name cannot be listed in %s", name, ManifestName)
		}
		f, err := hashFile(name)
		f.Path = rel
		site.Files = append(site.Files, f)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read the site %s: %w", dir, err)
	}
	if len(site.Files) == 0 {
		return nil, fmt.Errorf("%s has no files: build the site first", dir)
	}
	sort.Slice(site.Files, func(i, j int) bool { return site.Files[i].Path < site.Files[j].Path })
	site.manifest = FormatManifest(site.Files)
	if err := site.checkManifest(); err != nil {
		return nil, err
	}
	site.Manifest = fileOf(ManifestName, site.manifest)
	site.paths = map[string]bool{ManifestName: true}
	for _, f := range site.Files {
		site.paths[f.Path] = true
	}
	return site, nil
}

// checkManifest compares the site's own SHA256SUMS, if it has one, with its files.
func (s *Site) checkManifest() error {
	name := filepath.Join(s.Dir, ManifestName)
	data, err := os.ReadFile(name)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if bytes.Equal(data, s.manifest) {
		return nil
	}
	have, err := ParseManifest(name, data)
	if err != nil {
		return err
	}
	for _, f := range s.Files {
		if have[f.Path] != f.SHA256 {
			return fmt.Errorf("%s does not match the site: %s has SHA-256 %s, the manifest says %q; build the site again or remove the manifest", name, f.Path, f.SHA256, have[f.Path])
		}
		delete(have, f.Path)
	}
	for p := range have {
		return fmt.Errorf("%s does not match the site: it lists %s, which is not there; build the site again or remove the manifest", name, p)
	}
	return fmt.Errorf("%s lists the site's files but is not in sha256sum's sorted format; build the site again or remove the manifest", name)
}

// open opens a file of the site, the manifest included, for upload.
func (s *Site) open(f File) (io.ReadCloser, error) {
	if f.Path == ManifestName {
		return io.NopCloser(bytes.NewReader(s.manifest)), nil
	}
	return os.Open(filepath.Join(s.Dir, filepath.FromSlash(f.Path)))
}

// has says whether the site has a file, the manifest included.
func (s *Site) has(p string) bool { return s.paths[p] }

// All returns the site's files with the manifest last.
func (s *Site) All() []File {
	return append(append([]File(nil), s.Files...), s.Manifest)
}

func hashFile(name string) (File, error) {
	r, err := os.Open(name)
	if err != nil {
		return File{}, err
	}
	defer r.Close()
	sum, md := sha256.New(), md5.New()
	n, err := io.Copy(io.MultiWriter(sum, md), r)
	if err != nil {
		return File{}, fmt.Errorf("read %s: %w", name, err)
	}
	return File{Size: n, SHA256: hex.EncodeToString(sum.Sum(nil)), MD5: hex.EncodeToString(md.Sum(nil))}, nil
}

func fileOf(name string, data []byte) File {
	sum, md := sha256.Sum256(data), md5.Sum(data)
	return File{Path: name, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), MD5: hex.EncodeToString(md[:])}
}

// FormatManifest writes files in sha256sum's format, sorted by path.
func FormatManifest(files []File) []byte {
	sorted := append([]File(nil), files...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Path < sorted[j].Path })
	var b bytes.Buffer
	for _, f := range sorted {
		fmt.Fprintf(&b, "%s  %s\n", f.SHA256, f.Path)
	}
	return b.Bytes()
}

// ParseManifest reads a manifest in sha256sum's format into a map from path to SHA-256; name
// is for messages only.
func ParseManifest(name string, data []byte) (map[string]string, error) {
	sums := map[string]string{}
	for i, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		if line == "" && len(data) == 0 {
			break
		}
		sum, p, ok := strings.Cut(line, " ")
		p = strings.TrimPrefix(p, " ")
		p = strings.TrimPrefix(p, "*")
		if _, err := hex.DecodeString(sum); !ok || err != nil || len(sum) != 64 || p == "" {
			return nil, fmt.Errorf("%s:%d: %q is not a line of sha256sum: \"<64 hex digits>  <path>\"", name, i+1, line)
		}
		if path.Clean(p) != p || strings.HasPrefix(p, "/") || strings.HasPrefix(p, "../") {
			return nil, fmt.Errorf("%s:%d: path %q is not a clean path inside the site", name, i+1, p)
		}
		sums[p] = strings.ToLower(sum)
	}
	return sums, nil
}
