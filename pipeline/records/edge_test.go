package records

import (
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/jifen-project/jifen/pipeline/town"
)

// merge merges a pull request that writes the files, as GitHub's merge button does, and
// returns the merge commit.
func (g *gitRepo) merge(n int, files ...string) string {
	g.t.Helper()
	g.git("checkout", "-q", "-b", fmt.Sprint("pr", n))
	g.commit(fmt.Sprint("change ", n), files...)
	g.git("checkout", "-q", "main")
	g.git("merge", "-q", "--no-ff", fmt.Sprint("pr", n), "-m", fmt.Sprintf("Merge pull request #%d from town/pr%d", n, n))
	return g.git("rev-parse", "HEAD")
}

// mktree writes a tree object with go-git's encoding, which takes names git's mktree refuses
// (a name with a slash), and returns its hash.
func (g *gitRepo) mktree(entries ...object.TreeEntry) string {
	g.t.Helper()
	r, err := git.PlainOpen(g.dir)
	if err != nil {
		g.t.Fatal(err)
	}
	slices.SortStableFunc(entries, func(a, b object.TreeEntry) int {
		key := func(e object.TreeEntry) string {
			if e.Mode == filemode.Dir {
				return e.Name + "/"
			}
			return e.Name
		}
		return strings.Compare(key(a), key(b))
	})
	obj := r.Storer.NewEncodedObject()
	if err := (&object.Tree{Entries: entries}).Encode(obj); err != nil {
		g.t.Fatal(err)
	}
	h, err := r.Storer.SetEncodedObject(obj)
	if err != nil {
		g.t.Fatal(err)
	}
	return h.String()
}

// commitTree makes a commit of the tree on main, with git's plumbing, and returns it.
func (g *gitRepo) commitTree(tree, msg string) string {
	g.t.Helper()
	c := g.git("commit-tree", tree, "-p", "main", "-m", msg)
	g.git("update-ref", "refs/heads/main", c)
	return c
}

func (g *gitRepo) hash(what string) plumbing.Hash {
	return plumbing.NewHash(g.git("rev-parse", what))
}

// problems lists the source's problems as the English text shows them.
func problems(src town.Source) string {
	var got []string
	for _, d := range src.Problems {
		got = append(got, d.String())
	}
	slices.Sort(got)
	return strings.Join(got, "\n")
}

// commits lists the commits of a file's versions.
func commits(vs []town.Version) []string {
	var cs []string
	for _, v := range vs {
		cs = append(cs, v.Commit)
	}
	return cs
}

// TestModeOnlyChange: a sheet made executable (git update-index --chmod, or a checkout with
// core.fileMode) keeps its one approved version, so its public notice is not reopened; a later
// change of content is a correction.
func TestModeOnlyChange(t *testing.T) {
	g := newGitRepo(t)
	g.commit("Set up", "town.toml", "v0\n")
	const sheet = "villages/v1/sheets/2026-01.csv"
	approval := g.merge(1, sheet, "rows\n")
	g.git("update-index", "--chmod=+x", sheet)
	g.git("commit", "-q", "-m", "mode only")
	if err := os.Chmod(filepath.Join(g.dir, sheet), 0o644); err != nil {
		t.Fatal(err)
	}
	g.git("-c", "core.fileMode=true", "commit", "-q", "-a", "-m", "mode back, on disk")
	g.git("update-index", "--chmod=+x", sheet)
	g.git("commit", "-q", "-m", "mode again")
	if modes := g.git("log", "--format=", "--raw", "--first-parent", "-3", "main"); strings.Count(modes, "100644 100755") != 2 || strings.Count(modes, "100755 100644") != 1 {
		t.Fatalf("the commits do not change the mode:\n%s", modes)
	}
	src := approved(t, g.dir, "main", "")
	if vs := src.History[sheet]; !slices.Equal(commits(vs), []string{approval}) || vs[0].PR != 1 {
		t.Errorf("versions after mode changes: %+v, want the approval alone", vs)
	}
	if string(src.Files[sheet]) != "rows\n" || len(src.Problems) != 0 {
		t.Errorf("content %q, problems %s", src.Files[sheet], problems(src))
	}
	correction := g.merge(2, sheet, "rows, corrected\n")
	src = approved(t, g.dir, "main", "")
	if vs := src.History[sheet]; !slices.Equal(commits(vs), []string{approval, correction}) {
		t.Errorf("versions after a correction: %v, want the approval and the correction", commits(vs))
	}
}

// TestApprovalIsFirstAcceptedVersion: a file refused when it came (too big, a symbolic link)
// and replaced later is approved by the commit that replaced it; a file approved, then refused,
// then accepted again keeps its first approval, and a file refused now keeps its versions.
func TestApprovalIsFirstAcceptedVersion(t *testing.T) {
	g := newGitRepo(t)
	g.commit("Set up", "town.toml", "v0\n")
	const big, link = "villages/v1/sheets/2026-01.csv", "villages/v1/sheets/2026-02.csv"
	g.merge(1, big, strings.Repeat("x", MaxFileSize+1))
	g.git("checkout", "-q", "-b", "pr2")
	if err := os.Symlink("2026-01.csv", filepath.Join(g.dir, link)); err != nil {
		t.Skip(err)
	}
	g.commit("a link")
	g.git("checkout", "-q", "main")
	g.git("merge", "-q", "--no-ff", "pr2", "-m", "Merge pull request #2 from town/pr2")
	src := approved(t, g.dir, "main", "")
	if len(src.Problems) != 2 || src.Files[big] != nil || src.History[big] != nil || src.History[link] != nil {
		t.Fatalf("refused files: problems\n%s\nhistory %v", problems(src), src.History)
	}

	os.Remove(filepath.Join(g.dir, link))
	fixBig := g.merge(3, big, "rows\n")
	fixLink := g.merge(4, link, "rows\n")
	src = approved(t, g.dir, "main", "")
	for p, want := range map[string]string{big: fixBig, link: fixLink} {
		if vs := src.History[p]; !slices.Equal(commits(vs), []string{want}) || vs[0].PR == 0 {
			t.Errorf("%s: versions %+v, want the commit that replaced the refused file", p, vs)
		}
	}
	if len(src.Problems) != 0 {
		t.Errorf("problems:\n%s", problems(src))
	}

	// Approved, then refused (too big): the approval stays, with its content.
	g.merge(5, big, strings.Repeat("y", MaxFileSize+1))
	bigAgain := g.git("rev-parse", "--short=7", "HEAD")
	src = approved(t, g.dir, "main", "")
	want := fmt.Sprintf(`villages/v1/sheets/2026-01.csv: E116 the file "villages/v1/sheets/2026-01.csv" is not read: it is 16.1 MB, over the limit of 16 MB (commit %s)`, bigAgain)
	if got := problems(src); got != want {
		t.Errorf("problems:\n%s\nwant\n%s", got, want)
	}
	if vs := src.History[big]; src.Files[big] != nil || !slices.Equal(commits(vs), []string{fixBig}) || string(vs[0].Data) != "rows\n" {
		t.Errorf("a file refused now: versions %+v, want the approval with its content", vs)
	}
	// Accepted again: another content than the approval's is a correction of it.
	corr := g.merge(6, big, "rows, corrected\n")
	// Refused (a link), then back to the approved content: no correction.
	g.git("rm", "-q", link)
	if err := os.Symlink("2026-01.csv", filepath.Join(g.dir, link)); err != nil {
		t.Fatal(err)
	}
	g.commit("a link again")
	os.Remove(filepath.Join(g.dir, link))
	g.commit("the sheet back", link, "rows\n")
	src = approved(t, g.dir, "main", "")
	if vs := src.History[big]; !slices.Equal(commits(vs), []string{fixBig, corr}) || string(vs[0].Data) != "rows\n" {
		t.Errorf("a correction after a refused version: versions %v, want %s %s", commits(vs), fixBig, corr)
	}
	if vs := src.History[link]; !slices.Equal(commits(vs), []string{fixLink}) || len(src.Problems) != 0 {
		t.Errorf("back to the approved content: versions %v, problems %s", commits(vs), problems(src))
	}

	// The history read in stretches of any size gives the same.
	r, err := Open(g.dir, "main", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{1, 2, 3} {
		got, err := Approved(r, Options{stretch: n})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, src) {
			t.Errorf("stretches of %d commits give other records", n)
		}
	}
}

// TestOddNames: tree entries whose one name holds a slash, a backslash or a control
// character, is "." or "..", or is shared by two entries, made with git's plumbing (mktree)
// and go-git's encoding, are refused by name and never stand in for the real file.
func TestOddNames(t *testing.T) {
	g := newGitRepo(t)
	const sheet = "villages/v1/sheets/2026-01.csv"
	const feb = "villages/v1/sheets/2026-02.csv"
	g.commit("Set up", "town.toml", "v0\n", sheet, "real\n", feb, "real february\n")
	base := g.git("rev-parse", "HEAD")
	f := filepath.Join(t.TempDir(), "fake")
	if err := os.WriteFile(f, []byte("fake\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fake := plumbing.NewHash(g.git("hash-object", "-w", f))
	file := func(name string) object.TreeEntry {
		return object.TreeEntry{Name: name, Mode: filemode.Regular, Hash: fake}
	}
	// In the sheets folder: a backslash, a control character, a right-to-left override, "..",
	// and a second entry named as the real sheet of February.
	sheets := g.mktree(object.TreeEntry{Name: "2026-02.csv", Mode: filemode.Regular, Hash: g.hash("HEAD:" + feb)}, file("2026-02.csv"), file(`2026-03\.csv`), file("2026-04.csv\x01"),
		file("2026-05\u202e.csv"), file(".."), object.TreeEntry{Name: "2026-01.csv", Mode: filemode.Regular, Hash: g.hash("HEAD:" + sheet)})
	// In the village: a folder named "sheets/2026-01.csv" holding a file.
	folder := g.mktree(file("x"))
	v1 := g.mktree(object.TreeEntry{Name: "sheets", Mode: filemode.Dir, Hash: plumbing.NewHash(sheets)},
		object.TreeEntry{Name: "sheets/2026-01.csv", Mode: filemode.Dir, Hash: plumbing.NewHash(folder)})
	villages := g.mktree(object.TreeEntry{Name: "v1", Mode: filemode.Dir, Hash: plumbing.NewHash(v1)})
	// At the top: one name that is the real sheet's path.
	root := g.mktree(object.TreeEntry{Name: "town.toml", Mode: filemode.Regular, Hash: g.hash("HEAD:town.toml")},
		object.TreeEntry{Name: "villages", Mode: filemode.Dir, Hash: plumbing.NewHash(villages)}, file(sheet))
	odd := g.commitTree(root, "odd names")[:7]

	src := approved(t, g.dir, "main", "")
	if got := string(src.Files[sheet]); got != "real\n" || !slices.Equal(commits(src.History[sheet]), []string{base}) {
		t.Errorf("the real sheet: %q, versions %v; want it as approved at %s", got, commits(src.History[sheet]), base)
	}
	if len(src.Files) != 2 {
		t.Errorf("files: %v, want town.toml and the real sheet", slices.Sorted(maps.Keys(src.Files)))
	}
	if vs := src.History[feb]; !slices.Equal(commits(vs), []string{base}) || string(vs[0].Data) != "real february\n" {
		t.Errorf("the sheet of February, refused now: versions %+v, want its approval", vs)
	}
	want := []string{
		`"villages\x2fv1\x2fsheets\x2f2026-01.csv": E116 the file "villages/v1/sheets/2026-01.csv" is not read: its name holds "/", which a file name may not hold (commit ` + odd + `)`,
		`villages/v1/"sheets\x2f2026-01.csv": E116 the file "villages/v1/sheets/2026-01.csv" is not read: its name holds "/", which a file name may not hold (commit ` + odd + `)`,
		`villages/v1/sheets/"..": E116 the file "villages/v1/sheets/.." is not read: no file may be named ".." (commit ` + odd + `)`,
		`villages/v1/sheets/"2026-03\\.csv": E116 the file "villages/v1/sheets/2026-03\\.csv" is not read: its name holds "\\", which a file name may not hold (commit ` + odd + `)`,
		`villages/v1/sheets/"2026-04.csv\x01": E116 the file "villages/v1/sheets/2026-04.csv\x01" is not read: its name holds "\x01", which a file name may not hold (commit ` + odd + `)`,
		`villages/v1/sheets/"2026-05\u202e.csv": E116 the file "villages/v1/sheets/2026-05\u202e.csv" is not read: its name holds "\u202e", which a file name may not hold (commit ` + odd + `)`,
		`villages/v1/sheets/2026-02.csv: E116 the file "villages/v1/sheets/2026-02.csv" is not read: two entries of its folder have this name: which one is the file is not known (commit ` + odd + `)`,
	}
	slices.Sort(want)
	if got := problems(src); got != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant\n%s", got, strings.Join(want, "\n"))
	}
	for _, d := range src.Problems {
		if d.File == sheet || d.Reason == nil {
			t.Errorf("the real sheet is refused, or a reason is missing: %+v", d)
		}
	}

	// Put right, the odd names go and the real sheet keeps its approval.
	g.commitTree(g.git("rev-parse", base+"^{tree}"), "put right")
	src = approved(t, g.dir, "main", "")
	if len(src.Problems) != 0 || len(src.Files) != 3 || !slices.Equal(commits(src.History[sheet]), []string{base}) || !slices.Equal(commits(src.History[feb]), []string{base}) {
		t.Errorf("put right: problems\n%s\nversions %v %v", problems(src), commits(src.History[sheet]), commits(src.History[feb]))
	}
}

// TestWorkingTreeOddNames: names a folder on disk may have and a file may not (a backslash, a
// control character) are refused as the history pass refuses them, with the same file names.
func TestWorkingTreeOddNames(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"town.toml", `villages/v1/sheets/2026-01\.csv`, "villages/v1/sheets/2026-02.csv\n", "villages/v1/a\x7f/2026-03.csv", ".hidden\x01"} {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x\n"), 0o644); err != nil {
			t.Skip(err)
		}
	}
	src, err := WorkingTree(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range src.Problems {
		got = append(got, d.Position()+" "+d.Message("en"))
	}
	slices.Sort(got)
	wantList := []string{
		`".hidden\x01" the file ".hidden\x01" is not read: its name holds "\x01", which a file name may not hold`,
		`villages/v1/"a\x7f" the file "villages/v1/a\x7f" is not read: its name holds "\x7f", which a file name may not hold`,
		`villages/v1/sheets/"2026-01\\.csv" the file "villages/v1/sheets/2026-01\\.csv" is not read: its name holds "\\", which a file name may not hold`,
		`villages/v1/sheets/"2026-02.csv\n" the file "villages/v1/sheets/2026-02.csv\n" is not read: its name holds "\n", which a file name may not hold`,
	}
	if strings.Join(got, "\n") != strings.Join(wantList, "\n") {
		t.Errorf("problems:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantList, "\n"))
	}
	if len(src.Files) != 1 {
		t.Errorf("files: %v, want town.toml", slices.Sorted(maps.Keys(src.Files)))
	}
}

// TestOpenRefusedToken: a server that refuses the token, or asks for one, is answered with the
// secret to renew or set; the address's password is never printed.
func TestOpenRefusedToken(t *testing.T) {
	status := http.StatusUnauthorized
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/town/records.git/info/refs" || r.URL.Query().Get("service") != "git-upload-pack" {
			t.Errorf("request %s, want git's smart-HTTP discovery", r.URL)
		}
		w.Header().Set("WWW-Authenticate", `Basic realm="GitHub"`)
		http.Error(w, "no", status)
	}))
	defer srv.Close()
	url := srv.URL + "/town/records.git"
	for _, c := range []struct {
		status int
		token  string
		want   []string
	}{
		{http.StatusUnauthorized, "expired", []string{"refused the token in JIFEN_GIT_TOKEN", "renew the secret JIFEN_GIT_TOKEN (Settings → Secrets and variables → Actions)"}},
		{http.StatusForbidden, "expired", []string{"refused the token in JIFEN_GIT_TOKEN", "renew the secret JIFEN_GIT_TOKEN"}},
		{http.StatusUnauthorized, "", []string{"a private repository needs an access token", "in JIFEN_GIT_TOKEN", "Settings → Secrets and variables → Actions"}},
		{http.StatusNotFound, "narrow", []string{"repository not found", "the token in JIFEN_GIT_TOKEN may read the repository", "renew the secret JIFEN_GIT_TOKEN"}},
	} {
		status = c.status
		_, err := Open(url, "main", c.token)
		if err == nil {
			t.Fatalf("%d: no error", c.status)
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%d, token %q: %v\nwant it to say %q", c.status, c.token, err, w)
			}
		}
	}
	status = http.StatusUnauthorized
	_, err := Open(strings.Replace(url, "http://", "http://ops:hunter2@", 1), "main", "")
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("the address's password is printed: %v", err)
	}
}

// TestCheckoutRefusedAtHead: a sheet approved, then committed as a symbolic link, and put right
// in the working tree is checked as a correction of its approval, not as a deleted file.
func TestCheckoutRefusedAtHead(t *testing.T) {
	g := newGitRepo(t)
	const sheet = "villages/v1/sheets/2026-01.csv"
	g.commit("Set up", "town.toml", "v0\n")
	approval := g.merge(1, sheet, "rows\n")
	os.Remove(filepath.Join(g.dir, sheet))
	if err := os.Symlink("../../../town.toml", filepath.Join(g.dir, sheet)); err != nil {
		t.Skip(err)
	}
	g.commit("a link")
	os.Remove(filepath.Join(g.dir, sheet))
	g.write(sheet, "rows, corrected\n")
	src, err := Checkout(g.dir, "", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	vs := src.History[sheet]
	if !slices.Equal(commits(vs), []string{approval}) || string(vs[0].Data) != "rows\n" || string(src.Files[sheet]) != "rows, corrected\n" {
		t.Errorf("versions %+v, content %q; want the approval with its content, and the correction", vs, src.Files[sheet])
	}
	if _, ok := src.Removed[sheet]; ok || len(src.Problems) != 0 {
		t.Errorf("removed %v, problems %s", src.Removed, problems(src))
	}
}

// TestNameWithNUL: a tree entry's name ends at its first NUL, so no name holds one; bytes
// written as a tree with a NUL inside a name (git hash-object --literally) make a malformed
// tree, which stops the build with an error naming it, and nothing of it is published.
func TestNameWithNUL(t *testing.T) {
	g := newGitRepo(t)
	g.commit("Set up", "town.toml", "v0\n")
	fake := g.hash("HEAD:town.toml")
	raw := append([]byte("100644 2026-01.csv\x00evil\x00"), fake[:]...)
	f := filepath.Join(t.TempDir(), "tree")
	if err := os.WriteFile(f, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	tree := g.git("hash-object", "-t", "tree", "--literally", "-w", f)
	g.commitTree(tree, "a name with a NUL")
	r, err := Open(g.dir, "main", "")
	if err != nil {
		t.Fatal(err)
	}
	src, err := Approved(r, Options{})
	if err == nil || !strings.Contains(err.Error(), tree) || len(src.Files) != 0 {
		t.Errorf("files %v, error %v; want an error naming the tree %s", src.Files, err, tree)
	}
}

// TestKindMismatch: a tree entry that says folder but points to a file's content, or says file
// but points to a folder (both made with plumbing), is refused like another unsafe entry, and
// the rest of the records are read.
func TestKindMismatch(t *testing.T) {
	g := newGitRepo(t)
	const sheet = "villages/v1/sheets/2026-01.csv"
	g.commit("Set up", "town.toml", "v0\n", sheet, "real\n")
	blob, folder := g.hash("HEAD:"+sheet), g.hash("HEAD:villages/v1/sheets")
	sheets := g.mktree(object.TreeEntry{Name: "2026-01.csv", Mode: filemode.Regular, Hash: blob},
		object.TreeEntry{Name: "2026-02.csv", Mode: filemode.Regular, Hash: folder}, // a file that is a folder
		object.TreeEntry{Name: "old", Mode: filemode.Dir, Hash: blob})               // a folder that is a file
	v1 := g.mktree(object.TreeEntry{Name: "sheets", Mode: filemode.Dir, Hash: plumbing.NewHash(sheets)})
	villages := g.mktree(object.TreeEntry{Name: "v1", Mode: filemode.Dir, Hash: plumbing.NewHash(v1)})
	root := g.mktree(object.TreeEntry{Name: "town.toml", Mode: filemode.Regular, Hash: g.hash("HEAD:town.toml")},
		object.TreeEntry{Name: "villages", Mode: filemode.Dir, Hash: plumbing.NewHash(villages)})
	odd := g.commitTree(root, "kinds that disagree")[:7]

	src := approved(t, g.dir, "main", "")
	if got := string(src.Files[sheet]); got != "real\n" || len(src.Files) != 2 {
		t.Errorf("files: %v, sheet %q", slices.Sorted(maps.Keys(src.Files)), got)
	}
	want := "villages/v1/sheets/2026-02.csv: E116 the file \"villages/v1/sheets/2026-02.csv\" is not read: it is not an ordinary file (commit " + odd + ")\n" +
		"villages/v1/sheets/old: E116 the file \"villages/v1/sheets/old\" is not read: it is not an ordinary file (commit " + odd + ")"
	if got := problems(src); got != want {
		t.Errorf("problems:\n%s\nwant:\n%s", got, want)
	}
}
