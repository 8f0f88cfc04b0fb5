package site

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/jifen-project/jifen/pipeline/rules"
)

// RuleVersion is a rule book page: one version of the town's rules, and what changed from the
// version before.
type RuleVersion struct {
	Effective  string         `json:"effective"`
	Title      string         `json:"title"`
	Adopted    string         `json:"adopted"` // body and date
	Record     string         `json:"record"`
	MonthlyCap int            `json:"monthly_cap"`
	Categories []RuleCategory `json:"categories"`
	Vetoes     []RuleVeto     `json:"vetoes"`
	Honours    []string       `json:"honours"`
	Market     string         `json:"market"`
	Changes    []string       `json:"changes"` // against the version before, in words
	Previous   string         `json:"previous"`
}

// RuleCategory is a category with its items.
type RuleCategory struct {
	ID     string     `json:"id"`
	Name   string     `json:"name"`
	Weight int        `json:"weight"`
	Share  string     `json:"share"` // of all the categories' weights, e.g. 19%
	Items  []RuleItem `json:"items"`
}

// RuleItem is one item as residents read it.
type RuleItem struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Points   string `json:"points"` // e.g. +2, +15/+10/+5, −5
	Cap      string `json:"cap"`    // e.g. 每月 4 分
	Evidence bool   `json:"evidence"`
	Publish  string `json:"publish"` // what the site shows of an entry's reason
}

// RuleVeto is a veto situation: the rules are public, which household had one never is (and the
// veto's code is not shown, so that no page carries one).
type RuleVeto struct {
	Name   string `json:"name"`
	Effect string `json:"effect"`
}

var publishText = map[string]string{"Y": "公开说明", "C": "只公开类别", "N": "不公开原因"}

func publishRules(vs rules.Versions) []RuleVersion {
	var out []RuleVersion
	for i, rs := range vs {
		rv := RuleVersion{Effective: rs.Effective, Title: rs.Title, Adopted: rs.Adoption.Body + " " + rs.Adoption.Date + " 通过",
			Record: rs.Adoption.Record, MonthlyCap: rs.MonthlyCap}
		total := 0
		for _, c := range rs.Categories {
			total += c.Weight
		}
		for _, c := range rs.Categories {
			rc := RuleCategory{ID: c.ID, Name: c.Name, Weight: c.Weight}
			if total > 0 {
				rc.Share = fmt.Sprintf("%d%%", (c.Weight*100+total/2)/total)
			}
			for _, it := range rs.Items {
				if it.Category != c.ID {
					continue
				}
				var pts []string
				for _, p := range it.Allowed() {
					pts = append(pts, signed(p))
				}
				period := "每月"
				if it.CapPeriod == "year" {
					period = "每年"
				}
				rc.Items = append(rc.Items, RuleItem{ID: it.ID, Name: it.Name, Points: strings.Join(pts, "/"),
					Cap: period + " " + signed(it.Cap) + " 分", Evidence: it.Evidence, Publish: publishText[it.Publish]})
			}
			rv.Categories = append(rv.Categories, rc)
		}
		for _, v := range rs.Vetoes {
			effect := "当月加分不计，当年不参评荣誉"
			if v.Effect == "E2" {
				effect += "，当年冻结可兑换积分"
			}
			rv.Vetoes = append(rv.Vetoes, RuleVeto{Name: v.Name, Effect: effect})
		}
		for _, l := range rs.Honours.Stars {
			s := fmt.Sprintf("%d星：全年净积分 %d 分以上", l.Stars, l.MinPoints)
			if l.MinCategories > 0 {
				s += fmt.Sprintf("，并且至少 %d 个类别净积分为正", l.MinCategories)
			}
			rv.Honours = append(rv.Honours, s)
		}
		if n := rs.Honours.Monthly.Top; n > 0 {
			rv.Honours = append(rv.Honours, fmt.Sprintf("月度积分之星：每村每月前 %d 名", n))
		}
		if m := rs.Honours.Model; m.Top > 0 {
			name := m.Category
			if c := rs.Category(m.Category); c != nil {
				name = c.Name
			}
			rv.Honours = append(rv.Honours, fmt.Sprintf("道德模范候选：%s类全年净积分每村前 %d 名（提名）", name, m.Top))
		}
		rv.Market = fmt.Sprintf("%d 分兑换 %d 元的商品", rs.Market.Points, rs.Market.Yuan)
		if rs.Market.Expiry == "year-end" {
			rv.Market += "；每年 12 月 31 日未兑换的积分清零"
		}
		if i > 0 {
			rv.Previous = vs[i-1].Effective
			for _, c := range rules.Diff(vs[i-1], rs) {
				rv.Changes = append(rv.Changes, describeChange(c))
			}
		}
		out = append([]RuleVersion{rv}, out...)
	}
	return out
}

// describeChange says a rule change in words.
func describeChange(c rules.Change) string {
	what := strings.TrimSpace(c.Table + " " + c.ID + " " + c.Key)
	if c.Table == "vetoes" {
		what = strings.TrimSpace("一票否决情形 " + c.Key)
	}
	switch c.Kind {
	case "added":
		return "新增 " + what + "：" + c.New
	case "removed":
		return "删除 " + what + "：" + c.Old
	}
	return "修改 " + what + "：" + c.Old + " → " + c.New
}

func signed(n int) string {
	switch {
	case n > 0:
		return "+" + strconv.Itoa(n)
	case n < 0:
		return "−" + strconv.Itoa(-n)
	}
	return "0"
}
