package site

import (
	"cmp"
	"slices"
	"strings"

	"github.com/jifen-project/jifen/pipeline/score"
	"github.com/jifen-project/jifen/pipeline/town"
)

// MoveLink is a move, split or merge (迁移、分户、合户) as the page of a household tells it: one
// for each household it continues (in) or that continues it (out), with what went along, as the
// ledgers booked it up to the as-of time (what was credited after the move and forwarded
// included). Scores, ranks and honours are each village's own: they do not move.
type MoveLink struct {
	Date      string      `json:"date"`      // in: the household's 加入日期; out: its 退出日期
	Direction string      `json:"direction"` // in or out
	Kind      string      `json:"kind"`      // move, split or merge
	Other     Counterpart `json:"other"`
	Share     bool        `json:"share"`   // split: the new household's 承接积分 (not the main one, which takes the rest)
	Points    int         `json:"points"`  // redeemable points that went along (negative for a debt)
	Cleared   int         `json:"cleared"` // redeemable points cleared under the rules when the household left
	Honour    int         `json:"honour"`  // the honour score that went along
}

// The directions of a MoveLink.
const (
	moveIn  = "in"
	moveOut = "out"
)

// villageMove is a move of one of a village's households as the downloads list it: the move as
// the household's page tells it, and the household as lists show it, by code and masked name
// when it consented (see mover).
type villageMove struct {
	Who
	MoveLink
}

// publishMoves lists the moves of the village's households, out (the village's household is
// the predecessor) and in, by date. moves are the town's transfers (nil when it has none).
func publishMoves(t *town.Town, v *town.Village, moves *score.Moves) []villageMove {
	type side struct {
		self, other town.Ref
		date, dir   string
		link        town.Link
	}
	var sides []side
	for _, l := range t.Links {
		if l.From.Village == v.ID {
			sides = append(sides, side{self: l.From, other: l.To, date: l.Left, dir: moveOut, link: l})
		}
		if l.To.Village == v.ID {
			sides = append(sides, side{self: l.To, other: l.From, date: l.Joined, dir: moveIn, link: l})
		}
	}
	slices.SortStableFunc(sides, func(a, b side) int {
		return cmp.Or(strings.Compare(a.date, b.date), strings.Compare(b.dir, a.dir), strings.Compare(a.self.Household, b.self.Household))
	})
	var out []villageMove
	for _, s := range sides {
		m := MoveLink{Date: s.date, Direction: s.dir, Kind: string(s.link.Kind), Other: counterpart(t, s.self, s.other),
			Share: s.link.Kind == town.Split && s.link.CarriedSet}
		if moves != nil {
			for _, tr := range moves.Out[s.link.From] {
				if tr.To != s.link.To {
					continue
				}
				if tr.Cleared {
					m.Cleared += tr.Points
				} else {
					m.Points += tr.Points
				}
				m.Honour += tr.Honour
			}
		}
		out = append(out, villageMove{Who: mover(v, s.self.Household), MoveLink: m})
	}
	return out
}
