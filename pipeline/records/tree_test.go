package records

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/memory"
)

// TestPlainTreesCompareAsDecoded compares random series of trees, each a small change of the one
// before, as the walk compares them (plain trees as they are stored) and decoded whole, and
// checks that both find the same changes, and that what is found of a tree from the one before
// it (where its entries start, whether it is plain) is what is found of it on its own. The trees mix names a file may have with odd ones, names shared by two
// entries, names git orders otherwise (a folder "a" and a file "a-b"), entries out of order,
// folders that are no trees, and modes of every kind.
func TestPlainTreesCompareAsDecoded(t *testing.T) {
	g, err := git.Init(memory.NewStorage(), nil)
	if err != nil {
		t.Fatal(err)
	}
	put := func(typ plumbing.ObjectType, write func(o plumbing.EncodedObject) error) plumbing.Hash {
		o := g.Storer.NewEncodedObject()
		o.SetType(typ)
		if err := write(o); err != nil {
			t.Fatal(err)
		}
		h, err := g.Storer.SetEncodedObject(o)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	blob := func(s string) plumbing.Hash {
		return put(plumbing.BlobObject, func(o plumbing.EncodedObject) error {
			w, err := o.Writer()
			if err == nil {
				_, err = w.Write([]byte(s))
			}
			return err
		})
	}
	mktree := func(es []object.TreeEntry) plumbing.Hash { // in the order given, as go-git encodes an entry
		return put(plumbing.TreeObject, func(o plumbing.EncodedObject) error {
			w, err := o.Writer()
			for _, e := range es {
				if err == nil {
					_, err = fmt.Fprintf(w, "%o %s\x00%s", e.Mode, e.Name, e.Hash[:])
				}
			}
			return err
		})
	}
	// gitOrder sorts entries as git does: a folder as if its name ended in "/".
	gitOrder := func(es []object.TreeEntry) {
		key := func(e object.TreeEntry) string {
			if e.Mode == filemode.Dir {
				return e.Name + "/"
			}
			return e.Name
		}
		slices.SortStableFunc(es, func(a, b object.TreeEntry) int { return strings.Compare(key(a), key(b)) })
	}
	var blobs []plumbing.Hash
	for i := range 6 {
		blobs = append(blobs, blob(fmt.Sprint("content ", i)))
	}
	var folders []plumbing.Hash
	for i := range 3 {
		folders = append(folders, mktree([]object.TreeEntry{{Name: "f", Mode: filemode.Regular, Hash: blobs[i]}, {Name: fmt.Sprint("g", i), Mode: filemode.Regular, Hash: blobs[i+1]}}))
	}
	// "b 100644 c" ends as an entry "c" does: whether a tree ends with the same entries as
	// another is not told by its bytes alone.
	plain := []string{"a", "a-b", "a.txt", "b", "b0", "b 100644 c", "c", "d", "e", "f", "g", "h", "村.csv"}
	odd := []string{".", "..", `x\y`, "x/y", "n\x01", "z\u202e"}
	modes := []filemode.FileMode{filemode.Regular, filemode.Regular, filemode.Regular, filemode.Executable, filemode.Dir, filemode.Dir, filemode.Symlink, filemode.Submodule}
	rng := rand.New(rand.NewPCG(1, 2))
	randomEntry := func() object.TreeEntry {
		name := plain[rng.IntN(len(plain))]
		if rng.IntN(8) == 0 {
			name = odd[rng.IntN(len(odd))]
		}
		e := object.TreeEntry{Name: name, Mode: modes[rng.IntN(len(modes))], Hash: blobs[rng.IntN(len(blobs))]}
		if e.Mode == filemode.Dir && rng.IntN(6) > 0 { // else a folder that is no tree
			e.Hash = folders[rng.IntN(len(folders))]
		}
		return e
	}

	type change struct {
		path  string
		entry string
	}
	compareAll := func(tc *treeCache, hs []plumbing.Hash) ([]change, error) {
		var changes []change
		for i := 1; i < len(hs); i++ {
			err := tc.diff("", hs[i-1], hs[i], func(p string, e *entry) error {
				c := change{path: p}
				if e != nil {
					c.entry = fmt.Sprintf("%+v", e.TreeEntry)
				}
				if e != nil && e.odd != nil {
					c.entry += fmt.Sprintf(" %q %s %q", e.odd.raw, e.odd.reason.En, e.odd.char)
				}
				changes = append(changes, c)
				return nil
			})
			if err != nil {
				return changes, fmt.Errorf("tree %d: %w", i, err)
			}
			changes = append(changes, change{path: "--"})
		}
		return changes, nil
	}
	for series := range 300 {
		var es []object.TreeEntry
		for range rng.IntN(8) {
			es = append(es, randomEntry())
		}
		var hs []plumbing.Hash
		for range 12 {
			switch k := rng.IntN(len(es) + 1); rng.IntN(4) {
			case 0:
				es = append(es, randomEntry())
			case 1:
				if k < len(es) {
					es = slices.Delete(es, k, k+1)
				}
			default:
				if k < len(es) {
					e := randomEntry()
					if rng.IntN(2) == 0 {
						e.Name = es[k].Name // the same file, changed
					}
					es[k] = e
				}
			}
			write := slices.Clone(es)
			if series%5 > 0 {
				gitOrder(write)
			}
			hs = append(hs, mktree(write))
		}
		r := newObjectReader(g, nil)
		fast := &treeCache{r: r, m: map[plumbing.Hash]*tree{}}
		whole := &treeCache{r: r, m: map[plumbing.Hash]*tree{}, whole: true}
		got, gotErr := compareAll(fast, hs)
		want, wantErr := compareAll(whole, hs)
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || !slices.Equal(got, want) {
			t.Fatalf("series %d: compared as stored:\n%v (%v)\ndecoded whole:\n%v (%v)", series, got, gotErr, want, wantErr)
		}
		for h, tr := range fast.m {
			if !slices.Equal(tr.at, starts(tr.data)) {
				t.Fatalf("series %d: tree %s: entries found from the tree before it at %v, on their own at %v", series, h, tr.at, starts(tr.data))
			}
			if tr.at != nil && tr.plain != plainBetween(tr, 0, len(tr.data)) {
				t.Fatalf("series %d: tree %s found plain %v from the tree before it, %v on its own", series, h, tr.plain, !tr.plain)
			}
		}
	}
}

// TestStartsFrom checks that where the entries of a tree start is found from the tree before it
// as it is found on its own, where the trees' bytes alone mislead: a tree whose last entry's
// name ends as a whole entry of the other does.
func TestStartsFrom(t *testing.T) {
	h := strings.Repeat("\x07", 20)
	e := func(name string) string { return "100644 " + name + "\x00" + h }
	for _, c := range []struct{ a, b string }{
		{e("x") + e("c"), e("x") + e("b 100644 c")},
		{e("b 100644 c"), e("c")},
		{e("c"), e("b 100644 c") + e("c")},
		{e("a") + e("c"), e("a") + e("b") + e("c")},
		{e("a") + e("b") + e("c"), e("a") + e("c")},
		{e("a"), ""},
		{"", e("a")},
		{e("a"), e("a") + "100644 broken"},
	} {
		a := &tree{data: []byte(c.a), at: starts([]byte(c.a))}
		if got, want := startsFrom(a, []byte(c.b)), starts([]byte(c.b)); !slices.Equal(got, want) {
			t.Errorf("%q after %q: entries at %v, want %v", c.b, c.a, got, want)
		}
	}
}
