package scaffold

import (
	"strings"
	"testing"
	"time"

	"github.com/jifen-project/jifen/pipeline/audit"
	"github.com/jifen-project/jifen/pipeline/rules"
	"github.com/jifen-project/jifen/pipeline/town"
)

var qingshan = Town{Name: "青山镇", Org: "qingshan-town", Village: "qingshan", VillageName: "青山村"}

// TestFiles checks that a new town's records are complete, filled in and free of problems.
func TestFiles(t *testing.T) {
	files, err := Files(qingshan)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{
		"town.toml", "rules/2025-01-01.toml", "README.md",
		"villages/qingshan/village.toml", "villages/qingshan/households.csv",
		".github/CODEOWNERS", ".github/pull_request_template.md", ".github/workflows/validate.yml",
	} {
		if len(files[name]) == 0 {
			t.Errorf("no %s", name)
		}
	}
	for name, data := range files {
		if strings.Contains(string(data), "{{") || strings.Contains(name, "VILLAGE") {
			t.Errorf("%s is not filled in", name)
		}
	}
	if diags := audit.Run(town.Source{Files: files}, audit.Options{Now: time.Now()}).Diagnostics; len(diags) > 0 {
		t.Errorf("the new records have problems:\n%v", diags)
	}
	if s := string(files[".github/CODEOWNERS"]); !strings.Contains(s, "\n/villages/qingshan/ @qingshan-town/qingshan-evaluation\n") {
		t.Errorf("CODEOWNERS does not make the village's evaluation group review its folder:\n%s", s)
	}
}

// TestRuleSet checks that the rule set is the demo's with the town's title and an adoption
// record left to fill in.
func TestRuleSet(t *testing.T) {
	name, data := ruleSet("青山镇")
	rs, diags := rules.Parse(name, data)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	if rs.Title != "青山镇积分制乡村治理实施细则（示范文本）" || !strings.Contains(rs.Adoption.Record, "jifen init") {
		t.Errorf("title %q, adoption %+v", rs.Title, rs.Adoption)
	}
	if s := string(data); strings.Contains(s, "云溪镇") || strings.Contains(s, "演示") {
		t.Errorf("the rule set still names the demo town:\n%s", s[:400])
	}
}

func TestBadOrganisation(t *testing.T) {
	for _, org := range []string{"", "-town", "town org", "town/org", strings.Repeat("x", 40)} {
		bad := qingshan
		bad.Org = org
		if _, err := Files(bad); err == nil {
			t.Errorf("organisation %q accepted", org)
		}
	}
}
