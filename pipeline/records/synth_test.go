package records

import (
	"fmt"
	"reflect"
	"testing"
	"time"
)

// TestStretches reads the same history in stretches of every size, in parallel, and gets the
// same records as in one stretch. The history is a fixture of small changes: pull requests to
// three villages' sheets, some left open, some changing a sheet already approved, and a direct
// commit that deletes one. (The generator of synthetic records, pipeline/demo, imports this
// package, so the tests that use it are in package records_test: see bench_test.go.)
func TestStretches(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	at := func(h int) time.Time { return time.Date(2025, 1, 1, 8, 0, 0, 0, cst).Add(time.Duration(h) * time.Hour) }
	changes := []Change{{Author: Person{"运维", "ops@example.org"}, Time: at(0), Message: "Set up",
		Files: map[string][]byte{"town.toml": []byte("format = 1\n")}}}
	for i := 1; i < 40; i++ {
		sheet := fmt.Sprintf("villages/v%d/sheets/2025-%02d.csv", i%3, i%7+1)
		c := Change{Number: i, Branch: fmt.Sprint("pr", i), Author: Person{"网格员", "w@example.org"}, Time: at(2 * i),
			Message: sheet, Files: map[string][]byte{sheet: fmt.Appendf(nil, "version %d\n", i)},
			Merger: Person{"书记", "s@example.org"}, MergeTime: at(2*i + 1), Reviewers: []string{"评议员 <p@example.org>"}, Merged: i%9 != 0}
		if i == 25 {
			c = Change{Author: Person{"运维", "ops@example.org"}, Time: at(2 * i), Message: "delete",
				Files: map[string][]byte{"villages/v1/sheets/2025-02.csv": nil}}
		}
		changes = append(changes, c)
	}
	r, err := Replay("main", changes)
	if err != nil {
		t.Fatal(err)
	}
	whole, err := Approved(r, Options{stretch: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if len(whole.Files) < 10 || len(whole.History) < len(whole.Files) {
		t.Fatalf("%d files with the history of %d, want more", len(whole.Files), len(whole.History))
	}
	for _, n := range []int{1, 2, 3, 7} {
		got, err := Approved(r, Options{stretch: n})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, whole) {
			t.Errorf("stretches of %d commits give other records than one stretch", n)
		}
	}
}
