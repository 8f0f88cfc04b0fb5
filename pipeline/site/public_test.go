package site

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jifen-project/jifen/pipeline/rules"
	"github.com/jifen-project/jifen/pipeline/score"
	"github.com/jifen-project/jifen/pipeline/sheet"
	"github.com/jifen-project/jifen/pipeline/town"
)

func TestMask(t *testing.T) {
	for in, want := range map[string]string{"张三丰": "张*丰", "张三": "张*", "欧阳春晓": "欧**晓", "李": "李*", " 王五 ": "王*", "": ""} {
		if got := Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPublishEntryFollowsThePublicationRule(t *testing.T) {
	rs := &rules.RuleSet{
		Categories: []rules.Category{{ID: "XF", Name: "乡风文明"}},
		Items: []rules.Item{
			{ID: "Y1", Category: "XF", Name: "志愿服务", Publish: "Y"},
			{ID: "C1", Category: "XF", Name: "调解纠纷", Publish: "C"},
			{ID: "N1", Category: "XF", Name: "家庭暴力", Publish: "N"},
		},
	}
	m := &town.Month{Rules: rs}
	entry := func(item, note string, reason score.Reason) score.Counted {
		return score.Counted{Entry: &sheet.Entry{Item: item, Note: note, Evidence: "照片123", Points: 5, Date: "2025-07-01"},
			Category: "XF", Reason: reason}
	}
	tests := []struct {
		in   score.Counted
		want string // item|category|note|cut, or "" when not published
	}{
		{entry("Y1", "打扫村道", score.NoCut), "志愿服务||打扫村道|"},
		{entry("Y1", "打扫村道", score.ItemCap), "志愿服务||打扫村道|item-cap"},
		{entry("C1", "调解张家和李家的纠纷", score.NoCut), "|乡风文明||"},
		{entry("N1", "打了老人", score.NoCut), "|||"},
		{entry("Y1", "打扫村道", score.VetoCut), "志愿服务||打扫村道|veto"},
		{entry("V3", "涉赌", score.VetoRow), ""},
		{entry("Y9", "不在细则里", score.NoCut), "|||"},
	}
	for _, tt := range tests {
		e, ok := publishEntry(m, tt.in)
		got := ""
		if ok {
			got = e.Item + "|" + e.Category + "|" + e.Note + "|" + e.Cut
		}
		if got != tt.want {
			t.Errorf("%s %q: got %q, want %q", tt.in.Item, tt.in.Note, got, tt.want)
		}
		if strings.Contains(got, "照片") {
			t.Errorf("evidence published: %q", got)
		}
	}
}

func TestNoticesRefuseRawHTML(t *testing.T) {
	md := "# 通知\n\n请<b>按时</b>参加。<script>alert(1)</script>\n\n<iframe src=\"https://example.org\"></iframe>\n\n[点这里](javascript:alert(1)) [镇政府](https://example.org/)\n"
	html, err := renderMarkdown([]byte(md))
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<script", "<b>", "<iframe", "javascript:"} {
		if strings.Contains(html, bad) {
			t.Errorf("%q in the rendered notice:\n%s", bad, html)
		}
	}
	for _, good := range []string{"<h1>通知</h1>", `<a href="https://example.org/">镇政府</a>`} {
		if !strings.Contains(html, good) {
			t.Errorf("%q missing from the rendered notice:\n%s", good, html)
		}
	}
}

// TestCorrectionsShowOnlyCheckedText: a correction's rows show notes only as the current,
// checked sheet has them, and never a veto row.
func TestCorrectionsShowOnlyCheckedText(t *testing.T) {
	rs := &rules.RuleSet{Effective: "2025-01-01",
		Categories: []rules.Category{{ID: "AD", Name: "爱党爱国"}},
		Items:      []rules.Item{{ID: "AD01", Category: "AD", Name: "宣讲会", Publish: "Y"}},
		Vetoes:     []rules.Veto{{ID: "V5", Name: "拒不赡养", Effect: "E1"}},
	}
	old := "户号,事项,分值,日期,说明\nA1,AD01,2,2025-01-03,宣讲会 联系人电话13800138000\nA2,AD01,2,2025-01-05,宣讲会\n"
	now := "户号,事项,分值,日期,说明\nA2,AD01,2,2025-01-05,宣讲会\nA2,V5,0,2025-01-20,\n"
	entries, _, _ := sheet.ReadSheet("s.csv", []byte(now))
	v := &town.Village{ID: "v", Households: []sheet.Household{{ID: "A1", Head: "张三丰", Consent: true}, {ID: "A2", Head: "李四"}}}
	before, _, _ := sheet.ReadSheet("s.csv", []byte(old))
	m := &town.Month{Month: "2025-01", SheetFile: "s.csv", Rules: rs, Entries: entries, Revisions: []town.Revision{
		{Version: town.Version{Commit: "1111111", Time: time.Date(2025, 2, 3, 0, 0, 0, 0, time.UTC)}, Entries: before},
		{Version: town.Version{Commit: "2222222", Time: time.Date(2025, 3, 5, 0, 0, 0, 0, time.UTC)}, Entries: entries}}}
	tw := &town.Town{Location: time.UTC}
	c := publishCorrection(tw, v, m, m.Corrections()[0])
	var got []string
	for _, ch := range c.Changes {
		got = append(got, fmt.Sprint(ch.Kind, "|", ch.Name, "|", ch.Household, "|", ch.Item, "|", ch.Note, "|", ch.Before))
	}
	if g, want := strings.Join(got, "\n"), "removed|张*丰|A1|宣讲会||2"; g != want {
		t.Errorf("got:\n%s\nwant:\n%s", g, want)
	}
}
