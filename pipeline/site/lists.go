package site

import (
	"fmt"
	"strings"
)

// The fragments (see fragments.go): the long lists of a village's pages, written as the site's
// templates would write them.

// household writes the bulk of a household's page: its chart, its months, why each month scored
// what it did, and its supermarket account.
func (f *fragments) household(w *htmlWriter, v *Village, h *Household) {
	ranked := v.PublishRanking
	w.m("<figure>", h.Chart, "<figcaption>最近各月积分，数字见下表。</figcaption></figure>\n") // an SVG that Go drew (svg.go)
	w.m(`<table class="months">`, "\n<caption>每月积分</caption>\n",
		`<thead><tr><th scope="col">月份</th><th scope="col" class="n">积分</th>`)
	if ranked {
		w.m(`<th scope="col" class="n">名次</th>`)
	}
	w.m("</tr></thead>\n<tbody>")
	for _, m := range h.Months {
		w.m("\n", `<tr><th scope="row"><a href="`)
		w.url("#m" + m.Month)
		w.m(`">`)
		w.t(f.title(m.Month))
		w.m(`</a></th><td class="n">`)
		w.n(m.Net)
		w.m("</td>")
		if ranked {
			w.m(`<td class="n">`)
			if m.Rank != 0 {
				w.n(m.Rank)
				w.m(" / ")
				w.n(m.Of)
			} else if m.Left {
				w.m("已退出")
			}
			w.m("</td>")
		}
		w.m("</tr>")
	}
	w.m("\n</tbody>\n</table>\n<h2>为什么是这个分数</h2>")
	for _, m := range h.Months {
		f.householdMonth(w, m)
	}
	if len(h.Account) > 0 {
		f.account(w, h)
	}
}

// householdMonth writes why a household's month scored what it did.
func (f *fragments) householdMonth(w *htmlWriter, m HouseholdMonth) {
	title := f.title(m.Month)
	w.m("\n", `<section id="`)
	w.t("m" + m.Month)
	w.m(`">`, "\n<h3>")
	w.t(title)
	w.m("：")
	w.n(m.Net)
	w.m(" 分</h3>\n", `<p class="note">按 `)
	w.t(m.Rules)
	w.m(" 起施行的积分细则计分")
	if m.Adjusted {
		w.m("；本月有按规则调整的情况")
	}
	w.m("。</p>")
	if len(m.Entries) > 0 {
		w.m("\n", `<table class="entries">`, "\n<caption>")
		w.t(title)
		w.m("积分明细</caption>\n",
			`<thead><tr><th scope="col">日期</th><th scope="col">事项</th><th scope="col" class="n">分值</th><th scope="col" class="n">计入</th></tr></thead>`,
			"\n<tbody>")
		for _, e := range m.Entries {
			w.m("\n<tr><td>")
			w.t(e.Date)
			w.m("</td><td>")
			f.reason(w, e.Reason, f.w("adjusted"))
			if e.Cut != "" {
				w.m(`<br><span class="why">`)
				w.t(f.w("cut_" + e.Cut))
				w.m("</span>")
			}
			w.m("</td>")
			w.numbers(e.Points, e.Counted)
			w.m("</tr>")
		}
		w.m("\n</tbody>\n</table>")
	} else {
		w.m("\n<p>本月没有积分记录。</p>")
	}
	if len(m.Declared) > 0 {
		w.m("\n", `<table class="entries">`, "\n<caption>")
		w.t(title)
		w.m("申报</caption>\n",
			`<thead><tr><th scope="col">日期</th><th scope="col">申报的事项</th><th scope="col">结果</th></tr></thead>`,
			"\n<tbody>")
		for _, d := range m.Declared {
			w.m("\n<tr><td>")
			w.t(d.Date)
			w.m("</td><td>")
			f.reason(w, d.Reason, "按规定不公开的事项")
			w.m("</td><td>")
			w.t(d.Outcome)
			if d.Why != "" {
				w.m(`<br><span class="why">`)
				w.t(d.Why)
				w.m("</span>")
			}
			w.m("</td></tr>")
		}
		w.m("\n</tbody>\n</table>")
	}
	w.m("\n</section>")
}

// reason writes what a row was for, under its item's publication rule: the item and the note,
// the category alone, or hidden, said as hidden.
func (f *fragments) reason(w *htmlWriter, r Reason, hidden string) {
	switch {
	case r.Item != "":
		w.t(r.Item)
	case r.Category != "":
		w.t(r.Category)
		w.m("类事项")
	default:
		w.t(hidden)
	}
	if r.Note != "" {
		w.m(`<br><span class="note">`)
		w.t(r.Note)
		w.m("</span>")
	}
}

// account writes a household's supermarket account.
func (f *fragments) account(w *htmlWriter, h *Household) {
	w.m("\n<h2>积分超市账户</h2>\n", `<div class="wide">`, "\n<table>\n<caption>积分的获得、兑换")
	if len(h.Moves) > 0 {
		w.m("、转移")
	}
	w.m("和清零</caption>\n",
		`<thead><tr><th scope="col">日期</th><th scope="col">事项</th><th scope="col" class="n">积分</th><th scope="col" class="n">余额</th></tr></thead>`,
		"\n<tbody>")
	for _, l := range h.Account {
		w.m("\n<tr><td>")
		w.t(l.Date)
		w.m("</td><td>")
		switch l.Kind {
		case "earn":
			w.t(f.title(l.Month))
			w.m("积分")
		case "redeem":
			w.m("兑换 ")
			w.t(l.Goods)
			w.m(" × ")
			w.n(l.Quantity)
		default:
			w.t(f.w("account_" + l.Kind))
			if o := l.Other; o != nil {
				w.m("（")
				if o.Same {
					w.m("本村")
				} else {
					w.t(o.VillageName)
				}
				if o.Household != "" {
					w.m(` <a class="code" href="`)
					w.url(f.page(o.Village, o.Household))
					w.m(`">`)
					w.t(o.Household)
					w.m("</a>")
				}
				w.m("）")
			}
		}
		w.m("</td>")
		w.numbers(l.Points, l.Balance)
		w.m("</tr>")
	}
	w.m("\n</tbody>\n</table>\n</div>")
}

// page is the address of a household's page.
func (f *fragments) page(village, household string) string {
	return f.base + village + "/h/" + strings.ToLower(household) + "/"
}

// who writes a household in a list, as the partial who.html does: its masked name with a link
// when it consented, else its code; and its house number when the list gives it.
func (f *fragments) who(w *htmlWriter, village string, h Who) {
	if !h.Page {
		w.m(`<span class="code">`)
		w.t(h.Household)
		w.m("</span>")
		return
	}
	w.m(`<a href="`)
	w.url(f.page(village, h.Household))
	w.m(`">`)
	w.t(h.Name)
	w.m(`</a> <span class="code">`)
	w.t(h.Household)
	w.m("</span>")
	if h.House != "" {
		w.m(` <span class="code">门牌`)
		w.t(h.House)
		w.m("</span>")
	}
}

// moved writes where a household that left went: split, merged, or moved to a village.
func moved(w *htmlWriter, h Who) {
	switch h.Moved {
	case "split":
		w.m("已分户")
	case "merge":
		w.m("已合户")
	}
	switch {
	case h.MovedTo != "":
		if h.Moved != "move" {
			w.m("，")
		}
		w.m("迁往")
		w.t(h.MovedTo)
	case h.Moved == "move":
		w.m("在本村换了新户号")
	}
}

// names writes households, separated by 、.
func (f *fragments) names(w *htmlWriter, village string, list []Who) {
	series(w, list, func(h Who) { f.who(w, village, h) })
}

// series writes each of items with write, separated by 、 as a list in Chinese is.
func series[T any](w *htmlWriter, items []T, write func(T)) {
	for i, x := range items {
		if i > 0 {
			w.m("、")
		}
		write(x)
	}
}

// blocks writes a ranking in blocks of 25 rows, each a table with its own header (the browser
// lays out only the blocks on screen: content-visibility) and a caption that only the first
// shows; row writes the row i.
func blocks(w *htmlWriter, class, caption, head string, rows int, row func(i int)) {
	for k := 0; k < rows; k += 25 {
		w.m("\n", `<div class="`, class, `">`, "\n", `<table class="ranking">`, "\n<caption")
		if k > 0 {
			w.m(` class="sr-only"`)
		}
		w.m(">")
		w.t(caption)
		if k > 0 {
			w.m("（第 ")
			w.n(k + 1)
			w.m(" 行起）")
		}
		w.m("</caption>\n<thead><tr>", head, "</tr></thead>\n<tbody>")
		for i := k; i < min(k+25, rows); i++ {
			row(i)
		}
		w.m("\n</tbody>\n</table>\n</div>")
	}
}

// ranking writes a month's ranking, with the households that left.
func (f *fragments) ranking(w *htmlWriter, v *Village, m *Month) {
	head := `<th scope="col">名次</th><th scope="col">农户</th><th scope="col">小组</th><th scope="col">积分</th><th scope="col">变化</th>`
	blocks(w, "rows", fmt.Sprintf("%s %s各户积分排名", v.Name, f.title(m.Month)), head, len(m.Ranking), func(i int) {
		r := m.Ranking[i]
		w.m("\n<tr><td>")
		w.n(r.Rank)
		w.m("</td><td>")
		f.who(w, v.ID, r.Who)
		w.m("</td><td>")
		w.t(r.Grid)
		w.m("</td><td>")
		w.n(r.Net)
		w.m("</td><td>")
		switch {
		case r.Up != 0:
			w.m("↑")
			w.n(r.Up)
		case r.Down != 0:
			w.m("↓")
			w.n(r.Down)
		case r.New:
			w.t(f.w("move_new"))
		default:
			w.m("=")
		}
		w.m("</td></tr>")
	})
	if len(m.Left) > 0 {
		w.m("\n<p>本月退出的农户（退出以前的积分照常计入，不参加排名）：")
		series(w, m.Left, func(r Row) {
			f.who(w, v.ID, r.Who)
			w.m("（")
			w.t(r.Grid)
			w.m("，")
			w.n(r.Net)
			w.m(" 分")
			if r.Moved != "" {
				w.m("，")
				moved(w, r.Who)
			}
			w.m("）")
		})
		w.m("</p>")
	}
}

// grid writes a grid's ranking of a month, with its households that left.
func (f *fragments) grid(w *htmlWriter, v *Village, m *Month, g Grid) {
	w.m(`<table class="ranking">`, "\n<caption>")
	w.t(g.Name + " " + f.title(m.Month))
	w.m("组内排名</caption>\n",
		`<thead><tr><th scope="col" class="n">组内名次</th><th scope="col">农户</th><th scope="col" class="n">积分</th><th scope="col" class="n">全村名次</th></tr></thead>`,
		"\n<tbody>")
	for _, i := range m.GridRows[g.ID] {
		r := m.Ranking[i]
		w.m("\n", `<tr><td class="n">`)
		w.n(r.GridRank)
		w.m("</td><td>")
		f.who(w, v.ID, r.Who)
		w.m("</td>")
		w.numbers(r.Net, r.Rank)
		w.m("</tr>")
	}
	w.m("\n</tbody>\n</table>")
	first := true
	for _, r := range m.Left {
		if r.Grid != g.Name {
			continue
		}
		if first {
			w.m("\n<p>本月退出的农户（退出以前的积分照常计入，不参加排名）：")
		} else {
			w.m("、")
		}
		first = false
		f.who(w, v.ID, r.Who)
		w.m("（")
		w.n(r.Net)
		w.m(" 分）")
	}
	if !first {
		w.m("</p>")
	}
}

// board writes the rows of a sheet of a month's printed notice.
func (f *fragments) board(w *htmlWriter, rows []Row) {
	for _, r := range rows {
		w.m("\n", `<tr><td class="n">`)
		w.n(r.Rank)
		w.m("</td><td>")
		if r.Name != "" {
			w.t(r.Name)
			w.m(" ")
		}
		w.m(`<span class="code">`)
		w.t(r.Household)
		w.m("</span></td><td>")
		w.t(r.Grid)
		w.m(`</td><td class="n">`)
		w.n(r.Net)
		w.m("</td></tr>")
	}
}

// stars writes a number of stars as ★, with the number for screen readers.
func stars(w *htmlWriter, n int) {
	if n > 0 {
		w.m(`<span class="stars" aria-label="`)
		w.n(n)
		w.m(`星" title="`)
		w.n(n)
		w.m(`星">`, strings.Repeat("★", n), "</span>")
	}
}

// year writes a year's honours and its ranking.
func (f *fragments) year(w *htmlWriter, v *Village, y *Year) {
	w.m("<h2>星级文明户</h2>")
	for _, g := range y.Stars {
		w.m("\n<h3>")
		stars(w, g.Stars)
		w.m(" ")
		w.n(g.Stars)
		w.m("星（")
		w.n(len(g.Households))
		w.m(" 户）</h3>\n", `<p class="names">`)
		f.names(w, v.ID, g.Households)
		w.m("</p>")
	}
	if len(y.Stars) == 0 {
		w.m("\n<p>还没有户达到星级。</p>")
	}
	w.m("\n<h2>道德模范候选</h2>\n<p>按“")
	w.t(y.Model)
	w.m("”类全年净积分提名，最终由村民评议决定。</p>")
	if len(y.Nominees) > 0 {
		w.m("\n", `<p class="names">`)
		f.names(w, v.ID, y.Nominees)
		w.m("</p>")
	} else {
		w.m("\n<p>暂无。</p>")
	}
	if !v.PublishRanking {
		return
	}
	w.m("\n<h2>月度积分之星</h2>")
	for _, m := range y.Monthly {
		w.m("\n", `<p><a href="`)
		w.url(f.base + v.ID + "/" + m.Month + "/")
		w.m(`">`)
		w.t(f.title(m.Month))
		w.m("</a>：")
		f.names(w, v.ID, m.Households)
		w.m("</p>")
	}
	w.m("\n<h2>累计排名</h2>")
	head := `<th scope="col" class="n">名次</th><th scope="col">农户</th><th scope="col" class="n">累计积分</th><th scope="col">星级</th>`
	blocks(w, "year-rows", fmt.Sprintf("%s %v年累计积分排名（到%s）", v.Name, y.Year, f.title(y.Through)), head, len(y.Ranking), func(i int) {
		r := y.Ranking[i]
		w.m("\n", `<tr><td class="n">`)
		w.n(r.Rank)
		w.m("</td><td>")
		f.who(w, v.ID, r.Who)
		w.m(`</td><td class="n">`)
		w.n(r.Net)
		w.m("</td><td>")
		stars(w, r.Stars)
		w.m("</td></tr>")
	})
}

// directory writes a village's grids and their households, on the roster and left.
func (f *fragments) directory(w *htmlWriter, v *Village) {
	w.m(`<nav aria-label="村民小组"><p>`)
	for i, g := range v.Directory {
		if i > 0 {
			w.m(" · ")
		}
		w.m(`<a href="`)
		w.url("#g-" + g.ID)
		w.m(`">`)
		w.t(g.Name)
		w.m("</a>")
	}
	w.m("</p></nav>")
	for _, g := range v.Directory {
		w.m("\n", `<section id="`)
		w.t("g-" + g.ID)
		w.m(`">`, "\n<h2>")
		w.t(g.Name)
		w.m("（")
		w.n(len(g.Households))
		w.m(" 户）</h2>\n", `<ul class="finder">`)
		for _, h := range g.Households {
			w.m("\n<li>")
			f.who(w, v.ID, h)
			w.m("</li>")
		}
		w.m("\n</ul>")
		if len(g.Left) > 0 {
			w.m("\n<p>已退出的户（以前的积分记录照样可查）：")
			series(w, g.Left, func(h Who) {
				f.who(w, v.ID, h)
				if h.Moved != "" {
					w.m("（")
					moved(w, h)
					w.m("）")
				}
			})
			w.m("</p>")
		}
		w.m("\n</section>")
	}
}
