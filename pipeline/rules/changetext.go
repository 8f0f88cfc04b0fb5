package rules

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/jifen-project/jifen/pipeline/check"
)

// Text says the change as a sentence in lang ("zh" or "en"), the same for the rule book and
// for `jifen rules diff`: "AD01 的分值由 2 分改为 3 分", "the points of item AD01 changed from
// 2 to 3". A veto is named by its name, never by its code.
func (c Change) Text(lang string) string {
	en := lang == "en"
	switch c.Kind {
	case Added:
		var fs []string
		for _, f := range c.fields {
			w := wordsOf(c.Table, f.key)
			fs = append(fs, fmt.Sprintf(w.field.In(lang), w.format(f.value, lang)))
		}
		switch {
		case en && len(fs) > 0:
			return c.subject(true, lang) + " added: " + strings.Join(fs, ", ")
		case en:
			return c.subject(true, lang) + " added"
		case len(fs) > 0:
			return spaceOut("新增" + c.subject(true, lang) + "：" + strings.Join(fs, "，"))
		}
		return spaceOut("新增" + c.subject(true, lang))
	case Removed:
		if en {
			return c.subject(true, lang) + " removed"
		}
		return spaceOut("删除" + c.subject(true, lang))
	}
	w := wordsOf(c.Table, c.Key)
	old, new, subject := w.format(c.Old, lang), w.format(c.New, lang), c.subject(false, lang)
	switch {
	case en && subject != "":
		return w.name.En + " of " + subject + " changed from " + old + " to " + new
	case en:
		return w.name.En + " changed from " + old + " to " + new
	case subject != "":
		return spaceOut(subject + "的" + w.name.Zh + "由" + old + "改为" + new)
	}
	return spaceOut(w.name.Zh + "由" + old + "改为" + new)
}

// subject names the change's entry in lang: by its id (or for a veto its name), and with its
// name too when full; "" for a table that its keys' words name.
func (c Change) subject(full bool, lang string) string {
	en := lang == "en"
	named := func(zh, en string) string {
		if c.Name == "" || !full {
			return fmt.Sprintf(say(lang, zh, en), c.ID)
		}
		return fmt.Sprintf(say(lang, zh+"“%s”", en+" %q"), c.ID, c.Name)
	}
	switch c.Table {
	case "categories":
		return named("类别 %s", "category %s")
	case "items":
		if !full && !en {
			return c.ID
		}
		return named("事项 %s", "item %s")
	case "vetoes":
		return fmt.Sprintf(say(lang, "一票否决情形“%s”", "the veto %q"), c.Name)
	case "honours.stars":
		return fmt.Sprintf(say(lang, "%s 星级文明户", "the %s-star level"), c.ID)
	}
	return ""
}

func say(lang, zh, en string) string { return check.Text{Zh: zh, En: en}.In(lang) }

// keyWords are the words for a key of a rule set.
type keyWords struct {
	name   check.Text                  // in a change: "分值", "the points"
	field  check.Text                  // in an added entry, with %s for the value: "分值 %s", "points %s"
	values map[string]check.Text       // the words for each value, if it takes one of a few
	unit   check.Text                  // after a number, with %s for it: "%s 分"
	quote  bool                        // the value is text, and quoted
	fn     func(string, string) string // how to say the value in lang, if neither of the above
}

// format says value in lang.
func (w keyWords) format(value, lang string) string {
	switch {
	case w.quote && lang == "en":
		return strconv.Quote(value)
	case w.quote:
		return "“" + value + "”"
	case w.values != nil:
		if t, ok := w.values[value]; ok {
			return t.In(lang)
		}
		return value
	case w.fn != nil:
		return w.fn(value, lang)
	case w.unit.Zh != "":
		return fmt.Sprintf(w.unit.In(lang), value)
	}
	return value
}

// wordsOf are the words for key of table; for a key without words, the key itself.
func wordsOf(table, key string) keyWords {
	if w, ok := keyNames[strings.TrimPrefix(table+"."+key, ".")]; ok {
		return w
	}
	return keyWords{name: check.Text{Zh: key, En: key}, field: check.Text{Zh: key + " %s", En: key + " %s"}}
}

var (
	pointsUnit = check.Text{Zh: "%s 分", En: "%s"}
	nameWords  = keyWords{name: check.Text{Zh: "名称", En: "the name"}, field: check.Text{Zh: "名称%s", En: "name %s"}, quote: true}
	effects    = map[string]check.Text{
		string(E1): {Zh: "“当月加分不计，当年不评荣誉”", En: "no positive points that month and no honours that year"},
		string(E2): {Zh: "“当月加分不计，当年不评荣誉，并冻结可兑换积分”", En: "no positive points that month, no honours that year and the balance frozen"},
	}
)

// keyNames has the words for every key of a rule set but ids, by table.key.
var keyNames = map[string]keyWords{
	"title":             {name: check.Text{Zh: "细则名称", En: "the title"}, quote: true},
	"effective":         {name: check.Text{Zh: "生效日期", En: "the effective date"}},
	"monthly_cap":       {name: check.Text{Zh: "每户每月加分上限", En: "the monthly cap"}, unit: pointsUnit},
	"adoption.body":     {name: check.Text{Zh: "通过细则的会议", En: "the adopting body"}, quote: true},
	"adoption.date":     {name: check.Text{Zh: "通过日期", En: "the adoption date"}},
	"adoption.record":   {name: check.Text{Zh: "会议记录", En: "the adoption record"}, quote: true},
	"categories.name":   nameWords,
	"categories.weight": {name: check.Text{Zh: "权重", En: "the weight"}, field: check.Text{Zh: "权重 %s", En: "weight %s"}, unit: pointsUnit},
	"items.category":    {name: check.Text{Zh: "类别", En: "the category"}, field: check.Text{Zh: "类别 %s", En: "category %s"}},
	"items.name":        nameWords,
	"items.points":      {name: check.Text{Zh: "分值", En: "the points"}, field: check.Text{Zh: "分值 %s", En: "points %s"}, fn: itemPoints},
	"items.cap":         {name: check.Text{Zh: "上限", En: "the cap"}, field: check.Text{Zh: "上限 %s", En: "cap %s"}, unit: pointsUnit},
	"items.cap_period": {name: check.Text{Zh: "上限期间", En: "the cap period"}, field: check.Text{Zh: "上限期间为%s", En: "capped per %s"},
		values: map[string]check.Text{string(PerMonth): {Zh: "每月", En: "month"}, string(PerYear): {Zh: "每年", En: "year"}}},
	"items.evidence": {name: check.Text{Zh: "佐证", En: "the evidence"}, field: check.Text{Zh: "佐证%s", En: "evidence %s"},
		values: map[string]check.Text{"true": {Zh: "必填", En: "required"}, "false": {Zh: "不必填", En: "optional"}}},
	"items.publish": {name: check.Text{Zh: "公开方式", En: "what is published"}, field: check.Text{Zh: "公开方式为%s", En: "publishing %s"},
		values: map[string]check.Text{
			string(PublishNote):     {Zh: "公开说明", En: "the item and the note"},
			string(PublishCategory): {Zh: "只公开类别", En: "the category only"},
			string(PublishNothing):  {Zh: "不公开原因", En: "nothing of the reason"},
		}},
	"vetoes.name":                  nameWords,
	"vetoes.effect":                {name: check.Text{Zh: "效果", En: "the effect"}, field: check.Text{Zh: "%s", En: "%s"}, values: effects},
	"honours.stars.min_points":     {name: check.Text{Zh: "全年净积分要求", En: "the minimum points"}, field: check.Text{Zh: "全年净积分 %s以上", En: "from %s points a year"}, unit: pointsUnit},
	"honours.stars.min_categories": {name: check.Text{Zh: "净积分为正的类别数要求", En: "the minimum number of categories"}, field: check.Text{Zh: "至少%s类别净积分为正", En: "at least %s categories with positive points"}, unit: check.Text{Zh: "%s 个", En: "%s"}},
	"honours.monthly.top":          {name: check.Text{Zh: "月度积分之星的名额", En: "the places of the monthly stars"}, fn: topPlaces},
	"honours.model.category":       {name: check.Text{Zh: "道德模范候选的类别", En: "the category of the moral model nominations"}},
	"honours.model.top":            {name: check.Text{Zh: "道德模范候选的名额", En: "the places of the moral model nominations"}, fn: topPlaces},
	"supermarket.points":           {name: check.Text{Zh: "积分超市兑换比例中的积分", En: "the points of the supermarket's exchange rate"}, unit: pointsUnit},
	"supermarket.yuan":             {name: check.Text{Zh: "积分超市兑换比例中的金额", En: "the yuan of the supermarket's exchange rate"}, unit: check.Text{Zh: "%s 元", En: "%s"}},
	"supermarket.expiry": {name: check.Text{Zh: "积分超市的可兑换积分", En: "the supermarket's balance"},
		values: map[string]check.Text{string(YearEnd): {Zh: "每年 12 月 31 日清零", En: "cleared on 31 December"}, string(Never): {Zh: "不清零", En: "never cleared"}}},
	"supermarket.on_move": {name: check.Text{Zh: "迁移时的可兑换积分", En: "the balance of a household that moves"},
		values: map[string]check.Text{"": {Zh: "随户转入新的户", En: "carried to the new household"}, string(Carry): {Zh: "随户转入新的户", En: "carried to the new household"}, string(Clear): {Zh: "迁出时清零", En: "cleared when it moves"}}},
}

// itemPoints says an item's points, one value or its levels ("[15, 10, 5]").
func itemPoints(v, lang string) string {
	if !strings.HasPrefix(v, "[") {
		return fmt.Sprintf(pointsUnit.In(lang), v)
	}
	levels := strings.Split(strings.Trim(v, "[]"), ", ")
	if lang == "en" {
		if len(levels) < 2 {
			return strings.Join(levels, "")
		}
		return strings.Join(levels[:len(levels)-1], ", ") + " or " + levels[len(levels)-1]
	}
	return strings.Join(levels, "、") + " 分"
}

// topPlaces says the places of an honour.
func topPlaces(v, lang string) string {
	return fmt.Sprintf(say(lang, "每村前 %s 名", "the top %s of each village"), v)
}

// spaceOut puts a space between Chinese characters and Latin letters or digits, as Chinese text
// is set, but not inside “quoted” text, which stays as typed.
func spaceOut(s string) string {
	var b strings.Builder
	var prev rune
	quoted := false
	for _, r := range s {
		switch r {
		case '“':
			quoted = true
		case '”':
			quoted = false
		}
		if !quoted && prev != 0 && (han(prev) && latin(r) || latin(prev) && han(r)) {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

func han(r rune) bool   { return unicode.Is(unicode.Han, r) }
func latin(r rune) bool { return r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) }
