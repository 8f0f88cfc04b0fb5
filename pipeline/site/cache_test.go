package site

import (
	"crypto/sha256"
	"encoding/json"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/jifen-project/jifen/pipeline/audit"
	"github.com/jifen-project/jifen/pipeline/demo"
	"github.com/jifen-project/jifen/pipeline/records"
	"github.com/jifen-project/jifen/pipeline/score"
	"github.com/jifen-project/jifen/pipeline/town"
)

// TestNextChange builds the demo town's public view every 31 hours over two windows of its
// history, the records fixed at the start of each, and checks what a cache of parts relies on:
// from any of those times to the next change that town.NextChange gives for a village, the
// village's view, its downloads and feed, and the declaration slip its page shows stay the same.
// It also checks that the bound is of use: a village's part stays fresh for days on average.
func TestNextChange(t *testing.T) {
	r, err := records.Replay("main", demo.Changes())
	if err != nil {
		t.Fatal(err)
	}
	cst := time.FixedZone("CST", 8*3600)
	windows := []struct{ from, to time.Time }{
		{time.Date(2025, 10, 20, 9, 0, 0, 0, cst), time.Date(2026, 1, 8, 0, 0, 0, 0, cst)},
		{demo.AsOf(), time.Date(2026, 4, 2, 0, 0, 0, 0, cst)},
	}
	for _, w := range windows {
		t.Run(w.from.Format(time.DateOnly), func(t *testing.T) {
			t.Parallel()
			nextChange(t, r, w.from, w.to)
		})
	}
}

// A moment is the view of each village at a time, and the next change town.NextChange gives.
type moment struct {
	at    time.Time
	views map[string][32]byte
	next  map[string]time.Time
}

// nextChange is TestNextChange over a window of time, the records as they were at its start.
func nextChange(t *testing.T, r *records.Repository, from, to time.Time) {
	src, err := records.Approved(r, records.Options{Until: from})
	if err != nil {
		t.Fatal(err)
	}
	tw, diags := town.Load(src, town.Options{Now: from})
	if diags.Errors() > 0 {
		t.Fatal(diags)
	}
	links := audit.Linked(src)
	var moments []moment
	for at := from; at.Before(to); at = at.Add(31 * time.Hour) {
		s, err := Publish(tw, score.Town(tw, at), at, "", All, nil)
		if err != nil {
			t.Fatal(err)
		}
		m := moment{at: at, views: map[string][32]byte{}, next: map[string]time.Time{}}
		for _, v := range s.Villages {
			m.views[v.ID] = villageHash(t, v, s.Town.Slip)
			m.next[v.ID] = tw.NextChange(links.Of(v.ID), at)
		}
		moments = append(moments, m)
	}
	fresh := 0
	for k, m := range moments {
		for _, id := range slices.Sorted(maps.Keys(m.views)) {
			for _, later := range moments[k+1:] {
				if !later.at.Before(m.next[id]) {
					break
				}
				fresh++
				if later.views[id] != m.views[id] {
					t.Errorf("%s: the view at %s differs from the one at %s, yet the next change is at %s", id,
						later.at.Format(time.DateTime), m.at.Format(time.DateTime), m.next[id].Format(time.DateTime))
					break
				}
			}
		}
	}
	if days := float64(fresh) * 31 / 24 / float64(len(moments)*len(moments[0].views)); days < 3 {
		t.Errorf("a part stays fresh %.1f days on average: the bound is too cautious to be of use", days)
	}
}

// villageHash is a hash of everything a village's pages are made from: its view, its files and
// the slip.
func villageHash(t *testing.T, v *Village, slip *Slip) [32]byte {
	t.Helper()
	data, err := json.Marshal(struct {
		V     *Village
		Files map[string][]byte
		Slip  *Slip
	}{v, v.files, slip})
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(data)
}
