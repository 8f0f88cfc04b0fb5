// Package demo owns the embedded demo town, 云溪镇 (演示数据): four fictional villages with a year of
// rosters, monthly score sheets and points-supermarket redemptions, and the history of pull
// requests that brought them into the records repository.
//
// The static records (town, rule set, villages, catalog, notices) are files under records/. The
// rest is made by a deterministic generator: its settings are in demo.toml, the odds and notes of
// each kind of event in frequencies.toml and the names in names.toml. Points, caps and evidence
// requirements are read from the embedded rule set, never written in Go. Every call gives the
// same result.
package demo

import (
	"embed"
	"fmt"
	"hash/fnv"
	"io/fs"
	"math/rand/v2"
	"path"
	"strings"
	"time"

	"github.com/jifen-project/jifen/pipeline/records"
	"github.com/jifen-project/jifen/pipeline/rules"
	"github.com/jifen-project/jifen/pipeline/sheet"
)

// embedded holds the static records and the generator's data files.
//
//go:embed records demo.toml frequencies.toml names.toml
var embedded embed.FS

// AsOf is the demo's default "now": 2026-01-12 10:00 in China Standard Time. Some December sheets
// are still publicly posted (公示中) then, others have taken effect, and a January draft is open.
func AsOf() time.Time {
	return time.Date(2026, time.January, 12, 10, 0, 0, 0, chinaTime())
}

// Changes returns the demo's history, oldest first, for records.Replay: a first direct commit by
// the town's operator, then a merged pull request per village-month, one correction of an earlier
// month, and one pull request that is still open. It panics if the embedded data is broken; the
// package's tests make sure it is not.
func Changes() []records.Change {
	changes, err := generate()
	if err != nil {
		panic("demo: " + err.Error())
	}
	return changes
}

// Files returns the records on the main branch once every merged change is applied.
func Files() map[string][]byte {
	files := map[string][]byte{}
	for _, c := range Changes() {
		if c.Number != 0 && !c.Merged {
			continue
		}
		for p, data := range c.Files {
			if data == nil {
				delete(files, p)
				continue
			}
			files[p] = data
		}
	}
	return files
}

// Rules returns the demo town's rule sets by path (rules/<effective date>.toml), straight from the
// embedded files, without generating the rest of the demo.
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

// chinaTime is China Standard Time, which needs no time zone database.
func chinaTime() *time.Location { return time.FixedZone("CST", 8*3600) }

// A generator holds what every village of the demo shares.
type generator struct {
	settings settings
	events   []event
	names    names
	rules    rules.Versions
	catalog  []sheet.Goods
	static   map[string][]byte // the static records by path
}

// generate makes the demo's history.
func generate() ([]records.Change, error) {
	g, err := newGenerator()
	if err != nil {
		return nil, err
	}
	var villages []*village
	for _, vs := range g.settings.Villages {
		v, err := g.village(vs)
		if err != nil {
			return nil, fmt.Errorf("village %s: %w", vs.ID, err)
		}
		villages = append(villages, v)
	}
	return g.history(villages)
}

// newGenerator reads the embedded files.
func newGenerator() (*generator, error) {
	g := &generator{static: map[string][]byte{}}
	err := fs.WalkDir(embedded, "records", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := embedded.ReadFile(p)
		g.static[strings.TrimPrefix(p, "records/")] = data
		return err
	})
	if err != nil {
		return nil, err
	}
	for p, data := range g.static {
		if strings.HasPrefix(p, "rules/") {
			rs, ds := rules.Parse(p, data)
			if len(ds) > 0 {
				return nil, ds
			}
			g.rules = append(g.rules, rs)
		}
	}
	g.rules.Sort()
	goods, ds := sheet.ParseCatalog("supermarket/catalog.csv", g.static["supermarket/catalog.csv"])
	if len(ds) > 0 {
		return nil, ds
	}
	g.catalog = goods

	var freq struct {
		Events []event `toml:"events"`
	}
	for _, f := range []struct {
		name string
		v    any
	}{{"demo.toml", &g.settings}, {"frequencies.toml", &freq}, {"names.toml", &g.names}} {
		data, err := embedded.ReadFile(f.name)
		if err != nil {
			return nil, err
		}
		if err := decode(f.name, data, f.v); err != nil {
			return nil, err
		}
	}
	g.events = freq.Events
	if err := g.settings.check(g.rules); err != nil {
		return nil, err
	}
	if err := checkEvents(g.events, g.rules); err != nil {
		return nil, err
	}
	return g, nil
}

// rand returns the random stream of one purpose ("roster", "sheets", …) of one village. Separate
// streams keep a change in one part of the demo from reshuffling all the others.
func (g *generator) rand(village, purpose string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(path.Join(village, purpose)))
	return rand.New(rand.NewPCG(g.settings.Seed[0], g.settings.Seed[1]^h.Sum64()))
}
