package records

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/memory"

	"github.com/jifen-project/jifen/pipeline/town"
)

// samePacked checks that the repository in dir, packed by the real git, reads as src was read
// (as go-git reads its objects, most of them loose): once with deltas against offsets in the
// pack, and once with deltas against hashes, as a fetched pack may have them.
func samePacked(t *testing.T, dir, branch, root string, src town.Source) {
	t.Helper()
	gitDir := filepath.Join(dir, ".git")
	if _, err := os.Stat(gitDir); err != nil {
		gitDir = dir // a bare repository
	}
	for _, offsets := range []string{"true", "false"} {
		packed := filepath.Join(t.TempDir(), ".git")
		if err := os.CopyFS(packed, os.DirFS(gitDir)); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("git", "-c", "repack.useDeltaBaseOffset="+offsets, "repack", "-adqf", "--window=50", "--depth=50")
		cmd.Dir = packed
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			// git packs no tree whose entry's kind disagrees with its object (see TestKindMismatch).
			if !strings.Contains(string(out), "but is not a") {
				t.Fatalf("git repack: %v\n%s", err, out)
			}
			return
		}
		r, err := Open(packed, branch, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(openPacks(r.git)) == 0 {
			t.Fatal("the packed copy has no pack that the history pass reads")
		}
		got, err := Approved(r, Options{Branch: branch, Root: root})
		if err != nil {
			t.Fatalf("packed (offset deltas %s): %v", offsets, err)
		}
		if want, got := sourceText(src), sourceText(got); want != got {
			t.Errorf("packed (offset deltas %s), the records read otherwise:\n%s\nwant\n%s", offsets, got, want)
		}
	}
}

// sourceText is all a source says, in order, its times in UTC.
func sourceText(src town.Source) string {
	var b strings.Builder
	utc := func(v town.Version) town.Version {
		v.Time = v.Time.UTC()
		return v
	}
	for _, p := range sortedKeys(src.Files) {
		fmt.Fprintf(&b, "file %s %q\n", p, src.Files[p])
	}
	for _, p := range sortedKeys(src.History) {
		for _, v := range src.History[p] {
			fmt.Fprintf(&b, "version %s %+v\n", p, utc(v))
		}
	}
	for _, d := range src.Problems {
		fmt.Fprintf(&b, "problem %+v %+v\n", d, d.Reason)
	}
	for _, p := range sortedKeys(src.Removed) {
		fmt.Fprintf(&b, "removed %s %+v\n", p, utc(src.Removed[p]))
	}
	for _, s := range src.Steps {
		fmt.Fprintf(&b, "step %s %s %q\n", s.Commit, s.Time.UTC(), s.Paths)
	}
	return b.String()
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

// TestAuthorAsGoGit checks that the author of a commit read on its own is the one go-git
// decodes, and that go-git's error is the one returned for a commit it cannot decode.
func TestAuthorAsGoGit(t *testing.T) {
	tree, parent := strings.Repeat("a", 40), strings.Repeat("b", 40)
	for _, raw := range []string{
		"tree " + tree + "\nauthor 王丽 <wl@example.org> 1754000000 +0800\ncommitter c <c@x> 1 +0000\n\nmsg\n",
		"tree " + tree + "\nparent " + parent + "\nparent " + parent + "\nauthor A B <a@b> 1 -0130\n\nm",
		"tree " + tree + "\nparent " + parent + "\nauthor no email\n",
		"tree " + tree + "\nauthor\n",
		"tree " + tree + "\nauthor <x@y> 5 +0000",
		"tree " + tree + "\ncommitter c <c@x> 1 +0000\nauthor late <l@x> 1 +0000\n",
		"tree " + tree + "\n\nauthor in the message <m@x> 1 +0000\n",
		"tree " + tree + "\nparent nothex\nauthor a <a@b> 1 +0000\n",
		"tree " + tree[:39] + "\nauthor a <a@b> 1 +0000\n",
		"parent " + parent + "\ntree " + tree + "\nauthor a <a@b> 1 +0000\n",
		"tree  " + tree + "\nauthor a <a@b> 1 +0000\n",
		"tree " + tree + "\r\nauthor a <a@b> 1 +0000\n",
		"",
		"tree " + tree,
	} {
		r, h := putRaw(t, raw)
		rd := newObjectReader(r.git, nil)
		got, gotErr := rd.author(h)
		c, wantErr := r.git.CommitObject(h)
		var want object.Signature
		if c != nil {
			want = c.Author
		}
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || !reflect.DeepEqual(got, want) {
			t.Errorf("%q: author %v (%v), go-git %v (%v)", raw, got, gotErr, want, wantErr)
		}
	}
}

// TestCommitAsGoGit checks that a commit decoded on its own is the commit go-git decodes, and
// that go-git's error is the one returned for a commit it cannot decode.
func TestCommitAsGoGit(t *testing.T) {
	tree, parent := strings.Repeat("a", 40), strings.Repeat("b", 40)
	head := "tree " + tree + "\nparent " + parent + "\n"
	sig := "-----BEGIN PGP SIGNATURE-----\n \n iQEz\n -----END PGP SIGNATURE-----\n"
	for _, raw := range []string{
		head + "author 王丽 <wl@example.org> 1754000000 +0800\ncommitter c <c@x> 1754000100 -0130\n\nMerge pull request #12 from a/b\n\nReviewed-by: 李 <l@x>\n",
		"tree " + tree + "\nauthor a <a@b> 1 +0000\ncommitter c <c@x> 1 +0000\n\nroot commit",
		head + "parent " + parent + "\nauthor a <a@b> 1 +0000\ncommitter c <c@x> 1 +0000\n\n",
		head + "author a <a@b> 1 +0000\ncommitter c <c@x> 1 +0000\n",
		head + "author a <a@b> 1 +0000\ncommitter c <c@x> 1 +0000",
		head + "author a <a@b> 1 +0000\ncommitter c <c@x> 1 +0000\ngpgsig " + sig + "\nsigned\n",
		head + "author a <a@b> 1 +0000\ncommitter c <c@x> 1 +0000\nencoding GBK\n\nm\n",
		head + "author a <a@b> 1 +0000\ncommitter c <c@x> 1 +0000\nmergetag object " + parent + "\n type commit\n\nm\n",
		head + "author a <a@b> 1 +0000\ncommitter c <c@x> 1 +0000\nx-extra v\n\nm\n",
		head + "committer c <c@x> 1 +0000\nauthor a <a@b> 1 +0000\n\nm\n",
		head + "author a <a@b> 1 +0000\n\nno committer\n",
		head + "author\ncommitter c <c@x> 1 +0000\n\nm\n",
		head + "author a <a@b> 1 +0000\r\ncommitter c <c@x> 1 +0000\r\n\r\nm\r\n",
		head + "author no email\ncommitter c <c@x> x +0000\n\nm\n",
		head + "parent nothex\nauthor a <a@b> 1 +0000\ncommitter c <c@x> 1 +0000\n\nm\n",
		head + "parent " + parent + "0\nauthor a <a@b> 1 +0000\ncommitter c <c@x> 1 +0000\n\nm\n",
		"tree " + strings.ToUpper(tree) + "\nauthor a <a@b> 1 +0000\ncommitter c <c@x> 1 +0000\n\nm\n",
		"tree " + tree[:39] + "\nauthor a <a@b> 1 +0000\ncommitter c <c@x> 1 +0000\n\nm\n",
		"tree  " + tree + "\nauthor a <a@b> 1 +0000\ncommitter c <c@x> 1 +0000\n\nm\n",
		"parent " + parent + "\ntree " + tree + "\nauthor a <a@b> 1 +0000\ncommitter c <c@x> 1 +0000\n\nm\n",
		"",
		"tree " + tree,
	} {
		r, h := putRaw(t, raw)
		got, gotErr := newObjectReader(r.git, nil).commit(h)
		want, wantErr := r.git.CommitObject(h)
		exported := func(c *object.Commit) string {
			if c == nil {
				return "<nil>"
			}
			return fmt.Sprintf("%v %v %v %v %q %q %q %q %v %q", c.Hash, c.TreeHash, c.ParentHashes, c.Encoding, c.MergeTag, c.PGPSignature, c.Message, c.ExtraHeaders, c.Author.When, c.Author.Name+c.Author.Email+c.Committer.Name+c.Committer.Email+c.Committer.When.String())
		}
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || exported(got) != exported(want) {
			t.Errorf("%q: commit %s (%v), go-git %s (%v)", raw, exported(got), gotErr, exported(want), wantErr)
		}
	}
}

// putRaw stores a commit object of the given content in a new repository in memory.
func putRaw(t *testing.T, raw string) (*Repository, plumbing.Hash) {
	g, err := git.Init(memory.NewStorage(), nil)
	if err != nil {
		t.Fatal(err)
	}
	o := g.Storer.NewEncodedObject()
	o.SetType(plumbing.CommitObject)
	w, err := o.Writer()
	if err == nil {
		_, err = w.Write([]byte(raw))
	}
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	h, err := g.Storer.SetEncodedObject(o)
	if err != nil {
		t.Fatal(err)
	}
	return &Repository{g}, h
}

// FuzzPatch checks that patch gives what go-git's packfile.PatchDelta gives: the same object for
// every delta both apply, and an error for every delta go-git refuses. patch is stricter on one
// point only: a size whose last byte says that more follow, at the end of the delta, is an error.
//
//	go test -run '^$' -fuzz '^FuzzPatch$' -fuzztime 30s ./pipeline/records/
func FuzzPatch(f *testing.F) {
	sheet := []byte(strings.Repeat("户号,项目,分值,备注\nH001,A01,5,按时参加\n", 2000)) // over 64 KiB: offsets of 3 bytes
	edited := slices.Concat(sheet[:1000], []byte("H002,B03,-2,\n"), sheet[1200:], []byte("H900,A02,1,新户\n"))
	f.Add(sheet, packfile.DiffDelta(sheet, edited))
	f.Add([]byte("abc"), packfile.DiffDelta([]byte("abc"), []byte("abcabcabc")))
	f.Add([]byte("abc"), []byte{3, 0})                        // an empty object
	f.Add([]byte("abc"), []byte{3, 3, 0x90, 0x00})            // a copy of size 0 is 64 KiB: too long
	f.Add([]byte("abc"), []byte{3, 2, 0x91, 0x01, 0x02})      // a copy past the base's end
	f.Add([]byte("abc"), []byte{3, 1, 0x00})                  // command 0
	f.Add([]byte("abc"), []byte{3, 1, 0x01, 'x', 'y'})        // bytes left over
	f.Add([]byte("abc"), []byte{0x83, 0x80, 0x80, 1, 1, 'x'}) // a base size in three bytes
	f.Fuzz(func(t *testing.T, base, delta []byte) {
		want, wantErr := packfile.PatchDelta(base, delta)
		got, err := patch(nil, base, delta)
		switch {
		case err == nil && wantErr != nil:
			t.Fatalf("patch applied a delta that go-git refuses (%v): %q", wantErr, got)
		case err == nil && !bytes.Equal(got, want):
			t.Fatalf("patch gave %q, go-git %q", got, want)
		case err != nil && wantErr == nil && !unendedSize(delta):
			t.Fatalf("patch refused a delta that go-git applies (%v)", err)
		case err != nil && !errors.Is(err, packfile.ErrInvalidDelta) && !errors.Is(err, packfile.ErrDeltaCmd):
			t.Fatalf("patch's error %v is not go-git's", err)
		}
	})
}

// unendedSize reports whether a size at the head of a delta ends the delta while its last byte
// says that more follow, or is longer than 9 bytes: go-git reads such a size as if it ended.
func unendedSize(delta []byte) bool {
	for range 2 {
		_, n := leb128(delta)
		if n == 0 {
			return true
		}
		delta = delta[n:]
	}
	return false
}

// TestIndexAsGit checks that every object of a pack is found where the real git says it is,
// with an index whose later objects have their offsets in its table of 64-bit offsets, and
// that names next to theirs are not found.
func TestIndexAsGit(t *testing.T) {
	g := newGitRepo(t)
	for i := range 300 {
		g.write(fmt.Sprintf("villages/v%02d/sheets/2025-%02d.csv", i%30, i/30+1), fmt.Sprintf("户号,事项,分值\nH%03d,A01,%d\n", i, i))
	}
	g.git("add", "-A")
	g.git("commit", "-q", "-m", "records")
	g.git("repack", "-adq")
	packDir := filepath.Join(g.dir, ".git", "objects", "pack")
	idxs, err := filepath.Glob(filepath.Join(packDir, "*.idx"))
	if err != nil || len(idxs) != 1 {
		t.Fatalf("packs: %v %v", idxs, err)
	}
	// The same index, written again with the offsets past 4 KiB in the table of 64-bit offsets.
	if err := os.Remove(idxs[0]); err != nil {
		t.Fatal(err)
	}
	g.git("index-pack", "--index-version=2,4096", "-o", idxs[0], strings.TrimSuffix(idxs[0], ".idx")+".pack")
	want := map[plumbing.Hash]int64{}
	large := 0
	for line := range strings.Lines(g.git("verify-pack", "-v", idxs[0])) {
		f := strings.Fields(line)
		if len(f) < 5 || !plumbing.IsHash(f[0]) {
			continue
		}
		var off int64
		fmt.Sscan(f[4], &off)
		want[plumbing.NewHash(f[0])] = off
		if off > 4096 {
			large++
		}
	}
	if len(want) < 300 || large == 0 {
		t.Fatalf("%d objects, %d past 4 KiB: too few to test", len(want), large)
	}
	r, err := Open(g.dir, "main", "")
	if err != nil {
		t.Fatal(err)
	}
	ps := openPacks(r.git)
	defer ps.close()
	if len(ps) != 1 {
		t.Fatalf("%d packs read", len(ps))
	}
	for h, off := range want {
		if got, ok := ps[0].find(h); !ok || got != off {
			t.Errorf("%s at %d (%v), git says %d", h, got, ok, off)
		}
		for _, i := range []int{0, 7, 8, 19} { // a name that differs in one byte
			other := h
			other[i] ^= 1
			if _, there := want[other]; there {
				continue
			}
			if got, ok := ps[0].find(other); ok {
				t.Errorf("%s, which is not in the pack, found at %d", other, got)
			}
		}
	}
	if len(ps[0].ends) != len(want)+1 || !slices.IsSorted(ps[0].ends) {
		t.Errorf("%d objects in order, want %d", len(ps[0].ends)-1, len(want))
	}
	// An index cut short, or of another version, is refused (go-git reads the pack then).
	data, err := os.ReadFile(idxs[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]byte{data[:len(data)-1], data[:1000], slices.Concat([]byte("\xfftOc\x00\x00\x00\x03"), data[8:])} {
		if _, err := readIndex(bad); err == nil {
			t.Errorf("an index of %d bytes starting %q read", len(bad), bad[:8])
		}
	}
}

// TestSortOffsets checks that sortOffsets sorts as slices.Sort does, offsets under 4 GiB by
// their bytes and others by comparing.
func TestSortOffsets(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct {
		n   int
		max int64
	}{{0, 1}, {10, 100}, {1000, 1 << 8}, {1000, 1 << 20}, {5000, 1 << 32}, {1000, 1 << 40}} {
		offs := make([]int64, c.n)
		for i := range offs {
			offs[i] = rnd.Int64N(c.max)
		}
		if c.n > 0 && c.max > 1<<32 {
			offs[0] = -1 // an offset found nowhere (see offset)
		}
		want := slices.Sorted(slices.Values(offs))
		sortOffsets(offs)
		if !slices.Equal(offs, want) {
			t.Errorf("%d offsets under %d: not sorted as slices.Sort sorts them", c.n, c.max)
		}
	}
}
