package town

import (
	"fmt"
	"strings"
	"testing"

	"github.com/jifen-project/jifen/pipeline/sheet"
)

func TestCorrections(t *testing.T) {
	v1 := "户号,事项,分值,日期,说明,佐证\n" +
		"A,XF04,10,2025-10-05,镇级表彰,文件1\n" +
		"B,ST01,3,2025-10-08,,检查表\n" +
		"C,GJ01,2,2025-10-09,开会,签到表\n" +
		"C,GJ01,2,2025-10-09,开会,签到表\n"
	v2 := "户号,事项,分值,日期,说明,佐证\n" +
		"C,GJ01,2,2025-10-09,开会,签到表\n" +
		"A,XF04,15,2025-10-05,县级表彰,文件1\n" +
		"D,ST01,3,2025-10-08,补录,检查表\n"
	revision := func(commit, data string) Revision {
		entries, _, ds := sheet.ReadSheet("villages/v/sheets/2025-10.csv", []byte(data))
		return Revision{Version: Version{Commit: commit}, Entries: entries, Problems: ds}
	}
	m := &Month{Month: "2025-10", SheetFile: "villages/v/sheets/2025-10.csv", Revisions: []Revision{revision("1111111", v1), revision("2222222", v2)}}
	cs := m.Corrections()
	if len(cs) != 1 || cs[0].Version.Commit != "2222222" {
		t.Fatalf("corrections = %+v", cs)
	}
	var got []string
	for _, c := range cs[0].Changes {
		switch {
		case c.Before == nil:
			got = append(got, fmt.Sprintf("+ %s %s %d line %d", c.After.Household, c.After.Item, c.After.Points, c.After.Line))
		case c.After == nil:
			got = append(got, fmt.Sprintf("- %s %s %d line %d", c.Before.Household, c.Before.Item, c.Before.Points, c.Before.Line))
		default:
			got = append(got, fmt.Sprintf("~ %s %s %d→%d", c.After.Household, c.After.Item, c.Before.Points, c.After.Points))
		}
	}
	want := "~ A XF04 10→15\n+ D ST01 3 line 4\n- B ST01 3 line 3\n- C GJ01 2 line 5"
	if g := strings.Join(got, "\n"); g != want {
		t.Errorf("got:\n%s\nwant:\n%s", g, want)
	}
}
