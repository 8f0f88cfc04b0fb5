package town

import (
	"testing"

	"github.com/jifen-project/jifen/pipeline/sheet"
)

// TestPositionAfter checks that looking a code up after a position finds what Position finds:
// the code's first roster row, near the position or far from it, before it, or nowhere.
func TestPositionAfter(t *testing.T) {
	for _, ids := range [][]string{
		{"A", "B", "C", "D", "E", "F", "G", "H"},
		{"A", "B", "C", "B", "E", "A", "G", ""}, // codes listed twice
		{"", "B", "C", "D", "E", "F", "G", "H"},
	} {
		v := &Village{}
		for _, id := range ids {
			v.Households = append(v.Households, sheet.Household{ID: id})
		}
		for _, id := range append(ids, "X") {
			want, wantOK := v.Position(id)
			for after := -1; after < len(ids)+2; after++ {
				if got, ok := v.PositionAfter(id, after); got != want || ok != wantOK {
					t.Errorf("%v: PositionAfter(%q, %d) = %d, %v; want %d, %v", ids, id, after, got, ok, want, wantOK)
				}
			}
		}
	}
}
