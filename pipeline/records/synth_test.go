package records

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A synthItem is a rule item the synthetic sheets score, with the note and evidence a cadre
// writes for it.
type synthItem struct {
	id       string
	points   int
	note     string
	evidence string // the kind of proof, or "" for none
}

var synthItems = []synthItem{
	{"AD01", 2, "参加爱党爱国宣传教育活动", "签到表"},
	{"ZF01", 5, "当月无违法违规行为，评议通过", ""},
	{"CY01", 3, "参加农业实用技术培训", "培训签到表"},
	{"CY03", 5, "发展庭院经济，评为示范户", "评议记录"},
	{"XF01", 3, "孝老爱亲，照顾生病老人", "评议记录"},
	{"XF03", 5, "参加村道清扫志愿服务", "志愿服务记录"},
	{"ST02", 2, "参加全村环境卫生大扫除", "签到表"},
	{"ST03", 2, "厨余垃圾单独投放，分类到位", ""},
	{"ST05", -2, "房前屋后乱堆乱放，经提醒未整改", "整改通知书"},
	{"GJ01", 2, "参加村民代表会议", "签到表"},
	{"GJ03", 3, "参与调解邻里纠纷", "调解记录"},
}

var (
	synthSurnames = []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "马", "胡", "朱", "郭"}
	synthGiven    = []string{"建国", "秀英", "桂兰", "志强", "海燕", "文华", "春梅", "卫东", "玉兰", "国平", "红梅", "长生", "金山", "丽", "杰", "芳"}
	synthPlaces   = []string{"青石", "柳塘", "桃源", "石门", "枫林", "竹溪", "松岭", "梅坪", "杏花", "荷塘"}
	synthGoods    = []struct {
		id     string
		points int
	}{{"G01", 60}, {"G02", 45}, {"G03", 22}, {"G04", 15}, {"G05", 10}, {"G10", 16}, {"G11", 3}}
)

// A synthVillage is one village of a synthetic town and the state of its roster.
type synthVillage struct {
	id, name   string
	prefix     string // of household ids, as in V01-0001
	grids      []string
	workers    []string
	members    []string // the evaluation group; the first is the secretary, who merges
	households [][]string
}

// synthChanges makes a deterministic ten-year-style history of a town of villages (v01, v02, …)
// over months from 2016-01: a first direct commit with the town's settings, rules and rosters,
// then every village-month's score sheet and supermarket exchanges in a pull request merged early
// the next month. About one village-month in eleven is corrected by a second pull request and
// about one in six brings a roster change; the rules are revised by a direct commit in 2021.
func synthChanges(villages, months int) []Change {
	cst := time.FixedZone("CST", 8*3600)
	operator := Person{"镇积分专班", "jifen@example.org"}
	var vs []*synthVillage
	first := Change{
		Author:  operator,
		Time:    time.Date(2015, 12, 20, 9, 0, 0, 0, cst),
		Message: "建立积分记录仓库\n\n积分细则、积分超市商品目录、各村基本信息和农户名册。\n",
		Files:   map[string][]byte{"rules/2016-01-01.toml": synthRules("2016-01-01", 60), "supermarket/catalog.csv": synthCatalog()},
	}
	var ids []string
	for i := range villages {
		v := newSynthVillage(i)
		vs = append(vs, v)
		ids = append(ids, strconv.Quote(v.id))
		dir := "villages/" + v.id + "/"
		first.Files[dir+"village.toml"] = v.settings()
		first.Files[dir+"households.csv"] = v.rosterFile()
	}
	first.Files["town.toml"] = fmt.Appendf(nil, "format = 1\nname = \"合成镇\"\nvillages = [%s]\nnotice_days = 7\n", strings.Join(ids, ", "))

	changes := []Change{first}
	prs := 0
	for m := range months {
		start := time.Date(2016, time.January+time.Month(m), 1, 0, 0, 0, 0, cst)
		mon := start.Format("2006-01")
		if mon == "2021-01" {
			changes = append(changes, Change{Author: operator, Time: start.Add(-36 * time.Hour),
				Message: "修订积分细则（2021年版）\n", Files: map[string][]byte{"rules/2021-01-01.toml": synthRules("2021-01-01", 80)}})
		}
		// The month's pull requests are opened and merged one after another from the 2nd of the
		// next month.
		at := start.AddDate(0, 1, 1).Add(8*time.Hour + 30*time.Minute)
		land := func(c Change) {
			prs++
			c.Number, c.Time, c.MergeTime = prs, at, at.Add(25*time.Minute)
			at = at.Add(40 * time.Minute)
			changes = append(changes, c)
		}
		for i, v := range vs {
			r := rand.New(rand.NewPCG(uint64(i), uint64(m)))
			dir := "villages/" + v.id + "/"
			sheet := v.sheet(r, start)
			c := v.pull(r, mon, fmt.Sprintf("%s%s积分评定表和积分超市兑换记录\n\n评定 %d 条。\n", v.name, mon, len(sheet)-1))
			c.Files[dir+"sheets/"+mon+".csv"] = synthCSV(sheet)
			c.Files[dir+"redemptions/"+mon+".csv"] = synthCSV(v.redemptions(r, start))
			land(c)
			if (i*5+m)%11 == 4 {
				msg := v.correct(r, sheet)
				c := v.pull(r, mon+"-correction", fmt.Sprintf("更正%s%s积分评定表\n\n%s\n\n经村积分评议小组复核，重新公示。\n", v.name, mon, msg))
				c.Files[dir+"sheets/"+mon+".csv"] = synthCSV(sheet)
				land(c)
			}
			if (i*3+m)%6 == 2 {
				msg := v.roster(r, start)
				c := v.pull(r, mon+"-roster", fmt.Sprintf("%s农户名册变更（%s）\n\n%s\n", v.name, mon, msg))
				c.Files[dir+"households.csv"] = v.rosterFile()
				land(c)
			}
		}
	}
	return changes
}

// newSynthVillage makes the i-th village (from 0), with 80 to 199 households.
func newSynthVillage(i int) *synthVillage {
	r := rand.New(rand.NewPCG(uint64(i), 1<<32))
	name := func() string {
		return synthSurnames[r.IntN(len(synthSurnames))] + synthGiven[r.IntN(len(synthGiven))]
	}
	v := &synthVillage{
		id:     fmt.Sprintf("v%02d", i+1),
		name:   synthPlaces[i%len(synthPlaces)] + []string{"村", "新村", "坪村"}[i/len(synthPlaces)%3],
		prefix: fmt.Sprintf("V%02d", i+1),
		grids:  []string{"第一村民小组", "第二村民小组", "第三村民小组"},
	}
	for range v.grids {
		v.workers = append(v.workers, name())
	}
	for range 5 {
		v.members = append(v.members, name())
	}
	for range 80 + r.IntN(120) {
		v.join(r, "2015-12-1"+strconv.Itoa(r.IntN(10)), name())
	}
	return v
}

// join adds a household to the roster.
func (v *synthVillage) join(r *rand.Rand, day, head string) string {
	id := fmt.Sprintf("%s-%04d", v.prefix, len(v.households)+1)
	consent := "是"
	if r.IntN(5) == 0 {
		consent = "否"
	}
	v.households = append(v.households, []string{id, head, v.grids[r.IntN(len(v.grids))], consent, day, ""})
	return id
}

// rosterFile is the village's households.csv.
func (v *synthVillage) rosterFile() []byte {
	return synthCSV(append([][]string{{"户号", "户主", "小组", "公开授权", "加入日期", "退出日期"}}, v.households...))
}

// settings is the village's village.toml.
func (v *synthVillage) settings() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "name = %q\npublish_ranking = true\n", v.name)
	for i, g := range v.grids {
		fmt.Fprintf(&b, "\n[[grids]]\nid = \"zu%d\"\nname = %q\nworker = %q\n", i+1, g, v.workers[i])
	}
	roles := []string{"村党支部书记", "村委会主任", "村妇联主席", "第一村民小组组长", "村民代表"}
	b.WriteString("\n[evaluation]\nmembers = [\n")
	for i, m := range v.members {
		fmt.Fprintf(&b, "  \"%s（%s）\",\n", m, roles[i])
	}
	b.WriteString("]\n")
	return b.Bytes()
}

// pull starts a pull request on branch <village>/<name>, opened by a grid worker, reviewed by
// one or two members of the evaluation group and merged by the secretary; synthChanges numbers
// and times it.
func (v *synthVillage) pull(r *rand.Rand, name, msg string) Change {
	worker := r.IntN(len(v.workers))
	c := Change{
		Branch:  v.id + "/" + name,
		Author:  Person{v.workers[worker], fmt.Sprintf("%s.grid%d@example.org", v.id, worker+1)},
		Message: msg,
		Files:   map[string][]byte{},
		Merger:  Person{v.members[0], v.id + ".member1@example.org"},
		Merged:  true,
	}
	for _, i := range r.Perm(len(v.members) - 1)[:1+r.IntN(2)] {
		c.Reviewers = append(c.Reviewers, fmt.Sprintf("%s <%s.member%d@example.org>", v.members[i+1], v.id, i+2))
	}
	return c
}

// sheet makes a month's score sheet of 50 to 150 rows, sorted by household and date.
func (v *synthVillage) sheet(r *rand.Rand, start time.Time) [][]string {
	days := start.AddDate(0, 1, -1).Day()
	var rows [][]string
	for n := 50 + r.IntN(101); len(rows) < n; {
		h := v.households[r.IntN(len(v.households))]
		if h[5] != "" {
			continue // the household has left
		}
		it := synthItems[r.IntN(len(synthItems))]
		day := start.AddDate(0, 0, r.IntN(days)).Format(time.DateOnly)
		evidence := ""
		if it.evidence != "" {
			evidence = fmt.Sprintf("%s%s第%d页", it.evidence, day, 1+r.IntN(3))
		}
		rows = append(rows, []string{h[0], it.id, strconv.Itoa(it.points), day, it.note, evidence})
	}
	slices.SortStableFunc(rows, func(a, b []string) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[3], b[3])) })
	return append([][]string{{"户号", "事项", "分值", "日期", "说明", "佐证"}}, rows...)
}

// redemptions makes a month's supermarket exchanges.
func (v *synthVillage) redemptions(r *rand.Rand, start time.Time) [][]string {
	day := start.AddDate(0, 0, 14).Format(time.DateOnly)
	rows := [][]string{{"户号", "商品", "数量", "积分", "日期"}}
	for range 5 + r.IntN(25) {
		g, n := synthGoods[r.IntN(len(synthGoods))], 1+r.IntN(2)
		rows = append(rows, []string{v.households[r.IntN(len(v.households))][0], g.id, strconv.Itoa(n), strconv.Itoa(n * g.points), day})
	}
	return rows
}

// correct changes one to three rows of a sheet in place and says what it changed.
func (v *synthVillage) correct(r *rand.Rand, sheet [][]string) string {
	var lines []string
	for range 1 + r.IntN(3) {
		row := sheet[1+r.IntN(len(sheet)-1)]
		lines = append(lines, fmt.Sprintf("- %s %s %s：分值 %s 改为 0", row[0], row[3], row[1], row[2]))
		row[2] = "0"
	}
	return strings.Join(lines, "\n")
}

// roster has a household or two join and perhaps one leave during the month, and says who.
func (v *synthVillage) roster(r *rand.Rand, start time.Time) string {
	day := start.AddDate(0, 0, r.IntN(28)).Format(time.DateOnly)
	var lines []string
	for range 1 + r.IntN(2) {
		head := synthSurnames[r.IntN(len(synthSurnames))] + synthGiven[r.IntN(len(synthGiven))]
		lines = append(lines, "- 新增 "+v.join(r, day, head)+" "+head)
	}
	if h := v.households[r.IntN(len(v.households))]; r.IntN(2) == 0 && h[5] == "" {
		h[5] = day
		lines = append(lines, "- 退出 "+h[0]+" "+h[1])
	}
	return strings.Join(lines, "\n")
}

// synthRules is a rule set in force from a day, with a monthly cap.
func synthRules(effective string, monthlyCap int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "title = \"积分制乡村治理实施细则\"\neffective = %s\nmonthly_cap = %d\n", effective, monthlyCap)
	for _, it := range synthItems {
		fmt.Fprintf(&b, "\n[[items]]\nid = %q\ncategory = %q\nname = %q\npoints = %d\nevidence = %t\n",
			it.id, it.id[:2], it.note, it.points, it.evidence != "")
	}
	return b.Bytes()
}

func synthCatalog() []byte {
	rows := [][]string{{"商品编号", "名称", "单位", "积分", "成本"}}
	for _, g := range synthGoods {
		rows = append(rows, []string{g.id, "商品" + g.id, "件", strconv.Itoa(g.points), fmt.Sprintf("%d.00", g.points)})
	}
	return synthCSV(rows)
}

func synthCSV(rows [][]string) []byte {
	var b bytes.Buffer
	csv.NewWriter(&b).WriteAll(rows) // writing to memory cannot fail
	return b.Bytes()
}

// writeSynth replays changes into a git repository in dir and packs it with the real git, as a
// cloned repository would be.
func writeSynth(dir string, changes []Change) error {
	r, err := Replay("main", changes)
	if err != nil {
		return err
	}
	if err := WriteTo(r, dir); err != nil {
		return err
	}
	if _, err := runGit(dir, "repack", "-adq"); err != nil {
		return err
	}
	_, err = runGit(dir, "pack-refs", "--all")
	return err
}

// runGit runs the real git in dir, without the user's or the system's configuration, and
// returns what it printed.
func runGit(dir string, args ...string) ([]byte, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return out, nil
}

// gitLogPaths counts, for each path, the commits of `git log --first-parent --name-only` that
// name it, and the commits it lists.
func gitLogPaths(out []byte) (paths map[string]int, commits int) {
	paths = map[string]int{}
	for line := range strings.Lines(string(out)) {
		line = strings.TrimSuffix(line, "\n")
		switch {
		case strings.Contains(line, "\x00"):
			commits++
		case line != "":
			paths[line]++
		}
	}
	return paths, commits
}

// gitLogArgs are the arguments of the real git's history pass that jifen is compared with.
var gitLogArgs = []string{"log", "--first-parent", "--name-only", "--format=%H%x00%ct%x00%an", "main"}

func TestSynthHistoryWalksLikeGitLog(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	const villages, months = 3, 6
	changes := synthChanges(villages, months)
	dir := filepath.Join(t.TempDir(), "records")
	if err := writeSynth(dir, changes); err != nil {
		t.Fatal(err)
	}
	src := approved(t, dir, "main", "")

	// Every merged change that sets a file to new content is one version of it.
	want := map[string]int{}
	current := map[string][]byte{}
	for _, c := range changes {
		for p, data := range c.Files {
			if !bytes.Equal(current[p], data) {
				current[p] = data
				want[p]++
			}
		}
	}
	corrected := 0
	for p, n := range want {
		if got := len(src.History[p]); got != n {
			t.Errorf("%s: %d versions, want %d", p, got, n)
		}
		if !bytes.Equal(src.Files[p], current[p]) {
			t.Errorf("%s: the content is not the last approved version", p)
		}
		if strings.Contains(p, "/sheets/") && n == 2 {
			corrected++
		}
	}
	if len(src.History) != len(want) {
		t.Errorf("history of %d files, want %d", len(src.History), len(want))
	}
	sheets := 0
	for p := range src.Files {
		if strings.Contains(p, "/sheets/") {
			sheets++
		}
	}
	if sheets != villages*months || corrected == 0 {
		t.Errorf("%d sheets (%d corrected), want %d of which some corrected", sheets, corrected, villages*months)
	}
	if vs := src.History["villages/v01/sheets/2016-05.csv"]; len(vs) != 2 || vs[1].PR != vs[0].PR+1 || len(vs[1].Reviewers) == 0 {
		t.Errorf("the corrected sheet's versions: %+v", vs)
	}

	// The real git's first-parent log names the same files, as often.
	out, err := runGit(dir, gitLogArgs...)
	if err != nil {
		t.Fatal(err)
	}
	paths, commits := gitLogPaths(out)
	if !maps.Equal(paths, want) {
		t.Errorf("git log names %d paths, jifen's history %d:\ngit:   %v\njifen: %v", len(paths), len(want), paths, want)
	}
	if merged := len(changes); commits != merged {
		t.Errorf("git log lists %d commits, want %d", commits, merged)
	}
}

// TestStretches walks the same history in stretches of every size, in parallel, and gets the
// same versions as in one stretch.
func TestStretches(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := filepath.Join(t.TempDir(), "records")
	if err := writeSynth(dir, synthChanges(2, 5)); err != nil {
		t.Fatal(err)
	}
	r, err := Open(dir, "main", nil)
	if err != nil {
		t.Fatal(err)
	}
	whole, err := Versions(r, Options{stretch: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{1, 2, 3, 7} {
		got, err := Versions(r, Options{stretch: n})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, whole) {
			t.Errorf("stretches of %d commits give other versions than one stretch", n)
		}
	}
}
