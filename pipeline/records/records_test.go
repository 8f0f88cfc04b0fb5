package records

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/jifen-project/jifen/pipeline/town"
)

// gitRepo is a repository made with the real git command.
type gitRepo struct {
	t   *testing.T
	dir string
	n   int // commits so far, to space their times
}

func newGitRepo(t *testing.T) *gitRepo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	g := &gitRepo{t: t, dir: t.TempDir()}
	g.git("init", "-q", "-b", "main")
	return g
}

func (g *gitRepo) git(args ...string) string {
	g.t.Helper()
	g.n++
	when := time.Date(2025, 8, 1, 9, 0, 0, 0, time.FixedZone("CST", 8*3600)).Add(time.Duration(g.n) * time.Hour).Format(time.RFC3339)
	cmd := exec.Command("git", args...)
	cmd.Dir = g.dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=网格员王丽", "GIT_AUTHOR_EMAIL=wangli@example.org",
		"GIT_COMMITTER_NAME=村书记", "GIT_COMMITTER_EMAIL=shuji@example.org",
		"GIT_AUTHOR_DATE="+when, "GIT_COMMITTER_DATE="+when, "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		g.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func (g *gitRepo) write(name, content string) {
	g.t.Helper()
	p := filepath.Join(g.dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		g.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		g.t.Fatal(err)
	}
}

func (g *gitRepo) commit(msg string, files ...string) {
	g.t.Helper()
	for i := 0; i < len(files); i += 2 {
		g.write(files[i], files[i+1])
	}
	g.git("add", "-A")
	g.git("commit", "-q", "-m", msg)
}

func approved(t *testing.T, dir, branch, root string) town.Source {
	t.Helper()
	r, err := Open(dir, branch, "")
	if err != nil {
		t.Fatal(err)
	}
	src, err := Approved(r, Options{Branch: branch, Root: root})
	if err != nil {
		t.Fatal(err)
	}
	samePacked(t, dir, branch, root, src)
	return src
}

func TestApprovedFollowsFirstParentHistory(t *testing.T) {
	g := newGitRepo(t)
	g.commit("Set up the town", "records/town.toml", "name = \"镇\"\n", "README.md", "site\n")
	// A pull request, merged with a merge commit that carries review trailers.
	g.git("checkout", "-q", "-b", "qingshi/2025-07")
	g.commit("青石村 2025年7月评定表", "records/villages/qingshi/sheets/2025-07.csv", "v1\n")
	g.git("checkout", "-q", "main")
	g.git("merge", "-q", "--no-ff", "qingshi/2025-07", "-m", "Merge pull request #3 from town/qingshi/2025-07\n\n青石村 2025年7月评定表\n\nReviewed-by: 王建国 <wjg@example.org>\nApproved-by: 李红 <lh@example.org>")
	// A pull request that is never merged.
	g.git("checkout", "-q", "-b", "qingshi/2025-08")
	g.commit("青石村 2025年8月评定表", "records/villages/qingshi/sheets/2025-08.csv", "unapproved\n")
	g.git("checkout", "-q", "main")
	// A correction, squash-merged.
	g.commit("更正青石村7月 (#5)", "records/villages/qingshi/sheets/2025-07.csv", "v2\n")
	// A working-tree file that is never committed.
	g.write("records/villages/qingshi/sheets/2025-09.csv", "uncommitted\n")

	src := approved(t, g.dir, "main", "records")
	var files []string
	for p := range src.Files {
		files = append(files, p)
	}
	slices.Sort(files)
	if got, want := strings.Join(files, " "), "town.toml villages/qingshi/sheets/2025-07.csv"; got != want {
		t.Errorf("files = %s, want %s", got, want)
	}
	if got := string(src.Files["villages/qingshi/sheets/2025-07.csv"]); got != "v2\n" {
		t.Errorf("sheet content = %q, want the correction", got)
	}
	vs := src.History["villages/qingshi/sheets/2025-07.csv"]
	if len(vs) != 2 {
		t.Fatalf("versions = %+v, want the approval and the correction", vs)
	}
	first, corr := vs[0], vs[1]
	if first.PR != 3 || first.Author != "网格员王丽" || !slices.Equal(first.Reviewers, []string{"王建国", "李红"}) {
		t.Errorf("approval = %+v", first)
	}
	if corr.PR != 5 || !corr.Time.After(first.Time) || len(corr.Reviewers) != 0 {
		t.Errorf("correction = %+v", corr)
	}
	if head := g.git("rev-parse", "HEAD"); corr.Commit != head {
		t.Errorf("correction commit = %s, want %s", corr.Commit, head)
	}

	// The same history read from the top of the repository, and a branch that does not exist.
	if src := approved(t, g.dir, "main", ""); len(src.Files) != 3 {
		t.Errorf("files from the top: %d, want 3", len(src.Files))
	}
	r, _ := Open(g.dir, "main", "")
	if _, err := Approved(r, Options{Branch: "release"}); err == nil {
		t.Error("a missing branch must be an error")
	}
}

func TestReplayIsDeterministicAndWritesARealRepository(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	at := func(d int) time.Time { return time.Date(2025, 1, d, 10, 0, 0, 0, cst) }
	changes := []Change{
		{Author: Person{"运维", "ops@example.org"}, Time: at(1), Message: "Set up",
			Files: map[string][]byte{"town.toml": []byte("x\n"), "villages/a/village.toml": []byte("y\n")}},
		{Number: 1, Branch: "a/2025-01", Author: Person{"网格员", "w@example.org"}, Time: at(2), Message: "a 2025-01",
			Files:  map[string][]byte{"villages/a/sheets/2025-01.csv": []byte("s\n")},
			Merger: Person{"书记", "s@example.org"}, MergeTime: at(3), Reviewers: []string{"评议员 <p@example.org>"}, Merged: true},
		{Number: 2, Branch: "a/2025-02", Author: Person{"网格员", "w@example.org"}, Time: at(4), Message: "a 2025-02",
			Files: map[string][]byte{"villages/a/sheets/2025-02.csv": []byte("open\n")}},
	}
	r1, err := Replay("main", changes)
	if err != nil {
		t.Fatal(err)
	}
	r2, _ := Replay("main", changes)
	h1, _ := r1.git.Head()
	h2, _ := r2.git.Head()
	if h1.Hash() != h2.Hash() {
		t.Errorf("heads differ: %s, %s", h1.Hash(), h2.Hash())
	}
	src, err := Approved(r1, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := src.Files["villages/a/sheets/2025-02.csv"]; ok {
		t.Error("the open pull request's sheet is published")
	}
	if v := src.History["villages/a/sheets/2025-01.csv"]; len(v) != 1 || v[0].PR != 1 || v[0].Author != "网格员" || v[0].Reviewers[0] != "评议员" {
		t.Errorf("history = %+v", v)
	}

	// Written out, the real git sees the same history and a clean work tree.
	dir := filepath.Join(t.TempDir(), "demo")
	if err := WriteTo(r1, dir); err != nil {
		t.Fatal(err)
	}
	g := &gitRepo{t: t, dir: dir}
	if got := g.git("rev-parse", "HEAD"); got != h1.Hash().String() {
		t.Errorf("HEAD = %s, want %s", got, h1.Hash())
	}
	g.git("fsck", "--strict")
	if st := g.git("status", "--porcelain"); st != "" {
		t.Errorf("work tree is not clean:\n%s", st)
	}
	if log := g.git("log", "--first-parent", "--format=%s", "main"); log != "Merge pull request #1 from a/2025-01\nSet up" {
		t.Errorf("first-parent log:\n%s", log)
	}
	if br := g.git("branch", "--format=%(refname:short)"); br != "a/2025-01\na/2025-02\nmain" {
		t.Errorf("branches:\n%s", br)
	}
}

func TestOpenURLClonesIntoMemory(t *testing.T) {
	g := newGitRepo(t)
	g.commit("Set up", "town.toml", "name = \"镇\"\n")
	g.git("checkout", "-q", "-b", "other")
	g.commit("other branch", "other.txt", "x\n")
	g.git("checkout", "-q", "main")
	r, err := Open("file://"+g.dir, "main", "")
	if err != nil {
		t.Fatal(err)
	}
	src, err := Approved(r, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(src.Files) != 1 || string(src.Files["town.toml"]) != "name = \"镇\"\n" {
		t.Errorf("files = %v", src.Files)
	}
	if _, err := Open("file://"+filepath.Join(g.dir, "missing"), "main", ""); err == nil {
		t.Error("cloning a missing repository must fail")
	}
}

// TestOpenBare reads a bare repository, as a server keeps it.
func TestOpenBare(t *testing.T) {
	g := newGitRepo(t)
	g.commit("Set up", "town.toml", "name = \"镇\"\n")
	bare := filepath.Join(t.TempDir(), "records.git")
	g.git("clone", "-q", "--bare", g.dir, bare)
	r, err := Open(bare, "main", "")
	if err != nil {
		t.Fatal(err)
	}
	if src, err := Approved(r, Options{}); err != nil || string(src.Files["town.toml"]) != "name = \"镇\"\n" {
		t.Errorf("files = %v, %v", src.Files, err)
	}
}

// TestMergeStyles covers the ways a pull request reaches main on GitHub (merge commit, squash,
// rebase), a revert, a direct push, and safety: what each leaves as approved versions.
func TestMergeStyles(t *testing.T) {
	g := newGitRepo(t)
	g.commit("Set up", "town.toml", "v0\n")

	g.git("checkout", "-q", "-b", "pr1")
	g.commit("add a", "a.csv", "a1\n")
	g.git("checkout", "-q", "main")
	g.git("merge", "-q", "--no-ff", "pr1", "-m", "Merge pull request #1 from org/pr1\n\nReviewed-by: 甲 <j@example.org>")

	g.git("checkout", "-q", "-b", "pr2")
	g.commit("b, first", "b.csv", "b1\n")
	g.commit("b, second", "b.csv", "b2\n")
	g.git("checkout", "-q", "main")
	g.git("merge", "-q", "--squash", "pr2")
	g.git("commit", "-q", "-m", "Add b (#2)\n\nApproved-by: 乙 <y@example.org>")

	g.git("checkout", "-q", "-b", "pr3")
	g.commit("c, first", "c.csv", "c1\n")
	g.commit("c, second", "c.csv", "c2\n")
	g.git("checkout", "-q", "main")
	g.git("rebase", "-q", "main", "pr3")
	g.git("checkout", "-q", "main")
	g.git("merge", "-q", "--ff-only", "pr3")

	g.git("revert", "--no-edit", "HEAD")     // c back to c1
	g.commit("direct push", "a.csv", "a2\n") // no pull request, no review

	src := approved(t, g.dir, "main", "")
	summary := func(p string) string {
		var parts []string
		for _, v := range src.History[p] {
			parts = append(parts, fmt.Sprintf("pr=%d merge=%v reviewers=%v", v.PR, v.Merge, v.Reviewers))
		}
		return string(src.Files[p]) + strings.Join(parts, "; ")
	}
	want := map[string]string{
		"a.csv": "a2\npr=1 merge=true reviewers=[甲]; pr=0 merge=false reviewers=[]",
		"b.csv": "b2\npr=2 merge=false reviewers=[乙]",
		"c.csv": "c1\npr=0 merge=false reviewers=[]; pr=0 merge=false reviewers=[]; pr=0 merge=false reviewers=[]",
	}
	for p, w := range want {
		if got := summary(p); got != w {
			t.Errorf("%s:\n got %s\nwant %s", p, got, w)
		}
	}
	if vs := src.History["c.csv"]; string(vs[0].Data) != "c1\n" || string(vs[1].Data) != "c2\n" || string(vs[2].Data) != "c1\n" {
		t.Errorf("the versions of c.csv keep their content for corrections: %q %q %q", vs[0].Data, vs[1].Data, vs[2].Data)
	}

	// The history pass alone finds the same versions, without reading the files.
	r, err := Open(g.dir, "main", "")
	if err != nil {
		t.Fatal(err)
	}
	vs, err := versions(r, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for p, want := range src.History {
		if got := vs[p]; len(got) != len(want) || got[len(got)-1].Commit != want[len(want)-1].Commit || got[0].Data != nil {
			t.Errorf("history pass, %s: %+v, want %+v without content", p, got, want)
		}
	}
}

func TestRefusedFiles(t *testing.T) {
	g := newGitRepo(t)
	g.commit("Set up", "town.toml", "v0\n")
	if err := os.Symlink("/etc/passwd", filepath.Join(g.dir, "link.csv")); err != nil {
		t.Skip(err)
	}
	g.commit("add a link")
	g.write("caf\xe9.csv", "latin-1 name\n")
	g.commit("add a file whose name is not UTF-8")
	g.write("big.csv", strings.Repeat("x", MaxFileSize+1))
	g.commit("add a big file")
	src := approved(t, g.dir, "main", "")
	if len(src.Files) != 1 {
		t.Errorf("files: %d, want only town.toml", len(src.Files))
	}
	var got []string
	for _, d := range src.Problems {
		got = append(got, d.String())
	}
	slices.Sort(got)
	head := g.git("rev-parse", "--short=7", "HEAD")
	latin := g.git("rev-parse", "--short=7", "HEAD~1")
	link := g.git("rev-parse", "--short=7", "HEAD~2")
	w := []string{
		fmt.Sprintf(`big.csv: E116 the file "big.csv" is not read: it is 16.1 MB, over the limit of 16 MB (commit %s)`, head),
		fmt.Sprintf("caf\xe9.csv: E116 the file \"caf\\xe9.csv\" is not read: its name is not UTF-8 (commit %s)", latin),
		fmt.Sprintf(`link.csv: E116 the file "link.csv" is not read: it is a symbolic link (commit %s)`, link),
	}
	if strings.Join(got, "\n") != strings.Join(w, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(w, "\n"))
	}
}

// TestReadByGitURL serves a repository with git daemon on loopback and reads it by URL.
func TestReadByGitURL(t *testing.T) {
	g := newGitRepo(t)
	g.commit("Set up", "town.toml", "served\n")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	daemon := exec.Command("git", "daemon", "--reuseaddr", "--export-all", "--listen=127.0.0.1",
		fmt.Sprintf("--port=%d", port), "--base-path="+filepath.Dir(g.dir), filepath.Dir(g.dir))
	if err := daemon.Start(); err != nil {
		t.Skip("git daemon:", err)
	}
	t.Cleanup(func() { daemon.Process.Kill(); daemon.Wait() })
	url := fmt.Sprintf("git://127.0.0.1:%d/%s", port, filepath.Base(g.dir))
	var r *Repository
	for i := 0; i < 50; i++ { // the daemon takes a moment to listen
		if r, err = Open(url, "main", ""); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	src, err := Approved(r, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if string(src.Files["town.toml"]) != "served\n" {
		t.Errorf("files = %v", src.Files)
	}
}

// TestSignatures signs commits with OpenPGP keys (as git commit -S does) and checks that each
// version names the key that signed it when that key is in the records' keyring.
func TestSignatures(t *testing.T) {
	dir := t.TempDir()
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := repo.Worktree()
	listed, _ := openpgp.NewEntity("村书记", "", "shuji@example.org", nil)
	stranger, _ := openpgp.NewEntity("外人", "", "x@example.org", nil)
	var ring bytes.Buffer
	aw, _ := armor.Encode(&ring, openpgp.PublicKeyType, nil)
	listed.Serialize(aw)
	aw.Close()
	when := time.Date(2025, 7, 1, 9, 0, 0, 0, time.UTC)
	commit := func(name, content string, key *openpgp.Entity) {
		t.Helper()
		os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
		os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644)
		w.Add(name)
		when = when.Add(time.Hour)
		sig := &object.Signature{Name: "网格员", Email: "w@example.org", When: when}
		if _, err := w.Commit("change "+name, &git.CommitOptions{Author: sig, Committer: sig, SignKey: key}); err != nil {
			t.Fatal(err)
		}
	}
	commit("keys/village.asc", ring.String(), listed)
	commit("a.csv", "signed\n", listed)
	commit("b.csv", "unsigned\n", nil)
	commit("c.csv", "stranger\n", stranger)
	repo.Storer.SetReference(plumbing.NewHashReference("refs/heads/main", mustHead(t, repo)))

	src, err := Approved(&Repository{repo}, Options{Branch: "main", KeyringDir: "keys"})
	if err != nil {
		t.Fatal(err)
	}
	fp := strings.ToUpper(hex.EncodeToString(listed.PrimaryKey.Fingerprint[:]))
	for p, want := range map[string]string{"a.csv": fp, "b.csv": "", "c.csv": ""} {
		if got := src.History[p][0].Signer; got != want {
			t.Errorf("%s signed by %q, want %q", p, got, want)
		}
	}
}

func mustHead(t *testing.T, r *git.Repository) plumbing.Hash {
	t.Helper()
	h, err := r.Head()
	if err != nil {
		t.Fatal(err)
	}
	return h.Hash()
}

// versions is the history pass alone: every file's approved versions, without reading any
// file, as `git log --first-parent --name-only` tells them.
func versions(r *Repository, opts Options) (map[string][]town.Version, error) {
	defer release(r.git)
	w, err := history(r.git, opts)
	if err != nil {
		return nil, err
	}
	return w.versions, nil
}

func TestOpenSendsTheToken(t *testing.T) {
	var user, password string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, password, _ = r.BasicAuth()
		http.Error(w, "no such repository", http.StatusNotFound)
	}))
	defer srv.Close()
	if _, err := Open(srv.URL+"/town.git", "main", "tok-123"); err == nil {
		t.Fatal("cloning a missing repository must fail")
	}
	if user != "x-access-token" || password != "tok-123" {
		t.Errorf("basic auth = %q:%q, want x-access-token:tok-123", user, password)
	}
}

// TestWorkingTreeRefuses checks that the working tree refuses what the history pass refuses,
// with the same code and reasons, without reading a big file.
func TestWorkingTreeRefuses(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("town.toml", "name = \"镇\"\n")
	write(".github/workflows/validate.yml", "hidden\n")
	write("villages/a/sub/.git", "gitdir: ../../../.git/modules/sub\n")
	write("villages/a/sub/inside.csv", "in the submodule\n")
	write("villages/a/scan.pdf", "")
	if err := os.Truncate(filepath.Join(dir, "villages/a/scan.pdf"), 17<<20); err != nil { // sparse
		t.Fatal(err)
	}
	if err := os.Symlink("../../town.toml", filepath.Join(dir, "villages/a/link.csv")); err != nil {
		t.Skip(err)
	}
	write("caf\xe9.csv", "latin-1 name\n")
	src, err := WorkingTree(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(src.Files) != 1 || src.Files["town.toml"] == nil {
		t.Errorf("files = %v, want only town.toml", slices.Collect(maps.Keys(src.Files)))
	}
	src.Problems.Sort()
	var got []string
	for _, d := range src.Problems {
		got = append(got, d.Position()+": "+string(d.Code)+" "+d.Message("en"), d.Position()+": "+string(d.Code)+" "+d.Message("zh"))
	}
	want := []string{
		"caf\xe9.csv: E116 the file \"caf\\xe9.csv\" is not read: its name is not UTF-8",
		"caf\xe9.csv: E116 不读取文件 \"caf\\xe9.csv\"：文件名不是 UTF-8 编码",
		`villages/a/link.csv: E116 the file "villages/a/link.csv" is not read: it is a symbolic link`,
		`villages/a/link.csv: E116 不读取文件 "villages/a/link.csv"：这是符号链接`,
		`villages/a/scan.pdf: E116 the file "villages/a/scan.pdf" is not read: it is 17 MB, over the limit of 16 MB`,
		`villages/a/scan.pdf: E116 不读取文件 "villages/a/scan.pdf"：文件有 17 MB，超过了 16 MB 的上限`,
		`villages/a/sub: E116 the file "villages/a/sub" is not read: it is a submodule`,
		`villages/a/sub: E116 不读取文件 "villages/a/sub"：这是子模块`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestMegabytes(t *testing.T) {
	for size, want := range map[int64]string{MaxFileSize + 1: "16.1", 17 << 20: "17", 1: "0.1", 0: "0"} {
		if got := megabytes(size); got != want {
			t.Errorf("megabytes(%d) = %s, want %s", size, got, want)
		}
	}
}

// TestChanged compares a working tree with a commit: files committed since, modified or added
// and not committed, deleted, and made a symbolic link count; an untouched file, a file outside
// the records folder and a hidden file do not.
func TestChanged(t *testing.T) {
	g := newGitRepo(t)
	g.commit("Set up", "README.md", "site\n", "records/town.toml", "v0\n", "records/.github/x.yml", "x\n",
		"records/villages/a/households.csv", "roster\n", "records/villages/a/sheets/2025-07.csv", "july\n",
		"records/villages/a/sheets/2025-06.csv", "june\n", "records/villages/a/village.toml", "a\n")
	base := g.git("rev-parse", "HEAD")
	g.git("tag", "base")
	g.commit("Committed since", "records/town.toml", "v1\n", "README.md", "changed outside\n")
	g.write("records/villages/a/sheets/2025-07.csv", "july, corrected\n") // modified, not committed
	g.write("records/villages/a/sheets/2025-08.csv", "august\n")          // added, not committed
	g.write("records/.github/x.yml", "changed, hidden\n")
	g.write("records/villages/a/households.csv", "roster\n") // written again, the same
	os.Remove(filepath.Join(g.dir, "records/villages/a/sheets/2025-06.csv"))
	os.Remove(filepath.Join(g.dir, "records/villages/a/village.toml"))
	if err := os.Symlink("../../town.toml", filepath.Join(g.dir, "records/villages/a/village.toml")); err != nil {
		t.Skip(err)
	}
	want := "town.toml villages/a/sheets/2025-06.csv villages/a/sheets/2025-07.csv villages/a/sheets/2025-08.csv villages/a/village.toml"
	for _, c := range []struct{ dir, root, rev string }{
		{g.dir, "records", "base"},
		{g.dir, "records", base},
		{g.dir, "records", base[:10]},
		{g.dir, "records", "main~1"},
		{filepath.Join(g.dir, "records"), "", "base"},
		{filepath.Join(g.dir, "records", "villages"), "..", "base"},
	} {
		changed, err := Changed(c.dir, c.root, c.rev)
		if err != nil {
			t.Errorf("Changed(%s, %q, %s): %v", c.dir, c.root, c.rev, err)
			continue
		}
		if got := strings.Join(slices.Sorted(maps.Keys(changed)), " "); got != want {
			t.Errorf("Changed(%s, %q, %s) = %s\nwant %s", c.dir, c.root, c.rev, got, want)
		}
	}
	if changed, err := Changed(g.dir, "records", "HEAD"); err != nil || len(changed) != 5-1 {
		t.Errorf("changed since HEAD: %v, %v; want all but town.toml", changed, err)
	}
	for _, c := range []struct{ dir, rev string }{{g.dir, "origin/main"}, {g.dir, "0123456789abcdef0123456789abcdef01234567"}, {g.dir, "main..base"}, {t.TempDir(), "main"}} {
		if _, err := Changed(c.dir, "", c.rev); !errors.Is(err, ErrUnknownRevision) {
			t.Errorf("Changed(%s, %s): %v, want ErrUnknownRevision", c.dir, c.rev, err)
		}
	}
}
