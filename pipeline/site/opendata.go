package site

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/jifen-project/jifen/pipeline/score"
	"github.com/jifen-project/jifen/pipeline/sheet"
	"github.com/jifen-project/jifen/pipeline/town"
)

// The open data: the figures the pages show, as tables that datapackage.json describes with a
// Table Schema each. The tables are made from the public view, the very values the pages show,
// so they carry nothing the pages do not and no figure is computed twice; only the year-to-date
// points and rank of each month come from the scores, as the year page's do. A household that
// did not consent appears as on the pages: its code and grid, its points, ranks and honours,
// no name, and no account.

// A field is a column of an open-data table as Table Schema describes it. Its name is the JSON
// key and the header of the CSV for programs; its title is the header of the CSV for
// spreadsheets. Booleans are written 是 and 否 in the CSV files, true and false in the JSON.
type field struct {
	Name        string       `json:"name"`
	Title       string       `json:"title"`
	Type        string       `json:"type"` // string, integer, boolean, date, year or yearmonth
	Description string       `json:"description"`
	TrueValues  []string     `json:"trueValues,omitempty"`
	FalseValues []string     `json:"falseValues,omitempty"`
	Constraints *constraints `json:"constraints,omitempty"`
}

type constraints struct {
	Required bool     `json:"required,omitempty"`
	Enum     []string `json:"enum,omitempty"`
	Minimum  *int     `json:"minimum,omitempty"`
}

// tableSchema is a table's Table Schema. An empty cell, or null in the JSON, is a value the
// pages do not show.
type tableSchema struct {
	Fields        []field  `json:"fields"`
	PrimaryKey    []string `json:"primaryKey"`
	MissingValues []string `json:"missingValues"`
}

// yes and no are a boolean in the CSV files.
const yes, no = "是", "否"

// An option constrains a field.
type option func(*field)

// required: the field always has a value.
func required(f *field) { f.constraint().Required = true }

// oneOf: the field's value is one of these.
func oneOf(values ...string) option { return func(f *field) { f.constraint().Enum = values } }

// atLeast: the field's value is n or more.
func atLeast(n int) option { return func(f *field) { f.constraint().Minimum = &n } }

func (f *field) constraint() *constraints {
	if f.Constraints == nil {
		f.Constraints = &constraints{}
	}
	return f.Constraints
}

// col describes a field.
func col(name, title, kind, description string, opts ...option) field {
	f := field{Name: name, Title: title, Type: kind, Description: description}
	if kind == "boolean" {
		f.TrueValues, f.FalseValues = []string{yes}, []string{no}
	}
	for _, o := range opts {
		o(&f)
	}
	return f
}

// A table is one open-data table of a village: its rows hold, in the order of its fields,
// strings, ints, bools and nil for what the pages do not show.
type table struct {
	ID          string // its kind; the household-months are <village>.csv, the others <village>_<ID>.csv
	Title       string // after the village's name
	Description string
	Schema      tableSchema
	Rows        [][]any
}

// The kinds of tables, as Download.Table and the downloads page name them.
const (
	tableMonths     = "months"
	tableTotals     = "totals"
	tableMarket     = "market"
	tableHouseholds = "households"
	tableLedger     = "ledger"
	tableHonours    = "honours"
	tableDeclared   = "declared"
	tableObjections = "objections"
	tableMoves      = "moves"
)

// The words of a month's status and of an account line, as the tables write them.
var (
	statusWords = map[string]string{inNotice: "公示中", disputed: "异议处理中", effective: "已生效", unapproved: "未审定"}
	lineWords   = map[score.LineKind]string{score.Earn: "积分入账", score.Redeem: "兑换", score.Expire: "年底清零",
		score.MoveIn: "迁入转入", score.MoveOut: "迁出转出", score.MoveClear: "迁出清零"}
	moveWords      = map[string]string{string(town.Move): "迁移", string(town.Split): "分户", string(town.Merge): "合户"}
	directionWords = map[string]string{moveIn: "迁入", moveOut: "迁出"}
)

func schema(key []string, fields ...field) tableSchema {
	return tableSchema{Fields: fields, PrimaryKey: key, MissingValues: []string{""}}
}

var (
	monthField     = col("month", "月份", "yearmonth", "评定月份 YYYY-MM", required)
	householdField = col("household", "户号", "string", "户号", required)
	nameField      = col("name", "户主", "string", "打码的户主姓名（张*明、张*）；没有同意公开的户为空")
	statusField    = col("status", "状态", "string", "本月评定结果的状态", required, oneOf(slices.Sorted(maps.Values(statusWords))...))
)

// monthsSchema describes the household-months: each household on the roster in a month, as the
// month's page (ranking and its grids' pages) and the year page show it.
var monthsSchema = schema([]string{"month", "household"},
	monthField, householdField, nameField,
	col("grid", "小组", "string", "村民小组", required),
	col("points", "积分", "integer", "本月净积分", required),
	col("rank", "名次", "integer", "本月全村名次（积分相同名次相同）；村里不公开排名时、本月退出的户为空", atLeast(1)),
	statusField,
	col("left", "本月退出", "boolean", "本月退出的户：退出以前的积分照常计入，不参加排名", required),
	col("movement", "名次变化", "integer", "和上个月的名次比，上升为正数，下降为负数，不变为 0；上个月没有排名（新进排名）或本月没有排名时为空"),
	col("new", "新进排名", "boolean", "上个月没有排名、本月有排名；本月没有排名时为空"),
	col("grid_rank", "组内名次", "integer", "本月在村民小组内的名次；本月没有排名时为空", atLeast(1)),
	col("year_points", "本年累计积分", "integer", "本年 1 月到本月的净积分合计", required),
	col("year_rank", "本年累计名次", "integer", "到本月为止按本年累计积分的全村名次；本月没有排名时为空", atLeast(1)),
	col("month_star", "月度积分之星", "boolean", "本月是不是月度积分之星；村里不公开排名时为空"),
)

// totalsSchema describes the month's totals, as the month's page shows them.
var totalsSchema = schema([]string{"month"},
	monthField, statusField,
	col("households", "参评农户", "integer", "本月参加评定（排名）的户数", required, atLeast(0)),
	col("taking", "有积分记录的户", "integer", "本月评定表里有积分记录的户数", required, atLeast(0)),
	col("issued", "发放积分", "integer", "本月计入的加分合计", required, atLeast(0)),
	col("deducted", "扣减积分", "integer", "本月计入的扣分合计（0 或负数）", required),
	col("net", "净积分合计", "integer", "本月各户净积分合计", required),
	col("declared_accepted", "申报通过", "integer", "本月农户申报通过的件数", required, atLeast(0)),
	col("declared_refused", "申报不通过", "integer", "本月农户申报不通过的件数", required, atLeast(0)),
	col("declared_pending", "申报待审", "integer", "本月农户申报还在审核的件数", required, atLeast(0)),
	col("objections", "异议", "integer", "对本月结果提出的异议件数", required, atLeast(0)),
)

// marketSchema describes the supermarket's months, as its page shows them.
var marketSchema = schema([]string{"month"},
	monthField,
	col("taking", "有积分户", "integer", "本月评定表里有积分记录的户数", required, atLeast(0)),
	col("households", "兑换户", "integer", "本月在积分超市兑换的户数", required, atLeast(0)),
	col("issued", "发放", "integer", "本月发放的积分", required, atLeast(0)),
	col("deducted", "扣减", "integer", "本月扣减的积分（0 或负数）", required),
	col("redeemed", "兑换", "integer", "本月兑换商品用掉的积分", required),
	col("expired", "清零", "integer", "年底清零的积分", required),
	col("goods_fen", "商品成本（分）", "integer", "本月兑换商品的进货成本，单位为分（0.01 元）", required),
	col("moved_in", "迁入", "integer", "本月随迁入、分户、合户的户从本镇别的户转来的积分（欠分为负数）", required),
	col("moved_out", "迁出", "integer", "本月随迁出、分户、合户的户转到本镇别的户的积分（欠分为负数）", required),
	col("move_clear", "迁出清零", "integer", "本月户迁出、分户、合户时按积分细则清零的积分（抵消的欠分为负数）", required),
)

// householdsSchema describes the accounts of the households that consented, as their pages
// show them.
var householdsSchema = schema([]string{"household"},
	householdField, col("name", "户主", "string", "打码的户主姓名（张*明、张*）", required),
	col("grid", "小组", "string", "村民小组", required),
	col("left", "退出日期", "date", "退出户籍名册的日期；没有退出为空"),
	col("year", "年份", "year", "有评定表的最近一年"),
	col("year_points", "本年净积分", "integer", "这一年的净积分合计"),
	col("stars", "星级文明户", "integer", "这一年的星级；没有星级为空", atLeast(1)),
	col("stars_final", "星级已定", "boolean", "这一年 12 月的评定已生效，星级是最终结果；否则为暂定", required),
	col("honour", "荣誉积分", "integer", "历来计入的全部积分，不因兑换减少", required),
	col("balance", "可兑换积分", "integer", "现在在积分超市还能用的积分", required),
	col("paused", "暂停兑换", "boolean", "按积分细则暂停兑换", required),
	col("redeemed", "已兑换积分", "integer", "历来兑换商品用掉的积分", required),
	col("expired", "已清零积分", "integer", "历来年底清零的积分", required),
)

// ledgerSchema describes the lines of the accounts of the households that consented, as their
// pages show them.
var ledgerSchema = schema([]string{"household", "line"},
	householdField, col("name", "户主", "string", "打码的户主姓名（张*明、张*）", required),
	col("line", "序号", "integer", "这一户账户的第几笔，从最早的一笔起", required, atLeast(1)),
	col("date", "日期", "date", "入账、兑换或清零的日期", required),
	col("kind", "事项", "string", "积分入账（某月的积分或更正的差额）、兑换、年底清零，或户迁移、分户、合户时的迁入转入、迁出转出、迁出清零", required, oneOf(slices.Sorted(maps.Values(lineWords))...)),
	col("month", "积分月份", "yearmonth", "积分入账：积分所属的月份；其他事项为空"),
	col("goods", "商品", "string", "兑换：商品名称；其他事项为空"),
	col("quantity", "数量", "integer", "兑换：商品数量；其他事项为空", atLeast(1)),
	col("points", "积分", "integer", "入账为某月的净积分或更正的差额（扣分多时为负数），兑换和清零为负数", required),
	col("balance", "余额", "integer", "这一笔以后的可兑换积分", required),
	counterpartVillageField, counterpartField,
)

// The other household of a move: its village always, its code only when both households
// consented, as the pages show them.
var (
	counterpartVillageField = col("counterpart_village", "对方村", "string", "迁入转入、迁出转出、迁出清零：积分从哪个村的户转来、转到哪个村的户；其他事项为空")
	counterpartField        = col("counterpart", "对方户号", "string", "迁入转入、迁出转出、迁出清零：对方的户号，只在两户都同意公开时有；其他为空")
)

// movesSchema describes the moves, splits and merges of the village's households, each as
// the pages of a household that consented tell it; of a household that did not, the row has
// neither its code nor the other household's.
var movesSchema = schema([]string{"number"},
	col("number", "序号", "integer", "按日期排的第几行", required, atLeast(1)),
	col("date", "日期", "date", "迁入：本村这一户的加入日期；迁出：它的退出日期（在原村的最后一天）", required),
	col("direction", "方向", "string", "迁入（本村的户接续别的户）或迁出（别的户接续本村的户）", required, oneOf(slices.Sorted(maps.Values(directionWords))...)),
	col("kind", "类型", "string", "迁移（一户接续一户，也包括本村换户号）、分户（一户分成几户）或合户（几户合成一户）", required, oneOf(slices.Sorted(maps.Values(moveWords))...)),
	col("household", "户号", "string", "本村这一户的户号；没有同意公开的户为空"),
	col("name", "户主", "string", "打码的户主姓名（张*明、张*）；没有同意公开的户为空"),
	col("village", "对方村", "string", "对方户所在的村", required),
	col("counterpart", "对方户号", "string", "对方户的户号，只在两户都同意公开时有"),
	col("share", "承接积分", "boolean", "分户时分出的户写了承接积分（否则是主户，接过其余的积分）", required),
	col("points", "转移积分", "integer", "随户转过去的可兑换积分，包括迁出以后才入账、随后转过去的积分（欠分为负数）", required),
	col("cleared", "清零积分", "integer", "按积分细则在迁出时清零的可兑换积分", required),
	col("honour", "荣誉积分", "integer", "随户转过去的荣誉积分", required),
)

// itemFields are an item as a page shows it under its publication rule: its name, or its
// category alone, or neither.
var itemFields = []field{
	col("item", "事项", "string", "事项名称；按积分细则只公开类别或不公开的为空"),
	col("category", "事项类别", "string", "按积分细则只公开类别的事项的类别；其他为空"),
}

// declaredSchema describes the declarations (申报) of the households that consented, as their
// pages show them.
var declaredSchema = schema([]string{"month", "household", "number"}, append([]field{
	monthField, householdField, col("name", "户主", "string", "打码的户主姓名（张*明、张*）", required),
	col("number", "序号", "integer", "这一户这个月的第几件申报", required, atLeast(1)),
	col("date", "日期", "date", "申报的事情发生的日期", required)},
	append(itemFields,
		col("text", "情况", "string", "做了什么；按积分细则不公开的为空"),
		col("outcome", "结果", "string", "评议小组审核的结果", required, oneOf(sheet.Accepted, sheet.Pending, sheet.Refused)),
		col("reason", "理由", "string", "不通过的理由；没有或按积分细则不公开的为空"))...)...,
)

// objectionsSchema describes the objections (异议) to each month's results, as the month pages
// show them.
var objectionsSchema = schema([]string{"month", "number"}, append([]field{
	monthField, col("number", "序号", "integer", "这个月的第几件异议，按收到的先后", required, atLeast(1)),
	col("received", "收到日期", "date", "收到异议的日期", required), householdField, nameField},
	append(itemFields,
		col("outcome", "结果", "string", "更正（结果改了）或维持（维持原结果）；还在处理的为空", oneOf(sheet.Dismissed, sheet.Upheld)),
		col("replied", "答复日期", "date", "答复的日期；还在处理的为空"),
		col("reply", "答复", "string", "评议小组的答复；还在处理或按积分细则不公开的为空"))...)...,
)

// honoursSchema describes each year's honours, as the year page shows them: a household with
// at least one.
var honoursSchema = schema([]string{"year", "household"},
	col("year", "年份", "year", "荣誉所属的年份", required), householdField, nameField,
	col("stars", "星级文明户", "integer", "这一年的星级；没有星级为空", atLeast(1)),
	col("final", "最终结果", "boolean", "这一年 12 月的评定已生效，荣誉是最终结果；否则为暂定", required),
	col("nominee", "道德模范候选", "boolean", "这一年的道德模范候选", required),
	col("month_stars", "月度积分之星次数", "integer", "这一年当选月度积分之星的月数；村里不公开排名时为空", atLeast(0)),
)

// villageTables are the open-data tables of a village.
func villageTables(v *Village, res *score.VillageResult) ([]table, error) {
	months, err := householdMonths(v, res)
	if err != nil {
		return nil, err
	}
	ledger, err := ledgerRows(v)
	if err != nil {
		return nil, err
	}
	return []table{
		{ID: tableMonths, Title: "各户每月积分", Schema: monthsSchema, Rows: months,
			Description: "每月每户一行：积分、名次、名次变化、组内名次、本年累计积分和名次、月度积分之星"},
		{ID: tableTotals, Title: "每月合计", Schema: totalsSchema, Rows: totalRows(v), Description: "每月的参评户数和积分合计"},
		{ID: tableMarket, Title: "积分超市每月", Schema: marketSchema, Rows: marketRows(v), Description: "积分超市每月的发放、扣减、兑换、清零和商品成本"},
		{ID: tableHouseholds, Title: "各户积分账户", Schema: householdsSchema, Rows: householdRows(v),
			Description: "同意公开的户：荣誉积分、可兑换积分、星级"},
		{ID: tableLedger, Title: "积分超市账户明细", Schema: ledgerSchema, Rows: ledger,
			Description: "同意公开的户：每一笔积分入账、兑换和清零，和以后的余额"},
		{ID: tableHonours, Title: "年度荣誉", Schema: honoursSchema, Rows: honourRows(v),
			Description: "每年的星级文明户、道德模范候选和月度积分之星次数"},
		{ID: tableDeclared, Title: "农户申报", Schema: declaredSchema, Rows: declaredRows(v),
			Description: "同意公开的户：每件申报的事项、情况、审核结果和理由"},
		{ID: tableObjections, Title: "异议", Schema: objectionsSchema, Rows: objectionRows(v),
			Description: "对每月评定结果的异议：收到日期、针对的户和事项、结果和答复"},
		{ID: tableMoves, Title: "迁移、分户、合户", Schema: movesSchema, Rows: moveRows(v),
			Description: "本村的户迁入、迁出、分户、合户：日期、对方村、转移和清零的积分；户号只写同意公开的户"},
	}, nil
}

// The columns of Month.rows, as publishMonth writes them for the downloads.
const (
	rowMonth = iota
	rowHousehold
	rowName
	rowGrid
	rowPoints
	rowRank
	rowStatus
	rowColumns
)

// householdMonths are the rows of the household-months, oldest month first: the households of
// each month's rows for the downloads, with the movement and grid rank of the month's ranking,
// the year-to-date figures of the scores and the month's stars of the year page.
func householdMonths(v *Village, res *score.VillageResult) ([][]any, error) {
	results := map[string]*score.MonthResult{}
	for _, mr := range res.Months {
		results[mr.Month] = mr
	}
	stars := monthStars(v)
	var rows [][]any
	for _, pm := range slices.Backward(v.Months) {
		ranked := map[string]Row{}
		for _, r := range pm.Ranking {
			ranked[r.Household] = r
		}
		for _, r := range pm.rows {
			if len(r) != rowColumns || results[pm.Month] == nil || results[pm.Month].Standing(r[rowHousehold]) == nil {
				return nil, fmt.Errorf("open data of %s %s: a row %q with no standing", v.ID, pm.Month, r)
			}
			s := results[pm.Month].Standing(r[rowHousehold])
			points, err1 := strconv.Atoi(r[rowPoints])
			rank, err2 := optionalInt(r[rowRank])
			if err := errors.Join(err1, err2); err != nil {
				return nil, fmt.Errorf("open data of %s %s: %w", v.ID, pm.Month, err)
			}
			var move, isNew, gridRank, yearRank, star any
			if rr, ok := ranked[s.Household]; ok {
				move, isNew, gridRank = movement(rr), rr.New, rr.GridRank
			}
			if v.PublishRanking && s.Active {
				yearRank = s.YearRank
			}
			if stars != nil {
				star = stars[pm.Month][s.Household]
			}
			rows = append(rows, []any{r[rowMonth], r[rowHousehold], optional(r[rowName]), r[rowGrid], points, rank, r[rowStatus],
				s.Left, move, isNew, gridRank, s.YearNet, yearRank, star})
		}
	}
	return rows, nil
}

// movement is a ranking row's change of place as a number (up positive, down negative), or nil
// for a household new to the ranking.
func movement(r Row) any {
	switch {
	case r.New:
		return nil
	case r.Down > 0:
		return -r.Down
	}
	return r.Up
}

// monthStars are the households that were a month's 月度积分之星, by month, as the year pages
// list them; nil when the village does not publish rankings (nor, then, the stars).
func monthStars(v *Village) map[string]map[string]bool {
	if !v.PublishRanking {
		return nil
	}
	out := map[string]map[string]bool{}
	for _, y := range v.Years {
		for _, ms := range y.Monthly {
			out[ms.Month] = map[string]bool{}
			for _, w := range ms.Households {
				out[ms.Month][w.Household] = true
			}
		}
	}
	return out
}

// totalRows are the months' totals, oldest first.
func totalRows(v *Village) [][]any {
	var rows [][]any
	for _, m := range slices.Backward(v.Months) {
		t := m.Totals
		d := m.Declarations
		rows = append(rows, []any{m.Month, statusWords[m.Status], t.Households, t.Taking, t.Issued, t.Deducted, t.Net,
			d[sheet.Accepted], d[sheet.Refused], d[sheet.Pending], len(m.Objections)})
	}
	return rows
}

// marketRows are the supermarket's months, oldest first.
func marketRows(v *Village) [][]any {
	var rows [][]any
	for _, m := range slices.Backward(v.Market.Months) {
		rows = append(rows, []any{m.Month, m.Taking, m.Households, m.Issued, m.Deducted, m.Redeemed, m.Expired, m.GoodsFen,
			m.MovedIn, m.MovedOut, m.MoveClear})
	}
	return rows
}

// householdRows are the accounts of the households with a page.
func householdRows(v *Village) [][]any {
	var rows [][]any
	for _, h := range v.Households {
		var year, yearPoints any
		if h.Year != "" {
			year, yearPoints = atoi(h.Year), h.YearNet
		}
		rows = append(rows, []any{h.ID, h.Name, h.Grid, optional(h.Left), year, yearPoints, positive(h.Stars), h.StarsFinal,
			h.Honour, h.Balance, h.Paused, h.Redeemed, h.Expired})
	}
	return rows
}

// ledgerRows are the lines of the accounts of the households with a page, oldest first.
func ledgerRows(v *Village) ([][]any, error) {
	var rows [][]any
	for _, h := range v.Households {
		for i, l := range slices.Backward(h.Account) {
			kind := lineWords[score.LineKind(l.Kind)]
			if kind == "" {
				return nil, fmt.Errorf("open data of %s: account line %q of %s", v.ID, l.Kind, h.ID)
			}
			var village, other any
			if l.Other != nil {
				village, other = l.Other.VillageName, optional(l.Other.Household)
			}
			rows = append(rows, []any{h.ID, h.Name, len(h.Account) - i, l.Date, kind, optional(l.Month), optional(l.Goods),
				positive(l.Quantity), l.Points, l.Balance, village, other})
		}
	}
	return rows, nil
}

// moveRows are the moves of the village's households, by date.
func moveRows(v *Village) [][]any {
	var rows [][]any
	for i, m := range v.moves {
		rows = append(rows, []any{i + 1, m.Date, directionWords[m.Direction], moveWords[m.Kind], optional(m.Household), optional(m.Name),
			m.Other.VillageName, optional(m.Other.Household), m.Share, m.Points, m.Cleared, m.Honour})
	}
	return rows
}

// declaredRows are the declarations of the households that consented, by household and
// oldest month first, in each month as their pages list them.
func declaredRows(v *Village) [][]any {
	var rows [][]any
	for _, h := range v.Households {
		for _, m := range slices.Backward(h.Months) {
			for i, d := range m.Declared {
				rows = append(rows, append(append([]any{m.Month, h.ID, h.Name, i + 1, d.Date}, itemCells(d.Reason)...),
					optional(d.Reason.Note), d.Outcome, optional(d.Why)))
			}
		}
	}
	return rows
}

// objectionRows are the objections to each month's results, oldest month first, as the month
// pages list them.
func objectionRows(v *Village) [][]any {
	var rows [][]any
	for _, m := range slices.Backward(v.Months) {
		for i, o := range m.Objections {
			rows = append(rows, append(append([]any{m.Month, i + 1, o.Received, o.Who.Household, optional(o.Who.Name)}, itemCells(o.Reason)...),
				optional(o.Outcome), optional(o.Replied), optional(o.Reply)))
		}
	}
	return rows
}

// itemCells are the cells of itemFields.
func itemCells(r Reason) []any { return []any{optional(r.Item), optional(r.Category)} }

// honourRows are each year's honours, oldest year first, a household a row by code.
func honourRows(v *Village) [][]any {
	type honours struct {
		name           string
		stars, monthly int
		nominee        bool
	}
	var rows [][]any
	for _, y := range slices.Backward(v.Years) {
		byHousehold := map[string]*honours{}
		get := func(w Who) *honours {
			if byHousehold[w.Household] == nil {
				byHousehold[w.Household] = &honours{name: w.Name}
			}
			return byHousehold[w.Household]
		}
		for _, g := range y.Stars {
			for _, w := range g.Households {
				get(w).stars = g.Stars
			}
		}
		for _, w := range y.Nominees {
			get(w).nominee = true
		}
		for _, ms := range y.Monthly {
			for _, w := range ms.Households {
				get(w).monthly++
			}
		}
		for _, id := range slices.Sorted(maps.Keys(byHousehold)) {
			h := byHousehold[id]
			var monthly any
			if v.PublishRanking {
				monthly = h.monthly
			}
			rows = append(rows, []any{atoi(y.Year), id, optional(h.name), positive(h.stars), y.Final, h.nominee, monthly})
		}
	}
	return rows
}

// optional is a text the pages show, or nil when they show none.
func optional(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// optionalInt is a whole number, or nil for an empty cell.
func optionalInt(s string) (any, error) {
	if s == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return nil, err
	}
	return n, nil
}

// positive is n, or nil for 0 (which the pages show as nothing).
func positive(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

// cellText is a value as a CSV cell. For a spreadsheet, a text that it would run as a formula
// is neutralised (see neutralise).
func cellText(value any, spreadsheet bool) string {
	switch x := value.(type) {
	case string:
		if spreadsheet {
			return neutralise(x)
		}
		return x
	case int:
		return strconv.Itoa(x)
	case bool:
		if x {
			return yes
		}
		return no
	}
	return "" // nil: not shown
}

// csv is the table as CSV (sheet.ExcelCSV, without its byte order mark for programs): for a
// spreadsheet with the fields' titles as header, for programs with their names.
func (t *table) csv(spreadsheet bool) []byte {
	header := make([]string, len(t.Schema.Fields))
	for i, f := range t.Schema.Fields {
		header[i] = f.Name
		if spreadsheet {
			header[i] = f.Title
		}
	}
	rows := make([][]string, len(t.Rows))
	for i, r := range t.Rows {
		rows[i] = make([]string, len(r))
		for j, v := range r {
			rows[i][j] = cellText(v, spreadsheet)
		}
	}
	data := sheet.ExcelCSV(header, rows)
	if !spreadsheet {
		data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	}
	return data
}

// json is the table as a JSON array of objects, one a line, each with every field in the
// schema's order: numbers as numbers, null for what the pages do not show.
func (t *table) json() ([]byte, error) {
	if len(t.Rows) == 0 {
		return []byte("[]\n"), nil
	}
	var b bytes.Buffer
	b.WriteString("[\n")
	for i, r := range t.Rows {
		b.WriteByte('{')
		for j, f := range t.Schema.Fields {
			key, err := json.Marshal(f.Name)
			if err != nil {
				return nil, err
			}
			value, err := json.Marshal(r[j])
			if err != nil {
				return nil, err
			}
			if j > 0 {
				b.WriteByte(',')
			}
			b.Write(key)
			b.WriteByte(':')
			b.Write(value)
		}
		b.WriteByte('}')
		if i+1 < len(t.Rows) {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("]\n")
	return b.Bytes(), nil
}
