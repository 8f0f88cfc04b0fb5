package site

import (
	"fmt"

	"github.com/jifen-project/jifen/pipeline/score"
	"github.com/jifen-project/jifen/pipeline/town"
)

// Market is a village's points supermarket page: the catalog, each month's figures and how
// they reconcile.
type Market struct {
	Rate    string        `json:"rate"`   // e.g. 1 分 = 1 元
	Expiry  string        `json:"expiry"` // what happens at year end
	Catalog []Goods       `json:"catalog"`
	Months  []MarketMonth `json:"months"` // newest first
	Totals  MarketTotals  `json:"totals"`
}

// Goods are one line of the catalog.
type Goods struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Unit   string `json:"unit"`
	Points int    `json:"points"`
	Cost   string `json:"cost"` // yuan, e.g. 59.90
}

// MarketMonth is one month's figures.
type MarketMonth struct {
	Month      string `json:"month"`
	Title      string `json:"title"`
	Issued     int    `json:"issued"`
	Deducted   int    `json:"deducted"`
	Redeemed   int    `json:"redeemed"`
	Expired    int    `json:"expired"`
	Goods      string `json:"goods_yuan"` // cost of the goods exchanged
	Taking     int    `json:"taking"`     // households with points that month
	Households int    `json:"households"` // households that exchanged
}

// MarketTotals reconcile the points: issued + deducted − redeemed − expired + cleared =
// outstanding, the points households still hold (negative balances included).
type MarketTotals struct {
	Issued      int    `json:"issued"`
	Deducted    int    `json:"deducted"`
	Redeemed    int    `json:"redeemed"`
	Expired     int    `json:"expired"`
	Cleared     int    `json:"cleared"` // negative balances cleared at year end
	Outstanding int    `json:"outstanding"`
	GoodsFen    int    `json:"-"`
	Goods       string `json:"goods_yuan"`
}

func (t *MarketTotals) add(o MarketTotals) {
	t.Issued += o.Issued
	t.Deducted += o.Deducted
	t.Redeemed += o.Redeemed
	t.Expired += o.Expired
	t.Cleared += o.Cleared
	t.Outstanding += o.Outstanding
	t.GoodsFen += o.GoodsFen
	t.Goods = yuan(t.GoodsFen)
}

func publishMarket(v *town.Village, res *score.VillageResult) (Market, MarketTotals) {
	var m Market
	if n := len(v.Months); n > 0 && v.Months[n-1].Rules != nil {
		rs := v.Months[n-1].Rules
		m.Rate = fmt.Sprintf("%d 分 = %d 元", rs.Market.Points, rs.Market.Yuan)
		m.Expiry = "可兑换积分不清零"
		if rs.Market.Expiry == "year-end" {
			m.Expiry = "每年 12 月 31 日未兑换的积分清零"
		}
	}
	for _, g := range v.Catalog {
		m.Catalog = append(m.Catalog, Goods{ID: g.ID, Name: g.Name, Unit: g.Unit, Points: g.Points, Cost: yuan(g.CostFen)})
	}
	var t MarketTotals
	for i, mm := range res.Ledger.Months {
		mr := res.Months[i]
		m.Months = append([]MarketMonth{{Month: mm.Month, Title: monthTitle(mm.Month), Issued: mr.Issued, Deducted: mr.Deducted,
			Redeemed: mm.Redeemed, Expired: mm.Expired, Goods: yuan(mm.GoodsFen), Taking: mr.Taking, Households: mm.Households}}, m.Months...)
		t.Issued += mr.Issued
		t.Deducted += mr.Deducted
		t.Redeemed += mm.Redeemed
		t.GoodsFen += mm.GoodsFen
	}
	t.Expired = res.Ledger.Expired // December's row has it only once December's sheet is in
	for _, a := range res.Ledger.Accounts {
		t.Outstanding += a.Balance
		for _, l := range a.Lines {
			if l.Kind == "expire" && l.Points > 0 {
				t.Cleared += l.Points // a negative balance cleared at year end
			}
		}
	}
	t.Goods = yuan(t.GoodsFen)
	m.Totals = t
	return m, t
}

// yuan writes an amount in fen as yuan with two decimals.
func yuan(fen int) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}
