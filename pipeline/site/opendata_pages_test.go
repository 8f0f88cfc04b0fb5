package site

import (
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/jifen-project/jifen/pipeline/demo"
)

// TestOpenDataOfTheDemo: every resource of the demo's downloads is valid against its schema,
// with shimen publishing no rankings; what a household that did not consent has is what the
// pages show of it (its code, points, ranks and honours, no name, no account); no value of the
// downloads is a head's whole name; and a village without rankings has no rank of any kind.
func TestOpenDataOfTheDemo(t *testing.T) {
	report := scored(t, demoSource(t), demo.AsOf())
	for _, v := range report.Town.Villages {
		if v.ID == "shimen" {
			v.PublishRanking = false
		}
	}
	s, err := Publish(report.Town, report.Results, demo.AsOf(), "", All, nil)
	if err != nil {
		t.Fatal(err)
	}
	tables, problems := openData(s.Files)
	for _, p := range problems[:min(len(problems), 20)] {
		t.Error(p)
	}
	for name := range s.Files {
		name = strings.TrimPrefix(name, "downloads/")
		if json := strings.TrimSuffix(strings.TrimPrefix(name, machineDir), ".csv") + ".json"; strings.HasSuffix(name, ".csv") && !hasTable(tables, json) {
			t.Errorf("%s: no table %s in datapackage.json", name, json)
		}
	}
	heads := map[string]bool{}
	for _, v := range report.Town.Villages {
		for _, h := range v.Households {
			heads[h.Head] = len([]rune(h.Head)) > 1
		}
	}
	for name, rows := range tables {
		for _, row := range rows {
			for f, value := range row {
				if s, ok := value.(string); ok && heads[s] {
					t.Fatalf("%s: %s is the whole name %s", name, f, s)
				}
			}
		}
	}
	for _, v := range report.Town.Villages {
		consent := map[string]string{} // household → masked name
		for _, h := range v.Households {
			if h.Consent {
				consent[h.ID] = Mask(h.Head)
			}
		}
		for _, name := range []string{v.ID + ".json", v.ID + "_honours.json", v.ID + "_households.json", v.ID + "_ledger.json"} {
			for _, row := range tables[name] {
				want, ok := consent[row["household"].(string)]
				if got := row["name"]; !ok && (got != nil || name == v.ID+"_households.json" || name == v.ID+"_ledger.json") || ok && got != want {
					t.Fatalf("%s: %v has the name %v; consent %v", name, row["household"], got, ok)
				}
			}
		}
		// A move names the village's household only when it consented, the other only when both did.
		for _, row := range tables[v.ID+"_moves.json"] {
			id, _ := row["household"].(string)
			if want, ok := consent[id]; id != "" && (!ok || row["name"] != want) || id == "" && (row["name"] != nil || row["counterpart"] != nil) {
				t.Fatalf("%s_moves.json: %v names a household that did not consent", v.ID, row)
			}
		}
		if len(tables[v.ID+"_households.json"]) != len(consent) || len(tables[v.ID+"_ledger.json"]) == 0 || len(tables[v.ID+"_honours.json"]) == 0 {
			t.Errorf("%s: %d accounts of %d households that consented, %d ledger lines, %d honours", v.ID, len(tables[v.ID+"_households.json"]),
				len(consent), len(tables[v.ID+"_ledger.json"]), len(tables[v.ID+"_honours.json"]))
		}
		checkRanks(t, v.ID, v.PublishRanking, tables)
	}
}

// checkRanks: a village that publishes rankings has them in its open data, and one that does
// not has none.
func checkRanks(t *testing.T, village string, published bool, tables map[string][]map[string]any) {
	t.Helper()
	ranked := 0
	for _, row := range tables[village+".json"] {
		for _, f := range []string{"rank", "movement", "new", "grid_rank", "year_rank", "month_star"} {
			if row[f] != nil {
				ranked++
			}
		}
	}
	for _, row := range tables[village+"_honours.json"] {
		if row["month_stars"] != nil {
			ranked++
		}
	}
	if published != (ranked > 0) {
		t.Errorf("%s publishes rankings: %v; its open data has %d ranks, moves and stars", village, published, ranked)
	}
}

// TestOpenDataMatchesThePages builds the demo's site with Hugo and reads its pages as a resident
// does: every figure of the month, grid, year, market and household pages is the figure of the
// downloads.
func TestOpenDataMatchesThePages(t *testing.T) {
	report := scored(t, demoSource(t), demo.AsOf())
	s, err := Publish(report.Town, report.Results, demo.AsOf(), "", All, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkPages(t, s, builtSite(t, s))
}

// checkPages reads the pages of the site s, built in out, as a resident does: every figure of
// the month, grid, year, market and household pages is the figure of the downloads.
func checkPages(t *testing.T, s *Site, out string) {
	t.Helper()
	files := map[string][]byte{}
	for name := range s.Files {
		data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = data
	}
	tables, problems := openData(files)
	if len(problems) > 0 {
		t.Fatalf("the built site's open data: %q", problems[:min(len(problems), 20)])
	}
	for _, v := range s.Villages {
		p := pages{t: t, dir: filepath.Join(out, v.ID), tables: tables, village: v.ID, name: v.Name}
		p.months()
		p.grids(v)
		p.years()
		p.market()
		p.households()
	}
}

// pages compares a village's pages with its open data.
type pages struct {
	t       *testing.T
	dir     string // the village's folder in the built site
	village string
	name    string // the village's name
	tables  map[string][]map[string]any
}

// rows are a table's rows that have the values given (field, value, ...).
func (p pages) rows(table string, match ...any) []map[string]any {
	var out []map[string]any
	for _, r := range p.tables[p.village+table+".json"] {
		ok := true
		for i := 0; i+1 < len(match); i += 2 {
			ok = ok && text(r[match[i].(string)]) == text(match[i+1])
		}
		if ok {
			out = append(out, r)
		}
	}
	return out
}

// text is a value as a page writes it: nothing for nil.
func text(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

// same reports a page's figure that is not the open data's.
func (p pages) same(page, what, got string, want any) {
	p.t.Helper()
	if got != text(want) {
		p.t.Errorf("%s %s: the page shows %q, the downloads %q", page, what, got, text(want))
	}
}

// months: each month page's totals and ranking, with each row's movement.
func (p pages) months() {
	for _, tot := range p.rows("_totals") {
		month := text(tot["month"])
		page := p.read(month)
		for dt, f := range map[string]string{"参评农户": "households", "有积分记录的户": "taking", "发放积分": "issued", "扣减积分": "deducted", "净积分合计": "net"} {
			p.same(month, dt, page.terms[dt], tot[f])
		}
		ranking := page.table("名次", "积分", "变化")
		for _, more := range page.all("名次", "积分", "变化")[1:] { // the ranking's further blocks
			ranking.rows, ranking.codes = append(ranking.rows, more.rows...), append(ranking.codes, more.codes...)
		}
		for i, row := range ranking.rows {
			code := ranking.codes[i]
			r := one(p.t, p.rows("", "month", month, "household", code))
			p.same(month+" "+code, "名次", row[ranking.col["名次"]], r["rank"])
			p.same(month+" "+code, "积分", row[ranking.col["积分"]], r["points"])
			p.same(month+" "+code, "变化", row[ranking.col["变化"]], movementText(r))
		}
		if ranked := len(p.rows("", "month", month)) - len(p.rows("", "month", month, "rank", nil)); ranked != len(ranking.rows) {
			p.t.Errorf("%s: %d households ranked on the page, %d in the downloads", month, len(ranking.rows), ranked)
		}
		p.objections(month, page)
	}
}

// objections: the objections table of a month page, in order, against the downloads'.
func (p pages) objections(month string, page builtPage) {
	want := p.rows("_objections", "month", month)
	var got [][]string
	var codes []string
	for _, t := range page.all("收到", "关于", "结果和答复") {
		got, codes = append(got, t.rows...), append(codes, t.codes...)
	}
	if len(got) != len(want) {
		p.t.Errorf("%s: %d objections on the page, %d in the downloads", month, len(got), len(want))
		return
	}
	for i, o := range want {
		p.same(month, "异议收到日期", got[i][0], o["received"])
		p.same(month, "异议的户", codes[i], o["household"])
		if reply := text(o["reply"]); !strings.Contains(got[i][2], reply) {
			p.t.Errorf("%s: objection %d reads %q, the downloads' reply %q", month, i+1, got[i][2], reply)
		}
	}
}

// declared: the declarations tables of a household's page (a month each, newest first)
// against the downloads' rows of the household (oldest first): date, outcome and reason.
func (p pages) declared(id string, page builtPage) {
	var got []string
	for _, t := range page.all("日期", "申报的事项", "结果") {
		for _, row := range t.rows {
			got = append(got, row[0]+" "+row[2]) // the outcome, and the reason after it
		}
	}
	var want []string
	for _, d := range p.rows("_declared", "household", id) {
		want = append(want, strings.TrimSpace(text(d["date"])+" "+text(d["outcome"])+" "+text(d["reason"])))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		p.t.Errorf("%s: declarations on the page %q, in the downloads %q", id, got, want)
	}
}

// movementText is the 变化 column of the month page for a row of the downloads.
func movementText(r map[string]any) string {
	switch n, _ := r["movement"].(int64); {
	case r["new"] == true:
		return "新"
	case n > 0:
		return fmt.Sprintf("↑%d", n)
	case n < 0:
		return fmt.Sprintf("↓%d", -n)
	}
	return "="
}

// grids: the grid pages of the latest month, their grid ranks.
func (p pages) grids(v *Village) {
	totals := p.rows("_totals")
	month := text(totals[len(totals)-1]["month"])
	for _, g := range v.Grids {
		ranking := p.read(month, "g", g.ID).table("组内名次", "积分", "全村名次")
		for i, row := range ranking.rows {
			r := one(p.t, p.rows("", "month", month, "household", ranking.codes[i]))
			p.same(month+" "+g.ID+" "+ranking.codes[i], "组内名次", row[ranking.col["组内名次"]], r["grid_rank"])
			p.same(month+" "+g.ID+" "+ranking.codes[i], "全村名次", row[ranking.col["全村名次"]], r["rank"])
		}
		if len(ranking.rows) == 0 {
			p.t.Errorf("%s %s: no grid ranking", month, g.ID)
		}
	}
}

// years: each year page's year-to-date ranking (as of its last month) and stars.
func (p pages) years() {
	years := map[string]string{} // year → its last month
	for _, tot := range p.rows("_totals") {
		years[text(tot["month"])[:4]] = text(tot["month"])
	}
	for year, through := range years {
		ranking := p.read(year).table("名次", "累计积分", "星级")
		for i, row := range ranking.rows {
			code := ranking.codes[i]
			r := one(p.t, p.rows("", "month", through, "household", code))
			p.same(year+" "+code, "名次", row[ranking.col["名次"]], r["year_rank"])
			p.same(year+" "+code, "累计积分", row[ranking.col["累计积分"]], r["year_points"])
			stars := any(nil)
			if h := p.rows("_honours", "year", year, "household", code); len(h) == 1 {
				stars = h[0]["stars"]
			}
			p.same(year+" "+code, "星级", starCount(row[ranking.col["星级"]]), stars)
		}
		if len(ranking.rows) == 0 {
			p.t.Errorf("%s: no ranking", year)
		}
	}
}

// starCount is the number of ★ of a page's stars, "" for none.
func starCount(s string) string {
	if n := strings.Count(s, "★"); n > 0 {
		return strconv.Itoa(n)
	}
	return ""
}

// market: the supermarket page's months.
func (p pages) market() {
	months := p.read("market").table("有积分户", "兑换户", "发放", "扣减", "兑换", "清零", "商品成本（元）")
	rows := p.rows("_market")
	if len(months.rows) != len(rows) {
		p.t.Errorf("market: %d months on the page, %d in the downloads", len(months.rows), len(rows))
	}
	for i, row := range months.rows {
		r := one(p.t, p.rows("_market", "month", monthOf(row[0])))
		for title, f := range map[string]string{"有积分户": "taking", "兑换户": "households", "发放": "issued", "扣减": "deducted", "兑换": "redeemed", "清零": "expired"} {
			p.same(fmt.Sprint("market row ", i), title, row[months.col[title]], r[f])
		}
		p.same(fmt.Sprint("market row ", i), "商品成本", row[months.col["商品成本（元）"]], fmt.Sprintf("%.2f", float64(r["goods_fen"].(int64))/100))
		// The moves' columns are there when the village has moves, and show every point moved.
		for title, f := range map[string]string{"迁入": "moved_in", "迁出": "moved_out", "迁出清零": "move_clear"} {
			if c, ok := months.col[title]; ok {
				p.same(fmt.Sprint("market row ", i), title, row[c], r[f])
			} else if r[f] != int64(0) {
				p.t.Errorf("market row %d: no column %s, the downloads %v", i, title, r[f])
			}
		}
	}
	// Each move of the village, whoever consented, is in the market's figures.
	var market, moves [3]int64
	for _, r := range rows {
		market[0], market[1], market[2] = market[0]+r["moved_in"].(int64), market[1]+r["moved_out"].(int64), market[2]+r["move_clear"].(int64)
	}
	for _, r := range p.rows("_moves") {
		if r["direction"] == "迁入" {
			moves[0] += r["points"].(int64)
		} else {
			moves[1], moves[2] = moves[1]+r["points"].(int64), moves[2]+r["cleared"].(int64)
		}
	}
	if market != moves {
		p.t.Errorf("market: moved in, out and cleared %v, the moves' table %v", market, moves)
	}
}

// households: each page of a household that consented: its figures, months and account.
func (p pages) households() {
	for _, hh := range p.rows("_households") {
		id := text(hh["household"])
		page := p.read("h", strings.ToLower(id))
		year := text(hh["year"])
		p.same(id, "年净积分", page.terms[year+"年净积分"], hh["year_points"])
		p.same(id, "荣誉积分", page.terms["荣誉积分"], hh["honour"])
		balance, paused, _ := strings.Cut(page.terms["可兑换积分"], "（")
		p.same(id, "可兑换积分", strings.TrimSpace(balance), hh["balance"])
		p.same(id, "暂停兑换", strconv.FormatBool(paused != ""), hh["paused"])
		starred, final := page.terms["星级文明户"]
		if !final {
			starred = page.terms["星级文明户（暂定）"]
		}
		p.same(id, "星级", starCount(starred), hh["stars"])
		p.same(id, "星级已定", strconv.FormatBool(final), hh["stars_final"])
		p.householdMonths(id, page)
		p.account(id, page)
		p.declared(id, page)
		p.moves(id, page)
		stars := slices.DeleteFunc(p.rows("", "household", id, "month_star", true), func(r map[string]any) bool {
			return !strings.HasPrefix(text(r["month"]), year)
		})
		if got := strings.Count(page.text, "积分之星"); got != len(stars) {
			p.t.Errorf("%s: a star of %d months of %s on the page, of %d in the downloads", id, got, year, len(stars))
		}
		nominee := p.rows("_honours", "year", year, "household", id, "nominee", true)
		if strings.Contains(page.text, "道德模范候选") != (len(nominee) == 1) {
			p.t.Errorf("%s: nominee on the page %v, in the downloads %d", id, strings.Contains(page.text, "道德模范候选"), len(nominee))
		}
	}
}

// householdMonths: the months table of a household's page, its points and ranks.
func (p pages) householdMonths(id string, page builtPage) {
	months := page.table("月份", "积分")
	want := p.rows("", "household", id)
	if len(months.rows) != len(want) {
		p.t.Errorf("%s: %d months on the page, %d in the downloads", id, len(months.rows), len(want))
	}
	for _, row := range months.rows {
		r := one(p.t, p.rows("", "household", id, "month", monthOf(row[0])))
		p.same(id+" "+row[0], "积分", row[months.col["积分"]], r["points"])
		if c, ok := months.col["名次"]; ok {
			rank, _, _ := strings.Cut(row[c], " / ")
			if r["left"] == true {
				rank = strings.TrimSuffix(rank, "已退出")
			}
			p.same(id+" "+row[0], "名次", rank, r["rank"])
		}
	}
}

// account: the account table of a household's page, newest first, against its ledger lines.
func (p pages) account(id string, page builtPage) {
	lines := p.rows("_ledger", "household", id)
	account, _ := page.find("日期", "事项", "积分", "余额") // none when the account has no line
	if len(account.rows) != len(lines) {
		p.t.Errorf("%s: %d account lines on the page, %d in the downloads", id, len(account.rows), len(lines))
		return
	}
	for i, row := range account.rows {
		l := lines[len(lines)-1-i]
		for title, f := range map[string]string{"日期": "date", "积分": "points", "余额": "balance"} {
			p.same(fmt.Sprint(id, " line ", l["line"]), title, row[account.col[title]], l[f])
		}
		if what := row[account.col["事项"]]; !strings.Contains(what, text(l["goods"])) || (l["kind"] == "兑换") != strings.HasPrefix(what, "兑换") {
			p.t.Errorf("%s line %v: the page shows %q, the downloads %v %v", id, l["line"], what, l["kind"], l["goods"])
		}
		what, village, other := row[account.col["事项"]], text(l["counterpart_village"]), text(l["counterpart"])
		if !strings.HasPrefix(what, text(l["kind"])) && village != "" || village != "" && !strings.Contains(what, p.place(village)) ||
			(other != "") != (codePattern.FindString(strings.TrimPrefix(what, text(l["goods"]))) != "") || !strings.Contains(what, other) {
			p.t.Errorf("%s line %v: the page shows %q, the downloads %v %v %v", id, l["line"], what, l["kind"], village, other)
		}
	}
}

// codePattern matches a household's code (QS-0107) in a page's text.
var codePattern = regexp.MustCompile(`[A-Z]+-[0-9]+`)

// place is a village's name as the pages of this village write it: 本村 for its own.
func (p pages) place(village string) string {
	if village == p.name {
		return "本村"
	}
	return village
}

// moves: the moves of a household's page, one a line, against the downloads' rows of the
// household: the date, the other village, the other household's code (only when both
// consented) and the points that went along or were cleared.
func (p pages) moves(id string, page builtPage) {
	rows := p.rows("_moves", "household", id)
	if len(page.moves) != len(rows) {
		p.t.Errorf("%s: %d moves on the page, %d in the downloads", id, len(page.moves), len(rows))
		return
	}
	for i, r := range rows {
		line, code := page.moves[i][0], page.moves[i][1]
		date, _ := time.Parse(time.DateOnly, text(r["date"]))
		var want []string
		want = append(want, fmt.Sprintf("%d年%d月%d日", date.Year(), date.Month(), date.Day()), p.place(text(r["village"])))
		if n := r["points"].(int64); n > 0 {
			want = append(want, fmt.Sprintf("可兑换积分 %d 分", n))
		}
		if n := r["cleared"].(int64); n > 0 {
			want = append(want, fmt.Sprintf("%d 分", n), "清零")
		}
		if n := r["honour"].(int64); n > 0 && r["direction"] == "迁入" {
			want = append(want, fmt.Sprintf("荣誉积分 %d 分", n))
		}
		for _, w := range want {
			if !strings.Contains(line, w) {
				p.t.Errorf("%s move %d: the page says %q, without %q of the downloads %v", id, i+1, line, w, r)
			}
		}
		p.same(fmt.Sprint(id, " move ", i+1), "对方户号", code, r["counterpart"])
	}
}

var monthTitlePattern = regexp.MustCompile(`([0-9]{4})年([0-9]{1,2})月`)

// monthOf is the month YYYY-MM of a page's month title.
func monthOf(title string) string {
	m := monthTitlePattern.FindStringSubmatch(title)
	if m == nil {
		return title
	}
	return fmt.Sprintf("%s-%02d", m[1], atoi(m[2]))
}

func one(t *testing.T, rows []map[string]any) map[string]any {
	t.Helper()
	if len(rows) != 1 {
		t.Fatalf("%d rows in the downloads, want 1: %v", len(rows), rows)
	}
	return rows[0]
}

// A builtPage is a built page as a resident reads it: its text, its terms (a dl's dt → dd), its tables.
type builtPage struct {
	t      *testing.T
	name   string
	text   string
	terms  map[string]string
	tables []htmlTable
	moves  [][2]string // the household's moves (ul.moves): each line's text and the other household's code
}

// An htmlTable is a table of a page: its columns by header, its rows' cells and, for each row,
// the household code it names (the first span.code).
type htmlTable struct {
	col   map[string]int
	rows  [][]string
	codes []string
}

// read parses the page at the path (under the village's folder).
func (p pages) read(path ...string) builtPage {
	p.t.Helper()
	name := filepath.Join(append(append([]string{p.dir}, path...), "index.html")...)
	f, err := os.Open(name)
	if err != nil {
		p.t.Fatal(err)
	}
	defer f.Close()
	doc, err := html.Parse(f)
	if err != nil {
		p.t.Fatal(err)
	}
	pg := builtPage{t: p.t, name: name, text: textOf(doc), terms: map[string]string{}}
	for n := range doc.Descendants() {
		switch {
		case n.Type == html.ElementNode && n.Data == "dt" && n.NextSibling != nil:
			for dd := n.NextSibling; dd != nil; dd = dd.NextSibling {
				if dd.Type == html.ElementNode && dd.Data == "dd" {
					pg.terms[textOf(n)] = textOf(dd)
					break
				}
			}
		case n.Type == html.ElementNode && n.Data == "table":
			pg.tables = append(pg.tables, tableOf(n))
		case n.Type == html.ElementNode && n.Data == "li" && n.Parent != nil && attrOf(n.Parent, "class") == "moves":
			code := ""
			for a := range n.Descendants() {
				if a.Type == html.ElementNode && a.Data == "a" && attrOf(a, "class") == "code" {
					code = textOf(a)
				}
			}
			pg.moves = append(pg.moves, [2]string{textOf(n), code})
		}
	}
	return pg
}

// table is the page's table with these columns.
func (pg builtPage) table(columns ...string) htmlTable {
	pg.t.Helper()
	t, ok := pg.find(columns...)
	if !ok {
		pg.t.Fatalf("%s: no table with the columns %q", pg.name, columns)
	}
	return t
}

// all are the page's tables with these columns.
func (pg builtPage) all(columns ...string) []htmlTable {
	var out []htmlTable
	for _, t := range pg.tables {
		if !slices.ContainsFunc(columns, func(c string) bool { _, ok := t.col[c]; return !ok }) {
			out = append(out, t)
		}
	}
	return out
}

// find is the page's table with these columns, if it has one.
func (pg builtPage) find(columns ...string) (htmlTable, bool) {
	for _, t := range pg.tables {
		if !slices.ContainsFunc(columns, func(c string) bool { _, ok := t.col[c]; return !ok }) {
			return t, true
		}
	}
	return htmlTable{}, false
}

func tableOf(n *html.Node) htmlTable {
	t := htmlTable{col: map[string]int{}}
	for tr := range n.Descendants() {
		if tr.Type != html.ElementNode || tr.Data != "tr" {
			continue
		}
		var cells []string
		code := ""
		for c := tr.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && (c.Data == "td" || c.Data == "th") {
				cells = append(cells, textOf(c))
				code = cmp.Or(code, codeOf(c))
			}
		}
		if tr.Parent != nil && tr.Parent.Data == "thead" {
			for i, c := range cells {
				t.col[c] = i
			}
			continue
		}
		t.rows, t.codes = append(t.rows, cells), append(t.codes, code)
	}
	return t
}

// codeOf is the text of the first span.code in n.
func codeOf(n *html.Node) string {
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && d.Data == "span" && slices.ContainsFunc(d.Attr, func(a html.Attribute) bool { return a.Key == "class" && a.Val == "code" }) {
			return textOf(d)
		}
	}
	return ""
}

// textOf is the text of n, its spaces collapsed.
func textOf(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data + " ")
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// hasTable reports whether datapackage.json describes the table (which may have no rows).
func hasTable(tables map[string][]map[string]any, name string) bool {
	_, ok := tables[name]
	return ok
}
