// Package records owns the records repository: it is the only package that touches git. It opens
// a repository (a local path or a URL cloned into memory), walks the publishing branch's
// first-parent history once, and returns every file's approved versions and current content.
package records

import (
	"cmp"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/storage/memory"

	"github.com/jifen-project/jifen/pipeline/check"
	"github.com/jifen-project/jifen/pipeline/town"
)

// MaxFileSize bounds the size of a records file; anything larger is refused.
const MaxFileSize = 16 << 20

// IsURL reports whether repo names a remote repository rather than a local path.
func IsURL(repo string) bool {
	for _, p := range []string{"http://", "https://", "git://", "ssh://", "file://"} {
		if strings.HasPrefix(repo, p) {
			return true
		}
	}
	return false
}

// Open opens a records repository: a URL is cloned (the branch only) into memory, a local path
// is opened in place. auth may be nil.
func Open(repo, branch string, auth transport.AuthMethod) (*git.Repository, error) {
	if IsURL(repo) {
		r, err := git.Clone(memory.NewStorage(), nil, &git.CloneOptions{
			URL:           repo,
			Auth:          auth,
			ReferenceName: plumbing.NewBranchReferenceName(branch),
			SingleBranch:  true,
			Tags:          git.NoTags,
		})
		if err != nil {
			return nil, fmt.Errorf("clone %s (branch %s): %w", repo, branch, err)
		}
		return r, nil
	}
	r, err := git.PlainOpenWithOptions(repo, &git.PlainOpenOptions{DetectDotGit: true})
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", repo, err)
	}
	return r, nil
}

// Options say what to read of a records repository and what to require of its history.
type Options struct {
	Branch string // the publishing branch; "" is main
	Root   string // the folder that holds the records; "" is the top of the repository
	// KeyringDir, when set, is the folder under the root whose *.asc files on the branch's head
	// hold the OpenPGP public keys that may sign commits; each version then records the
	// fingerprint of the key that signed its commit, if any.
	KeyringDir string
	// Until, when set, leaves out first-parent commits made after it, so that a build as of a
	// past time shows the records as they were then.
	Until time.Time
}

// Approved reads the approved records under the root folder from the first-parent history of
// the publishing branch. Files of other branches, of pull requests before their merge, and of
// the working tree do not count. Files that must not be read (symbolic links, submodules, names
// that are not UTF-8, files over MaxFileSize) are left out and reported in the source's Problems,
// naming the commit that brought them.
func Approved(r *git.Repository, opts Options) (town.Source, error) {
	branch, root := cmp.Or(opts.Branch, "main"), strings.Trim(path.Clean("/"+opts.Root), "/")
	src := town.Source{Files: map[string][]byte{}, History: map[string][]town.Version{}}
	ref, err := r.Reference(plumbing.NewBranchReferenceName(branch), true)
	if err != nil {
		return src, fmt.Errorf("branch %s: %w", branch, err)
	}
	// Collect the first-parent chain, newest first, then walk it oldest first.
	var chain []*object.Commit
	for h := ref.Hash(); ; {
		c, err := r.CommitObject(h)
		if err != nil {
			return src, fmt.Errorf("read commit %s: %w", h, err)
		}
		chain = append(chain, c)
		if len(c.ParentHashes) == 0 {
			break
		}
		h = c.ParentHashes[0]
	}
	slices.Reverse(chain)
	keyring, err := readKeyring(r, chain[len(chain)-1].TreeHash, path.Join(root, opts.KeyringDir), opts.KeyringDir != "")
	if err != nil {
		return src, err
	}

	current := map[string]plumbing.Hash{}    // path → blob of the latest approved version
	refused := map[string]check.Diagnostic{} // path → why it is not read
	prev := plumbing.ZeroHash
	for _, c := range chain {
		if !opts.Until.IsZero() && c.Committer.When.After(opts.Until) {
			break
		}
		tree, err := subtree(r, c.TreeHash, root)
		if err != nil {
			return src, fmt.Errorf("read %s at %s: %w", root, c.Hash, err)
		}
		if tree == prev {
			continue
		}
		var version *town.Version
		err = diffTrees(r, "", prev, tree, func(p string, e *object.TreeEntry) error {
			delete(current, p)
			delete(refused, p)
			if e == nil {
				return nil
			}
			if why := refuse(p, e); why != "" {
				refused[p] = check.Diagnostic{Code: check.RefusedFile, File: p, Value: p, Detail: why + " (commit " + c.Hash.String()[:7] + ")"}
				return nil
			}
			if version == nil {
				v, err := describe(r, c, keyring)
				if err != nil {
					return err
				}
				version = &v
			}
			current[p] = e.Hash
			v := *version
			v.Blob = e.Hash.String()
			src.History[p] = append(src.History[p], v)
			return nil
		})
		if err != nil {
			return src, fmt.Errorf("compare %s with its first parent: %w", c.Hash, err)
		}
		prev = tree
	}
	for p, h := range current {
		data, err := readBlob(r, h)
		if errors.Is(err, errTooLarge) {
			last := src.History[p][len(src.History[p])-1]
			src.Problems.Add(check.Diagnostic{Code: check.RefusedFile, File: p, Value: p, Detail: err.Error() + " (commit " + last.Commit[:7] + ")"})
			delete(current, p)
			continue
		}
		if err != nil {
			return src, fmt.Errorf("read %s at %s: %w", p, ref.Hash(), err)
		}
		src.Files[p] = data
	}
	for _, d := range refused {
		src.Problems.Add(d)
	}
	for p, vs := range src.History {
		if _, ok := current[p]; !ok {
			delete(src.History, p)
			continue
		}
		// Earlier versions of a corrected file are kept to show what changed.
		if len(vs) < 2 {
			continue
		}
		for i := range vs[:len(vs)-1] {
			if vs[i].Data, err = readBlob(r, plumbing.NewHash(vs[i].Blob)); err != nil && !errors.Is(err, errTooLarge) {
				return src, fmt.Errorf("read %s at %s: %w", p, vs[i].Commit, err)
			}
		}
		vs[len(vs)-1].Data = src.Files[p]
	}
	return src, nil
}

// readKeyring concatenates the armored keys (*.asc) in dir of the tree.
func readKeyring(r *git.Repository, tree plumbing.Hash, dir string, want bool) (string, error) {
	if !want {
		return "", nil
	}
	h, err := subtree(r, tree, dir)
	if err != nil || h.IsZero() {
		return "", err
	}
	entries, err := treeEntries(r, h)
	if err != nil {
		return "", err
	}
	var ring strings.Builder
	for _, name := range slices.Sorted(maps.Keys(entries)) {
		if e := entries[name]; strings.HasSuffix(name, ".asc") && regular(e.Mode) {
			data, err := readBlob(r, e.Hash)
			if err != nil {
				return "", fmt.Errorf("read %s/%s: %w", dir, name, err)
			}
			ring.Write(data)
			ring.WriteString("\n")
		}
	}
	return ring.String(), nil
}

// refuse says why a tree entry must not be read as a records file, or "".
func refuse(p string, e *object.TreeEntry) string {
	switch {
	case !utf8.ValidString(p):
		return "文件名不是 UTF-8 / the name is not UTF-8"
	case e.Mode == filemode.Symlink:
		return "不接受符号链接 / symbolic links are refused"
	case e.Mode == filemode.Submodule:
		return "不接受子模块 / submodules are refused"
	case !regular(e.Mode):
		return "不是普通文件 / not a regular file"
	}
	return ""
}

// subtree is the hash of the tree at dir ("" for the root), or zero when there is none.
func subtree(r *git.Repository, tree plumbing.Hash, dir string) (plumbing.Hash, error) {
	if dir == "" {
		return tree, nil
	}
	t, err := r.TreeObject(tree)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	e, err := t.FindEntry(dir)
	if errors.Is(err, object.ErrEntryNotFound) || errors.Is(err, object.ErrDirectoryNotFound) {
		return plumbing.ZeroHash, nil
	}
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if e.Mode != filemode.Dir {
		return plumbing.ZeroHash, nil
	}
	return e.Hash, nil
}

// diffTrees calls visit for every file that differs between the trees a and b (either may be
// zero) with its entry in b, or nil when b no longer has it. Equal subtrees are skipped without
// being read.
func diffTrees(r *git.Repository, dir string, a, b plumbing.Hash, visit func(path string, e *object.TreeEntry) error) error {
	if a == b {
		return nil
	}
	ea, err := treeEntries(r, a)
	if err != nil {
		return err
	}
	eb, err := treeEntries(r, b)
	if err != nil {
		return err
	}
	for _, name := range unionKeys(ea, eb) {
		x, inA := ea[name]
		y, inB := eb[name]
		if x == y {
			continue
		}
		p := path.Join(dir, name)
		var xt, yt plumbing.Hash
		if inA && x.Mode == filemode.Dir {
			xt = x.Hash
		}
		if inB && y.Mode == filemode.Dir {
			yt = y.Hash
		}
		if err := diffTrees(r, p, xt, yt, visit); err != nil {
			return err
		}
		switch {
		case inB && y.Mode != filemode.Dir:
			if err := visit(p, &y); err != nil {
				return err
			}
		case inA && x.Mode != filemode.Dir:
			if err := visit(p, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// regular reports whether a tree entry is an ordinary file; symbolic links and submodules are
// never records.
func regular(m filemode.FileMode) bool {
	return m == filemode.Regular || m == filemode.Executable || m == filemode.Deprecated
}

func treeEntries(r *git.Repository, h plumbing.Hash) (map[string]object.TreeEntry, error) {
	m := map[string]object.TreeEntry{}
	if h.IsZero() {
		return m, nil
	}
	t, err := r.TreeObject(h)
	if err != nil {
		return nil, err
	}
	for _, e := range t.Entries {
		m[e.Name] = e
	}
	return m, nil
}

func unionKeys(a, b map[string]object.TreeEntry) []string {
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

var errTooLarge = errors.New("file too large")

func readBlob(r *git.Repository, h plumbing.Hash) ([]byte, error) {
	b, err := r.BlobObject(h)
	if err != nil {
		return nil, err
	}
	if b.Size > MaxFileSize {
		return nil, fmt.Errorf("%w: %d bytes, over the limit of %d / 文件太大", errTooLarge, b.Size, MaxFileSize)
	}
	rd, err := b.Reader()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	return io.ReadAll(rd)
}

var (
	mergePR  = regexp.MustCompile(`^Merge pull request #([0-9]+) `)
	squashPR = regexp.MustCompile(`\(#([0-9]+)\)\s*$`)
	trailer  = regexp.MustCompile(`(?m)^(?:Reviewed-by|Approved-by):[ \t]*(.+?)[ \t]*$`)
)

// describe turns a first-parent commit into a Version. For a merge, the author is the author of
// the merged pull request's head.
func describe(r *git.Repository, c *object.Commit, keyring string) (town.Version, error) {
	v := town.Version{Commit: c.Hash.String(), Time: c.Committer.When, Author: c.Author.Name, Merge: len(c.ParentHashes) > 1}
	if keyring != "" && c.PGPSignature != "" {
		if e, err := c.Verify(keyring); err == nil {
			v.Signer = strings.ToUpper(hex.EncodeToString(e.PrimaryKey.Fingerprint))
		}
	}
	if v.Merge {
		pr, err := r.CommitObject(c.ParentHashes[1])
		if err != nil {
			return v, fmt.Errorf("read merged commit %s: %w", c.ParentHashes[1], err)
		}
		v.Author = pr.Author.Name
	}
	first, _, _ := strings.Cut(c.Message, "\n")
	if m := mergePR.FindStringSubmatch(first); m != nil {
		v.PR, _ = strconv.Atoi(m[1])
	} else if m := squashPR.FindStringSubmatch(first); m != nil {
		v.PR, _ = strconv.Atoi(m[1])
	}
	for _, m := range trailer.FindAllStringSubmatch(c.Message, -1) {
		name, _, _ := strings.Cut(m[1], " <")
		if !slices.Contains(v.Reviewers, name) {
			v.Reviewers = append(v.Reviewers, name)
		}
	}
	return v, nil
}

// WorkingTree reads the records in dir as they are on disk, uncommitted files included, so a
// cadre can check them before pushing. Hidden files and folders are skipped.
func WorkingTree(dir string) (town.Source, error) {
	src := town.Source{Files: map[string][]byte{}}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), ".") && p != dir {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if info.Size() > MaxFileSize {
			return fmt.Errorf("%s: file of %d bytes is over the limit of %d", p, info.Size(), MaxFileSize)
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		src.Files[filepath.ToSlash(rel)] = data
		return nil
	})
	if err != nil {
		return src, fmt.Errorf("read records in %s: %w", dir, err)
	}
	return src, nil
}
