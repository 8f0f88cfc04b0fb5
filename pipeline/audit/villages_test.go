package audit

import (
	"strings"
	"testing"
	"time"

	"github.com/jifen-project/jifen/pipeline/check"
	"github.com/jifen-project/jifen/pipeline/town"
)

// TestVillageDeleted: a village whose approved folder was deleted (and taken out of town.toml)
// is refused once, with how to archive it instead, not once per file and never silently.
func TestVillageDeleted(t *testing.T) {
	at := time.Date(2025, 9, 3, 10, 0, 0, 0, time.UTC)
	for _, listed := range []bool{false, true} {
		src := town.Source{Files: base(t), History: map[string][]town.Version{}, Removed: map[string]town.Version{
			"villages/xicun/village.toml":         {Commit: "abcdef0123456789", Time: at},
			"villages/xicun/households.csv":       {Commit: "abcdef0123456789", Time: at},
			"villages/xicun/sheets/2025-07.csv":   {Commit: "abcdef0123456789", Time: at},
			"villages/dongcun/sheets/2025-01.csv": {Commit: "1234567aaaa", Time: at}, // a sheet of a live village
		}}
		if listed {
			src.Files["town.toml"] = []byte(strings.Replace(string(src.Files["town.toml"]), `["dongcun"]`, `["dongcun", "xicun"]`, 1))
		}
		r := Run(src, Options{Now: at.AddDate(0, 1, 0)})
		var got []string
		for _, d := range r.Diagnostics {
			got = append(got, d.File+": "+d.Message("zh")+" ["+string(d.Code)+"]")
		}
		want := []string{
			"villages/dongcun/sheets/2025-01.csv: 缺少文件 villages/dongcun/sheets/2025-01.csv：这个文件审定过，在提交 1234567 里被删掉了：审定过的记录只能改正，不能删掉；请从 git 历史里把它恢复回来，要改就改里面的行 [E112]",
			`villages/xicun/village.toml: 缺少文件 villages/xicun/：村 xicun 的记录审定过，在提交 abcdef0 里被删掉了：审定过的记录不能删；村停用或者合并了，就把文件夹恢复回来，在 village.toml 里写 archived = true（并入别的村再写 merged_into = "那个村的代码"），它的历史记录会照样公开 [E112]`,
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("listed in town.toml: %v\ngot:\n%s\nwant:\n%s", listed, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

// TestCatalogOfTheTime: exchanges approved before a village had its own catalog are judged at
// the town's prices of their time, not repriced by the village's catalog added later.
func TestCatalogOfTheTime(t *testing.T) {
	const (
		sheet  = "villages/dongcun/sheets/2025-06.csv"
		reds   = "villages/dongcun/redemptions/2025-07.csv"
		own    = "villages/dongcun/catalog.csv"
		shared = "supermarket/catalog.csv"
	)
	t0 := time.Date(2025, 7, 1, 10, 0, 0, 0, time.UTC)
	src := town.Source{Files: base(t), History: map[string][]town.Version{}}
	src.Files[sheet] = []byte("户号,事项,分值,日期,说明,佐证\nD-01,XF04,10,2025-06-15,获镇级表彰,表彰文件6-3\n")
	src.Files["villages/dongcun/sheets/2025-07.csv"] = []byte("户号,事项,分值,日期,说明,佐证\nD-03,GJ02,5,2025-07-03,修村道,签到表7-1\n")
	src.Files[reds] = []byte("户号,商品,数量,积分,日期\nD-01,G01,1,6,2025-07-20\n")
	src.Files[shared] = []byte("商品编号,名称,单位,积分,成本\nG01,毛巾,条,6,5.40\n")
	src.Files[own] = []byte("商品编号,名称,单位,积分,成本\nG01,毛巾,条,8,5.40\n")
	src.History[shared] = []town.Version{{Commit: "1111111aaaa", Time: t0}}
	src.History[sheet] = []town.Version{{Commit: "1111111aaaa", Time: t0, Merge: true}}
	src.History["villages/dongcun/sheets/2025-07.csv"] = []town.Version{{Commit: "2222222bbbb", Time: t0.AddDate(0, 1, 0), Merge: true}}
	src.History[reds] = []town.Version{{Commit: "2222222bbbb", Time: t0.AddDate(0, 1, 0), Merge: true}}
	src.History[own] = []town.Version{{Commit: "3333333cccc", Time: t0.AddDate(0, 2, 0), Merge: true}}
	r := Run(src, Options{Now: t0.AddDate(0, 3, 0)})
	if n := r.Diagnostics.Errors(); n > 0 {
		t.Errorf("July's exchange is judged by the village's later catalog: %v", r.Diagnostics)
	}
	src.History[own][0].Time = t0 // the village had its own catalog before July
	r = Run(src, Options{Now: t0.AddDate(0, 3, 0)})
	if len(r.Diagnostics) != 1 || r.Diagnostics[0].Code != check.WrongPrice || r.Diagnostics[0].File != reds {
		t.Errorf("with the village's catalog in force, 6 points for a towel of 8 must be E111: %v", r.Diagnostics)
	}
}

// TestCopiedVillageBlamed: of two villages with one name, the one approved later is the copy,
// wherever town.toml lists it.
func TestCopiedVillageBlamed(t *testing.T) {
	at := time.Date(2025, 9, 3, 10, 0, 0, 0, time.UTC)
	src := town.Source{Files: base(t), History: map[string][]town.Version{}}
	src.Files["town.toml"] = []byte(strings.Replace(string(src.Files["town.toml"]), `["dongcun"]`, `["aacun", "dongcun"]`, 1))
	for _, name := range []string{"village.toml", "households.csv"} {
		src.Files["villages/aacun/"+name] = src.Files["villages/dongcun/"+name]
	}
	src.History["villages/dongcun/village.toml"] = []town.Version{{Commit: "1111111aaaa", Time: at}}
	src.History["villages/aacun/village.toml"] = []town.Version{{Commit: "2222222bbbb", Time: at.Add(time.Hour)}}
	r := Run(src, Options{Now: at.AddDate(0, 1, 0)})
	if len(r.Diagnostics) != 1 || r.Diagnostics[0].File != "villages/aacun/village.toml" || r.Diagnostics[0].Code != check.DuplicateID {
		t.Errorf("diagnostics: %v", r.Diagnostics)
	}
}
