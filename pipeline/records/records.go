// Package records owns the records repository: it is the only package that touches git. It opens
// a repository (a local path or a URL cloned into memory), walks the publishing branch's
// first-parent history once, and returns every file's approved versions and current content.
package records

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/storage/memory"

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
}

// Approved reads the approved records under the root folder from the first-parent history of
// the publishing branch. Files of other branches, of pull requests before their merge, and of
// the working tree do not count.
func Approved(r *git.Repository, opts Options) (town.Source, error) {
	branch, root := cmp.Or(opts.Branch, "main"), opts.Root
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

	root = strings.Trim(path.Clean("/"+root), "/")
	current := map[string]plumbing.Hash{} // path → blob of the latest approved version
	prev := plumbing.ZeroHash
	for _, c := range chain {
		tree, err := subtree(r, c.TreeHash, root)
		if err != nil {
			return src, fmt.Errorf("read %s at %s: %w", root, c.Hash, err)
		}
		if tree == prev {
			continue
		}
		var version *town.Version
		err = diffTrees(r, "", prev, tree, func(p string, blob plumbing.Hash) error {
			if blob.IsZero() {
				delete(current, p)
				return nil
			}
			if version == nil {
				v, err := describe(r, c)
				if err != nil {
					return err
				}
				version = &v
			}
			current[p] = blob
			v := *version
			v.Blob = blob.String()
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
		if err != nil {
			return src, fmt.Errorf("read %s at %s: %w", p, ref.Hash(), err)
		}
		src.Files[p] = data
	}
	for p := range src.History {
		if _, ok := current[p]; !ok {
			delete(src.History, p)
		}
	}
	return src, nil
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

// diffTrees calls visit for every file whose blob differs between the trees a and b (either
// may be zero), with the zero hash for a file b no longer has. Equal subtrees are skipped
// without being read.
func diffTrees(r *git.Repository, dir string, a, b plumbing.Hash, visit func(path string, blob plumbing.Hash) error) error {
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
		x, y := ea[name], eb[name]
		if x == y {
			continue
		}
		p := path.Join(dir, name)
		xdir, ydir := x.Mode == filemode.Dir, y.Mode == filemode.Dir
		var xt, yt, xb, yb plumbing.Hash
		if xdir {
			xt = x.Hash
		} else if regular(x.Mode) {
			xb = x.Hash
		}
		if ydir {
			yt = y.Hash
		} else if regular(y.Mode) {
			yb = y.Hash
		}
		if xt != yt {
			if err := diffTrees(r, p, xt, yt, visit); err != nil {
				return err
			}
		}
		if xb != yb {
			if err := visit(p, yb); err != nil {
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

func readBlob(r *git.Repository, h plumbing.Hash) ([]byte, error) {
	b, err := r.BlobObject(h)
	if err != nil {
		return nil, err
	}
	if b.Size > MaxFileSize {
		return nil, fmt.Errorf("file of %d bytes is over the limit of %d", b.Size, MaxFileSize)
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
func describe(r *git.Repository, c *object.Commit) (town.Version, error) {
	v := town.Version{Commit: c.Hash.String(), Time: c.Committer.When, Author: c.Author.Name}
	if len(c.ParentHashes) > 1 {
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
