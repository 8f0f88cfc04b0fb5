package demo

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/jifen-project/jifen/pipeline/sheet"
)

// csvFile writes rows the way the village's cadres save their spreadsheets: UTF-8, UTF-8 with a
// byte order mark (WPS), or GB18030 (Excel on Chinese Windows), with CRLF line ends if they say so.
func (v *village) csvFile(rows [][]string) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.UseCRLF = v.settings.CRLF
	w.WriteAll(rows) // writing to memory cannot fail
	switch v.settings.Encoding {
	case "utf-8-bom":
		return append([]byte("\uFEFF"), b.Bytes()...)
	case "gb18030":
		out, err := simplifiedchinese.GB18030.NewEncoder().Bytes(b.Bytes())
		if err != nil {
			panic("demo: GB18030 cannot encode " + err.Error()) // every character we write is Chinese or ASCII
		}
		return out
	}
	return b.Bytes()
}

// date writes a date (YYYY-MM-DD) in the village's layout.
func (v *village) date(day string) string {
	if day == "" {
		return ""
	}
	t, _ := time.Parse(time.DateOnly, day)
	return t.Format(v.settings.DateLayout)
}

// rosterFile is the village's households.csv as it stood on day (YYYY-MM-DD): households that had
// joined by then, with the leaving dates that had come. The households of a move are as they
// stood on moved instead: their pull request brings them. The columns 迁自 and 承接积分 are
// there once a household that gives them is.
func (v *village) rosterFile(day, moved string) []byte {
	header := []string{"户号", "户主", "小组", "公开授权", "加入日期", "退出日期"}
	if v.settings.HouseNumbers {
		header = append(header, "门牌号")
	}
	var rows [][]string
	from, carried := false, false
	for i, h := range v.households {
		cut := day
		if _, ok := v.moves[h.ID]; ok {
			cut = moved
		}
		if h.Joined > cut {
			continue
		}
		consent, left := "否", ""
		if h.Consent {
			consent = "是"
		}
		if h.Left != "" && h.Left <= cut {
			left = v.date(h.Left)
		}
		row := []string{h.ID, h.Head, h.Grid, consent, v.date(h.Joined), left}
		if v.settings.HouseNumbers {
			row = append(row, strconv.Itoa(i+1)+"号")
		}
		var refs []string
		for _, r := range h.From {
			refs = append(refs, r.String())
		}
		share := ""
		if h.CarriedSet {
			share = strconv.Itoa(h.Carried)
		}
		from, carried = from || len(refs) > 0, carried || h.CarriedSet
		rows = append(rows, append(row, strings.Join(refs, "、"), share))
	}
	if from {
		header = append(header, "迁自")
	}
	if carried {
		header = append(header, "承接积分")
	}
	for i, row := range rows {
		rows[i] = row[:len(header)]
	}
	return v.csvFile(append([][]string{header}, rows...))
}

// sheetFile is a monthly score sheet.
func (v *village) sheetFile(entries []sheet.Entry) []byte {
	rows := [][]string{{"户号", "事项", "分值", "日期", "说明", "佐证"}}
	for _, e := range entries {
		rows = append(rows, []string{e.Household, e.Item, strconv.Itoa(e.Points), v.date(e.Date), e.Note, e.Evidence})
	}
	return v.csvFile(rows)
}

// redemptionsFile is a month's supermarket exchanges.
func (v *village) redemptionsFile(reds []sheet.Redemption) []byte {
	rows := [][]string{{"户号", "商品", "数量", "积分", "日期"}}
	for _, r := range reds {
		rows = append(rows, []string{r.Household, r.Goods, strconv.Itoa(r.Quantity), strconv.Itoa(r.Points), v.date(r.Date)})
	}
	return v.csvFile(rows)
}
