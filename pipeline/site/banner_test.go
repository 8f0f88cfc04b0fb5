package site

import (
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jifen-project/jifen/pipeline/demo"
	"github.com/jifen-project/jifen/pipeline/town"
)

// TestBanners builds the demo with liutang archived (merged into qingshi) and taoyuan held at an
// earlier commit: every page of each says so, no other page does, and the town's home marks
// both, counting the archived village's households no longer.
func TestBanners(t *testing.T) {
	project := projectDir(t)
	report := scored(t, demoSource(t), demo.AsOf())
	tw := report.Town
	whole, err := Publish(tw, report.Results, demo.AsOf(), "https://example.org/yunxi/", All, nil)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*town.Village{}
	for _, v := range tw.Villages {
		byID[v.ID] = v
	}
	byID["liutang"].Archived, byID["liutang"].MergedInto = true, "qingshi"
	// 20:30 UTC on 31 December is 1 January in China.
	byID["taoyuan"].Held = &town.Held{Commit: "0123456789abcdef", Time: time.Date(2025, 12, 31, 20, 30, 0, 0, time.UTC)}
	s, err := Publish(tw, report.Results, demo.AsOf(), "https://example.org/yunxi/", All, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := WriteData(filepath.Join(dir, "data"), s); err != nil {
		t.Fatal(err)
	}
	h := Hugo{Project: project, Data: filepath.Join(dir, "data"), Stdout: io.Discard, Stderr: os.Stderr}
	out := filepath.Join(dir, "public")
	if err := h.Build(context.Background(), out, s, All); err != nil {
		t.Fatal(err)
	}

	archived := `本村已停止记分（已并入 <a href="/yunxi/qingshi/">青石村</a>），以下为历史记录`
	held := "本村新提交的记录正在核对，页面显示的是 2026年1月1日 的记录"
	pages := map[string]int{}
	filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(p, ".html") {
			return err
		}
		rel, _ := filepath.Rel(out, p)
		village, _, _ := strings.Cut(filepath.ToSlash(rel), "/")
		page := readFile(t, p)
		if got, want := strings.Contains(page, archived), village == "liutang"; got != want {
			t.Errorf("%s: archived banner %v, want %v", rel, got, want)
		}
		if got, want := strings.Contains(page, held), village == "taoyuan"; got != want {
			t.Errorf("%s: held banner %v, want %v", rel, got, want)
		}
		pages[village]++
		return nil
	})
	if pages["liutang"] < 100 || pages["taoyuan"] < 100 {
		t.Errorf("pages: %v", pages)
	}
	home := readFile(t, filepath.Join(out, "index.html"))
	for _, mark := range []string{"已停止记分", "记录核对中", `href="/yunxi/liutang/"`} {
		if !strings.Contains(home, mark) {
			t.Errorf("the home page does not have %q", mark)
		}
	}
	liutang := s.Town.Villages[1]
	if liutang.ID != "liutang" || s.Town.Totals.Households != whole.Town.Totals.Households-liutang.Households {
		t.Errorf("the town counts %d households, want %d without the archived %s", s.Town.Totals.Households,
			whole.Town.Totals.Households-liutang.Households, liutang.ID)
	}
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
