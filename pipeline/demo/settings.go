package demo

import (
	"fmt"
	"slices"
	"time"

	"github.com/jifen-project/jifen/pipeline/rules"
)

// settings are the generator's parameters: the demo town's are in demo.toml; a synthetic town
// (synthetic.toml) shares the habits (who takes part how often, when sheets are submitted and
// merged, the supermarket) and has its own villages.
type settings struct {
	Seed           []uint64          `toml:"seed"`
	Year           int               `toml:"year"`   // the first month is this year's January
	Months         int               `toml:"months"` // how many months have sheets
	Initial        time.Time         `toml:"initial"`
	InitialMessage string            `toml:"initial_message"` // of the first commit
	Operator       person            `toml:"operator"`
	SignUp         []string          `toml:"sign_up"`
	JoinersBetween []string          `toml:"joiners_between"`
	LeaversBetween []string          `toml:"leavers_between"`
	Consent        float64           `toml:"consent"`
	Events         []float64         `toml:"events"`
	Participation  []float64         `toml:"participation"`
	SubmitDays     []int             `toml:"submit_days"`
	ReviewDays     []int             `toml:"review_days"`
	WorkHours      []string          `toml:"work_hours"`
	Market         marketSettings    `toml:"market"`
	Villages       []villageSettings `toml:"villages"`
	Vetoes         []vetoSettings    `toml:"vetoes"`
	Moves          []moveSettings    `toml:"moves"`
	Correction     correction        `toml:"correction"`
	Objection      objectionSettings `toml:"objection"`
	Refused        struct {
		Item    string   `toml:"item"`    // what households claim that the evaluation group refuses
		Text    string   `toml:"text"`    // what happened, as they tell it
		Reasons []string `toml:"reasons"` // why the group refuses
	} `toml:"refused"`
	Draft struct {
		Village       string    `toml:"village"`
		Month         string    `toml:"month"`
		Created       time.Time `toml:"created"`
		Participation float64   `toml:"participation"`
	} `toml:"draft"`
}

// A person is someone who commits or reviews, as the settings write them.
type person struct {
	Name  string `toml:"name"`
	Email string `toml:"email"`
}

// marketSettings say how often households visit the points supermarket and how much they spend.
type marketSettings struct {
	Visit        float64   `toml:"visit"`
	Spend        []float64 `toml:"spend"`
	YearEndVisit float64   `toml:"year_end_visit"`
	YearEndSpend []float64 `toml:"year_end_spend"`
}

// villageSettings describe how to generate one village's records.
type villageSettings struct {
	ID            string            `toml:"id"`
	Prefix        string            `toml:"prefix"` // of household ids, as in QS-0001
	Households    int               `toml:"households"`
	Joiners       int               `toml:"joiners"`
	Leavers       int               `toml:"leavers"`
	Participation float64           `toml:"participation"`
	Surnames      []string          `toml:"surnames"` // the village's common surnames
	Encoding      string            `toml:"encoding"` // utf-8, utf-8-bom or gb18030
	CRLF          bool              `toml:"crlf"`
	DateLayout    string            `toml:"date_layout"`   // a Go time layout, such as 2006/1/2
	HouseNumbers  bool              `toml:"house_numbers"` // the roster has a 门牌号 column
	Declarations  float64           `toml:"declarations"`  // the share of rows that add points that came by a declaration (申报); 0 for no declarations file
	MarketDays    []int             `toml:"market_days"`
	Secretary     string            `toml:"secretary"`      // merges the village's pull requests
	YearEndMerge  time.Time         `toml:"year_end_merge"` // when December is merged; by the schedule if unset
	Emails        map[string]string `toml:"emails"`         // name → email of grid workers and the evaluation group
}

// vetoSettings place one veto: in a village-month, on a household drawn at random.
type vetoSettings struct {
	Village string `toml:"village"`
	Month   string `toml:"month"`
	Veto    string `toml:"veto"`
}

// A correction is a pull request that corrects a month's approved sheet: one row's points
// raised (an item with several levels, first written at a lower one) and one forgotten row
// added. The month is the latest up to Month that has such a row and no other correction.
// Without times, it is opened a few days after the month's sheet was merged.
type correction struct {
	Village string    `toml:"village"`
	Month   string    `toml:"month"`
	Created time.Time `toml:"created"`
	Merged  time.Time `toml:"merged"`
}

// An event is one kind of thing a household is scored for, read from frequencies.toml.
type event struct {
	Item     string   `toml:"item"`
	Weight   float64  `toml:"weight"`
	Months   []int    `toml:"months"`
	Window   []int    `toml:"window"`
	Shared   int      `toml:"shared"`
	Clean    bool     `toml:"clean"`
	Notes    []string `toml:"notes"`
	Evidence string   `toml:"evidence"`
	Levels   []level  `toml:"levels"`
}

// A level gives the odds and notes of one point level of an item with several.
type level struct {
	Points int      `toml:"points"`
	Weight float64  `toml:"weight"`
	Notes  []string `toml:"notes"`
}

// A vetoKind is what a veto row of a sheet says, read from frequencies.toml.
type vetoKind struct {
	Veto     string `toml:"veto"`
	Note     string `toml:"note"`
	Evidence string `toml:"evidence"`
}

// names are what fictional people and villages are called, read from names.toml.
type names struct {
	Surnames    []string `toml:"surnames"`
	Male        []string `toml:"male"`
	Female      []string `toml:"female"`
	FemaleShare float64  `toml:"female_share"`
	Places      []string `toml:"places"`
}

// decode strictly decodes one of the embedded TOML files.
func decode(name string, data []byte, v any) error {
	if ds := rules.DecodeTOML(name, data, v); len(ds) > 0 {
		return ds
	}
	return nil
}

// check reports the first thing in the settings that the generator cannot work with.
func (s *settings) check(rs rules.Versions) error {
	pair := func(key string, n int) error {
		if n != 2 {
			return fmt.Errorf("%s needs two values", key)
		}
		return nil
	}
	for _, err := range []error{
		pair("seed", len(s.Seed)), pair("sign_up", len(s.SignUp)), pair("joiners_between", len(s.JoinersBetween)),
		pair("leavers_between", len(s.LeaversBetween)), pair("submit_days", len(s.SubmitDays)),
		pair("review_days", len(s.ReviewDays)), pair("work_hours", len(s.WorkHours)),
		pair("market.spend", len(s.Market.Spend)), pair("market.year_end_spend", len(s.Market.YearEndSpend)),
	} {
		if err != nil {
			return err
		}
	}
	for _, d := range slices.Concat(s.SignUp, s.JoinersBetween, s.LeaversBetween) {
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			return fmt.Errorf("%q is not a date", d)
		}
	}
	for _, hm := range s.WorkHours {
		if _, err := time.Parse("15:04", hm); err != nil {
			return fmt.Errorf("work_hours: %q is not a time of day", hm)
		}
	}
	switch {
	case len(s.Participation) != 12:
		return fmt.Errorf("participation needs a factor for each of the 12 months")
	case len(s.Events) == 0:
		return fmt.Errorf("events needs the odds of 1, 2, … events")
	case s.Months <= 0 || rs.InForce(fmt.Sprintf("%04d-01", s.Year)) == nil:
		return fmt.Errorf("months needs to be positive, and a rule set in force in January %d", s.Year)
	}
	villages := map[string]bool{}
	for _, v := range s.Villages {
		villages[v.ID] = true
		if err := v.check(); err != nil {
			return err
		}
	}
	for _, v := range s.Vetoes {
		if !villages[v.Village] {
			return fmt.Errorf("veto in unknown village %q", v.Village)
		}
		if rs.InForce(v.Month) == nil || rs.InForce(v.Month).Veto(v.Veto) == nil {
			return fmt.Errorf("veto %q is not in the rule set in force in %s", v.Veto, v.Month)
		}
	}
	if err := s.checkMoves(villages); err != nil {
		return err
	}
	for _, v := range []string{s.Correction.Village, s.Draft.Village} {
		if v != "" && !villages[v] {
			return fmt.Errorf("correction and draft need villages of the town, not %q", v)
		}
	}
	return nil
}

// check reports the first thing in a village's settings that the generator cannot work with.
func (v *villageSettings) check() error {
	if !knownEncoding(v.Encoding) {
		return fmt.Errorf("village %s: unknown encoding %q", v.ID, v.Encoding)
	}
	if len(v.MarketDays) == 0 || v.Households <= 0 || v.Prefix == "" || v.Leavers > v.Households {
		return fmt.Errorf("village %s needs prefix, households, market_days and fewer leavers than households", v.ID)
	}
	return nil
}

// knownEncoding reports whether the generator writes CSV files in an encoding: utf-8, utf-8-bom
// or gb18030.
func knownEncoding(e string) bool { return e == "utf-8" || e == "utf-8-bom" || e == "gb18030" }

// checkEvents reports the first event or veto kind that does not fit the rule sets.
func checkEvents(events []event, vetoes []vetoKind, rs rules.Versions) error {
	for _, e := range events {
		var it *rules.Item
		for _, r := range rs {
			if it = r.Item(e.Item); it != nil {
				break
			}
		}
		switch {
		case it == nil:
			return fmt.Errorf("item %q is in no rule set", e.Item)
		case e.Weight <= 0:
			return fmt.Errorf("item %s needs a positive weight", e.Item)
		case len(e.Window) != 0 && len(e.Window) != 2:
			return fmt.Errorf("item %s: window needs two days", e.Item)
		case len(e.Notes) == 0 && len(e.Levels) == 0:
			return fmt.Errorf("item %s needs notes", e.Item)
		case it.Evidence && e.Evidence == "":
			return fmt.Errorf("item %s needs an evidence template: the rule set requires evidence", e.Item)
		}
		for _, l := range e.Levels {
			if !slices.Contains(it.Allowed(), l.Points) || len(l.Notes) == 0 {
				return fmt.Errorf("item %s: level %d is not allowed or has no notes", e.Item, l.Points)
			}
		}
	}
	for _, k := range vetoes {
		if !slices.ContainsFunc(rs, func(r *rules.RuleSet) bool { return r.Veto(k.Veto) != nil }) || k.Note == "" || k.Evidence == "" {
			return fmt.Errorf("veto %q needs to be in a rule set, with a note and evidence", k.Veto)
		}
	}
	return nil
}
