package audit

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jifen-project/jifen/pipeline/town"
)

// TestCorrectionKeepsExchange checks that a correction that takes back points already spent
// does not turn the exchange that spent them into an error: June's correction adds a row that
// uses up AD03's yearly cap, so July's AD03, approved and spent in August, now counts 0: the
// balance was 10 + 20 on the exchange's day, and the correction's +20 (June) and −20 (July)
// are credited on its own day.
func TestCorrectionKeepsExchange(t *testing.T) {
	rules, err := os.ReadFile("../demo/records/rules/2025-01-01.toml")
	if err != nil {
		t.Fatal(err)
	}
	catalog, err := os.ReadFile("../demo/records/supermarket/catalog.csv")
	if err != nil {
		t.Fatal(err)
	}
	const head = "household,item,points,date,note,evidence\n"
	june1 := head + "A,GJ02,5,2025-06-15,劳动,签到\nA,GJ02,5,2025-06-16,劳动,签到\n"
	june2 := june1 + "A,AD03,20,2025-06-10,入伍,通知书\n"
	files := map[string]string{
		"town.toml":                          "format = 1\nname = \"镇\"\nvillages = [\"v\"]\nnotice_days = 7\nobjection_contact = \"镇积分办\"\n",
		"rules/2025-01-01.toml":              string(rules),
		"supermarket/catalog.csv":            string(catalog),
		"villages/v/village.toml":            "name = \"村\"\n[[grids]]\nid = \"g\"\nname = \"一组\"\nworker = \"甲\"\n[evaluation]\nmembers = [\"乙\"]\n",
		"villages/v/households.csv":          "户号,户主,小组,公开授权,加入日期\nA,张三,一组,是,2024-12-01\n",
		"villages/v/sheets/2025-06.csv":      june2,
		"villages/v/sheets/2025-07.csv":      head + "A,AD03,20,2025-07-10,入伍,通知书\n",
		"villages/v/sheets/2025-08.csv":      head + "A,GJ02,5,2025-08-15,劳动,签到\n",
		"villages/v/redemptions/2025-08.csv": "户号,商品,数量,积分,日期\nA,G04,2,30,2025-08-10\n",
	}
	at := func(day string) time.Time {
		d, _ := time.Parse(time.DateOnly, day)
		return d.Add(10 * time.Hour)
	}
	src := town.Source{Files: map[string][]byte{}, History: map[string][]town.Version{}}
	for name, data := range files {
		src.Files[name] = []byte(data)
		src.History[name] = []town.Version{{Commit: "c0", Time: at("2025-06-01"), Data: []byte(data)}}
	}
	src.History["villages/v/sheets/2025-06.csv"] = []town.Version{
		{Commit: "c1", Time: at("2025-07-03"), Data: []byte(june1)},
		{Commit: "c4", Time: at("2025-08-20"), Data: []byte(june2)},
	}
	src.History["villages/v/sheets/2025-07.csv"][0].Commit, src.History["villages/v/sheets/2025-07.csv"][0].Time = "c2", at("2025-08-03")
	src.History["villages/v/redemptions/2025-08.csv"][0].Commit, src.History["villages/v/redemptions/2025-08.csv"][0].Time = "c3", at("2025-08-12")
	src.History["villages/v/sheets/2025-08.csv"][0].Commit, src.History["villages/v/sheets/2025-08.csv"][0].Time = "c5", at("2025-09-03")
	r := Run(src, Options{Now: at("2025-09-10")})
	var got []string
	for _, d := range r.Diagnostics {
		got = append(got, d.String())
	}
	want := "villages/v/sheets/2025-07.csv:2: W002 item AD03 (\"家庭成员参军入伍\") counts at most 20 points a year per household (earlier months included): this row counts 0"
	if g := strings.Join(got, "\n"); g != want {
		t.Errorf("got:\n%s\nwant:\n%s", g, want)
	}
	if a := r.Results[0].Ledger.Accounts["A"]; a == nil || a.Redeemed != 30 || a.Balance != 5 {
		t.Errorf("account %+v, want 30 redeemed and a balance of 5", a)
	}
}
