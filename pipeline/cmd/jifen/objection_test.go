package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestObjectionKeepsNotice: a month with an objection being handled shows 异议处理中 and stays in
// public notice after its days are over; once the objection is answered, the notice ends at the
// end of the reply's day, if that is later than the notice's own end. An upheld objection that
// the sheet's correction answered is published with it.
func TestObjectionKeepsNotice(t *testing.T) {
	repo := twoVillages(t)
	const objections = "villages/dongcun/objections/2025-07.csv"
	commitAt(t, repo, "2025-08-03T10:00:00+08:00", "July", "villages/dongcun/sheets/2025-07.csv", sheetOf("2025-07", "D-01"))
	commitAt(t, repo, "2025-08-06T10:00:00+08:00", "An objection came", objections, "收到日期,户号,事项,结果,答复日期,答复\n2025-08-05,D-03,,,,\n")
	status := func(asOf string) string {
		t.Helper()
		page := readPage(t, filepath.Join(buildSite(t, "--repo", repo, "--as-of", asOf), "dongcun/2025-07/index.html"))
		for _, s := range []string{"异议处理中", "公示中", "已生效"} {
			if strings.Contains(page, `">`+s+"</span>") {
				return s
			}
		}
		return "none"
	}
	if got := status("2025-08-20"); got != "异议处理中" {
		t.Errorf("with the objection being handled, after the notice's days: %s", got)
	}

	// Dismissed on 25 August, after the notice's own end (10 August).
	commitAt(t, repo, "2025-08-25T15:00:00+08:00", "Answered", objections, "收到日期,户号,事项,结果,答复日期,答复\n2025-08-05,D-03,,维持,2025-08-25,经复核符合细则\n")
	for asOf, want := range map[string]string{"2025-08-25T18:00:00+08:00": "公示中", "2025-08-26T00:00:00+08:00": "已生效"} {
		if got := status(asOf); got != want {
			t.Errorf("answered on 25 August, as of %s: %s, want %s", asOf, got, want)
		}
	}
	page := readPage(t, filepath.Join(buildSite(t, "--repo", repo, "--as-of", "2025-09-01"), "dongcun/2025-07/index.html"))
	if !strings.Contains(page, "<td>2025-08-05</td>") || !strings.Contains(page, "维持原结果（2025-08-25 答复）<br>经复核符合细则") {
		t.Error("the month page does not show the objection and its reply")
	}
}

// TestBrokenDeclarationsHeldBack: a declarations file merged with an accepted claim that the
// month's sheet does not score holds its village at the last commit before it; the other
// village publishes its new month; once the claim is refused with a reason, the village is
// published again, its declarations counted.
func TestBrokenDeclarationsHeldBack(t *testing.T) {
	repo := twoVillages(t)
	const declarations = "villages/dongcun/declarations/2025-08.csv"
	commitAt(t, repo, "2025-08-03T10:00:00+08:00", "July",
		"villages/dongcun/sheets/2025-07.csv", sheetOf("2025-07", "D-01"),
		"villages/xicun/sheets/2025-07.csv", sheetOf("2025-07", "D-01"))
	commitAt(t, repo, "2025-09-03T10:00:00+08:00", "August, with a claim the sheet does not score",
		"villages/dongcun/sheets/2025-08.csv", sheetOf("2025-08", "D-01"),
		declarations, "日期,户号,事项,情况,结果,理由\n2025-08-03,D-01,GJ02,修村道,通过,\n2025-08-05,D-03,GJ02,修村道,通过,\n",
		"villages/xicun/sheets/2025-08.csv", sheetOf("2025-08", "D-03"))

	out, _, stderr := buildHeld(t, repo, "2025-09-20")
	if !strings.Contains(stderr, declarations+":3: ") || !strings.Contains(stderr, "[E134]") {
		t.Errorf("the problem is not reported at its line:\n%s", stderr)
	}
	for name, want := range map[string]bool{
		"dongcun/2025-07/index.html": true, "dongcun/2025-08/index.html": false, "xicun/2025-08/index.html": true,
	} {
		if exists(t, filepath.Join(out, name)) != want {
			t.Errorf("%s published: %v, want %v", name, !want, want)
		}
	}

	commitAt(t, repo, "2025-09-10T10:00:00+08:00", "东村: D-03's claim refused",
		declarations, "日期,户号,事项,情况,结果,理由\n2025-08-03,D-01,GJ02,修村道,通过,\n2025-08-05,D-03,GJ02,修村道,不通过,当天没有出工\n")
	out = buildSite(t, "--repo", repo, "--as-of", "2025-09-12")
	if month := readPage(t, filepath.Join(out, "dongcun/2025-08/index.html")); !strings.Contains(month, "本月农户申报 2 件：通过 1 件，不通过 1 件") {
		t.Error("August's declarations are not counted once corrected")
	}
}
