// Package synth makes county-scale synthetic records for measuring the checks: villages of
// 250 to 1,200 households, 30–70% of them taking part, one to four entries a month each, a year
// of monthly sheets, about 5% deductions and a rare veto, as DOMAIN.md describes real volumes.
// The items come from a rule set; nothing of a particular rule set is written here.
package synth

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/jifen-project/jifen/pipeline/rules"
	"github.com/jifen-project/jifen/pipeline/town"
)

// Year is the year the synthetic sheets are for; check them as of a time after it.
const Year = 2025

// County makes the records of a county-sized town with about rows sheet rows in all, scored by
// the rule set ruleFile (the TOML of rules/<date>.toml, in force from January of Year). The
// same arguments give the same records.
func County(ruleFile []byte, rows int, seed uint64) (town.Source, error) {
	rs, diags := rules.Read("rules.toml", ruleFile)
	if len(diags) > 0 {
		return town.Source{}, diags
	}
	if rs.Effective > fmt.Sprintf("%d-01-01", Year) {
		return town.Source{}, fmt.Errorf("the rule set takes effect on %s, after January %d", rs.Effective, Year)
	}
	g := &generator{rs: rs, r: rand.New(rand.NewPCG(seed, 1)), files: map[string][]byte{}}
	for _, it := range rs.Items {
		if it.Deduction() {
			g.deductions = append(g.deductions, it)
		} else {
			g.positives = append(g.positives, it)
		}
	}
	var ids []string
	for n := 0; n < rows; {
		id := fmt.Sprintf("v%03d", len(ids)+1)
		ids = append(ids, id)
		n += g.village(id)
	}
	g.files["rules/"+rs.Effective+".toml"] = ruleFile
	g.files["town.toml"] = fmt.Appendf(nil, "format = 1\nname = \"合成县\"\nvillages = [\"%s\"]\nnotice_days = 7\nobjection_contact = \"县积分办\"\n", strings.Join(ids, `", "`))
	g.files["supermarket/catalog.csv"] = []byte("商品编号,名称,单位,积分,成本\nG01,食用油,桶,60,59.90\nG02,大米,袋,50,48.50\nG03,洗衣粉,袋,10,9.80\n")
	return town.Source{Files: g.files}, nil
}

type generator struct {
	rs         *rules.RuleSet
	r          *rand.Rand
	files      map[string][]byte
	positives  []rules.Item
	deductions []rules.Item
}

var (
	surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
	given    = []rune("建国华明军伟芳娟秀英丽强磊洋艳勇杰娜涛斌超霞平刚桂兰玉梅春秋冬夏雨雪云山水林松竹红燕鹏飞志文德福")
	notes    = []string{"参加村里活动", "按时完成", "村民小组评议认定", "第%d次", "网格员核实", "评议小组通过", "%d月例行检查", ""}
)

// village writes a village's roster and a year of sheets, and returns the number of rows.
func (g *generator) village(id string) int {
	r := g.r
	dir := "villages/" + id + "/"
	grids := 10 + r.IntN(11)
	var vt strings.Builder
	fmt.Fprintf(&vt, "name = \"合成%s村\"\n\n[evaluation]\nmembers = [\"评议员\"]\n", id)
	for i := 1; i <= grids; i++ {
		fmt.Fprintf(&vt, "\n[[grids]]\nid = \"g%d\"\nname = \"第%d组\"\nworker = \"网格员%d\"\n", i, i, i)
	}
	g.files[dir+"village.toml"] = []byte(vt.String())

	n := 250 + r.IntN(951)
	roster := [][]string{{"户号", "户主", "小组", "公开授权", "加入日期", "退出日期"}}
	households := make([]string, n)
	for i := range households {
		households[i] = fmt.Sprintf("%s-%04d", strings.ToUpper(id), i+1)
		head := string(surnames[r.IntN(len(surnames))]) + string(given[r.IntN(len(given))])
		if r.IntN(2) == 0 {
			head += string(given[r.IntN(len(given))])
		}
		consent := "是"
		if r.IntN(4) == 0 {
			consent = "否"
		}
		roster = append(roster, []string{households[i], head, fmt.Sprintf("第%d组", 1+i%grids), consent, fmt.Sprintf("%d-12-01", Year-1), ""})
	}
	g.files[dir+"households.csv"] = csvFile(roster)

	rate := 0.3 + 0.4*r.Float64()
	yearly := map[string]int{} // household/item → points this year, for yearly caps
	total := 0
	for month := 1; month <= 12; month++ {
		sheet := [][]string{{"户号", "事项", "分值", "日期", "说明", "佐证"}}
		seen := map[string]bool{} // a sheet never repeats a row
		for _, h := range households {
			if r.Float64() >= rate {
				continue
			}
			monthly := map[string]int{}
			for k := 1 + r.IntN(4); k > 0; k-- {
				if row, ok := g.entry(h, month, monthly, yearly); ok && !seen[strings.Join(row, ",")] {
					seen[strings.Join(row, ",")] = true
					sheet = append(sheet, row)
				}
			}
		}
		if r.IntN(40) == 0 && len(g.rs.Vetoes) > 0 { // 0–3 vetoes a village a year
			v := g.rs.Vetoes[r.IntN(len(g.rs.Vetoes))]
			sheet = append(sheet, []string{households[r.IntN(n)], v.ID, "0", g.date(month), "经评议小组认定", fmt.Sprintf("决定书%d-%d", month, r.IntN(100))})
		}
		total += len(sheet) - 1
		g.files[fmt.Sprintf("%ssheets/%d-%02d.csv", dir, Year, month)] = csvFile(sheet)
	}
	return total
}

// entry makes one row for household h, within the item's caps.
func (g *generator) entry(h string, month int, monthly, yearly map[string]int) ([]string, bool) {
	r := g.r
	items := g.positives
	if r.IntN(20) == 0 && len(g.deductions) > 0 {
		items = g.deductions
	}
	it := items[r.IntN(len(items))]
	points := it.Allowed()[r.IntN(len(it.Allowed()))]
	used, key := monthly, it.ID
	if it.CapPeriod == "year" {
		used, key = yearly, h+"/"+it.ID
	}
	if abs(used[key]+points) > abs(it.Cap) {
		return nil, false
	}
	used[key] += points
	note := notes[r.IntN(len(notes))]
	if strings.Contains(note, "%d") {
		note = fmt.Sprintf(note, 1+r.IntN(month))
	}
	evidence := ""
	if it.Evidence {
		evidence = fmt.Sprintf("签到表%d-%d", month, 1+r.IntN(60))
	}
	return []string{h, it.ID, fmt.Sprint(points), g.date(month), note, evidence}, true
}

// date is a day of the month in one of the forms spreadsheets write, mostly the first.
func (g *generator) date(month int) string {
	day := 1 + g.r.IntN(28)
	switch g.r.IntN(10) {
	case 0:
		return fmt.Sprintf("%d/%d/%d", Year, month, day)
	case 1:
		return fmt.Sprintf("%d年%d月%d日", Year, month, day)
	}
	return fmt.Sprintf("%d-%02d-%02d", Year, month, day)
}

func csvFile(rows [][]string) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.WriteAll(rows) // writing to memory cannot fail
	return b.Bytes()
}

func abs(n int) int { return max(n, -n) }

// PlainPass reads every CSV file of src with encoding/csv and does nothing with the records:
// the yardstick against which the checks' cost is measured. It returns the number of records.
func PlainPass(src town.Source) int {
	n := 0
	for name, data := range src.Files {
		if !strings.HasSuffix(name, ".csv") {
			continue
		}
		r := csv.NewReader(bytes.NewReader(data))
		r.FieldsPerRecord = -1
		for {
			if _, err := r.Read(); err != nil {
				break
			}
			n++
		}
	}
	return n
}
