package deploy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// sshServer is OpenSSH's sshd on 127.0.0.1, run by the test as the current user, with a
// generated host key and a generated client key.
type sshServer struct {
	addr       string
	user       string
	identity   string // the client's private key
	knownHosts string // a known_hosts file with the server's key
	dir        string
}

// syncBuffer collects sshd's log.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

const sshdPath = "/usr/sbin/sshd"

func startSSHD(t *testing.T) *sshServer {
	t.Helper()
	if _, err := os.Stat(sshdPath); err != nil {
		t.Fatalf("OpenSSH's server is missing (%v): install Debian's openssh-server", err)
	}
	if _, err := exec.LookPath("ssh-keygen"); err != nil {
		t.Fatalf("ssh-keygen is missing: install Debian's openssh-client")
	}
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	if me.Uid == "0" {
		// As root, sshd wants its privilege separation folder, which systemd makes at boot.
		if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	s := &sshServer{user: me.Username, identity: filepath.Join(dir, "id_ed25519"), knownHosts: filepath.Join(dir, "known_hosts"), dir: dir}
	hostKey := filepath.Join(dir, "host_ed25519")
	keygen(t, hostKey)
	keygen(t, s.identity)
	pub, err := os.ReadFile(s.identity + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "authorized_keys"), pub, 0o600); err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	s.addr = fmt.Sprintf("127.0.0.1:%d", port)
	config := fmt.Sprintf(`Port %d
ListenAddress 127.0.0.1
HostKey %s
PidFile none
AuthorizedKeysFile %s
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowUsers %s
Subsystem sftp internal-sftp
LogLevel VERBOSE
`, port, hostKey, filepath.Join(dir, "authorized_keys"), me.Username)
	cfg := filepath.Join(dir, "sshd_config")
	if err := os.WriteFile(cfg, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	hostPub, err := os.ReadFile(hostKey + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	writeKnownHosts(t, s.knownHosts, port, hostPub)
	runSSHD(t, cfg, s.addr)
	return s
}

func runSSHD(t *testing.T, cfg, addr string) {
	t.Helper()
	var log syncBuffer
	cmd := exec.Command(sshdPath, "-D", "-e", "-f", cfg)
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start sshd: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-done
		if t.Failed() {
			t.Logf("sshd's log:\n%s", log.String())
		}
	})
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		select {
		case err := <-done:
			t.Fatalf("sshd stopped: %v\n%s", err, log.String())
		default:
		}
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return
		}
	}
	t.Fatalf("sshd does not listen on %s after 10s:\n%s", addr, log.String())
}

func keygen(t *testing.T, name string) {
	t.Helper()
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "jifen-test", "-f", name).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
}

func writeKnownHosts(t *testing.T, name string, port int, hostPub []byte) {
	t.Helper()
	line := fmt.Sprintf("[127.0.0.1]:%d %s", port, hostPub)
	if err := os.WriteFile(name, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// options deploys dir to the folder www of the server's test folder.
func (s *sshServer) options(dir string) Options {
	return Options{
		From:       dir,
		To:         fmt.Sprintf("sftp://%s@%s%s", s.user, s.addr, filepath.ToSlash(s.www())),
		Identity:   s.identity,
		KnownHosts: s.knownHosts,
		Getenv:     env(nil),
		Home:       s.dir,
	}
}

func (s *sshServer) www() string { return filepath.Join(s.dir, "www") }

// releases lists the release folders on the server.
func (s *sshServer) releases(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(s.www(), "releases"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// TestSFTP deploys a site, then the same site after one village changed, then after one
// village was removed, each time checking what the web server's root, current, holds.
func TestSFTP(t *testing.T) {
	srv := startSSHD(t)
	dir := fakeSite(t, "cencun", "shanxia", "yunxi")
	site, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	report, uploaded := deployOK(t, srv.options(dir))
	if len(uploaded) != len(site.Files)+1 || len(report.Plan.Delete) != 0 {
		t.Fatalf("first deploy uploaded %d files of %d", len(uploaded), len(site.Files)+1)
	}
	current := filepath.Join(srv.www(), "current")
	sameTree(t, dir, readTree(t, current))
	first, err := os.Readlink(current)
	if err != nil || first != "releases/"+site.Manifest.SHA256[:16] {
		t.Fatalf("current links to %q (%v)", first, err)
	}

	writeSite(t, dir, []string{"shanxia"}, "v2")
	report, uploaded = deployOK(t, srv.options(dir))
	want := append([]string{ManifestName}, villagePages("shanxia")...)
	if !slices.Equal(uploaded, want) || len(report.Plan.Unchanged) != len(site.Files)-3 {
		t.Fatalf("after one village changed, uploaded %v, %d unchanged; want %v", uploaded, len(report.Plan.Unchanged), want)
	}
	sameTree(t, dir, readTree(t, current))
	if prev, err := os.Readlink(filepath.Join(srv.www(), "previous")); err != nil || prev != first {
		t.Errorf("previous links to %q (%v), want %q", prev, err, first)
	}
	// An unchanged file is a hard link to the previous release's, not a copy.
	a, errA := os.Stat(filepath.Join(current, "site.css"))
	b, errB := os.Stat(filepath.Join(srv.www(), first, "site.css"))
	if errA != nil || errB != nil || !os.SameFile(a, b) {
		t.Errorf("site.css is not a hard link to the previous release's: %v %v", errA, errB)
	}

	for _, name := range append(villagePages("yunxi"), "yunxi/feed.xml") {
		if err := os.Remove(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	report, uploaded = deployOK(t, srv.options(dir))
	if !slices.Equal(uploaded, []string{ManifestName}) || len(report.Plan.Delete) != 4 {
		t.Fatalf("after a village was removed, uploaded %v, deleted %v", uploaded, report.Plan.Delete)
	}
	sameTree(t, dir, readTree(t, current))
	// The first release, changed within the hour, is kept: another deploy to the same target
	// might be filling it. An hour later it goes.
	if got := srv.releases(t); len(got) != 3 {
		t.Errorf("releases after three deploys: %v, want all three, the oldest still fresh", got)
	}
	old := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(filepath.Join(srv.www(), first), old, old); err != nil {
		t.Fatal(err)
	}
	report, uploaded = deployOK(t, srv.options(dir))
	if len(uploaded) != 0 || len(report.Plan.Upload)+len(report.Plan.Delete) != 0 {
		t.Fatalf("deploying the same site again uploaded %v", uploaded)
	}
	if got := srv.releases(t); len(got) != 2 || slices.Contains(got, strings.TrimPrefix(first, "releases/")) {
		t.Errorf("releases after the first grew old: %v, want the current and the previous", got)
	}
	// A file of the live release removed by hand is put back by deploying the same site again.
	if err := os.Remove(filepath.Join(current, "site.css")); err != nil {
		t.Fatal(err)
	}
	if _, uploaded = deployOK(t, srv.options(dir)); !slices.Equal(uploaded, []string{"site.css"}) {
		t.Errorf("repairing the live release uploaded %v, want site.css", uploaded)
	}
	sameTree(t, dir, readTree(t, current))
	// Removed again, and a new site deployed: the file it cannot link is sent.
	if err := os.Remove(filepath.Join(current, "site.css")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "shanxia/index.html"), []byte("<p>山下村，又一版</p>\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, uploaded = deployOK(t, srv.options(dir)); !slices.Equal(uploaded, []string{ManifestName, "shanxia/index.html", "site.css"}) {
		t.Errorf("a new site over a live release without site.css uploaded %v", uploaded)
	}
	sameTree(t, dir, readTree(t, current))
}

// TestSFTPInterrupted stops a deploy after a few uploads: current still shows the old site,
// and the deploy run again uploads only what is missing into the same release.
func TestSFTPInterrupted(t *testing.T) {
	srv := startSSHD(t)
	dir := fakeSite(t, "cencun", "shanxia", "yunxi")
	deployOK(t, srv.options(dir))
	old := readTree(t, filepath.Join(srv.www(), "current"))
	writeSite(t, dir, []string{"cencun", "shanxia", "yunxi", "dongcun"}, "v2")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	first := uploads{after: 5, cancel: cancel}
	opts := srv.options(dir)
	opts.Uploaded = first.record
	if _, err := Run(ctx, opts); !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted deploy: %v", err)
	}
	if now := readTree(t, filepath.Join(srv.www(), "current")); len(now) != len(old) || !bytes.Equal(now["cencun/index.html"], old["cencun/index.html"]) {
		t.Fatal("the interrupted deploy changed what residents see")
	}
	// A file being written when the deploy stopped.
	site, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	release := filepath.Join(srv.www(), "releases", site.Manifest.SHA256[:16])
	if err := os.WriteFile(filepath.Join(release, "cencun", ".index.html"+tmpSuffix), []byte("<!doc"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, again := deployOK(t, srv.options(dir))
	for _, p := range first.sorted() {
		if slices.Contains(again, p) {
			t.Errorf("%s was uploaded twice", p)
		}
	}
	if !slices.Contains(again, ManifestName) {
		t.Errorf("the rerun uploaded %v, without the manifest", again)
	}
	sameTree(t, dir, readTree(t, filepath.Join(srv.www(), "current")))
	if got := srv.releases(t); len(got) != 2 {
		t.Errorf("releases: %v", got)
	}
}

// TestSFTPRefusals: an unknown host, a changed host key, a server that refuses the key.
func TestSFTPRefusals(t *testing.T) {
	srv := startSSHD(t)
	dir := fakeSite(t, "cencun")
	opts := srv.options(dir)
	opts.KnownHosts = filepath.Join(srv.dir, "empty_known_hosts")
	if err := os.WriteFile(opts.KnownHosts, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), opts); err == nil || !strings.Contains(err.Error(), "is not in "+opts.KnownHosts) || !strings.Contains(err.Error(), "SHA256:") {
		t.Errorf("an unknown host: %v", err)
	}
	other := filepath.Join(srv.dir, "other_host")
	keygen(t, other)
	otherPub, err := os.ReadFile(other + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	port := srv.addr[strings.LastIndex(srv.addr, ":")+1:]
	opts.KnownHosts = filepath.Join(srv.dir, "wrong_known_hosts")
	if err := os.WriteFile(opts.KnownHosts, []byte("[127.0.0.1]:"+port+" "+string(otherPub)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), opts); err == nil || !strings.Contains(err.Error(), "refused: the ssh-ed25519 key of") {
		t.Errorf("a changed host key: %v", err)
	}
	opts = srv.options(dir)
	opts.Identity = other
	if _, err := Run(context.Background(), opts); err == nil || !strings.Contains(err.Error(), "accepts none of the keys tried: "+other) {
		t.Errorf("a key the server does not accept: %v", err)
	}
	opts = srv.options(dir)
	opts.Identity = ""
	if _, err := Run(context.Background(), opts); err == nil || !strings.Contains(err.Error(), "no SSH key") {
		t.Errorf("no key: %v", err)
	}
	if _, err := os.Stat(srv.www()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused deploy wrote to the server: %v", err)
	}
}
