package demo

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2"

	"github.com/jifen-project/jifen/pipeline/sheet"
	"github.com/jifen-project/jifen/pipeline/town"
)

// synthetic is what a synthetic town does otherwise than the demo, read from synthetic.toml.
type synthetic struct {
	InitialMessage string   `toml:"initial_message"`
	Operator       person   `toml:"operator"`
	Roles          []string `toml:"roles"`   // of the evaluation group's members; the first merges
	Village        string   `toml:"village"` // a village's name, with {place}
	Grid           string   `toml:"grid"`    // a grid's name, with {n}
	Town           townFile `toml:"town"`
	Formats        []format `toml:"formats"`
	County         profile  `toml:"county"`
	History        profile  `toml:"history"`
}

// townFile is a synthetic town's town.toml.
type townFile struct {
	Format           int      `toml:"format"`
	Name             string   `toml:"name"`
	Demo             bool     `toml:"demo"`
	Villages         []string `toml:"villages"`
	NoticeDays       int      `toml:"notice_days"`
	ObjectionContact string   `toml:"objection_contact"`
}

// A format is how a village saves its CSV files, with its odds among the formats.
type format struct {
	Encoding   string  `toml:"encoding"`
	CRLF       bool    `toml:"crlf"`
	DateLayout string  `toml:"date_layout"`
	Weight     float64 `toml:"weight"`
}

// A profile says what a synthetic town's villages are like.
type profile struct {
	Seed          []uint64  `toml:"seed"`
	Months        int       `toml:"months"`        // how many months have sheets, unless told
	Households    []int     `toml:"households"`    // how many households a village has, [fewest, most]
	Grids         []int     `toml:"grids"`         // how many grids, [fewest, most]
	Participation []float64 `toml:"participation"` // share of households that take part in a month, [least, most]
	Joiners       float64   `toml:"joiners"`       // share of households that join in a year
	Leavers       float64   `toml:"leavers"`       // share of households that leave in a year
	Vetoes        float64   `toml:"vetoes"`        // odds of a veto in a village-month
	Corrections   float64   `toml:"corrections"`   // odds that a village-month's sheet is corrected later
	MarketDays    []int     `toml:"market_days"`   // how many market days a month, [fewest, most]
}

// villageFile is a synthetic village's village.toml.
type villageFile struct {
	Name           string      `toml:"name"`
	PublishRanking bool        `toml:"publish_ranking"`
	Grids          []town.Grid `toml:"grids"`
	Evaluation     struct {
		Members []string `toml:"members"`
	} `toml:"evaluation"`
}

// newSynthetic reads the embedded files for the synthetic town of a profile ("county" or
// "history") over months (the profile's when 0), drawn with a seed.
func newSynthetic(name string, months int, seed uint64) (*generator, error) {
	g, err := newGenerator()
	if err != nil {
		return nil, err
	}
	g.synthetic = &synthetic{}
	if err := decodeFile("synthetic.toml", g.synthetic); err != nil {
		return nil, err
	}
	g.profile = map[string]*profile{"county": &g.synthetic.County, "history": &g.synthetic.History}[name]
	if err := g.synthetic.check(g.profile, g.names); err != nil {
		return nil, fmt.Errorf("synthetic.toml: [%s]: %w", name, err)
	}
	s := &g.settings
	s.Seed = []uint64{g.profile.Seed[0] ^ seed, g.profile.Seed[1]}
	s.Months = cmp.Or(months, g.profile.Months)
	s.InitialMessage, s.Operator = g.synthetic.InitialMessage, g.synthetic.Operator
	s.Villages, s.Vetoes, s.Moves, s.Correction, s.Draft.Village = nil, nil, nil, correction{}, "" // none of the demo's
	// Households join and leave at any time but the first and last months.
	first, last := g.months()[0], g.months()[s.Months-1]
	s.JoinersBetween = []string{sheet.NextMonth(first) + "-01", sheet.MonthEnd(last)}
	s.LeaversBetween = s.JoinersBetween
	for p := range g.static {
		if !strings.HasPrefix(p, "rules/") && !strings.HasPrefix(p, "supermarket/") {
			delete(g.static, p)
		}
	}
	return g, nil
}

// check reports the first thing in synthetic.toml that the generator cannot work with.
func (sy *synthetic) check(p *profile, n names) error {
	switch {
	case p == nil:
		return fmt.Errorf("no such profile")
	case len(p.Seed) != 2 || len(p.Households) != 2 || len(p.Grids) != 2 || len(p.Participation) != 2 || len(p.MarketDays) != 2:
		return fmt.Errorf("seed, households, grids, participation and market_days need two values")
	case p.Households[0] <= 0 || p.Grids[0] <= 0 || p.MarketDays[0] <= 0 || p.MarketDays[1] > 19:
		return fmt.Errorf("households, grids and market_days need to be positive, and at most 19 market days")
	case len(sy.Roles) == 0 || len(sy.Formats) == 0 || len(n.Places) == 0:
		return fmt.Errorf("roles, formats and the places of names.toml are needed")
	}
	for _, f := range sy.Formats {
		if !knownEncoding(f.Encoding) {
			return fmt.Errorf("unknown encoding %q", f.Encoding)
		}
	}
	return nil
}

// villageSettings draws the settings and the village.toml of the i-th village of a synthetic
// town: its name, grids and people, its size, and how its cadres save their files.
func (g *generator) villageSettings(i int) (villageSettings, []byte, error) {
	id := fmt.Sprintf("v%03d", i+1)
	r := g.rand(id, "village")
	p, sy := g.profile, g.synthetic
	vs := villageSettings{ID: id, Prefix: strings.ToUpper(id), Households: between(r, p.Households), Emails: map[string]string{}}
	vs.Participation = p.Participation[0] + (p.Participation[1]-p.Participation[0])*r.Float64()
	years := float64(g.settings.Months) / 12
	vs.Joiners = int(math.Round(p.Joiners * years * float64(vs.Households) * 2 * r.Float64()))
	vs.Leavers = min(int(math.Round(p.Leavers*years*float64(vs.Households)*2*r.Float64())), vs.Households)
	var odds []float64
	for _, f := range sy.Formats {
		odds = append(odds, f.Weight)
	}
	f := sy.Formats[weighted(r, odds)]
	vs.Encoding, vs.CRLF, vs.DateLayout = f.Encoding, f.CRLF, f.DateLayout
	for _, k := range r.Perm(20)[:2+r.IntN(2)] {
		vs.Surnames = append(vs.Surnames, g.names.Surnames[k%len(g.names.Surnames)])
	}
	for _, d := range r.Perm(19)[:between(r, p.MarketDays)] {
		vs.MarketDays = append(vs.MarketDays, 10+d)
	}
	slices.Sort(vs.MarketDays)

	// Two characters name the village: the i-th pair of a walk that meets each pair once.
	var vf villageFile
	places := g.names.Places
	n := len(places)
	vf.Name = strings.ReplaceAll(sy.Village, "{place}", places[i%n]+places[(i/n+7*(i%n)+3)%n])
	vf.PublishRanking = true
	person := func(email string) string {
		name := g.names.head(r, vs.Surnames)
		for try := 0; vs.Emails[name] != "" && try < maxTries; try++ {
			name = g.names.head(r, vs.Surnames)
		}
		vs.Emails[name] = email + "@" + id + ".example.org"
		return name
	}
	for k := range between(r, p.Grids) {
		n := strconv.Itoa(k + 1)
		vf.Grids = append(vf.Grids, town.Grid{ID: "g" + n, Name: strings.ReplaceAll(sy.Grid, "{n}", n), Worker: person("grid" + n)})
	}
	for k, role := range sy.Roles {
		name := person("member" + strconv.Itoa(k+1))
		vf.Evaluation.Members = append(vf.Evaluation.Members, name+"（"+role+"）")
		if k == 0 {
			vs.Secretary = name
		}
	}
	data, err := toml.Marshal(vf)
	return vs, data, err
}

// drawVetoes places a synthetic village's vetoes: in each month, by the odds of the profile, one
// of frequencies.toml's kinds that the rule set in force has.
func (g *generator) drawVetoes(id string) []vetoSettings {
	r := g.rand(id, "vetoes")
	var out []vetoSettings
	for _, mon := range g.months() {
		if r.Float64() >= g.profile.Vetoes {
			continue
		}
		rs := g.rules.InForce(mon)
		var kinds []string
		for _, k := range g.vetoes {
			if rs.Veto(k.Veto) != nil {
				kinds = append(kinds, k.Veto)
			}
		}
		if len(kinds) > 0 {
			out = append(out, vetoSettings{Village: id, Month: mon, Veto: pick(r, kinds)})
		}
	}
	return out
}

// drawCorrections picks the months of a synthetic village whose sheets a later pull request
// corrects, by the odds of the profile, among those that can be corrected.
func (g *generator) drawCorrections(v *village) []correction {
	r := g.rand(v.settings.ID, "corrections")
	var out []correction
	for _, m := range v.months {
		if r.Float64() >= g.profile.Corrections {
			continue
		}
		if changed, forgettable := g.correctable(m); changed >= 0 && len(forgettable) > 0 {
			out = append(out, correction{Village: v.settings.ID, Month: m.Month})
		}
	}
	return out
}

// townFile is the town.toml of a synthetic town of the villages.
func (sy *synthetic) townFile(villages []*village) ([]byte, error) {
	tf := sy.Town
	for _, v := range villages {
		tf.Villages = append(tf.Villages, v.settings.ID)
	}
	return toml.Marshal(tf)
}
