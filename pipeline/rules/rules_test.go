package rules

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/jifen-project/jifen/pipeline/check"
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
	if xf04 == nil || len(xf04.Allowed()) != 3 || xf04.CapPeriod != PerMonth {
		t.Errorf("XF04 = %+v", xf04)
	}
	if it := rs.Item("ZF05"); it == nil || !it.Deduction() || it.Cap != -20 {
		t.Errorf("ZF05 = %+v", it)
	}
	if v := rs.Veto("V8"); v == nil || v.Effect != E2 {
		t.Errorf("V8 = %+v", v)
	}
	if len(rs.Honours.Stars) != 5 || rs.Honours.Stars[4].MinCategories != 4 || rs.Market.Expiry != YearEnd {
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

// messages renders diagnostics one a line, as "line code message", in lang.
func messages(diags check.List, lang string) string {
	var out []string
	for _, d := range diags {
		out = append(out, fmt.Sprintf("%d %s %s", d.Line, d.Code, d.Message(lang)))
	}
	return strings.Join(out, "\n")
}

// parseProblems are rule sets with mistakes: minimal with extra lines, and what Parse says of
// them in both languages, as "line code message".
var parseProblems = []struct {
	name, file, extra, zh, en string
}{
	{"clean", "rules/2025-01-01.toml", "", "", ""},
	{"file name is not the effective date", "rules/2025-02-01.toml", "",
		`2 E011 文件名 "2025-02-01.toml" 不对：和文件里写的 effective = 2025-01-01 对不上；照旧版复制的新一版要把这一行改成自己的生效日期。应该是 "effective = 2025-02-01"`,
		`2 E011 the file name "2025-02-01.toml" is wrong: it disagrees with effective = 2025-01-01 in the file; a new version copied from an old one needs this line changed to its own date; it should be "effective = 2025-02-01"`},
	{"file name is not a day", "rules/2025-1-1.toml", "",
		`2 E011 文件名 "2025-1-1.toml" 不对：细则的文件名要和 effective 写的生效日期 2025-01-01 一致。应该是 "2025-01-01.toml"`,
		`2 E011 the file name "2025-1-1.toml" is wrong: a rule set's file is named after its effective date, 2025-01-01; it should be "2025-01-01.toml"`},
	{"duplicate id and unknown category", "rules/2025-01-01.toml",
		"[[items]]\nid = \"A\"\ncategory = \"B\"\nname = \"x\"\npoints = 2\ncap = 4\npublish = \"Y\"\n",
		"16 E106 “items.id” \"A\" 重复出现：categories.id 里已经有这个代码，代码在整个细则里不能重复\n" +
			"17 E012 “items.category”的值 \"B\" 不对：事项 A 所属的类别不存在",
		"16 E106 \"items.id\" \"A\" appears more than once: categories.id already has this code, and a code is used once in a rule set\n" +
			"17 E012 \"items.category\" \"B\" is wrong: item A is in no category of the rule set"},
	{"cap below the points", "rules/2025-01-01.toml",
		"[[items]]\nid = \"A1\"\ncategory = \"A\"\nname = \"x\"\npoints = 5\ncap = 4\npublish = \"Y\"\n",
		"20 E012 “items.cap”的值 \"4\" 不对：事项 A1 的上限还不到一次的分值 5",
		"20 E012 \"items.cap\" \"4\" is wrong: the cap of item A1 is less than the 5 points of a single entry"},
	{"deduction with a positive cap", "rules/2025-01-01.toml",
		"[[items]]\nid = \"A1\"\ncategory = \"A\"\nname = \"x\"\npoints = -5\ncap = 10\npublish = \"N\"\n",
		"20 E012 “items.cap”的值 \"10\" 不对：事项 A1 的分值是 -5，上限要和分值同号：加分写正数，扣分写负数",
		"20 E012 \"items.cap\" \"10\" is wrong: item A1 gives -5 points, so its cap has the same sign: positive for points added, negative for points taken away"},
	{"levels of both signs, missing cap and publication", "rules/2025-01-01.toml",
		"[[items]]\nid = \"A1\"\ncategory = \"A\"\nname = \"x\"\nlevels = [5, -5]\ncap_period = \"Month\"\n",
		"16 E006 “items.cap”不能为空\n" +
			"16 E006 “items.publish”不能为空\n" +
			"19 E012 “items.levels”的值 \"-5\" 不对：事项 A1 的几档分值要么都是加分，要么都是扣分\n" +
			"20 E012 “items.cap_period”的值 \"Month\" 不对：事项 A1 的上限期间要写 \"month\"（每月）或 \"year\"（每年）",
		"16 E006 \"items.cap\" must not be empty\n" +
			"16 E006 \"items.publish\" must not be empty\n" +
			"19 E012 \"items.levels\" \"-5\" is wrong: the levels of item A1 must all add points or all take them away\n" +
			"20 E012 \"items.cap_period\" \"Month\" is wrong: the cap period of item A1 is \"month\" or \"year\""},
	{"points and levels", "rules/2025-01-01.toml",
		"[[items]]\nid = \"A1\"\ncategory = \"A\"\nname = \"x\"\npoints = 5\nlevels = [5, 3]\ncap = 5\npublish = \"y\"\n",
		"19 E012 “items.points”的值 \"5\" 不对：事项 A1 写了 points 又写了 levels，只能写其中一个\n" +
			"22 E012 “items.publish”的值 \"y\" 不对：事项 A1 的公开方式要写 \"Y\"（公开说明）、\"C\"（只公开类别）或 \"N\"（不公开原因）",
		"19 E012 \"items.points\" \"5\" is wrong: item A1 gives both points and levels, but takes only one of them\n" +
			"22 E012 \"items.publish\" \"y\" is wrong: item A1 publishes \"Y\" (the note), \"C\" (the category only) or \"N\" (nothing)"},
	{"veto effect", "rules/2025-01-01.toml", "[[vetoes]]\nid = \"V1\"\nname = \"x\"\neffect = \"E3\"\n",
		"18 E012 “vetoes.effect”的值 \"E3\" 不对：一票否决情形 V1 的效果要写 \"E1\" 或 \"E2\"",
		"18 E012 \"vetoes.effect\" \"E3\" is wrong: the effect of veto V1 is \"E1\" or \"E2\""},
	{"points above the weight and the monthly cap", "rules/2025-01-01.toml",
		"[[items]]\nid = \"A1\"\ncategory = \"A\"\nname = \"x\"\nlevels = [70, 50]\ncap = 70\npublish = \"Y\"\n" +
			"[[items]]\nid = \"A2\"\ncategory = \"A\"\nname = \"y\"\npoints = 10\ncap = 80\ncap_period = \"year\"\npublish = \"Y\"\n",
		"19 E012 “items.levels”的值 \"70\" 不对：事项 A1 的分值超过了每户每月加分的总上限 monthly_cap（60 分）\n" +
			"27 E012 “items.cap”的值 \"80\" 不对：事项 A2 的每年上限超过了类别 A 的权重（每年 60 分）",
		"19 E012 \"items.levels\" \"70\" is wrong: item A1 gives more than the monthly cap of 60 points\n" +
			"27 E012 \"items.cap\" \"80\" is wrong: the yearly cap of item A2 is more than the weight of category A, 60 points a year"},
	{"adopted after it takes effect", "rules/2025-01-01.toml", "",
		"6 E012 “adoption.date”的值 \"2025-02-01\" 不对：通过日期晚于生效日期 2025-01-01",
		"6 E012 \"adoption.date\" \"2025-02-01\" is wrong: adopted after it takes effect on 2025-01-01"},
	{"honours", "rules/2025-01-01.toml",
		"[[honours.stars]]\nstars = 1\nmin_points = 30\n[[honours.stars]]\nstars = 2\nmin_points = 30\n[[honours.stars]]\nstars = 3\nmin_points = 90\nmin_categories = 2\n[[honours.stars]]\nstars = 5\n[honours.model]\ncategory = \"XF\"\ntop = -3\n",
		"20 E012 “honours.stars.min_points”的值 \"30\" 不对：要比低一星级的 30 分高\n" +
			"23 E012 “honours.stars.min_points”的值 \"90\" 不对：一户一年最多只能得 60 分（各类别权重之和，或者每月总上限的 12 倍，取小的）\n" +
			"26 E012 “honours.stars.stars”的值 \"5\" 不对：星级要从 1 起依次排列，这里应该是 4\n" +
			"28 E012 “honours.model.category”的值 \"XF\" 不对：细则里没有这个类别\n" +
			"29 E012 “honours.model.top”的值 \"-3\" 不对：不能是负数",
		"20 E012 \"honours.stars.min_points\" \"30\" is wrong: must be more than the 30 points of the level below\n" +
			"23 E012 \"honours.stars.min_points\" \"90\" is wrong: a household earns at most 60 points a year (the sum of the weights, or 12 times the monthly cap if that is less)\n" +
			"26 E012 \"honours.stars.stars\" \"5\" is wrong: star levels run 1, 2, 3 and on in order: this one is 4\n" +
			"28 E012 \"honours.model.category\" \"XF\" is wrong: the rule set has no such category\n" +
			"29 E012 \"honours.model.top\" \"-3\" is wrong: must not be negative"},
	{"missing keys", "rules/2025-01-01.toml", "",
		"1 E006 “effective”不能为空\n1 E006 “monthly_cap”不能为空\n1 E006 “title”不能为空\n7 E012 “categories.weight”的值 \"0\" 不对：类别 A 的权重要大于 0\n8 E006 “supermarket.points”不能为空\n9 E012 “supermarket.yuan”的值 \"0\" 不对：要大于 0\n10 E012 “supermarket.expiry”的值 \"year\" 不对：要写 \"year-end\"（每年 12 月 31 日清零）或 \"never\"（不清零）",
		"1 E006 \"effective\" must not be empty\n1 E006 \"monthly_cap\" must not be empty\n1 E006 \"title\" must not be empty\n7 E012 \"categories.weight\" \"0\" is wrong: the weight of category A must be more than 0\n8 E006 \"supermarket.points\" must not be empty\n9 E012 \"supermarket.yuan\" \"0\" is wrong: must be more than 0\n10 E012 \"supermarket.expiry\" \"year\" is wrong: is \"year-end\" (cleared on 31 December) or \"never\""},
}

func TestParseProblems(t *testing.T) {
	for _, tt := range parseProblems {
		t.Run(tt.name, func(t *testing.T) {
			src := minimal + tt.extra
			switch tt.name {
			case "adopted after it takes effect":
				src = strings.Replace(src, "date = 2024-12-20", "date = 2025-02-01", 1)
			case "missing keys":
				src = strings.NewReplacer("title = \"t\"\n", "", "effective = 2025-01-01\n", "", "monthly_cap = 60\n", "",
					"weight = 60", "weight = 0", "points = 1\n", "", "yuan = 1", "yuan = 0", "\"year-end\"", "\"year\"").Replace(src)
			}
			rs, diags := Parse(tt.file, []byte(src))
			if rs == nil {
				t.Fatalf("no rule set returned with:\n%s", messages(diags, "en"))
			}
			if got := messages(diags, "zh"); got != tt.zh {
				t.Errorf("zh:\n%s\nwant:\n%s", got, tt.zh)
			}
			if got := messages(diags, "en"); got != tt.en {
				t.Errorf("en:\n%s\nwant:\n%s", got, tt.en)
			}
		})
	}
}

// oneCause are rule sets with one mistake each: minimal with the replacements made and extra
// lines, and all that Parse says of them, in both languages. A missing key or table is reported
// once, and nothing that depends on a value already reported is checked.
var oneCause = []struct {
	name, file string
	replace    []string
	extra      string
	zh, en     string
}{
	{"a copy not yet edited", "rules/2025-07-15.toml", []string{"date = 2024-12-20", "date = 2025-07-01"}, "",
		`2 E011 文件名 "2025-07-15.toml" 不对：和文件里写的 effective = 2025-01-01 对不上；照旧版复制的新一版要把这一行改成自己的生效日期。应该是 "effective = 2025-07-15"`,
		`2 E011 the file name "2025-07-15.toml" is wrong: it disagrees with effective = 2025-01-01 in the file; a new version copied from an old one needs this line changed to its own date; it should be "effective = 2025-07-15"`},
	{"no monthly cap", "rules/2025-01-01.toml", []string{"monthly_cap = 60\n", ""},
		"[[items]]\nid = \"A1\"\ncategory = \"A\"\nname = \"x\"\npoints = 5\ncap = 10\npublish = \"Y\"\n" + stars,
		"1 E006 “monthly_cap”不能为空", `1 E006 "monthly_cap" must not be empty`},
	{"no supermarket", "rules/2025-01-01.toml", []string{"[supermarket]\npoints = 1\nyuan = 1\nexpiry = \"year-end\"\n", ""}, stars,
		"1 E006 “supermarket”不能为空：细则里没有 [supermarket] 这一节", `1 E006 "supermarket" must not be empty: the rule set has no [supermarket] table`},
	{"no adoption", "rules/2025-01-01.toml", []string{"[adoption]\nbody = \"村民代表会议\"\ndate = 2024-12-20\n", ""}, "",
		"1 E006 “adoption”不能为空：细则里没有 [adoption] 这一节", `1 E006 "adoption" must not be empty: the rule set has no [adoption] table`},
	{"negative weight", "rules/2025-01-01.toml", []string{"weight = 60", "weight = -60"},
		"[[items]]\nid = \"A1\"\ncategory = \"A\"\nname = \"x\"\npoints = 5\ncap = 50\ncap_period = \"year\"\npublish = \"Y\"\n" + stars,
		`10 E012 “categories.weight”的值 "-60" 不对：类别 A 的权重要大于 0`,
		`10 E012 "categories.weight" "-60" is wrong: the weight of category A must be more than 0`},
	{"a category's id mistyped", "rules/2025-01-01.toml", []string{`id = "A"`, `id = "AB"`},
		"[[items]]\nid = \"A1\"\ncategory = \"A\"\nname = \"x\"\npoints = 5\ncap = 10\npublish = \"Y\"\n" +
			"[[items]]\nid = \"A2\"\ncategory = \"A\"\nname = \"y\"\npoints = 5\ncap = 10\npublish = \"Y\"\n" + stars,
		"17 E012 “items.category”的值 \"A\" 不对：事项 A1 所属的类别不存在\n" +
			"24 E012 “items.category”的值 \"A\" 不对：事项 A2 所属的类别不存在",
		"17 E012 \"items.category\" \"A\" is wrong: item A1 is in no category of the rule set\n" +
			"24 E012 \"items.category\" \"A\" is wrong: item A2 is in no category of the rule set"},
	{"an item's category mistyped", "rules/2025-01-01.toml", nil,
		"[[items]]\nid = \"A1\"\ncategory = \"A\"\nname = \"x\"\npoints = 5\ncap = 10\npublish = \"Y\"\n" +
			"[[items]]\nid = \"A2\"\ncategory = \"a\"\nname = \"y\"\npoints = 5\ncap = 10\npublish = \"Y\"\n",
		`24 E012 “items.category”的值 "a" 不对：事项 A2 所属的类别不存在。是不是要写 "A"？`,
		`24 E012 "items.category" "a" is wrong: item A2 is in no category of the rule set; did you mean "A"?`},
	{"levels above the cap and the monthly cap", "rules/2025-01-01.toml", nil,
		"[[items]]\nid = \"A1\"\ncategory = \"A\"\nname = \"x\"\nlevels = [15, 10, 5]\ncap = 4\npublish = \"Y\"\n" +
			"[[items]]\nid = \"A2\"\ncategory = \"A\"\nname = \"y\"\nlevels = [65, 70]\ncap = 70\npublish = \"Y\"\n" +
			"[[items]]\nid = \"A3\"\ncategory = \"A\"\nname = \"z\"\nlevels = [5, 0, -5]\ncap = 5\npublish = \"Y\"\n",
		"20 E012 “items.cap”的值 \"4\" 不对：事项 A1 的上限还不到一次的分值 15\n" +
			"26 E012 “items.levels”的值 \"70\" 不对：事项 A2 的分值超过了每户每月加分的总上限 monthly_cap（60 分）\n" +
			"33 E012 “items.levels”的值 \"0\" 不对：事项 A3 的分值不能是 0",
		"20 E012 \"items.cap\" \"4\" is wrong: the cap of item A1 is less than the 15 points of a single entry\n" +
			"26 E012 \"items.levels\" \"70\" is wrong: item A2 gives more than the monthly cap of 60 points\n" +
			"33 E012 \"items.levels\" \"0\" is wrong: the points of item A3 must not be 0"},
	{"points above the weight, capped per year", "rules/2025-01-01.toml", []string{"monthly_cap = 60", "monthly_cap = 100"},
		"[[items]]\nid = \"A1\"\ncategory = \"A\"\nname = \"x\"\npoints = 80\ncap = 80\ncap_period = \"year\"\npublish = \"Y\"\n",
		`19 E012 “items.points”的值 "80" 不对：事项 A1 的分值超过了类别 A 的权重（每年 60 分）`,
		`19 E012 "items.points" "80" is wrong: item A1 gives more than the weight of category A, 60 points a year`},
}

// stars are star levels that minimal's rule set can reach.
const stars = "[[honours.stars]]\nstars = 1\nmin_points = 30\nmin_categories = 1\n[[honours.stars]]\nstars = 2\nmin_points = 50\n"

func TestOneCause(t *testing.T) {
	for _, tt := range oneCause {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.NewReplacer(tt.replace...).Replace(minimal) + tt.extra
			rs, diags := Parse(tt.file, []byte(src))
			if rs == nil {
				t.Fatalf("no rule set returned with:\n%s", messages(diags, "en"))
			}
			if got := messages(diags, "zh"); got != tt.zh {
				t.Errorf("zh:\n%s\nwant:\n%s", got, tt.zh)
			}
			if got := messages(diags, "en"); got != tt.en {
				t.Errorf("en:\n%s\nwant:\n%s", got, tt.en)
			}
		})
	}
}

// A rule set with a problem is still returned, with its problems, so that a caller tells a
// broken version from no version; and it is indexed, the first of a repeated id winning.
func TestBrokenRuleSetReturned(t *testing.T) {
	data, err := os.ReadFile("../demo/records/rules/2025-01-01.toml")
	if err != nil {
		t.Fatal(err)
	}
	dup := strings.Replace(string(data), "id = \"AD02\"", "id = \"AD01\"", 1)
	rs, diags := Parse("rules/2025-01-01.toml", []byte(dup))
	if rs == nil || len(diags) != 1 || diags[0].Code != check.DuplicateID || diags[0].Line != 51 {
		t.Fatalf("rule set %v, problems:\n%s", rs != nil, messages(diags, "en"))
	}
	if it := rs.Item("AD01"); it == nil || it.Name != "参加爱党爱国宣传教育活动" || len(rs.Items) != 28 {
		t.Errorf("AD01 = %+v", it)
	}
	if rs, diags := Parse("rules/2025-01-01.toml", []byte("title = “x”\n")); rs != nil || len(diags) != 1 {
		t.Errorf("undecodable file: rule set %v, %d problems", rs != nil, len(diags))
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
	if got, want := vs.Lint()[0].Message("zh"), "2025-03-10 版细则不会用于任何月份：2025-03-20 版在它适用的第一个月之前就已生效（每个月按当月 1 日有效的最新版本评分）"; got != want {
		t.Errorf("zh: %s\nwant %s", got, want)
	}
	a, _ := Parse("rules/2025-03-10.toml", []byte(strings.Replace(minimal, "2025-01-01", "2025-03-10", 1)))
	b, _ := Parse("rules/2025-03-20.toml", []byte(strings.Replace(minimal, "2025-01-01", "2025-03-20", 1)))
	if d := (Versions{a, b}).Lint(); len(d) != 1 || d[0].Line != 2 || d[0].Args[0] != "2025-03-20" {
		t.Errorf("parsed versions: %v", d)
	}
	for day, want := range map[string]string{"2025-01-01": "2025-01", "2025-01-02": "2025-02", "2025-12-31": "2026-01"} {
		if got := FirstMonth(day); got != want {
			t.Errorf("FirstMonth(%s) = %s, want %s", day, got, want)
		}
	}
}

// Two versions of the same effective date, as a copy of a version before its effective line is
// edited, are one problem of the later file by name, never a version shadowing itself.
func TestLintSameDay(t *testing.T) {
	old, _ := Parse("rules/2025-01-01.toml", []byte(minimal))
	cp, _ := Parse("rules/2025-07-15.toml", []byte(minimal))
	vs := Versions{cp, old}
	vs.Sort()
	diags := vs.Lint()
	want := []string{
		`rules/2025-07-15.toml:2 E106 “effective” "2025-01-01" 重复出现：rules/2025-01-01.toml 也在这一天生效，同一天只能有一版细则生效`,
		`rules/2025-07-15.toml:2 E106 "effective" "2025-01-01" appears more than once: rules/2025-01-01.toml takes effect on the same day, and only one version may take effect on a day`,
	}
	if len(diags) != 1 {
		t.Fatalf("got %d problems:\n%s", len(diags), messages(diags, "en"))
	}
	for i, lang := range []string{"zh", "en"} {
		if got := diags[0].Position() + " " + string(diags[0].Code) + " " + diags[0].Message(lang); got != want[i] {
			t.Errorf("%s: %s\nwant %s", lang, got, want[i])
		}
	}
	// Of versions of one day, the first by file is compared with the next day's.
	vs = Versions{
		{Effective: "2025-03-10", File: "rules/b.toml"},
		{Effective: "2025-03-10", File: "rules/a.toml"},
		{Effective: "2025-03-20", File: "rules/2025-03-20.toml"},
	}
	vs.Sort()
	var got []string
	for _, d := range vs.Lint() {
		got = append(got, d.File+" "+string(d.Code)+" "+d.Message("en"))
	}
	if g, w := strings.Join(got, "\n"), "rules/a.toml E128 version 2025-03-10 is never in force: version 2025-03-20 takes effect before the first month it would govern (a month is scored by the latest version in force on its first day)\n"+
		`rules/b.toml E106 "effective" "2025-03-10" appears more than once: rules/a.toml takes effect on the same day, and only one version may take effect on a day`; g != w {
		t.Errorf("got:\n%s\nwant:\n%s", g, w)
	}
}

// diffWant is what changes between the demo rule set and the edited one of TestDiff: as data,
// in Chinese and in English.
var diffWant = []string{
	"changed    effective: 2025-01-01 → 2026-01-01",
	"changed categories AD 爱党爱国 weight: 60 → 80",
	"changed items AD01 参加爱党爱国宣传教育活动 points: 2 → 3",
	"changed items AD01 参加爱党爱国宣传教育活动 cap: 4 → 6",
	"changed items ZF01 当月无违法违规 evidence: false → true",
	"changed items XF04 获县/镇/村级表彰 points: [15, 10, 5] → [20, 10, 5]",
	"changed items XF04 获县/镇/村级表彰 cap: 15 → 20",
	"added items AD05 参加国防教育 :  → ",
	"changed vetoes V8 骗取补贴或积分造假 effect: E2 → E1",
	"removed vetoes V9 大操大办经劝阻不改 :  → ",
	"changed honours.stars 5  min_points: 300 → 320",
	"changed honours.monthly   top: 3 → 5",
	"changed supermarket   expiry: year-end → never",
}
var diffWantZh = []string{
	"生效日期由 2025-01-01 改为 2026-01-01",
	"类别 AD 的权重由 60 分改为 80 分",
	"AD01 的分值由 2 分改为 3 分",
	"AD01 的上限由 4 分改为 6 分",
	"ZF01 的佐证由不必填改为必填",
	"XF04 的分值由 15、10、5 分改为 20、10、5 分",
	"XF04 的上限由 15 分改为 20 分",
	"新增事项 AD05“参加国防教育”：类别 AD，分值 4、2 分，上限 8 分，上限期间为每年，佐证必填，公开方式为只公开类别",
	"一票否决情形“骗取补贴或积分造假”的效果由“当月加分不计，当年不评荣誉，并冻结可兑换积分”改为“当月加分不计，当年不评荣誉”",
	"删除一票否决情形“大操大办经劝阻不改”",
	"5 星级文明户的全年净积分要求由 300 分改为 320 分",
	"月度积分之星的名额由每村前 3 名改为每村前 5 名",
	"积分超市的可兑换积分由每年 12 月 31 日清零改为不清零",
}
var diffWantEn = []string{
	"the effective date changed from 2025-01-01 to 2026-01-01",
	"the weight of category AD changed from 60 to 80",
	"the points of item AD01 changed from 2 to 3",
	"the cap of item AD01 changed from 4 to 6",
	"the evidence of item ZF01 changed from optional to required",
	"the points of item XF04 changed from 15, 10 or 5 to 20, 10 or 5",
	"the cap of item XF04 changed from 15 to 20",
	`item AD05 "参加国防教育" added: category AD, points 4 or 2, cap 8, capped per year, evidence required, publishing the category only`,
	`the effect of the veto "骗取补贴或积分造假" changed from no positive points that month, no honours that year and the balance frozen to no positive points that month and no honours that year`,
	`the veto "大操大办经劝阻不改" removed`,
	"the minimum points of the 5-star level changed from 300 to 320",
	"the places of the monthly stars changed from the top 3 of each village to the top 5 of each village",
	"the supermarket's balance changed from cleared on 31 December to never cleared",
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
		"id = \"AD\"\nname = \"爱党爱国\"\nweight = 60", "id = \"AD\"\nname = \"爱党爱国\"\nweight = 80",
		"name = \"参加爱党爱国宣传教育活动\"\npoints = 2\ncap = 4", "name = \"参加爱党爱国宣传教育活动\"\npoints = 3\ncap = 6",
		"cap = 5\nevidence = false", "cap = 5\nevidence = true",
		"levels = [15, 10, 5]\ncap = 15", "levels = [20, 10, 5]\ncap = 20",
		"[[vetoes]]\nid = \"V9\"\nname = \"大操大办经劝阻不改\"\neffect = \"E1\"\n", "",
		"name = \"骗取补贴或积分造假\"\neffect = \"E2\"", "name = \"骗取补贴或积分造假\"\neffect = \"E1\"",
		"[honours.monthly]\ntop = 3", "[honours.monthly]\ntop = 5",
		"min_points = 300", "min_points = 320",
		"expiry = \"year-end\"", "expiry = \"never\"",
	).Replace(string(data)) + "\n[[items]]\nid = \"AD05\"\ncategory = \"AD\"\nname = \"参加国防教育\"\nlevels = [4, 2]\ncap = 8\ncap_period = \"year\"\nevidence = true\npublish = \"C\"\n"
	new, diags := Read("next.toml", []byte(edited))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	if len(Diff(old, old)) != 0 {
		t.Error("a rule set differs from itself")
	}
	changes := Diff(old, new)
	var got, zh, en []string
	for _, c := range changes {
		got = append(got, fmt.Sprintf("%s %s %s %s %s: %s → %s", c.Kind, c.Table, c.ID, c.Name, c.Key, c.Old, c.New))
		zh = append(zh, c.Text("zh"))
		en = append(en, c.Text("en"))
	}
	for _, c := range []struct {
		lang      string
		got, want []string
	}{{"", got, diffWant}, {"zh", zh, diffWantZh}, {"en", en, diffWantEn}} {
		if g, w := strings.Join(c.got, "\n"), strings.Join(c.want, "\n"); g != w {
			t.Errorf("%s got:\n%s\nwant:\n%s", c.lang, g, w)
		}
	}
}

// Every key of a rule set has words for the rule book's sentences, and every value of a kind
// that a key takes.
func TestChangeWords(t *testing.T) {
	data, err := os.ReadFile("../demo/records/rules/2025-01-01.toml")
	if err != nil {
		t.Fatal(err)
	}
	rs, _ := Parse("rules/2025-01-01.toml", data)
	for _, e := range entries(rs) {
		for _, k := range e.keys {
			if _, ok := keyNames[strings.TrimPrefix(e.table+"."+k, ".")]; !ok {
				t.Errorf("no words for %s.%s", e.table, k)
			}
		}
	}
	kinds := map[string][]string{
		"items.cap_period":   {string(PerMonth), string(PerYear)},
		"items.publish":      {string(PublishNote), string(PublishCategory), string(PublishNothing)},
		"vetoes.effect":      {string(E1), string(E2)},
		"supermarket.expiry": {string(YearEnd), string(Never)},
	}
	for key, values := range kinds {
		for _, v := range values {
			if _, ok := keyNames[key].values[v]; !ok {
				t.Errorf("no words for %s %s", key, v)
			}
		}
	}
}

func TestChangeText(t *testing.T) {
	tests := []struct {
		c      Change
		zh, en string
	}{
		{Change{Kind: Added, Table: "honours.stars", ID: "6", fields: []field{{"min_points", "400"}, {"min_categories", "5"}}},
			"新增 6 星级文明户：全年净积分 400 分以上，至少 5 个类别净积分为正",
			"the 6-star level added: from 400 points a year, at least 5 categories with positive points"},
		{Change{Kind: Added, Table: "categories", ID: "WH", Name: "文化传承", fields: []field{{"weight", "40"}}},
			"新增类别 WH“文化传承”：权重 40 分", `category WH "文化传承" added: weight 40`},
		{Change{Kind: Added, Table: "vetoes", ID: "V10", Name: "拒不配合防汛转移", fields: []field{{"effect", "E1"}}},
			"新增一票否决情形“拒不配合防汛转移”：“当月加分不计，当年不评荣誉”",
			`the veto "拒不配合防汛转移" added: no positive points that month and no honours that year`},
		{Change{Kind: Removed, Table: "items", ID: "GJ04", Name: "配合村级重点工作（防汛、防疫等）"},
			"删除事项 GJ04“配合村级重点工作（防汛、防疫等）”", `item GJ04 "配合村级重点工作（防汛、防疫等）" removed`},
		{Change{Kind: Changed, Table: "items", ID: "XF03", Name: "志愿者服务", Key: "name", Old: "志愿服务", New: "志愿者服务"},
			"XF03 的名称由“志愿服务”改为“志愿者服务”", `the name of item XF03 changed from "志愿服务" to "志愿者服务"`},
		{Change{Kind: Changed, Table: "items", ID: "XF06", Key: "publish", Old: "N", New: "C"},
			"XF06 的公开方式由不公开原因改为只公开类别", "what is published of item XF06 changed from nothing of the reason to the category only"},
		{Change{Kind: Changed, Table: "items", ID: "AD03", Key: "cap_period", Old: "year", New: "month"},
			"AD03 的上限期间由每年改为每月", "the cap period of item AD03 changed from year to month"},
		{Change{Kind: Changed, Key: "title", Old: "细则（试行）", New: "细则"},
			"细则名称由“细则（试行）”改为“细则”", `the title changed from "细则（试行）" to "细则"`},
		{Change{Kind: Changed, Table: "adoption", Key: "body", Old: "村民代表会议", New: "村民会议"},
			"通过细则的会议由“村民代表会议”改为“村民会议”", `the adopting body changed from "村民代表会议" to "村民会议"`},
		{Change{Kind: Changed, Key: "monthly_cap", Old: "60", New: "80"},
			"每户每月加分上限由 60 分改为 80 分", "the monthly cap changed from 60 to 80"},
		{Change{Kind: Changed, Table: "honours.model", Key: "category", Old: "XF", New: "GJ"},
			"道德模范候选的类别由 XF 改为 GJ", "the category of the moral model nominations changed from XF to GJ"},
		{Change{Kind: Changed, Table: "supermarket", Key: "yuan", Old: "1", New: "2"},
			"积分超市兑换比例中的金额由 1 元改为 2 元", "the yuan of the supermarket's exchange rate changed from 1 to 2"},
		{Change{Kind: Changed, Table: "items", ID: "X1", Key: "colour", Old: "red", New: "blue"},
			"X1 的 colour 由 red 改为 blue", "colour of item X1 changed from red to blue"},
	}
	for _, tt := range tests {
		if got := tt.c.Text("zh"); got != tt.zh {
			t.Errorf("zh: %s\nwant %s", got, tt.zh)
		}
		if got := tt.c.Text("en"); got != tt.en {
			t.Errorf("en: %s\nwant %s", got, tt.en)
		}
	}
}

// TestInForceOn tells the version in force on a day: the latest that took effect on or before it.
func TestInForceOn(t *testing.T) {
	vs := Versions{{Effective: "2025-01-01"}, {Effective: "2026-01-15"}}
	for _, c := range []struct{ day, want string }{
		{"2024-12-31", ""}, {"2025-01-01", "2025-01-01"}, {"2026-01-14", "2025-01-01"}, {"2026-01-15", "2026-01-15"}, {"2027-06-01", "2026-01-15"},
	} {
		got := ""
		if rs := vs.InForceOn(c.day); rs != nil {
			got = rs.Effective
		}
		if got != c.want {
			t.Errorf("on %s the version in force is %q, want %q", c.day, got, c.want)
		}
	}
}
