package demo_test

import (
	"crypto/sha256"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jifen-project/jifen/pipeline/demo"
	"github.com/jifen-project/jifen/pipeline/records"
)

var update = flag.Bool("update", false, "rewrite testdata/changes.golden")

// digest lists a history, a line per change and a line per file, with the SHA-256 of every
// file and message: enough to tell that two histories are the same, byte for byte.
func digest(changes []records.Change) string {
	var b strings.Builder
	sum := func(data []byte) string { return fmt.Sprintf("%x", sha256.Sum256(data))[:16] }
	at := func(t time.Time) string { return t.Format(time.RFC3339) }
	for _, c := range changes {
		fmt.Fprintf(&b, "#%d %s %s %s <%s> message %s", c.Number, c.Branch, at(c.Time), c.Author.Name, c.Author.Email, sum([]byte(c.Message)))
		if c.Merged {
			fmt.Fprintf(&b, " merged %s by %s <%s> reviewed by %s", at(c.MergeTime), c.Merger.Name, c.Merger.Email, strings.Join(c.Reviewers, ", "))
		}
		b.WriteString("\n")
		for _, p := range slices.Sorted(maps.Keys(c.Files)) {
			fmt.Fprintf(&b, "\t%s %s\n", p, sum(c.Files[p]))
		}
	}
	return b.String()
}

// TestDemoUnchanged compares the demo's history with testdata/changes.golden: the demo changes
// only when its data files do, and then `go test ./pipeline/demo -update` rewrites the file.
func TestDemoUnchanged(t *testing.T) {
	golden := filepath.Join("testdata", "changes.golden")
	got := digest(demo.Changes())
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		g, w := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := range min(len(g), len(w)) {
			if g[i] != w[i] {
				t.Fatalf("the demo's history differs from %s from line %d:\ngot:  %s\nwant: %s", golden, i+1, g[i], w[i])
			}
		}
		t.Fatalf("the demo's history has %d lines, %s %d", len(g), golden, len(w))
	}
}
