// Package demo owns synthetic records: one deterministic generator of a town's records and of
// the history of pull requests that brought them into its repository, and the configurations
// it is run with. The demo town, 云溪镇 (演示数据), is one: four fictional villages with a year of
// rosters, monthly score sheets and points-supermarket redemptions, and a household that moves
// to another village and one that splits in two, their points going with them (see moves.go).
// The synthetic towns of the benchmarks and tests are others: a county of many large villages,
// and a town whose small villages have years of small merges.
//
// The demo's static records (town, rule set, villages, catalog, notices) are files under
// records/; its rule set is the model rule set that every configuration and `jifen init` use.
// The rest is made by the generator: the demo's settings are in demo.toml, what synthetic towns
// do otherwise in synthetic.toml, the odds and notes of each kind of event in frequencies.toml
// and the names in names.toml. Points, caps and evidence requirements are read from the rule set,
// never written in Go. The same configuration and seed always give the same records.
package demo

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"

	"github.com/jifen-project/jifen/pipeline/records"
	"github.com/jifen-project/jifen/pipeline/town"
)

// AsOf is the demo's default "now": 2026-01-12 10:00 in China Standard Time. Some December sheets
// are still publicly posted (公示中) then, others have taken effect, and a January draft is open.
func AsOf() time.Time {
	return time.Date(2026, time.January, 12, 10, 0, 0, 0, chinaTime())
}

// Changes returns the demo's history, oldest first, for records.Replay: a first direct commit by
// the town's operator, then a merged pull request per village-month, one per move or split that
// changes the rosters involved, one correction of an earlier month, and one pull request that is
// still open. It panics if the embedded data is broken; the
// package's tests make sure it is not.
func Changes() []records.Change {
	g, err := newGenerator()
	if err == nil {
		var changes []records.Change
		if changes, err = g.generate(len(g.settings.Villages), 0); err == nil {
			return changes
		}
	}
	panic("demo: " + err.Error())
}

// Rules returns the model rule sets by path (rules/<effective date>.toml), straight from the
// embedded files, without generating anything.
func Rules() map[string][]byte {
	out := map[string][]byte{}
	entries, _ := embedded.ReadDir("records/rules")
	for _, e := range entries {
		if data, err := embedded.ReadFile("records/rules/" + e.Name()); err == nil {
			out["rules/"+e.Name()] = data
		}
	}
	return out
}

// A Plan says which synthetic town to make, and how large.
type Plan struct {
	// Profile names the kind of town, a table of synthetic.toml: "county", large villages for
	// measuring the checks, or "history", small villages for measuring the history pass.
	Profile  string
	Villages int    // how many villages (v001, v002, …); when 0, as many as Rows needs
	Rows     int    // when Villages is 0: add villages until their sheets have at least this many rows
	Months   int    // how many months of sheets from January of the demo's year; 0 is the profile's
	Seed     uint64 // the same plan and seed give the same town
	// Households, when not 0, is every village's number of households, instead of the
	// profile's range; Town, when not "", is the town's name.
	Households int
	Town       string
}

// Synthetic makes the history of a synthetic town, oldest first, for records.Replay: a first
// direct commit, then every village-month's sheet and redemptions merged by a pull request of
// its own, some corrected by a second one, rosters changing now and then.
func Synthetic(p Plan) ([]records.Change, error) {
	if p.Villages < 0 || p.Villages == 0 && p.Rows <= 0 || p.Months < 0 || p.Households < 0 {
		return nil, fmt.Errorf("a synthetic town needs villages or rows, not %d and %d", p.Villages, p.Rows)
	}
	g, err := newSynthetic(p.Profile, p.Months, p.Seed)
	if err != nil {
		return nil, err
	}
	if p.Households > 0 {
		g.profile.Households = []int{p.Households, p.Households}
	}
	if p.Town != "" {
		g.synthetic.Town.Name = p.Town
	}
	return g.generate(p.Villages, p.Rows)
}

// County makes a county-scale synthetic town for measuring the checks: villages of 250 to 1,200
// households (the profile "county") with a year of records, added until their sheets have about
// rows rows. It returns the records as records.Approved reads them from the replayed history,
// and a time by which every month has been approved and its notice period is over. The same
// rows and seed give the same records.
func County(rows int, seed uint64) (town.Source, time.Time, error) {
	changes, err := Synthetic(Plan{Profile: "county", Rows: max(rows, 1), Seed: seed})
	if err != nil {
		return town.Source{}, time.Time{}, err
	}
	r, err := records.Replay("main", changes)
	if err != nil {
		return town.Source{}, time.Time{}, err
	}
	src, err := records.Approved(r, records.Options{})
	if err != nil {
		return town.Source{}, time.Time{}, err
	}
	var tf struct {
		NoticeDays int `toml:"notice_days"`
	}
	if err := toml.Unmarshal(src.Files["town.toml"], &tf); err != nil {
		return town.Source{}, time.Time{}, err
	}
	var last time.Time
	for _, c := range changes {
		last = slices.MaxFunc([]time.Time{last, c.Time, c.MergeTime}, time.Time.Compare)
	}
	return src, midnight(last).AddDate(0, 0, tf.NoticeDays+1), nil
}

// PlainPass reads every CSV file of src with encoding/csv and does nothing with the records:
// the yardstick against which the checks' cost is measured. It returns the number of records.
func PlainPass(src town.Source) int {
	n := 0
	for name, data := range src.Files {
		if !strings.HasSuffix(name, ".csv") {
			continue
		}
		r := csv.NewReader(bytes.NewReader(data))
		r.FieldsPerRecord = -1
		for {
			if _, err := r.Read(); err != nil {
				break
			}
			n++
		}
	}
	return n
}

// chinaTime is China Standard Time, which needs no time zone database.
func chinaTime() *time.Location { return time.FixedZone("CST", 8*3600) }
