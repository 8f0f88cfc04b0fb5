// Package site owns the public website: it turns scored records into the public view (applying
// the privacy rules in one place), writes that view as JSON into Hugo's data directory, and runs
// Hugo so that a build either publishes a whole site or nothing.
package site

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
)

// WriteData replaces the JSON files of dir (Hugo's data directory) with the public view:
// town.json and villages/<key>.json. Other files in dir are left alone.
func WriteData(dir string, t *Town, villages []*Village) error {
	if err := os.RemoveAll(filepath.Join(dir, "villages")); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(dir, "villages"), 0o755); err != nil {
		return err
	}
	if err := writeJSON(filepath.Join(dir, "town.json"), t); err != nil {
		return err
	}
	for _, v := range villages {
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
	BaseURL string    // the site's base URL; "" keeps hugo.toml's
	Stdout  io.Writer // Hugo's output
	Stderr  io.Writer
}

// Build runs Hugo into a fresh directory beside out and, only when Hugo succeeds, puts it in
// place of out. A failed build leaves out as it was.
func (h Hugo) Build(ctx context.Context, out string) error {
	out, err := filepath.Abs(out)
	if err != nil {
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
	args := []string{"tool", "hugo", "--source", h.Project, "--destination", stage,
		"--logLevel", "warn", "--panicOnWarning", "--noBuildLock", "--cleanDestinationDir"}
	if h.BaseURL != "" {
		args = append(args, "--baseURL", h.BaseURL)
	}
	cmd := exec.CommandContext(ctx, "go", args...)
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
