// Package records owns the records repository: it is the only package that touches git. It opens
// a repository (a local path or a URL cloned into memory), walks the publishing branch's
// first-parent history once, and returns every file's approved versions and current content.
package records

import (
	"bytes"
	"cmp"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	"github.com/go-git/go-git/v5/storage/filesystem"
	"github.com/go-git/go-git/v5/storage/memory"
	"golang.org/x/sync/errgroup"

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

// A Repository is a records repository: on disk, cloned into memory, or replayed from changes.
type Repository struct {
	git *git.Repository
}

// Open opens a records repository: a URL is cloned (the branch only) into memory, a local path
// is opened in place. token, when set, is sent to an http(s) server as the password of the user
// x-access-token, which is how GitHub and most git hosts take an access token.
func Open(repo, branch, token string) (*Repository, error) {
	if IsURL(repo) {
		var auth transport.AuthMethod
		if token != "" {
			auth = &githttp.BasicAuth{Username: "x-access-token", Password: token}
		}
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
		return &Repository{r}, nil
	}
	r, err := git.PlainOpenWithOptions(repo, &git.PlainOpenOptions{DetectDotGit: true})
	if errors.Is(err, git.ErrRepositoryNotExists) {
		r, err = git.PlainOpen(repo) // a bare repository, as on a server
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", repo, err)
	}
	// Keep pack files open between reads: by default go-git opens and closes the pack for every
	// object, which costs a third of a history pass. Approved closes them when it is done.
	if fs, ok := r.Storer.(*filesystem.Storage); ok {
		st := filesystem.NewStorageWithOptions(fs.Filesystem(), cache.NewObjectLRUDefault(), filesystem.Options{KeepDescriptors: true})
		var wt billy.Filesystem
		if w, err := r.Worktree(); err == nil {
			wt = w.Filesystem
		}
		if r, err = git.Open(st, wt); err != nil {
			return nil, fmt.Errorf("open %s: %w", repo, err)
		}
	}
	return &Repository{r}, nil
}

// Options say what to read of a records repository and what to require of its history.
type Options struct {
	Branch string // the publishing branch; "" is main, "HEAD" the checked-out commit
	Root   string // the folder that holds the records; "" is the top of the repository
	// KeyringDir, when set, is the folder under the root whose *.asc files on the branch's head
	// hold the OpenPGP public keys that may sign commits; each version then records the
	// fingerprint of the key that signed its commit, if any.
	KeyringDir string
	// Until, when set, leaves out first-parent commits made after it, so that a build as of a
	// past time shows the records as they were then.
	Until time.Time

	stretch int // commits compared by one worker at a time; 0 is 512 (tests set it)
}

// A walk is the result of one pass over the first-parent history.
type walk struct {
	head     plumbing.Hash
	versions map[string][]town.Version   // path → approved versions, oldest first
	current  map[string]plumbing.Hash    // path → blob of the latest approved version
	refused  map[string]check.Diagnostic // path → why it is not read
	removed  map[string]town.Version     // path → the commit that deleted it after it was approved
}

// Approved reads the approved records under the root folder from the first-parent history of
// the publishing branch. Files of other branches, of pull requests before their merge, and of
// the working tree do not count. Files that must not be read (symbolic links, submodules, names
// that are not UTF-8, files over MaxFileSize) are left out and reported in the source's Problems,
// naming the commit that brought them.
func Approved(repo *Repository, opts Options) (town.Source, error) {
	r := repo.git
	defer release(r)
	src := town.Source{Files: map[string][]byte{}, History: map[string][]town.Version{}}
	w, err := history(r, opts)
	if err != nil {
		return src, err
	}
	for _, p := range slices.Sorted(maps.Keys(w.current)) {
		data, err := readBlob(r, w.current[p])
		vs := w.versions[p]
		if big := (*tooLarge)(nil); errors.As(err, &big) {
			src.Problems.Add(refusedTooLarge(p, big.size, vs[len(vs)-1].Commit[:7]))
			continue
		}
		if err != nil {
			return src, fmt.Errorf("read %s at %s: %w", p, w.head, err)
		}
		src.Files[p] = data
		src.History[p] = vs
		// Earlier versions of a corrected file are kept to show what changed.
		if len(vs) < 2 {
			continue
		}
		for i := range vs[:len(vs)-1] {
			if vs[i].Data, err = readBlob(r, plumbing.NewHash(vs[i].Blob)); err != nil && !errors.As(err, new(*tooLarge)) {
				return src, fmt.Errorf("read %s at %s: %w", p, vs[i].Commit, err)
			}
		}
		vs[len(vs)-1].Data = data
	}
	for _, p := range slices.Sorted(maps.Keys(w.refused)) {
		src.Problems.Add(w.refused[p])
	}
	src.Removed = w.removed
	return src, nil
}

// release closes the pack files that Open keeps open; they open again if read again.
func release(r *git.Repository) {
	if c, ok := r.Storer.(io.Closer); ok {
		c.Close()
	}
}

// history walks the first-parent chain of the publishing branch once, oldest first, comparing
// each commit's records tree with the one before.
func history(r *git.Repository, opts Options) (*walk, error) {
	branch, root := cmp.Or(opts.Branch, "main"), strings.Trim(path.Clean("/"+opts.Root), "/")
	var ref *plumbing.Reference
	var err error
	if branch == "HEAD" {
		ref, err = r.Head()
	} else {
		ref, err = r.Reference(plumbing.NewBranchReferenceName(branch), true)
	}
	if err != nil {
		return nil, fmt.Errorf("branch %s: %w", branch, err)
	}
	head, err := r.CommitObject(ref.Hash())
	if err != nil {
		return nil, fmt.Errorf("read commit %s: %w", ref.Hash(), err)
	}
	keyring, err := readKeyring(r, head.TreeHash, path.Join(root, opts.KeyringDir), opts.KeyringDir != "")
	if err != nil {
		return nil, err
	}

	// Read the first-parent chain newest first. As soon as a stretch of it and the commit before
	// the stretch are read, compare the stretch's trees in the background; then apply all the
	// changes oldest first.
	stretch := cmp.Or(opts.stretch, 512)
	var (
		g        errgroup.Group
		chain    []*object.Commit // newest first, those made by opts.Until
		segments [][]step         // newest first
		start    int              // the first commit of chain not yet handed out
	)
	g.SetLimit(max(1, min(runtime.GOMAXPROCS(0), 4)))
	dispatch := func(end int) {
		cs, prev := chain[start:end], (*object.Commit)(nil)
		if end < len(chain) {
			prev = chain[end]
		}
		seg := make([]step, len(cs))
		segments = append(segments, seg)
		start = end
		g.Go(func() error {
			rr, done := reader(r)
			defer done()
			return compare(rr, cs, prev, root, keyring, seg)
		})
	}
	for c := head; ; {
		if opts.Until.IsZero() || !c.Committer.When.After(opts.Until) {
			chain = append(chain, c)
			if len(chain)-start > stretch {
				dispatch(start + stretch)
			}
		}
		if len(c.ParentHashes) == 0 {
			break
		}
		parent, err := r.CommitObject(c.ParentHashes[0])
		if err != nil {
			g.Wait()
			return nil, fmt.Errorf("read commit %s, the parent of %s (a shallow clone? records need the whole history): %w", c.ParentHashes[0], c.Hash, err)
		}
		c = parent
	}
	if start < len(chain) {
		dispatch(len(chain))
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	var steps []step // oldest first
	for i := len(segments) - 1; i >= 0; i-- {
		for j := len(segments[i]) - 1; j >= 0; j-- {
			steps = append(steps, segments[i][j])
		}
	}
	return apply(ref.Hash(), steps), nil
}

// apply makes a walk of the steps of the first-parent history, oldest first, up to head.
func apply(head plumbing.Hash, steps []step) *walk {
	w := &walk{head: head, versions: map[string][]town.Version{}, current: map[string]plumbing.Hash{}, refused: map[string]check.Diagnostic{}, removed: map[string]town.Version{}}
	for _, st := range steps {
		for _, ch := range st.changes {
			delete(w.current, ch.path)
			delete(w.refused, ch.path)
			delete(w.removed, ch.path)
			switch {
			case ch.entry == nil:
				if len(w.versions[ch.path]) > 0 {
					w.removed[ch.path] = town.Version{Commit: st.commit.Hash.String(), Time: st.commit.Committer.When, Author: st.commit.Author.Name}
				}
				delete(w.versions, ch.path) // a file added again later starts a new history
			case ch.refused != nil:
				delete(w.versions, ch.path)
				w.refused[ch.path] = check.Diagnostic{Code: check.RefusedFile, File: ch.path, Value: ch.path, Args: []string{st.commit.Hash.String()[:7]}, Reason: ch.refused}
			default:
				w.current[ch.path] = ch.entry.Hash
				v := st.version
				v.Blob = ch.entry.Hash.String()
				w.versions[ch.path] = append(w.versions[ch.path], v)
			}
		}
	}
	for p := range w.versions {
		if _, ok := w.current[p]; !ok {
			delete(w.versions, p)
		}
	}
	return w
}

// A step is what one first-parent commit changed under the records root.
type step struct {
	commit  *object.Commit
	changes []change
	version town.Version // set when a change adds or modifies a file
}

// A change is one file a commit added, modified (entry set) or removed (entry nil).
type change struct {
	path    string
	entry   *object.TreeEntry
	refused *check.Text // why the file must not be read, or nil
}

// compare fills steps with what each commit of cs (newest first) changed against the commit
// before it; prev is the commit before the oldest of cs, or nil.
func compare(r *git.Repository, cs []*object.Commit, prev *object.Commit, root, keyring string, steps []step) error {
	trees := &treeCache{r: r, m: map[plumbing.Hash][]object.TreeEntry{}}
	before := plumbing.ZeroHash
	if prev != nil {
		var err error
		if before, err = subtree(r, prev.TreeHash, root); err != nil {
			return fmt.Errorf("read %s at %s: %w", root, prev.Hash, err)
		}
	}
	for i := len(cs) - 1; i >= 0; i-- {
		c := cs[i]
		steps[i].commit = c
		tree, err := subtree(r, c.TreeHash, root)
		if err != nil {
			return fmt.Errorf("read %s at %s: %w", root, c.Hash, err)
		}
		if tree == before {
			continue
		}
		described := false
		err = trees.diff("", before, tree, func(p string, e *object.TreeEntry) error {
			ch := change{path: p}
			if e != nil {
				entry := *e
				ch.entry, ch.refused = &entry, refuse(p, e)
			}
			steps[i].changes = append(steps[i].changes, ch)
			if ch.entry != nil && ch.refused == nil && !described {
				described = true
				v, err := describe(r, c, keyring)
				steps[i].version = v
				return err
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("compare %s with its first parent: %w", c.Hash, err)
		}
		before = tree
	}
	return nil
}

// reader returns a reader of r's objects that may be used alongside others, and a function to
// release it. A repository on disk gets a storage of its own; one in memory is safe to share.
func reader(r *git.Repository) (*git.Repository, func()) {
	fs, ok := r.Storer.(*filesystem.Storage)
	if !ok {
		return r, func() {}
	}
	st := filesystem.NewStorageWithOptions(fs.Filesystem(), cache.NewObjectLRUDefault(), filesystem.Options{KeepDescriptors: true})
	rr, err := git.Open(st, nil)
	if err != nil {
		return r, func() {}
	}
	return rr, func() { st.Close() }
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

// Why a file is not read (the reasons of RefusedFile). Each has two forms: as the working tree
// shows it, and as the history shows it, with the commit that brought the file as the last of
// the Args. The sizes are in MB: the file's, then the limit.
var (
	reasonName         = check.Text{Zh: "文件名不是 UTF-8 编码", En: "its name is not UTF-8"}
	reasonNameAt       = check.Text{Zh: "文件名不是 UTF-8 编码（提交 %[3]s）", En: "its name is not UTF-8 (commit %[3]s)"}
	reasonSymlink      = check.Text{Zh: "这是符号链接", En: "it is a symbolic link"}
	reasonSymlinkAt    = check.Text{Zh: "这是符号链接（提交 %[3]s）", En: "it is a symbolic link (commit %[3]s)"}
	reasonSubmodule    = check.Text{Zh: "这是子模块", En: "it is a submodule"}
	reasonSubmoduleAt  = check.Text{Zh: "这是子模块（提交 %[3]s）", En: "it is a submodule (commit %[3]s)"}
	reasonNotRegular   = check.Text{Zh: "这不是普通文件", En: "it is not an ordinary file"}
	reasonNotRegularAt = check.Text{Zh: "这不是普通文件（提交 %[3]s）", En: "it is not an ordinary file (commit %[3]s)"}
	reasonTooLarge     = check.Text{Zh: "文件有 %[3]s MB，超过了 %[4]s MB 的上限", En: "it is %[3]s MB, over the limit of %[4]s MB"}
	reasonTooLargeAt   = check.Text{Zh: "文件有 %[3]s MB，超过了 %[4]s MB 的上限（提交 %[5]s）", En: "it is %[3]s MB, over the limit of %[4]s MB (commit %[5]s)"}
)

// refuse says why a tree entry must not be read as a records file, or nil.
func refuse(p string, e *object.TreeEntry) *check.Text {
	switch {
	case !utf8.ValidString(p):
		return &reasonNameAt
	case e.Mode == filemode.Symlink:
		return &reasonSymlinkAt
	case e.Mode == filemode.Submodule:
		return &reasonSubmoduleAt
	case !regular(e.Mode):
		return &reasonNotRegularAt
	}
	return nil
}

// refusedTooLarge is the diagnostic of a file of size bytes, over MaxFileSize; commit, when
// set, is the one that brought it.
func refusedTooLarge(p string, size int64, commit string) check.Diagnostic {
	d := check.Diagnostic{Code: check.RefusedFile, File: p, Value: p, Args: []string{megabytes(size), megabytes(MaxFileSize)}, Reason: &reasonTooLarge}
	if commit != "" {
		d.Args, d.Reason = append(d.Args, commit), &reasonTooLargeAt
	}
	return d
}

// megabytes is a size in MB, rounded up to a tenth: "16.1", "17".
func megabytes(size int64) string {
	return strconv.FormatFloat(math.Ceil(float64(size)*10/(1<<20))/10, 'f', -1, 64)
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

// A treeCache keeps the entries of decoded trees by hash: walking history, each commit's old
// tree is the previous commit's new one.
type treeCache struct {
	r *git.Repository
	m map[plumbing.Hash][]object.TreeEntry
}

// entries are the tree's entries ordered by name (git orders a folder as if its name ended in
// "/"; merging needs plain name order).
func (tc *treeCache) entries(h plumbing.Hash) ([]object.TreeEntry, error) {
	if h.IsZero() {
		return nil, nil
	}
	if es, ok := tc.m[h]; ok {
		return es, nil
	}
	es, err := decodeTree(tc.r, h)
	if err != nil {
		return nil, err
	}
	byName := func(a, b object.TreeEntry) int { return strings.Compare(a.Name, b.Name) }
	if !slices.IsSortedFunc(es, byName) {
		es = slices.Clone(es)
		slices.SortFunc(es, byName)
	}
	if len(tc.m) >= 4096 {
		clear(tc.m)
	}
	tc.m[h] = es
	return es, nil
}

// decodeTree reads a tree object's entries. It parses the raw object itself: go-git's decoder
// reads through a buffered reader string by string, which took half of a history pass.
func decodeTree(r *git.Repository, h plumbing.Hash) ([]object.TreeEntry, error) {
	obj, err := r.Storer.EncodedObject(plumbing.TreeObject, h)
	if err != nil {
		return nil, err
	}
	rd, err := obj.Reader()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	data, err := io.ReadAll(rd)
	if err != nil {
		return nil, err
	}
	var es []object.TreeEntry
	for len(data) > 0 {
		sp := bytes.IndexByte(data, ' ')
		nul := bytes.IndexByte(data, 0)
		if sp < 0 || nul < sp || len(data) < nul+1+20 {
			return nil, fmt.Errorf("tree %s is malformed", h)
		}
		mode, err := filemode.New(string(data[:sp]))
		if err != nil {
			return nil, fmt.Errorf("tree %s: %w", h, err)
		}
		var hash plumbing.Hash
		copy(hash[:], data[nul+1:nul+21])
		es = append(es, object.TreeEntry{Name: string(data[sp+1 : nul]), Mode: mode, Hash: hash})
		data = data[nul+21:]
	}
	return es, nil
}

// diff calls visit for every file that differs between the trees a and b (either may be zero)
// with its entry in b, or nil when b no longer has it. Equal subtrees are skipped unread.
func (tc *treeCache) diff(dir string, a, b plumbing.Hash, visit func(path string, e *object.TreeEntry) error) error {
	if a == b {
		return nil
	}
	ea, err := tc.entries(a)
	if err != nil {
		return err
	}
	eb, err := tc.entries(b)
	if err != nil {
		return err
	}
	for len(ea) > 0 || len(eb) > 0 {
		var x, y *object.TreeEntry
		switch {
		case len(eb) == 0 || len(ea) > 0 && ea[0].Name < eb[0].Name:
			x, ea = &ea[0], ea[1:]
		case len(ea) == 0 || eb[0].Name < ea[0].Name:
			y, eb = &eb[0], eb[1:]
		default:
			x, y, ea, eb = &ea[0], &eb[0], ea[1:], eb[1:]
		}
		if x != nil && y != nil && *x == *y {
			continue
		}
		p := cmp.Or(x, y).Name
		if dir != "" {
			p = dir + "/" + p
		}
		var xt, yt plumbing.Hash
		if x != nil && x.Mode == filemode.Dir {
			xt = x.Hash
		}
		if y != nil && y.Mode == filemode.Dir {
			yt = y.Hash
		}
		if err := tc.diff(p, xt, yt, visit); err != nil {
			return err
		}
		switch {
		case y != nil && y.Mode != filemode.Dir:
			if err := visit(p, y); err != nil {
				return err
			}
		case x != nil && x.Mode != filemode.Dir:
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

// A tooLarge error says that a file is over MaxFileSize.
type tooLarge struct{ size int64 }

func (e *tooLarge) Error() string {
	return fmt.Sprintf("file of %d bytes is over the limit of %d", e.size, MaxFileSize)
}

func readBlob(r *git.Repository, h plumbing.Hash) ([]byte, error) {
	b, err := r.BlobObject(h)
	if err != nil {
		return nil, err
	}
	if b.Size > MaxFileSize {
		return nil, &tooLarge{b.Size}
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
		name, _, _ := strings.Cut(m[1], "<")
		name = strings.TrimSpace(name)
		if strings.Contains(name, "@") {
			continue // an address without a name: the site shows names only
		}
		if !slices.Contains(v.Reviewers, name) {
			v.Reviewers = append(v.Reviewers, name)
		}
	}
	return v, nil
}

// WorkingTree reads the records in dir as they are on disk, uncommitted files included, so a
// cadre can check them before pushing. Hidden files and folders are skipped. Files that the
// history pass would refuse (symbolic links, submodules, names that are not UTF-8, files over
// MaxFileSize) are left out and reported in the source's Problems, as Approved reports them; so
// are other files that are not ordinary (a pipe, a device).
func WorkingTree(dir string) (town.Source, error) {
	src := town.Source{Files: map[string][]byte{}}
	err := walkRecords(dir, func(rel, full string, _ fs.DirEntry, refused *check.Text) error {
		if refused != nil {
			src.Problems.Add(check.Diagnostic{Code: check.RefusedFile, File: rel, Value: rel, Reason: refused})
			return nil
		}
		data, err := readFile(full)
		if big := (*tooLarge)(nil); errors.As(err, &big) {
			src.Problems.Add(refusedTooLarge(rel, big.size, ""))
			return nil
		}
		if err != nil {
			return err
		}
		src.Files[rel] = data
		return nil
	})
	if err != nil {
		return src, fmt.Errorf("read records in %s: %w", dir, err)
	}
	return src, nil
}

// Checkout reads the records of a working tree as WorkingTree does and, when the folder is in a
// git repository whose history can be read, the history of the checked-out commit (HEAD) along
// first parents up to until, as Approved reads a branch's: so that a check of the working tree
// judges committed files as a build will, by the catalog and the credits of their time. The
// last version of a file the working tree changes keeps the committed content in its Data.
// Without a readable history (not a repository, no commit yet) the source has none; a shallow
// clone is an error, as it is for a build.
func Checkout(repo, root string, until time.Time) (town.Source, error) {
	src, err := WorkingTree(filepath.Join(repo, root))
	if err != nil {
		return src, err
	}
	r, err := Open(repo, "HEAD", "")
	if err != nil {
		return src, nil
	}
	if shallow, err := r.git.Storer.Shallow(); err == nil && len(shallow) > 0 {
		return src, fmt.Errorf("%s is a shallow clone: the checks need the whole history (git fetch --unshallow)", repo)
	}
	// The records may be a folder of the repository that --repo names itself.
	if w, err := r.git.Worktree(); err == nil {
		if abs, err := filepath.Abs(repo); err == nil {
			if rel, err := filepath.Rel(w.Filesystem.Root(), abs); err == nil && rel != "." && !strings.HasPrefix(rel, "..") {
				root = path.Join(filepath.ToSlash(rel), root)
			}
		}
	}
	committed, err := Approved(r, Options{Branch: "HEAD", Root: root, Until: until})
	if err != nil {
		return src, nil
	}
	src.History, src.Removed = map[string][]town.Version{}, committed.Removed
	for p, vs := range committed.History {
		if _, ok := src.Files[p]; !ok {
			src.Removed[p] = town.Version{} // deleted, not yet committed
			continue
		}
		if last := &vs[len(vs)-1]; !bytes.Equal(committed.Files[p], src.Files[p]) {
			last.Data = committed.Files[p]
		}
		src.History[p] = vs
	}
	return src, nil
}

// walkRecords calls visit for every file under dir that is not hidden nor in a hidden folder,
// with its path relative to dir (with slashes) and why it must not be read, or nil. A folder
// that holds a .git is a submodule: it is visited as a refused file and not entered.
func walkRecords(dir string, visit func(rel, full string, d fs.DirEntry, refused *check.Text) error) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		if strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		var refused *check.Text
		switch {
		case d.IsDir():
			if _, err := os.Lstat(filepath.Join(p, ".git")); err != nil {
				return nil
			}
			if err := visit(rel, p, d, &reasonSubmodule); err != nil {
				return err
			}
			return filepath.SkipDir
		case !utf8.ValidString(rel):
			refused = &reasonName
		case d.Type()&fs.ModeSymlink != 0:
			refused = &reasonSymlink
		case !d.Type().IsRegular():
			refused = &reasonNotRegular
		}
		return visit(rel, p, d, refused)
	})
}

// readFile reads a file of the working tree, or returns a *tooLarge error without reading it
// when it is over MaxFileSize.
func readFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if info.Size() > MaxFileSize {
		return nil, &tooLarge{info.Size()}
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err == nil && len(data) > MaxFileSize { // it grew since
		return nil, &tooLarge{int64(len(data))}
	}
	return data, err
}

// ErrUnknownRevision is returned by Changed when there is no commit by the name it was given.
var ErrUnknownRevision = errors.New("unknown revision")

// Changed returns the records files (paths relative to root) of the working tree dir that differ
// from the tree where HEAD left rev (their merge base), rev being a branch, a tag or a commit hash
// of dir's git repository (such as a pull request's base): files added, modified or deleted
// since, committed or not. Files are compared
// by their blob hashes, as git compares them; hidden files are left out, as WorkingTree leaves
// them out.
func Changed(dir, root, rev string) (map[string]bool, error) {
	r, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if errors.Is(err, git.ErrRepositoryNotExists) {
		return nil, fmt.Errorf("%w %q: %s is not in a git repository", ErrUnknownRevision, rev, dir)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", dir, err)
	}
	h, err := r.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return nil, fmt.Errorf("%w %q: the git repository of %s has no such branch, tag or commit (a shallow clone? fetch it first)", ErrUnknownRevision, rev, dir)
	}
	// Compare with where HEAD left rev: what rev got since is not this change's.
	if head, err := r.Head(); err == nil {
		hc, herr := r.CommitObject(head.Hash())
		rc, rerr := r.CommitObject(*h)
		if herr == nil && rerr == nil {
			if bases, err := hc.MergeBase(rc); err == nil && len(bases) > 0 {
				h = &bases[0].Hash
			}
		}
	}
	records := filepath.Join(dir, root)
	before, err := filesAt(r, *h, records)
	if err != nil {
		return nil, err
	}
	changed := map[string]bool{}
	err = walkRecords(records, func(rel, full string, d fs.DirEntry, refused *check.Text) error {
		e, ok := before[rel]
		delete(before, rel)
		same, err := sameFile(e, ok, full, d, refused)
		if !same {
			changed[rel] = true
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("compare %s with %s: %w", records, rev, err)
	}
	for p := range before {
		changed[p] = true // deleted since
	}
	return changed, nil
}

// filesAt lists the files that are not hidden in the tree of the commit h under the folder
// records of r's working tree, with paths relative to it.
func filesAt(r *git.Repository, h plumbing.Hash, records string) (map[string]object.TreeEntry, error) {
	c, err := r.CommitObject(h)
	if err != nil {
		return nil, fmt.Errorf("read commit %s: %w", h, err)
	}
	w, err := r.Worktree()
	if err != nil {
		return nil, fmt.Errorf("the working tree of %s: %w", records, err)
	}
	dir, err := inside(w.Filesystem.Root(), records)
	if err != nil {
		return nil, err
	}
	tree, err := subtree(r, c.TreeHash, dir)
	if err != nil {
		return nil, fmt.Errorf("read %s at %s: %w", dir, h, err)
	}
	files := map[string]object.TreeEntry{}
	var list func(prefix string, h plumbing.Hash) error
	list = func(prefix string, h plumbing.Hash) error {
		es, err := treeEntries(r, h)
		if err != nil {
			return fmt.Errorf("read %s at %s: %w", path.Join(dir, prefix), c.Hash, err)
		}
		for name, e := range es {
			switch p := path.Join(prefix, name); {
			case strings.HasPrefix(name, "."):
			case e.Mode == filemode.Dir:
				if err := list(p, e.Hash); err != nil {
					return err
				}
			default:
				files[p] = e
			}
		}
		return nil
	}
	return files, list("", tree)
}

// inside is the path of dir in the repository whose working tree is at top ("" for the top).
func inside(top, dir string) (string, error) {
	abs := func(p string) (string, error) {
		p, err := filepath.Abs(p)
		if err != nil {
			return "", err
		}
		return filepath.EvalSymlinks(p)
	}
	t, err := abs(top)
	if err != nil {
		return "", err
	}
	d, err := abs(dir)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(t, d)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("%s is not in the working tree of %s", dir, top)
	}
	if rel == "." {
		return "", nil
	}
	return filepath.ToSlash(rel), nil
}

// sameFile reports whether the file at full in the working tree is the tree entry e (ok is
// false when the tree has no entry there): the same kind, and the same content.
func sameFile(e object.TreeEntry, ok bool, full string, d fs.DirEntry, refused *check.Text) (bool, error) {
	switch {
	case !ok:
		return false, nil
	case d.IsDir():
		return e.Mode == filemode.Submodule, nil
	case d.Type()&fs.ModeSymlink != 0:
		target, err := os.Readlink(full)
		return e.Mode == filemode.Symlink && e.Hash == plumbing.ComputeHash(plumbing.BlobObject, []byte(target)), err
	case refused == &reasonNotRegular || !regular(e.Mode):
		return false, nil
	}
	f, err := os.Open(full)
	if err != nil {
		return false, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return false, err
	}
	h := plumbing.NewHasher(plumbing.BlobObject, info.Size())
	if n, err := io.Copy(h, f); err != nil || n != info.Size() {
		return false, err
	}
	return h.Sum() == e.Hash, nil
}
