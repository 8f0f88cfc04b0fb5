package demo_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jifen-project/jifen/pipeline/audit"
	"github.com/jifen-project/jifen/pipeline/check"
	"github.com/jifen-project/jifen/pipeline/demo"
	"github.com/jifen-project/jifen/pipeline/records"
	"github.com/jifen-project/jifen/pipeline/town"
)

// TestSyntheticDeterministic checks that the same arguments give the same synthetic records,
// byte for byte, and another seed other ones.
func TestSyntheticDeterministic(t *testing.T) {
	a, asOf, err := demo.County(5000, 1)
	if err != nil {
		t.Fatal(err)
	}
	b, asOf2, err := demo.County(5000, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) || !asOf.Equal(asOf2) {
		t.Error("two counties of the same size and seed differ")
	}
	c, _, err := demo.County(5000, 2)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(a.Files, c.Files) {
		t.Error("two counties of different seeds are the same")
	}
	h1, err := demo.Synthetic(demo.Plan{Profile: "history", Villages: 2, Months: 5})
	if err != nil {
		t.Fatal(err)
	}
	h2, err := demo.Synthetic(demo.Plan{Profile: "history", Villages: 2, Months: 5})
	if err != nil {
		t.Fatal(err)
	}
	if digest(h1) != digest(h2) {
		t.Error("two histories of the same size differ")
	}
}

// TestCounty checks a small synthetic county: the sheets have about the rows asked for, the
// villages are as large as synthetic.toml says, and the records have no errors.
func TestCounty(t *testing.T) {
	const rows = 40_000
	src, asOf, err := demo.County(rows, 1)
	if err != nil {
		t.Fatal(err)
	}
	tw := loadClean(t, src, asOf)
	n := 0
	for _, v := range tw.Villages {
		if h := len(v.Households); h < 250 || h > 1300 {
			t.Errorf("%s has %d households, want 250 to 1,200 and a few who joined", v.ID, h)
		}
		if len(v.Months) != 12 {
			t.Errorf("%s has %d months, want 12", v.ID, len(v.Months))
		}
		for _, m := range v.Months {
			n += len(m.Entries)
		}
	}
	last := 0
	for _, m := range tw.Villages[len(tw.Villages)-1].Months {
		last += len(m.Entries)
	}
	if n < rows || n-last >= rows {
		t.Errorf("%d rows in %d villages, want the fewest villages with at least %d", n, len(tw.Villages), rows)
	}
}

// TestHistoryAcrossYears checks a synthetic town of small villages over more than two years:
// its records have no errors, and its history has corrections and roster changes.
func TestHistoryAcrossYears(t *testing.T) {
	changes, err := demo.Synthetic(demo.Plan{Profile: "history", Villages: 3, Months: 30})
	if err != nil {
		t.Fatal(err)
	}
	r, err := records.Replay("main", changes)
	if err != nil {
		t.Fatal(err)
	}
	src, err := records.Approved(r, records.Options{})
	if err != nil {
		t.Fatal(err)
	}
	last := changes[len(changes)-1]
	loadClean(t, src, last.MergeTime.AddDate(0, 1, 0))
	corrections, rosters := 0, 0
	for _, c := range changes[1:] {
		if strings.HasSuffix(c.Branch, "-correction") {
			corrections++
		}
		for p := range c.Files {
			if strings.HasSuffix(p, "/households.csv") {
				rosters++
			}
		}
	}
	t.Logf("%d changes, %d corrections, %d roster changes", len(changes), corrections, rosters)
	if corrections == 0 || rosters == 0 {
		t.Error("the history has no corrections or no roster changes")
	}
}

// loadClean checks and scores synthetic records and fails on any error.
func loadClean(t *testing.T, src town.Source, asOf time.Time) *town.Town {
	t.Helper()
	report := audit.Run(src, audit.Options{Now: asOf})
	if report.Town == nil {
		t.Fatal("no town")
	}
	warnings := 0
	for _, d := range report.Diagnostics {
		if d.Severity == check.Warning {
			warnings++
			continue
		}
		t.Error(d)
	}
	t.Logf("%d villages, %d warnings", len(report.Town.Villages), warnings)
	return report.Town
}

// TestSyntheticPlans checks that a plan the generator cannot follow is an error, not a panic.
func TestSyntheticPlans(t *testing.T) {
	for _, p := range []demo.Plan{
		{Profile: "province", Villages: 1},
		{Profile: "county"},
		{Profile: "history", Villages: -1},
		{Profile: "history", Villages: 1, Months: -2},
	} {
		if _, err := demo.Synthetic(p); err == nil {
			t.Errorf("%+v: no error", p)
		}
	}
}
