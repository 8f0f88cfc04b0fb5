package audit

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jifen-project/jifen/pipeline/check"
	"github.com/jifen-project/jifen/pipeline/town"
)

func TestCaps(t *testing.T) {
	r := Run(capsTown(t), Options{Now: time.Date(2025, 8, 1, 0, 0, 0, 0, time.UTC)})
	var got []string
	for _, d := range r.Diagnostics {
		if !d.IsWarning() {
			t.Errorf("%s is not a warning", d)
		}
		got = append(got, d.String())
	}
	want := "villages/v/sheets/2025-07.csv:2: W002 item AD03 (\"家庭成员参军入伍\") counts at most 20 points a year per household (earlier months included): this row counts 0\n" +
		"villages/v/sheets/2025-07.csv:10: W004 a household earns at most 60 points a month: this row counts 0"
	if g := strings.Join(got, "\n"); g != want {
		t.Errorf("got:\n%s\nwant:\n%s", g, want)
	}
}

// TestChecksOnly checks that scoring only what the checks need (validate) finds what scoring
// everything (build) does: the caps' cuts and the ledger's refusals.
func TestChecksOnly(t *testing.T) {
	src := capsTown(t)
	catalog, err := os.ReadFile("../demo/records/supermarket/catalog.csv")
	if err != nil {
		t.Fatal(err)
	}
	src.Files["supermarket/catalog.csv"] = catalog
	src.Files["villages/v/redemptions/2025-07.csv"] = []byte("户号,商品,数量,积分,日期\nA,G01,1,60,2025-07-20\nA,G01,1,60,2025-07-21\n")
	// Published at a real address, the example head of jifen init is an error, which keeps the
	// household's scores out of the checks of the scores: its redemption beyond the balance is
	// not said twice.
	src.Files["villages/v/households.csv"] = append(src.Files["villages/v/households.csv"], "B,示例户,一组,是,2024-12-01\n"...)
	src.Files["villages/v/redemptions/2025-07.csv"] = append(src.Files["villages/v/redemptions/2025-07.csv"], "B,G01,1,60,2025-07-22\n"...)
	now := time.Date(2025, 8, 20, 0, 0, 0, 0, time.UTC)
	opts := Options{Now: now, SiteURL: "https://jifen.yunxi.gov.cn/"}
	all := Run(src, opts)
	opts.ChecksOnly = true
	checks := Run(src, opts)
	if !reflect.DeepEqual(all.Diagnostics, checks.Diagnostics) {
		t.Errorf("scoring everything finds:\n%s\nscoring for the checks finds:\n%s", all.Diagnostics, checks.Diagnostics)
	}
	codes := map[check.Code]bool{}
	for _, d := range checks.Diagnostics {
		codes[d.Code] = true
	}
	if !codes[check.OverBalance] || !codes[check.MonthlyCapCut] || !codes[check.Placeholder] {
		t.Errorf("want a redemption over the balance, the monthly cap's cut and the example head, got:\n%s", checks.Diagnostics)
	}
	for _, d := range checks.Diagnostics {
		if d.Code == check.OverBalance && d.Line == 4 {
			t.Errorf("the household with the example head is checked against its scores: %s", d)
		}
	}
	if checks.Results != nil || len(checks.Town.Villages) != 1 || checks.Town.Villages[0].Months != nil {
		t.Errorf("the checks keep their results or rows: %v, %+v", checks.Results, checks.Town.Villages)
	}
}

// TestChecksOnlyCases checks that validate's way of checking (each village as it is read, see
// ChecksOnly) finds what build's finds, on every case of the command's validation tests.
func TestChecksOnlyCases(t *testing.T) {
	cases, _ := filepath.Glob("../cmd/jifen/testdata/validate/*.txtar")
	if len(cases) < 20 {
		t.Fatalf("%d cases", len(cases))
	}
	for _, c := range cases {
		data, err := os.ReadFile(c)
		if err != nil {
			t.Fatal(err)
		}
		src := overlay(base(t), data)
		now := time.Date(2026, 1, 12, 10, 0, 0, 0, time.UTC)
		all, checks := Run(src, Options{Now: now}), Run(src, Options{Now: now, ChecksOnly: true})
		if !reflect.DeepEqual(all.Diagnostics, checks.Diagnostics) {
			t.Errorf("%s: scoring everything finds:\n%s\nchecking each village finds:\n%s", filepath.Base(c), all.Diagnostics, checks.Diagnostics)
		}
	}
}

// capsTown is a village of one household whose July runs into its caps.
func capsTown(t *testing.T) town.Source {
	rules, err := os.ReadFile("../demo/records/rules/2025-01-01.toml")
	if err != nil {
		t.Fatal(err)
	}
	const head = "household,item,points,date,note,evidence\n"
	return town.Source{Files: map[string][]byte{
		"town.toml":             []byte("format = 1\nname = \"镇\"\nvillages = [\"v\"]\nnotice_days = 7\nobjection_contact = \"镇积分办\"\n"),
		"rules/2025-01-01.toml": rules,
		"villages/v/village.toml": []byte("name = \"村\"\n[[grids]]\nid = \"g\"\nname = \"一组\"\nworker = \"甲\"\n" +
			"[evaluation]\nmembers = [\"乙\"]\n"),
		"villages/v/households.csv":     []byte("户号,户主,小组,公开授权,加入日期\nA,张三,一组,是,2024-12-01\n"),
		"villages/v/sheets/2025-06.csv": []byte(head + "A,AD03,20,2025-06-10,入伍,通知书\n"),
		"villages/v/sheets/2025-07.csv": []byte(head + "A,AD03,20,2025-07-10,入伍,通知书\n" +
			"A,XF04,15,2025-07-11,表彰,文件\nA,XF02,10,2025-07-12,简办,材料\nA,XF05,10,2025-07-13,好事,材料\n" +
			"A,CY02,10,2025-07-14,种养,材料\nA,GJ02,5,2025-07-15,劳动,签到\nA,GJ02,5,2025-07-16,劳动,签到\nA,GJ04,5,2025-07-17,防汛,签到\nA,GJ04,5,2025-07-18,防汛,签到\n"),
	}}
}

// TestRegistry checks that each code of a check across files, of the history or of the scores
// belongs to exactly one analyzer, of the stage check.Codes gives it.
func TestRegistry(t *testing.T) {
	owner := map[check.Code]string{}
	for _, a := range Analyzers {
		for _, c := range a.Codes {
			doc, ok := check.Codes[c]
			switch {
			case !ok:
				t.Errorf("%s reports %s, which check.Codes does not describe", a.Name, c)
			case owner[c] != "":
				t.Errorf("%s is reported by %s and %s", c, owner[c], a.Name)
			case doc.Stage != a.Needs && c != check.MissingValue:
				t.Errorf("%s is of stage %d, but %s runs at stage %d", c, doc.Stage, a.Name, a.Needs)
			}
			owner[c] = a.Name
		}
	}
	for c, doc := range check.Codes {
		if doc.Stage != check.Read && owner[c] == "" {
			t.Errorf("%s (stage %d) has no analyzer", c, doc.Stage)
		}
	}
}
