package town

import (
	"github.com/jifen-project/jifen/pipeline/sheet"
)

// A Correction is a later approved version of a month's sheet and what it changed.
type Correction struct {
	Version Version
	Changes []RowChange
}

// A RowChange is one row that a correction added, removed or changed. Rows are matched by
// household, item and date; rows with the same key are matched in sheet order.
type RowChange struct {
	Before *sheet.Entry // nil for an added row
	After  *sheet.Entry // nil for a removed row
}

// Corrections compares each approved version of the month's sheet with the version before it.
func (m *Month) Corrections() []Correction {
	var out []Correction
	for i := 1; i < len(m.Revisions); i++ {
		out = append(out, Correction{Version: m.Revisions[i].Version, Changes: diffRows(m.Revisions[i-1].Entries, m.Revisions[i].Entries)})
	}
	return out
}

type rowKey struct{ household, item, date string }

func diffRows(before, after []sheet.Entry) []RowChange {
	key := func(e sheet.Entry) rowKey { return rowKey{e.Household, e.Item, e.Date} }
	old := map[rowKey][]*sheet.Entry{}
	for i := range before {
		k := key(before[i])
		old[k] = append(old[k], &before[i])
	}
	var changes []RowChange
	for i := range after {
		a := &after[i]
		k := key(*a)
		if len(old[k]) == 0 {
			changes = append(changes, RowChange{After: a})
			continue
		}
		b := old[k][0]
		old[k] = old[k][1:]
		if b.Points != a.Points || b.Note != a.Note || b.Evidence != a.Evidence {
			changes = append(changes, RowChange{Before: b, After: a})
		}
	}
	for i := range before {
		b := &before[i]
		if rest := old[key(*b)]; len(rest) > 0 && rest[0] == b {
			old[key(*b)] = rest[1:]
			changes = append(changes, RowChange{Before: b})
		}
	}
	return changes
}
