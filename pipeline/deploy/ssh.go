package deploy

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/skeema/knownhosts"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// sshLogin is how to reach and log in to a server, as OpenSSH would.
type sshLogin struct {
	user, addr string
	knownHosts string
	signers    []ssh.Signer
	tried      []string // where the keys came from, for messages
}

func newSSHLogin(u *url.URL, opts Options) (*sshLogin, error) {
	l := &sshLogin{user: u.User.Username(), knownHosts: opts.KnownHosts}
	if l.user == "" {
		l.user = opts.Getenv("USER")
	}
	if l.user == "" || u.Hostname() == "" {
		return nil, fmt.Errorf("--to %q: an SFTP target is sftp://user@host[:port]/path", opts.To)
	}
	port := u.Port()
	if port == "" {
		port = "22"
	}
	l.addr = net.JoinHostPort(u.Hostname(), port)
	if l.knownHosts == "" {
		l.knownHosts = filepath.Join(opts.Home, ".ssh", "known_hosts")
	}
	if err := l.addAgent(opts.Getenv("SSH_AUTH_SOCK")); err != nil {
		return nil, err
	}
	if err := l.addKeys(opts); err != nil {
		return nil, err
	}
	return l, nil
}

// addAgent adds the keys of the SSH agent at sock, if there is one.
func (l *sshLogin) addAgent(sock string) error {
	if sock == "" {
		return nil
	}
	conn, err := net.Dial("unix", sock)
	if err != nil {
		return fmt.Errorf("SSH_AUTH_SOCK=%s: the SSH agent does not answer: %w", sock, err)
	}
	signers, err := agent.NewClient(conn).Signers()
	if err != nil {
		return fmt.Errorf("SSH_AUTH_SOCK=%s: list the agent's keys: %w", sock, err)
	}
	l.signers = append(l.signers, signers...)
	l.tried = append(l.tried, fmt.Sprintf("%d keys of the SSH agent", len(signers)))
	return nil
}

// addKeys adds the private key of --identity, or else OpenSSH's default ones that exist.
func (l *sshLogin) addKeys(opts Options) error {
	files := []string{opts.Identity}
	if opts.Identity == "" {
		files = nil
		for _, name := range []string{"id_ed25519", "id_ecdsa", "id_rsa"} {
			files = append(files, filepath.Join(opts.Home, ".ssh", name))
		}
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if errors.Is(err, os.ErrNotExist) && opts.Identity == "" {
			continue
		}
		if err != nil {
			return fmt.Errorf("--identity: %w", err)
		}
		signer, err := ssh.ParsePrivateKey(data)
		var locked *ssh.PassphraseMissingError
		switch {
		case errors.As(err, &locked) && opts.Identity == "" && len(l.signers) > 0:
			continue // the agent may hold it
		case errors.As(err, &locked):
			return fmt.Errorf("%s is protected by a passphrase: add it to the SSH agent (ssh-add %s) and set SSH_AUTH_SOCK", name, name)
		case err != nil:
			return fmt.Errorf("%s: not a private key OpenSSH can use: %w", name, err)
		}
		l.signers = append(l.signers, signer)
		l.tried = append(l.tried, name)
	}
	if len(l.signers) == 0 {
		return fmt.Errorf("no SSH key: pass --identity FILE, or put a key in %s, or run an SSH agent (SSH_AUTH_SOCK)", filepath.Join(opts.Home, ".ssh"))
	}
	return nil
}

// dial connects, checks the server's key against known_hosts and logs in.
func (l *sshLogin) dial(ctx context.Context) (*ssh.Client, error) {
	db, err := knownhosts.NewDB(l.knownHosts)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s: no known_hosts file %s to check the server's key against: add the server's key with ssh-keyscan, after checking its fingerprint with the server's administrator", l.addr, l.knownHosts)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", l.knownHosts, err)
	}
	known := db.HostKeyCallback()
	config := &ssh.ClientConfig{
		User:              l.user,
		Auth:              []ssh.AuthMethod{ssh.PublicKeys(l.signers...)},
		HostKeyAlgorithms: db.HostKeyAlgorithms(l.addr),
		HostKeyCallback: func(host string, remote net.Addr, key ssh.PublicKey) error {
			return l.explainHostKey(known(host, remote, key), key)
		},
		Timeout: 30 * time.Second,
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", l.addr)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", l.addr, err)
	}
	c, chans, reqs, err := ssh.NewClientConn(conn, l.addr, config)
	if err != nil {
		conn.Close()
		if strings.Contains(err.Error(), "unable to authenticate") {
			return nil, fmt.Errorf("log in to %s as %s: %w (the server accepts none of the keys tried: %s; add the public key to ~%s/.ssh/authorized_keys on the server)", l.addr, l.user, err, strings.Join(l.tried, ", "), l.user)
		}
		return nil, fmt.Errorf("ssh %s: %w", l.addr, err)
	}
	return ssh.NewClient(c, chans, reqs), nil
}

// explainHostKey turns known_hosts' verdict into a refusal that says what to do.
func (l *sshLogin) explainHostKey(err error, key ssh.PublicKey) error {
	switch {
	case err == nil:
		return nil
	case knownhosts.IsHostUnknown(err):
		return fmt.Errorf("refused: %s is not in %s (it offers the %s key %s); check that fingerprint with the server's administrator (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub on the server), then add the key to %s, e.g. with ssh-keyscan",
			l.addr, l.knownHosts, key.Type(), ssh.FingerprintSHA256(key), l.knownHosts)
	case knownhosts.IsHostKeyChanged(err):
		return fmt.Errorf("refused: the %s key of %s is %s, not the one in %s: the server was reinstalled or someone stands between; ask the server's administrator before changing %s",
			key.Type(), l.addr, ssh.FingerprintSHA256(key), l.knownHosts, l.knownHosts)
	}
	return err
}
