package score

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pelletier/go-toml/v2"

	"github.com/jifen-project/jifen/pipeline/rules"
	"github.com/jifen-project/jifen/pipeline/sheet"
	"github.com/jifen-project/jifen/pipeline/town"
)

// A scenario is a small village over several months with the results the rules must give, in
// the spirit of OpenFisca's YAML tests: inputs, then expected outputs. Only what a scenario
// lists is compared. See testdata/scenarios/*.toml.
type scenario struct {
	Description string    `toml:"description"`
	Rules       string    `toml:"rules"` // a rule set file under testdata/
	AsOf        time.Time `toml:"as_of"`
	NoticeDays  int       `toml:"notice_days"`
	Catalog     []string  `toml:"catalog"`    // "id points cost_fen"
	Households  []string  `toml:"households"` // "id grid joined [left]"
	Months      []struct {
		Month       string      `toml:"month"`
		Approved    []time.Time `toml:"approved"`    // the first approval, then corrections
		Rows        [][]string  `toml:"rows"`        // per version: "household item points day"
		Redemptions []string    `toml:"redemptions"` // "household goods quantity points date"
	} `toml:"months"`
	Expect struct {
		Standings []struct {
			Month     string `toml:"month"`
			Household string `toml:"household"`
			Net       *int   `toml:"net"`
			Rank      *int   `toml:"rank"`
			Move      string `toml:"move"`
			YearNet   *int   `toml:"year_net"`
			YearRank  *int   `toml:"year_rank"`
			GridRank  *int   `toml:"grid_rank"`
			Trace     string `toml:"trace"`
			Left      *bool  `toml:"left"`
		} `toml:"standings"`
		Years []struct {
			Year     string   `toml:"year"`
			Final    *bool    `toml:"final"`
			Stars    []string `toml:"stars"`    // "household stars", every household with stars
			Monthly  []string `toml:"monthly"`  // "month h1 h2 ...", every month with stars
			Nominees []string `toml:"nominees"` // in rank order
		} `toml:"years"`
		Accounts []struct {
			Household string `toml:"household"`
			Balance   *int   `toml:"balance"`
			Honour    *int   `toml:"honour"`
			Redeemed  *int   `toml:"redeemed"`
			Expired   *int   `toml:"expired"`
			Frozen    *bool  `toml:"frozen"`
		} `toml:"accounts"`
		Problems []string `toml:"problems"` // "household date kind", every problem
		Market   []string `toml:"market"`   // "month redeemed expired goods_fen"
	} `toml:"expect"`
}

func TestScenarios(t *testing.T) {
	files, _ := filepath.Glob("testdata/scenarios/*.toml")
	if len(files) == 0 {
		t.Fatal("no scenarios")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".toml"), func(t *testing.T) {
			var sc scenario
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if err := toml.NewDecoder(strings.NewReader(string(data))).DisallowUnknownFields().Decode(&sc); err != nil {
				t.Fatal(err)
			}
			runScenario(t, &sc)
		})
	}
}

func runScenario(t *testing.T, sc *scenario) {
	v := scenarioVillage(t, sc)
	res := Village(v)
	checkStandings(t, sc, res)
	checkYears(t, sc, v, Honours(res, func(y string) bool { return FinalYear(v, y, sc.AsOf, sc.NoticeDays, time.FixedZone("CST", 8*3600)) }))
	checkLedger(t, sc, Supermarket(res, sc.AsOf, time.FixedZone("CST", 8*3600)))
}

// scenarioVillage makes the village of a scenario: its households, catalog, months, the
// approved versions of each month's sheet and its redemptions.
func scenarioVillage(t *testing.T, sc *scenario) *town.Village {
	data, err := os.ReadFile(filepath.Join("testdata", sc.Rules))
	if err != nil {
		t.Fatal(err)
	}
	rs, diags := rules.Parse("rules/2025-01-01.toml", data)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	v := &town.Village{ID: "v"}
	for _, c := range sc.Catalog {
		var g sheet.Goods
		fmt.Sscan(c, &g.ID, &g.Points, &g.CostFen)
		v.Catalog.Goods = append(v.Catalog.Goods, g)
	}
	for _, h := range sc.Households {
		f := strings.Fields(h)
		hh := sheet.Household{ID: f[0], Grid: f[1], Joined: f[2], Consent: true}
		if len(f) > 3 {
			hh.Left = f[3]
		}
		v.Households = append(v.Households, hh)
	}
	for _, m := range sc.Months {
		mo := &town.Month{Month: m.Month, Rules: rs}
		for i, rows := range m.Rows {
			var b strings.Builder
			b.WriteString("户号,事项,分值,日期\n")
			for _, r := range rows {
				f := strings.Fields(r)
				fmt.Fprintf(&b, "%s,%s,%s,%s-%02s\n", f[0], f[1], f[2], m.Month, f[3])
			}
			entries, _, diags := sheet.ReadSheet("sheet.csv", []byte(b.String()))
			if len(diags) > 0 {
				t.Fatal(diags)
			}
			mo.Entries = entries
			if i < len(m.Approved) {
				mo.Revisions = append(mo.Revisions, town.Revision{Version: town.Version{Commit: fmt.Sprint(i), Time: m.Approved[i]}, Entries: entries})
			}
		}
		for i, r := range m.Redemptions {
			var red sheet.Redemption
			fmt.Sscan(r, &red.Household, &red.Goods, &red.Quantity, &red.Points, &red.Date)
			red.Line = i + 2
			mo.Redemptions = append(mo.Redemptions, red)
		}
		v.Months = append(v.Months, mo)
	}
	return v
}

func equal(t *testing.T, what string, got, want any) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func checkStandings(t *testing.T, sc *scenario, res *VillageResult) {
	for _, e := range sc.Expect.Standings {
		i := slices.IndexFunc(res.Months, func(mr *MonthResult) bool { return mr.Month == e.Month })
		if i < 0 {
			t.Fatalf("no month %s", e.Month)
		}
		s := res.Months[i].Standing(e.Household)
		if s == nil {
			t.Errorf("%s %s: no standing", e.Month, e.Household)
			continue
		}
		at := e.Month + " " + e.Household + " "
		for what, pair := range map[string][2]any{
			"net": {s.Net, e.Net}, "rank": {s.Rank, e.Rank}, "year net": {s.YearNet, e.YearNet},
			"year rank": {s.YearRank, e.YearRank}, "grid rank": {s.GridRank, e.GridRank},
		} {
			if want := pair[1].(*int); want != nil {
				equal(t, at+what, pair[0], *want)
			}
		}
		if e.Move != "" {
			equal(t, at+"move", movement(s), e.Move)
		}
		if e.Trace != "" {
			equal(t, at+"trace", trace(s), e.Trace)
		}
		if e.Left != nil {
			equal(t, at+"left", s.Left, *e.Left)
		}
	}
}

func checkYears(t *testing.T, sc *scenario, v *town.Village, years []*Year) {
	for _, e := range sc.Expect.Years {
		i := slices.IndexFunc(years, func(y *Year) bool { return y.Year == e.Year })
		if i < 0 {
			t.Errorf("no year %s", e.Year)
			continue
		}
		y := years[i]
		if e.Final != nil {
			equal(t, e.Year+" final", y.Final, *e.Final)
		}
		var stars, monthly []string
		for _, h := range y.Households {
			if h.Stars > 0 {
				stars = append(stars, fmt.Sprintf("%s %d", h.Household, h.Stars))
			}
		}
		for _, m := range sortedKeys(y.Monthly) {
			monthly = append(monthly, m+" "+strings.Join(y.Monthly[m], " "))
		}
		if e.Stars != nil {
			equal(t, e.Year+" stars", stars, e.Stars)
		}
		if e.Monthly != nil {
			equal(t, e.Year+" monthly stars", monthly, e.Monthly)
		}
		if e.Nominees != nil {
			equal(t, e.Year+" nominees", y.Nominees, e.Nominees)
		}
	}
}

func checkLedger(t *testing.T, sc *scenario, l *Ledger) {
	for _, e := range sc.Expect.Accounts {
		a := l.Accounts[e.Household]
		if a == nil {
			t.Errorf("no account for %s", e.Household)
			continue
		}
		for what, pair := range map[string][2]any{
			"balance": {a.Balance, e.Balance}, "honour": {a.Honour, e.Honour}, "redeemed": {a.Redeemed, e.Redeemed}, "expired": {a.Expired, e.Expired},
		} {
			if want := pair[1].(*int); want != nil {
				equal(t, e.Household+" "+what, pair[0], *want)
			}
		}
		if e.Frozen != nil {
			equal(t, e.Household+" frozen", a.Frozen, *e.Frozen)
		}
	}
	if e := sc.Expect.Problems; e != nil {
		var got []string
		for _, p := range l.Problems {
			got = append(got, p.Redemption.Household+" "+p.Redemption.Date+" "+string(p.Kind))
		}
		equal(t, "problems", got, e)
	}
	if e := sc.Expect.Market; e != nil {
		var got []string
		for _, m := range l.Months {
			got = append(got, fmt.Sprintf("%s %d %d %d", m.Month, m.Redeemed, m.Expired, m.GoodsFen))
		}
		equal(t, "market", got, e)
	}
}

// movement writes a standing's movement as the scenarios do: ↑n, ↓n, =, or 新.
func movement(s *Standing) string {
	up, down, isNew := s.Movement()
	switch {
	case isNew:
		return "新"
	case up > 0:
		return fmt.Sprintf("↑%d", up)
	case down > 0:
		return fmt.Sprintf("↓%d", down)
	}
	return "="
}
