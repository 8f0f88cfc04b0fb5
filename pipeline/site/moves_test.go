package site

import (
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jifen-project/jifen/pipeline/records"
	"github.com/jifen-project/jifen/pipeline/score"
	"github.com/jifen-project/jifen/pipeline/town"
)

// The moves town: three villages whose households move, split and merge (迁移、分户、合户).
// Its rule set carries a mover's points until August and clears them from then on.
//
//   - 2025-06-20: QS-0101…QS-0104 of 青石村 move to 柳塘村 as LT-0201…LT-0204, in the four
//     combinations of consent (是→是, 是→否, 否→是, 否→否).
//   - 2025-07-10: QS-0105 takes the new code QS-0106 in its own village.
//   - 2025-07-15: TY-0301 of 桃源村 splits into TY-0302 (承接积分 6) and TY-0303 (the main one).
//   - 2025-09-05: LT-0205 of 柳塘村 and TY-0304 merge into TY-0305 (points cleared).
//
// Each household on the roster has 5 points a month (May to October), QS-0101 10 more in May;
// each month's sheets are approved on the 3rd of the next month, so that the move month's points
// are credited after the move and forwarded. LT-0201 spends 10 points in July.
var movesRosters = map[string]string{
	"qingshi": `QS-0101,张青一,一组,是,2025-01-01,2025-06-20,,
QS-0102,李青二,一组,是,2025-01-01,2025-06-20,,
QS-0103,王青三,一组,否,2025-01-01,2025-06-20,,
QS-0104,赵青四,一组,否,2025-01-01,2025-06-20,,
QS-0105,钱青五,一组,是,2025-01-01,2025-07-10,,
QS-0106,钱青六,一组,是,2025-07-11,,QS-0105,
QS-0107,孙青七,一组,是,2025-01-01,,,
QS-0108,周青八,一组,否,2025-01-01,,,
`,
	"liutang": `LT-0201,刘柳一,一组,是,2025-06-21,,qingshi/QS-0101,
LT-0202,何柳二,一组,否,2025-06-21,,qingshi/QS-0102,
LT-0203,吕柳三,一组,是,2025-06-21,,qingshi/QS-0103,
LT-0204,施柳四,一组,否,2025-06-21,,qingshi/QS-0104,
LT-0205,吴柳五,一组,是,2025-01-01,2025-09-05,,
LT-0206,郑柳六,一组,否,2025-01-01,,,
`,
	"taoyuan": `TY-0301,冯桃一,一组,是,2025-01-01,2025-07-15,,
TY-0302,陈桃二,一组,是,2025-07-16,,TY-0301,6
TY-0303,褚桃三,一组,是,2025-07-16,,TY-0301,
TY-0304,卫桃四,一组,是,2025-01-01,2025-09-05,,
TY-0305,蒋桃五,一组,是,2025-09-06,,liutang/LT-0205、TY-0304,
TY-0306,沈桃六,一组,否,2025-01-01,,,
`,
}

var movesVillages = []struct{ id, name string }{{"qingshi", "青石村"}, {"liutang", "柳塘村"}, {"taoyuan", "桃源村"}}

// movesRules is a small rule set; %s is its effective date and %s its on_move.
const movesRules = `title = "测试细则"
effective = %s
monthly_cap = 30

[adoption]
body = "测试镇村民代表会议"
date = 2024-12-01

[[categories]]
id = "A"
name = "甲类"
weight = 100

[[items]]
id = "A1"
category = "A"
name = "参加义务劳动"
points = 5
cap = 15
evidence = false
publish = "Y"

[[vetoes]]
id = "V1"
name = "否决一"
effect = "E1"

[honours.monthly]
top = 1

[[honours.stars]]
stars = 1
min_points = 20

[supermarket]
points = 1
yuan = 1
expiry = "year-end"
on_move = "%s"
`

// movesAsOf is the moves town's as-of time.
var movesAsOf = time.Date(2025, 11, 20, 12, 0, 0, 0, time.FixedZone("CST", 8*3600))

// movesTown loads and scores the moves town.
func movesTown(t *testing.T) (*town.Town, []*score.VillageResult) {
	t.Helper()
	cst := movesAsOf.Location()
	first := map[string][]byte{
		"town.toml": []byte(`format = 1
name = "测试镇"
villages = ["qingshi", "liutang", "taoyuan"]
notice_days = 7
objection_contact = "镇积分办（测试）"
`),
		"rules/2025-01-01.toml":   fmt.Appendf(nil, movesRules, "2025-01-01", "carry"),
		"rules/2025-08-01.toml":   fmt.Appendf(nil, movesRules, "2025-08-01", "clear"),
		"supermarket/catalog.csv": []byte("商品编号,名称,单位,积分,成本\nG01,毛巾,条,10,9.50\n"),
	}
	for _, v := range movesVillages {
		first["villages/"+v.id+"/village.toml"] = fmt.Appendf(nil, "name = %q\npublish_ranking = true\n\n[[grids]]\nid = \"g1\"\nname = \"一组\"\nworker = \"网格员\"\n\n[evaluation]\nmembers = [\"评议员甲\"]\n", v.name)
		first["villages/"+v.id+"/households.csv"] = []byte("户号,户主,小组,公开授权,加入日期,退出日期,迁自,承接积分\n" + movesRosters[v.id])
	}
	author := records.Person{Name: "村文书", Email: "clerk@example.org"}
	changes := []records.Change{{Author: author, Merger: author, Time: time.Date(2025, 5, 1, 9, 0, 0, 0, cst), Message: "名册和细则", Files: first}}
	for month := time.May; month <= time.October; month++ {
		files := map[string][]byte{}
		for _, v := range movesVillages {
			sheet := "户号,事项,分值,日期,说明,佐证\n"
			for _, line := range strings.Split(strings.TrimSpace(movesRosters[v.id]), "\n") {
				cells := strings.Split(line, ",")
				if day, ok := activeDay(2025, month, cells[4], cells[5]); ok {
					sheet += fmt.Sprintf("%s,A1,5,%s,打扫村道,\n", cells[0], day)
					if cells[0] == "QS-0101" && month == time.May {
						sheet += "QS-0101,A1,5,2025-05-20,清理水沟,\nQS-0101,A1,5,2025-05-21,清理水沟,\n"
					}
				}
			}
			files[fmt.Sprintf("villages/%s/sheets/2025-%02d.csv", v.id, month)] = []byte(sheet)
		}
		if month == time.July {
			files["villages/liutang/redemptions/2025-07.csv"] = []byte("户号,商品,数量,积分,日期\nLT-0201,G01,1,10,2025-07-20\n")
		}
		at := time.Date(2025, month+1, 3, 10, 0, 0, 0, cst)
		changes = append(changes, records.Change{Author: author, Merger: author, Time: at, Message: fmt.Sprintf("2025年%d月评定表", month), Files: files})
	}
	repo, err := records.Replay("main", changes)
	if err != nil {
		t.Fatal(err)
	}
	src, err := records.Approved(repo, records.Options{Until: movesAsOf})
	if err != nil {
		t.Fatal(err)
	}
	tw, diags := town.Load(src, town.Options{Now: movesAsOf})
	if len(diags) > 0 {
		t.Fatalf("the moves town has problems: %v", diags)
	}
	if len(tw.Links) != 9 {
		t.Fatalf("the moves town has %d links, want 9: %v", len(tw.Links), tw.Links)
	}
	return tw, score.Town(tw, movesAsOf)
}

// activeDay is the day of the month a household on the roster from joined to left (or on)
// has its row: the 10th, or its first day when it joins later, or its last when it leaves
// before.
func activeDay(year int, month time.Month, joined, left string) (string, bool) {
	first := time.Date(year, month, 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	last := time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	from, to := max(first, joined), last
	if left != "" {
		to = min(last, left)
	}
	if from > to {
		return "", false
	}
	return min(max(from, first[:8]+"10"), to), true
}

// publishedMoves publishes the moves town.
func publishedMoves(t *testing.T) (*town.Town, []*score.VillageResult, *Site) {
	t.Helper()
	tw, results := movesTown(t)
	s, err := Publish(tw, results, movesAsOf, "", All, nil)
	if err != nil {
		t.Fatal(err)
	}
	return tw, results, s
}

// publishedHousehold is the page of a household, or nil when it has none.
func publishedHousehold(s *Site, village, id string) *Household {
	for _, v := range s.Villages {
		for i := range v.Households {
			if v.ID == village && v.Households[i].ID == id {
				return &v.Households[i]
			}
		}
	}
	return nil
}

// TestMovesNameTheOtherHouseholdOnlyWithBothConsents: a household's page tells its move, and
// names the other household (and links to its page) only when both consented, in each of the
// four combinations; its account lines likewise. A move within the village, a split and a
// merge are told too, each with what went along.
func TestMovesNameTheOtherHouseholdOnlyWithBothConsents(t *testing.T) {
	_, _, s := publishedMoves(t)
	describe := func(ms []MoveLink) []string {
		var out []string
		for _, m := range ms {
			out = append(out, fmt.Sprintf("%s %s %s %s/%s same=%v share=%v points=%d cleared=%d honour=%d", m.Date, m.Direction, m.Kind,
				m.Other.VillageName, m.Other.Household, m.Other.Same, m.Share, m.Points, m.Cleared, m.Honour))
		}
		return out
	}
	want := map[string][]string{
		// both consented: named; May 15 + June 5 credited on 3 July, after the move, and forwarded with
		// the honour score they add
		"qingshi/QS-0101": {"2025-06-20 out move 柳塘村/LT-0201 same=false share=false points=20 cleared=0 honour=20"},
		"liutang/LT-0201": {"2025-06-21 in move 青石村/QS-0101 same=false share=false points=20 cleared=0 honour=20"},
		// one did not: the village only
		"qingshi/QS-0102": {"2025-06-20 out move 柳塘村/ same=false share=false points=10 cleared=0 honour=10"},
		"liutang/LT-0203": {"2025-06-21 in move 青石村/ same=false share=false points=10 cleared=0 honour=10"},
		// within the village
		"qingshi/QS-0105": {"2025-07-10 out move 青石村/QS-0106 same=true share=false points=15 cleared=0 honour=15"},
		"qingshi/QS-0106": {"2025-07-11 in move 青石村/QS-0105 same=true share=false points=15 cleared=0 honour=15"},
		// a split: 10 points on 15 July (May, June), 6 of them TY-0302's share; July's 5 later, to the main one
		"taoyuan/TY-0301": {"2025-07-15 out split 桃源村/TY-0302 same=true share=true points=6 cleared=0 honour=0",
			"2025-07-15 out split 桃源村/TY-0303 same=true share=false points=9 cleared=0 honour=15"},
		"taoyuan/TY-0302": {"2025-07-16 in split 桃源村/TY-0301 same=true share=true points=6 cleared=0 honour=0"},
		"taoyuan/TY-0303": {"2025-07-16 in split 桃源村/TY-0301 same=true share=false points=9 cleared=0 honour=15"},
		// a merge under the rule set that clears: 20 points each on 5 September, August's 5 and September's later
		"liutang/LT-0205": {"2025-09-05 out merge 桃源村/TY-0305 same=false share=false points=0 cleared=25 honour=25"},
		"taoyuan/TY-0304": {"2025-09-05 out merge 桃源村/TY-0305 same=true share=false points=0 cleared=25 honour=25"},
		"taoyuan/TY-0305": {"2025-09-06 in merge 柳塘村/LT-0205 same=false share=false points=0 cleared=25 honour=25",
			"2025-09-06 in merge 桃源村/TY-0304 same=true share=false points=0 cleared=25 honour=25"},
	}
	for key, lines := range want {
		village, id, _ := strings.Cut(key, "/")
		h := publishedHousehold(s, village, id)
		if h == nil {
			t.Errorf("%s has no page", key)
			continue
		}
		if got := describe(h.Moves); !slices.Equal(got, lines) {
			t.Errorf("%s moves:\n%s\nwant:\n%s", key, strings.Join(got, "\n"), strings.Join(lines, "\n"))
		}
	}
	for _, key := range []string{"qingshi/QS-0103", "qingshi/QS-0104", "liutang/LT-0202", "liutang/LT-0204"} {
		village, id, _ := strings.Cut(key, "/")
		if publishedHousehold(s, village, id) != nil {
			t.Errorf("%s did not consent, and has a page", key)
		}
	}
	// The account lines of the moves name the same household as the page, or none.
	for _, v := range s.Villages {
		for _, h := range v.Households {
			named := map[string]bool{}
			for _, m := range h.Moves {
				if m.Other.Household != "" {
					named[m.Other.Village+"/"+m.Other.Household] = true
				}
			}
			moved := 0
			for _, l := range h.Account {
				if l.Other == nil != !strings.HasPrefix(l.Kind, "move-") {
					t.Errorf("%s %s: account line %s with the counterpart %v", v.ID, h.ID, l.Kind, l.Other)
				}
				if l.Other == nil {
					continue
				}
				moved++
				if l.Other.Household != "" && !named[l.Other.Village+"/"+l.Other.Household] || l.Other.VillageName == "" {
					t.Errorf("%s %s: account line %s names %+v, the page's moves %v", v.ID, h.ID, l.Kind, *l.Other, named)
				}
			}
			if (moved > 0) != (len(h.Moves) > 0 && h.ID != "TY-0305") { // a merge that cleared brings no points
				t.Errorf("%s %s: %d account lines of moves, %d moves", v.ID, h.ID, moved, len(h.Moves))
			}
		}
	}
}

// TestMovedToOnlyWithConsent: the directory's and the month page's lists of households that
// left say where one went only when it consented.
func TestMovedToOnlyWithConsent(t *testing.T) {
	_, _, s := publishedMoves(t)
	wantDirectory := map[string]string{
		"QS-0101": "move 柳塘村", "QS-0102": "move 柳塘村", "QS-0103": " ", "QS-0104": " ", "QS-0105": "move ",
		"LT-0205": "merge 桃源村", "TY-0301": "split ", "TY-0304": "merge ",
	}
	got := map[string]string{}
	for _, v := range s.Villages {
		for _, d := range v.Directory {
			for _, w := range d.Households {
				if w.Moved != "" || w.MovedTo != "" {
					t.Errorf("%s on the roster has moved %q to %q", w.Household, w.Moved, w.MovedTo)
				}
			}
			for _, w := range d.Left {
				got[w.Household] = w.Moved + " " + w.MovedTo
			}
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(wantDirectory) {
		t.Errorf("the directories' households that left: %v, want %v", got, wantDirectory)
	}
	june := s.Villages[0].Months[slices.IndexFunc(s.Villages[0].Months, func(m Month) bool { return m.Month == "2025-06" })]
	var left []string
	for _, r := range june.Left {
		left = append(left, r.Household+" "+r.Name+" "+r.Moved+" "+r.MovedTo)
	}
	if want := []string{"QS-0101 张*一 move 柳塘村", "QS-0102 李*二 move 柳塘村", "QS-0103   ", "QS-0104   "}; !slices.Equal(left, want) {
		t.Errorf("青石村 June's households that left: %q, want %q", left, want)
	}
}

// TestMarketReconcilesWithMoves: each village's supermarket figures reconcile with what moved in,
// out and was cleared; the town's moved in is its moved out; each month's figures add up to the
// totals; and the moves' table gives the same sums.
func TestMarketReconcilesWithMoves(t *testing.T) {
	_, _, s := publishedMoves(t)
	var in, out int
	for _, v := range append(s.Villages, &Village{ID: "town", Market: Market{Totals: s.Town.Market}}) {
		m := v.Market.Totals
		if m.Issued+m.Deducted-m.Redeemed-m.Expired+m.Cleared+m.MovedIn-m.MovedOut-m.MoveClear != m.Outstanding {
			t.Errorf("%s: %d + %d − %d − %d + %d + %d − %d − %d ≠ %d", v.ID, m.Issued, m.Deducted, m.Redeemed, m.Expired, m.Cleared,
				m.MovedIn, m.MovedOut, m.MoveClear, m.Outstanding)
		}
		if v.ID == "town" {
			continue
		}
		var sum MarketTotals
		for _, mm := range v.Market.Months {
			sum.MovedIn += mm.MovedIn
			sum.MovedOut += mm.MovedOut
			sum.MoveClear += mm.MoveClear
		}
		var rows MarketTotals
		for _, mv := range v.moves {
			if mv.Direction == moveIn {
				rows.MovedIn += mv.Points
			} else {
				rows.MovedOut += mv.Points
				rows.MoveClear += mv.Cleared
			}
		}
		if sum.MovedIn != m.MovedIn || sum.MovedOut != m.MovedOut || sum.MoveClear != m.MoveClear || rows.MovedIn != m.MovedIn ||
			rows.MovedOut != m.MovedOut || rows.MoveClear != m.MoveClear {
			t.Errorf("%s: the totals move %d in, %d out, %d cleared; the months %+v, the moves %+v", v.ID, m.MovedIn, m.MovedOut, m.MoveClear, sum, rows)
		}
		if !v.Market.Moves || v.Market.MoveClears != (m.MoveClear != 0) {
			t.Errorf("%s: moves %v, move clears %v with %d cleared", v.ID, v.Market.Moves, v.Market.MoveClears, m.MoveClear)
		}
		in, out = in+m.MovedIn, out+m.MovedOut
	}
	if in != out || in == 0 || s.Town.Market.MoveClear != 50 {
		t.Errorf("the town's villages moved in %d, out %d, cleared %d (want 50)", in, out, s.Town.Market.MoveClear)
	}
}

// TestMovesOpenData: the moves' table of each village is valid against its schema and has
// each move of the village in and out, with the household's code only when it consented and the
// other's only when both did; the ledger's counterparts likewise.
func TestMovesOpenData(t *testing.T) {
	tw, _, s := publishedMoves(t)
	tables, problems := openData(s.Files)
	for _, p := range problems {
		t.Error(p)
	}
	consent := map[string]bool{}
	for _, v := range tw.Villages {
		for _, h := range v.Households {
			consent[h.ID] = h.Consent
		}
	}
	count := map[string]int{}
	for _, v := range tw.Villages {
		rows, ok := tables[v.ID+"_moves.json"]
		if !ok {
			t.Fatalf("no table %s_moves", v.ID)
		}
		for _, r := range rows {
			household, _ := r["household"].(string)
			other, _ := r["counterpart"].(string)
			if household != "" && !consent[household] || other != "" && (!consent[other] || !consent[household]) {
				t.Errorf("%s moves: %v names a household that did not consent", v.ID, r)
			}
			count[v.ID+" "+r["direction"].(string)]++
		}
		for _, r := range tables[v.ID+"_ledger.json"] {
			if other, _ := r["counterpart"].(string); other != "" && !consent[other] {
				t.Errorf("%s ledger: %v names a household that did not consent", v.ID, r)
			}
		}
	}
	if want := map[string]int{"qingshi 迁出": 5, "qingshi 迁入": 1, "liutang 迁出": 1, "liutang 迁入": 4, "taoyuan 迁出": 3, "taoyuan 迁入": 4}; fmt.Sprint(count) != fmt.Sprint(want) {
		t.Errorf("the moves' tables have %v rows, want %v", count, want)
	}
}

// TestMovesPages builds the moves town's site: the household pages tell each move in words and
// link to the other household's page only when both consented; every figure of the pages is
// the open data's (see pages), moves included; no page or download carries a head's whole name,
// the masked name of a household that did not consent, or its code in another village; and the
// pages of moves fit a 360 px phone screen.
func TestMovesPages(t *testing.T) {
	tw, _, s := publishedMoves(t)
	out := builtSite(t, s)
	for page, want := range movesSentences() {
		html := readFile(t, filepath.Join(out, page, "index.html"))
		for _, w := range want {
			if !strings.Contains(html, w) {
				t.Errorf("%s does not say %s", page, w)
			}
		}
	}
	for page, other := range map[string]string{"qingshi/h/qs-0102": "LT-0202", "liutang/h/lt-0203": "QS-0103"} {
		if html := readFile(t, filepath.Join(out, page, "index.html")); strings.Contains(html, other) || strings.Contains(html, strings.ToLower(other)) {
			t.Errorf("%s names %s, which did not consent", page, other)
		}
	}
	checkPages(t, s, out)
	checkMovesSecrets(t, tw, out)
	// The pages that tell of moves fit a phone's screen.
	ctx := chromium(t)
	srv := httptest.NewServer(http.FileServer(http.Dir(out)))
	defer srv.Close()
	for _, page := range []string{"/taoyuan/h/ty-0305/", "/taoyuan/h/ty-0301/", "/liutang/h/lt-0201/", "/liutang/market/", "/qingshi/households/", "/qingshi/2025-06/"} {
		if wide := phoneOverflow(t, ctx, srv.URL+page); wide != "" {
			t.Errorf("%s does not fit a 360 px phone screen: %s", page, wide)
		}
	}
}

// movesSentences is what the moves town's pages say of its moves, by page: the household pages
// tell each move in words, the lists and the market pages mark them, and the rule sets' pages
// say what happens to a mover's points.
func movesSentences() map[string][]string {
	return map[string][]string{
		"qingshi/h/qs-0101": {`2025年6月20日迁往柳塘村（<a class="code" href="/liutang/h/lt-0201/">LT-0201</a>），转出可兑换积分 20 分。`},
		"liutang/h/lt-0201": {`2025年6月21日由青石村迁入（原户 <a class="code" href="/qingshi/h/qs-0101/">QS-0101</a>），转入可兑换积分 20 分、荣誉积分 20 分。`,
			`迁入转入（青石村 <a class="code" href="/qingshi/h/qs-0101/">QS-0101</a>）`},
		"qingshi/h/qs-0102": {`2025年6月20日迁往柳塘村，转出可兑换积分 10 分。`, `迁出转出（柳塘村）`},
		"liutang/h/lt-0203": {`2025年6月21日由青石村迁入，转入可兑换积分 10 分、荣誉积分 10 分。`, `迁入转入（青石村）`},
		"qingshi/h/qs-0105": {`2025年7月10日在本村换了新户号（新户号 <a class="code" href="/qingshi/h/qs-0106/">QS-0106</a>），转出可兑换积分 15 分。`},
		"qingshi/h/qs-0106": {`2025年7月11日在本村换了新户号（原户号 <a class="code" href="/qingshi/h/qs-0105/">QS-0105</a>），转入可兑换积分 15 分、荣誉积分 15 分。`},
		"taoyuan/h/ty-0301": {`2025年7月15日分户，分出本村的一户（<a class="code" href="/taoyuan/h/ty-0302/">TY-0302</a>），转出可兑换积分 6 分（承接积分）。`,
			`2025年7月15日分户，分出本村的一户（<a class="code" href="/taoyuan/h/ty-0303/">TY-0303</a>）作为主户，转出可兑换积分 9 分。`},
		"taoyuan/h/ty-0302": {`2025年7月16日由本村的一户分户而来（原户 <a class="code" href="/taoyuan/h/ty-0301/">TY-0301</a>），转入可兑换积分 6 分（承接积分）。`},
		"liutang/h/lt-0205": {`2025年9月5日与别的户合户，并入桃源村的一户（<a class="code" href="/taoyuan/h/ty-0305/">TY-0305</a>）；迁出时按细则清零 25 分。`,
			`迁出清零（桃源村 <a class="code" href="/taoyuan/h/ty-0305/">TY-0305</a>）`},
		"taoyuan/h/ty-0305": {`2025年9月6日由柳塘村的一户合户而来（原户 <a class="code" href="/liutang/h/lt-0205/">LT-0205</a>），转入荣誉积分 25 分；原户的可兑换积分 25 分按细则在迁出时清零。`,
			`2025年9月6日由本村的一户合户而来（原户 <a class="code" href="/taoyuan/h/ty-0304/">TY-0304</a>），转入荣誉积分 25 分；原户的可兑换积分 25 分按细则在迁出时清零。`},
		"qingshi/households": {`QS-0101</span>（迁往柳塘村）`, `QS-0105</span>（在本村换了新户号）`},
		"taoyuan/households": {`TY-0301</span>（已分户）`, `TY-0304</span>（已合户）`},
		"liutang/households": {`LT-0205</span>（已合户，迁往桃源村）`},
		"qingshi/2025-06":    {`QS-0101</span>（一组，5 分，迁往柳塘村）`, `QS-0103</span>（一组，5 分）`},
		"liutang/market":     {`<th scope="col" class="n">迁入</th><th scope="col" class="n">迁出</th><th scope="col" class="n">迁出清零</th>`, "迁出清零 25 分"},
		"qingshi/market":     {`<th scope="col" class="n">迁入</th><th scope="col" class="n">迁出</th><th scope="col" class="n">商品成本（元）</th>`},
		"rules/2025-08-01":   {"农户迁移、分户、合户时，可兑换积分在迁出时清零。"},
		"rules/2025-01-01":   {"农户迁移、分户、合户时，可兑换积分随户转入新的户。"},
	}
}

// checkMovesSecrets checks that no file of the site built in out carries a head's whole name of
// town tw, the masked name of a household that did not consent, or the code of one in the
// files of another village.
func checkMovesSecrets(t *testing.T, tw *town.Town, out string) {
	t.Helper()
	// Names, and the codes of households that did not consent outside their village.
	var secrets []string
	foreign := map[string][]string{} // village → codes its files must not have
	for _, v := range tw.Villages {
		for _, h := range v.Households {
			secrets = append(secrets, h.Head)
			if !h.Consent {
				secrets = append(secrets, Mask(h.Head))
				for _, o := range tw.Villages {
					if o.ID != v.ID {
						foreign[o.ID] = append(foreign[o.ID], h.ID)
					}
				}
			}
		}
	}
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(p, out+string(filepath.Separator)))
		for _, secret := range secrets {
			if strings.Contains(string(data), secret) {
				t.Errorf("%s has %s", rel, secret)
			}
		}
		top, _, _ := strings.Cut(rel, "/")
		base := strings.TrimSuffix(filepath.Base(rel), filepath.Ext(rel))
		for village, codes := range foreign {
			if top != village && !strings.HasPrefix(base, village) {
				continue
			}
			for _, code := range codes {
				if strings.Contains(string(data), code) || strings.Contains(string(data), strings.ToLower(code)) {
					t.Errorf("%s has %s, of another village, which did not consent", rel, code)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
