package score

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/jifen-project/jifen/pipeline/rules"
	"github.com/jifen-project/jifen/pipeline/sheet"
	"github.com/jifen-project/jifen/pipeline/town"
)

func testRules(t *testing.T) *rules.RuleSet {
	t.Helper()
	data, err := os.ReadFile("testdata/rules.toml")
	if err != nil {
		t.Fatal(err)
	}
	rs, diags := rules.Parse("rules/2025-01-01.toml", data)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	return rs
}

// village makes a village with households H1..Hn (all active all year) and months given as
// "YYYY-MM" → rows "household item points day".
func village(t *testing.T, n int, months map[string][]string) *town.Village {
	rs := testRules(t)
	v := &town.Village{ID: "v"}
	for i := 1; i <= n; i++ {
		v.Households = append(v.Households, sheet.Household{ID: fmt.Sprintf("H%d", i), Joined: "2024-12-01"})
	}
	for _, m := range []string{"2025-01", "2025-02", "2025-03", "2025-12", "2026-01"} {
		rows, ok := months[m]
		if !ok {
			continue
		}
		mo := &town.Month{Month: m, Rules: rs}
		for i, r := range rows {
			var e sheet.Entry
			var day int
			if _, err := fmt.Sscanf(r, "%s %s %d %d", &e.Household, &e.Item, &e.Points, &day); err != nil {
				t.Fatalf("row %q: %v", r, err)
			}
			e.Line, e.Date = i+2, fmt.Sprintf("%s-%02d", m, day)
			mo.Entries = append(mo.Entries, e)
		}
		v.Months = append(v.Months, mo)
	}
	return v
}

// trace renders a standing's entries as "item:claimed>counted(reason)".
func trace(s *Standing) string {
	var parts []string
	for _, c := range s.Entries {
		p := fmt.Sprintf("%s:%d>%d", c.Item, c.Points, c.Counted)
		if c.Reason != NoCut {
			p += "(" + string(c.Reason) + ")"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, " ")
}

func TestScoring(t *testing.T) {
	tests := []struct {
		name   string
		months map[string][]string
		month  int // which month to look at
		want   string
		net    int
	}{
		{"at the monthly item cap", map[string][]string{"2025-01": {"H1 A1 5 1", "H1 A1 5 2"}}, 0,
			"A1:5>5 A1:5>5", 10},
		{"one over the monthly item cap", map[string][]string{"2025-01": {"H1 A1 5 1", "H1 A1 5 2", "H1 A1 5 3"}}, 0,
			"A1:5>5 A1:5>5 A1:5>0(item-cap)", 10},
		{"date order, not line order", map[string][]string{"2025-01": {"H1 A1 5 9", "H1 A1 5 2", "H1 A1 5 3"}}, 0,
			"A1:5>5 A1:5>5 A1:5>0(item-cap)", 10},
		{"yearly item cap across months", map[string][]string{"2025-01": {"H1 A2 20 1"}, "2025-03": {"H1 A2 20 5"}}, 1,
			"A2:20>0(item-cap)", 0},
		{"yearly cap starts again in a new year", map[string][]string{"2025-12": {"H1 A2 20 1"}, "2026-01": {"H1 A2 20 5"}}, 1,
			"A2:20>20", 20},
		{"category weight reached", map[string][]string{
			"2025-01": {"H1 A1 5 1", "H1 A1 5 2", "H1 A2 20 3"},
			"2025-02": {"H1 A1 5 1", "H1 A1 5 2"},
			"2025-03": {"H1 A1 5 1"}}, 2,
			"A1:5>0(category-cap)", 0},
		{"category weight cuts part of an entry", map[string][]string{
			"2025-01": {"H1 A1 5 1", "H1 A1 5 2", "H1 A2 20 3"},
			"2025-02": {"H1 A1 5 1"},
			"2025-03": {"H1 A1 5 1", "H1 A1 5 2"}}, 2,
			"A1:5>5 A1:5>0(category-cap)", 5},
		{"global monthly cap cuts the entry that crosses it", map[string][]string{
			"2025-01": {"H1 A1 5 1", "H1 A1 5 2", "H1 B1 15 3", "H1 A2 20 4"}}, 0,
			"A1:5>5 A1:5>5 B1:15>15 A2:20>5(monthly-cap)", 30},
		{"deductions are cut at their own cap only", map[string][]string{
			"2025-01": {"H1 B2 -5 1", "H1 B2 -5 2", "H1 B2 -5 3"}}, 0,
			"B2:-5>-5 B2:-5>-5 B2:-5>0(item-cap)", -10},
		{"a veto cancels the month's positive points, not its deductions", map[string][]string{
			"2025-01": {"H1 A1 5 1", "H1 B2 -5 2", "H1 V1 0 20"}}, 0,
			"A1:5>0(veto) B2:-5>-5 V1:0>0(veto-row)", -5},
		{"vetoed points do not use up the yearly cap", map[string][]string{
			"2025-01": {"H1 A2 20 1", "H1 V2 0 2"}, "2025-02": {"H1 A2 20 3"}}, 1,
			"A2:20>20", 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := Village(village(t, 1, tt.months))
			s := res.Months[tt.month].Standing("H1")
			if got := trace(s); got != tt.want {
				t.Errorf("trace:\n got %s\nwant %s", got, tt.want)
			}
			if s.Net != tt.net || s.Net != s.Positive+s.Negative {
				t.Errorf("net = %d (positive %d, negative %d), want %d", s.Net, s.Positive, s.Negative, tt.net)
			}
		})
	}
}

func TestVetoEffect(t *testing.T) {
	res := Village(village(t, 2, map[string][]string{"2025-01": {"H1 V1 0 1", "H2 V1 0 1", "H2 V2 0 3"}}))
	m := res.Months[0]
	if got := m.Standing("H1").Veto; got != rules.E1 {
		t.Errorf("H1 veto = %q, want E1", got)
	}
	if got := m.Standing("H2").Veto; got != rules.E2 {
		t.Errorf("H2 veto = %q, want E2 (the stronger effect)", got)
	}
}

func TestRank(t *testing.T) {
	// Nets 10, 5, 5, 0, and a household that left before the month: ranks 1, 2, 2, 4, and the
	// one that left is neither ranked nor listed.
	v := village(t, 5, map[string][]string{"2025-01": {
		"H3 A1 5 1",
		"H1 A1 5 1", "H1 A1 5 2",
		"H2 B1 10 1", "H2 B2 -5 2",
	}})
	v.Households[4].Left = "2024-12-31"
	m := Village(v).Months[0]
	var got []string
	for _, s := range m.Standings {
		got = append(got, fmt.Sprintf("%s=%d#%d", s.Household, s.Net, s.Rank))
	}
	if g, want := strings.Join(got, " "), "H1=10#1 H2=5#2 H3=5#2 H4=0#4"; g != want {
		t.Errorf("got %s, want %s", g, want)
	}
	if m.Active != 4 || m.Taking != 3 || m.Total != 20 || m.Issued != 25 || m.Deducted != -5 {
		t.Errorf("totals: active %d taking %d total %d issued %d deducted %d", m.Active, m.Taking, m.Total, m.Issued, m.Deducted)
	}
}

func TestLeaving(t *testing.T) {
	// H1 leaves on 2025-01-31 (its last day on the roster), H2 on 2025-02-10, H3 on 2025-02-01:
	// each is listed as left, unranked, in the month of its 退出日期, and not listed after.
	v := village(t, 4, map[string][]string{
		"2025-01": {"H1 A1 5 31", "H2 A1 5 1", "H3 A1 5 1", "H4 A1 5 1"},
		"2025-02": {"H2 B1 15 10", "H4 A1 5 1"},
		"2025-03": {"H4 A1 5 1"},
	})
	v.Households[0].Left, v.Households[1].Left, v.Households[2].Left = "2025-01-31", "2025-02-10", "2025-02-01"
	res := Village(v)
	for _, c := range []struct {
		month     int
		household string
		want      string // "net#rank left" or "absent"
	}{
		{0, "H1", "5#0 left"}, {0, "H2", "5#1"}, {0, "H3", "5#1"}, {0, "H4", "5#1"},
		{1, "H1", "absent"}, {1, "H2", "15#0 left"}, {1, "H4", "5#1"},
		{2, "H2", "absent"}, {2, "H3", "absent"}, {2, "H4", "5#1"},
	} {
		got := "absent"
		if s := res.Months[c.month].Standing(c.household); s != nil {
			got = fmt.Sprintf("%d#%d", s.Net, s.Rank)
			if s.Left {
				got += " left"
			}
			if s.Active == s.Left || s.Left && (s.YearRank != 0 || s.GridRank != 0) {
				t.Errorf("%s %s: active %v, left %v, year rank %d, grid rank %d", res.Months[c.month].Month, c.household, s.Active, s.Left, s.YearRank, s.GridRank)
			}
		}
		if got != c.want {
			t.Errorf("%s %s: %s, want %s", res.Months[c.month].Month, c.household, got, c.want)
		}
	}
	if jan, feb := res.Months[0], res.Months[1]; jan.Active != 3 || jan.Total != 20 || feb.Active != 1 || feb.Total != 20 {
		t.Errorf("ranked %d and %d, totals %d and %d; want 3 and 1, 20 and 20", jan.Active, feb.Active, jan.Total, feb.Total)
	}
}

func TestCompetitionRanks(t *testing.T) {
	ss := []*Standing{
		{Household: "D", Net: 5, Active: true},
		{Household: "C", Net: 8, Active: true},
		{Household: "X", Net: 99, Active: false},
		{Household: "B", Net: 8, Active: true},
		{Household: "A", Net: 10, Active: true},
	}
	Rank(ss)
	var got []string
	for _, s := range ss {
		got = append(got, fmt.Sprintf("%s%d", s.Household, s.Rank))
	}
	if g, want := strings.Join(got, " "), "A1 B2 C2 D4 X0"; g != want {
		t.Errorf("got %s, want %s", g, want)
	}
}

func TestMovement(t *testing.T) {
	type move struct {
		up, down int
		isNew    bool
	}
	for _, c := range []struct {
		rank, before int
		want         move
	}{{3, 6, move{3, 0, false}}, {14, 2, move{0, 12, false}}, {4, 4, move{}}, {1, 0, move{0, 0, true}}, {0, 3, move{}}} {
		var got move
		s := &Standing{Rank: c.rank, Before: c.before}
		if got.up, got.down, got.isNew = s.Movement(); got != c.want {
			t.Errorf("rank %d after %d: %+v, want %+v", c.rank, c.before, got, c.want)
		}
	}
}
