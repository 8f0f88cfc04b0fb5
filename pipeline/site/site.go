// Package site owns the public website: it turns scored records into the public view (applying
// the privacy rules in one place), writes that view as JSON into Hugo's data directory, and runs
// Hugo so that a build either publishes a whole site or nothing.
package site

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// A Part is the share of a site that one build makes, so that a large town or a county can be
// built by parallel jobs whose outputs are then put together: some villages, and the town's own
// pages (home, rule book, downloads, feeds) or not.
type Part struct {
	Villages map[string]bool // nil for every village
	Town     bool
}

// All is the whole site.
var All = Part{Town: true}

// Shard is the i-th of n parts (1 ≤ i ≤ n): every n-th village, the first shard with the town's
// own pages.
func Shard(s *Site, i, n int) Part {
	p := Part{Villages: map[string]bool{}, Town: i == 1}
	for k, v := range s.Villages {
		if k%n == i-1 {
			p.Villages[v.ID] = true
		}
	}
	return p
}

// Has reports whether the part has the village.
func (p Part) Has(village string) bool { return p.Villages == nil || p.Villages[village] }

// Keep reports whether a file of the built site (its path under the site's root) belongs to the
// part: a village's folder to its village, everything else to the town.
func (p Part) Keep(s *Site, rel string) bool {
	top, _, _ := strings.Cut(filepath.ToSlash(rel), "/")
	for _, v := range s.Villages {
		if v.ID == top {
			return p.Has(top)
		}
	}
	return p.Town
}

// WriteData replaces the JSON files of dir (Hugo's data directory) with the public view of the
// part: town.json, rules.json and villages/<key>.json. Other files in dir are left alone.
func WriteData(dir string, s *Site, part Part) error {
	if err := os.RemoveAll(filepath.Join(dir, "villages")); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(dir, "villages"), 0o755); err != nil {
		return err
	}
	if err := writeJSON(filepath.Join(dir, "town.json"), s.Town); err != nil {
		return err
	}
	if err := writeJSON(filepath.Join(dir, "rules.json"), s.Rules); err != nil {
		return err
	}
	for _, v := range s.Villages {
		if !part.Has(v.ID) {
			continue
		}
		if err := writeJSON(filepath.Join(dir, "villages", dataKey(v.ID)+".json"), v); err != nil {
			return err
		}
	}
	return nil
}

// writeJSON writes v as indented JSON with a trailing newline.
func writeJSON(name string, v any) error {
	data, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", name, err)
	}
	return os.WriteFile(name, append(data, '\n'), 0o644)
}

// Hugo says how to run Hugo on the project.
type Hugo struct {
	Project string    // the directory with hugo.toml, layouts/ and content/
	Data    string    // the data directory to use instead of the project's data/
	Stdout  io.Writer // Hugo's output
	Stderr  io.Writer
	Offline bool   // build an offline copy, to open from a folder (see relink)
	Exe     string // the Hugo executable, built from the project's go.mod; "" for its `go tool hugo`
}

// Build runs Hugo into a fresh directory beside out, adds the site's files (downloads, feeds),
// keeps only what belongs to the part, writes the part's sitemaps and, only when all that
// succeeded, puts it in place of out. A failed build leaves out as it was. Every link, QR code,
// feed and sitemap has the one address of the site given to Publish; without one, links start at
// the root of the host and there are neither QR codes nor sitemaps. An offline copy has links
// relative to each page and no sitemaps; its QR codes keep the site's address.
func (h Hugo) Build(ctx context.Context, out string, s *Site, part Part) error {
	out, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	if err := h.replaceable(out); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	stage, err := os.MkdirTemp(filepath.Dir(out), "."+filepath.Base(out)+"-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(stage)
	if err := os.Chmod(stage, 0o755); err != nil { // as a web server reads it, not MkdirTemp's 0700
		return err
	}
	if err := h.run(ctx, stage, s); err != nil {
		return err
	}
	for _, name := range slices.Sorted(maps.Keys(s.Files)) {
		p := filepath.Join(stage, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, s.Files[name], 0o644); err != nil {
			return err
		}
	}
	if err := keep(stage, s, part); err != nil {
		return err
	}
	if h.Offline {
		if err := relink(stage, s.Town.SiteURL); err != nil {
			return err
		}
	} else if err := writeSitemaps(stage, s, part); err != nil {
		return err
	}
	old := stage + ".old"
	if err := os.Rename(out, old); err != nil && !os.IsNotExist(err) {
		return err
	}
	if err := os.Rename(stage, out); err != nil {
		os.Rename(old, out)
		return err
	}
	return os.RemoveAll(old)
}

// run runs Hugo on the project into the folder dir, at the site's address (the root "/" for an
// offline copy).
func (h Hugo) run(ctx context.Context, dir string, s *Site) error {
	exe, err := h.executable(ctx)
	if err != nil {
		return err
	}
	args := []string{"--source", h.Project, "--destination", dir,
		"--logLevel", "warn", "--panicOnWarning", "--noBuildLock", "--cleanDestinationDir"}
	if s.Town.SiteURL != "" && !h.Offline {
		args = append(args, "--baseURL", s.Town.SiteURL)
	}
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Dir = h.Project
	cmd.Stdout, cmd.Stderr = h.Stdout, h.Stderr
	cmd.Env = os.Environ()
	if h.Data != "" {
		data, err := filepath.Abs(h.Data)
		if err != nil {
			return err
		}
		cmd.Env = append(cmd.Env, "HUGO_DATADIR="+data)
	}
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("hugo: %w", err)
	}
	return nil
}

// replaceable refuses an output folder that a build must not replace: one that is or holds the
// project or the data folder, or that holds a git repository, a Go module, a Hugo project or
// records (a mistyped --out must not delete them).
func (h Hugo) replaceable(out string) error {
	for _, dir := range []string{h.Project, h.Data} {
		if dir == "" {
			continue
		}
		abs, err := filepath.Abs(dir)
		if err != nil {
			return err
		}
		if rel, err := filepath.Rel(out, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return fmt.Errorf("the output folder %s holds %s: give --out a folder of its own, such as public", out, abs)
		}
	}
	for _, name := range []string{".git", "go.mod", "hugo.toml", "town.toml"} {
		if _, err := os.Lstat(filepath.Join(out, name)); err == nil {
			return fmt.Errorf("the output folder %s holds %s, so it is not a site built before: give --out a folder of its own, such as public", out, name)
		}
	}
	return nil
}

// keep removes from the built site in dir the files that do not belong to the part, and the
// folders left empty.
func keep(dir string, s *Site, part Part) error {
	var dirs []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			dirs = append(dirs, p)
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil || part.Keep(s, rel) {
			return err
		}
		return os.Remove(p)
	})
	if err != nil {
		return err
	}
	for _, d := range slices.Backward(dirs[1:]) { // dirs[0] is dir itself: a share may be empty
		os.Remove(d) // only empty folders go: the others fail and stay
	}
	return nil
}
