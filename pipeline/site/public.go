package site

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/yuin/goldmark"

	"github.com/jifen-project/jifen/pipeline/score"
	"github.com/jifen-project/jifen/pipeline/town"
)

// The public view of a town: everything the site may show, and nothing else. Publish is the one
// place where the privacy rules apply; the JSON written to data/ is exactly these values.

// Town is data/town.json.
type Town struct {
	Name       string        `json:"name"`
	Demo       bool          `json:"demo"`
	AsOf       string        `json:"as_of"`
	AsOfText   string        `json:"as_of_text"`
	NoticeDays int           `json:"notice_days"`
	Objection  string        `json:"objection_contact"`
	Villages   []VillageLink `json:"villages"`
	Totals     Totals        `json:"totals"`
	Market     MarketTotals  `json:"market"`
	Downloads  []Download    `json:"downloads"`
	SiteURL    string        `json:"site_url"`
}

// Site is everything a build publishes: the JSON for Hugo and the files written beside the pages
// (downloads, feeds).
type Site struct {
	Town     *Town
	Villages []*Village
	Rules    []RuleVersion
	Files    map[string][]byte // path in the site → content
}

// VillageLink is a village as the town home lists it.
type VillageLink struct {
	ID          string       `json:"id"`
	Key         string       `json:"key"` // the village's data file: data/villages/<key>.json
	Name        string       `json:"name"`
	Households  int          `json:"households"`
	LatestMonth string       `json:"latest_month"` // YYYY-MM, "" before the first approved sheet
	LatestTitle string       `json:"latest_title"`
	Status      string       `json:"status"` // notice or effective
	StatusText  string       `json:"status_text"`
	Totals      Totals       `json:"totals"`
	Market      MarketTotals `json:"market"`
}

// Totals are aggregates that are always public.
type Totals struct {
	Households int `json:"households"` // on the roster in the latest month
	Taking     int `json:"taking"`     // with at least one entry in the period
	Issued     int `json:"issued"`     // positive points counted
	Deducted   int `json:"deducted"`   // deductions counted (≤ 0)
	Net        int `json:"net"`
}

// Village is data/villages/<key>.json.
type Village struct {
	ID             string      `json:"id"`
	Name           string      `json:"name"`
	PublishRanking bool        `json:"publish_ranking"`
	Objection      string      `json:"objection_contact"`
	Grids          []Grid      `json:"grids"`
	Months         []Month     `json:"months"` // newest first
	Years          []Year      `json:"years"`  // newest first
	Market         Market      `json:"market"`
	Households     []Household `json:"households"`
	Notices        []Notice    `json:"notices"`   // newest first
	Chart          string      `json:"chart"`     // SVG of the monthly net points
	Directory      []Directory `json:"directory"` // households on the roster by grid, to find one's own
}

// Directory lists a grid's households by code.
type Directory struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Households []Who  `json:"households"`
}

// Month is one village-month page.
type Month struct {
	Month         string           `json:"month"` // YYYY-MM
	Title         string           `json:"title"` // 2025年7月
	Date          string           `json:"date"`  // approval time, RFC 3339
	Status        string           `json:"status"`
	StatusText    string           `json:"status_text"`
	NoticeUntil   string           `json:"notice_until_text"`
	ApprovedAt    string           `json:"approved_at_text"`
	Commit        string           `json:"commit"`
	CommitURL     string           `json:"commit_url"`
	PR            int              `json:"pr"`
	Reviewers     []string         `json:"reviewers"`
	Rules         string           `json:"rules"`
	RulesTitle    string           `json:"rules_title"`
	Corrections   []Correction     `json:"corrections"`
	Totals        Totals           `json:"totals"`
	Ranking       []Row            `json:"ranking"`   // empty when the village does not publish rankings
	GridRows      map[string][]int `json:"grid_rows"` // grid id → indexes into Ranking, in grid rank order
	rows          [][]string       // every household's row for the downloads, rankings published or not
	QR            string           `json:"qr"` // SVG of a QR code to the month's page, for the printed notice
	PreviousMonth string           `json:"previous_month"`
	NextMonth     string           `json:"next_month"`
}

// Correction is a later approved version of a month's sheet and the rows it changed.
type Correction struct {
	Date    string   `json:"date"` // RFC 3339
	Commit  string   `json:"commit"`
	URL     string   `json:"url"`
	At      string   `json:"at_text"`
	Author  string   `json:"author"`
	PR      int      `json:"pr"`
	Changes []Change `json:"changes"`
}

// Change is one row of a correction, as the public may see it.
type Change struct {
	Kind   string `json:"kind"` // 新增, 删除 or 更改
	Who    string `json:"who"`  // masked name and code, or the code alone
	Date   string `json:"date"`
	What   string `json:"what"`
	Note   string `json:"note"`
	Before string `json:"before"` // points before, "" for an added row
	After  string `json:"after"`  // points after, "" for a removed row
}

// Grid is a small grid of a village.
type Grid struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Who is a household as lists show it: its masked name and a page only when it consented.
type Who struct {
	Household string `json:"household"`
	Name      string `json:"name"` // masked, "" when the household did not consent
	Page      bool   `json:"page"` // the household has a page
}

// Row is one household in a month's ranking.
type Row struct {
	Who
	Rank     int    `json:"rank"`
	Move     string `json:"move"` // ↑n, ↓n, = or 新
	Grid     string `json:"grid"`
	GridID   string `json:"grid_id"`
	GridRank int    `json:"grid_rank"`
	Net      int    `json:"net"`
}

// Household is a consenting household's page.
type Household struct {
	ID         string           `json:"id"`
	Name       string           `json:"name"`
	Grid       string           `json:"grid"`
	Left       string           `json:"left"`
	Stars      int              `json:"stars"`       // 星级文明户 of the latest year
	StarsFinal bool             `json:"stars_final"` // false while the year is provisional
	Honours    []string         `json:"honours"`     // e.g. 2025年7月积分之星, 道德模范候选
	Honour     int              `json:"honour"`      // honour score: all points counted, never spent
	Balance    int              `json:"balance"`     // redeemable points now
	Paused     bool             `json:"paused"`      // redemption paused under the rules (a veto is never named)
	Redeemed   int              `json:"redeemed"`
	Expired    int              `json:"expired"`
	Account    []AccountLine    `json:"account"`  // newest first
	Chart      string           `json:"chart"`    // SVG of the monthly points
	Year       string           `json:"year"`     // the latest year with a sheet, e.g. 2025
	YearNet    int              `json:"year_net"` // net points of that year
	Months     []HouseholdMonth `json:"months"`   // newest first
}

// HouseholdMonth is one month on a household's page.
type HouseholdMonth struct {
	Month    string  `json:"month"`
	Title    string  `json:"title"`
	Net      int     `json:"net"`
	Rank     int     `json:"rank"` // 0 when rankings are not published or the household was not ranked
	Of       int     `json:"of"`
	Adjusted bool    `json:"adjusted"`
	Rules    string  `json:"rules"` // the rule set version the month was scored by
	Entries  []Entry `json:"entries"`
}

// AccountLine is one movement of a household's supermarket account.
type AccountLine struct {
	Date    string `json:"date"`
	What    string `json:"what"` // 获得积分, 兑换 <goods> × n, 年底清零
	Points  int    `json:"points"`
	Balance int    `json:"balance"`
}

// Entry is one sheet row as the public may see it.
type Entry struct {
	Date    string `json:"date"`
	What    string `json:"what"` // item name, category name, or 按规则调整
	Note    string `json:"note"`
	Points  int    `json:"points"`  // as claimed
	Counted int    `json:"counted"` // as counted
	Why     string `json:"why"`     // why fewer points counted
}

// Notice is an announcement, rendered to HTML by goldmark with raw HTML left out.
type Notice struct {
	ID    string `json:"id"`
	Date  string `json:"date"`
	Title string `json:"title"`
	HTML  string `json:"html"`
}

const adjusted = "按规则调整"

// Publish builds the public view of a scored town as of a time. siteURL is the site's address
// (for QR codes and feeds); "" leaves the QR codes out and the feeds' links relative.
func Publish(t *town.Town, results []*score.VillageResult, asOf time.Time, siteURL string) (*Site, error) {
	loc := t.Location
	if siteURL != "" && !strings.HasSuffix(siteURL, "/") {
		siteURL += "/"
	}
	pt := &Town{Name: t.Name, Demo: t.Demo, AsOf: asOf.In(loc).Format(time.RFC3339),
		AsOfText: dateTime(asOf.In(loc)), NoticeDays: t.NoticeDays, Objection: t.Objection, SiteURL: siteURL}
	var villages []*Village
	for _, res := range results {
		v := res.Village
		pv := &Village{ID: v.ID, Name: v.Name, PublishRanking: v.PublishRanking, Objection: v.Objection}
		for _, g := range v.Grids {
			pv.Grids = append(pv.Grids, Grid{ID: g.ID, Name: g.Name})
		}
		link := VillageLink{ID: v.ID, Key: dataKey(v.ID), Name: v.Name}
		households := map[string]*Household{}
		for _, h := range v.Households {
			if h.Consent {
				households[h.ID] = &Household{ID: h.ID, Name: Mask(h.Head), Grid: h.Grid, Left: h.Left}
			}
		}
		for i, mr := range res.Months {
			m := v.Months[i]
			pm := publishMonth(t, v, m, mr, asOf)
			if siteURL != "" {
				qr, err := qrCode(siteURL+v.ID+"/"+m.Month+"/", v.Name+pm.Title+"积分公示网页的二维码")
				if err != nil {
					return nil, err
				}
				pm.QR = qr
			}
			if i > 0 {
				pm.PreviousMonth = res.Months[i-1].Month
			}
			if i+1 < len(res.Months) {
				pm.NextMonth = res.Months[i+1].Month
			}
			for _, s := range mr.Standings {
				h := households[s.Household]
				if h == nil {
					continue
				}
				hm := HouseholdMonth{Month: mr.Month, Title: pm.Title, Net: s.Net, Of: mr.Active, Adjusted: s.Veto != "", Rules: pm.Rules}
				if v.PublishRanking {
					hm.Rank = s.Rank
				}
				for _, c := range s.Entries {
					if e, ok := publishEntry(m, c); ok {
						hm.Entries = append(hm.Entries, e)
					}
				}
				h.Months = append([]HouseholdMonth{hm}, h.Months...)
				if year := res.Months[len(res.Months)-1].Month[:4]; mr.Month[:4] == year {
					h.Year = year
					h.YearNet += s.Net
				}
			}
			pv.Months = append([]Month{pm}, pv.Months...)
			link.Totals.Issued += mr.Issued
			link.Totals.Deducted += mr.Deducted
			link.Totals.Net += mr.Total
		}
		if len(pv.Months) > 0 {
			latest := pv.Months[0]
			link.LatestMonth, link.LatestTitle, link.Status, link.StatusText = latest.Month, latest.Title, latest.Status, latest.StatusText
			link.Households = latest.Totals.Households
			link.Totals.Households = latest.Totals.Households
		}
		link.Totals.Taking = taking(res)
		for _, g := range v.Grids {
			d := Directory{ID: g.ID, Name: g.Name}
			for _, h := range v.Households {
				if h.Grid == g.Name && (len(v.Months) == 0 || h.ActiveDuring(v.Months[len(v.Months)-1].Month)) {
					d.Households = append(d.Households, who(v, h.ID))
				}
			}
			slices.SortFunc(d.Households, func(a, b Who) int { return strings.Compare(a.Household, b.Household) })
			pv.Directory = append(pv.Directory, d)
		}
		pv.Chart = chart(v.Name+"最近各月净积分合计（分）", pv.Months, func(m Month) (string, int) { return m.Month, m.Totals.Net })
		pv.Years = publishYears(v, res)
		pv.Market, link.Market = publishMarket(v, res)
		for _, h := range v.Households {
			if p := households[h.ID]; p != nil {
				publishAccount(p, res, pv.Years)
				p.Chart = chart("最近各月积分（分）", p.Months, func(m HouseholdMonth) (string, int) { return m.Month, m.Net })
				pv.Households = append(pv.Households, *p)
			}
		}
		perDay := map[string]int{}
		for _, n := range v.Notices {
			html, err := renderMarkdown(n.Markdown)
			if err != nil {
				return nil, fmt.Errorf("render notice %s of %s: %w", n.ID, v.ID, err)
			}
			// URLs are made of ASCII ids only: a notice is known by its date.
			id := n.Date
			if perDay[n.Date]++; perDay[n.Date] > 1 {
				id += "-" + strconv.Itoa(perDay[n.Date])
			}
			pv.Notices = append([]Notice{{ID: id, Date: n.Date, Title: n.Title, HTML: html}}, pv.Notices...)
		}
		pt.Villages = append(pt.Villages, link)
		pt.Totals.Households += link.Totals.Households
		pt.Totals.Taking += link.Totals.Taking
		pt.Totals.Issued += link.Totals.Issued
		pt.Totals.Deducted += link.Totals.Deducted
		pt.Totals.Net += link.Totals.Net
		pt.Market.add(link.Market)
		villages = append(villages, pv)
	}
	files, downloads, err := downloadFiles(pt, villages)
	if err != nil {
		return nil, err
	}
	pt.Downloads = downloads
	fs, err := feeds(pt, villages, siteURL)
	if err != nil {
		return nil, err
	}
	maps.Copy(files, fs)
	return &Site{Town: pt, Villages: villages, Rules: publishRules(t.Rules), Files: files}, nil
}

// taking counts the households with at least one entry in any month.
func taking(res *score.VillageResult) int {
	seen := map[string]bool{}
	for _, mr := range res.Months {
		for _, s := range mr.Standings {
			if len(s.Entries) > 0 {
				seen[s.Household] = true
			}
		}
	}
	return len(seen)
}

func publishMonth(t *town.Town, v *town.Village, m *town.Month, mr *score.MonthResult, asOf time.Time) Month {
	loc := t.Location
	pm := Month{Month: m.Month, Title: monthTitle(m.Month),
		Totals: Totals{Households: mr.Active, Taking: mr.Taking, Issued: mr.Issued, Deducted: mr.Deducted, Net: mr.Total}}
	if m.Rules != nil {
		pm.Rules, pm.RulesTitle = m.Rules.Effective, m.Rules.Title
	}
	if m.Approved() {
		first := m.Versions[0]
		until := m.NoticeUntil(t.NoticeDays)
		pm.Date = first.Time.In(loc).Format(time.RFC3339)
		pm.ApprovedAt = dateTime(first.Time.In(loc))
		pm.NoticeUntil = dateTime(until.In(loc))
		pm.Commit, pm.CommitURL, pm.PR, pm.Reviewers = first.Commit[:min(7, len(first.Commit))], commitURL(t, first.Commit), first.PR, first.Reviewers
		pm.Status, pm.StatusText = "effective", "已生效"
		if asOf.Before(until) {
			pm.Status, pm.StatusText = "notice", "公示中"
		}
		for _, c := range m.Corrections() {
			pm.Corrections = append(pm.Corrections, publishCorrection(t, v, m, c))
		}
	} else {
		pm.Status, pm.StatusText = "unapproved", "未审定"
	}
	for _, s := range mr.Standings {
		if s.Active {
			h := v.Household(s.Household)
			rank := ""
			if v.PublishRanking {
				rank = strconv.Itoa(s.Rank)
			}
			pm.rows = append(pm.rows, []string{m.Month, s.Household, who(v, s.Household).Name, h.Grid, strconv.Itoa(s.Net), rank, pm.StatusText})
		}
	}
	if v.PublishRanking {
		for _, s := range mr.Standings {
			if !s.Active {
				continue
			}
			h := v.Household(s.Household)
			row := Row{Who: who(v, s.Household), Rank: s.Rank, Move: s.Move, Grid: h.Grid, GridRank: s.GridRank, Net: s.Net}
			if g := v.Grid(h.Grid); g != nil {
				row.GridID = g.ID
			}
			if pm.GridRows == nil {
				pm.GridRows = map[string][]int{}
			}
			pm.GridRows[row.GridID] = append(pm.GridRows[row.GridID], len(pm.Ranking))
			pm.Ranking = append(pm.Ranking, row)
		}
	}
	return pm
}

// publishEntry applies the item's publication rule to a counted entry. Veto rows are never
// published; what a veto removed shows only as 按规则调整.
func publishEntry(m *town.Month, c score.Counted) (Entry, bool) {
	if c.Reason == score.VetoRow {
		return Entry{}, false
	}
	e := Entry{Date: c.Date, Points: c.Points, Counted: c.Counted}
	e.What, e.Note = reason(m, c.Item, c.Note)
	switch c.Reason {
	case score.VetoCut:
		e.Why = adjusted
	case score.ItemCap:
		e.Why = "超过本项上限"
	case score.CategoryCap:
		e.Why = "超过本类全年上限"
	case score.MonthlyCap:
		e.Why = "超过每月加分上限"
	}
	return e, true
}

// reason is what the public may read of an entry's item and note under the item's publication
// rule: Y the item and the note, C the category only, N (and vetoes) only 按规则调整.
func reason(m *town.Month, item, note string) (what, publicNote string) {
	it := m.Rules.Item(item)
	switch {
	case it == nil:
		return adjusted, ""
	case it.Publish == "Y":
		return it.Name, note
	case it.Publish == "C":
		if cat := m.Rules.Category(it.Category); cat != nil {
			return cat.Name + "类事项", ""
		}
	}
	return adjusted, ""
}

// publishCorrection shows what a correction changed, under the same privacy rules as the rest.
func publishCorrection(t *town.Town, v *town.Village, m *town.Month, c town.Correction) Correction {
	pc := Correction{Date: c.Version.Time.In(t.Location).Format(time.RFC3339), Commit: c.Version.Commit[:min(7, len(c.Version.Commit))], URL: commitURL(t, c.Version.Commit),
		At: dateTime(c.Version.Time.In(t.Location)), Author: c.Version.Author, PR: c.Version.PR}
	// Only what the current, checked version of the sheet says may be published of a row: an
	// earlier version's note was never checked. Veto rows are never published.
	current := map[[4]string]bool{}
	for _, e := range m.Entries {
		current[[4]string{e.Household, e.Item, e.Date, e.Note}] = true
	}
	for _, ch := range c.Changes {
		row := Change{Kind: "更改"}
		e := ch.After
		switch {
		case ch.Before == nil:
			row.Kind, row.After = "新增", strconv.Itoa(e.Points)
		case ch.After == nil:
			e = ch.Before
			row.Kind, row.Before = "删除", strconv.Itoa(e.Points)
		default:
			row.Before, row.After = strconv.Itoa(ch.Before.Points), strconv.Itoa(e.Points)
		}
		if m.Rules == nil || m.Rules.Item(e.Item) == nil {
			continue
		}
		row.Date = e.Date
		row.What, row.Note = reason(m, e.Item, e.Note)
		if !current[[4]string{e.Household, e.Item, e.Date, e.Note}] {
			row.Note = ""
		}
		row.Who = e.Household
		if w := who(v, e.Household); w.Name != "" {
			row.Who = w.Name + " " + e.Household
		}
		pc.Changes = append(pc.Changes, row)
	}
	return pc
}

// chart draws the last twelve of months (newest first) as a bar chart of value.
func chart[M any](title string, months []M, value func(M) (string, int)) string {
	var labels []string
	var values []int
	for i := min(len(months), 12) - 1; i >= 0; i-- {
		month, v := value(months[i])
		labels = append(labels, strconv.Itoa(atoi(month[5:]))+"月")
		values = append(values, v)
	}
	return barChart(title, labels, values)
}

// who is how a household appears in public lists: masked name and page only with consent.
func who(v *town.Village, id string) Who {
	w := Who{Household: id}
	if h := v.Household(id); h != nil && h.Consent {
		w.Name, w.Page = Mask(h.Head), true
	}
	return w
}

// Mask hides a name but for its first and last character: 张三丰 → 张*丰, 张三 → 张*.
func Mask(name string) string {
	r := []rune(strings.TrimSpace(name))
	switch len(r) {
	case 0:
		return ""
	case 1, 2:
		return string(r[:1]) + "*"
	}
	return string(r[:1]) + strings.Repeat("*", len(r)-2) + string(r[len(r)-1:])
}

func commitURL(t *town.Town, commit string) string {
	if t.RepoURL == "" {
		return ""
	}
	return strings.TrimSuffix(t.RepoURL, "/") + "/commit/" + commit
}

// dataKey is the name of a village's data file: hugo.Data keys must not contain "-".
func dataKey(id string) string { return strings.ReplaceAll(id, "-", "_") }

func monthTitle(m string) string {
	return fmt.Sprintf("%s年%d月", m[:4], atoi(m[5:]))
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func dateTime(t time.Time) string {
	return fmt.Sprintf("%d年%d月%d日 %02d:%02d", t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute())
}

// renderMarkdown renders a notice with goldmark. Raw HTML is not rendered (goldmark's default),
// so a notice cannot inject markup.
func renderMarkdown(md []byte) (string, error) {
	var b bytes.Buffer
	if err := goldmark.Convert(md, &b); err != nil {
		return "", err
	}
	return b.String(), nil
}
