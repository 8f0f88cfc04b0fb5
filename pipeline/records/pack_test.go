package records

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
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
		g, err := git.Init(memory.NewStorage(), nil)
		if err != nil {
			t.Fatal(err)
		}
		r := &Repository{g}
		h, err := putRaw(r, raw)
		if err != nil {
			t.Fatal(err)
		}
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
		g, err := git.Init(memory.NewStorage(), nil)
		if err != nil {
			t.Fatal(err)
		}
		r := &Repository{g}
		h, err := putRaw(r, raw)
		if err != nil {
			t.Fatal(err)
		}
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

// putRaw stores a commit object of the given content in r.
func putRaw(r *Repository, raw string) (plumbing.Hash, error) {
	o := r.git.Storer.NewEncodedObject()
	o.SetType(plumbing.CommitObject)
	w, err := o.Writer()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if _, err := w.Write([]byte(raw)); err != nil {
		return plumbing.ZeroHash, err
	}
	if err := w.Close(); err != nil {
		return plumbing.ZeroHash, err
	}
	return r.git.Storer.SetEncodedObject(o)
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
		got, err := patch(base, delta)
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
