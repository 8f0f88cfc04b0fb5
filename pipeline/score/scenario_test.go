package score

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
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
// lists is compared. See testdata/scenarios/*.toml. A scenario of several villages (moves
// between them) lists them as [[villages]], and its expectations name their village.
type scenario struct {
	Description string            `toml:"description"`
	Rules       string            `toml:"rules"` // a rule set file under testdata/
	OnMove      rules.OnMove      `toml:"on_move"`
	AsOf        time.Time         `toml:"as_of"`
	NoticeDays  int               `toml:"notice_days"`
	Catalog     []string          `toml:"catalog"`    // "id points cost_fen"
	Households  []string          `toml:"households"` // "id grid joined [left] [from=v/h、…] [carried=n]"
	Months      []scenarioMonth   `toml:"months"`
	Villages    []scenarioVillage `toml:"villages"` // instead of households and months: several villages
	Expect      struct {
		Standings []struct {
			Village   string `toml:"village"`
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
			Village  string   `toml:"village"`
			Year     string   `toml:"year"`
			Final    *bool    `toml:"final"`
			Stars    []string `toml:"stars"`    // "household stars", every household with stars
			Monthly  []string `toml:"monthly"`  // "month h1 h2 ...", every month with stars
			Nominees []string `toml:"nominees"` // in rank order
		} `toml:"years"`
		Accounts []struct {
			Village   string   `toml:"village"`
			Household string   `toml:"household"`
			Balance   *int     `toml:"balance"`
			Honour    *int     `toml:"honour"`
			Redeemed  *int     `toml:"redeemed"`
			Expired   *int     `toml:"expired"`
			Frozen    *bool    `toml:"frozen"`
			Lines     []string `toml:"lines"` // every line: "date kind points balance [counterpart]"
		} `toml:"accounts"`
		Problems      []string `toml:"problems"`       // "[village] household date kind", every problem
		Market        []string `toml:"market"`         // "[village] month redeemed expired goods_fen", every month
		Moved         []string `toml:"moved"`          // "village month moved_in moved_out move_clear", every month with any
		Links         []string `toml:"links"`          // "from → to kind", every link
		Transfers     []string `toml:"transfers"`      // "date from → to kind points [cleared] [later] [honour n] [frozen day]", every transfer
		ShareProblems []string `toml:"share_problems"` // "from date shares balance", every split whose shares are over the balance
	} `toml:"expect"`
}

// A scenarioVillage is one village of a scenario of several.
type scenarioVillage struct {
	ID         string          `toml:"id"`
	Households []string        `toml:"households"`
	Months     []scenarioMonth `toml:"months"`
}

// A scenarioMonth is one month of a village: its sheet's versions and its redemptions.
type scenarioMonth struct {
	Month       string      `toml:"month"`
	Approved    []time.Time `toml:"approved"`    // the first approval, then corrections
	Rows        [][]string  `toml:"rows"`        // per version: "household item points day"
	Redemptions []string    `toml:"redemptions"` // "household goods quantity points date"
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

// cst is the scenarios' time zone.
var cst = time.FixedZone("CST", 8*3600)

func runScenario(t *testing.T, sc *scenario) {
	tw := scenarioTown(t, sc)
	results := Town(tw, sc.AsOf)
	several := len(sc.Villages) > 0
	for _, res := range results {
		checkStandings(t, sc, res)
		checkYears(t, sc, res.Village, res.Years)
		checkLedger(t, sc, res.Village.ID, res.Ledger)
	}
	var problems, market, moved []string
	for _, res := range results {
		prefix := ""
		if several {
			prefix = res.Village.ID + " "
		}
		for _, p := range res.Ledger.Problems {
			problems = append(problems, prefix+p.Redemption.Household+" "+p.Redemption.Date+" "+string(p.Kind))
		}
		for _, m := range res.Ledger.Months {
			market = append(market, fmt.Sprintf("%s%s %d %d %d", prefix, m.Month, m.Redeemed, m.Expired, m.GoodsFen))
			if m.MovedIn != 0 || m.MovedOut != 0 || m.MoveClear != 0 {
				moved = append(moved, fmt.Sprintf("%s %s %d %d %d", res.Village.ID, m.Month, m.MovedIn, m.MovedOut, m.MoveClear))
			}
		}
	}
	if e := sc.Expect.Problems; e != nil {
		equal(t, "problems", problems, e)
	}
	if e := sc.Expect.Market; e != nil {
		equal(t, "market", market, e)
	}
	if e := sc.Expect.Moved; e != nil {
		equal(t, "moved", moved, e)
	}
	checkMoves(t, sc, tw, results)
}

// scenarioTown makes the town of a scenario: its village, or its villages, with the links of
// their rosters.
func scenarioTown(t *testing.T, sc *scenario) *town.Town {
	data, err := os.ReadFile(filepath.Join("testdata", sc.Rules))
	if err != nil {
		t.Fatal(err)
	}
	rs, diags := rules.Parse("rules/2025-01-01.toml", data)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	rs.Market.OnMove = sc.OnMove
	villages := sc.Villages
	if len(villages) == 0 {
		villages = []scenarioVillage{{ID: "v", Households: sc.Households, Months: sc.Months}}
	}
	tw := &town.Town{Name: "镇", NoticeDays: sc.NoticeDays, Location: cst, Rules: rules.Versions{rs}}
	for _, sv := range villages {
		tw.Villages = append(tw.Villages, buildVillage(t, sc, sv, rs))
	}
	if diags := town.FindLinks(tw); len(diags) > 0 {
		t.Fatalf("the links: %s", diags)
	}
	return tw
}

// buildVillage makes a village of a scenario: its households, catalog, months, the approved
// versions of each month's sheet and its redemptions.
func buildVillage(t *testing.T, sc *scenario, sv scenarioVillage, rs *rules.RuleSet) *town.Village {
	v := &town.Village{ID: sv.ID, Name: sv.ID + "村", RosterFile: "villages/" + sv.ID + "/households.csv"}
	for _, c := range sc.Catalog {
		var g sheet.Goods
		fmt.Sscan(c, &g.ID, &g.Points, &g.CostFen)
		v.Catalog.Goods = append(v.Catalog.Goods, g)
	}
	for i, h := range sv.Households {
		var f []string
		hh := sheet.Household{Consent: true, Line: i + 2}
		for _, w := range strings.Fields(h) {
			switch key, value, _ := strings.Cut(w, "="); key {
			case "from":
				for _, r := range strings.Split(value, "、") {
					village, household, ok := strings.Cut(r, "/")
					if !ok {
						village, household = "", village
					}
					hh.From = append(hh.From, sheet.Ref{Village: village, Household: household})
				}
			case "carried":
				n, err := strconv.Atoi(value)
				if err != nil {
					t.Fatalf("household %q: %v", h, err)
				}
				hh.Carried, hh.CarriedSet = n, true
			default:
				f = append(f, w)
			}
		}
		hh.ID, hh.Grid, hh.Joined = f[0], f[1], f[2]
		if len(f) > 3 {
			hh.Left = f[3]
		}
		v.Households = append(v.Households, hh)
	}
	for _, m := range sv.Months {
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

// ofVillage reports whether an expectation naming village (or none: the first village) is
// about the village id.
func ofVillage(sc *scenario, village, id string) bool {
	if village == "" {
		if len(sc.Villages) > 0 {
			return id == sc.Villages[0].ID
		}
		return id == "v"
	}
	return village == id
}

func equal(t *testing.T, what string, got, want any) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func checkStandings(t *testing.T, sc *scenario, res *VillageResult) {
	for _, e := range sc.Expect.Standings {
		if !ofVillage(sc, e.Village, res.Village.ID) {
			continue
		}
		i := slices.IndexFunc(res.Months, func(mr *MonthResult) bool { return mr.Month == e.Month })
		if i < 0 {
			t.Fatalf("no month %s", e.Month)
		}
		s := res.Months[i].Standing(e.Household)
		if s == nil {
			t.Errorf("%s %s: no standing", e.Month, e.Household)
			continue
		}
		at := res.Village.ID + " " + e.Month + " " + e.Household + " "
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
		if !ofVillage(sc, e.Village, v.ID) {
			continue
		}
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

func checkLedger(t *testing.T, sc *scenario, village string, l *Ledger) {
	for _, e := range sc.Expect.Accounts {
		if !ofVillage(sc, e.Village, village) {
			continue
		}
		at := village + " " + e.Household + " "
		a := l.Accounts[e.Household]
		if a == nil {
			t.Errorf("no account for %s", at)
			continue
		}
		for what, pair := range map[string][2]any{
			"balance": {a.Balance, e.Balance}, "honour": {a.Honour, e.Honour}, "redeemed": {a.Redeemed, e.Redeemed}, "expired": {a.Expired, e.Expired},
		} {
			if want := pair[1].(*int); want != nil {
				equal(t, at+what, pair[0], *want)
			}
		}
		if e.Frozen != nil {
			equal(t, at+"frozen", a.Frozen, *e.Frozen)
		}
		if e.Lines != nil {
			var lines []string
			for _, ln := range a.Lines {
				s := fmt.Sprintf("%s %s %d %d", ln.Date, ln.Kind, ln.Points, ln.Balance)
				if ln.Other != (town.Ref{}) {
					s += " " + ln.Other.String()
				}
				lines = append(lines, s)
			}
			equal(t, at+"lines", lines, e.Lines)
		}
	}
}

// checkMoves compares the town's links, its transfers and the splits whose shares were too
// many with the scenario's, and checks that each village's results say the town's moves.
func checkMoves(t *testing.T, sc *scenario, tw *town.Town, results []*VillageResult) {
	if e := sc.Expect.Links; e != nil {
		var got []string
		for _, l := range tw.Links {
			got = append(got, fmt.Sprintf("%s → %s %s", l.From, l.To, l.Kind))
		}
		equal(t, "links", got, e)
	}
	moves := results[0].Moves
	for _, res := range results {
		if res.Moves != moves {
			t.Errorf("%s: moves of its own", res.Village.ID)
		}
	}
	if e := sc.Expect.Transfers; e != nil {
		equal(t, "transfers", transfers(moves), e)
	}
	if e := sc.Expect.ShareProblems; e != nil {
		var got []string
		for _, p := range moves.Problems {
			got = append(got, fmt.Sprintf("%s %s %d %d", p.From, p.Date, p.Shares, p.Balance))
		}
		equal(t, "share problems", got, e)
	}
}

// transfers writes every transfer of the moves, one a string, in the order of their dates,
// predecessors and successors.
func transfers(m *Moves) []string {
	var out []string
	for _, trs := range m.Out {
		for _, tr := range trs {
			s := fmt.Sprintf("%s %s → %s %s %d", tr.Date, tr.From, tr.To, tr.Kind, tr.Points)
			if tr.Cleared {
				s += " cleared"
			}
			if tr.Later {
				s += " later"
			}
			if tr.Honour != 0 {
				s += fmt.Sprintf(" honour %d", tr.Honour)
			}
			if tr.FrozenUntil != "" {
				s += " frozen " + tr.FrozenUntil
			}
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
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
