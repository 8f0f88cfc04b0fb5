package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

var (
	quoted       = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
	hanChar      = regexp.MustCompile(`\p{Han}`)
	englishWords = regexp.MustCompile(`\b[a-z]{2,} [a-z]{2,} [a-z]{2,}\b`)
	notWords     = regexp.MustCompile(`[\w./-]*[/.][\w./-]*|\[[EW][0-9]{3}\]|--[a-z-]+|go tool jifen validate|[a-z]+_[a-z_]+`)
)

// TestLanguages runs every validate case in both languages: the English output has no Chinese
// outside quoted values, and the Chinese output has no English sentences.
func TestLanguages(t *testing.T) {
	files, _ := filepath.Glob("testdata/validate/*.txtar")
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var args []string
		dir := testRecords(t)
		for _, f := range ar.Files {
			switch f.Name {
			case "args":
				args = strings.Fields(string(f.Data))
			case "want", "exit":
			case "delete":
				for _, p := range strings.Fields(string(f.Data)) {
					os.Remove(filepath.Join(dir, p))
				}
			default:
				name, data := materialize(t, f.Name, f.Data)
				write(t, filepath.Join(dir, name), string(data))
			}
		}
		if len(args) == 0 || args[0] != "validate" || strings.Contains(strings.Join(args, " "), "--format json") {
			continue
		}
		args = append(args, "--repo", dir)
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		en, _, _ := jifen(t, append(args, "--lang", "en")...)
		for _, line := range strings.Split(en, "\n") {
			if hanChar.MatchString(quoted.ReplaceAllString(line, "")) {
				t.Errorf("%s: English output has Chinese outside quotes: %s", name, line)
			}
		}
		zh, _, _ := jifen(t, append(args, "--lang", "zh")...)
		for _, line := range strings.Split(zh, "\n") {
			if s := notWords.ReplaceAllString(quoted.ReplaceAllString(line, ""), ""); englishWords.MatchString(s) {
				t.Errorf("%s: Chinese output has English words: %s", name, line)
			}
		}
	}
}
