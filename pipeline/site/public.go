package site

import (
	"bytes"
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/yuin/goldmark"

	"github.com/jifen-project/jifen/pipeline/score"
	"github.com/jifen-project/jifen/pipeline/sheet"
	"github.com/jifen-project/jifen/pipeline/town"
)

// The public view of a town: everything the site may show, and nothing else. Publish is the one
// place where the privacy rules apply; the JSON written to data/ is exactly these values. The
// JSON carries codes, numbers, RFC 3339 times (in the town's time zone) and the records' own
// text (names, notes, titles); the words a resident reads around them live in the templates and
// in i18n/zh.toml.

// Town is data/town.json.
type Town struct {
	Name       string        `json:"name"`
	Demo       bool          `json:"demo"`
	AsOf       string        `json:"as_of"` // RFC 3339
	NoticeDays int           `json:"notice_days"`
	Objection  string        `json:"objection_contact"`
	Villages   []VillageLink `json:"villages"`
	Totals     Totals        `json:"totals"`
	Market     MarketTotals  `json:"market"`
	Downloads  []Download    `json:"downloads"`
	SiteURL    string        `json:"site_url"`
	ICP        string        `json:"icp"`   // the ICP filing number (备案号), "" when town.toml has none
	Slip       *Slip         `json:"slip"`  // the villages' declaration slip, nil when no rule set is in force yet
	Pages      bool          `json:"pages"` // the build makes the town's own pages: false for a part of villages only
}

// Site is everything a build publishes: the JSON for Hugo and the files written beside the pages
// (downloads, feeds). A part of a site has the villages of the part only.
type Site struct {
	Town     *Town
	Villages []*Village
	Rules    []RuleVersion
	Files    map[string][]byte // path in the site → content: the villages' and, made by the town's part only, townFiles

	summaries []Summary // the part's villages
}

// VillageLink is a village as the town home lists it.
type VillageLink struct {
	ID          string       `json:"id"`
	Key         string       `json:"key"` // the village's data file: data/villages/<key>.json
	Name        string       `json:"name"`
	Households  int          `json:"households"`
	LatestMonth string       `json:"latest_month"` // YYYY-MM, "" before the first approved sheet
	Status      string       `json:"status"`       // the latest month's: notice, disputed, effective or unapproved
	Archived    bool         `json:"archived"`
	Held        bool         `json:"held"`
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

func (t *Totals) add(o Totals) {
	t.Households += o.Households
	t.Taking += o.Taking
	t.Issued += o.Issued
	t.Deducted += o.Deducted
	t.Net += o.Net
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
	Notices        []Notice    `json:"notices"`       // newest first
	Chart          string      `json:"chart"`         // SVG of the monthly net points
	Directory      []Directory `json:"-"`             // households on the roster by grid, to find one's own; written into its page (lists.go)
	HouseNumbers   bool        `json:"house_numbers"` // the directory gives house numbers
	Updated        string      `json:"updated"`       // RFC 3339: the latest approval of the village's files; "" before the first
	Archived       bool        `json:"archived"`      // no longer keeps records: what is shown is its history
	MergedInto     *Merged     `json:"merged_into"`
	Held           *Held       `json:"held"` // newer records are being checked: shown as at an earlier commit

	moves []villageMove     // the moves of its households, in and out, for the downloads
	files map[string][]byte // its downloads and its feed (see Site.Files)
}

// Merged is the village an archived village was merged into.
type Merged struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Held says which records a village is shown with while its newer records are being checked.
type Held struct {
	Commit string `json:"commit"`
	Date   string `json:"date"` // the commit's time, RFC 3339
	Town   bool   `json:"town"` // the town's own files have the problems, not the village's
}

// Directory lists a grid's households by code.
type Directory struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Households []Who  `json:"households"`
	Left       []Who  `json:"left"` // households that have left the roster, whose history stays
}

// Grid is a small grid of a village.
type Grid struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Who is a household as lists show it: its masked name and a page only when it consented.
type Who struct {
	Household string `json:"household"`
	Name      string `json:"name"`            // masked, "" when the household did not consent
	Page      bool   `json:"page"`            // the household has a page
	House     string `json:"house,omitempty"` // its house number (门牌号), in the directory only, when it consented
	// In the lists of households that left (the directory's, a month's), a household that
	// consented and that others continue: how (move, split or merge, of its main successor),
	// and the village it went to, "" for its own.
	Moved   string `json:"moved,omitempty"`
	MovedTo string `json:"moved_to,omitempty"`
}

// Household is a consenting household's page.
type Household struct {
	ID         string           `json:"id"`
	Name       string           `json:"name"`
	Grid       string           `json:"grid"`
	Left       string           `json:"left"`
	Stars      int              `json:"stars"`       // 星级文明户 of the latest year
	StarsFinal bool             `json:"stars_final"` // false while the year is provisional
	StarMonths []string         `json:"star_months"` // the months (YYYY-MM) it was a 月度积分之星, oldest first
	Nominee    string           `json:"nominee"`     // the year it is a 道德模范 candidate of, or ""
	Honour     int              `json:"honour"`      // honour score: all points counted, never spent
	Balance    int              `json:"balance"`     // redeemable points now
	Paused     bool             `json:"paused"`      // redemption paused under the rules (a veto is never named)
	Redeemed   int              `json:"redeemed"`
	Expired    int              `json:"expired"`
	Account    []AccountLine    `json:"-"`        // newest first, written into its page (lists.go)
	Chart      string           `json:"-"`        // SVG of the monthly points, written into its page (lists.go)
	Year       string           `json:"year"`     // the latest year with a sheet, e.g. 2025
	YearNet    int              `json:"year_net"` // net points of that year
	Months     []HouseholdMonth `json:"-"`        // newest first, written into its page (lists.go)
	Moves      []MoveLink       `json:"moves,omitempty"`
}

// HouseholdMonth is one month on a household's page.
type HouseholdMonth struct {
	Month    string     `json:"month"`
	Net      int        `json:"net"`
	Rank     int        `json:"rank"` // 0 when rankings are not published or the household was not ranked
	Of       int        `json:"of"`
	Left     bool       `json:"left"` // the household left the roster during the month: not ranked
	Adjusted bool       `json:"adjusted"`
	Rules    string     `json:"rules"` // the rule set version the month was scored by
	Entries  []Entry    `json:"entries"`
	Declared []Declared `json:"declared,omitempty"` // its declarations of the month and their outcomes
}

// Declared is one of a household's declarations (申报) as its page shows it: the item claimed
// and what happened under the item's publication rule, as an entry's; the outcome; and why it
// was refused, when the rule shows the item.
type Declared struct {
	Date    string `json:"date"`
	Reason  Reason `json:"reason"`
	Outcome string `json:"outcome"` // 通过, 不通过 or 待审
	Why     string `json:"why,omitempty"`
}

// AccountLine is one movement of a household's supermarket account.
type AccountLine struct {
	Date     string       `json:"date"`
	Kind     string       `json:"kind"`               // earn, redeem, expire, move-in, move-out or move-clear
	Month    string       `json:"month,omitempty"`    // earn: the month the points are of (YYYY-MM)
	Goods    string       `json:"goods,omitempty"`    // redeem: the goods' name
	Quantity int          `json:"quantity,omitempty"` // redeem
	Points   int          `json:"points"`
	Balance  int          `json:"balance"`
	Other    *Counterpart `json:"other,omitempty"` // move-in, move-out, move-clear: the household the points came from or went to
}

// Notice is an announcement, rendered to HTML by goldmark with raw HTML left out.
type Notice struct {
	ID    string `json:"id"`
	Date  string `json:"date"`
	Title string `json:"title"`
	HTML  string `json:"html"`
}

// Publish builds the public view of a part of a scored town as of a time (All for the whole
// site): the villages of the part that are on the site (results holds them, and may hold others,
// which it leaves out), and the town's view made from their summaries and others, those of the
// villages that other parts built. siteURL is the site's one address, e.g.
// https://example.org/yunxi/: every link of the pages, the QR codes, the feeds and the sitemaps
// start with it (Hugo.Build takes it from the view). "" puts the site at the root of its host,
// with neither QR codes nor sitemaps.
func Publish(t *town.Town, results []*score.VillageResult, asOf time.Time, siteURL string, part Part, others []Summary) (*Site, error) {
	if siteURL != "" && !strings.HasSuffix(siteURL, "/") {
		siteURL += "/"
	}
	pt := &Town{Name: t.Name, Demo: t.Demo, AsOf: rfc3339(asOf, t.Location), NoticeDays: t.NoticeDays,
		Objection: t.Objection, SiteURL: siteURL, ICP: t.ICP, Pages: part.Town}
	slip, err := publishSlip(t.Rules, asOf, t.Location, siteURL)
	if err != nil {
		return nil, err
	}
	pt.Slip = slip
	s := &Site{Town: pt, Rules: publishRules(t.Rules), Files: map[string][]byte{}}
	seen := map[string]bool{}
	for _, res := range results {
		if !part.Has(res.Village.ID) {
			continue
		}
		pv, sum, err := publishVillage(t, res, asOf, siteURL)
		if err != nil {
			return nil, err
		}
		s.Villages = append(s.Villages, pv)
		s.summaries = append(s.summaries, sum)
		maps.Copy(s.Files, pv.files)
		seen[pv.ID] = true
	}
	for _, id := range slices.Sorted(maps.Keys(part.Villages)) {
		if !seen[id] {
			s.summaries = append(s.summaries, Summary{ID: id, Absent: true})
		}
	}
	return s, s.summarize(slices.Concat(s.summaries, others), t.Listed)
}

// summarize makes the town's view and files from the summaries of its villages: the villages'
// lines and the totals of the home page, the downloads, datapackage.json, SHA256SUMS and the
// town's feed.
func (s *Site) summarize(sums []Summary, listed []string) error {
	pt := s.Town
	d := &downloads{}
	var feed []atomEntry
	for _, sum := range ordered(sums, listed) {
		link := sum.Link
		pt.Villages = append(pt.Villages, link)
		if link.Archived {
			// Its households are no longer scored here: the town's count is of those that are.
			link.Totals.Households = 0
		}
		pt.Totals.add(link.Totals)
		pt.Market.add(link.Market)
		d.list = append(d.list, sum.Downloads...)
		d.resources = append(d.resources, sum.Resources...)
		d.sums = append(d.sums, sum.Sums...)
		feed = append(feed, sum.Feed...)
	}
	pt.Downloads = d.list
	pkg, err := d.pack(pt)
	if err != nil {
		return err
	}
	s.Files[datapackageFile] = pkg
	s.Files[sumsFile] = []byte(strings.Join(d.sums, ""))
	sortEntries(feed)
	s.Files[townFeed], err = feedBytes(pt.Name+"积分公示", "tag:jifen,2025:town", cmp.Or(pt.SiteURL, "/"), feed)
	return err
}

// The files beside the pages that the town's part makes from every village.
const (
	datapackageFile = "downloads/datapackage.json"
	sumsFile        = "downloads/SHA256SUMS"
	townFeed        = "feed.xml"
)

var townFiles = []string{datapackageFile, sumsFile, townFeed}

// updated is the time of the latest approval of the village's files, which its pages show
// instead of the build's time: a village whose records did not change keeps the same pages, and
// a deploy uploads only the villages that changed.
func updated(t *town.Town, v *town.Village) string {
	var last time.Time
	for _, f := range v.Files {
		if h := t.History[f]; len(h) > 0 && h[len(h)-1].Time.After(last) {
			last = h[len(h)-1].Time
		}
	}
	if last.IsZero() {
		return ""
	}
	return rfc3339(last, t.Location)
}

// publishVillage builds a village's public view and its summary: its line on the town's home,
// its downloads and its feed.
func publishVillage(t *town.Town, res *score.VillageResult, asOf time.Time, siteURL string) (*Village, Summary, error) {
	v := res.Village
	pv := &Village{ID: v.ID, Name: v.Name, PublishRanking: v.PublishRanking, Objection: v.Objection, Updated: updated(t, v)}
	for _, g := range v.Grids {
		pv.Grids = append(pv.Grids, Grid{ID: g.ID, Name: g.Name})
	}
	publishState(t, v, pv)
	link := VillageLink{ID: v.ID, Key: dataKey(v.ID), Name: v.Name, Archived: pv.Archived, Held: pv.Held != nil}
	households := map[string]*Household{}
	for _, h := range v.Households {
		if h.Consent {
			households[h.ID] = &Household{ID: h.ID, Name: Mask(h.Head), Grid: h.Grid, Left: h.Left}
		}
	}
	for i, mr := range res.Months {
		pm := publishMonth(t, v, i, res, asOf)
		if absolute(siteURL) {
			qr, err := qrCode(siteURL+v.ID+"/"+pm.Month+"/", v.Name+monthTitle(pm.Month)+"积分公示网页的二维码")
			if err != nil {
				return nil, Summary{}, err
			}
			pm.QR = qr
		}
		addHouseholdMonths(households, v, v.Months[i], mr, res.Months[len(res.Months)-1].Month[:4])
		pv.Months = append([]Month{pm}, pv.Months...)
		link.Totals.Issued += mr.Issued
		link.Totals.Deducted += mr.Deducted
		link.Totals.Net += mr.Total
	}
	if len(pv.Months) > 0 {
		latest := pv.Months[0]
		link.LatestMonth, link.Status = latest.Month, latest.Status
		link.Households = latest.Totals.Households
		link.Totals.Households = latest.Totals.Households
	}
	link.Totals.Taking = taking(res)
	pv.Directory = directory(t, v)
	pv.HouseNumbers = slices.ContainsFunc(pv.Directory, func(d Directory) bool {
		return slices.ContainsFunc(append(d.Households, d.Left...), func(w Who) bool { return w.House != "" })
	})
	pv.Chart = chart(v.Name+"最近各月净积分合计（分）", pv.Months, func(m Month) (string, int) { return m.Month, m.Totals.Net })
	pv.Years = publishYears(v, res)
	pv.Market, link.Market = publishMarket(t, v, res)
	pv.moves = publishMoves(t, v, res.Moves)
	for _, m := range pv.moves {
		if p := households[m.Household]; p != nil && m.Page {
			p.Moves = append(p.Moves, m.MoveLink)
		}
	}
	for _, h := range v.Households {
		if p := households[h.ID]; p != nil {
			publishAccount(t, p, res)
			p.Chart = chart("最近各月积分（分）", p.Months, func(m HouseholdMonth) (string, int) { return m.Month, m.Net })
			pv.Households = append(pv.Households, *p)
		}
	}
	notices, err := publishNotices(v)
	if err != nil {
		return nil, Summary{}, err
	}
	pv.Notices = notices
	d, err := villageDownloads(pv, res)
	if err != nil {
		return nil, Summary{}, err
	}
	entries, feed, err := villageFeed(t.Name, pv, cmp.Or(siteURL, "/"))
	if err != nil {
		return nil, Summary{}, err
	}
	pv.files = d.files
	pv.files[pv.ID+"/feed.xml"] = feed
	return pv, Summary{ID: pv.ID, Link: link, Downloads: d.list, Resources: d.resources, Sums: d.sums, Feed: entries}, nil
}

// publishState tells whether the village is archived (and into which village it was merged) or
// held at an earlier commit, for the banner of its pages.
func publishState(t *town.Town, v *town.Village, pv *Village) {
	pv.Archived = v.Archived
	if v.MergedInto != "" {
		for _, o := range t.Villages {
			if o.ID == v.MergedInto {
				pv.MergedInto = &Merged{ID: o.ID, Name: o.Name}
			}
		}
	}
	if v.Held != nil {
		pv.Held = &Held{Commit: short(v.Held.Commit), Date: rfc3339(v.Held.Time, t.Location), Town: v.Held.Town}
	}
}

// addHouseholdMonths adds a month to the pages of the consenting households ranked in it. year
// is the latest year with a sheet, whose net points the pages show.
func addHouseholdMonths(households map[string]*Household, v *town.Village, m *town.Month, mr *score.MonthResult, year string) {
	declarations := map[string][]Declared{}
	for _, d := range m.Declarations {
		if households[d.Household] != nil {
			declarations[d.Household] = append(declarations[d.Household], declared(m, d))
		}
	}
	for _, s := range mr.Standings {
		h := households[s.Household]
		if h == nil {
			continue
		}
		hm := HouseholdMonth{Month: mr.Month, Net: s.Net, Of: mr.Active, Left: s.Left, Adjusted: s.Veto != "", Declared: declarations[s.Household]}
		if m.Rules != nil {
			hm.Rules = m.Rules.Effective
		}
		if v.PublishRanking {
			hm.Rank = s.Rank
		}
		for _, c := range s.Entries {
			if e, ok := publishEntry(m, c); ok {
				hm.Entries = append(hm.Entries, e)
			}
		}
		h.Months = append([]HouseholdMonth{hm}, h.Months...)
		if mr.Month[:4] == year {
			h.Year = year
			h.YearNet += s.Net
		}
	}
}

// declared is a declaration as its household's page shows it.
func declared(m *town.Month, d sheet.Declaration) Declared {
	out := Declared{Date: d.Date, Reason: reason(m.Rules, d.Item, d.Text), Outcome: d.Outcome}
	if out.Reason.Item != "" {
		out.Why = d.Reason
	}
	return out
}

// directory lists the households on the roster in the latest month, grid by grid, and those
// that left before it.
func directory(t *town.Town, v *town.Village) []Directory {
	var out []Directory
	for _, g := range v.Grids {
		d := Directory{ID: g.ID, Name: g.Name}
		for _, h := range v.Households {
			switch {
			case h.Grid != g.Name:
			case len(v.Months) == 0 || h.ActiveDuring(v.Months[len(v.Months)-1].Month):
				d.Households = append(d.Households, listed(v, h))
			case h.Left != "":
				d.Left = append(d.Left, leaver(t, v, listed(v, h)))
			}
		}
		for _, l := range [][]Who{d.Households, d.Left} {
			slices.SortFunc(l, func(a, b Who) int { return strings.Compare(a.Household, b.Household) })
		}
		out = append(out, d)
	}
	return out
}

// publishNotices renders a village's announcements, newest first.
func publishNotices(v *town.Village) ([]Notice, error) {
	var out []Notice
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
		out = append([]Notice{{ID: id, Date: n.Date, Title: n.Title, HTML: html}}, out...)
	}
	return out, nil
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

// listed is the household h as the directory lists it: as everywhere, with its house number
// too when it consented, so that residents can tell apart households whose masked names are
// the same (王* and 王*).
func listed(v *town.Village, h sheet.Household) Who {
	w := who(v, h.ID)
	if w.Page {
		w.House = h.House
	}
	return w
}

// leaver is w, a household that left, with where it went when others continue it and it
// consented (whatever the other households did: they are not named).
func leaver(t *town.Town, v *town.Village, w Who) Who {
	if !w.Page {
		return w
	}
	succ := t.Successors(town.Ref{Village: v.ID, Household: w.Household})
	if len(succ) == 0 {
		return w
	}
	main := succ[len(succ)-1]
	for _, l := range succ {
		if !l.CarriedSet {
			main = l // a split's main household, which takes what is left
		}
	}
	w.Moved = string(main.Kind)
	if main.To.Village != v.ID {
		w.MovedTo = villageName(t, main.To.Village)
	}
	return w
}

// Counterpart is the other household of a move, split or merge, as a page of a household
// shows it: its village always, its code (and a link to its page) only when both households
// consented to publication, since the move tells of both.
type Counterpart struct {
	Village     string `json:"village"`
	VillageName string `json:"village_name"`
	Same        bool   `json:"same"`                // the household's own village: the pages say 本村
	Household   string `json:"household,omitempty"` // "" unless both households consented
}

// counterpart is the household other as the pages of self show it.
func counterpart(t *town.Town, self, other town.Ref) Counterpart {
	c := Counterpart{Village: other.Village, VillageName: villageName(t, other.Village), Same: other.Village == self.Village}
	if consented(t, self) && consented(t, other) {
		c.Household = other.Household
	}
	return c
}

// mover is a household of the village as the list of its moves (the downloads') shows it: by
// code and masked name when it consented, else not at all, as no page tells of its move.
func mover(v *town.Village, id string) Who {
	if w := who(v, id); w.Page {
		return w
	}
	return Who{}
}

// consented reports whether a household of the town consented to publication.
func consented(t *town.Town, r town.Ref) bool {
	h := t.Household(r)
	return h != nil && h.Consent
}

// villageName is the name of the town's village with the id.
func villageName(t *town.Town, id string) string {
	if v := t.Village(id); v != nil {
		return v.Name
	}
	return id
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

// rfc3339 is a time as the JSON carries it: RFC 3339 in the town's time zone, so that the
// templates show the town's clock.
func rfc3339(t time.Time, loc *time.Location) string { return t.In(loc).Format(time.RFC3339) }

// monthTitle and dateTime are for the files written in Go (feeds, the QR code's label); the
// pages have their own in the templates.
func monthTitle(m string) string {
	return fmt.Sprintf("%s年%d月", m[:4], atoi(m[5:]))
}

func dateTime(t time.Time) string {
	return fmt.Sprintf("%d年%d月%d日 %02d:%02d", t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute())
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
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
