package site

import (
	"strconv"
	"time"

	"github.com/jifen-project/jifen/pipeline/rules"
	"github.com/jifen-project/jifen/pipeline/score"
	"github.com/jifen-project/jifen/pipeline/sheet"
	"github.com/jifen-project/jifen/pipeline/town"
)

// Month is one village-month page.
type Month struct {
	Month         string           `json:"month"`        // YYYY-MM
	Date          string           `json:"date"`         // first approval time, RFC 3339; "" when not approved
	NoticeUntil   string           `json:"notice_until"` // end of the public notice, RFC 3339
	Status        string           `json:"status"`       // notice, disputed (an objection is being handled), effective or unapproved
	Commit        string           `json:"commit"`
	CommitURL     string           `json:"commit_url"`
	PR            int              `json:"pr"`
	Reviewers     []string         `json:"reviewers"`
	Rules         string           `json:"rules"` // effective date of the rule set applied
	RulesTitle    string           `json:"rules_title"`
	Corrections   []Correction     `json:"corrections"`
	Totals        Totals           `json:"totals"`
	Ranking       []Row            `json:"-"`      // empty when the village does not publish rankings; written into the pages (lists.go)
	Left          []Row            `json:"-"`      // households that left the roster during the month: their points, no rank
	GridRows      map[string][]int `json:"-"`      // grid id → indexes into Ranking, in grid rank order
	Ranked        int              `json:"ranked"` // the households in Ranking
	Top           []Row            `json:"top"`    // the households ranked 10th or better: a tie is never cut
	Sheets        []Sheet          `json:"sheets"` // the sheets of the printed notice, at least one
	QR            string           `json:"qr"`     // SVG of a QR code to the month's page, for the printed notice
	PreviousMonth string           `json:"previous_month"`
	NextMonth     string           `json:"next_month"`
	Declarations  map[string]int   `json:"declarations"` // outcome (通过, 不通过, 待审) → how many of the month's declarations had it
	Objections    []Objection      `json:"objections"`   // objections to the month's results, as received

	rows  [][]string // every household's row for the downloads, rankings published or not
	until time.Time  // NoticeUntil, for the feeds
}

// Objection is an objection to a month's results as its page shows it: when it came, whose
// points it is about (as everywhere, masked or by code), the item when it is about one row and
// the item's publication rule shows it, and the outcome with the reply, once answered. The
// reply is left out with the item when the rule hides it.
type Objection struct {
	Received string `json:"received"` // YYYY-MM-DD
	Who      Who    `json:"who"`
	Reason   Reason `json:"reason"`  // the item, under its publication rule
	Outcome  string `json:"outcome"` // 更正, 维持, or "" while it is handled
	Replied  string `json:"replied"` // YYYY-MM-DD, or ""
	Reply    string `json:"reply"`
}

// publishObjection applies the privacy rules to an objection.
func publishObjection(v *town.Village, m *town.Month, o sheet.Objection) Objection {
	out := Objection{Received: o.Received, Who: who(v, o.Household), Outcome: o.Outcome, Replied: o.Replied, Reply: o.Reply}
	if o.Item != "" {
		out.Reason = reason(m.Rules, o.Item, "")
		if out.Reason.Item == "" {
			out.Reply = ""
		}
	}
	return out
}

// Correction is a later approved version of a month's sheet and the rows it changed.
type Correction struct {
	Date    string   `json:"date"` // RFC 3339
	Commit  string   `json:"commit"`
	URL     string   `json:"url"`
	Author  string   `json:"author"`
	PR      int      `json:"pr"`
	Changes []Change `json:"changes"`

	at time.Time // Date, for the feeds
}

// Change is one row of a correction, as the public may see it.
type Change struct {
	Kind string `json:"kind"` // added, removed or changed
	Who
	Date string `json:"date"`
	Reason
	Before int `json:"before"` // points before; none for an added row
	After  int `json:"after"`  // points after; none for a removed row
}

// The kinds of a Change.
const (
	added   = "added"
	removed = "removed"
	changed = "changed"
)

// Reason is what the public may read of why a row was scored, under its item's publication
// rule: the item's name and the row's note, or the item's category alone, or neither (the row
// then reads as adjusted under the rules).
type Reason struct {
	Item     string `json:"item,omitempty"`
	Category string `json:"category,omitempty"`
	Note     string `json:"note,omitempty"`
}

// Row is one household in a month's ranking.
type Row struct {
	Who
	Rank     int    `json:"rank"`
	Up       int    `json:"up,omitempty"`   // places up since the month before
	Down     int    `json:"down,omitempty"` // places down since the month before
	New      bool   `json:"new,omitempty"`  // not ranked the month before (neither up, down nor new: the same place)
	Grid     string `json:"grid"`
	GridID   string `json:"grid_id"`
	GridRank int    `json:"grid_rank"`
	Net      int    `json:"net"`
}

// Entry is one sheet row as the public may see it.
type Entry struct {
	Date string `json:"date"`
	Reason
	Points  int    `json:"points"`        // as claimed
	Counted int    `json:"counted"`       // as counted
	Cut     string `json:"cut,omitempty"` // why fewer points counted: veto, item-cap, category-cap or monthly-cap
}

// The statuses of a month.
const (
	inNotice   = "notice"
	disputed   = "disputed"
	effective  = "effective"
	unapproved = "unapproved"
)

// publishMonth builds the page of the village's i-th month.
func publishMonth(t *town.Town, v *town.Village, i int, res *score.VillageResult, asOf time.Time) Month {
	m, mr := v.Months[i], res.Months[i]
	pm := Month{Month: m.Month, Status: unapproved,
		Totals: Totals{Households: mr.Active, Taking: mr.Taking, Issued: mr.Issued, Deducted: mr.Deducted, Net: mr.Total}}
	if i > 0 {
		pm.PreviousMonth = res.Months[i-1].Month
	}
	if i+1 < len(res.Months) {
		pm.NextMonth = res.Months[i+1].Month
	}
	if m.Rules != nil {
		pm.Rules, pm.RulesTitle = m.Rules.Effective, m.Rules.Title
	}
	pm.Declarations = map[string]int{}
	for _, d := range m.Declarations {
		pm.Declarations[d.Outcome]++
	}
	for _, o := range m.Objections {
		pm.Objections = append(pm.Objections, publishObjection(v, m, o))
	}
	if m.Approved() {
		first := m.Revisions[0]
		pm.until = m.NoticeUntil(t.NoticeDays, t.Location).In(t.Location)
		pm.Date, pm.NoticeUntil = rfc3339(first.Time, t.Location), rfc3339(pm.until, t.Location)
		pm.Commit, pm.CommitURL, pm.PR, pm.Reviewers = short(first.Commit), commitURL(t, first.Commit), first.PR, first.Reviewers
		pm.Status = effective
		switch {
		case m.Disputed():
			pm.Status = disputed
		case asOf.Before(pm.until):
			pm.Status = inNotice
		}
		for _, c := range m.Corrections() {
			pm.Corrections = append(pm.Corrections, publishCorrection(t, v, m, c))
		}
	}
	for _, s := range mr.Standings {
		if !s.Active && !s.Left {
			continue
		}
		h := v.Household(s.Household)
		rank := ""
		if v.PublishRanking && s.Active {
			rank = strconv.Itoa(s.Rank)
		}
		pm.rows = append(pm.rows, []string{m.Month, s.Household, who(v, s.Household).Name, h.Grid, strconv.Itoa(s.Net), rank, statusWords[pm.Status]})
		switch {
		case !v.PublishRanking:
		case s.Active:
			addRow(&pm, v, s)
		default: // left the roster this month: its points, no rank
			pm.Left = append(pm.Left, Row{Who: leaver(t, v, who(v, s.Household)), Grid: h.Grid, Net: s.Net})
		}
	}
	pm.Ranked, pm.Sheets = len(pm.Ranking), sheets(len(pm.Ranking))
	pm.Top = []Row{}
	for _, r := range pm.Ranking {
		if r.Rank <= 10 {
			pm.Top = append(pm.Top, r)
		}
	}
	return pm
}

// A Sheet is a printed page of a month's notice: the rows of the ranking from From to To
// (excluded).
type Sheet struct {
	From int `json:"from"`
	To   int `json:"to"`
}

// The rows of the printed notice's sheets: fewer on the first, which carries the notice's text.
const boardFirst, boardPer = 22, 30

// sheets are the sheets of a notice of n ranked households.
func sheets(n int) []Sheet {
	out := []Sheet{{0, min(n, boardFirst)}}
	for from := boardFirst; from < n; from += boardPer {
		out = append(out, Sheet{from, min(from+boardPer, n)})
	}
	return out
}

// addRow adds a household to the month's ranking and to its grid's.
func addRow(pm *Month, v *town.Village, s *score.Standing) {
	h := v.Household(s.Household)
	row := Row{Who: who(v, s.Household), Rank: s.Rank, Grid: h.Grid, GridRank: s.GridRank, Net: s.Net}
	row.Up, row.Down, row.New = s.Movement()
	if g := v.Grid(h.Grid); g != nil {
		row.GridID = g.ID
	}
	if pm.GridRows == nil {
		pm.GridRows = map[string][]int{}
	}
	pm.GridRows[row.GridID] = append(pm.GridRows[row.GridID], len(pm.Ranking))
	pm.Ranking = append(pm.Ranking, row)
}

// publishEntry applies the item's publication rule to a counted entry. Veto rows are never
// published; what a veto removed shows only as adjusted.
func publishEntry(m *town.Month, c score.Counted) (Entry, bool) {
	if c.Reason == score.VetoRow {
		return Entry{}, false
	}
	return Entry{Date: c.Date, Reason: reason(m.Rules, c.Item, c.Note), Points: c.Points, Counted: c.Counted, Cut: cuts[c.Reason]}, true
}

// cuts are the codes of why an entry counted fewer points, as the JSON writes them.
var cuts = map[score.Reason]string{score.VetoCut: "veto", score.ItemCap: "item-cap", score.CategoryCap: "category-cap",
	score.MonthlyCap: "monthly-cap"}

// reason is what the public may read of an entry's item and note under the item's publication
// rule: Y the item and the note, C the category only, N (and vetoes) nothing.
func reason(rs *rules.RuleSet, item, note string) Reason {
	if rs == nil {
		return Reason{}
	}
	it := rs.Item(item)
	switch {
	case it == nil:
		return Reason{}
	case it.Publish.ShowsItem():
		return Reason{Item: it.Name, Note: note}
	case it.Publish.ShowsCategory():
		if cat := rs.Category(it.Category); cat != nil {
			return Reason{Category: cat.Name}
		}
	}
	return Reason{}
}

// publishCorrection shows what a correction changed, under the same privacy rules as the rest.
func publishCorrection(t *town.Town, v *town.Village, m *town.Month, c town.Correction) Correction {
	pc := Correction{Date: rfc3339(c.Version.Time, t.Location), Commit: short(c.Version.Commit), URL: commitURL(t, c.Version.Commit),
		Author: c.Version.Author, PR: c.Version.PR, at: c.Version.Time.In(t.Location)}
	// Only what the current, checked version of the sheet says may be published of a row: an
	// earlier version's note was never checked. Veto rows are never published.
	current := map[[4]string]bool{}
	for _, e := range m.Entries {
		current[[4]string{e.Household, e.Item, e.Date, e.Note}] = true
	}
	for _, ch := range c.Changes {
		row := Change{Kind: changed}
		e := ch.After
		switch {
		case ch.Before == nil:
			row.Kind, row.After = added, e.Points
		case ch.After == nil:
			e = ch.Before
			row.Kind, row.Before = removed, e.Points
		case ch.Before.Points == e.Points && ch.Before.Note == e.Note:
			continue // only what is not published changed (the evidence)
		default:
			row.Before, row.After = ch.Before.Points, e.Points
		}
		if m.Rules == nil || m.Rules.Item(e.Item) == nil {
			continue
		}
		row.Date, row.Who = e.Date, who(v, e.Household)
		row.Reason = reason(m.Rules, e.Item, e.Note)
		if !current[[4]string{e.Household, e.Item, e.Date, e.Note}] {
			row.Note = ""
		}
		pc.Changes = append(pc.Changes, row)
	}
	return pc
}

// short is a commit's abbreviated hash.
func short(commit string) string { return commit[:min(7, len(commit))] }
