package site

import (
	"fmt"
	"html"
	"strconv"
	"strings"

	"rsc.io/qr"
)

// barChart draws one bar per value as an inline SVG: positive values up from the zero line,
// negative ones down. It is drawn in Go so that Hugo only prints it; the page always pairs it
// with a table of the same numbers. Only numbers and the labels given are written. Its text is
// chartFont units high (site.css), as many pixels on a phone, where the chart is about as wide as
// its viewBox; a bar's number that would not fit its slot is left to the table.
func barChart(title string, labels []string, values []int) string {
	const w, h, top, bottom, left = 320, 150, 16, 18, 4
	if len(values) == 0 {
		return ""
	}
	hi, lo := 0, 0
	for _, v := range values {
		hi, lo = max(hi, v), min(lo, v)
	}
	if hi == lo {
		hi = 1
	}
	plot := h - top - bottom
	if lo < 0 {
		plot -= chartFont + 6 // room for the number under the lowest bar, clear of the labels
	}
	scale := float64(plot) / float64(hi-lo)
	zero := top + float64(hi)*scale
	slot := float64(w-2*left) / float64(len(values))
	bar := slot * 0.7
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s"><title>%s</title>`, w, h, html.EscapeString(title), html.EscapeString(title))
	fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" class="axis"/>`, left, w-left, zero, zero)
	for i, v := range values {
		x := float64(left) + slot*float64(i) + (slot-bar)/2
		y, bh := zero-float64(max(v, 0))*scale, float64(abs(v))*scale
		class := "up"
		if v < 0 {
			class = "down"
		}
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" class="%s"/>`, x, y, bar, bh, class)
		ly := y - 3
		if v < 0 {
			ly = y + bh + chartFont
		}
		if v != 0 && textWidth(strconv.Itoa(v)) < slot-2 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" class="v">%d</text>`, x+bar/2, ly, v)
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="l">%s</text>`, x+bar/2, h-4, html.EscapeString(labels[i]))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

func abs(n int) int { return max(n, -n) }

// chartFont is the size of a chart's text in its viewBox's units (site.css says the same).
const chartFont = 12

// textWidth is about how wide s is in a chart's text: digits and signs are narrow (about 0.6 of
// the font's size), Chinese characters square.
func textWidth(s string) float64 {
	width := 0.0
	for _, r := range s {
		if r < 0x80 {
			width += 0.6 * chartFont
		} else {
			width += chartFont
		}
	}
	return width
}

// qrCode draws a QR code of text as an inline SVG, with its quiet zone.
func qrCode(text, label string) (string, error) {
	c, err := qr.Encode(text, qr.M)
	if err != nil {
		return "", err
	}
	const quiet = 4
	n := c.Size + 2*quiet
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="qr" viewBox="0 0 %d %d" role="img" aria-label="%s" shape-rendering="crispEdges"><rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n, html.EscapeString(label), n, n)
	for y := range c.Size {
		for x := range c.Size {
			if c.Black(x, y) {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", x+quiet, y+quiet)
			}
		}
	}
	b.WriteString(`"/></svg>`)
	return b.String(), nil
}
