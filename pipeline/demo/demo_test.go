package demo_test

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/jifen-project/jifen/pipeline/audit"
	"github.com/jifen-project/jifen/pipeline/demo"
	"github.com/jifen-project/jifen/pipeline/records"
	"github.com/jifen-project/jifen/pipeline/rules"
	"github.com/jifen-project/jifen/pipeline/score"
	"github.com/jifen-project/jifen/pipeline/sheet"
	"github.com/jifen-project/jifen/pipeline/town"
)

// approved is the demo's main branch as records.Approved reads it from the replayed history.
func approved(t *testing.T) town.Source {
	t.Helper()
	r, err := records.Replay("main", demo.Changes())
	if err != nil {
		t.Fatal(err)
	}
	src, err := records.Approved(r, records.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// load loads the demo's main branch with its approval history.
func load(t *testing.T) *town.Town {
	t.Helper()
	report := audit.Run(approved(t), audit.Options{Now: demo.AsOf()})
	for _, d := range report.Diagnostics {
		t.Error(d)
	}
	if tw := report.Town; tw == nil || !tw.Demo || len(tw.Villages) != 4 {
		t.Fatalf("audit.Run gave the town %+v, want the 4 villages of a demo town", tw)
	}
	return report.Town
}

func TestVillages(t *testing.T) {
	for _, v := range load(t).Villages {
		consent := 0
		for _, h := range v.Households {
			if h.Consent {
				consent++
			}
		}
		share := float64(consent) / float64(len(v.Households))
		t.Logf("%s %s: %d households, %d grids, %d members, consent %.0f%%, %d months, %d notices",
			v.ID, v.Name, len(v.Households), len(v.Grids), len(v.Evaluation), 100*share, len(v.Months), len(v.Notices))
		if n := len(v.Households); n < 150 || n > 400 {
			t.Errorf("%s has %d households, want 150 to 400", v.ID, n)
		}
		if n := len(v.Grids); n < 2 || n > 5 {
			t.Errorf("%s has %d grids, want 2 to 5", v.ID, n)
		}
		if n := len(v.Evaluation); n < 5 || n > 7 {
			t.Errorf("%s has %d evaluation members, want 5 to 7", v.ID, n)
		}
		if share < 0.7 || share > 0.9 {
			t.Errorf("%s: %.0f%% consent, want about 80%%", v.ID, 100*share)
		}
		if len(v.Months) != 12 {
			t.Errorf("%s has %d months on the main branch, want 12", v.ID, len(v.Months))
		}
		if !v.PublishRanking {
			t.Errorf("%s does not publish its ranking", v.ID)
		}
	}
}

func TestVolumes(t *testing.T) {
	tw := load(t)
	var entries, deductions, vetoes int
	effects := map[rules.Effect]int{}
	for _, v := range tw.Villages {
		var vEntries, vDeductions, vVetoes, vRedemptions int
		lowest, highest := 1.0, 0.0
		for _, m := range v.Months {
			start, _ := time.Parse("2006-01", m.Month)
			first, last := m.Month+"-01", start.AddDate(0, 1, -1).Format(time.DateOnly)
			active := 0
			for _, h := range v.Households {
				if h.Joined <= last && (h.Left == "" || h.Left > first) {
					active++
				}
			}
			events := map[string]int{}
			for _, e := range m.Entries {
				if veto := m.Rules.Veto(e.Item); veto != nil {
					vVetoes++
					effects[veto.Effect]++
					if e.Points != 0 || e.Evidence == "" {
						t.Errorf("%s: veto row %+v needs 0 points and evidence", m.SheetFile, e)
					}
					continue
				}
				events[e.Household]++
				vEntries++
				if e.Points < 0 {
					vDeductions++
				}
			}
			share := float64(len(events)) / float64(active)
			if share < 0.3 || share > 0.7 {
				t.Errorf("%s: %d of %d households (%.0f%%) take part, want 30%% to 70%%", m.SheetFile, len(events), active, 100*share)
			}
			for h, n := range events {
				if n < 1 || n > 4 {
					t.Errorf("%s: %s has %d events, want 1 to 4", m.SheetFile, h, n)
				}
			}
			lowest, highest = min(lowest, share), max(highest, share)
			vRedemptions += len(m.Redemptions)
		}
		share := float64(vDeductions) / float64(vEntries)
		t.Logf("%s: %.0f%% to %.0f%% of households take part; %d entries in the year, %d deductions (%.1f%%), %d vetoes, %d redemptions",
			v.ID, 100*lowest, 100*highest, vEntries, vDeductions, 100*share, vVetoes, vRedemptions)
		if share < 0.03 || share > 0.08 {
			t.Errorf("%s: deductions are %.1f%% of entries, want 3%% to 8%%", v.ID, 100*share)
		}
		if vVetoes > 3 {
			t.Errorf("%s has %d vetoes, want 0 to 3", v.ID, vVetoes)
		}
		entries, deductions, vetoes = entries+vEntries, deductions+vDeductions, vetoes+vVetoes
	}
	t.Logf("town: %d entries, %d deductions (%.1f%%), vetoes %v", entries, deductions, 100*float64(deductions)/float64(entries), effects)
	if vetoes < 3 || effects[rules.E1] == 0 || effects[rules.E2] == 0 {
		t.Errorf("the town has vetoes %v, want at least 3 with both effects", effects)
	}
}

// TestCaps checks that no household claims more of an item than its cap allows, so that only
// category weights and the monthly cap ever cut an entry.
func TestCaps(t *testing.T) {
	for _, v := range load(t).Villages {
		yearly := map[string]int{}
		for _, m := range v.Months {
			monthly := map[string]int{}
			for _, e := range m.Entries {
				it := m.Rules.Item(e.Item)
				if it == nil {
					continue
				}
				used, key := monthly, e.Household+"/"+e.Item
				if it.CapPeriod.Yearly() {
					used = yearly
				}
				used[key] += e.Points
				if abs(used[key]) > abs(it.Cap) {
					t.Errorf("%s:%d: %s gets %d from %s, over its cap %d", m.SheetFile, e.Line, e.Household, used[key], e.Item, it.Cap)
				}
			}
		}
	}
}

func abs(n int) int { return max(n, -n) }

// TestRedemptions checks that no household spends more than it has, at the end of the month
// before and at the end of the month, and that a frozen balance is not spent. A household that
// continues one that moved or split has what it received from the month it was received in.
func TestRedemptions(t *testing.T) {
	tw := load(t)
	moves := score.Transfers(tw, demo.AsOf())
	total := 0
	for _, v := range tw.Villages {
		res := score.Village(v)
		earned, spent := map[string]int{}, map[string]int{}
		frozen := map[string]bool{}
		for i, m := range v.Months {
			for _, h := range v.Households {
				for _, tr := range moves.In[town.Ref{Village: v.ID, Household: h.ID}] {
					if sheet.MonthOf(max(tr.Date, h.Joined)) == m.Month && !tr.Cleared {
						earned[h.ID] += tr.Points
						frozen[h.ID] = frozen[h.ID] || tr.FrozenUntil != ""
					}
				}
			}
			before := map[string]int{}
			for _, s := range res.Months[i].Standings {
				before[s.Household] = earned[s.Household]
				earned[s.Household] += s.Net
			}
			for _, r := range m.Redemptions {
				if _, ok := before[r.Household]; !ok {
					before[r.Household] = earned[r.Household]
				}
				spent[r.Household] += r.Points
				total += r.Points
				if frozen[r.Household] || res.Months[i].Standing(r.Household).Veto.Freezes() {
					t.Errorf("%s: %s redeems %d points with a frozen balance", m.Month, r.Household, r.Points)
				}
				if spent[r.Household] > min(before[r.Household], earned[r.Household]) {
					t.Errorf("%s: %s has spent %d of %d points", m.Month, r.Household, spent[r.Household], before[r.Household])
				}
				if r.Date < m.Month+"-08" {
					t.Errorf("%s: %s redeems on %s, before the month before is approved", m.Month, r.Household, r.Date)
				}
			}
			for _, s := range res.Months[i].Standings {
				frozen[s.Household] = frozen[s.Household] || s.Veto.Freezes()
			}
		}
	}
	t.Logf("town: %d points redeemed in the year", total)
	if total == 0 {
		t.Error("nobody redeemed anything")
	}
}

// digits matches what looks like a mobile phone number or an 18-digit ID number.
var digits = regexp.MustCompile(`[0-9]{11,}|[0-9]{6}(19|20)[0-9]{2}[01][0-9][0-3][0-9]`)

// TestPrivacy checks that no note or evidence carries anything like a phone or ID number.
func TestPrivacy(t *testing.T) {
	for _, v := range load(t).Villages {
		for _, m := range v.Months {
			for _, e := range m.Entries {
				for _, s := range []string{e.Note, e.Evidence} {
					if digits.MatchString(strings.ReplaceAll(s, "-", "")) {
						t.Errorf("%s:%d: %q looks like a phone or ID number", m.SheetFile, e.Line, s)
					}
				}
			}
		}
	}
}

func TestEncodings(t *testing.T) {
	files := approved(t).Files
	var gb, bom, plain []string
	for _, v := range []string{"qingshi", "liutang", "taoyuan", "shimen"} {
		data := files["villages/"+v+"/sheets/2025-07.csv"]
		switch {
		case !utf8.Valid(data) && bytes.Contains(data, []byte("\r\n")):
			gb = append(gb, v)
		case bytes.HasPrefix(data, []byte("\uFEFF")):
			bom = append(bom, v)
		case utf8.Valid(data) && !bytes.Contains(data, []byte("\r")):
			plain = append(plain, v)
		}
	}
	if len(gb) != 1 || len(bom) != 1 || len(plain) != 2 {
		t.Errorf("GB18030 with CRLF: %v, UTF-8 with BOM: %v, plain UTF-8: %v; want 1, 1 and 2 villages", gb, bom, plain)
	}
}

func TestDeterministic(t *testing.T) {
	a, b := demo.Changes(), demo.Changes()
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two calls of Changes differ")
	}
}

func TestHistory(t *testing.T) {
	changes := demo.Changes()
	if c := changes[0]; c.Number != 0 || c.Time.Year() != 2024 || c.Time.Month() != time.December {
		t.Errorf("the first change is #%d at %s, want a direct commit in December 2024", c.Number, c.Time)
	}
	var open []records.Change
	opened := map[int]time.Time{}
	var last time.Time
	for _, c := range changes[1:] {
		opened[c.Number] = c.Time
		if !c.Merged {
			open = append(open, c)
			continue
		}
		if c.MergeTime.Before(last) || !c.MergeTime.After(c.Time) {
			t.Errorf("#%d merged at %s after %s, opened %s", c.Number, c.MergeTime, last, c.Time)
		}
		last = c.MergeTime
		if c.Merger.Name == "" || len(c.Reviewers) < 1 || len(c.Reviewers) > 2 || !strings.Contains(c.Author.Email, "@") {
			t.Errorf("#%d: author %v, merger %v, reviewers %v", c.Number, c.Author, c.Merger, c.Reviewers)
		}
		later := strings.HasSuffix(c.Branch, "correction") || strings.HasSuffix(c.Branch, "objection") ||
			strings.HasSuffix(c.Branch, "-move") || strings.HasSuffix(c.Branch, "-split")
		if h := c.Time.Hour(); h < 8 || h >= 18 || c.Time.Day() > 4 && !later {
			t.Errorf("#%d was opened at %s, not in working hours of the month's first days", c.Number, c.Time)
		}
	}
	for n := 2; n <= len(opened); n++ {
		if opened[n].Before(opened[n-1]) {
			t.Errorf("#%d was opened before #%d", n, n-1)
		}
	}
	if len(open) != 1 {
		t.Fatalf("%d open pull requests, want 1", len(open))
	}
	files := approved(t).Files
	for p := range open[0].Files {
		if _, ok := files[p]; ok {
			t.Errorf("the open pull request's %s is on the main branch", p)
		}
		if m := strings.TrimSuffix(p[strings.LastIndex(p, "/")+1:], ".csv"); m > demo.AsOf().Format("2006-01") {
			t.Errorf("the open pull request's %s is for a month after the demo's now", p)
		}
	}
}

// TestNotice checks the public notice (公示) of the demo's months at its "now": one month
// corrected, some December months still posted and some in effect.
func TestNotice(t *testing.T) {
	tw := load(t)
	var posted, effective, corrected []string
	for _, v := range tw.Villages {
		for _, m := range v.Months {
			if !m.Approved() {
				t.Errorf("%s is not approved", m.SheetFile)
				continue
			}
			if len(m.Revisions) > 1 {
				corrected = append(corrected, m.SheetFile)
			}
			if m.Month != "2025-12" {
				continue
			}
			if demo.AsOf().Before(m.NoticeUntil(tw.NoticeDays, tw.Location)) {
				posted = append(posted, v.ID)
			} else {
				effective = append(effective, v.ID)
			}
		}
	}
	t.Logf("December 2025 posted in %v, in effect in %v; corrected: %v", posted, effective, corrected)
	if len(posted) == 0 || len(effective) == 0 {
		t.Errorf("December is posted in %v and in effect in %v, want some of each", posted, effective)
	}
	if len(corrected) != 1 {
		t.Errorf("corrected months %v, want one", corrected)
	}
}

// TestNoRulesInGo checks that the generator's Go code names no item or veto of the rule set.
func TestNoRulesInGo(t *testing.T) {
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	rs, diags := rules.Parse("rules/2025-01-01.toml", demo.Rules()["rules/2025-01-01.toml"])
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	var ids []string
	for _, it := range rs.Items {
		ids = append(ids, it.ID)
	}
	for _, v := range rs.Vetoes {
		ids = append(ids, v.ID)
	}
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			if bytes.Contains(src, []byte(`"`+id+`"`)) {
				t.Errorf("%s names %s", name, id)
			}
		}
	}
}

// TestEveryPullRequest checks that each pull request passes the checks on its own branch, as
// continuous integration would run them: the main branch as it was, with the pull request's files.
func TestEveryPullRequest(t *testing.T) {
	main := map[string][]byte{}
	for _, c := range demo.Changes() {
		files := maps.Clone(main)
		for p, data := range c.Files {
			files[p] = data
		}
		for _, d := range audit.Run(town.Source{Files: files}, audit.Options{Now: c.Time}).Diagnostics {
			t.Errorf("#%d %s: %s", c.Number, c.Branch, d)
		}
		if c.Number == 0 || c.Merged {
			main = files
		}
	}
}
