package site

import (
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pelletier/go-toml/v2"

	"github.com/jifen-project/jifen/pipeline/rules"
	"github.com/jifen-project/jifen/pipeline/score"
)

// TestEveryCodeHasWords: each code the public view carries has its words in i18n/zh.toml under
// the key the templates look up, and each key there is used by a template, Hugo's or a fragment's.
func TestEveryCodeHasWords(t *testing.T) {
	data, err := os.ReadFile("../../i18n/zh.toml")
	if err != nil {
		t.Fatal(err)
	}
	var words map[string]string
	if err := toml.Unmarshal(data, &words); err != nil {
		t.Fatal(err)
	}
	codes := map[string][]string{
		"status_":   {inNotice, effective, unapproved},
		"change_":   {added, removed, changed},
		"cut_":      slices.Collect(maps.Values(cuts)),
		"account_":  {string(score.Expire), string(score.MoveIn), string(score.MoveOut), string(score.MoveClear)}, // earn and redeem are sentences in the template
		"moving_":   {string(rules.Carry), string(rules.Clear)},
		"publish_":  {string(rules.PublishNote), string(rules.PublishCategory), string(rules.PublishNothing)},
		"cap_":      {string(rules.PerMonth), string(rules.PerYear)},
		"expiry_":   {string(rules.YearEnd), string(rules.Never)},
		"download_": slices.Collect(maps.Keys(downloadTitles)),
	}
	for prefix, list := range codes {
		for _, code := range list {
			if words[prefix+code] == "" {
				t.Errorf("i18n/zh.toml has no %s%s", prefix, code)
			}
		}
	}
	var templates strings.Builder
	for _, dir := range []string{"../../layouts", "../../content", "lists.go", "fragments.go"} {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(p)
			templates.Write(b)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for key := range words {
		prefix, _, _ := strings.Cut(key, "_")
		if !strings.Contains(templates.String(), `"`+key+`"`) && !strings.Contains(templates.String(), `"`+prefix+`_"`) {
			t.Errorf("i18n/zh.toml: no template uses %s", key)
		}
	}
}
