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

// Predecessors are the links to the household.
func (t *Town) Predecessors(r Ref) []Link {
	return slices.DeleteFunc(slices.Clone(t.Links), func(l Link) bool { return l.To != r })
}

var (
	reasonNoVillage     = &check.Text{Zh: "没有代码是 %[3]s 的村", En: "no village has the code %[3]s"}
	reasonNotOnRoster   = &check.Text{Zh: "村 %[3]s 的名册里没有户 %[4]s", En: "village %[3]s's roster has no household %[4]s"}
	reasonSplitMain     = &check.Text{Zh: "分户时要有一户（主户）不写承接积分，它接过分剩下的积分", En: "when a household splits, one new household (the main one) gives no carried points: it takes what is left"}
	reasonSplitShares   = &check.Text{Zh: "分户时除主户外每户都要写承接积分，这里有几户没写", En: "when a household splits, each new household but the main one gives its carried points: several give none"}
	reasonMoveCarried   = &check.Text{Zh: "迁移、合户时积分全部转过来，不写承接积分", En: "a move or a merge carries all the points: it gives no carried points"}
	reasonClearCarried  = &check.Text{Zh: "细则规定迁移时可兑换积分清零（on_move = \"clear\"），不写承接积分", En: "the rule set clears the balance when a household moves (on_move = \"clear\"): it gives no carried points"}
	reasonSplitAndMerge = &check.Text{Zh: "一户不能同时是分户分出来的又是合户合成的", En: "a household cannot both split from one and merge from several"}
)

// moves reads the links of every roster's 迁自, after every village is read: each must name a
// household of the town that has left, before this one joined. A roster row with an error
// links nothing; a predecessor that has not left yet is a warning, and links nothing yet.
func (l *loader) moves(t *Town) {
	bad := l.diags.Lines()
	byID := make(map[string]*Village, len(t.Villages))
	for _, v := range t.Villages {
		byID[v.ID] = v
	}
	at := func(v *Village, h *sheet.Household, key string, code check.Code, value string, reason *check.Text, args ...string) {
		l.add(check.Diagnostic{Code: code, File: v.RosterFile, Line: h.Line, Column: v.RosterColumns[key], Value: value, Reason: reason, Args: args})
	}
	var links []Link
	for _, v := range t.Villages {
		for i := range v.Households {
			h := &v.Households[i]
			if len(h.From) == 0 || bad[v.RosterFile][h.Line] {
				continue
			}
			var own []Link
			for _, r := range h.From {
				from := Ref{Village: cmp.Or(r.Village, v.ID), Household: r.Household}
				pv := byID[from.Village]
				var p *sheet.Household
				if pv != nil {
					p = pv.Household(from.Household)
				}
				switch {
				case pv == nil:
					d := check.Diagnostic{Code: check.UnknownFrom, File: v.RosterFile, Line: h.Line, Column: v.RosterColumns["from"], Value: r.String(), Reason: reasonNoVillage, Args: []string{r.Village}}
					if o := villageNamed(t, r.Village); o != nil {
						d.Suggest = o.ID + "/" + r.Household
					}
					l.add(d)
				case p == nil:
					d := check.Diagnostic{Code: check.UnknownFrom, File: v.RosterFile, Line: h.Line, Column: v.RosterColumns["from"], Value: r.String(), Reason: reasonNotOnRoster, Args: []string{pv.ID, r.Household}}
					if k, _ := sheet.Restore(r.Household, pv.HouseholdIDs()); k != "" {
						d.Suggest = Ref{Village: r.Village, Household: k}.String()
					}
					l.add(d)
				case bad[pv.RosterFile][p.Line]:
				case p.Left == "":
					at(v, h, "from", check.MovePending, r.String(), nil)
				case h.Joined <= p.Left:
					at(v, h, "joined", check.MoveDates, r.String(), nil, h.Joined, p.Left)
				default:
					own = append(own, Link{From: from, To: Ref{Village: v.ID, Household: h.ID}, Left: p.Left, Joined: h.Joined, Carried: h.Carried, CarriedSet: h.CarriedSet})
					continue
				}
				own = nil
				break
			}
			links = append(links, own...)
		}
	}
	t.Links = l.kinds(t, links)
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
// whose 承接积分 is wrong are dropped.
func (l *loader) kinds(t *Town, links []Link) []Link {
	succ, pred := map[Ref]int{}, map[Ref]int{}
	for _, k := range links {
		succ[k.From]++
		pred[k.To]++
	}
	wrong := map[Ref]*check.Text{}
	mains := map[Ref]int{}
	for i := range links {
		k := &links[i]
		switch {
		case succ[k.From] > 1 && pred[k.To] > 1:
			wrong[k.To] = reasonSplitAndMerge
		case succ[k.From] > 1:
			k.Kind = Split
			if !k.CarriedSet {
				if mains[k.From]++; mains[k.From] > 1 {
					wrong[k.To] = reasonSplitShares
				}
			}
		case pred[k.To] > 1:
			k.Kind = Merge
		default:
			k.Kind = Move
		}
		if rs := t.Rules.InForceOn(k.Left); k.CarriedSet && wrong[k.To] == nil {
			switch {
			case k.Kind != Split:
				wrong[k.To] = reasonMoveCarried
			case rs != nil && rs.Market.OnMove.Clears():
				wrong[k.To] = reasonClearCarried
			}
		}
	}
	for _, k := range links {
		if k.Kind == Split && mains[k.From] == 0 && wrong[k.To] == nil && k.To == lastSuccessor(links, k.From) {
			wrong[k.To] = reasonSplitMain
		}
	}
	villages := map[string]*Village{}
	for _, v := range t.Villages {
		villages[v.ID] = v
	}
	for _, to := range slices.SortedFunc(maps.Keys(wrong), func(a, b Ref) int { return cmp.Or(strings.Compare(a.Village, b.Village), strings.Compare(a.Household, b.Household)) }) {
		v := villages[to.Village]
		h := v.Household(to.Household)
		key, value := "carried", ""
		if h.CarriedSet {
			value = strconv.Itoa(h.Carried)
		} else {
			key = "from"
		}
		l.add(check.Diagnostic{Code: check.CarriedWrong, File: v.RosterFile, Line: h.Line, Column: v.RosterColumns[key], Value: value, Reason: wrong[to]})
	}
	return slices.DeleteFunc(links, func(k Link) bool { return wrong[k.To] != nil })
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

// Only is a copy of the village with only the households keep keeps, and their rows, for
// scoring a few households alone: a household's scores and accounts depend on its own rows.
func (v *Village) Only(keep func(*sheet.Household) bool) *Village {
	nv := *v
	nv.households = nil
	nv.Households = slices.DeleteFunc(slices.Clone(v.Households), func(h sheet.Household) bool { return !keep(&h) })
	ids := make(map[string]bool, len(nv.Households))
	for _, h := range nv.Households {
		ids[h.ID] = true
	}
	nv.Months = make([]*Month, len(v.Months))
	for i, m := range v.Months {
		nm := *m
		nm.Entries = slices.DeleteFunc(slices.Clone(m.Entries), func(e sheet.Entry) bool { return !ids[e.Household] })
		nm.Revisions = slices.Clone(m.Revisions)
		for k := range nm.Revisions {
			nm.Revisions[k].Entries = slices.DeleteFunc(slices.Clone(m.Revisions[k].Entries), func(e sheet.Entry) bool { return !ids[e.Household] })
		}
		nm.Redemptions = slices.DeleteFunc(slices.Clone(m.Redemptions), func(r sheet.Redemption) bool { return !ids[r.Household] })
		nm.Declarations = slices.DeleteFunc(slices.Clone(m.Declarations), func(d sheet.Declaration) bool { return !ids[d.Household] })
		nv.Months[i] = &nm
	}
	return &nv
}
