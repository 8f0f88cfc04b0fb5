package main

import (
	"strings"
	"testing"
)

// TestBenchCheck runs jifen bench-check on a small synthetic county: it must find no errors in
// the records and report the ratio. (Cap warnings may come: the rules cut what they cut.)
func TestBenchCheck(t *testing.T) {
	stdout, stderr, err := jifen(t, "bench-check", "--rows", "20000", "--runs", "1")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	for _, want := range []string{"plain encoding/csv pass", "parse (town.Load)", "validate (audit.Run)", "×", "peak memory of validate ", "problems found: 0 errors,"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
}
