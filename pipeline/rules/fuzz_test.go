package rules

import (
	"fmt"
	"os"
	"testing"
	"time"
)

// FuzzParseRules feeds the rule-set loader arbitrary TOML: it must not panic or hang; it returns
// a rule set whenever the file decodes, and problems whenever it returns none; a rule set it
// returns without problems passes its own checks (its items in its categories, its caps
// agreeing with its points), and every rule set it returns can be compared and said in words.
func FuzzParseRules(f *testing.F) {
	demo, err := os.ReadFile("../demo/records/rules/2025-01-01.toml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(demo)
	f.Add([]byte(minimal))
	f.Add([]byte(minimal + "[[items]]\nid = \"A1\"\ncategory = \"A\"\nname = \"x\"\nlevels = [15, 10, 5]\ncap = 15\npublish = \"Y\"\n[[honours.stars]]\nstars = 1\nmin_points = 30\n"))
	f.Add([]byte("effective = 2025-02-30\n[[items]\n"))
	f.Add([]byte("\ufefftitle = “云溪”\nmonthly_cap ＝ \"60\"\n[[items]]\nlevels = [15，10]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		// A hang crashes the worker, so that the fuzzer keeps the input.
		tm := time.AfterFunc(10*time.Second, func() { panic(fmt.Sprintf("hangs on %q", data)) })
		rs, diags := Parse("rules/2025-01-01.toml", data)
		tm.Stop()
		if rs == nil && len(diags) == 0 {
			t.Fatal("neither a rule set nor problems")
		}
		for _, d := range diags {
			if d.Message("zh") == "" || d.Message("en") == "" {
				t.Errorf("%+v: no message", d)
			}
		}
		if rs == nil {
			return
		}
		for _, c := range Diff(rs, &RuleSet{}) {
			_ = c.Text("zh") + c.Text("en")
		}
		if len(diags) > 0 {
			return
		}
		for _, it := range rs.Items {
			if rs.Category(it.Category) == nil || rs.Item(it.ID) == nil {
				t.Errorf("item %+v: category or index broken", it)
			}
			for _, p := range it.Allowed() {
				if p == 0 || abs(p) > abs(it.Cap) {
					t.Errorf("item %+v allows %d", it, p)
				}
			}
		}
		if len(Diff(rs, rs)) != 0 {
			t.Error("a rule set differs from itself")
		}
	})
}
