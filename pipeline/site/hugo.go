package site

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// The project declares Hugo as a Go tool, and every `go tool hugo` first checks that Hugo's
// executable is up to date with its sources, which costs about a second before Hugo does any
// work. So a process asks the go command for the executable once per project, with
// `go tool -n hugo` (which compiles Hugo first when it must, and prints the executable's path in
// the build cache), and runs it directly from then on: a process that builds many sites, as the
// tests and the benchmarks do, pays the check once.
var hugoExecutables struct {
	sync.Mutex
	byProject map[string]string
}

// executable returns the Hugo executable to run: h.Exe (a path relative to the current
// directory, not to the project where Hugo runs, or a name to look up on PATH), else the
// project's Go tool.
func (h Hugo) executable(ctx context.Context) (string, error) {
	if strings.ContainsRune(h.Exe, filepath.Separator) {
		return filepath.Abs(h.Exe)
	}
	if h.Exe != "" {
		return exec.LookPath(h.Exe)
	}
	project, err := filepath.Abs(h.Project)
	if err != nil {
		return "", err
	}
	hugoExecutables.Lock()
	defer hugoExecutables.Unlock()
	if exe, ok := hugoExecutables.byProject[project]; ok {
		return exe, nil
	}
	cmd := exec.CommandContext(ctx, "go", "tool", "-n", "hugo")
	cmd.Dir = project
	cmd.Stderr = h.Stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("hugo: go tool -n hugo: %w", err)
	}
	exe := strings.TrimSpace(string(out))
	if !filepath.IsAbs(exe) || strings.Contains(exe, "\n") {
		return "", fmt.Errorf("hugo: go tool -n hugo printed %q, not the path of an executable", out)
	}
	if hugoExecutables.byProject == nil {
		hugoExecutables.byProject = map[string]string{}
	}
	hugoExecutables.byProject[project] = exe
	return exe, nil
}
