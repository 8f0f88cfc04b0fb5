package records

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage"
	"github.com/go-git/go-git/v5/storage/memory"
)

// A Person signs commits.
type Person struct {
	Name  string
	Email string
}

// A Change is one unit of history to replay onto the publishing branch: a pull request that is
// committed on its own branch and merged with a merge commit, or (Number 0) a direct commit.
type Change struct {
	Number    int               // pull request number; 0 for a direct commit on the branch
	Branch    string            // the pull request's branch, e.g. "qingshi/2025-07"
	Author    Person            // who made the change
	Time      time.Time         // when the change was committed
	Message   string            // the change's commit message
	Files     map[string][]byte // paths to write (relative to the repository root); nil deletes
	Merger    Person            // who merged the pull request
	MergeTime time.Time         // when it was merged
	Reviewers []string          // "Name <email>" for the merge's Reviewed-by: trailers
	Merged    bool              // false leaves the pull request open: its branch is not merged
}

// Replay builds an in-memory repository whose branch holds the changes in order. Open pull
// requests stay on their own branches. The same changes always give the same commit hashes.
func Replay(branch string, changes []Change) (*Repository, error) {
	st := memory.NewStorage()
	repo, err := git.Init(st, nil)
	if err != nil {
		return nil, err
	}
	head := plumbing.ZeroHash
	files := map[string]plumbing.Hash{}
	for _, c := range changes {
		next := maps.Clone(files)
		for p, data := range c.Files {
			if data == nil {
				delete(next, p)
				continue
			}
			h, err := putBlob(st, data)
			if err != nil {
				return nil, err
			}
			next[p] = h
		}
		tree, err := putTree(st, next)
		if err != nil {
			return nil, err
		}
		var parents []plumbing.Hash
		if !head.IsZero() {
			parents = []plumbing.Hash{head}
		}
		commit, err := putCommit(st, tree, parents, c.Author, c.Time, c.Message)
		if err != nil {
			return nil, err
		}
		if c.Number == 0 {
			head, files = commit, next
			continue
		}
		if err := st.SetReference(plumbing.NewHashReference(plumbing.NewBranchReferenceName(c.Branch), commit)); err != nil {
			return nil, err
		}
		if !c.Merged {
			continue
		}
		msg := fmt.Sprintf("Merge pull request #%d from %s\n\n%s\n", c.Number, c.Branch, firstLine(c.Message))
		if len(c.Reviewers) > 0 {
			msg += "\n"
			for _, r := range c.Reviewers {
				msg += "Reviewed-by: " + r + "\n"
			}
		}
		merge, err := putCommit(st, tree, append(parents, commit), c.Merger, c.MergeTime, msg)
		if err != nil {
			return nil, err
		}
		head, files = merge, next
	}
	if err := st.SetReference(plumbing.NewHashReference(plumbing.NewBranchReferenceName(branch), head)); err != nil {
		return nil, err
	}
	if err := st.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, plumbing.NewBranchReferenceName(branch))); err != nil {
		return nil, err
	}
	return &Repository{repo}, nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func putBlob(st storage.Storer, data []byte) (plumbing.Hash, error) {
	obj := st.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	w, err := obj.Writer()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if _, err := w.Write(data); err != nil {
		return plumbing.ZeroHash, err
	}
	if err := w.Close(); err != nil {
		return plumbing.ZeroHash, err
	}
	return st.SetEncodedObject(obj)
}

// putTree stores the nested trees of a set of files and returns the root tree's hash.
func putTree(st storage.Storer, files map[string]plumbing.Hash) (plumbing.Hash, error) {
	var entries []object.TreeEntry
	subdirs := map[string]map[string]plumbing.Hash{}
	for p, h := range files {
		dir, rest, nested := strings.Cut(p, "/")
		if !nested {
			entries = append(entries, object.TreeEntry{Name: p, Mode: filemode.Regular, Hash: h})
			continue
		}
		if subdirs[dir] == nil {
			subdirs[dir] = map[string]plumbing.Hash{}
		}
		subdirs[dir][rest] = h
	}
	for dir, sub := range subdirs {
		h, err := putTree(st, sub)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		entries = append(entries, object.TreeEntry{Name: dir, Mode: filemode.Dir, Hash: h})
	}
	// Git orders tree entries by name, with directories compared as if they ended in "/".
	key := func(e object.TreeEntry) string {
		if e.Mode == filemode.Dir {
			return e.Name + "/"
		}
		return e.Name
	}
	slices.SortFunc(entries, func(a, b object.TreeEntry) int { return strings.Compare(key(a), key(b)) })
	obj := st.NewEncodedObject()
	if err := (&object.Tree{Entries: entries}).Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return st.SetEncodedObject(obj)
}

func putCommit(st storage.Storer, tree plumbing.Hash, parents []plumbing.Hash, who Person, when time.Time, msg string) (plumbing.Hash, error) {
	sig := object.Signature{Name: who.Name, Email: who.Email, When: when}
	c := &object.Commit{Author: sig, Committer: sig, Message: msg, TreeHash: tree, ParentHashes: parents}
	obj := st.NewEncodedObject()
	if err := c.Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return st.SetEncodedObject(obj)
}

// WriteTo writes repo out as an ordinary git repository in dir (which must not hold one yet),
// with every branch and the same commits, and checks out its HEAD branch.
func WriteTo(r *Repository, dir string) error {
	repo := r.git
	out, err := git.PlainInit(dir, false)
	if err != nil {
		return fmt.Errorf("create repository in %s: %w", dir, err)
	}
	objects, err := repo.Storer.IterEncodedObjects(plumbing.AnyObject)
	if err != nil {
		return err
	}
	err = objects.ForEach(func(o plumbing.EncodedObject) error {
		_, err := out.Storer.SetEncodedObject(o)
		return err
	})
	if err != nil {
		return fmt.Errorf("copy objects to %s: %w", dir, err)
	}
	refs, err := repo.Storer.IterReferences()
	if err != nil {
		return err
	}
	if err := refs.ForEach(out.Storer.SetReference); err != nil {
		return fmt.Errorf("copy branches to %s: %w", dir, err)
	}
	head, err := repo.Head()
	if err != nil {
		return err
	}
	w, err := out.Worktree()
	if err != nil {
		return err
	}
	if err := w.Reset(&git.ResetOptions{Mode: git.HardReset, Commit: head.Hash()}); err != nil {
		return fmt.Errorf("check out %s in %s: %w", head.Name().Short(), dir, err)
	}
	return nil
}
