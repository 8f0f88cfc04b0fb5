package score

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/jifen-project/jifen/pipeline/sheet"
	"github.com/jifen-project/jifen/pipeline/town"
)

// The points supermarket (积分超市), as the ledger keeps it:
//
//   - A month's net points become redeemable on the day its sheet is approved (for records not
//     yet committed, on the first day of the next month). Deductions lower the balance.
//   - A redemption spends its points on its date; it may not spend more than the balance.
//   - With expiry "year-end", whatever balance is left at the end of 31 December is cleared and
//     reported as expired, in December's figures. Points approved later (December's own sheet is
//     approved in January) are redeemable in the new year.
//   - An E2 veto freezes the balance from the veto's date to the end of that year: nothing may be
//     redeemed, nothing is taken away.
//   - A redemption the rules refuse (beyond the balance, frozen, of expired points) is reported
//     and not taken from the balance, so that the next rows are judged on the true balance.
//   - The honour score is every net point counted, never reduced by spending or expiry.

// A Ledger is a village's points supermarket accounts.
type Ledger struct {
	Accounts map[string]*Account // by household
	Months   []MarketMonth       // in the order of the village's months
	Problems []Problem           // redemptions the rules do not allow
	Expired  int                 // points cleared at year ends, also before December's sheet is in
}

// An Account is one household's points.
type Account struct {
	Household string
	Honour    int  // all net points counted so far, never reduced by spending
	Balance   int  // redeemable points at the as-of time
	Frozen    bool // frozen by an E2 veto at the as-of time
	Redeemed  int
	Expired   int
	Lines     []Line // the account's history, oldest first
}

// A Line is one movement of an account.
type Line struct {
	Date     string // YYYY-MM-DD
	Kind     string // earn, redeem or expire
	Month    string // the month the points were earned or spent in
	Points   int    // + earned, − spent or expired
	Balance  int    // after the movement
	Goods    string // for a redemption
	Quantity int
}

// A MarketMonth holds one month's supermarket figures for the village.
type MarketMonth struct {
	Month      string
	Redeemed   int // points spent
	Expired    int // points cleared at year end (December only)
	GoodsFen   int // what the goods exchanged cost, in fen
	Households int // households that redeemed
	Lines      int // redemption rows
}

// A Problem is a redemption that the rules do not allow.
type Problem struct {
	File       string
	Month      string // the month of the redemptions file
	Redemption sheet.Redemption
	Kind       string // over (beyond the balance), frozen (E2 veto), expired (the points expired)
	Balance    int    // the balance at the time
}

type event struct {
	date       string
	order      int // earn before redeem on the same day
	month      int // index into the village's months
	household  string
	points     int
	redemption *sheet.Redemption
	veto       bool // an E2 veto's date
}

// Supermarket keeps the village's accounts up to asOf. loc is the town's time zone.
func Supermarket(res *VillageResult, asOf time.Time, loc *time.Location) *Ledger {
	v := res.Village
	l := &Ledger{Accounts: map[string]*Account{}}
	// Goods are valued at the cost of the catalog in force for their month.
	cost := func(m *town.Month, goods string) int {
		catalog := m.Catalog
		if catalog == nil {
			catalog = v.Catalog
		}
		for _, g := range catalog {
			if g.ID == goods {
				return g.CostFen
			}
		}
		return 0
	}
	var events []event
	for i, m := range v.Months {
		l.Months = append(l.Months, MarketMonth{Month: m.Month})
		// A month's points are credited when its sheet is approved; each correction credits (or
		// takes back) the difference on its own day.
		earn := sheet.NextMonth(m.Month) + "-01"
		if m.Approved() {
			earn = m.Versions[0].Time.In(loc).Format(time.DateOnly)
		}
		nets := res.Months[i].VersionNets
		for k, net := range nets {
			day := m.Versions[k].Time.In(loc).Format(time.DateOnly)
			for _, id := range sortedKeys(net) {
				before := 0
				if k > 0 {
					before = nets[k-1][id]
				}
				if d := net[id] - before; d != 0 {
					events = append(events, event{date: day, month: i, household: id, points: d})
				}
			}
			for _, id := range sortedKeys(nets[max(k-1, 0)]) {
				if _, still := net[id]; !still && k > 0 && nets[k-1][id] != 0 {
					events = append(events, event{date: day, month: i, household: id, points: -nets[k-1][id]})
				}
			}
		}
		if len(nets) > 0 {
			earn = m.Versions[len(nets)].Time.In(loc).Format(time.DateOnly)
		}
		for _, s := range res.Months[i].Standings {
			points := s.Net
			if len(nets) > 0 {
				points -= nets[len(nets)-1][s.Household]
			}
			if points != 0 {
				events = append(events, event{date: earn, month: i, household: s.Household, points: points})
			}
			if s.Veto == "E2" {
				for _, c := range s.Entries {
					if c.Reason == VetoRow && m.Rules != nil && m.Rules.Veto(c.Item) != nil && m.Rules.Veto(c.Item).Effect == "E2" {
						events = append(events, event{date: c.Date, order: -1, month: i, household: s.Household, veto: true})
					}
				}
			}
		}
		for j := range m.Redemptions {
			r := &m.Redemptions[j]
			events = append(events, event{date: r.Date, order: 1, month: i, household: r.Household, redemption: r})
		}
	}
	slices.SortStableFunc(events, func(a, b event) int {
		return cmp.Or(strings.Compare(a.date, b.date), cmp.Compare(a.order, b.order))
	})

	today := asOf.In(loc).Format(time.DateOnly)
	frozenUntil := map[string]string{} // household → last day of the frozen year
	beforeExpiry := map[string]int{}   // household → balance just before the last expiry
	year := ""
	account := func(id string) *Account {
		if l.Accounts[id] == nil {
			l.Accounts[id] = &Account{Household: id}
		}
		return l.Accounts[id]
	}
	// Balances expire at the end of a year when the rule set in force in its last month says so.
	expires := map[string]bool{}
	for _, m := range v.Months {
		if m.Rules != nil {
			expires[m.Month[:4]] = m.Rules.Market.Expiry == "year-end"
		}
	}
	expire := func(y string) {
		if !expires[y] {
			return
		}
		dec := slices.IndexFunc(l.Months, func(m MarketMonth) bool { return m.Month == y+"-12" })
		for _, id := range sortedKeys(l.Accounts) {
			a := l.Accounts[id]
			beforeExpiry[id] = a.Balance
			if a.Balance == 0 {
				continue
			}
			if a.Balance > 0 {
				a.Expired += a.Balance
				l.Expired += a.Balance
				if dec >= 0 {
					l.Months[dec].Expired += a.Balance
				}
			}
			a.Lines = append(a.Lines, Line{Date: y + "-12-31", Kind: "expire", Month: y + "-12", Points: -a.Balance})
			a.Balance = 0
		}
	}
	for _, e := range events {
		if e.date > today {
			break
		}
		for y := year; y != "" && y < e.date[:4]; y = next(y) {
			expire(y)
		}
		year = e.date[:4]
		a := account(e.household)
		month := v.Months[e.month].Month
		switch {
		case e.veto:
			frozenUntil[e.household] = e.date[:4] + "-12-31"
		case e.redemption == nil:
			a.Honour += e.points
			a.Balance += e.points
			a.Lines = append(a.Lines, Line{Date: e.date, Kind: "earn", Month: month, Points: e.points, Balance: a.Balance})
		default:
			r := e.redemption
			file := v.Months[e.month]
			refused := true
			switch {
			case r.Points <= 0:
				continue // a row the checks refused already
			case frozenUntil[e.household] >= e.date:
				l.Problems = append(l.Problems, Problem{File: redemptionFile(v, file.Month), Month: file.Month, Redemption: *r, Kind: "frozen", Balance: a.Balance})
			case r.Points > a.Balance && r.Points <= a.Balance+beforeExpiry[e.household]:
				l.Problems = append(l.Problems, Problem{File: redemptionFile(v, file.Month), Month: file.Month, Redemption: *r, Kind: "expired", Balance: a.Balance})
			case r.Points > a.Balance:
				l.Problems = append(l.Problems, Problem{File: redemptionFile(v, file.Month), Month: file.Month, Redemption: *r, Kind: "over", Balance: a.Balance})
			default:
				refused = false
			}
			if refused {
				continue // refused: the goods are not taken from the balance
			}
			a.Balance -= r.Points
			a.Redeemed += r.Points
			a.Lines = append(a.Lines, Line{Date: e.date, Kind: "redeem", Month: month, Points: -r.Points, Balance: a.Balance, Goods: r.Goods, Quantity: r.Quantity})
			mm := &l.Months[e.month]
			mm.Redeemed += r.Points
			mm.GoodsFen += r.Quantity * cost(v.Months[e.month], r.Goods)
			mm.Lines++
		}
	}
	for y := year; y != "" && y < today[:4]; y = next(y) {
		expire(y)
	}
	for id, a := range l.Accounts {
		a.Frozen = frozenUntil[id] >= today && frozenUntil[id] != ""
	}
	for i, m := range v.Months {
		seen := map[string]bool{}
		for _, r := range m.Redemptions {
			seen[r.Household] = true
		}
		l.Months[i].Households = len(seen)
	}
	return l
}

func redemptionFile(v *town.Village, month string) string {
	return "villages/" + v.ID + "/redemptions/" + month + ".csv"
}

func next(year string) string {
	t, err := time.Parse("2006", year)
	if err != nil {
		return "9999"
	}
	return t.AddDate(1, 0, 0).Format("2006")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
