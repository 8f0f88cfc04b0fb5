// Package site owns the public website: it turns scored records into the public view (applying
// the privacy rules in one place), writes that view as JSON into Hugo's data directory, runs Hugo,
// and puts into the pages Hugo built the long lists it renders itself (fragments), so that a build
// either publishes a whole site or nothing.
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

// WriteData replaces the JSON files of dir (Hugo's data directory) with the public view:
// town.json, rules.json and villages/<key>.json. Other files in dir are left alone.
func WriteData(dir string, s *Site) error {
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
		if err := writeJSON(filepath.Join(dir, "villages", dataKey(v.ID)+".json"), v); err != nil {
			return err
		}
	}
	return nil
}

// writeJSON writes v as compact JSON with a trailing newline: Hugo reads and holds less.
func writeJSON(name string, v any) error {
	data, err := json.Marshal(v)
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
	Parts   string // with the town's part: the folder of the other parts, put together (see Part), moved into the site
	Keep    bool   // leave Parts as it is (a cache of parts): link its files into the site instead
}

// Build runs Hugo into a scratch folder (see scratch), writes its pages with their fragments into
// a fresh directory beside out (the stage), keeps only the pages of the part, adds its
// files (downloads, feeds), and its sitemaps; a part of villages writes their summaries, and the
// town's part copies in the other parts (Parts). Only when all that succeeded does it put the
// result in place of out. A failed build leaves out as it was. Every link, QR code, feed and
// sitemap has the one address of the site given to Publish; without one, links start at the root
// of the host and there are neither QR codes nor sitemaps. An offline copy has links relative to
// each page and no sitemaps; its QR codes keep the site's address.
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
	built, err := scratch(filepath.Dir(out), s)
	if err != nil {
		return err
	}
	defer os.RemoveAll(built)
	if err := h.run(ctx, built, s); err != nil {
		return err
	}
	if err := h.fill(built, stage, s); err != nil {
		return err
	}
	if err := keep(stage, s, part); err != nil {
		return err
	}
	if err := writeFiles(stage, s, part); err != nil {
		return err
	}
	if h.Offline {
		if err := relink(stage, s.Town.SiteURL); err != nil {
			return err
		}
	} else if err := writeSitemaps(stage, s, part); err != nil {
		return err
	}
	if h.Parts != "" {
		if err := addParts(h.Parts, stage, h.Keep); err != nil {
			return err
		}
	}
	if !part.Town {
		if err := writeSummaries(stage, s); err != nil {
			return err
		}
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

// scratch makes the folder that Hugo builds a site into, from which fill writes each page into
// the site with its fragments: in memory when there is room for the site's pages with a wide
// margin, so that a page reaches the disk once (Hugo writing it, fill reading it and writing it
// again cost a third of a build's CPU in the kernel on a virtual machine's disk); else beside the
// site, in the folder beside.
func scratch(beside string, s *Site) (string, error) {
	// At most about 10 KiB a page as Hugo writes it, before the fragments, on 4 KiB pages of
	// memory: 64 KiB a household or a village-month leaves a wide margin.
	need := int64(256 << 20)
	for _, v := range s.Villages {
		need += int64(len(v.Households)+16*len(v.Months)) << 16
	}
	if memory != "" && room(memory) >= need {
		if dir, err := os.MkdirTemp(memory, "jifen-hugo-"); err == nil {
			return dir, nil
		}
	}
	return os.MkdirTemp(beside, ".jifen-hugo-")
}

// fill writes the pages Hugo built in the folder built into the folder site, with the fragments
// that Go renders (see fragments).
func (h Hugo) fill(built, site string, s *Site) error {
	base := basePath(s.Town.SiteURL)
	if h.Offline {
		base = "/"
	}
	f, err := newFragments(h.Project, base)
	if err != nil {
		return err
	}
	return f.fill(built, site, s)
}

// run runs Hugo on the project into the folder dir, at the site's address (the root "/" for an
// offline copy).
func (h Hugo) run(ctx context.Context, dir string, s *Site) error {
	cmd, err := h.command(ctx, dir, s)
	if err != nil {
		return err
	}
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("hugo: %w", err)
	}
	return nil
}

// command is the command that runs Hugo on the project into the folder dir.
func (h Hugo) command(ctx context.Context, dir string, s *Site) (*exec.Cmd, error) {
	exe, err := h.executable(ctx)
	if err != nil {
		return nil, err
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
			return nil, err
		}
		cmd.Env = append(cmd.Env, "HUGO_DATADIR="+data)
	}
	return cmd, nil
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

// writeFiles writes the files of the part beside its pages: its villages' downloads and feeds,
// and the town's own files with the town's part.
func writeFiles(dir string, s *Site, part Part) error {
	for _, name := range slices.Sorted(maps.Keys(s.Files)) {
		if !part.Town && slices.Contains(townFiles, name) {
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, s.Files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}

// keep removes from the pages Hugo built in dir those that do not belong to the part, and the
// folders left empty: a village's folder belongs to its village, every other page to the town.
func keep(dir string, s *Site, part Part) error {
	villages := map[string]bool{}
	for _, v := range s.Town.Villages {
		villages[v.ID] = true
	}
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
		if err != nil {
			return err
		}
		top, _, _ := strings.Cut(filepath.ToSlash(rel), "/")
		if villages[top] && part.Has(top) || !villages[top] && part.Town {
			return nil
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
