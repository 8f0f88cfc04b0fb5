package town

import (
	"cmp"
	"fmt"
	"github.com/jifen-project/jifen/pipeline/sheet"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jifen-project/jifen/pipeline/check"
)

// movesTown is a town of two villages, 青石村 (qingshi) and 柳塘村 (liutang), with the demo's
// rule set and the rosters given (the header is added), and the other files given by path.
func movesTown(t *testing.T, qingshi, liutang string, files ...string) Source {
	t.Helper()
	rs, err := os.ReadFile("../demo/records/rules/2025-01-01.toml")
	if err != nil {
		t.Fatal(err)
	}
	village := func(name string) []byte {
		return []byte("name = \"" + name + "\"\n[[grids]]\nid = \"g1\"\nname = \"第一组\"\nworker = \"甲\"\n[evaluation]\nmembers = [\"乙\"]\n")
	}
	const head = "户号,户主,小组,公开授权,加入日期,退出日期,迁自,承接积分\n"
	src := Source{Files: map[string][]byte{
		"town.toml":                       []byte("format = 1\nname = \"测试镇\"\nvillages = [\"qingshi\", \"liutang\"]\nnotice_days = 7\nobjection_contact = \"镇积分办\"\n"),
		"rules/2025-01-01.toml":           rs,
		"villages/qingshi/village.toml":   village("青石村"),
		"villages/liutang/village.toml":   village("柳塘村"),
		"villages/qingshi/households.csv": []byte(head + qingshi),
		"villages/liutang/households.csv": []byte(head + liutang),
	}}
	for i := 0; i+1 < len(files); i += 2 {
		src.Files[files[i]] = []byte(files[i+1])
	}
	return src
}

var movesNow = time.Date(2025, 12, 15, 0, 0, 0, 0, time.UTC)

// links writes the town's links, one a line: "from → to kind [carried]".
func links(tw *Town) string {
	var out []string
	for _, l := range tw.Links {
		s := fmt.Sprintf("%s → %s %s %s %s", l.From, l.To, l.Kind, l.Left, l.Joined)
		if l.CarriedSet {
			s += fmt.Sprintf(" %d", l.Carried)
		}
		out = append(out, s)
	}
	return strings.Join(out, "\n")
}

// describe writes diagnostics one a line: position, code, column, the English message, and the
// related file after "|".
func describe(diags check.List) string {
	var out []string
	for _, d := range diags {
		s := fmt.Sprintf("%s %s %s: %s", d.Position(), d.Code, d.Column, d.Message("en"))
		if d.Related != "" {
			s += " | " + d.Related
		}
		out = append(out, s)
	}
	return strings.Join(out, "\n")
}

// The rosters of the cases: 青石村's households, some of which left on 2025-06-20.
const qingshiRoster = "QS-0107,李华,第一组,是,2024-12-01,2025-06-20,,\n" +
	"0108,王芳,第一组,是,2024-12-01,2025-06-20,,\n" +
	"QS-0109,张三,第一组,是,2024-12-01,,,\n" +
	"QS-0110,赵四,第一组,也许,2024-12-01,2025-06-20,,\n"

// liutangFile is 柳塘村's roster, where most cases' diagnostics are.
const liutangFile = "villages/liutang/households.csv"

// A moveCase is a case of TestMoves: the rosters of a town of two villages (see movesTown) and
// the links and diagnostics it loads with.
type moveCase struct {
	name             string
	qingshi, liutang string // the rosters' rows: when empty, qingshiRoster and a household of 柳塘村
	clear            bool   // the rule set clears a mover's balance
	links, diags     string // want; diags "*": no diagnostic of 迁自 (a roster cannot be read)
}

// moveCases are the cases of TestMoves: links that load, then 迁自 that names no household or
// names one wrongly, dates, 承接积分, predecessors that have not left, and rows with other
// errors.
var moveCases = []moveCase{
	{name: "move",
		liutang: "LT-0215,李华,第一组,是,2025-06-21,,qingshi/QS-0107,\n",
		links:   "qingshi/QS-0107 → liutang/LT-0215 move 2025-06-20 2025-06-21"},
	{name: "move on the same day as the roster's own",
		liutang: "LT-0215,李华,第一组,是,2025-06-21,,qingshi／QS-0107,\n",
		links:   "qingshi/QS-0107 → liutang/LT-0215 move 2025-06-20 2025-06-21"},
	{name: "renumbered in its village",
		qingshi: qingshiRoster + "QS-0301,李华,第一组,是,2025-06-21,,QS-0107,\n",
		links:   "qingshi/QS-0107 → qingshi/QS-0301 move 2025-06-20 2025-06-21"},
	{name: "renumbered, the village written",
		qingshi: qingshiRoster + "QS-0301,李华,第一组,是,2025-06-21,,qingshi/QS-0107,\n",
		links:   "qingshi/QS-0107 → qingshi/QS-0301 move 2025-06-20 2025-06-21"},
	{name: "split",
		liutang: "LT-0215,李华,第一组,是,2025-06-21,,qingshi/QS-0107,\nLT-0216,李明,第一组,是,2025-07-01,,qingshi/QS-0107,20\nLT-0217,李亮,第一组,是,2025-07-01,,qingshi/QS-0107,0\n",
		links:   "qingshi/QS-0107 → liutang/LT-0215 split 2025-06-20 2025-06-21\nqingshi/QS-0107 → liutang/LT-0216 split 2025-06-20 2025-07-01 20\nqingshi/QS-0107 → liutang/LT-0217 split 2025-06-20 2025-07-01 0"},
	{name: "split across villages",
		qingshi: qingshiRoster + "QS-0301,李明,第一组,是,2025-06-21,,QS-0107,15\n",
		liutang: "LT-0215,李华,第一组,是,2025-06-21,,qingshi/QS-0107,\n",
		links:   "qingshi/QS-0107 → qingshi/QS-0301 split 2025-06-20 2025-06-21 15\nqingshi/QS-0107 → liutang/LT-0215 split 2025-06-20 2025-06-21"},
	{name: "merge",
		liutang: "LT-0215,李华,第一组,是,2025-06-21,,qingshi/QS-0107、qingshi/0108；LT-0100,\nLT-0100,周七,第一组,是,2024-12-01,2025-06-01,,\n",
		links:   "qingshi/QS-0107 → liutang/LT-0215 merge 2025-06-20 2025-06-21\nqingshi/0108 → liutang/LT-0215 merge 2025-06-20 2025-06-21\nliutang/LT-0100 → liutang/LT-0215 merge 2025-06-01 2025-06-21"},
	{name: "chain",
		qingshi: qingshiRoster + "QS-0301,李华,第一组,是,2025-06-21,2025-09-30,QS-0107,\n",
		liutang: "LT-0215,李华,第一组,是,2025-10-01,,qingshi/QS-0301,\n",
		links:   "qingshi/QS-0107 → qingshi/QS-0301 move 2025-06-20 2025-06-21\nqingshi/QS-0301 → liutang/LT-0215 move 2025-09-30 2025-10-01"},

	{name: "unknown village",
		liutang: "LT-0215,李华,第一组,是,2025-06-21,,dongcun/D-01,\n",
		diags:   liutangFile + `:2 E137 迁自: from "dongcun/D-01" is not a household of the town: no village has the code "dongcun"`},
	{name: "a village's name",
		liutang: "LT-0215,李华,第一组,是,2025-06-21,,青石村/QS-0107,\n",
		diags:   liutangFile + `:2 E137 迁自: from "青石村/QS-0107" is not a household of the town: no village has the code "青石村"; did you mean "qingshi/QS-0107"?`},
	{name: "a village's name without 村",
		liutang: "LT-0215,李华,第一组,是,2025-06-21,,青石/QS-0107,\n",
		diags:   liutangFile + `:2 E137 迁自: from "青石/QS-0107" is not a household of the town: no village has the code "青石"; did you mean "qingshi/QS-0107"?`},
	{name: "a village's code in capitals",
		liutang: "LT-0215,李华,第一组,是,2025-06-21,,QINGSHI/QS-0107,\n",
		diags:   liutangFile + `:2 E137 迁自: from "QINGSHI/QS-0107" is not a household of the town: no village has the code "QINGSHI"; did you mean "qingshi/QS-0107"?`},
	{name: "not on the roster",
		liutang: "LT-0215,李华,第一组,是,2025-06-21,,qingshi/QS-0999,\n",
		diags:   liutangFile + `:2 E137 迁自: from "qingshi/QS-0999" is not a household of the town: village qingshi's roster has no household QS-0999 | villages/qingshi/households.csv`},
	{name: "not on its own village's roster",
		liutang: "LT-0215,李华,第一组,是,2025-06-21,,LT-0999,\n",
		diags:   liutangFile + `:2 E137 迁自: from "LT-0999" is not a household of the town: village liutang's roster has no household LT-0999`},
	{name: "lost leading zeros",
		liutang: "LT-0215,李华,第一组,是,2025-06-21,,qingshi/108,\n",
		diags:   liutangFile + `:2 E137 迁自: from "qingshi/108" is not a household of the town: village qingshi's roster has no household 108; did you mean "qingshi/0108"? | villages/qingshi/households.csv`},
	{name: "the household's code in another case",
		liutang: "LT-0215,李华,第一组,是,2025-06-21,,qingshi/qs-0107,\n",
		diags:   liutangFile + `:2 E137 迁自: from "qingshi/qs-0107" is not a household of the town: village qingshi's roster has no household qs-0107; did you mean "qingshi/QS-0107"? | villages/qingshi/households.csv`},
	{name: "a merge with two unknown households: both said, nothing linked",
		liutang: "LT-0215,李华,第一组,是,2025-06-21,,qingshi/QS-0107、dongcun/D-01、qingshi/QS-0999,\n",
		diags: liutangFile + `:2 E137 迁自: from "dongcun/D-01" is not a household of the town: no village has the code "dongcun"` + "\n" +
			liutangFile + `:2 E137 迁自: from "qingshi/QS-0999" is not a household of the town: village qingshi's roster has no household QS-0999 | villages/qingshi/households.csv`},
	{name: "itself, with its village",
		liutang: "LT-0215,李华,第一组,是,2025-06-21,,liutang/LT-0215,\n",
		diags:   liutangFile + `:2 E012 迁自: "迁自" "liutang/LT-0215" is wrong: from names this household itself`},
	{name: "the same household twice, once with its village",
		qingshi: qingshiRoster + "QS-0301,李华,第一组,是,2025-06-21,,QS-0107、qingshi/QS-0107,\n",
		diags:   `villages/qingshi/households.csv:6 E106 迁自: "迁自" "qingshi/QS-0107" appears more than once`},

	{name: "joined the day the predecessor left",
		liutang: "LT-0215,李华,第一组,是,2025-06-20,,qingshi/QS-0107,\n",
		diags:   liutangFile + `:2 E138 加入日期: joined 2025-06-20 must be after the day qingshi/QS-0107 left, 2025-06-20 | villages/qingshi/households.csv`},
	{name: "joined before the predecessor left",
		liutang: "LT-0215,李华,第一组,是,2025-06-01,,qingshi/QS-0107,\n",
		diags:   liutangFile + `:2 E138 加入日期: joined 2025-06-01 must be after the day qingshi/QS-0107 left, 2025-06-20 | villages/qingshi/households.csv`},

	{name: "a split with two main households",
		liutang: "LT-0215,李华,第一组,是,2025-06-21,,qingshi/QS-0107,\nLT-0216,李明,第一组,是,2025-06-21,,qingshi/QS-0107,\nLT-0217,李亮,第一组,是,2025-06-21,,qingshi/QS-0107,5\n",
		diags:   liutangFile + `:3 E139 迁自: from or carried points are wrong: when a household splits, each new household but the main one gives its carried points: several give none | villages/qingshi/households.csv`},
	{name: "a split with no main household",
		liutang: "LT-0215,李华,第一组,是,2025-06-21,,qingshi/QS-0107,10\nLT-0216,李明,第一组,是,2025-06-21,,qingshi/QS-0107,5\n",
		diags:   liutangFile + `:3 E139 承接积分: from or carried points are wrong: when a household splits, one new household (the main one) gives no carried points: it takes what is left | villages/qingshi/households.csv`},
	{name: "a move with carried points",
		liutang: "LT-0215,李华,第一组,是,2025-06-21,,qingshi/QS-0107,20\n",
		diags:   liutangFile + `:2 E139 承接积分: from or carried points are wrong: a move or a merge carries all the points: it gives no carried points | villages/qingshi/households.csv`},
	{name: "a merge with carried points",
		liutang: "LT-0215,李华,第一组,是,2025-06-21,,qingshi/QS-0107、qingshi/0108,20\n",
		diags:   liutangFile + `:2 E139 承接积分: from or carried points are wrong: a move or a merge carries all the points: it gives no carried points | villages/qingshi/households.csv`},
	{name: "a split with carried points when the rule set clears",
		clear:   true,
		liutang: "LT-0215,李华,第一组,是,2025-06-21,,qingshi/QS-0107,\nLT-0216,李明,第一组,是,2025-06-21,,qingshi/QS-0107,5\n",
		diags:   liutangFile + `:3 E139 承接积分: from or carried points are wrong: the rule set clears the balance when a household moves (on_move = "clear"): it gives no carried points | villages/qingshi/households.csv`},
	{name: "a move when the rule set clears",
		clear:   true,
		liutang: "LT-0215,李华,第一组,是,2025-06-21,,qingshi/QS-0107,\n",
		links:   "qingshi/QS-0107 → liutang/LT-0215 move 2025-06-20 2025-06-21"},
	{name: "split from one and merged from several",
		liutang: "LT-0215,李华,第一组,是,2025-06-21,,qingshi/QS-0107、qingshi/0108,\nLT-0216,李明,第一组,是,2025-06-21,,qingshi/QS-0107,5\n",
		diags:   liutangFile + `:2 E139 迁自: from or carried points are wrong: a household cannot both split from one and merge from several | villages/qingshi/households.csv`},

	{name: "the predecessor has not left",
		liutang: "LT-0215,李华,第一组,是,2025-06-21,,qingshi/QS-0109,\n",
		diags:   liutangFile + `:2 W008 迁自: qingshi/QS-0109 has no date left on its roster yet: no points move until it has | villages/qingshi/households.csv`},
	{name: "one of a merge has not left: nothing moves",
		liutang: "LT-0215,李华,第一组,是,2025-06-21,,qingshi/QS-0107、qingshi/QS-0109,\n",
		diags:   liutangFile + `:2 W008 迁自: qingshi/QS-0109 has no date left on its roster yet: no points move until it has | villages/qingshi/households.csv`},

	{name: "a row with another error links nothing, and says nothing of its 迁自",
		liutang: "LT-0215,李华,第一组,也许,2025-06-21,,qingshi/QS-0999,\n",
		diags:   liutangFile + `:2 E012 公开授权: "公开授权" "也许" is wrong: write yes or no`},
	{name: "a predecessor's row with an error links nothing",
		liutang: "LT-0215,赵四,第一组,是,2025-06-21,,qingshi/QS-0110,\n",
		diags:   `villages/qingshi/households.csv:5 E012 公开授权: "公开授权" "也许" is wrong: write yes or no`},
	{name: "the other households of a split wait for one with an error",
		liutang: "LT-0215,李华,第一组,是,2025-06-21,,qingshi/QS-0107,\nLT-0216,李明,第一组,是,2025-06-01,,qingshi/QS-0107,20\n",
		diags:   liutangFile + `:3 E138 加入日期: joined 2025-06-01 must be after the day qingshi/QS-0107 left, 2025-06-20 | villages/qingshi/households.csv`},
	{name: "the other households of a split wait for one with carried points wrong",
		liutang: "LT-0215,李华,第一组,是,2025-06-21,,qingshi/QS-0107,\nLT-0216,李明,第一组,是,2025-06-21,,qingshi/QS-0107,\nLT-0217,李亮,第一组,是,2025-06-21,,qingshi/QS-0107,5\nLT-0218,周七,第一组,是,2025-06-21,,qingshi/0108,\n",
		links:   "qingshi/0108 → liutang/LT-0218 move 2025-06-20 2025-06-21",
		diags:   liutangFile + `:3 E139 迁自: from or carried points are wrong: when a household splits, each new household but the main one gives its carried points: several give none | villages/qingshi/households.csv`},
	{name: "a link to a roster that cannot be read",
		qingshi: "QS-0107\n",
		liutang: "LT-0215,李华,第一组,是,2025-06-21,,qingshi/QS-0107,\n",
		diags:   "*"},
}

// TestMoves loads the towns of moveCases and checks their links and diagnostics.
func TestMoves(t *testing.T) {
	for _, c := range moveCases {
		t.Run(c.name, func(t *testing.T) { checkMoveCase(t, c) })
	}
}

// clearOnMove has the rule set of src clear a mover's balance (on_move = "clear") instead of
// what it says.
func clearOnMove(src Source) {
	rs := string(src.Files["rules/2025-01-01.toml"])
	if i := strings.Index(rs, "\non_move = "); i >= 0 {
		rs = rs[:i] + "\n#" + rs[i+1:]
	}
	src.Files["rules/2025-01-01.toml"] = []byte(strings.Replace(rs, "[supermarket]\n", "[supermarket]\non_move = \"clear\"\n", 1))
}

// checkMoveCase loads the town of case c and checks that it has the case's links and
// diagnostics, but for those of the example roster row with an error when the case does not
// name it.
func checkMoveCase(t *testing.T, c moveCase) {
	src := movesTown(t, cmp.Or(c.qingshi, qingshiRoster), cmp.Or(c.liutang, "LT-0001,周七,第一组,是,2024-12-01,,,\n"))
	if c.clear {
		clearOnMove(src)
	}
	tw, diags := Load(src, Options{Now: movesNow})
	if got := links(tw); got != c.links {
		t.Errorf("links:\n%s\nwant:\n%s", got, c.links)
	}
	got := describe(slices.DeleteFunc(diags, func(d check.Diagnostic) bool {
		// The example roster row with an error, when the case does not name it.
		return d.File == "villages/qingshi/households.csv" && d.Line == 5 && !strings.Contains(c.liutang, "QS-0110")
	}))
	if c.diags == "*" {
		for _, d := range diags {
			if d.Code == check.UnknownFrom || d.Code == check.MoveDates || d.Code == check.MovePending {
				t.Errorf("said of a roster that cannot be read: %s", d)
			}
		}
		return
	}
	if got != c.diags {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", got, c.diags)
	}
}

// TestMovesChinese: what a cadre reads of each problem of 迁自 and 承接积分.
func TestMovesChinese(t *testing.T) {
	src := movesTown(t, qingshiRoster,
		"LT-0201,李华,第一组,是,2025-06-21,,青石村/QS-0107,\n"+
			"LT-0202,李华,第一组,是,2025-06-21,,qingshi/108,\n"+
			"LT-0203,李华,第一组,是,2025-06-01,,qingshi/QS-0107,\n"+
			"LT-0204,李华,第一组,是,2025-06-21,,qingshi/0108,20\n"+
			"LT-0205,李华,第一组,是,2025-06-21,,qingshi/QS-0109,\n"+
			"LT-0206,李华,第一组,是,2025-06-21,,LT-0206,\n"+
			"LT-0207,李华,第一组,是,2025-06-21,,QS-0107,\n"+
			"LT-0208,李华,第一组,是,2025-06-21,,青石村QS-0107,\n")
	_, diags := Load(src, Options{Now: movesNow})
	var got []string
	for _, d := range diags {
		if d.File == "villages/liutang/households.csv" {
			got = append(got, fmt.Sprintf("%d %s", d.Line, d.Message("zh")))
		}
	}
	want := []string{
		`2 迁自写的 "青石村/QS-0107" 不是本镇的户：没有代码是 青石村 的村。是不是要写 "qingshi/QS-0107"？`,
		`3 迁自写的 "qingshi/108" 不是本镇的户：村 qingshi 的名册里没有户 108。是不是要写 "qingshi/0108"？`,
		`4 加入日期 2025-06-01 要在原户 qingshi/QS-0107 的退出日期 2025-06-20 之后`,
		`5 迁自、承接积分写得不对：迁移、合户时积分全部转过来，不写承接积分`,
		`6 迁自的户 qingshi/QS-0109 在名册里还没有退出日期，积分还不会转过来`,
		`7 “迁自”的值 "LT-0206" 不对：迁自写的是这一户自己`,
		`8 迁自写的 "QS-0107" 不是本镇的户：村 liutang 的名册里没有户 QS-0107。是不是要写 "qingshi/QS-0107"？`,
		`9 迁自写的 "青石村/QS-0107" 不是本镇的户：没有代码是 青石村 的村。是不是要写 "qingshi/QS-0107"？`,
	}
	if g, w := strings.Join(got, "\n"), strings.Join(want, "\n"); g != w {
		t.Errorf("got:\n%s\nwant:\n%s", g, w)
	}
}

// TestSuccessors follows the links from a household.
func TestSuccessors(t *testing.T) {
	src := movesTown(t, qingshiRoster+"QS-0301,李华,第一组,是,2025-06-21,,QS-0107、0108,\n",
		"LT-0215,李华,第一组,是,2025-06-21,,qingshi/QS-0107,\n")
	tw, diags := Load(src, Options{Now: movesNow})
	diags = slices.DeleteFunc(diags, func(d check.Diagnostic) bool { return d.Line == 5 }) // QS-0110's
	refs := func(ls []Link, to bool) string {
		var out []string
		for _, l := range ls {
			r := l.From
			if to {
				r = l.To
			}
			out = append(out, fmt.Sprintf("%s %s", r, l.Kind))
		}
		return strings.Join(out, ", ")
	}
	// QS-0107 splits into QS-0301, which merges it with 0108, and LT-0215: wrong (E139), said
	// once, and nothing links.
	if got := links(tw); got != "" {
		t.Errorf("links:\n%s", got)
	}
	if got, want := describe(diags), `villages/qingshi/households.csv:6 E139 迁自: from or carried points are wrong: a household cannot both split from one and merge from several`; got != want {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", got, want)
	}
	src = movesTown(t, qingshiRoster+"QS-0301,李华,第一组,是,2025-06-21,,QS-0107、0108,\n", "")
	tw, _ = Load(src, Options{Now: movesNow})
	if got := refs(tw.Links, false); got != "qingshi/QS-0107 merge, qingshi/0108 merge" {
		t.Errorf("predecessors: %s", got)
	}
	if got := refs(tw.Successors(Ref{Village: "qingshi", Household: "0108"}), true); got != "qingshi/QS-0301 merge" {
		t.Errorf("successors: %s", got)
	}
	if got := tw.Successors(Ref{Village: "qingshi", Household: "QS-0301"}); len(got) != 0 {
		t.Errorf("successors of the last: %v", got)
	}
}

// TestOnly: a copy of a village with some households keeps their rows only, in every version
// of every month, and their redemptions (not their declarations, which no score needs), and
// leaves the village as it was.
func TestOnly(t *testing.T) {
	entries := func(hs ...string) []sheet.Entry {
		var out []sheet.Entry
		for i, h := range hs {
			out = append(out, sheet.Entry{Household: h, Item: "GJ02", Points: 5, Line: i + 2})
		}
		return out
	}
	v := &Village{ID: "v", Households: []sheet.Household{{ID: "A"}, {ID: "B", Left: "2025-06-20"}, {ID: "C"}}}
	v.Months = []*Month{{
		Month:        "2025-06",
		Entries:      entries("A", "B", "C", "B"),
		Revisions:    []Revision{{Entries: entries("A", "B")}, {Entries: entries("A", "B", "C", "B")}},
		Redemptions:  []sheet.Redemption{{Household: "A"}, {Household: "B"}},
		Declarations: []sheet.Declaration{{Household: "C"}, {Household: "B"}},
	}}
	only := v.Only(func(h *sheet.Household) bool { return h.Left != "" })
	who := func(es []sheet.Entry) string {
		var out []string
		for _, e := range es {
			out = append(out, fmt.Sprintf("%s:%d", e.Household, e.Line))
		}
		return strings.Join(out, " ")
	}
	m := only.Months[0]
	got := fmt.Sprintf("%v | %s | %s | %s | %d %s | %d", only.HouseholdIDs(), who(m.Entries), who(m.Revisions[0].Entries), who(m.Revisions[1].Entries),
		len(m.Redemptions), m.Redemptions[0].Household, len(m.Declarations))
	if want := "[B] | B:3 B:5 | B:3 | B:3 B:5 | 1 B | 0"; got != want {
		t.Errorf("only B: %s, want %s", got, want)
	}
	if only.Household("A") != nil || only.Household("B") == nil {
		t.Errorf("only B finds A or not B")
	}
	if len(v.Households) != 3 || len(v.Months[0].Entries) != 4 || len(v.Months[0].Revisions[0].Entries) != 2 || v.Household("A") == nil {
		t.Errorf("the village changed: %+v", v)
	}
}

// TestUnlinked lists the households whose 迁自 links nothing: for a problem of their own row, of
// a household they split with, of the household they name, or because it has not left.
func TestUnlinked(t *testing.T) {
	src := movesTown(t, qingshiRoster,
		"LT-0201,李华,第一组,是,2025-06-21,,qingshi/QS-0107,\n"+ // linked
			"LT-0202,王芳,第一组,是,2025-06-21,,qingshi/0108,\n"+ // a split with LT-0203, whose date is wrong
			"LT-0203,王明,第一组,是,2025-06-01,,qingshi/0108,5\n"+
			"LT-0204,张三,第一组,是,2025-06-21,,qingshi/QS-0109,\n"+ // not left
			"LT-0205,赵四,第一组,是,2025-06-21,,qingshi/QS-0110,\n"+ // its row has an error
			"LT-0206,周七,第一组,是,2025-06-21,,,\n")
	tw, _ := Load(src, Options{Now: movesNow})
	var got []string
	for _, r := range tw.Unlinked() {
		got = append(got, r.String())
	}
	if g, want := strings.Join(got, " "), "liutang/LT-0202 liutang/LT-0203 liutang/LT-0204 liutang/LT-0205"; g != want {
		t.Errorf("unlinked: %s, want %s", g, want)
	}
}
