package demo_test

import (
	"testing"
	"time"

	"github.com/jifen-project/jifen/pipeline/demo"
	"github.com/jifen-project/jifen/pipeline/records"
)

func TestZZProf(t *testing.T) {
	start := time.Now()
	changes, err := demo.Synthetic(demo.Plan{Profile: "county", Rows: 500_000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Log("generate", time.Since(start))
	start = time.Now()
	r, err := records.Replay("main", changes)
	if err != nil {
		t.Fatal(err)
	}
	t.Log("replay", time.Since(start))
	start = time.Now()
	if _, err := records.Approved(r, records.Options{}); err != nil {
		t.Fatal(err)
	}
	t.Log("approved", time.Since(start))
}
