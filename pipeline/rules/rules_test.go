package rules

import (
	"fmt"
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
			"rules/2025-02-01.toml:2: E011 file name \"2025-02-01\" is wrong: 文件名要和 effective 的日期一致 / the file name must be the effective date 2025-01-01"},
		{"unknown key", "rules/2025-01-01.toml", "[[items]]\nid = \"A1\"\ncolour = \"red\"\n",
			"rules/2025-01-01.toml:17: E010 malformed TOML: unknown key / 不认识的键 items.colour"},
		{"syntax", "rules/2025-01-01.toml", "[[items]\n", "rules/2025-01-01.toml:15: E010 malformed TOML: toml: expected ']]' to close array table name"},
		{"duplicate id and unknown category", "rules/2025-01-01.toml",
			"[[items]]\nid = \"A\"\ncategory = \"B\"\nname = \"x\"\npoints = 2\ncap = 4\npublish = \"Y\"\n",
			"rules/2025-01-01.toml:16: E106 items.id \"A\" appears more than once\n" +
				"rules/2025-01-01.toml:17: E012 items.category \"B\" is wrong: A: 类别不存在 / A: no such category"},
		{"cap contradicts points", "rules/2025-01-01.toml",
			"[[items]]\nid = \"A1\"\ncategory = \"A\"\nname = \"x\"\npoints = 5\ncap = 4\npublish = \"Y\"\n",
			"rules/2025-01-01.toml:20: E012 items.cap \"4\" is wrong: A1: 上限和分值 5 矛盾 / A1: cap contradicts points 5"},
		{"deduction with a positive cap", "rules/2025-01-01.toml",
			"[[items]]\nid = \"A1\"\ncategory = \"A\"\nname = \"x\"\npoints = -5\ncap = 10\npublish = \"N\"\n",
			"rules/2025-01-01.toml:20: E012 items.cap \"10\" is wrong: A1: 上限和分值 -5 矛盾 / A1: cap contradicts points -5"},
		{"veto effect", "rules/2025-01-01.toml", "[[vetoes]]\nid = \"V1\"\nname = \"x\"\neffect = \"E3\"\n",
			"rules/2025-01-01.toml:18: E012 vetoes.effect \"E3\" is wrong: V1: E1 或 E2 / V1: E1 or E2"},
		{"points above the weight and the monthly cap", "rules/2025-01-01.toml",
			"[[items]]\nid = \"A1\"\ncategory = \"A\"\nname = \"x\"\nlevels = [70, 50]\ncap = 70\npublish = \"Y\"\n" +
				"[[items]]\nid = \"A2\"\ncategory = \"A\"\nname = \"y\"\npoints = 10\ncap = 80\ncap_period = \"year\"\npublish = \"Y\"\n",
			"rules/2025-01-01.toml:19: E012 items.levels \"70\" is wrong: A1: 超过每月总上限 monthly_cap / A1: more than the monthly cap\n" +
				"rules/2025-01-01.toml:27: E012 items.cap \"80\" is wrong: A2: 每年上限超过类别 A 的权重 / A2: the yearly cap is more than the weight of category A"},
		{"adopted after it takes effect", "rules/2025-01-01.toml", "",
			"rules/2025-01-01.toml:6: E012 adoption.date \"2025-02-01\" is wrong: 通过日期晚于生效日期 2025-01-01 / adopted after it takes effect on 2025-01-01"},
		{"honours", "rules/2025-01-01.toml",
			"[[honours.stars]]\nstars = 1\nmin_points = 30\n[[honours.stars]]\nstars = 2\nmin_points = 30\n[[honours.stars]]\nstars = 3\nmin_points = 90\nmin_categories = 2\n[honours.model]\ncategory = \"XF\"\ntop = 3\n",
			"rules/2025-01-01.toml:20: E012 honours.stars.min_points \"30\" is wrong: 要比低一星的高 / must be more than the level below\n" +
				"rules/2025-01-01.toml:23: E012 honours.stars.min_points \"90\" is wrong: 一年最多只能得 60 分（类别权重和每月上限） / a household can earn at most 60 points a year (weights and monthly cap)\n" +
				"rules/2025-01-01.toml:26: E012 honours.model.category \"XF\" is wrong: 类别不存在 / no such category"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := minimal + tt.extra
			if tt.name == "adopted after it takes effect" {
				src = strings.Replace(src, "date = 2024-12-20", "date = 2025-02-01", 1)
			}
			rs, diags := Parse(tt.file, []byte(src))
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

func TestLintVersions(t *testing.T) {
	vs := Versions{
		{Effective: "2025-01-01", File: "rules/2025-01-01.toml"},
		{Effective: "2025-03-10", File: "rules/2025-03-10.toml"},
		{Effective: "2025-03-20", File: "rules/2025-03-20.toml"},
		{Effective: "2025-04-01", File: "rules/2025-04-01.toml"},
		{Effective: "2025-12-15", File: "rules/2025-12-15.toml"},
	}
	var got []string
	for _, d := range vs.Lint() {
		got = append(got, d.String())
	}
	want := "rules/2025-03-10.toml: E128 version 2025-03-10 is never in force: version 2025-03-20 takes effect before the first month it would govern (a month is scored by the latest version in force on its first day)\n" +
		"rules/2025-03-20.toml: E128 version 2025-03-20 is never in force: version 2025-04-01 takes effect before the first month it would govern (a month is scored by the latest version in force on its first day)"
	if g := strings.Join(got, "\n"); g != want {
		t.Errorf("got:\n%s\nwant:\n%s", g, want)
	}
	for day, want := range map[string]string{"2025-01-01": "2025-01", "2025-01-02": "2025-02", "2025-12-31": "2026-01"} {
		if got := FirstMonth(day); got != want {
			t.Errorf("FirstMonth(%s) = %s, want %s", day, got, want)
		}
	}
}

func TestDiff(t *testing.T) {
	data, err := os.ReadFile("../demo/records/rules/2025-01-01.toml")
	if err != nil {
		t.Fatal(err)
	}
	old, diags := Parse("rules/2025-01-01.toml", data)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	edited := strings.NewReplacer(
		"effective = 2025-01-01", "effective = 2026-01-01",
		"levels = [15, 10, 5]\ncap = 15", "levels = [20, 10, 5]\ncap = 20",
		"min_points = 300", "min_points = 320",
		"[[vetoes]]\nid = \"V9\"\nname = \"大操大办经劝阻不改\"\neffect = \"E1\"\n", "",
	).Replace(string(data))
	new, diags := Read("next.toml", []byte(edited))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	if len(Diff(old, old)) != 0 {
		t.Error("a rule set differs from itself")
	}
	var got []string
	for _, c := range Diff(old, new) {
		got = append(got, fmt.Sprintf("%s %s %s %s: %s → %s", c.Kind, c.Table, c.ID, c.Key, c.Old, c.New))
	}
	want := "changed   effective: 2025-01-01 → 2026-01-01\n" +
		"changed items XF04 levels: [15, 10, 5] → [20, 10, 5]\n" +
		"changed items XF04 cap: 15 → 20\n" +
		"removed vetoes V9 : name = 大操大办经劝阻不改, effect = E1 → \n" +
		"changed honours.stars 5 min_points: 300 → 320"
	if g := strings.Join(got, "\n"); g != want {
		t.Errorf("got:\n%s\nwant:\n%s", g, want)
	}
}
