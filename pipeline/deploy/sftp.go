package deploy

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
)

// sftpTarget is a folder on a server, holding releases and the links current and previous.
type sftpTarget struct {
	conn   *ssh.Client
	client *sftp.Client
	root   string

	// What compare found: the releases the links name, the current release's manifest, the
	// new release's id, the files a hard link brings over and the leftovers to remove.
	current, previous string
	release           string
	links             []File
	strays            []string
}

// tmpSuffix ends the name of a file being written; it is renamed into place when complete.
const tmpSuffix = ".jifen-tmp"

func dialSFTP(ctx context.Context, u *url.URL, opts Options) (*sftpTarget, error) {
	root := path.Clean(u.Path)
	if rest, ok := strings.CutPrefix(root, "/~/"); ok {
		root = rest // relative to the login folder
	}
	if root == "/" || root == "." || root == "/~" || u.RawQuery != "" {
		return nil, fmt.Errorf("--to %q: name the folder to deploy into, e.g. sftp://deploy@host/srv/jifen (or /~/site in the login folder)", opts.To)
	}
	login, err := newSSHLogin(u, opts)
	if err != nil {
		return nil, err
	}
	conn, err := login.dial(ctx)
	if err != nil {
		return nil, err
	}
	client, err := sftp.NewClient(conn, sftp.UseConcurrentWrites(true))
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("start SFTP on %s: %w (is the sftp subsystem enabled in sshd_config?)", login.addr, err)
	}
	t := &sftpTarget{conn: conn, client: client, root: root}
	for _, ext := range []string{"posix-rename@openssh.com", "hardlink@openssh.com"} {
		if _, ok := client.HasExtension(ext); !ok {
			t.Close()
			return nil, fmt.Errorf("%s: the SFTP server lacks %s, which deploy needs to switch releases atomically: use OpenSSH's sftp-server or internal-sftp", login.addr, ext)
		}
	}
	return t, nil
}

func (t *sftpTarget) Close() error {
	t.client.Close()
	return t.conn.Close()
}

func (t *sftpTarget) releaseDir(id string) string { return path.Join(t.root, "releases", id) }

// compare reads the links and the current release's manifest, and what an interrupted deploy
// of the same site left in the new release.
func (t *sftpTarget) compare(ctx context.Context, site *Site) (Plan, error) {
	t.release = site.Manifest.SHA256[:16]
	var err error
	if t.current, err = t.readLink("current"); err != nil {
		return Plan{}, err
	}
	if t.previous, err = t.readLink("previous"); err != nil {
		return Plan{}, err
	}
	old, err := t.readManifest(t.current)
	if err != nil {
		return Plan{}, err
	}
	// The new release as it is: what an interrupted deploy left, or, when the site is the one
	// that is up, the live release, whose missing files (removed by hand) are put back.
	present, err := t.walkRelease(site)
	if err != nil {
		return Plan{}, err
	}
	var upload, unchanged []File
	for _, f := range site.All() {
		size, there := present[f.Path]
		switch {
		case there && size == f.Size:
			unchanged = append(unchanged, f)
		case t.current != t.release && old[f.Path] == f.SHA256 && f.Path != ManifestName:
			unchanged = append(unchanged, f)
			t.links = append(t.links, f)
		default:
			upload = append(upload, f)
		}
	}
	var gone []string
	for p := range old {
		if !site.has(p) {
			gone = append(gone, p)
		}
	}
	return newPlan(upload, unchanged, gone), nil
}

// readLink returns the release a link at the root names, or "" if there is no link.
func (t *sftpTarget) readLink(name string) (string, error) {
	link := path.Join(t.root, name)
	if fi, err := t.client.Lstat(link); err == nil && fi.Mode()&fs.ModeSymlink == 0 {
		return "", fmt.Errorf("%s is a %s, not the link jifen deploy keeps there: move it aside (e.g. mv %s %s.old) and deploy again", link, map[bool]string{true: "folder", false: "file"}[fi.IsDir()], link, link)
	}
	target, err := t.client.ReadLink(link)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read the link %s: %w", path.Join(t.root, name), err)
	}
	id, ok := strings.CutPrefix(target, "releases/")
	if !ok || id == "" || strings.Contains(id, "/") {
		return "", fmt.Errorf("%s links to %q, not to a release of jifen deploy (releases/<id>)", path.Join(t.root, name), target)
	}
	return id, nil
}

// readManifest reads a release's manifest; a release without one gives none.
func (t *sftpTarget) readManifest(id string) (map[string]string, error) {
	if id == "" {
		return nil, nil
	}
	name := path.Join(t.releaseDir(id), ManifestName)
	f, err := t.client.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	defer f.Close()
	var b strings.Builder
	if _, err := f.WriteTo(&b); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return ParseManifest(name, []byte(b.String()))
}

// walkRelease lists the files at their final names in the new release, by size, and the
// leftovers to remove: files being written when a deploy stopped, files not in the site.
func (t *sftpTarget) walkRelease(site *Site) (map[string]int64, error) {
	present := map[string]int64{}
	dir := t.releaseDir(t.release)
	walk := t.client.Walk(dir)
	for walk.Step() {
		if err := walk.Err(); errors.Is(err, fs.ErrNotExist) && walk.Path() == dir {
			return present, nil
		} else if err != nil {
			return nil, fmt.Errorf("list %s: %w", walk.Path(), err)
		}
		if walk.Stat().IsDir() {
			continue
		}
		rel := strings.TrimPrefix(walk.Path(), dir+"/")
		if strings.HasSuffix(rel, tmpSuffix) || !site.has(rel) {
			t.strays = append(t.strays, walk.Path())
			continue
		}
		present[rel] = walk.Stat().Size()
	}
	return present, nil
}

func (t *sftpTarget) apply(ctx context.Context, site *Site, plan Plan, uploaded func(File)) error {
	if err := t.fill(ctx, site, plan, uploaded); err != nil {
		return err
	}
	if t.current != t.release {
		// A deploy of another site at the same time may have pruned this release before it was
		// up: never point current at a release that is not whole.
		if _, err := t.client.Stat(path.Join(t.releaseDir(t.release), ManifestName)); err != nil {
			return fmt.Errorf("the new release %s is gone (another deploy to the same target at the same time?): run it again: %w", t.releaseDir(t.release), err)
		}
		if t.current != "" {
			if err := t.setLink(ctx, "previous", t.current); err != nil {
				return err
			}
			t.previous = t.current
		}
		if err := t.setLink(ctx, "current", t.release); err != nil {
			return err
		}
		t.current = t.release
	}
	return t.prune(ctx)
}

// fill completes the new release: folders, leftovers removed, hard links, uploads.
func (t *sftpTarget) fill(ctx context.Context, site *Site, plan Plan, uploaded func(File)) error {
	dir := t.releaseDir(t.release)
	if len(plan.Upload) == 0 && len(t.links) == 0 && len(t.strays) == 0 {
		return nil // the site that is up, whole
	}
	if err := t.mkdirs(ctx, dir, site.All()); err != nil {
		return err
	}
	err := inWaves(ctx, t.strays, func(string) int { return 0 }, func(_ context.Context, name string) error {
		return t.client.Remove(name)
	})
	if err != nil {
		return fmt.Errorf("remove what a stopped deploy left: %w", err)
	}
	from := t.releaseDir(t.current)
	err = inWaves(ctx, t.links, func(File) int { return 0 }, func(_ context.Context, f File) error {
		err := t.client.Link(path.Join(from, f.Path), path.Join(dir, f.Path))
		if errors.Is(err, fs.ErrNotExist) { // the current release lost it: send it
			if err = t.upload(site, f, path.Join(dir, f.Path)); err == nil {
				uploaded(f)
			}
		}
		if err != nil {
			return fmt.Errorf("link %s to the current release's: %w", path.Join(dir, f.Path), err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return inWaves(ctx, plan.Upload, func(f File) int { return wave(f.Path) }, func(ctx context.Context, f File) error {
		if err := t.upload(site, f, path.Join(dir, f.Path)); err != nil {
			return err
		}
		uploaded(f)
		return nil
	})
}

// mkdirs makes the folders of the files in dir, parents first.
func (t *sftpTarget) mkdirs(ctx context.Context, dir string, files []File) error {
	if err := t.client.MkdirAll(t.root); err != nil {
		return fmt.Errorf("make the folder %s: %w", t.root, err)
	}
	seen := map[string]bool{}
	dirs := []string{path.Join(t.root, "releases"), dir}
	for _, f := range files {
		for d := path.Dir(f.Path); d != "." && !seen[d]; d = path.Dir(d) {
			seen[d] = true
			dirs = append(dirs, path.Join(dir, d))
		}
	}
	depth := func(d string) int { return strings.Count(d, "/") }
	sort.SliceStable(dirs, func(i, j int) bool { return depth(dirs[i]) < depth(dirs[j]) })
	return inWaves(ctx, dirs, depth, func(_ context.Context, d string) error {
		err := t.client.Mkdir(d)
		if err == nil {
			return nil
		}
		if info, serr := t.client.Stat(d); serr == nil && info.IsDir() {
			return nil
		}
		return fmt.Errorf("make the folder %s: %w", d, err)
	})
}

// upload writes a file under a temporary name and renames it into place.
func (t *sftpTarget) upload(site *Site, f File, name string) error {
	r, err := site.open(f)
	if err != nil {
		return err
	}
	defer r.Close()
	tmp := path.Join(path.Dir(name), "."+path.Base(name)+tmpSuffix)
	w, err := t.client.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC)
	if err != nil {
		return fmt.Errorf("upload %s: %w", name, err)
	}
	_, err = w.ReadFrom(r)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = t.client.PosixRename(tmp, name)
	}
	if err != nil {
		return fmt.Errorf("upload %s: %w", name, err)
	}
	return nil
}

// setLink points the link name at the root to a release, atomically: a new link is made
// under a temporary name and renamed over the old one.
func (t *sftpTarget) setLink(ctx context.Context, name, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	link := path.Join(t.root, name)
	tmp := path.Join(t.root, "."+name+tmpSuffix)
	if err := t.client.Remove(tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove %s: %w", tmp, err)
	}
	if err := t.client.Symlink("releases/"+id, tmp); err != nil {
		return fmt.Errorf("make the link %s: %w", tmp, err)
	}
	if err := t.client.PosixRename(tmp, link); err != nil {
		return fmt.Errorf("switch %s to releases/%s: %w", link, id, err)
	}
	return nil
}

// prune removes every release but the current and the previous one, and those changed in the
// last hour, which another deploy to the same target may be filling.
func (t *sftpTarget) prune(ctx context.Context) error {
	dir := path.Join(t.root, "releases")
	entries, err := t.client.ReadDirContext(ctx, dir)
	if err != nil {
		return fmt.Errorf("list %s: %w", dir, err)
	}
	for _, e := range entries {
		if e.Name() == t.current || e.Name() == t.previous || time.Since(e.ModTime()) < time.Hour {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := t.client.RemoveAll(path.Join(dir, e.Name())); err != nil {
			return fmt.Errorf("remove the old release %s: %w", path.Join(dir, e.Name()), err)
		}
	}
	return nil
}
