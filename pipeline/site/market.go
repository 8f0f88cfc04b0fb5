package site

import (
	"slices"

	"github.com/jifen-project/jifen/pipeline/rules"
	"github.com/jifen-project/jifen/pipeline/score"
	"github.com/jifen-project/jifen/pipeline/town"
)

// Market is a village's points supermarket page: the catalog, each month's figures and how
// they reconcile. Amounts of money are in fen (0.01 yuan).
type Market struct {
	Rate    Rate          `json:"rate"`
	Catalog []Goods       `json:"catalog"`
	Months  []MarketMonth `json:"months"` // newest first
	Totals  MarketTotals  `json:"totals"`
	// Moves: some of the village's households moved, split or merged, or continue others of the
	// town (the page then shows what went in and out); MoveClears: some points were cleared
	// when they did.
	Moves      bool `json:"moves"`
	MoveClears bool `json:"move_clears"`
}

// Rate is what points buy: Points points buy goods worth Yuan yuan, whether unspent points
// are cleared at the end of each year (Expiry year-end) or not (never), and whether a household
// that moves, splits or merges takes its points along (OnMove carry) or loses them (clear).
type Rate struct {
	Points int    `json:"points"`
	Yuan   int    `json:"yuan"`
	Expiry string `json:"expiry"`
	OnMove string `json:"on_move"`
}

// Goods are one line of the catalog.
type Goods struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Unit    string `json:"unit"`
	Points  int    `json:"points"`
	CostFen int    `json:"cost_fen"`
}

// MarketMonth is one month's figures.
type MarketMonth struct {
	Month      string `json:"month"`
	Issued     int    `json:"issued"`
	Deducted   int    `json:"deducted"`
	Redeemed   int    `json:"redeemed"`
	Expired    int    `json:"expired"`
	GoodsFen   int    `json:"goods_fen"`  // cost of the goods exchanged
	Taking     int    `json:"taking"`     // households with points that month
	Households int    `json:"households"` // households that exchanged
	MovedIn    int    `json:"moved_in"`   // points that came with households continuing others of the town
	MovedOut   int    `json:"moved_out"`  // points that went to households continuing the village's
	MoveClear  int    `json:"move_clear"` // points cleared when households moved
}

// MarketTotals reconcile the points: issued + deducted − redeemed − expired + cleared +
// moved in − moved out − move clear = outstanding, the points households still hold (negative
// balances included). In a town, what moved in is what moved out.
type MarketTotals struct {
	Issued      int `json:"issued"`
	Deducted    int `json:"deducted"`
	Redeemed    int `json:"redeemed"`
	Expired     int `json:"expired"`
	Cleared     int `json:"cleared"` // negative balances cleared at year end
	MovedIn     int `json:"moved_in"`
	MovedOut    int `json:"moved_out"`
	MoveClear   int `json:"move_clear"`
	Outstanding int `json:"outstanding"`
	GoodsFen    int `json:"goods_fen"`
}

func (t *MarketTotals) add(o MarketTotals) {
	t.Issued += o.Issued
	t.Deducted += o.Deducted
	t.Redeemed += o.Redeemed
	t.Expired += o.Expired
	t.Cleared += o.Cleared
	t.MovedIn += o.MovedIn
	t.MovedOut += o.MovedOut
	t.MoveClear += o.MoveClear
	t.Outstanding += o.Outstanding
	t.GoodsFen += o.GoodsFen
}

func publishMarket(tw *town.Town, v *town.Village, res *score.VillageResult) (Market, MarketTotals) {
	var m Market
	if n := len(v.Months); n > 0 && v.Months[n-1].Rules != nil {
		m.Rate = rate(v.Months[n-1].Rules.Market)
	}
	for _, g := range v.Catalog.Goods {
		m.Catalog = append(m.Catalog, Goods{ID: g.ID, Name: g.Name, Unit: g.Unit, Points: g.Points, CostFen: g.CostFen})
	}
	var t MarketTotals
	for _, mm := range res.Ledger.Months {
		m.Months = append([]MarketMonth{{Month: mm.Month, Issued: mm.Issued, Deducted: mm.Deducted,
			Redeemed: mm.Redeemed, Expired: mm.Expired, GoodsFen: mm.GoodsFen, Taking: mm.Taking, Households: mm.Households,
			MovedIn: mm.MovedIn, MovedOut: mm.MovedOut, MoveClear: mm.MoveClear}}, m.Months...)
		t.Issued += mm.Issued
		t.Deducted += mm.Deducted
		t.Redeemed += mm.Redeemed
		t.Expired += mm.Expired
		t.Cleared += mm.Cleared
		t.MovedIn += mm.MovedIn
		t.MovedOut += mm.MovedOut
		t.MoveClear += mm.MoveClear
		t.GoodsFen += mm.GoodsFen
		m.MoveClears = m.MoveClears || mm.MoveClear != 0
	}
	m.Moves = m.MoveClears || t.MovedIn != 0 || t.MovedOut != 0 || slices.ContainsFunc(tw.Links, func(l town.Link) bool {
		return l.From.Village == v.ID || l.To.Village == v.ID
	})
	for _, a := range res.Ledger.Accounts {
		t.Outstanding += a.Balance
	}
	m.Totals = t
	return m, t
}

// rate is a rule set's supermarket parameters as the site shows them.
func rate(m rules.Market) Rate {
	r := Rate{Points: m.Points, Yuan: m.Yuan, Expiry: string(rules.Never), OnMove: string(rules.Carry)}
	if m.Expiry.AtYearEnd() {
		r.Expiry = string(rules.YearEnd)
	}
	if m.OnMove.Clears() {
		r.OnMove = string(rules.Clear)
	}
	return r
}
