package town

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

// What a village's pages depend on, so that a build can tell a village whose pages would not
// change and leave them as they were: its records and those of the villages linked to it, the
// town's own files (Digest), and the time, but only at some times (NextChange).

// Digest is a hash of everything in src that the villages' pages may depend on: the town's own
// files, the village.toml of every village (names, merged_into), and every file of the villages,
// each with its content, its approved versions and its deletion. Two sources with the same
// digest for some villages give them the same pages at the same time.
func Digest(src Source, villages map[string]bool) string {
	matters := func(name string) bool {
		rest, ok := strings.CutPrefix(name, "villages/")
		id, file, _ := strings.Cut(rest, "/")
		return !ok || villages[id] || file == "village.toml"
	}
	names := map[string]bool{}
	add := func(name string) {
		if matters(name) {
			names[name] = true
		}
	}
	for name := range src.Files {
		add(name)
	}
	for name := range src.History {
		add(name)
	}
	for name := range src.Removed {
		add(name)
	}
	h := sha256.New()
	for _, name := range slices.Sorted(maps.Keys(names)) {
		fmt.Fprintf(h, "%q\n", name)
		if data, ok := src.Files[name]; ok {
			sum := sha256.Sum256(data)
			fmt.Fprintf(h, "content %x\n", sum)
		}
		for _, v := range src.History[name] {
			writeVersion(h, "version", v)
		}
		if v, ok := src.Removed[name]; ok {
			writeVersion(h, "removed", v)
		}
	}
	for _, d := range src.Problems {
		if matters(d.File) {
			fmt.Fprintf(h, "problem %q %q %d\n", d.Code, d.File, d.Line)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// writeVersion writes what the pages may show of a version: all of it but its content, hashed
// with the file.
func writeVersion(w io.Writer, kind string, v Version) {
	sum := sha256.Sum256(v.Data)
	fmt.Fprintf(w, "%s %s %s %q %q %d %t %q %s %x\n", kind, v.Commit, v.Time.Format(time.RFC3339Nano), v.Author, v.Reviewers, v.PR, v.Merge, v.Signer, v.Blob, sum)
}

// NextChange is the first time after `after` at which what the records of the villages show
// may change while the records stay the same: a month's public notice ends (and the points it
// credits reach the accounts that day), a day that a row, a roster or a notice names begins or
// ends (a move, a redemption, the answer to an objection), a rule set takes effect, or a month
// begins (a year's end clears the accounts and ends a veto's freeze). It is a bound: the pages
// may stay the same past it.
func (t *Town) NextChange(villages map[string]bool, after time.Time) time.Time {
	loc := t.Location
	next := time.Date(after.In(loc).Year(), after.In(loc).Month()+1, 1, 0, 0, 0, 0, loc)
	consider := func(at time.Time) {
		if at.After(after) && at.Before(next) {
			next = at
		}
	}
	day := func(date string) {
		if d, err := time.ParseInLocation(time.DateOnly, date, loc); err == nil {
			consider(d)
			consider(d.AddDate(0, 0, 1))
		}
	}
	for _, rs := range t.Rules {
		day(rs.Effective)
	}
	for _, v := range t.Villages {
		if !villages[v.ID] {
			continue
		}
		for _, h := range v.Households {
			day(h.Joined)
			day(h.Left)
		}
		for _, n := range v.Notices {
			day(n.Date)
		}
		for _, m := range v.Months {
			if until := m.NoticeUntil(t.NoticeDays, loc); !until.IsZero() {
				consider(until)
				day(until.In(loc).Format(time.DateOnly))
			}
			for _, e := range m.Entries {
				day(e.Date)
			}
			for _, r := range m.Redemptions {
				day(r.Date)
			}
			for _, d := range m.Declarations {
				day(d.Date)
			}
			for _, o := range m.Objections {
				day(o.Received)
				day(o.Replied)
			}
		}
	}
	return next
}
