// Package records owns the records repository: it is the only package that touches git. It opens
// a repository (a local path or a URL cloned into memory), walks the publishing branch's
// first-parent history once, and returns every file's approved versions and current content.
package records

import (
	"bytes"
	"cmp"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
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

// TokenVariable is the environment variable that holds the access token of a private records
// repository: in a GitHub workflow, a secret of the site repository of the same name.
const TokenVariable = "JIFEN_GIT_TOKEN"

// Open opens a records repository: a URL is cloned (the branch only) into memory, a local path
// is opened in place. token (the value of TokenVariable), when set, is sent to an http(s)
// server as the password of the user x-access-token, which is how GitHub and most git hosts
// take an access token. When the server refuses the token, or asks for one, the error says
// which secret to set or renew.
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
			return nil, fmt.Errorf("clone %s (branch %s): %w", redacted(repo), branch, refusedToken(err, token != ""))
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
		st := filesystem.NewStorageWithOptions(fs.Filesystem(), cache.NewObjectLRUDefault(), filesystem.Options{KeepDescriptors: true, LargeObjectThreshold: MaxFileSize})
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

// Where a GitHub workflow's secrets are set, for the messages that ask for a token.
const secretsPage = "Settings → Secrets and variables → Actions"

// refusedToken explains an error of the server that refused the token, or asked for one it
// was not given (sent says whether a token was sent); other errors are returned as they are.
func refusedToken(err error, sent bool) error {
	denied := errors.Is(err, transport.ErrAuthenticationRequired) || errors.Is(err, transport.ErrAuthorizationFailed)
	switch {
	case denied && sent:
		return fmt.Errorf("the records repository refused the token in %s (%w): renew the secret %s (%s)", TokenVariable, err, TokenVariable, secretsPage)
	case denied:
		return fmt.Errorf("the records repository asks for a token (%w): a private repository needs an access token that may read it in %s, a secret of the site repository (%s)", err, TokenVariable, secretsPage)
	case errors.Is(err, transport.ErrRepositoryNotFound) && sent:
		return fmt.Errorf("%w: check the address, and that the token in %s may read the repository; renew the secret %s if it may not (%s)", err, TokenVariable, TokenVariable, secretsPage)
	}
	return err
}

// redacted is a repository's address without the password it may hold.
func redacted(repo string) string {
	if u, err := url.Parse(repo); err == nil {
		return u.Redacted()
	}
	return repo
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
	// At, when set, is the hash of a first-parent commit of the branch to read the records at,
	// as if it were the head: how a village held back by a problem is shown as it last passed.
	At string
	// Only, when set, says which files to read, by their paths under the root as the source
	// names them: the others are left out of the source's Files, History and Problems, and
	// their contents are not read; its Steps and Removed stay whole. (A shard of a build needs
	// the files of its villages and the town's own.)
	Only func(path string) bool

	stretch int // commits compared by one worker at a time; 0 is 512 (tests set it)
	// have are contents the caller holds already, by their blob's hash: what a working tree has
	// of the committed files is not read again from the history (see Checkout).
	have map[plumbing.Hash][]byte
}

// reads reports whether the file at p is to be read (see Only).
func (o Options) reads(p string) bool { return o.Only == nil || o.Only(p) }

// A walk is the result of one pass over the first-parent history.
type walk struct {
	head     plumbing.Hash
	versions map[string][]town.Version   // path → approved versions, oldest first
	current  map[string]plumbing.Hash    // path → blob of the latest approved version
	refused  map[string]check.Diagnostic // path → why it is not read
	removed  map[string]town.Version     // path → the commit that deleted it after it was approved
	steps    []town.Step                 // the commits that changed records, oldest first
}

// Approved reads the approved records under the root folder from the first-parent history of
// the publishing branch. Files of other branches, of pull requests before their merge, and of
// the working tree do not count. Files that must not be read (symbolic links, submodules, names
// that are not UTF-8 or that no file may have, files over MaxFileSize) are left out and reported
// in the source's Problems, naming the commit that brought them; the versions of such a file
// approved before it was refused stay in the source's History, each with its content. A version
// is a new content, accepted: a change of a file's mode alone is none.
func Approved(repo *Repository, opts Options) (town.Source, error) {
	h, err := Walk(repo, opts)
	if err != nil {
		return town.Source{Files: map[string][]byte{}, History: map[string][]town.Version{}}, err
	}
	defer h.Close()
	return h.Source(opts.Only)
}

// A History is the first-parent history of a records repository, walked once: Source reads the
// contents of its files, all of them or some, as often as it is asked. A shard of a build first
// reads the town's own files and the rosters, then the files of the villages they tie to its
// share.
type History struct {
	repo  *git.Repository
	packs packs
	walk  *walk
	opts  Options
	blobs map[plumbing.Hash]blob // the contents read so far
	all   bool                   // whether blobs has every content a source may need
}

// Walk walks the first-parent history of the publishing branch, as Approved reads it. Meanwhile
// it reads the contents of the files that opts.Only selects (all when nil): those that are read
// first. Close lets go of the repository's files.
func Walk(repo *Repository, opts Options) (*History, error) {
	ps := openPacks(repo.git)
	h := &History{repo: repo.git, packs: ps, opts: opts}
	// The files at the tip are most of what is read: one worker reads them while the history is
	// walked (the walk's own workers take the other processors), then their earlier versions are
	// read, and this goroutine helps read the tip's files that are left.
	listed, done := make(chan *blobReader, 1), make(chan struct{})
	go func() {
		defer close(done)
		tip := newBlobReader(repo.git, ps, tipBlobs(repo.git, ps, opts))
		listed <- tip
		tip.work()
	}()
	w, err := walkHistory(repo.git, ps, opts)
	tip := <-listed
	h.blobs = make(map[plumbing.Hash]blob, len(tip.wants)*9/8) // and some earlier versions
	for _, wt := range tip.wants {
		h.blobs[wt.hash] = blob{} // read by the tip's readers
	}
	if err == nil {
		h.walk = w
		h.read(opts.Only)
		tip.work()
	}
	<-done
	tip.into(h.blobs)
	if err != nil {
		h.Close()
		return nil, err
	}
	return h, nil
}

// Paths are the paths of the files at the tip of the history, sorted, but for those refused.
func (h *History) Paths() []string { return slices.Sorted(maps.Keys(h.walk.current)) }

// Close closes the pack files that the history read.
func (h *History) Close() {
	h.packs.close()
	release(h.repo)
}

// Source is the records of the files only selects (all when nil), by their paths under the
// root: the others are left out of its Files, History and Problems; its Steps and Removed are
// whole (see Options.Only).
func (h *History) Source(only func(path string) bool) (town.Source, error) {
	if only == nil {
		only = func(string) bool { return true }
	}
	n := len(h.walk.current)
	src := town.Source{Files: make(map[string][]byte, n), History: make(map[string][]town.Version, n)}
	blobs := h.read(only)
	// The files refused or that cannot be read are handled last, in order, so that their
	// problems come in order and the error is the first file's. (Sorting every path took a
	// quarter of the time of Source, which runs alone at the end of a pass.)
	var odd []string
	for p := range h.walk.current {
		if !only(p) {
			continue
		}
		vs, big, err := readVersions(blobs, p, h.walk.versions[p])
		if err != nil || big != nil {
			odd = append(odd, p)
			continue
		}
		src.Files[p] = vs[len(vs)-1].Data
		if len(vs) == 1 {
			vs[0].Data = nil // kept for corrected files only, to show what changed
		}
		src.History[p] = vs
	}
	slices.Sort(odd)
	for _, p := range odd {
		vs, big, err := readVersions(blobs, p, h.walk.versions[p])
		switch {
		case err != nil:
			return src, err
		case big != nil && big.notBlob:
			src.Problems.Add(check.Diagnostic{Code: check.RefusedFile, File: p, Value: p, Args: []string{big.commit[:7]}, Reason: &reasonNotRegularAt})
			if len(vs) > 0 {
				src.History[p] = vs
			}
		case big != nil:
			src.Problems.Add(refusedTooLarge(p, big.size, big.commit[:7]))
			if len(vs) > 0 {
				src.History[p] = vs
			}
		}
	}
	for _, p := range slices.Sorted(maps.Keys(h.walk.refused)) {
		if !only(p) {
			continue
		}
		src.Problems.Add(h.walk.refused[p])
		// A file refused now keeps the versions approved before, each with its content.
		vs, _, err := readVersions(blobs, p, h.walk.versions[p])
		if err != nil {
			return src, err
		}
		if len(vs) > 0 {
			src.History[p] = vs
		}
	}
	src.Removed, src.Steps = h.walk.removed, h.walk.steps
	return src, nil
}

// readVersions reads the content of each version of the file p and returns those that may be
// read: a version over MaxFileSize is refused, and the next that may be read continues the
// versions before it (as a new version when its content is new). big tells when the last
// version is refused.
func readVersions(blobs map[plumbing.Hash]blob, p string, vs []town.Version) (read []town.Version, big *tooLarge, err error) {
	read = make([]town.Version, 0, len(vs))
	for _, v := range vs {
		b := blobs[plumbing.NewHash(v.Blob)]
		v.Data, err = b.data, b.err
		big = nil
		switch {
		case errors.As(err, &big):
			big = &tooLarge{notBlob: big.notBlob, size: big.size, commit: v.Commit}
		case err != nil:
			return nil, nil, fmt.Errorf("read %s at %s: %w", p, v.Commit, err)
		case len(read) == 0 || read[len(read)-1].Blob != v.Blob:
			read = append(read, v)
		}
	}
	return read, big, nil
}

// A blob is the content of a version of a file, or why it cannot be read (a *tooLarge error
// when it is over MaxFileSize or is no blob).
type blob struct {
	data []byte
	err  error
}

// read reads the contents of every version of the files only selects (all when nil) that a
// source has, but for those read before and those the caller has (see Options.have), and
// returns every content read so far.
func (h *History) read(only func(path string) bool) map[plumbing.Hash]blob {
	w, have := h.walk, h.opts.have
	if h.all {
		return h.blobs
	}
	if h.blobs == nil {
		h.blobs = map[plumbing.Hash]blob{}
	}
	h.all = only == nil
	var hs []plumbing.Hash
	for p, vs := range w.versions {
		_, current := w.current[p]
		if _, refused := w.refused[p]; !current && !refused || only != nil && !only(p) {
			continue
		}
		for _, v := range vs {
			b := plumbing.NewHash(v.Blob)
			if _, ok := h.blobs[b]; ok {
				continue
			}
			if data, ok := have[b]; ok {
				h.blobs[b] = blob{data: data}
			} else {
				h.blobs[b] = blob{} // read below
				hs = append(hs, b)
			}
		}
	}
	readInOrder(h.repo, h.packs, hs, min(runtime.GOMAXPROCS(0), 4)).into(h.blobs)
	return h.blobs
}

// readInOrder reads the blobs hs, with at most n workers in parallel.
func readInOrder(r *git.Repository, ps packs, hs []plumbing.Hash, n int) *blobReader {
	br := newBlobReader(r, ps, hs)
	var g errgroup.Group
	for range max(1, min(n, (len(hs)+blobStretch-1)/blobStretch)) {
		g.Go(func() error { br.work(); return nil })
	}
	g.Wait()
	return br
}

// A blobReader reads blobs in the order of the pack files, where the bases of deltas are close
// to them, for as many workers as call work: each takes the next stretch of them when it is done
// with one, so that none waits for another.
type blobReader struct {
	r     *git.Repository
	ps    packs
	wants []want
	read  []blob       // of wants
	next  atomic.Int64 // the first want that no worker took
}

// A want is a blob to read, and where it is.
type want struct {
	hash plumbing.Hash
	pack int // len(ps) when in no pack
	at   int64
}

// blobStretch is how many blobs a worker takes at a time.
const blobStretch = 64

// newBlobReader makes a reader of the blobs hs of r, whose pack files are ps.
func newBlobReader(r *git.Repository, ps packs, hs []plumbing.Hash) *blobReader {
	wants := make([]want, len(hs))
	for k, h := range hs {
		wants[k] = want{hash: h, pack: len(ps)}
		for i, pk := range ps {
			if at, ok := pk.find(h); ok {
				wants[k].pack, wants[k].at = i, at
				break
			}
		}
	}
	slices.SortFunc(wants, func(a, b want) int { return cmp.Or(cmp.Compare(a.pack, b.pack), cmp.Compare(a.at, b.at)) })
	return &blobReader{r: r, ps: ps, wants: wants, read: make([]blob, len(wants))}
}

// work reads the blobs that no other worker took.
func (br *blobReader) work() {
	if br.next.Load() >= int64(len(br.wants)) {
		return // none left: no reader to make
	}
	rr, done := reader(br.r)
	defer done()
	rd := newObjectReader(rr, br.ps)
	for {
		start := int(br.next.Add(blobStretch)) - blobStretch
		if start >= len(br.wants) {
			return
		}
		for j := start; j < min(start+blobStretch, len(br.wants)); j++ {
			br.read[j].data, br.read[j].err = readBlob(rd, br.wants[j].hash)
		}
	}
}

// into puts the blobs read into blobs, once every worker is done.
func (br *blobReader) into(blobs map[plumbing.Hash]blob) {
	for i, wt := range br.wants {
		blobs[wt.hash] = br.read[i]
	}
}

// tipBlobs are the blobs of the ordinary files under the root at the tip of the history that
// opts reads, but for the contents the caller has: the current version of most files. There are
// none when the tip is later than opts.Until, or cannot be read (the walk says why).
func tipBlobs(repo *git.Repository, ps packs, opts Options) []plumbing.Hash {
	rr, done := reader(repo)
	defer done()
	r := newObjectReader(rr, ps)
	top, err := tip(rr, opts)
	if err != nil {
		return nil
	}
	c, err := r.commit(top)
	if err != nil || !opts.Until.IsZero() && c.Committer.When.After(opts.Until) {
		return nil
	}
	tree, err := subtree(r, c.TreeHash, strings.Trim(path.Clean("/"+opts.Root), "/"))
	if err != nil {
		return nil
	}
	var hs []plumbing.Hash
	var list func(dir string, h plumbing.Hash) error
	list = func(dir string, h plumbing.Hash) error {
		es, err := decodeTree(r, h)
		for _, e := range es {
			reason, _ := oddName(e.Name)
			switch _, had := opts.have[e.Hash]; {
			case reason != nil:
			case e.Mode == filemode.Dir:
				err = cmp.Or(err, list(path.Join(dir, e.Name), e.Hash))
			case regular(e.Mode) && !had && (opts.Only == nil || opts.Only(path.Join(dir, e.Name))):
				hs = append(hs, e.Hash)
			}
		}
		return err
	}
	if tree.IsZero() || list("", tree) != nil {
		return nil
	}
	return hs
}

// release closes the pack files that Open keeps open; they open again if read again.
func release(r *git.Repository) {
	if c, ok := r.Storer.(io.Closer); ok {
		c.Close()
	}
}

// history walks the first-parent chain of the publishing branch once, oldest first, comparing
// each commit's records tree with the one before.
func history(repo *git.Repository, opts Options) (*walk, error) {
	ps := openPacks(repo)
	defer ps.close()
	return walkHistory(repo, ps, opts)
}

// walkHistory is history, reading from the pack files ps.
func walkHistory(repo *git.Repository, ps packs, opts Options) (*walk, error) {
	r := newObjectReader(repo, ps)
	root := strings.Trim(path.Clean("/"+opts.Root), "/")
	top, err := tip(repo, opts)
	if err != nil {
		return nil, err
	}
	head, err := r.commit(top)
	if err != nil {
		return nil, fmt.Errorf("read commit %s: %w", top, err)
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
			rr, done := reader(r.git)
			defer done()
			return compare(newObjectReader(rr, r.packs), cs, prev, root, keyring, seg)
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
		parent, err := r.commit(c.ParentHashes[0])
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
	return apply(top, steps), nil
}

// tip is the commit the history ends at: opts.At, else the head of the publishing branch.
func tip(repo *git.Repository, opts Options) (plumbing.Hash, error) {
	if opts.At != "" {
		return plumbing.NewHash(opts.At), nil
	}
	branch := cmp.Or(opts.Branch, "main")
	var ref *plumbing.Reference
	var err error
	if branch == "HEAD" {
		ref, err = repo.Head()
	} else {
		ref, err = repo.Reference(plumbing.NewBranchReferenceName(branch), true)
	}
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("branch %s: %w", branch, err)
	}
	return ref.Hash(), nil
}

// apply makes a walk of the steps of the first-parent history, oldest first, up to head. A
// version is a new content: a commit that changes only a file's mode (or brings back the content
// of its last version after a refused one) brings no version. A refused file keeps the versions
// approved before it, and its next accepted content continues them.
func apply(head plumbing.Hash, steps []step) *walk {
	n := 0 // files changed: about as many as there are files
	for _, st := range steps {
		n += len(st.changes)
	}
	w := &walk{head: head, versions: make(map[string][]town.Version, n), current: make(map[string]plumbing.Hash, n), refused: map[string]check.Diagnostic{}, removed: map[string]town.Version{}}
	for _, st := range steps {
		if len(st.changes) > 0 {
			ts := town.Step{Commit: st.commit.Hash.String(), Time: st.commit.Committer.When}
			for _, ch := range st.changes {
				ts.Paths = append(ts.Paths, ch.path)
			}
			w.steps = append(w.steps, ts)
		}
		for _, ch := range st.changes {
			delete(w.current, ch.path)
			delete(w.refused, ch.path)
			delete(w.removed, ch.path)
			vs := w.versions[ch.path]
			switch {
			case ch.entry == nil:
				if len(vs) > 0 {
					w.removed[ch.path] = town.Version{Commit: st.commit.Hash.String(), Time: st.commit.Committer.When, Author: st.commit.Author.Name}
				}
				// Its versions stay: a file restored as it was keeps its approval, and a file
				// added again with other content is a correction of the approved one.
			case ch.refused != nil:
				args := slices.Concat(ch.args, []string{st.commit.Hash.String()[:7]})
				w.refused[ch.path] = check.Diagnostic{Code: check.RefusedFile, File: ch.path, Value: ch.value, Args: args, Reason: ch.refused}
			default:
				w.current[ch.path] = ch.entry.Hash
				if len(vs) > 0 && vs[len(vs)-1].Blob == ch.entry.Hash.String() {
					continue
				}
				v := st.version
				v.Blob = ch.entry.Hash.String()
				w.versions[ch.path] = append(vs, v)
			}
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
	path    string // as the diagnostics name it: an odd name is quoted (see quoteName)
	value   string // the path as the trees have it
	entry   *object.TreeEntry
	refused *check.Text // why the file must not be read, or nil
	args    []string    // the reason's Args, but for the commit
}

// newChange is the change of the file at p to e (nil when the file is removed), refused when
// the name or the kind of e says that it must not be read. (Whether it is too large to read is
// known when it is read: see readVersions.)
func newChange(p string, e *entry) change {
	ch := change{path: p, value: p}
	if e == nil {
		return ch
	}
	te := e.TreeEntry
	ch.entry = &te
	if e.odd != nil {
		ch.value = p[:len(p)-len(e.Name)] + e.odd.raw
		ch.refused = e.odd.reason
		if e.odd.char != "" {
			ch.args = []string{e.odd.char}
		}
		return ch
	}
	ch.refused = refuse(p, &te)
	return ch
}

// compare fills steps with what each commit of cs (newest first) changed against the commit
// before it; prev is the commit before the oldest of cs, or nil.
func compare(r *objectReader, cs []*object.Commit, prev *object.Commit, root, keyring string, steps []step) error {
	trees := &treeCache{r: r, m: map[plumbing.Hash]*tree{}}
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
		err = trees.diff("", before, tree, func(p string, e *entry) error {
			ch := newChange(p, e)
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
	st := filesystem.NewStorageWithOptions(fs.Filesystem(), cache.NewObjectLRUDefault(), filesystem.Options{KeepDescriptors: true, LargeObjectThreshold: MaxFileSize})
	rr, err := git.Open(st, nil)
	if err != nil {
		return r, func() {}
	}
	return rr, func() { st.Close() }
}

// readKeyring concatenates the armored keys (*.asc) in dir of the tree.
func readKeyring(r *objectReader, tree plumbing.Hash, dir string, want bool) (string, error) {
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
		if e := entries[name]; strings.HasSuffix(name, ".asc") && regular(e.Mode) && unsafeChar(name) == "" {
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
	reasonUnsafe       = check.Text{Zh: "文件名里有文件名不能用的字符 %[3]s", En: "its name holds %[3]s, which a file name may not hold"}
	reasonUnsafeAt     = check.Text{Zh: "文件名里有文件名不能用的字符 %[3]s（提交 %[4]s）", En: "its name holds %[3]s, which a file name may not hold (commit %[4]s)"}
	reasonReservedAt   = check.Text{Zh: "文件不能叫 %[3]s（提交 %[4]s）", En: "no file may be named %[3]s (commit %[4]s)"}
	reasonDuplicateAt  = check.Text{Zh: "同一个文件夹里有两个条目都叫这个名字，分不清哪个才是这个文件（提交 %[3]s）", En: "two entries of its folder have this name: which one is the file is not known (commit %[3]s)"}
)

// oddName says why no file may have the name, with what of it is refused, quoted; or nil. Such
// names can be made with git's plumbing, not in a folder on disk (but for a backslash or a
// control character, which a folder on disk may have too).
func oddName(name string) (*check.Text, string) {
	if name == "" || name == "." || name == ".." {
		return &reasonReservedAt, strconv.Quote(name)
	}
	if c := unsafeChar(name); c != "" {
		return &reasonUnsafeAt, c
	}
	return nil, ""
}

// unsafeChar is the first character of name that a file name may not hold, quoted, or "": a
// slash, a backslash, a control character (NUL, a line break...) or an invisible one that
// changes how a name reads (bidirectional controls, zero-width characters, line separators).
func unsafeChar(name string) string {
	for i := 0; i < len(name); {
		r, n := rune(name[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(name[i:])
		}
		if r == '/' || r == '\\' || unicode.IsControl(r) || r >= utf8.RuneSelf && unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp) {
			return strconv.Quote(string(r))
		}
		i += n
	}
	return ""
}

// quoteName is how the diagnostics name a file whose name is odd: quoted as Go quotes a
// string, a slash written \x2f, so that the name reads as one name and never as the path of
// another file.
func quoteName(name string) string {
	return strings.ReplaceAll(strconv.Quote(name), "/", `\x2f`)
}

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

// subtree is the hash of the tree at dir ("" for the root), or zero when there is none (as
// go-git's Tree.FindEntry finds it: of entries that share a name, the last).
func subtree(r *objectReader, tree plumbing.Hash, dir string) (plumbing.Hash, error) {
	if dir == "" {
		return tree, nil
	}
	parts := strings.Split(dir, "/")
	for i, name := range parts {
		es, err := treeEntries(r, tree)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		e, ok := es[name]
		if !ok || i == len(parts)-1 && e.Mode != filemode.Dir {
			return plumbing.ZeroHash, nil
		}
		tree = e.Hash
	}
	return tree, nil
}

// A treeCache keeps the trees read by hash: walking history, each commit's old tree is the
// previous commit's new one.
type treeCache struct {
	r     *objectReader
	m     map[plumbing.Hash]*tree
	whole bool // decode every tree whole, plain or not (tests compare the two ways)
}

// A tree is a tree object as the history pass compares it. A plain tree, whose names are all
// names a file may have, stored in increasing order (as git stores them, unless a folder's name
// is the start of another name), is compared with another plain one as they are stored: only
// the entries between those both start with and those both end with are decoded. (Decoding
// every entry of both trees took an eighth of the pass.) Other trees are decoded whole.
type tree struct {
	data  []byte
	at    []int   // where each entry starts in data, then len(data); nil when data is malformed
	plain bool    // see tree
	es    []entry // the entries of a tree that is not plain, once decoded
}

// tree reads the tree h. prev, when set, is a tree read before, which h is likely to share most
// entries with.
func (tc *treeCache) tree(h plumbing.Hash, prev *tree) (*tree, error) {
	if h.IsZero() {
		return &tree{at: []int{0}, plain: true}, nil
	}
	if t, ok := tc.m[h]; ok {
		return t, nil
	}
	_, data, err := tc.r.read(plumbing.TreeObject, h)
	if err != nil {
		return nil, err
	}
	t := &tree{data: data}
	if prev != nil && prev.at != nil {
		t.at = startsFrom(prev, data)
	} else {
		t.at = starts(data)
	}
	if t.at != nil {
		if prev != nil && prev.plain {
			_, _, i, j := middles(prev, t)
			t.plain = plainBetween(t, i, j)
		} else {
			t.plain = plainBetween(t, 0, len(data))
		}
	}
	if len(tc.m) >= 4096 {
		clear(tc.m)
	}
	tc.m[h] = t
	return t, nil
}

// starts are where the entries of a tree object start, then its end; nil when it is malformed.
func starts(data []byte) []int {
	at := make([]int, 0, len(data)/32+2)
	for i := 0; i < len(data); {
		next := entryEnd(data, i)
		if next < 0 {
			return nil
		}
		at, i = append(at, i), next
	}
	return append(at, len(data))
}

// entryEnd is where the entry of the tree object data that starts at i ends (mode, space,
// name, NUL and hash), or -1 when it is malformed.
func entryEnd(data []byte, i int) int {
	sp := bytes.IndexByte(data[i:], ' ')
	nul := bytes.IndexByte(data[i:], 0)
	if sp < 0 || nul < sp || len(data) < i+nul+1+20 {
		return -1
	}
	return i + nul + 21
}

// startsFrom are the starts of the entries of the tree object b (see starts), found from those
// of the well-formed tree a, as b is likely to start and end with the same entries as a: only
// the entries between are looked for.
func startsFrom(a *tree, b []byte) []int {
	na, shift := len(a.at)-1, len(b)-len(a.data)
	k := sort.Search(na+1, func(k int) bool { // a's first k entries start b
		return a.at[k] > len(b) || !bytes.Equal(a.data[:a.at[k]], b[:a.at[k]])
	}) - 1
	s := k + sort.Search(na-k+1, func(i int) bool { // a's entries from s on end b
		at := a.at[k+i]
		return at+shift >= a.at[k] && bytes.Equal(a.data[at:], b[at+shift:])
	})
	at := make([]int, k, len(a.at)+8)
	copy(at, a.at[:k])
	for p := a.at[k]; p != a.at[s]+shift; {
		if p > a.at[s]+shift { // no entry of b starts there: b ends with fewer of a's entries
			s++
			continue
		}
		next := entryEnd(b, p)
		if next < 0 {
			return nil
		}
		at, p = append(at, p), next
	}
	for _, i := range a.at[s:] {
		at = append(at, i+shift)
	}
	return at
}

// middles are the parts of the well-formed trees a and b that differ: a[ai:aj] and b[bi:bj],
// between the entries both start with and those both end with.
func middles(a, b *tree) (ai, aj, bi, bj int) {
	na, nb := len(a.at)-1, len(b.at)-1
	k := sort.Search(min(na, nb)+1, func(k int) bool {
		return !bytes.Equal(a.data[:a.at[k]], b.data[:b.at[k]])
	}) - 1
	m := sort.Search(min(na, nb)-k+1, func(m int) bool {
		return !bytes.Equal(a.data[a.at[na-m]:], b.data[b.at[nb-m]:])
	}) - 1
	return a.at[k], a.at[na-m], b.at[k], b.at[nb-m]
}

// plainBetween reports whether the well-formed tree t, whose entries before data[i:] and from
// data[j:] on are plain, is plain (see tree): whether the entries from i to j are, and are in
// order with those around them.
func plainBetween(t *tree, i, j int) bool {
	k, _ := slices.BinarySearch(t.at, i)
	if k > 0 {
		k-- // the entry before, to compare the first with
	}
	var last []byte
	for ; k < len(t.at)-1 && (t.at[k] < j || t.at[k] == j && j < len(t.data)); k++ {
		e := t.data[t.at[k]:t.at[k+1]]
		sp, nul := bytes.IndexByte(e, ' '), bytes.IndexByte(e, 0)
		name := e[sp+1 : nul]
		if _, err := fileMode(e[:sp]); err != nil || !plainName(name) || last != nil && bytes.Compare(last, name) >= 0 {
			return false
		}
		last = name
	}
	return true
}

// plainName reports whether a file may have the name (see oddName).
func plainName(name []byte) bool {
	for _, c := range name {
		if c < ' ' || c >= utf8.RuneSelf || c == '/' || c == '\\' || c == 0x7f {
			reason, _ := oddName(string(name))
			return reason == nil
		}
	}
	return len(name) > 0 && string(name) != "." && string(name) != ".."
}

// An entry is a tree entry as the history pass reads it. An entry whose name no file may have
// (one that holds a "/", a backslash or a control character, that is "." or "..", or that two
// entries of the tree share) is refused for its name: its Name is then quoted, so that it never
// stands for the path of another file, and it is never read as a folder.
type entry struct {
	object.TreeEntry
	odd *oddity // nil for a name a file may have
}

// An oddity is why an entry's name is refused.
type oddity struct {
	raw    string      // the name as the tree has it
	reason *check.Text // why it is refused
	char   string      // what of the name is refused, quoted, when reason says it
}

// folder reports whether the entry is a folder to look into.
func (e *entry) folder() bool { return e.Mode == filemode.Dir && e.odd == nil }

// same reports whether the entries are the same, oddity included.
func (e *entry) same(o *entry) bool {
	return e.TreeEntry == o.TreeEntry && (e.odd == o.odd || e.odd != nil && o.odd != nil && *e.odd == *o.odd)
}

// entries are the entries of the tree h ordered by name (git orders a folder as if its name
// ended in "/"; merging needs plain name order).
func (t *tree) entries(h plumbing.Hash) ([]entry, error) {
	if t.es != nil || len(t.data) == 0 {
		return t.es, nil
	}
	es, err := parseTree(h, t.data)
	if err != nil {
		return nil, err
	}
	for i := range es {
		if reason, char := oddName(es[i].Name); reason != nil {
			es[i].odd = &oddity{raw: es[i].Name, reason: reason, char: char}
			es[i].Name = quoteName(es[i].Name)
		}
	}
	byName := func(a, b entry) int { return strings.Compare(a.Name, b.Name) }
	if !slices.IsSortedFunc(es, byName) {
		slices.SortFunc(es, byName)
	}
	t.es = merge(es)
	return t.es, nil
}

// merge makes one refused entry of the entries (sorted by name) that share a name: which of
// them the path stands for is not known, so it stands for none. Its hash is of them all, so
// that it changes when one of them does.
func merge(es []entry) []entry {
	for i := 0; i+1 < len(es); i++ {
		j := i + 1
		for j < len(es) && es[j].Name == es[i].Name {
			j++
		}
		if j == i+1 {
			continue
		}
		var all []byte
		for _, e := range es[i:j] {
			all = append(all, e.Mode.String()...)
			all = append(all, e.Hash[:]...)
		}
		raw := es[i].Name
		if es[i].odd != nil {
			raw = es[i].odd.raw
		}
		es[i].Mode, es[i].Hash = filemode.Regular, plumbing.ComputeHash(plumbing.BlobObject, all)
		es[i].odd = &oddity{raw: raw, reason: &reasonDuplicateAt}
		es = slices.Delete(es, i+1, j)
	}
	return es
}

// decodeTree reads a tree object's entries, their names as the tree has them. It parses the raw
// object itself: go-git's decoder reads through a buffered reader string by string, which took
// half of a history pass.
func decodeTree(r *objectReader, h plumbing.Hash) ([]entry, error) {
	_, data, err := r.read(plumbing.TreeObject, h)
	if err != nil {
		return nil, err
	}
	return parseTree(h, data)
}

// parseTree decodes the entries of the tree h, whose content is data.
func parseTree(h plumbing.Hash, data []byte) ([]entry, error) {
	text := string(data) // the names are cut from it, rather than each made on its own
	es := make([]entry, 0, len(data)/32+1)
	for i := 0; i < len(data); {
		sp := bytes.IndexByte(data[i:], ' ')
		nul := bytes.IndexByte(data[i:], 0)
		if sp < 0 || nul < sp || len(data) < i+nul+1+20 {
			return nil, fmt.Errorf("tree %s is malformed", h)
		}
		mode, err := fileMode(data[i : i+sp])
		if err != nil {
			return nil, fmt.Errorf("tree %s: %w", h, err)
		}
		es = append(es, entry{}) // filled in place: the entry is large
		e := &es[len(es)-1]
		e.Name, e.Mode = text[i+sp+1:i+nul], mode
		copy(e.Hash[:], data[i+nul+1:i+nul+21])
		i += nul + 21
	}
	return es, nil
}

// fileMode is the mode of a tree entry, as filemode.New reads it; the usual ones without
// making a string.
func fileMode(b []byte) (filemode.FileMode, error) {
	switch string(b) {
	case "100644":
		return filemode.Regular, nil
	case "40000":
		return filemode.Dir, nil
	}
	return filemode.New(string(b))
}

// diff calls visit for every file that differs between the trees a and b (either may be zero)
// with its entry in b, or nil when b no longer has it. Equal subtrees are skipped unread.
func (tc *treeCache) diff(dir string, a, b plumbing.Hash, visit func(path string, e *entry) error) error {
	if a == b {
		return nil
	}
	ta, err := tc.tree(a, nil)
	if err != nil {
		return err
	}
	tb, err := tc.tree(b, ta)
	if err != nil {
		return err
	}
	var ea, eb []entry
	if ta.plain && tb.plain && !tc.whole { // only the entries between those both start and end with
		ai, aj, bi, bj := middles(ta, tb)
		if ea, err = parseTree(a, ta.data[ai:aj]); err == nil {
			eb, err = parseTree(b, tb.data[bi:bj])
		}
	} else if ea, err = ta.entries(a); err == nil {
		eb, err = tb.entries(b)
	}
	if err != nil {
		return err
	}
	for len(ea) > 0 || len(eb) > 0 {
		var x, y *entry
		switch {
		case len(eb) == 0 || len(ea) > 0 && ea[0].Name < eb[0].Name:
			x, ea = &ea[0], ea[1:]
		case len(ea) == 0 || eb[0].Name < ea[0].Name:
			y, eb = &eb[0], eb[1:]
		default:
			x, y, ea, eb = &ea[0], &eb[0], ea[1:], eb[1:]
		}
		if x != nil && y != nil && x.same(y) {
			continue
		}
		p := cmp.Or(x, y).Name
		if dir != "" {
			p = dir + "/" + p
		}
		var xt, yt plumbing.Hash
		if x != nil && x.folder() {
			xt = x.Hash
		}
		if y != nil && y.folder() {
			yt = y.Hash
		}
		if err := tc.diff(p, xt, yt, visit); err != nil {
			// An entry that says folder but points to another kind of object (written with
			// plumbing) is refused, as if it were no folder; an object missing is an error.
			xbad, ybad := !isKind(tc.r, xt, plumbing.TreeObject), !isKind(tc.r, yt, plumbing.TreeObject)
			if !xbad && !ybad {
				return err
			}
			if xbad {
				xt = plumbing.ZeroHash
			}
			if ybad {
				yt = plumbing.ZeroHash
			}
			if err := tc.diff(p, xt, yt, visit); err != nil {
				return err
			}
			if ybad {
				bad := *y
				bad.odd = &oddity{raw: y.Name, reason: &reasonNotRegularAt}
				if err := visit(p, &bad); err != nil {
					return err
				}
			}
			continue
		}
		switch {
		case y != nil && !y.folder():
			if err := visit(p, y); err != nil {
				return err
			}
		case x != nil && !x.folder():
			if err := visit(p, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// isKind reports whether h is an object of the kind want, or is not in the repository at all:
// false only for an object there of another kind (a tree entry written with plumbing).
func isKind(r *objectReader, h plumbing.Hash, want plumbing.ObjectType) bool {
	if h.IsZero() {
		return true
	}
	typ, _, err := r.read(plumbing.AnyObject, h)
	return err != nil || typ == want
}

// regular reports whether a tree entry is an ordinary file; symbolic links and submodules are
// never records.
func regular(m filemode.FileMode) bool {
	return m == filemode.Regular || m == filemode.Executable || m == filemode.Deprecated
}

func treeEntries(r *objectReader, h plumbing.Hash) (map[string]object.TreeEntry, error) {
	m := map[string]object.TreeEntry{}
	if h.IsZero() {
		return m, nil
	}
	es, err := decodeTree(r, h)
	if err != nil {
		return nil, err
	}
	for _, e := range es {
		m[e.Name] = e.TreeEntry
	}
	return m, nil
}

// A tooLarge error says that a file is over MaxFileSize, or (notBlob) that a tree entry of a
// file points to an object that is not one (a tree written with plumbing).
type tooLarge struct {
	notBlob bool
	size    int64
	commit  string // the commit that brought the file, when it comes from the history
}

func (e *tooLarge) Error() string {
	return fmt.Sprintf("file of %d bytes is over the limit of %d", e.size, MaxFileSize)
}

// readBlob reads the blob h, or returns a *tooLarge error when it is over MaxFileSize or is no
// blob.
func readBlob(r *objectReader, h plumbing.Hash) ([]byte, error) {
	typ, data, err := r.read(plumbing.BlobObject, h)
	if errors.Is(err, plumbing.ErrObjectNotFound) && typ != plumbing.InvalidObject && typ != plumbing.BlobObject {
		return nil, &tooLarge{notBlob: true}
	}
	return data, err
}

var (
	mergePR  = regexp.MustCompile(`^Merge pull request #([0-9]+) `)
	squashPR = regexp.MustCompile(`\(#([0-9]+)\)\s*$`)
)

// describe turns a first-parent commit into a Version. For a merge, the author is the author of
// the merged pull request's head.
func describe(r *objectReader, c *object.Commit, keyring string) (town.Version, error) {
	v := town.Version{Commit: c.Hash.String(), Time: c.Committer.When, Author: c.Author.Name, Merge: len(c.ParentHashes) > 1}
	if keyring != "" && c.PGPSignature != "" {
		if e, err := c.Verify(keyring); err == nil {
			v.Signer = strings.ToUpper(hex.EncodeToString(e.PrimaryKey.Fingerprint))
		}
	}
	if v.Merge {
		author, err := r.author(c.ParentHashes[1])
		if err != nil {
			return v, fmt.Errorf("read merged commit %s: %w", c.ParentHashes[1], err)
		}
		v.Author = author.Name
	}
	first, _, _ := strings.Cut(c.Message, "\n")
	if m := mergePR.FindStringSubmatch(first); m != nil {
		v.PR, _ = strconv.Atoi(m[1])
	} else if m := squashPR.FindStringSubmatch(first); m != nil {
		v.PR, _ = strconv.Atoi(m[1])
	}
	v.Reviewers = reviewers(c.Message)
	return v, nil
}

// reviewers are the names of a commit message's Reviewed-by and Approved-by trailers, each
// once, in order. (A loop over the lines, as a regular expression over the message took a tenth
// of the walk.)
func reviewers(message string) []string {
	var names []string
	for line := range strings.Lines(message) {
		line = strings.TrimSuffix(line, "\n")
		value, ok := strings.CutPrefix(line, "Reviewed-by:")
		if !ok {
			value, ok = strings.CutPrefix(line, "Approved-by:")
		}
		if !ok || value == "" {
			continue
		}
		name, _, _ := strings.Cut(value, "<")
		name = strings.TrimSpace(name)
		if strings.Contains(name, "@") {
			continue // an address without a name: the site shows names only
		}
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	return names
}

// WorkingTree reads the records in dir as they are on disk, uncommitted files included, so a
// cadre can check them before pushing. Hidden files and folders are skipped. Files that the
// history pass would refuse (symbolic links, submodules, names that are not UTF-8, files over
// MaxFileSize) are left out and reported in the source's Problems, as Approved reports them; so
// are other files that are not ordinary (a pipe, a device).
func WorkingTree(dir string) (town.Source, error) {
	src := town.Source{Files: map[string][]byte{}}
	err := walkRecords(dir, func(rel, full string, d fs.DirEntry, refused *check.Text) error {
		switch {
		case refused == &reasonUnsafe:
			value := path.Join(path.Dir(rel), d.Name())
			src.Problems.Add(check.Diagnostic{Code: check.RefusedFile, File: rel, Value: value, Args: []string{unsafeChar(d.Name())}, Reason: refused})
			return nil
		case refused != nil:
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

// CheckoutAt reads the committed records of the working tree repo (as Checkout judges them) as
// of a first-parent commit of HEAD.
func CheckoutAt(repo, root string, until time.Time) func(commit string) (town.Source, error) {
	return func(commit string) (town.Source, error) {
		r, err := Open(repo, "HEAD", "")
		if err != nil {
			return town.Source{}, err
		}
		return Approved(r, Options{Branch: "HEAD", Root: headRoot(r, repo, root), Until: until, At: commit})
	}
}

// headRoot is the records' folder in the repository r: root under repo, which may itself be a
// folder of the repository.
func headRoot(r *Repository, repo, root string) string {
	if w, err := r.git.Worktree(); err == nil {
		if abs, err := filepath.Abs(repo); err == nil {
			if rel, err := filepath.Rel(w.Filesystem.Root(), abs); err == nil && rel != "." && !strings.HasPrefix(rel, "..") {
				return path.Join(filepath.ToSlash(rel), root)
			}
		}
	}
	return root
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
	committed, err := Approved(r, Options{Branch: "HEAD", Root: headRoot(r, repo, root), Until: until, have: blobHashes(src.Files)})
	if err != nil {
		return src, nil
	}
	src.History, src.Removed, src.Steps = map[string][]town.Version{}, committed.Removed, committed.Steps
	refused := map[string]bool{}
	for _, d := range src.Problems {
		refused[d.File] = d.Code == check.RefusedFile
	}
	for p, vs := range committed.History {
		data, accepted := committed.Files[p] // a file refused at HEAD has its versions' content
		_, present := src.Files[p]
		switch {
		case !present && !refused[p]:
			src.Removed[p] = town.Version{} // deleted, not yet committed
			continue
		case present && accepted && !bytes.Equal(data, src.Files[p]):
			vs[len(vs)-1].Data = data
		}
		src.History[p] = vs
	}
	// What the working tree changed since HEAD is a last step, without a commit.
	var changed []string
	for p, data := range src.Files {
		if old, ok := committed.Files[p]; !ok || !bytes.Equal(old, data) {
			changed = append(changed, p)
		}
	}
	for p := range committed.Files {
		if _, ok := src.Files[p]; !ok {
			changed = append(changed, p)
		}
	}
	if len(changed) > 0 {
		slices.Sort(changed)
		src.Steps = append(slices.Clone(src.Steps), town.Step{Time: until, Paths: changed})
	}
	return src, nil
}

// blobHashes are the files' contents by the hash git gives them as blobs.
func blobHashes(files map[string][]byte) map[plumbing.Hash][]byte {
	out := make(map[plumbing.Hash][]byte, len(files))
	for _, data := range files {
		h := sha1.New()
		fmt.Fprintf(h, "blob %d\x00", len(data))
		h.Write(data)
		out[plumbing.Hash(h.Sum(nil))] = data
	}
	return out
}

// walkRecords calls visit for every file under dir that is not hidden nor in a hidden folder,
// with its path relative to dir (with slashes) and why it must not be read, or nil. A folder
// that holds a .git is a submodule: it is visited as a refused file and not entered; so is a
// file or folder whose name holds a character no file name may hold, hidden or not, its name
// quoted as the history pass quotes it.
func walkRecords(dir string, visit func(rel, full string, d fs.DirEntry, refused *check.Text) error) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		var refused *check.Text
		switch {
		case unsafeChar(d.Name()) != "":
			// Named as the history pass names it; a folder is refused whole, as there.
			rel = path.Join(path.Dir(rel), quoteName(d.Name()))
			if err := visit(rel, p, d, &reasonUnsafe); err != nil || !d.IsDir() {
				return err
			}
			return filepath.SkipDir
		case strings.HasPrefix(d.Name(), ".") && d.IsDir():
			return filepath.SkipDir
		case strings.HasPrefix(d.Name(), "."):
			return nil
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
		return nil, &tooLarge{size: info.Size()}
	}
	// Room for the whole file, so that it is read at once (io.ReadAll would start small and grow).
	var buf bytes.Buffer
	buf.Grow(int(info.Size()) + bytes.MinRead)
	_, err = buf.ReadFrom(io.LimitReader(f, MaxFileSize+1))
	data := buf.Bytes()
	if err == nil && len(data) > MaxFileSize { // it grew since
		return nil, &tooLarge{size: int64(len(data))}
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
	rd := newObjectReader(r, nil)
	tree, err := subtree(rd, c.TreeHash, dir)
	if err != nil {
		return nil, fmt.Errorf("read %s at %s: %w", dir, h, err)
	}
	files := map[string]object.TreeEntry{}
	var list func(prefix string, h plumbing.Hash) error
	list = func(prefix string, h plumbing.Hash) error {
		es, err := treeEntries(rd, h)
		if err != nil {
			return fmt.Errorf("read %s at %s: %w", path.Join(dir, prefix), c.Hash, err)
		}
		for name, e := range es {
			switch p := path.Join(prefix, name); {
			case unsafeChar(name) != "":
				files[path.Join(prefix, quoteName(name))] = e // a refused file, named as walkRecords names it
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
