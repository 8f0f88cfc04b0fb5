package site

import (
	"time"

	"github.com/jifen-project/jifen/pipeline/rules"
)

// Slip is what every village's printable declaration slip (申报单) shows of the town's rules:
// the version in force at the site's as-of time, the items a household may declare under it
// (those that add points: deductions and vetoes are recorded by the evaluation group, never
// declared) by category in the rule book's order, and a QR code to the version's rule book page.
// It carries nothing of any household.
type Slip struct {
	Rules      string         `json:"rules"` // the version's effective date, YYYY-MM-DD: its page is rules/<date>/
	Title      string         `json:"rules_title"`
	Categories []SlipCategory `json:"categories"` // those with a declarable item
	QR         string         `json:"qr"`         // SVG; "" when the site has no address
}

// SlipCategory is a category of the rules with its declarable items.
type SlipCategory struct {
	Name  string     `json:"name"`
	Items []SlipItem `json:"items"`
}

// SlipItem is an item a household may declare: its code, its name and the points a sheet may
// give for it.
type SlipItem struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Points []int  `json:"points"`
}

// publishSlip makes the declaration slip of the rules in force at asOf, in the town's time zone:
// the latest version whose effective date is on or before asOf's day. It returns nil when no
// version is in force yet; the slip then has no page.
func publishSlip(vs rules.Versions, asOf time.Time, loc *time.Location, siteURL string) (*Slip, error) {
	rs := vs.InForceOn(asOf.In(loc).Format(time.DateOnly))
	if rs == nil {
		return nil, nil
	}
	s := &Slip{Rules: rs.Effective, Title: rs.Title}
	for _, c := range rs.Categories {
		sc := SlipCategory{Name: c.Name}
		for _, it := range rs.Items {
			if it.Category == c.ID && !it.Deduction() {
				sc.Items = append(sc.Items, SlipItem{ID: it.ID, Name: it.Name, Points: it.Allowed()})
			}
		}
		if len(sc.Items) > 0 {
			s.Categories = append(s.Categories, sc)
		}
	}
	if absolute(siteURL) {
		qr, err := qrCode(siteURL+"rules/"+rs.Effective+"/", rs.Title+"网页的二维码")
		if err != nil {
			return nil, err
		}
		s.QR = qr
	}
	return s, nil
}
