package records_test

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jifen-project/jifen/pipeline/demo"
	"github.com/jifen-project/jifen/pipeline/records"
)

// BenchmarkHistory times jifen's history pass (Open and Approved: every file's approved
// versions, with commit, time, author, pull request and reviewers, and the contents of the
// current files and of the earlier versions of corrected ones) against the real git's
// `git log --first-parent --name-only`, which reads no contents, on the same packed repository,
// for each of two synthetic towns of small villages (demo.Synthetic, profile "history"), each
// thousands of small merges:
//
//   - long: 30 villages and ten years of monthly pull requests, narrow trees and long ones;
//   - wide: 150 villages and a year and two months, the town's folder of villages five times as
//     wide, and about two thousand merges.
//
// For each, the sub-benchmark ratio runs both in turn in the same loop and reports jifen's time
// over git's.
//
// Each repository is generated once, when its benchmark starts, which takes a while; ordinary
// test runs never make them.
//
//	go test -run '^$' -bench BenchmarkHistory -benchtime 3x ./pipeline/records/
func BenchmarkHistory(b *testing.B) {
	if _, err := exec.LookPath("git"); err != nil {
		b.Skip("git is not installed")
	}
	for _, h := range []struct {
		name string
		plan demo.Plan
	}{
		{"long", demo.Plan{Profile: "history", Villages: 30, Months: 120}},
		{"wide", demo.Plan{Profile: "history", Villages: 150, Months: 14}},
	} {
		b.Run(h.name, func(b *testing.B) { benchmarkHistory(b, h.plan) })
	}
}

// benchmarkHistory generates the history of plan into a packed repository, then times jifen's
// history pass and git's on it.
func benchmarkHistory(b *testing.B, plan demo.Plan) {
	start := time.Now()
	changes, err := demo.Synthetic(plan)
	if err != nil {
		b.Fatal(err)
	}
	dir := filepath.Join(b.TempDir(), "records")
	if err := writeHistory(dir, changes); err != nil {
		b.Fatal(err)
	}
	out, err := runGit(dir, "rev-list", "--first-parent", "--count", "main")
	if err != nil {
		b.Fatal(err)
	}
	commits, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("generated %d first-parent commits in %s", commits, time.Since(start).Round(time.Second))
	jifenPass := func() error { return jifenHistory(dir) }
	gitPass := func() error { return gitHistory(dir) }

	b.Run("jifen", func(b *testing.B) {
		for b.Loop() {
			if err := jifenPass(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(commits), "commits")
	})
	b.Run("git", func(b *testing.B) {
		for b.Loop() {
			if err := gitPass(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(commits), "commits")
	})
	b.Run("ratio", func(b *testing.B) {
		var jifen, git time.Duration
		for i := 0; b.Loop(); i++ {
			// Take turns at going first, so that neither always finds the caches as the other
			// left them.
			if i%2 == 0 {
				jifen += timed(b, jifenPass)
				git += timed(b, gitPass)
			} else {
				git += timed(b, gitPass)
				jifen += timed(b, jifenPass)
			}
		}
		b.ReportMetric(float64(jifen.Nanoseconds())/float64(b.N), "jifen-ns/op")
		b.ReportMetric(float64(git.Nanoseconds())/float64(b.N), "git-ns/op")
		b.ReportMetric(float64(jifen)/float64(git), "jifen/git")
		b.ReportMetric(float64(commits), "commits")
	})
}

// TestHistoryWalksLikeGitLog replays a small synthetic history into a packed repository and
// checks that jifen reads every file's approved versions as the changes made them, and that
// the real git's first-parent log names the same files as often.
func TestHistoryWalksLikeGitLog(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	const villages, months = 3, 8
	changes, err := demo.Synthetic(demo.Plan{Profile: "history", Villages: villages, Months: months})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "records")
	if err := writeHistory(dir, changes); err != nil {
		t.Fatal(err)
	}
	r, err := records.Open(dir, "main", "")
	if err != nil {
		t.Fatal(err)
	}
	src, err := records.Approved(r, records.Options{})
	if err != nil {
		t.Fatal(err)
	}

	// Every merged change that sets a file to new content is one version of it.
	want, current := map[string]int{}, map[string][]byte{}
	merged := 0
	for _, c := range changes {
		if c.Number != 0 && !c.Merged {
			continue
		}
		merged++
		for p, data := range c.Files {
			if !bytes.Equal(current[p], data) {
				current[p] = data
				want[p]++
			}
		}
	}
	sheets, corrected := 0, 0
	for p, n := range want {
		vs := src.History[p]
		if len(vs) != n {
			t.Errorf("%s: %d versions, want %d", p, len(vs), n)
		}
		if !bytes.Equal(src.Files[p], current[p]) {
			t.Errorf("%s: the content is not the last approved version", p)
		}
		if strings.Contains(p, "/sheets/") {
			sheets++
			if n == 2 && len(vs) == 2 {
				corrected++
				if vs[1].PR <= vs[0].PR || len(vs[1].Reviewers) == 0 {
					t.Errorf("%s: the correction's version %+v", p, vs[1])
				}
			}
		}
	}
	if len(src.History) != len(want) {
		t.Errorf("history of %d files, want %d", len(src.History), len(want))
	}
	if sheets != villages*months || corrected == 0 {
		t.Errorf("%d sheets (%d corrected), want %d of which some corrected", sheets, corrected, villages*months)
	}

	// The real git's first-parent log names the same files, as often.
	out, err := runGit(dir, gitLogArgs...)
	if err != nil {
		t.Fatal(err)
	}
	paths, commits := gitLogPaths(out)
	if !maps.Equal(paths, want) {
		t.Errorf("git log names %d paths, jifen's history %d:\ngit:   %v\njifen: %v", len(paths), len(want), paths, want)
	}
	if commits != merged {
		t.Errorf("git log lists %d commits, want %d", commits, merged)
	}
}

// writeHistory replays changes into a git repository in dir and packs it with the real git,
// as a cloned repository would be.
func writeHistory(dir string, changes []records.Change) error {
	r, err := records.Replay("main", changes)
	if err != nil {
		return err
	}
	if err := records.WriteTo(r, dir); err != nil {
		return err
	}
	if _, err := runGit(dir, "repack", "-adq"); err != nil {
		return err
	}
	_, err = runGit(dir, "pack-refs", "--all")
	return err
}

// runGit runs the real git in dir, without the user's or the system's configuration, and
// returns what it printed.
func runGit(dir string, args ...string) ([]byte, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return out, nil
}

// gitLogArgs are the arguments of the real git's history pass that jifen is compared with.
var gitLogArgs = []string{"log", "--first-parent", "--name-only", "--format=%H%x00%ct%x00%an", "main"}

// gitLogPaths counts, for each path, the commits of `git log --first-parent --name-only` that
// name it, and the commits it lists.
func gitLogPaths(out []byte) (paths map[string]int, commits int) {
	paths = map[string]int{}
	for line := range strings.Lines(string(out)) {
		line = strings.TrimSuffix(line, "\n")
		switch {
		case strings.Contains(line, "\x00"):
			commits++
		case line != "":
			paths[line]++
		}
	}
	return paths, commits
}

// timed is how long f takes; it fails the benchmark if f fails.
func timed(b *testing.B, f func() error) time.Duration {
	start := time.Now()
	if err := f(); err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}

// jifenHistory is jifen's history pass: open the repository, walk its first-parent history and
// read the approved records.
func jifenHistory(dir string) error {
	r, err := records.Open(dir, "main", "")
	if err != nil {
		return err
	}
	_, err = records.Approved(r, records.Options{})
	return err
}

// gitHistory is the real git's history pass, reading all it prints.
func gitHistory(dir string) error {
	_, err := runGit(dir, gitLogArgs...)
	return err
}
