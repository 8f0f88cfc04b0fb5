package rules

// The kinds of values a rule set chooses from. Each is a string as the TOML file spells it, so
// that a file reads as FORMAT.md writes it; code outside this package asks the methods, never
// compares the spelling.

// An Effect is what a veto does to a household ([[vetoes]] effect).
type Effect string

// The effects of a veto.
const (
	// E1: the household's positive points of the month do not count, and it may not be
	// honoured that calendar year.
	E1 Effect = "E1"
	// E2: as E1, and the household's redeemable balance is frozen (not taken) for the rest of
	// the year.
	E2 Effect = "E2"
)

// Valid reports whether e is one of the effects.
func (e Effect) Valid() bool { return e == E1 || e == E2 }

// Freezes reports whether the effect freezes the household's redeemable balance for the rest
// of the year.
func (e Effect) Freezes() bool { return e == E2 }

// Stronger reports whether e does more than other: E2 more than E1, and either more than no
// veto at all (the zero Effect).
func (e Effect) Stronger(other Effect) bool { return e.rank() > other.rank() }

func (e Effect) rank() int {
	switch e {
	case E1:
		return 1
	case E2:
		return 2
	}
	return 0
}

// Publish says what the public site may show of why an entry of an item was scored ([[items]]
// publish). An entry's points count in every published total whatever the item's Publish; only
// its reason is governed here.
type Publish string

// What may be published of an item's entries.
const (
	PublishNote     Publish = "Y" // the item's name and the entry's note
	PublishCategory Publish = "C" // the item's category, not the item nor the note
	PublishNothing  Publish = "N" // nothing: the entry reads as adjusted under the rules
)

// Valid reports whether p is one of the choices.
func (p Publish) Valid() bool {
	return p == PublishNote || p == PublishCategory || p == PublishNothing
}

// ShowsItem reports whether the site may show the item's name and the entry's note.
func (p Publish) ShowsItem() bool { return p == PublishNote }

// ShowsCategory reports whether the site may show the item's category (it may whenever it may
// show the item).
func (p Publish) ShowsCategory() bool { return p == PublishNote || p == PublishCategory }

// A CapPeriod is the period over which an item's cap counts ([[items]] cap_period).
type CapPeriod string

// The cap periods.
const (
	PerMonth CapPeriod = "month" // the default
	PerYear  CapPeriod = "year"  // a calendar year
)

// Valid reports whether c is one of the periods.
func (c CapPeriod) Valid() bool { return c == PerMonth || c == PerYear }

// Yearly reports whether the cap counts over a calendar year rather than a month.
func (c CapPeriod) Yearly() bool { return c == PerYear }

// An Expiry says when unspent points of the supermarket's balance are cleared ([supermarket]
// expiry).
type Expiry string

// The expiries.
const (
	YearEnd Expiry = "year-end" // at the end of 31 December
	Never   Expiry = "never"
)

// Valid reports whether x is one of the expiries.
func (x Expiry) Valid() bool { return x == YearEnd || x == Never }

// AtYearEnd reports whether the balance is cleared at the end of each year.
func (x Expiry) AtYearEnd() bool { return x == YearEnd }

// An OnMove says what becomes of a household's balance when it moves to another village of the
// town, splits or merges ([supermarket] on_move): carried to the households that continue it,
// or cleared. Unset, it is carried: a household's points are its own.
type OnMove string

// The rules for moves.
const (
	Carry OnMove = "carry"
	Clear OnMove = "clear"
)

// Valid reports whether o is one of the rules, or unset.
func (o OnMove) Valid() bool { return o == "" || o == Carry || o == Clear }

// Clears reports whether a balance is cleared when its household moves.
func (o OnMove) Clears() bool { return o == Clear }
