package audit

import (
	"cmp"
	"iter"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jifen-project/jifen/pipeline/check"
	"github.com/jifen-project/jifen/pipeline/rules"
	"github.com/jifen-project/jifen/pipeline/sheet"
	"github.com/jifen-project/jifen/pipeline/town"
)

// Grids checks that every household of the roster is in a grid of village.toml.
var Grids = &Analyzer{
	Name:  "grids",
	Codes: []check.Code{check.UnknownGrid},
	Needs: check.Files,
	Run: func(p *Pass) {
		v := p.Village
		if p.Failed(v.RosterFile) || v.GridsFailed {
			return
		}
		var names []string
		for _, g := range v.Grids {
			names = append(names, strconv.Quote(g.Name))
		}
		for _, h := range v.Households {
			if h.Grid != "" && v.Grid(h.Grid) == nil {
				p.Report(check.Diagnostic{Code: check.UnknownGrid, File: v.RosterFile, Line: h.Line, Column: v.RosterColumns["grid"], Value: h.Grid, Args: []string{strings.Join(names, ", ")}})
			}
		}
	},
}

// Households checks that the household of every row of the sheets and redemptions is on the
// roster on the row's date.
var Households = &Analyzer{
	Name:  "households",
	Codes: []check.Code{check.UnknownHousehold, check.InactiveHouse},
	Needs: check.Files,
	Run: func(p *Pass) {
		v := p.Village
		if p.Failed(v.RosterFile) {
			return
		}
		// A roster row that could not be read leaves a household unknown: an unknown household
		// is then not said to be missing from the roster.
		complete := !p.Town.Dropped[v.RosterFile] && !slices.ContainsFunc(v.Households, func(h sheet.Household) bool { return h.ID == "" })
		said := map[string]bool{} // codes the roster lost the zeros of, said once
		f := &finder{village: v}
		for _, m := range v.Months {
			for r := range p.rows(m) {
				p.household(r, complete, said, f)
			}
			for _, o := range m.Objections { // dated after the month: on the roster at some time
				p.household(row{m.ObjectionsFile, "objections", m.ObjectionColumns, o.Line, o.Household, "", ""}, complete, said, f)
			}
		}
	},
}

// A row is what the checks of households and dates read of a sheet's or redemptions' row.
type row struct {
	file, kind string // kind is the file's folder: sheets, redemptions, declarations or objections
	cols       sheet.Columns
	line       int
	household  string
	date       string // YYYY-MM-DD, or "" when it could not be read
	typed      string // the date as typed
}

// A finder looks households of a village up by code, remembering the last one: the rows of a
// household mostly follow each other, and the households the roster's order (see
// town.Village.PositionAfter).
type finder struct {
	village *town.Village
	id      string
	found   *sheet.Household
	used    bool
	last    int // the position of the last household found, -1 for none
}

// household returns the village's roster row with the id, or nil (see town.Village.Household).
func (f *finder) household(id string) *sheet.Household {
	if f.used && id == f.id {
		return f.found
	}
	if !f.used {
		f.last = -1
	}
	f.id, f.found, f.used = id, nil, true
	if i, ok := f.village.PositionAfter(id, f.last); ok {
		f.found, f.last = &f.village.Households[i], i
	}
	return f.found
}

// rows yields the rows of the month's sheet (none when it failed as a whole), redemptions and
// declarations.
func (p *Pass) rows(m *town.Month) iter.Seq[row] {
	return func(yield func(row) bool) {
		if !p.Failed(m.SheetFile) {
			for _, e := range m.Entries {
				if !yield(row{m.SheetFile, "sheets", m.Columns, e.Line, e.Household, e.Date, cmp.Or(e.DateText, e.Date)}) {
					return
				}
			}
		}
		for _, r := range m.Redemptions {
			if !yield(row{m.RedemptionsFile, "redemptions", m.RedemptionColumns, r.Line, r.Household, r.Date, cmp.Or(r.DateText, r.Date)}) {
				return
			}
		}
		for _, d := range m.Declarations {
			if !yield(row{m.DeclarationsFile, "declarations", m.DeclarationColumns, d.Line, d.Household, d.Date, cmp.Or(d.DateText, d.Date)}) {
				return
			}
		}
	}
}

func (p *Pass) household(r row, complete bool, said map[string]bool, f *finder) {
	if r.household == "" {
		return
	}
	h := f.household(r.household)
	switch {
	case h == nil && complete:
		d := check.Diagnostic{Code: check.UnknownHousehold, File: r.file, Line: r.line, Column: r.cols["household"], Value: r.household}
		for _, o := range p.Village.Households {
			if strings.EqualFold(o.ID, r.household) {
				d.Suggest = o.ID
			}
		}
		ids := p.Village.HouseholdIDs()
		if d.Suggest == "" {
			d.Suggest, d.Reason = sheet.Restore(r.household, ids)
		}
		if d.Reason == nil {
			if k, reason := sheet.RosterLostZeros(r.household, ids); reason != nil {
				if said[k] {
					return // the roster's mistake, said at its first row
				}
				said[k], d.Reason, d.Args = true, reason, []string{k}
			}
		}
		p.Report(d)
	case h != nil && r.date != "" && !h.ActiveIn(r.date) && !p.Rejected(p.Village.RosterFile, h.Line):
		p.Report(check.Diagnostic{Code: check.InactiveHouse, File: r.file, Line: r.line, Column: r.cols["household"], Value: r.household, Args: []string{r.typed}})
	}
}

var (
	reasonVetoPoints = &check.Text{Zh: "一票否决行的分值要填 0", En: "a veto row has 0 points"}
	reasonDeduction  = &check.Text{Zh: "%[3]s %[4]s 是扣分事项，分值要写负数：%[5]s", En: "%[3]s (%[4]q) is a deduction: write %[5]s"}
	reasonPositive   = &check.Text{Zh: "%[3]s %[4]s 是加分事项，分值要写正数：%[5]s", En: "%[3]s (%[4]q) adds points: write %[5]s"}
	reasonLevels     = &check.Text{Zh: "%[3]s %[4]s 只能是 %[5]s", En: "%[3]s (%[4]q) allows %[5]s"}
	reasonEvidence   = &check.Text{Zh: "%[3]s %[4]s 要求填写佐证材料的编号", En: "%[3]s (%[4]q) requires the number of its evidence"}
)

// Items checks every row of the sheets against the rule set in force in its month (and the items
// the month's declarations and objections name): the item or veto exists, the points are allowed, the evidence is there when the item requires it; and
// that every month with a sheet has a rule set.
var Items = &Analyzer{
	Name:  "items",
	Codes: []check.Code{check.UnknownItem, check.PointsNotAllowed, check.MissingValue, check.NoRules},
	Needs: check.Files,
	Run: func(p *Pass) {
		for _, m := range p.Village.Months {
			switch {
			case p.Failed(m.SheetFile):
			case m.Rules == nil && len(p.Town.Rules) > 0 && !p.anyRulesFailed():
				p.Report(check.Diagnostic{Code: check.NoRules, File: m.SheetFile, Value: m.Month})
			case p.RulesOK(m):
				for i := range m.Entries {
					p.item(m, &m.Entries[i])
				}
			}
			if p.RulesOK(m) {
				p.namedItems(m)
			}
		}
	},
}

// anyRulesFailed reports whether a rule set file failed: which months it would govern is then
// unknown, and a month without a rule set is a consequence.
func (p *Pass) anyRulesFailed() bool {
	for f := range p.Town.Failed {
		if strings.HasPrefix(f, "rules/") {
			return true
		}
	}
	return false
}

func (p *Pass) item(m *town.Month, e *sheet.Entry) {
	if e.Item == "" {
		return
	}
	at := func(code check.Code, key, value string, reason *check.Text, args ...string) {
		p.Report(check.Diagnostic{Code: code, File: m.SheetFile, Line: e.Line, Column: m.Columns[key], Value: value, Reason: reason, Args: args})
	}
	rs := m.Rules
	pointsRead := !e.Failed("points")
	it := rs.Item(e.Item)
	if it == nil {
		switch {
		case rs.Veto(e.Item) == nil:
			d := check.Diagnostic{Code: check.UnknownItem, File: m.SheetFile, Line: e.Line, Column: m.Columns["item"], Value: e.Item, Args: []string{rs.Effective}}
			d.Suggest, d.Reason = itemLike(rs, e.Item)
			p.Report(d)
		case e.Points != 0 && pointsRead:
			at(check.PointsNotAllowed, "points", e.PointsText, reasonVetoPoints)
		}
		return
	}
	if allowed := it.Allowed(); !slices.Contains(allowed, e.Points) && pointsRead {
		reason := reasonLevels
		switch {
		case it.Deduction() && e.Points > 0:
			reason = reasonDeduction
		case !it.Deduction() && e.Points < 0:
			reason = reasonPositive
		}
		at(check.PointsNotAllowed, "points", e.PointsText, reason, it.ID, it.Name, ints(allowed))
	}
	if it.Evidence && e.Evidence == "" && !e.Failed("evidence") {
		at(check.MissingValue, "evidence", "", reasonEvidence, it.ID, it.Name)
	}
}

// namedItems reports the items that the month's declarations and objections name and the rule
// set does not have.
func (p *Pass) namedItems(m *town.Month) {
	unknown := func(file string, cols sheet.Columns, line int, item string) {
		if item != "" && m.Rules.Item(item) == nil && m.Rules.Veto(item) == nil {
			diag := check.Diagnostic{Code: check.UnknownItem, File: file, Line: line, Column: cols["item"], Value: item, Args: []string{m.Rules.Effective}}
			diag.Suggest, diag.Reason = itemLike(m.Rules, item)
			p.Report(diag)
		}
	}
	for _, d := range m.Declarations {
		unknown(m.DeclarationsFile, m.DeclarationColumns, d.Line, d.Item)
	}
	for _, o := range m.Objections {
		unknown(m.ObjectionsFile, m.ObjectionColumns, o.Line, o.Item)
	}
}

// itemLike is the item or veto code probably meant by id, which the rule set does not have: in
// other case, or as a spreadsheet changed it (with the reason).
func itemLike(rs *rules.RuleSet, id string) (string, *check.Text) {
	ids := rs.IDs()
	for _, k := range ids {
		if strings.EqualFold(k, id) {
			return k, nil
		}
	}
	return sheet.Restore(id, ids)
}

func ints(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, "/")
}

// Dates checks that every row of the sheets, redemptions and declarations is dated in its
// file's month, and not after now; and that objections were not received nor answered after now.
var Dates = &Analyzer{
	Name:  "dates",
	Codes: []check.Code{check.DateOutsideMonth, check.FutureDate},
	Needs: check.Files,
	Run: func(p *Pass) {
		today := p.Options.Now.In(p.Town.Location).Format(time.DateOnly)
		for _, m := range p.Village.Months {
			for r := range p.rows(m) {
				p.date(m, r, today)
			}
			for _, o := range m.Objections { // dated after the month: only not after today
				for _, d := range [][3]string{{"received", o.Received, o.ReceivedText}, {"replied", o.Replied, o.RepliedText}} {
					if d[1] > today {
						p.Report(check.Diagnostic{Code: check.FutureDate, File: m.ObjectionsFile, Line: o.Line, Column: m.ObjectionColumns[d[0]], Value: d[2], Args: []string{today}})
					}
				}
			}
		}
	},
}

func (p *Pass) date(m *town.Month, r row, today string) {
	if r.date == "" {
		return
	}
	switch {
	case r.date[:7] != m.Month:
		d := check.Diagnostic{Code: check.DateOutsideMonth, File: r.file, Line: r.line, Column: r.cols["date"], Value: r.typed, Args: []string{m.Month}}
		if r.date <= today {
			d.Suggest = "villages/" + p.Village.ID + "/" + r.kind + "/" + r.date[:7] + ".csv"
		}
		p.Report(d)
	case r.date > today:
		p.Report(check.Diagnostic{Code: check.FutureDate, File: r.file, Line: r.line, Column: r.cols["date"], Value: r.typed, Args: []string{today}})
	}
}

// Goods checks every redemption against the catalog in force when it was approved: the goods
// exist and the points are the quantity at the goods' price.
var Goods = &Analyzer{
	Name:  "goods",
	Codes: []check.Code{check.UnknownGoods, check.WrongPrice},
	Needs: check.Files,
	Run: func(p *Pass) {
		v := p.Village
		if p.Failed(v.Catalog.File) {
			return
		}
		for _, m := range v.Months {
			switch {
			case len(m.Redemptions) == 0:
			case len(v.Catalog.Versions) == 0 && v.Catalog.Goods == nil:
				// No catalog at all: said once, not once for every exchange.
				p.Report(check.Diagnostic{Code: check.MissingFile, File: m.RedemptionsFile, Args: []string{cmp.Or(v.Catalog.File, "supermarket/catalog.csv")}})
				return
			case m.Catalog == nil: // the catalog of the time could not be read
			default:
				for i := range m.Redemptions {
					p.goods(m, &m.Redemptions[i])
				}
			}
		}
	},
}

func (p *Pass) goods(m *town.Month, r *sheet.Redemption) {
	if r.Goods == "" {
		return
	}
	i := slices.IndexFunc(m.Catalog, func(g sheet.Goods) bool { return g.ID == r.Goods })
	if i < 0 {
		d := check.Diagnostic{Code: check.UnknownGoods, File: m.RedemptionsFile, Line: r.Line, Column: m.RedemptionColumns["goods"], Value: r.Goods}
		ids := make([]string, len(m.Catalog))
		for i, g := range m.Catalog {
			if ids[i] = g.ID; strings.EqualFold(g.ID, r.Goods) {
				d.Suggest = g.ID
			}
		}
		if d.Suggest == "" {
			d.Suggest, d.Reason = sheet.Restore(r.Goods, ids)
		}
		p.Report(d)
		return
	}
	if g := m.Catalog[i]; r.Points != r.Quantity*g.Points && r.Invalid == 0 {
		p.Report(check.Diagnostic{Code: check.WrongPrice, File: m.RedemptionsFile, Line: r.Line, Column: m.RedemptionColumns["points"], Value: r.PointsText,
			Args: []string{strconv.Itoa(r.Quantity), strconv.Itoa(g.Points), strconv.Itoa(r.Quantity * g.Points), g.Name}})
	}
}
