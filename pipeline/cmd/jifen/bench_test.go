package main

import (
	"strings"
	"testing"
)

// TestBenchCheck runs jifen bench-check on a small synthetic county: it must find the records
// clean and report the ratios.
func TestBenchCheck(t *testing.T) {
	stdout, stderr, err := jifen(t, "bench-check", "--rows", "20000", "--runs", "1")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	for _, want := range []string{"plain encoding/csv pass", "parse and check (town.Load)", "×", "problems found: 0 errors, 0 warnings"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
}
