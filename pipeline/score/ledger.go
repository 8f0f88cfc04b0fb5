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
//   - A correction credits, or takes back, on its own day what it changes: in the month it
//     corrects, and in the later months of the year whose caps it changes (see credits).
//   - A redemption spends its points on its date; it may not spend more than the balance of that
//     day, so one that was allowed stays allowed whatever a later correction takes back (the
//     balance may then go below zero).
//   - With expiry "year-end", whatever balance is left at the end of 31 December is cleared and
//     reported as expired, in December's figures (a December of its own when the village has no
//     December sheet). Points approved later (December's own sheet is approved in January) are
//     redeemable in the new year.
//   - An E2 veto freezes the balance from the veto's date to the end of that year: nothing may be
//     redeemed, nothing is taken away.
//   - A redemption the rules refuse (beyond the balance, frozen, of expired points) is reported
//     and not taken from the balance, so that the next rows are judged on the true balance.
//   - The honour score is every net point counted, never reduced by spending or expiry.

// A Ledger is a village's points supermarket accounts.
type Ledger struct {
	Accounts map[string]*Account // by household
	Months   []MarketMonth       // by month: the village's months, and each December whose clearing had no sheet
	Problems []Problem           // redemptions the rules do not allow
	Expired  int                 // points cleared at year ends: the sum of the months' Expired
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

// A LineKind says what moved an account.
type LineKind string

// The kinds of account lines.
const (
	Earn   LineKind = "earn"   // a month's points, or a correction's difference
	Redeem LineKind = "redeem" // goods exchanged
	Expire LineKind = "expire" // the balance cleared at a year's end
	// See Moves.
	MoveIn    LineKind = "move-in"    // the balance, or a later credit, of a household this one continues
	MoveOut   LineKind = "move-out"   // the balance, or a later credit, gone to a household that continues this one
	MoveClear LineKind = "move-clear" // the balance, or a later credit, cleared when the household moved
)

// A Line is one movement of an account.
type Line struct {
	Date     string   // YYYY-MM-DD
	Kind     LineKind // earn, redeem, expire or a move's
	Month    string   // the month the points were earned or spent in
	Points   int      // + earned, − spent or expired
	Balance  int      // after the movement
	Goods    string   // for a redemption
	Quantity int
	Other    town.Ref // for a move: the household the points came from or went to
}

// A MarketMonth holds one month's supermarket figures for the village. A December that only
// the year-end clearing brings (the village has no sheet for it) has only Month, Expired and
// Cleared.
type MarketMonth struct {
	Month      string
	Issued     int // positive points counted in the month's sheet
	Deducted   int // deductions counted in the month's sheet (≤ 0)
	Taking     int // households with at least one row in the month's sheet
	Redeemed   int // points spent
	Expired    int // points cleared at year end (December only)
	Cleared    int // negative balances cleared at year end, the debts written off (December only)
	GoodsFen   int // what the goods exchanged cost, in fen
	Households int // households that redeemed
	Lines      int // redemption rows
	MovedIn    int // points received from households this village's continue (see Moves)
	MovedOut   int // points gone to households that continue this village's
	MoveClear  int // points cleared when households moved
}

// A ProblemKind says why the ledger refuses a redemption.
type ProblemKind string

// The refusals.
const (
	Over          ProblemKind = "over"    // beyond the balance
	Frozen        ProblemKind = "frozen"  // the balance is frozen by an E2 veto
	ExpiredPoints ProblemKind = "expired" // the points it spends expired
)

// A Problem is a redemption that the rules do not allow.
type Problem struct {
	MonthIndex int // index of the redemptions' month in the village's months
	Redemption sheet.Redemption
	Kind       ProblemKind
	Balance    int // the balance at the time
}

type event struct {
	date       string
	order      int // earn before redeem on the same day
	month      int // index into the village's months
	household  string
	points     int
	redemption *sheet.Redemption
	transfer   *Transfer // points received from a household this one continues
	veto       bool      // an E2 veto's date
	leave      bool      // the end of a predecessor's 退出日期
}

// Supermarket keeps the village's accounts up to asOf. loc is the town's time zone.
func Supermarket(res *VillageResult, asOf time.Time, loc *time.Location) *Ledger {
	return supermarket(res, asOf, loc, true, nil)
}

// supermarket keeps the village's accounts, with each account's lines when lines, and with the
// town's moves, when not nil.
func supermarket(res *VillageResult, asOf time.Time, loc *time.Location, lines bool, moves *Moves) *Ledger {
	k := newKeeper(res, asOf, loc, lines, moves)
	k.run()
	return k.Ledger
}

// newKeeper prepares the keeping of the village's accounts.
func newKeeper(res *VillageResult, asOf time.Time, loc *time.Location, lines bool, moves *Moves) *keeper {
	v := res.Village
	if moves == nil {
		moves = &Moves{}
	}
	k := &keeper{
		lines:        lines,
		Ledger:       &Ledger{Accounts: map[string]*Account{}, Months: make([]MarketMonth, len(v.Months))},
		res:          res,
		loc:          loc,
		village:      v,
		moves:        moves,
		today:        asOf.In(loc).Format(time.DateOnly),
		frozenUntil:  map[string]string{},
		beforeExpiry: map[string]int{},
		expires:      map[string]bool{},
		gone:         map[string]bool{},
	}
	for i, m := range v.Months {
		mr := res.Months[i]
		k.Months[i] = MarketMonth{Month: m.Month, Issued: mr.Issued, Deducted: mr.Deducted, Taking: mr.Taking}
		if m.Rules != nil {
			// Balances expire at the end of a year when the rule set of its last month says so.
			k.expires[m.Month[:4]] = m.Rules.Market.Expiry.AtYearEnd()
		}
		seen := make(map[string]bool, len(m.Redemptions))
		for _, r := range m.Redemptions {
			seen[r.Household] = true
		}
		k.Months[i].Households = len(seen)
	}
	return k
}

// run books the village's events up to the as-of day.
func (k *keeper) run() {
	year := ""
	for _, e := range k.events() {
		if e.date > k.today {
			break
		}
		for y := year; y != "" && y < e.date[:4]; y = next(y) {
			k.expire(y)
		}
		year = e.date[:4]
		k.apply(e)
	}
	for y := year; y != "" && y < k.today[:4]; y = next(y) {
		k.expire(y)
	}
	for id, a := range k.Accounts {
		a.Frozen = k.frozenUntil[id] >= k.today && k.frozenUntil[id] != ""
	}
	slices.SortStableFunc(k.Months, func(a, b MarketMonth) int { return strings.Compare(a.Month, b.Month) })
}

// A keeper replays a village's events into its ledger.
type keeper struct {
	*Ledger
	res           *VillageResult
	loc           *time.Location
	village       *town.Village
	moves         *Moves
	gone          map[string]bool // predecessors that have left: what they are credited goes on
	out           []Transfer      // what left the village's accounts for households that continue them
	shareProblems []ShareProblem
	splits        map[string]*splitting // predecessors that split, by household: the shares not yet paid
	today         string
	frozenUntil   map[string]string // household → last day of the frozen year
	beforeExpiry  map[string]int    // household → balance just before the last expiry
	expires       map[string]bool   // year → its balances expire at its end
	lines         bool              // keep each account's lines
}

// line adds a line to the account, if the keeper keeps them.
func (k *keeper) line(a *Account, l Line) {
	if k.lines {
		a.Lines = append(a.Lines, l)
	}
}

func (k *keeper) account(id string) *Account {
	a := k.Accounts[id]
	if a == nil {
		a = &Account{Household: id}
		k.Accounts[id] = a
	}
	return a
}

// events are the village's earnings (see credits), E2 vetoes, redemptions and moves in the
// order they happened.
func (k *keeper) events() []event {
	res, loc := k.res, k.loc
	n := 0
	for i, m := range res.Village.Months {
		n += len(res.Months[i].Standings) + len(m.Redemptions)
	}
	out := credits(make([]event, 0, n), res, loc, false)
	earned := len(out)
	for i, m := range res.Village.Months {
		for _, s := range res.Months[i].Standings {
			if !s.Veto.Freezes() {
				continue
			}
			for _, c := range s.Entries {
				if v := m.Rules.Veto(c.Item); c.Reason == VetoRow && v != nil && v.Effect.Freezes() {
					out = append(out, event{date: c.Date, order: -1, month: i, household: s.Household, veto: true})
				}
			}
		}
		for j := range m.Redemptions {
			r := &m.Redemptions[j]
			out = append(out, event{date: r.Date, order: 1, month: i, household: r.Household, redemption: r})
		}
	}
	out = k.moveEvents(out)
	return sortEvents(out, earned)
}

// sortEvents sorts events in the order they happened, keeping the order of events at the same
// time (as slices.SortStableFunc does): the first n, the credits, and the others are sorted
// apart, each mostly in order already, then merged from the end, the credits first at the same
// time.
func sortEvents(events []event, n int) []event {
	earlier := func(a, b event) int {
		return cmp.Or(strings.Compare(a.date, b.date), cmp.Compare(a.order, b.order))
	}
	for _, part := range [][]event{events[:n], events[n:]} {
		if !slices.IsSortedFunc(part, earlier) {
			slices.SortStableFunc(part, earlier)
		}
	}
	others := slices.Clone(events[n:])
	i, j := n-1, len(others)-1
	for k := len(events) - 1; j >= 0; k-- {
		if i >= 0 && earlier(others[j], events[i]) < 0 {
			events[k], i = events[i], i-1
		} else {
			events[k], j = others[j], j-1
		}
	}
	return events
}

// apply books one event.
func (k *keeper) apply(e event) {
	a := k.account(e.household)
	switch {
	case e.veto:
		k.frozenUntil[e.household] = e.date[:4] + "-12-31"
	case e.transfer != nil:
		k.receive(e, a)
	case e.leave:
		k.leave(e, a)
	case e.redemption == nil:
		a.Honour += e.points
		a.Balance += e.points
		k.line(a, Line{Date: e.date, Kind: Earn, Month: k.village.Months[e.month].Month, Points: e.points, Balance: a.Balance})
		if k.gone[e.household] {
			k.forward(e, a)
		}
	default:
		k.redeem(e, a)
	}
}

// redeem books a redemption, or records why the rules refuse it: a refused redemption is not
// taken from the balance, so that the next rows are judged on the true balance.
func (k *keeper) redeem(e event, a *Account) {
	r := e.redemption
	if r.Points <= 0 {
		return
	}
	p := Problem{MonthIndex: e.month, Redemption: *r, Balance: a.Balance}
	switch {
	case k.frozenUntil[e.household] >= e.date:
		p.Kind = Frozen
	case r.Points > a.Balance && r.Points <= a.Balance+k.beforeExpiry[e.household]:
		p.Kind = ExpiredPoints
	case r.Points > a.Balance:
		p.Kind = Over
	}
	if p.Kind != "" {
		k.Problems = append(k.Problems, p)
		return
	}
	m := k.village.Months[e.month]
	a.Balance -= r.Points
	a.Redeemed += r.Points
	k.line(a, Line{Date: e.date, Kind: Redeem, Month: m.Month, Points: -r.Points, Balance: a.Balance, Goods: r.Goods, Quantity: r.Quantity})
	mm := &k.Months[e.month]
	mm.Redeemed += r.Points
	mm.GoodsFen += r.Quantity * cost(k.village, m, r.Goods)
	mm.Lines++
}

// cost is what the goods cost, at the catalog in force for the month.
func cost(v *town.Village, m *town.Month, goods string) int {
	catalog := m.Catalog
	if catalog == nil {
		catalog = v.Catalog.Goods
	}
	for _, g := range catalog {
		if g.ID == goods {
			return g.CostFen
		}
	}
	return 0
}

// expire clears every balance at the end of year y, when its rules say so, in December's
// figures: the village's December, or one of its own (put in order at the end) when the
// village has no sheet for it and the clearing took something.
func (k *keeper) expire(y string) {
	if !k.expires[y] {
		return
	}
	cleared, expired, debts := false, 0, 0
	day, month := y+"-12-31", y+"-12"
	// Each account is cleared on its own: the order they are taken in changes nothing.
	for id, a := range k.Accounts {
		k.beforeExpiry[id] = a.Balance
		if a.Balance == 0 {
			continue
		}
		if a.Balance > 0 {
			a.Expired += a.Balance
			expired += a.Balance
		} else {
			debts -= a.Balance
		}
		k.line(a, Line{Date: day, Kind: Expire, Month: month, Points: -a.Balance})
		a.Balance, cleared = 0, true
	}
	if !cleared {
		return
	}
	dec := k.month(month)
	dec.Expired += expired
	dec.Cleared += debts
	k.Expired += expired
}

// month is the figures of the month (YYYY-MM): the village's, or one of its own (put in order
// at the end) when the village has no sheet for it.
func (k *keeper) month(month string) *MarketMonth {
	i := slices.IndexFunc(k.Months, func(m MarketMonth) bool { return m.Month == month })
	if i < 0 {
		k.Months = append(k.Months, MarketMonth{Month: month})
		i = len(k.Months) - 1
	}
	return &k.Months[i]
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
