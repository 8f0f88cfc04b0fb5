package site

import "github.com/jifen-project/jifen/pipeline/rules"

// RuleVersion is a rule book page: one version of the town's rules, and what changed from the
// version before.
type RuleVersion struct {
	Effective  string         `json:"effective"`
	Title      string         `json:"title"`
	AdoptedBy  string         `json:"adopted_by"` // the body that adopted the rules
	AdoptedOn  string         `json:"adopted_on"` // YYYY-MM-DD
	Record     string         `json:"record"`
	MonthlyCap int            `json:"monthly_cap"`
	Categories []RuleCategory `json:"categories"`
	Vetoes     []RuleVeto     `json:"vetoes"`
	Stars      []StarLevel    `json:"stars"`       // 星级文明户, from the lowest level up
	MonthlyTop int            `json:"monthly_top"` // 月度积分之星: the top n of each village-month, 0 for none
	Model      RuleModel      `json:"model"`       // 道德模范 nominations
	Market     Rate           `json:"market"`
	Changes    []string       `json:"changes"` // against the version before: rules.Change.Text, shared with jifen rules diff
	Previous   string         `json:"previous"`
}

// RuleCategory is a category with its items.
type RuleCategory struct {
	ID     string     `json:"id"`
	Name   string     `json:"name"`
	Weight int        `json:"weight"`
	Share  int        `json:"share"` // percent of all the categories' weights, rounded
	Items  []RuleItem `json:"items"`
}

// RuleItem is one item as residents read it.
type RuleItem struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Points    []int  `json:"points"` // the points a sheet may give
	Cap       int    `json:"cap"`
	CapPeriod string `json:"cap_period"` // month or year
	Evidence  bool   `json:"evidence"`
	Publish   string `json:"publish"` // what the site shows of an entry's reason: Y, C or N
}

// RuleVeto is a veto situation: the rules are public, which household had one never is (and the
// veto's code is not shown, so that no page carries one).
type RuleVeto struct {
	Name    string `json:"name"`
	Freezes bool   `json:"freezes"` // the redeemable balance is frozen for the rest of the year
}

// StarLevel is a level of 星级文明户: the year's net points and the number of categories with
// positive net points it takes.
type StarLevel struct {
	Stars         int `json:"stars"`
	MinPoints     int `json:"min_points"`
	MinCategories int `json:"min_categories"`
}

// RuleModel is how 道德模范 candidates are nominated: the top n of each village by the year's
// net points in a category (its name). Top is 0 when there are no nominations.
type RuleModel struct {
	Category string `json:"category"`
	Top      int    `json:"top"`
}

func publishRules(vs rules.Versions) []RuleVersion {
	var out []RuleVersion
	for i, rs := range vs {
		rv := RuleVersion{Effective: rs.Effective, Title: rs.Title, AdoptedBy: rs.Adoption.Body, AdoptedOn: rs.Adoption.Date,
			Record: rs.Adoption.Record, MonthlyCap: rs.MonthlyCap, Categories: ruleCategories(rs), Market: rate(rs.Market)}
		for _, v := range rs.Vetoes {
			rv.Vetoes = append(rv.Vetoes, RuleVeto{Name: v.Name, Freezes: v.Effect.Freezes()})
		}
		for _, l := range rs.Honours.Stars {
			rv.Stars = append(rv.Stars, StarLevel{Stars: l.Stars, MinPoints: l.MinPoints, MinCategories: l.MinCategories})
		}
		rv.MonthlyTop = rs.Honours.Monthly.Top
		if m := rs.Honours.Model; m.Top > 0 {
			rv.Model = RuleModel{Category: m.Category, Top: m.Top}
			if c := rs.Category(m.Category); c != nil {
				rv.Model.Category = c.Name
			}
		}
		if i > 0 {
			rv.Previous = vs[i-1].Effective
			for _, c := range rules.Diff(vs[i-1], rs) {
				rv.Changes = append(rv.Changes, c.Text("zh"))
			}
		}
		out = append([]RuleVersion{rv}, out...)
	}
	return out
}

// ruleCategories lists a rule set's categories with their items.
func ruleCategories(rs *rules.RuleSet) []RuleCategory {
	total := 0
	for _, c := range rs.Categories {
		total += c.Weight
	}
	var out []RuleCategory
	for _, c := range rs.Categories {
		rc := RuleCategory{ID: c.ID, Name: c.Name, Weight: c.Weight}
		if total > 0 {
			rc.Share = (c.Weight*100 + total/2) / total
		}
		for _, it := range rs.Items {
			if it.Category != c.ID {
				continue
			}
			rc.Items = append(rc.Items, RuleItem{ID: it.ID, Name: it.Name, Points: it.Allowed(), Cap: it.Cap, CapPeriod: string(it.CapPeriod),
				Evidence: it.Evidence, Publish: string(it.Publish)})
		}
		out = append(out, rc)
	}
	return out
}
