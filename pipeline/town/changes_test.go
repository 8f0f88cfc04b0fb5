package town

import (
	"slices"
	"testing"
)

// TestVillageIDs: the villages a build shares out are town.toml's, in its order and once each,
// then the other folders of villages/ and those deleted since, by id; a town.toml that does not
// read, is empty or lists what is no village still gives the folders, and never a panic.
func TestVillageIDs(t *testing.T) {
	files := func(town string) Source {
		return Source{
			Files: map[string][]byte{"town.toml": []byte(town), "villages/xicun/village.toml": nil, "villages/dongcun/households.csv": nil,
				"villages/Bad/village.toml": nil, "villages/readme.txt": nil, "villages/beicun/village.toml": nil},
			Removed: map[string]Version{"villages/nancun/sheets/2025-07.csv": {}},
		}
	}
	for town, want := range map[string][]string{
		"villages = [\"xicun\", \"dongcun\", \"xicun\"]\n":     {"xicun", "dongcun", "beicun", "nancun"},
		"villages = [\"rules\", \"Dong Cun\", \"zhongcun\"]\n": {"zhongcun", "beicun", "dongcun", "nancun", "xicun"},
		"format = 1\nvillages = [\"xicun\"\n":                  {"beicun", "dongcun", "nancun", "xicun"},
		"villages = 3\n":                                       {"beicun", "dongcun", "nancun", "xicun"},
		"":                                                     {"beicun", "dongcun", "nancun", "xicun"},
		"\xff\xfe\x00v\x00i\x00l\x00l\x00a\x00g\x00e\x00s\x00 \x00": {"beicun", "dongcun", "nancun", "xicun"},
	} {
		if got := VillageIDs(files(town)); !slices.Equal(got, want) {
			t.Errorf("town.toml %q: %q, want %q", town, got, want)
		}
	}
	if got := VillageIDs(Source{}); len(got) != 0 {
		t.Errorf("no records: %q", got)
	}
}
