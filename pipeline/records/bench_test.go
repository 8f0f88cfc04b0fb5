package records

import (
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkHistory times jifen's history pass (Open and Versions: every file's approved
// versions, with commit, time, author, pull request and reviewers) against the real git's
// `git log --first-parent --name-only` on the same packed repository: 30 villages with ten years
// of monthly pull requests. The sub-benchmark ratio runs both in turn in the same loop and
// reports jifen's time over git's. The sub-benchmark approved also reads every current file and
// the earlier versions of corrected ones (Approved), which git log does not do.
//
// The repository is generated once, when the benchmark starts, which takes a while; ordinary
// test runs never make it.
func BenchmarkHistory(b *testing.B) {
	if _, err := exec.LookPath("git"); err != nil {
		b.Skip("git is not installed")
	}
	dir := filepath.Join(b.TempDir(), "records")
	start := time.Now()
	if err := writeSynth(dir, synthChanges(30, 120)); err != nil {
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
	readPass := func() error { return jifenApproved(dir) }
	gitPass := func() error { return gitHistory(dir) }

	b.Run("jifen", func(b *testing.B) {
		for b.Loop() {
			if err := jifenPass(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(commits), "commits")
	})
	b.Run("approved", func(b *testing.B) {
		for b.Loop() {
			if err := readPass(); err != nil {
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

// timed is how long f takes; it fails the benchmark if f fails.
func timed(b *testing.B, f func() error) time.Duration {
	start := time.Now()
	if err := f(); err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}

// jifenHistory is jifen's history pass: open the repository and walk its first-parent history.
func jifenHistory(dir string) error {
	r, err := Open(dir, "main", nil)
	if err != nil {
		return err
	}
	_, err = Versions(r, Options{})
	return err
}

// jifenApproved is the history pass and the reading of the records' contents.
func jifenApproved(dir string) error {
	r, err := Open(dir, "main", nil)
	if err != nil {
		return err
	}
	_, err = Approved(r, Options{})
	return err
}

// gitHistory is the real git's history pass, reading all it prints.
func gitHistory(dir string) error {
	_, err := runGit(dir, gitLogArgs...)
	return err
}
