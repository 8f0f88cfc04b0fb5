// Package scaffold owns the files of a new town's records repository, as `jifen init` writes
// them: town.toml, the current rule set, an example village with its roster, the review rules
// (CODEOWNERS), the pull-request check and template, and the guide for cadres (README.md).
//
// The files are templates under records/ (text/template, with the village's folder named
// VILLAGE). The rule set is not among them: it is the demo town's latest one, with its title and
// adoption record replaced, so that its items, points and honours are written in one place.
package scaffold

import (
	"embed"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/template"

	"github.com/jifen-project/jifen/pipeline/demo"
)

//go:embed all:records
var templates embed.FS

// A Town says what to fill the templates with.
type Town struct {
	Name        string // the town's name, e.g. 青山镇
	Org         string // the GitHub organisation whose teams review each village's folder
	Village     string // the example village's id, e.g. qingshan
	VillageName string // its name, e.g. 青山村
}

// org is a GitHub organisation's name.
var org = regexp.MustCompile(`^[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}$`)

// Files returns the new records repository's files by path. Names that the records format does
// not accept (a village id, a name that breaks a file) are left for the format's checks to
// report; only the organisation, which no check reads, is checked here.
func Files(t Town) (map[string][]byte, error) {
	if !org.MatchString(t.Org) {
		return nil, fmt.Errorf("%q is not the name of a GitHub organisation", t.Org)
	}
	ruleFile, rules := ruleSet(t.Name)
	data := struct {
		Town
		Joined string // the example households' joining date: the day the rule set takes effect
	}{t, strings.TrimSuffix(path.Base(ruleFile), ".toml")}

	out := map[string][]byte{ruleFile: rules}
	err := fs.WalkDir(templates, "records", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		text, err := templates.ReadFile(p)
		if err != nil {
			return err
		}
		tmpl, err := template.New(p).Funcs(template.FuncMap{"quote": strconv.Quote}).Parse(string(text))
		if err != nil {
			return err
		}
		var b strings.Builder
		if err := tmpl.Execute(&b, data); err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "records/")
		if rest, ok := strings.CutPrefix(name, "villages/VILLAGE/"); ok {
			name = path.Join("villages", t.Village, rest)
		}
		out[name] = []byte(b.String())
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("scaffold: %w", err)
	}
	return out, nil
}

// ruleSet returns the path and text of the demo town's latest rule set made this town's: its
// title says whose it is and that it is a model text, and its adoption record asks to be filled
// in. Everything else (categories, items, points, caps, vetoes, honours) is as in the demo.
func ruleSet(town string) (string, []byte) {
	files := demo.Rules()
	var names []string
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if strings.HasPrefix(name, "rules/") {
			names = append(names, name)
		}
	}
	name := names[len(names)-1] // the demo always has a rule set: its tests say so
	effective := strings.TrimSuffix(path.Base(name), ".toml")
	replace := map[string]string{
		"title":           "title = " + strconv.Quote(town+"积分制乡村治理实施细则（示范文本）"),
		"[adoption].body": `body = "（请改成通过本细则的会议，如：各村村民代表会议）"`,
		// A rule set cannot be adopted after it takes effect; the date is the town's to correct.
		"[adoption].date":   "date = " + effective,
		"[adoption].record": `record = "（jifen init 生成的示范文本：按本镇实际修改，经村民代表会议通过后，填写会议记录并把 date 改成通过的日期）"`,
	}
	var b strings.Builder
	b.WriteString("# " + town + "积分制乡村治理实施细则（由 jifen init 从示范细则复制，修改办法见 README.md）\n")
	table := ""
	for i, line := range strings.SplitAfter(string(files[name]), "\n") {
		if i == 0 && strings.HasPrefix(line, "#") {
			continue // the demo's own title comment
		}
		if strings.HasPrefix(line, "[") {
			table = strings.TrimSpace(line)
		}
		key, _, _ := strings.Cut(line, " =")
		if r, ok := replace[strings.TrimPrefix(table+"."+key, ".")]; ok {
			line = r + "\n"
		}
		b.WriteString(line)
	}
	return name, []byte(b.String())
}
