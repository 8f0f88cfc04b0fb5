package rules

import (
	"os"
	"strings"
	"testing"
)

func TestDemoRuleSet(t *testing.T) {
	data, err := os.ReadFile("../demo/records/rules/2025-01-01.toml")
	if err != nil {
		t.Fatal(err)
	}
	rs, diags := Parse("rules/2025-01-01.toml", data)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	if len(rs.Categories) != 6 || len(rs.Items) != 28 || len(rs.Vetoes) != 9 {
		t.Errorf("got %d categories, %d items, %d vetoes; want 6, 28, 9", len(rs.Categories), len(rs.Items), len(rs.Vetoes))
	}
	if rs.Effective != "2025-01-01" || rs.Adoption.Date != "2024-12-20" || rs.MonthlyCap != 60 {
		t.Errorf("effective %s, adopted %s, monthly cap %d", rs.Effective, rs.Adoption.Date, rs.MonthlyCap)
	}
	xf04 := rs.Item("XF04")
	if xf04 == nil || len(xf04.Allowed()) != 3 || xf04.CapPeriod != "month" {
		t.Errorf("XF04 = %+v", xf04)
	}
	if it := rs.Item("ZF05"); it == nil || !it.Deduction() || it.Cap != -20 {
		t.Errorf("ZF05 = %+v", it)
	}
	if v := rs.Veto("V8"); v == nil || v.Effect != "E2" {
		t.Errorf("V8 = %+v", v)
	}
	if len(rs.Honours.Stars) != 5 || rs.Honours.Stars[4].MinCategories != 4 || rs.Market.Expiry != "year-end" {
		t.Errorf("honours %+v, market %+v", rs.Honours, rs.Market)
	}
}

const minimal = `title = "t"
effective = 2025-01-01
monthly_cap = 60
[adoption]
body = "村民代表会议"
date = 2024-12-20
[[categories]]
id = "A"
name = "甲"
weight = 60
[supermarket]
points = 1
yuan = 1
expiry = "year-end"
`

func TestParseProblems(t *testing.T) {
	tests := []struct {
		name, file, extra, want string
	}{
		{"clean", "rules/2025-01-01.toml", "", ""},
		{"file name is not the effective date", "rules/2025-02-01.toml", "",
			"rules/2025-02-01.toml: E011 file name \"2025-02-01\" is wrong: 文件名要和 effective 的日期一致 / the file name must be the effective date 2025-01-01"},
		{"unknown key", "rules/2025-01-01.toml", "[[items]]\nid = \"A1\"\ncolour = \"red\"\n",
			"rules/2025-01-01.toml:17: E010 malformed TOML: unknown key / 不认识的键 items.colour"},
		{"syntax", "rules/2025-01-01.toml", "[[items]\n", "rules/2025-01-01.toml:15: E010 malformed TOML: toml: expected ']]' to close array table name"},
		{"duplicate id and unknown category", "rules/2025-01-01.toml",
			"[[items]]\nid = \"A\"\ncategory = \"B\"\nname = \"x\"\npoints = 2\ncap = 4\npublish = \"Y\"\n",
			"rules/2025-01-01.toml: E106 items.id \"A\" appears more than once\n" +
				"rules/2025-01-01.toml: E012 items.category \"B\" is wrong: A: 类别不存在 / no such category"},
		{"cap contradicts points", "rules/2025-01-01.toml",
			"[[items]]\nid = \"A1\"\ncategory = \"A\"\nname = \"x\"\npoints = 5\ncap = 4\npublish = \"Y\"\n",
			"rules/2025-01-01.toml: E012 items.cap \"4\" is wrong: A1: 上限和分值 5 矛盾 / cap contradicts points 5"},
		{"deduction with a positive cap", "rules/2025-01-01.toml",
			"[[items]]\nid = \"A1\"\ncategory = \"A\"\nname = \"x\"\npoints = -5\ncap = 10\npublish = \"N\"\n",
			"rules/2025-01-01.toml: E012 items.cap \"10\" is wrong: A1: 上限和分值 -5 矛盾 / cap contradicts points -5"},
		{"veto effect", "rules/2025-01-01.toml", "[[vetoes]]\nid = \"V1\"\nname = \"x\"\neffect = \"E3\"\n",
			"rules/2025-01-01.toml: E012 vetoes.effect \"E3\" is wrong: V1: E1 或 E2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs, diags := Parse(tt.file, []byte(minimal+tt.extra))
			var got []string
			for _, d := range diags {
				got = append(got, d.String())
			}
			g := strings.Join(got, "\n")
			if tt.want == "" {
				if g != "" || rs == nil {
					t.Errorf("want no problems, got:\n%s", g)
				}
				return
			}
			if !strings.HasPrefix(g, tt.want) || rs != nil {
				t.Errorf("got:\n%s\nwant:\n%s", g, tt.want)
			}
		})
	}
}

func TestInForce(t *testing.T) {
	vs := Versions{{Effective: "2025-07-01"}, {Effective: "2025-01-01"}, {Effective: "2025-07-15"}}
	vs.Sort()
	for month, want := range map[string]string{"2024-12": "", "2025-01": "2025-01-01", "2025-07": "2025-07-01", "2025-08": "2025-07-15"} {
		got := ""
		if rs := vs.InForce(month); rs != nil {
			got = rs.Effective
		}
		if got != want {
			t.Errorf("InForce(%s) = %q, want %q", month, got, want)
		}
	}
}
