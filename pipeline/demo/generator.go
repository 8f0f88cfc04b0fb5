package demo

import (
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"math/rand/v2"
	"path"
	"runtime"
	"strings"
	"sync"

	"github.com/jifen-project/jifen/pipeline/records"
	"github.com/jifen-project/jifen/pipeline/rules"
	"github.com/jifen-project/jifen/pipeline/sheet"
)

// embedded holds the demo's static records and the generator's data files.
//
//go:embed records demo.toml synthetic.toml frequencies.toml names.toml
var embedded embed.FS

// A generator holds what every village of a town shares.
type generator struct {
	settings  settings
	synthetic *synthetic // what a synthetic town does otherwise; nil for the demo
	profile   *profile   // the synthetic town's villages; nil for the demo
	events    []event
	vetoes    []vetoKind
	names     names
	rules     rules.Versions
	catalog   []sheet.Goods
	static    map[string][]byte // the static records by path
	plans     []*movePlan       // the moves, decided before any village is made
}

// newGenerator reads the embedded files for the demo town.
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
		Events []event    `toml:"events"`
		Vetoes []vetoKind `toml:"vetoes"`
	}
	for _, f := range []struct {
		name string
		v    any
	}{{"demo.toml", &g.settings}, {"frequencies.toml", &freq}, {"names.toml", &g.names}} {
		if err := decodeFile(f.name, f.v); err != nil {
			return nil, err
		}
	}
	g.events, g.vetoes = freq.Events, freq.Vetoes
	if err := g.settings.check(g.rules); err != nil {
		return nil, fmt.Errorf("demo.toml: %w", err)
	}
	if err := checkEvents(g.events, g.vetoes, g.rules); err != nil {
		return nil, fmt.Errorf("frequencies.toml: %w", err)
	}
	return g, nil
}

// decodeFile decodes one of the embedded TOML files.
func decodeFile(name string, v any) error {
	data, err := embedded.ReadFile(name)
	if err != nil {
		return err
	}
	return decode(name, data, v)
}

// generate makes the history of a town of count villages or, when count is 0, of as many
// villages as it takes for their sheets to have at least rows rows.
func (g *generator) generate(count, rows int) ([]records.Change, error) {
	var err error
	if g.plans, err = g.planMoves(); err != nil {
		return nil, err
	}
	villages, err := g.villages(count, rows)
	if err != nil {
		return nil, err
	}
	if err := g.markets(villages); err != nil {
		return nil, err
	}
	return g.history(villages)
}

// villages makes the villages, as many at a time as there are processors: each village draws
// from random streams of its own, so the result does not depend on the order they are made in.
func (g *generator) villages(count, rows int) ([]*village, error) {
	var out []*village
	total := 0
	more := func() bool { return len(out) < count || count == 0 && total < rows }
	for more() {
		n := runtime.GOMAXPROCS(0)
		if count > 0 {
			n = min(n, count-len(out))
		}
		made, errs := make([]*village, n), make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { made[i], errs[i] = g.village(len(out) + i) })
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return nil, err
		}
		for _, v := range made {
			if !more() {
				break
			}
			out = append(out, v)
			for _, m := range v.months {
				total += len(m.Entries)
			}
		}
	}
	return out, nil
}

// rand returns the random stream of one purpose ("roster", "sheets", …) of one village. Separate
// streams keep a change in one part of a town from reshuffling all the others.
func (g *generator) rand(village, purpose string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(path.Join(village, purpose)))
	return rand.New(rand.NewPCG(g.settings.Seed[0], g.settings.Seed[1]^h.Sum64()))
}

// markets makes the villages' supermarket exchanges, as many villages at a time as there are
// processors. A village that households moved to from another waits for that one: the
// exchanges made there decide the balance they bring.
func (g *generator) markets(villages []*village) error {
	done := map[string]*village{}
	waits := func(v *village) bool {
		for _, l := range v.successors {
			if from := l.plan.settings.From; from != v.settings.ID && done[from] == nil {
				return true
			}
		}
		return false
	}
	for pending := villages; len(pending) > 0; {
		var ready, waiting []*village
		for _, v := range pending {
			if waits(v) {
				waiting = append(waiting, v)
			} else {
				ready = append(ready, v)
			}
		}
		if len(ready) == 0 {
			return fmt.Errorf("village %s: households move in from villages that are not made, or that wait for it", waiting[0].settings.ID)
		}
		errs := make([]error, len(ready))
		limit := make(chan struct{}, runtime.GOMAXPROCS(0))
		var wg sync.WaitGroup
		for i, v := range ready {
			wg.Go(func() {
				limit <- struct{}{}
				defer func() { <-limit }()
				if err := g.redemptions(v, done); err != nil {
					errs[i] = fmt.Errorf("village %s: %w", v.settings.ID, err)
				}
			})
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return err
		}
		for _, v := range ready {
			done[v.settings.ID] = v
		}
		pending = waiting
	}
	return nil
}
