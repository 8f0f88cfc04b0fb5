package rules

import (
	"cmp"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jifen-project/jifen/pipeline/check"
)

// Why a value of a rule set is wrong: the reasons of E011 and E012. %[1]q is the value, %[2]s
// the key, %[3]s on the diagnostic's Args (the entry's id first, where the key is an entry's).
var (
	reasonNotEffective     = check.Text{Zh: "细则的文件名要和 effective 写的生效日期 %[3]s 一致", En: "a rule set's file is named after its effective date, %[3]s"}
	reasonEffectiveNotName = check.Text{Zh: "和文件里写的 effective = %[3]s 对不上；照旧版复制的新一版要把这一行改成自己的生效日期", En: "it disagrees with effective = %[3]s in the file; a new version copied from an old one needs this line changed to its own date"}
	reasonNoTable          = check.Text{Zh: "细则里没有 [%[3]s] 这一节", En: "the rule set has no [%[3]s] table"}
	reasonAdoptedLate      = check.Text{Zh: "通过日期晚于生效日期 %[3]s", En: "adopted after it takes effect on %[3]s"}
	reasonNotPositive      = check.Text{Zh: "要大于 0", En: "must be more than 0"}
	reasonNegative         = check.Text{Zh: "不能是负数", En: "must not be negative"}
	reasonSameID           = check.Text{Zh: "%[3]s 里已经有这个代码，代码在整个细则里不能重复", En: "%[3]s already has this code, and a code is used once in a rule set"}
	reasonWeight           = check.Text{Zh: "类别 %[3]s 的权重要大于 0", En: "the weight of category %[3]s must be more than 0"}
	reasonNoCategory       = check.Text{Zh: "事项 %[3]s 所属的类别不存在", En: "item %[3]s is in no category of the rule set"}
	reasonCapPeriod        = check.Text{Zh: "事项 %[3]s 的上限期间要写 \"month\"（每月）或 \"year\"（每年）", En: "the cap period of item %[3]s is \"month\" or \"year\""}
	reasonPublish          = check.Text{Zh: "事项 %[3]s 的公开方式要写 \"Y\"（公开说明）、\"C\"（只公开类别）或 \"N\"（不公开原因）", En: "item %[3]s publishes \"Y\" (the note), \"C\" (the category only) or \"N\" (nothing)"}
	reasonPointsOrLevels   = check.Text{Zh: "事项 %[3]s 写了 points 又写了 levels，只能写其中一个", En: "item %[3]s gives both points and levels, but takes only one of them"}
	reasonZeroPoints       = check.Text{Zh: "事项 %[3]s 的分值不能是 0", En: "the points of item %[3]s must not be 0"}
	reasonMixedLevels      = check.Text{Zh: "事项 %[3]s 的几档分值要么都是加分，要么都是扣分", En: "the levels of item %[3]s must all add points or all take them away"}
	reasonCapSign          = check.Text{Zh: "事项 %[3]s 的分值是 %[4]s，上限要和分值同号：加分写正数，扣分写负数", En: "item %[3]s gives %[4]s points, so its cap has the same sign: positive for points added, negative for points taken away"}
	reasonCapBelow         = check.Text{Zh: "事项 %[3]s 的上限还不到一次的分值 %[4]s", En: "the cap of item %[3]s is less than the %[4]s points of a single entry"}
	reasonOverMonthly      = check.Text{Zh: "事项 %[3]s 的分值超过了每户每月加分的总上限 monthly_cap（%[4]s 分）", En: "item %[3]s gives more than the monthly cap of %[4]s points"}
	reasonOverWeight       = check.Text{Zh: "事项 %[3]s 的分值超过了类别 %[4]s 的权重（每年 %[5]s 分）", En: "item %[3]s gives more than the weight of category %[4]s, %[5]s points a year"}
	reasonYearCapWeight    = check.Text{Zh: "事项 %[3]s 的每年上限超过了类别 %[4]s 的权重（每年 %[5]s 分）", En: "the yearly cap of item %[3]s is more than the weight of category %[4]s, %[5]s points a year"}
	reasonEffect           = check.Text{Zh: "一票否决情形 %[3]s 的效果要写 \"E1\" 或 \"E2\"", En: "the effect of veto %[3]s is \"E1\" or \"E2\""}
	reasonStarsOrder       = check.Text{Zh: "星级要从 1 起依次排列，这里应该是 %[3]s", En: "star levels run 1, 2, 3 and on in order: this one is %[3]s"}
	reasonStarsRise        = check.Text{Zh: "要比低一星级的 %[3]s 分高", En: "must be more than the %[3]s points of the level below"}
	reasonStarsReach       = check.Text{Zh: "一户一年最多只能得 %[3]s 分（各类别权重之和，或者每月总上限的 12 倍，取小的）", En: "a household earns at most %[3]s points a year (the sum of the weights, or 12 times the monthly cap if that is less)"}
	reasonStarsKinds       = check.Text{Zh: "细则只有 %[3]s 个类别", En: "the rule set has only %[3]s categories"}
	reasonModelCategory    = check.Text{Zh: "细则里没有这个类别", En: "the rule set has no such category"}
	reasonOnMove           = check.Text{Zh: "要写 \"carry\"（迁移、分户、合户时积分随户转过去）或 \"clear\"（迁出时清零）", En: "is \"carry\" (a household's points go with it when it moves, splits or merges) or \"clear\" (cleared when it moves)"}
	reasonExpiry           = check.Text{Zh: "要写 \"year-end\"（每年 12 月 31 日清零）或 \"never\"（不清零）", En: "is \"year-end\" (cleared on 31 December) or \"never\""}
)

// A linter checks a decoded rule set and collects its problems.
type linter struct {
	rs    *RuleSet
	lines lines
	diags check.List
}

// report adds a problem with the key d.Column; entry is at(i) for a key of the i-th entry of an
// array of tables, or "" for a key of a table. A key the file does not write is put at the line
// of its table or entry, or at line 1.
func (l *linter) report(d check.Diagnostic, entry string) {
	d.File = l.rs.File
	d.Line = max(l.lines.of(d.Column, entry), 1)
	l.diags.Add(d)
}

// bad reports a wrong value of key, unless the file does not write the key at all: then the
// value is missing.
func (l *linter) bad(key, entry, value string, reason *check.Text, args ...string) {
	l.wrong(check.Diagnostic{Column: key, Value: value, Args: args, Reason: reason}, entry)
}

// wrong reports d as a wrong value of d.Column (E012), or as a missing one (E006) when the file
// does not write the key.
func (l *linter) wrong(d check.Diagnostic, entry string) {
	if !l.lines.has(d.Column, entry) {
		l.report(check.Diagnostic{Code: check.MissingValue, Column: d.Column}, entry)
		return
	}
	d.Code = check.BadValue
	l.report(d, entry)
}

// lint checks a decoded rule set; named says whether its file must be named after the
// effective date. The problems are sorted.
func lint(rs *RuleSet, f file, lines lines, named bool) check.List {
	l := &linter{rs: rs, lines: lines}
	l.top(f, named)
	l.ids()
	weights, whole := l.categories()
	for i, it := range rs.Items {
		l.item(at(i), it, weights)
	}
	for i, v := range rs.Vetoes {
		if !v.Effect.Valid() {
			l.bad("vetoes.effect", at(i), string(v.Effect), &reasonEffect, v.ID)
		}
	}
	l.honours(weights, whole)
	l.market()
	l.diags.Sort()
	return l.diags
}

// top checks the keys of the top level and of [adoption].
func (l *linter) top(f file, named bool) {
	rs := l.rs
	sure := f.EffectiveDate.Year != 0 // whether the effective date can be relied on
	switch base := path.Base(rs.File); {
	case !sure:
		l.report(check.Diagnostic{Code: check.MissingValue, Column: "effective"}, "")
	case named && rs.Effective+".toml" != base:
		l.fileName(base)
		sure = false
	}
	if strings.TrimSpace(rs.Title) == "" {
		l.report(check.Diagnostic{Code: check.MissingValue, Column: "title"}, "")
	}
	if l.table("adoption") {
		if strings.TrimSpace(rs.Adoption.Body) == "" {
			l.report(check.Diagnostic{Code: check.MissingValue, Column: "adoption.body"}, "")
		}
		switch {
		case f.Adoption.Date.Year == 0:
			l.report(check.Diagnostic{Code: check.MissingValue, Column: "adoption.date"}, "")
		case sure && rs.Adoption.Date > rs.Effective:
			l.bad("adoption.date", "", rs.Adoption.Date, &reasonAdoptedLate, rs.Effective)
		}
	}
	if rs.MonthlyCap <= 0 {
		l.bad("monthly_cap", "", strconv.Itoa(rs.MonthlyCap), &reasonNotPositive)
	}
}

// fileName reports a file named other than after its effective date. A file named after a day
// is taken to be named as meant, its effective date copied from the version it was made from:
// the effective line is to change. Else the file is to be renamed.
func (l *linter) fileName(base string) {
	d := check.Diagnostic{Code: check.BadFileName, Column: "effective", Value: base, Args: []string{l.rs.Effective},
		Reason: &reasonNotEffective, Suggest: l.rs.Effective + ".toml"}
	if day, ok := strings.CutSuffix(base, ".toml"); ok {
		if _, err := time.Parse(time.DateOnly, day); err == nil {
			d.Reason, d.Suggest = &reasonEffectiveNotName, "effective = "+day
		}
	}
	l.report(d, "")
}

// table reports whether the file writes the table (as [name], or keys name.x); when it does
// not, the table is missing, reported once for all its keys.
func (l *linter) table(name string) bool {
	if l.lines.hasTable(name) {
		return true
	}
	l.report(check.Diagnostic{Code: check.MissingValue, Column: name, Args: []string{name}, Reason: &reasonNoTable}, "")
	return false
}

// ids checks that every code is given, well formed and used once in the rule set: by one
// category, one item or one veto.
func (l *linter) ids() {
	first := map[string]string{} // id → the key of its first use
	check1 := func(key, entry, id string) {
		switch prev, seen := first[id]; {
		case id == "":
			l.report(check.Diagnostic{Code: check.MissingValue, Column: key}, entry)
		case !idOK(id):
			l.report(check.Diagnostic{Code: check.BadID, Column: key, Value: id}, entry)
		case !seen:
			first[id] = key
		case prev == key:
			l.report(check.Diagnostic{Code: check.DuplicateID, Column: key, Value: id}, entry)
		default:
			l.report(check.Diagnostic{Code: check.DuplicateID, Column: key, Value: id, Args: []string{prev}, Reason: &reasonSameID}, entry)
		}
	}
	for i, c := range l.rs.Categories {
		check1("categories.id", at(i), c.ID)
	}
	for i, it := range l.rs.Items {
		check1("items.id", at(i), it.ID)
	}
	for i, v := range l.rs.Vetoes {
		check1("vetoes.id", at(i), v.ID)
	}
}

// categories checks the categories' weights and returns them by category id. whole says
// whether they bound a household's year: there is a category and every weight is valid.
func (l *linter) categories() (weights map[string]int, whole bool) {
	weights, whole = map[string]int{}, len(l.rs.Categories) > 0
	for i, c := range l.rs.Categories {
		if _, seen := weights[c.ID]; !seen && c.ID != "" {
			weights[c.ID] = c.Weight
		}
		if c.Weight <= 0 {
			l.bad("categories.weight", at(i), strconv.Itoa(c.Weight), &reasonWeight, c.ID)
			whole = false
		}
	}
	return weights, whole
}

// item checks the entry of an item: its category, cap period, publication, and its points
// against its cap, the monthly cap and its category's weight. Each key is reported once, and
// nothing is checked against a value already reported.
func (l *linter) item(entry string, it Item, weights map[string]int) {
	weight, known := weights[it.Category]
	if !known {
		l.wrong(check.Diagnostic{Column: "items.category", Value: it.Category, Args: []string{it.ID},
			Reason: &reasonNoCategory, Suggest: l.nearCategory(it.Category)}, entry)
	}
	if !it.CapPeriod.Valid() {
		l.bad("items.cap_period", entry, string(it.CapPeriod), &reasonCapPeriod, it.ID)
	}
	if !it.Publish.Valid() {
		l.bad("items.publish", entry, string(it.Publish), &reasonPublish, it.ID)
	}
	capped := l.lines.has("items.cap", entry)
	if !capped {
		l.report(check.Diagnostic{Code: check.MissingValue, Column: "items.cap"}, entry)
	}
	switch {
	case it.Points != 0 && len(it.Levels) > 0:
		l.bad("items.points", entry, strconv.Itoa(it.Points), &reasonPointsOrLevels, it.ID)
		return
	case it.Points == 0 && len(it.Levels) == 0:
		l.bad("items.points", entry, "0", &reasonZeroPoints, it.ID)
		return
	}
	key := "items.points"
	if len(it.Levels) > 0 {
		key = "items.levels"
	}
	if !l.levels(entry, key, it) || !capped || !l.cap(entry, it) {
		return
	}
	if !known || weight <= 0 {
		weight = 0 // unknown, and reported
	}
	l.limits(entry, key, it, weight)
}

// nearCategory is the category id that an item's unknown category was probably meant to be:
// one near it that other items are in. It is "" when none is, as when the category's own id is
// the one mistyped.
func (l *linter) nearCategory(typed string) string {
	used := map[string]bool{}
	for _, it := range l.rs.Items {
		used[it.Category] = true
	}
	var ids []string
	for _, c := range l.rs.Categories {
		if used[c.ID] {
			ids = append(ids, c.ID)
		}
	}
	return nearest(typed, ids)
}

// levels checks the point values an item allows, written at key: none is 0, and all add
// points or all take them away. It reports the first wrong value and says whether all are right.
func (l *linter) levels(entry, key string, it Item) bool {
	for _, p := range it.Allowed() {
		switch {
		case p == 0:
			l.bad(key, entry, "0", &reasonZeroPoints, it.ID)
			return false
		case (p < 0) != it.Deduction():
			l.bad(key, entry, strconv.Itoa(p), &reasonMixedLevels, it.ID)
			return false
		}
	}
	return true
}

// cap checks an item's cap against its point values: of the same sign, and no less than the
// largest. It says whether the cap is right.
func (l *linter) cap(entry string, it Item) bool {
	most := slices.MaxFunc(it.Allowed(), func(a, b int) int { return cmp.Compare(abs(a), abs(b)) })
	cap, n := strconv.Itoa(it.Cap), strconv.Itoa(most)
	switch {
	case it.Cap != 0 && (most < 0) != (it.Cap < 0):
		l.bad("items.cap", entry, cap, &reasonCapSign, it.ID, n)
	case abs(most) > abs(it.Cap):
		l.bad("items.cap", entry, cap, &reasonCapBelow, it.ID, n)
	default:
		return true
	}
	return false
}

// limits checks the largest of an item's point values, written at key, against the monthly cap
// and the weight of its category (0 if that is unknown or wrong), and a yearly cap against the
// weight.
func (l *linter) limits(entry, key string, it Item, weight int) {
	most := slices.Max(it.Allowed())
	n := strconv.Itoa(most)
	over := weight > 0 && most > weight // and so is the cap, which is no less
	switch {
	case most <= 0:
	case l.rs.MonthlyCap > 0 && most > l.rs.MonthlyCap:
		l.bad(key, entry, n, &reasonOverMonthly, it.ID, strconv.Itoa(l.rs.MonthlyCap))
	case over:
		l.bad(key, entry, n, &reasonOverWeight, it.ID, it.Category, strconv.Itoa(weight))
	}
	if !over && it.CapPeriod.Yearly() && weight > 0 && it.Cap > weight {
		l.bad("items.cap", entry, strconv.Itoa(it.Cap), &reasonYearCapWeight, it.ID, it.Category, strconv.Itoa(weight))
	}
}

// honours checks the star levels and the nominations. The star levels are checked against the
// most a household can earn in a year only when the weights are whole and the monthly cap is
// right, and against the number of categories only when there is one.
func (l *linter) honours(weights map[string]int, whole bool) {
	yearly := 0 // the most positive points a household can earn in a year
	for _, w := range weights {
		yearly += w
	}
	yearly = min(yearly, 12*l.rs.MonthlyCap)
	reach := whole && l.rs.MonthlyCap > 0
	h := l.rs.Honours
	for i, st := range h.Stars {
		n, kinds := strconv.Itoa(st.MinPoints), strconv.Itoa(st.MinCategories)
		switch {
		case st.Stars != i+1:
			l.bad("honours.stars.stars", at(i), strconv.Itoa(st.Stars), &reasonStarsOrder, strconv.Itoa(i+1))
		case i > 0 && st.MinPoints <= h.Stars[i-1].MinPoints:
			l.bad("honours.stars.min_points", at(i), n, &reasonStarsRise, strconv.Itoa(h.Stars[i-1].MinPoints))
		case reach && st.MinPoints > yearly:
			l.bad("honours.stars.min_points", at(i), n, &reasonStarsReach, strconv.Itoa(yearly))
		case st.MinCategories < 0:
			l.bad("honours.stars.min_categories", at(i), kinds, &reasonNegative)
		case len(weights) > 0 && st.MinCategories > len(weights):
			l.bad("honours.stars.min_categories", at(i), kinds, &reasonStarsKinds, strconv.Itoa(len(weights)))
		}
	}
	if _, ok := weights[h.Model.Category]; h.Model.Category != "" && !ok {
		l.bad("honours.model.category", "", h.Model.Category, &reasonModelCategory)
	}
	if h.Monthly.Top < 0 {
		l.bad("honours.monthly.top", "", strconv.Itoa(h.Monthly.Top), &reasonNegative)
	}
	if h.Model.Top < 0 {
		l.bad("honours.model.top", "", strconv.Itoa(h.Model.Top), &reasonNegative)
	}
}

// market checks the supermarket's parameters.
func (l *linter) market() {
	if !l.table("supermarket") {
		return
	}
	m := l.rs.Market
	if m.Points <= 0 {
		l.bad("supermarket.points", "", strconv.Itoa(m.Points), &reasonNotPositive)
	}
	if m.Yuan <= 0 {
		l.bad("supermarket.yuan", "", strconv.Itoa(m.Yuan), &reasonNotPositive)
	}
	if !m.Expiry.Valid() {
		l.bad("supermarket.expiry", "", string(m.Expiry), &reasonExpiry)
	}
	if !m.OnMove.Valid() {
		l.bad("supermarket.on_move", "", string(m.OnMove), &reasonOnMove)
	}
}
