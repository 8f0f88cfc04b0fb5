package town

import (
	"cmp"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/jifen-project/jifen/pipeline/check"
	"github.com/jifen-project/jifen/pipeline/sheet"
)

// A Ref names a household of the town.
type Ref = sheet.Ref

// A MoveKind says how a household continues another.
type MoveKind string

// The kinds of moves, from the links: a move has one household on each side (to another village,
// or a new code in the same one), a split one predecessor and several successors, a merge
// several predecessors and one successor.
const (
	Move  MoveKind = "move"
	Split MoveKind = "split"
	Merge MoveKind = "merge"
)

// A Link says that household To continues household From: its roster names From in 迁自. From
// stays on its roster with its 退出日期 (Left); To joined on a later day (Joined). Both refs
// have their village.
type Link struct {
	From, To   Ref
	Kind       MoveKind
	Left       string // From's 退出日期
	Joined     string // To's 加入日期
	Carried    int    // To's 承接积分, when CarriedSet: its share of a split
	CarriedSet bool
}

// Successors are the links from the household, in the order of the town's villages and their
// rosters.
func (t *Town) Successors(r Ref) []Link {
	return slices.DeleteFunc(slices.Clone(t.Links), func(l Link) bool { return l.From != r })
}

var (
	reasonNoVillage     = &check.Text{Zh: "没有代码是 %[3]s 的村", En: "no village has the code %[3]q"}
	reasonNotOnRoster   = &check.Text{Zh: "村 %[3]s 的名册里没有户 %[4]s", En: "village %[3]s's roster has no household %[4]s"}
	reasonSplitMain     = &check.Text{Zh: "分户时要有一户（主户）不写承接积分，它接过分剩下的积分", En: "when a household splits, one new household (the main one) gives no carried points: it takes what is left"}
	reasonSplitShares   = &check.Text{Zh: "分户时除主户外每户都要写承接积分，这里有几户没写", En: "when a household splits, each new household but the main one gives its carried points: several give none"}
	reasonMoveCarried   = &check.Text{Zh: "迁移、合户时积分全部转过来，不写承接积分", En: "a move or a merge carries all the points: it gives no carried points"}
	reasonClearCarried  = &check.Text{Zh: "细则规定迁移时可兑换积分清零（on_move = \"clear\"），不写承接积分", En: "the rule set clears the balance when a household moves (on_move = \"clear\"): it gives no carried points"}
	reasonFromSelf      = &check.Text{Zh: "迁自写的是这一户自己", En: "from names this household itself"}
	reasonSplitAndMerge = &check.Text{Zh: "一户不能同时是分户分出来的又是合户合成的", En: "a household cannot both split from one and merge from several"}
)

// moves reads the links of every roster's 迁自, after every village is read: each must name a
// household of the town that has left, before this one joined. A roster row with an error
// links nothing; a predecessor that has not left yet is a warning, and links nothing yet. The
// households a split or a merge joins move together or not at all: when one row of them links
// nothing, the others wait too (the error, or the warning, is said once, on that row).
func (l *loader) moves(t *Town) {
	bad := l.diags.Lines()
	var links []Link
	stuck := map[Ref]bool{} // predecessors named by a row that links nothing
	for _, v := range t.Villages {
		for i := range v.Households {
			h := &v.Households[i]
			if len(h.From) == 0 {
				continue
			}
			to := Ref{Village: v.ID, Household: h.ID}
			rowBad := bad[v.RosterFile][h.Line]
			ok := !rowBad
			var own []Link
			for _, r := range h.From {
				from := Ref{Village: cmp.Or(r.Village, v.ID), Household: r.Household}
				if !rowBad && !l.link(t, v, h, r, from, bad, own) {
					ok = false
				}
				k := Link{From: from, To: to, Joined: h.Joined, Carried: h.Carried, CarriedSet: h.CarriedSet}
				if p := t.Household(from); p != nil {
					k.Left = p.Left
				}
				own = append(own, k)
			}
			if !ok {
				for _, k := range own {
					stuck[k.From] = true
				}
				continue
			}
			links = append(links, own...)
		}
	}
	t.Links = l.kinds(t, together(links, stuck, nil))
}

// FindLinks reads the links of the rosters' 迁自 into t.Links, as Load does, for a town made
// otherwise (by hand, in tests): the rosters' rows have no other errors. It returns what is
// wrong with them.
func FindLinks(t *Town) check.List {
	l := &loader{failed: map[string]bool{}, dropped: map[string]bool{}}
	l.moves(t)
	l.diags.Sort()
	return l.diags
}

// Unlinked are the households whose 迁自 links nothing (yet): their roster row has a problem,
// or one of the households they move together with has (see moves), or a household they name
// has not left. Their accounts lack what the links would bring them.
func (t *Town) Unlinked() []Ref {
	linked := make(map[Ref]bool, len(t.Links))
	for _, l := range t.Links {
		linked[l.To] = true
	}
	var out []Ref
	for _, v := range t.Villages {
		for _, h := range v.Households {
			if r := (Ref{Village: v.ID, Household: h.ID}); len(h.From) > 0 && !linked[r] {
				out = append(out, r)
			}
		}
	}
	return out
}

// link checks one household that h, of village v, names in 迁自 (r, as written; from, with its
// village), and reports whether it links: a household of the town other than h, not named
// twice (own are the ones named before it), whose roster row has no error, which has left,
// before h joined. Its problems are reported on h's row.
func (l *loader) link(t *Town, v *Village, h *sheet.Household, r, from Ref, bad map[string]map[int]bool, own []Link) bool {
	d := check.Diagnostic{File: v.RosterFile, Line: h.Line, Column: v.RosterColumns["from"], Value: r.String()}
	pv := t.Village(from.Village)
	var p *sheet.Household
	if pv != nil {
		p = pv.Household(from.Household)
		if pv != v {
			d.Related = pv.RosterFile
		}
	}
	switch {
	case pv != nil && (l.failed[pv.RosterFile] || l.dropped[pv.RosterFile] && p == nil):
		return false // its households are unknown, which is said of its roster
	case pv == nil:
		d.Code, d.Reason, d.Args = check.UnknownFrom, reasonNoVillage, []string{r.Village}
		if o := villageNamed(t, r.Village); o != nil {
			d.Suggest = Ref{Village: o.ID, Household: r.Household}.String()
		}
	case p == nil:
		d.Code, d.Reason, d.Args = check.UnknownFrom, reasonNotOnRoster, []string{pv.ID, r.Household}
		d.Suggest = suggestHousehold(r, pv)
		if d.Suggest == "" && r.Village == "" {
			d.Suggest = elsewhere(t, r.Household)
		}
	case from == Ref{Village: v.ID, Household: h.ID}:
		d.Code, d.Reason = check.BadValue, reasonFromSelf
	case slices.ContainsFunc(own, func(k Link) bool { return k.From == from }):
		d.Code, d.Value = check.DuplicateID, r.String()
	case bad[pv.RosterFile][p.Line]:
		return false // said on the predecessor's row
	case p.Left == "":
		d.Code = check.MovePending
	case h.Joined <= p.Left:
		d.Code, d.Column, d.Args = check.MoveDates, v.RosterColumns["joined"], []string{h.Joined, p.Left}
	default:
		return true
	}
	l.add(d)
	return false
}

// suggestHousehold is the reference r probably meant when village v's roster has no household
// r.Household: the code in another case, or the code a spreadsheet spoilt (lost leading zeros,
// decimals); "" when none is clear.
func suggestHousehold(r Ref, v *Village) string {
	k := ""
	for _, h := range v.Households {
		if strings.EqualFold(h.ID, r.Household) {
			k = h.ID
			break
		}
	}
	if k == "" {
		k, _ = sheet.Restore(r.Household, v.HouseholdIDs())
	}
	if k == "" {
		return ""
	}
	return Ref{Village: r.Village, Household: k}.String()
}

// elsewhere is the household with the code in the one other village whose roster has it, as
// 迁自 names a household of another village: "" when none or several have it.
func elsewhere(t *Town, household string) string {
	found := ""
	for _, v := range t.Villages {
		if v.Household(household) != nil {
			if found != "" {
				return ""
			}
			found = Ref{Village: v.ID, Household: household}.String()
		}
	}
	return found
}

// together drops the links of the households that move together with one that does not
// (stuck, a predecessor; gone, a successor): the other successors of a split, the other
// predecessors of a merge, and so on, until none is left that has lost a partner.
func together(links []Link, stuck, gone map[Ref]bool) []Link {
	if gone == nil {
		gone = map[Ref]bool{}
	}
	for {
		n := len(links)
		links = slices.DeleteFunc(links, func(k Link) bool {
			if stuck[k.From] || gone[k.To] {
				stuck[k.From], gone[k.To] = true, true
				return true
			}
			return false
		})
		if len(links) == n {
			return links
		}
	}
}

// villageNamed is the village with the name (青石村 or 青石), or with the code in another case.
func villageNamed(t *Town, name string) *Village {
	for _, v := range t.Villages {
		if strings.EqualFold(v.ID, name) || v.Name == name || strings.TrimSuffix(v.Name, "村") == name {
			return v
		}
	}
	return nil
}

// kinds tells moves, splits and merges apart and checks their 承接积分: a split's new households
// give theirs, all but one (the main one, which takes the rest); a move's and a merge's give
// none, and none does when the rule set clears a mover's balance. The links of a household
// whose 承接积分 is wrong are dropped, with those of the households it moves together with.
func (l *loader) kinds(t *Town, links []Link) []Link {
	succ, pred := map[Ref]int{}, map[Ref]int{}
	for _, k := range links {
		succ[k.From]++
		pred[k.To]++
	}
	wrong := map[Ref]*check.Text{}
	mixed := map[Ref]bool{} // splits with a new household that merges too: their shares are not judged
	for i := range links {
		k := &links[i]
		switch {
		case succ[k.From] > 1:
			k.Kind = Split
			if pred[k.To] > 1 {
				wrong[k.To], mixed[k.From] = reasonSplitAndMerge, true
			}
		case pred[k.To] > 1:
			k.Kind = Merge
		default:
			k.Kind = Move
		}
	}
	mains := map[Ref]int{}
	for _, k := range links {
		if wrong[k.To] != nil || mixed[k.From] {
			continue
		}
		rs := t.Rules.InForceOn(k.Left)
		switch {
		case k.Kind == Split && !k.CarriedSet:
			if mains[k.From]++; mains[k.From] > 1 {
				wrong[k.To] = reasonSplitShares
			}
		case !k.CarriedSet:
		case k.Kind != Split:
			wrong[k.To] = reasonMoveCarried
		case rs != nil && rs.Market.OnMove.Clears():
			wrong[k.To] = reasonClearCarried
		}
	}
	for _, k := range links {
		if k.Kind == Split && !mixed[k.From] && mains[k.From] == 0 && wrong[k.To] == nil && k.To == lastSuccessor(links, k.From) {
			wrong[k.To] = reasonSplitMain
		}
	}
	for _, to := range slices.SortedFunc(maps.Keys(wrong), func(a, b Ref) int {
		return cmp.Or(strings.Compare(a.Village, b.Village), strings.Compare(a.Household, b.Household))
	}) {
		v := t.Village(to.Village)
		h := v.Household(to.Household)
		key, value := "carried", ""
		if h.CarriedSet {
			value = strconv.Itoa(h.Carried)
		} else {
			key = "from"
		}
		d := check.Diagnostic{Code: check.CarriedWrong, File: v.RosterFile, Line: h.Line, Column: v.RosterColumns[key], Value: value, Reason: wrong[to]}
		if i := slices.IndexFunc(links, func(k Link) bool { return k.To == to }); i >= 0 && links[i].From.Village != to.Village {
			d.Related = t.Village(links[i].From.Village).RosterFile
		}
		l.add(d)
	}
	gone := map[Ref]bool{}
	for to := range wrong {
		gone[to] = true
	}
	return together(links, map[Ref]bool{}, gone)
}

// lastSuccessor is the last household that names from in 迁自.
func lastSuccessor(links []Link, from Ref) Ref {
	var last Ref
	for _, k := range links {
		if k.From == from {
			last = k.To
		}
	}
	return last
}

// Only is a copy of the village with only the households keep keeps, and what their scores
// and accounts need of each month (a household's depend on its own rows only): its sheet's rows
// and approved versions, its redemptions, the rule set and the catalog. The copy keeps none of
// the files' bytes alive, so that a few households can be kept once their village is let go.
func (v *Village) Only(keep func(*sheet.Household) bool) *Village {
	nv := Village{ID: v.ID, Name: v.Name, Grids: v.Grids, RosterFile: v.RosterFile, Catalog: v.Catalog}
	for i := range v.Households {
		if keep(&v.Households[i]) {
			nv.Households = append(nv.Households, v.Households[i])
		}
	}
	ids := make(map[string]bool, len(nv.Households))
	for i := range nv.Households {
		h := &nv.Households[i]
		detach(&h.ID, &h.Head, &h.Grid, &h.Joined, &h.Left, &h.House)
		ids[h.ID] = true
	}
	nv.Months = make([]*Month, len(v.Months))
	for i, m := range v.Months {
		nm := &Month{Month: m.Month, SheetFile: m.SheetFile, RedemptionsFile: m.RedemptionsFile, Rules: m.Rules, Catalog: m.Catalog}
		nm.Entries = only(m.Entries, ids, entryOf, detachEntry)
		nm.Revisions = slices.Clone(m.Revisions)
		for k, r := range m.Revisions {
			// The version's bytes and problems are the whole sheet's: let them go. The rows of
			// the version that is the sheet's are the sheet's rows, copied once.
			nm.Revisions[k].Data, nm.Revisions[k].Problems = nil, nil
			if len(r.Entries) > 0 && len(r.Entries) == len(m.Entries) && &r.Entries[0] == &m.Entries[0] {
				nm.Revisions[k].Entries = nm.Entries
			} else {
				nm.Revisions[k].Entries = only(r.Entries, ids, entryOf, detachEntry)
			}
		}
		nm.Redemptions = only(m.Redemptions, ids, func(r *sheet.Redemption) string { return r.Household }, func(r *sheet.Redemption) {
			detach(&r.Household, &r.Goods, &r.Date, &r.DateText, &r.PointsText)
		})
		nv.Months[i] = nm
	}
	return &nv
}

// only is a new slice of the rows of the households ids (villages have many rows, the
// households kept few), each detached (see detach) from the bytes of its file, which the copy
// then does not keep alive. A household's rows mostly follow each other, so its code is looked
// up once for each run of them.
func only[T any](rows []T, ids map[string]bool, household func(*T) string, detach func(*T)) []T {
	var out []T
	last, keep := "", false
	for i := range rows {
		if h := household(&rows[i]); h != last || i == 0 {
			last, keep = h, ids[h]
		}
		if keep {
			out = append(out, rows[i])
			detach(&out[len(out)-1])
		}
	}
	return out
}

func entryOf(e *sheet.Entry) string { return e.Household }

// detachEntry detaches a row of a sheet from its file's bytes.
func detachEntry(e *sheet.Entry) {
	detach(&e.Household, &e.Item, &e.Date, &e.DateText, &e.PointsText, &e.Note, &e.Evidence)
}

// detach copies each string, which may share the bytes of a whole file.
func detach(ss ...*string) {
	for _, s := range ss {
		*s = strings.Clone(*s)
	}
}
