package site

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// A site can be built in parts, so that a county's towns, or a large town, are built by parallel
// jobs: each part is some villages, built from their records only, and one part is the town's
// own pages (home, rule book, downloads page, feeds, sitemap index), made from a Summary of
// every village that the parts of villages wrote. Copied together they are the whole site, byte
// for byte: a whole build makes its town's pages from the same summaries.

// A Part is the share of a site that one build makes: some villages, and the town's own pages
// or not.
type Part struct {
	Villages map[string]bool // nil for every village
	Town     bool
}

// All is the whole site.
var All = Part{Town: true}

// Shard is the i-th of n parts of villages (1 ≤ i ≤ n): every n-th of ids, the villages the
// records have or had in their order (town.VillageIDs). The town's own pages are a part of
// their own, made from the shards' summaries.
func Shard(ids []string, i, n int) Part {
	p := Part{Villages: map[string]bool{}}
	for k, id := range ids {
		if k%n == i-1 {
			p.Villages[id] = true
		}
	}
	return p
}

// Has reports whether the part has the village.
func (p Part) Has(village string) bool { return p.Villages == nil || p.Villages[village] }

// summariesDir is where a part of villages writes their summaries, in the folder it builds
// into; the town's part reads them there and leaves them out of the site.
const summariesDir = ".jifen-parts"

// A Summary is what the town's own pages and files need of a village: its line on the home
// page, its downloads as the downloads page, datapackage.json and SHA256SUMS list them, and the
// entries of its feed. A village of a part that is not on the site (it never passed the
// checks) has a summary that says so.
type Summary struct {
	ID        string      `json:"id"`
	Absent    bool        `json:"absent"`
	Link      VillageLink `json:"link"`
	Downloads []Download  `json:"downloads"`
	Resources []resource  `json:"resources"`
	Sums      []string    `json:"sums"`
	Feed      []atomEntry `json:"feed"`
	Freshness *Freshness  `json:"freshness,omitempty"` // in a cache of parts (see Freshness)
}

// writeSummaries writes the summaries of the part's villages into the folder dir built.
func writeSummaries(dir string, s *Site) error {
	if err := os.MkdirAll(filepath.Join(dir, summariesDir), 0o755); err != nil {
		return err
	}
	for _, sum := range s.summaries {
		if err := writeJSON(filepath.Join(dir, summariesDir, sum.ID+".json"), sum); err != nil {
			return err
		}
	}
	return nil
}

// ReadSummaries reads the summaries of the villages ids from the parts copied together in dir:
// every village must have one, or a part is missing.
func ReadSummaries(dir string, ids []string) ([]Summary, error) {
	all, err := Summaries(dir)
	if err != nil {
		return nil, err
	}
	var sums []Summary
	var missing []string
	for _, id := range ids {
		if sum, ok := all[id]; ok {
			sums = append(sums, sum)
		} else {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("the parts in %s have no village %s: build every shard, and copy them all into %s", dir, strings.Join(missing, ", "), dir)
	}
	return sums, nil
}

// ordered puts summaries in the order of the villages on the town's pages: as town.toml lists
// them (listed), then the others by id (a village held at an earlier state that town.toml no
// longer lists). Villages not on the site are left out.
func ordered(sums []Summary, listed []string) []Summary {
	sums = slices.DeleteFunc(slices.Clone(sums), func(s Summary) bool { return s.Absent })
	rank := func(id string) int {
		if i := slices.Index(listed, id); i >= 0 {
			return i
		}
		return len(listed)
	}
	slices.SortStableFunc(sums, func(a, b Summary) int {
		return cmp.Or(rank(a.ID)-rank(b.ID), strings.Compare(a.ID, b.ID))
	})
	return sums
}

// addParts puts the parts in dir into the site being built in stage, but their summaries: moved
// there, a folder at a time where the site has no folder of that name, or, to keep dir as it is,
// linked file by file (copied on another file system). A file both have belongs to the town, and
// anything but files and folders (a link) was not written by jifen: either is an error, found
// before anything is moved.
func addParts(dir, stage string, keep bool) error {
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !d.Type().IsRegular() {
			err = fmt.Errorf("%s in the parts is not a file that jifen build writes (a link?): nothing is published", p)
		}
		return err
	})
	if err != nil {
		return err
	}
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil || rel == "." {
			return err
		}
		to := filepath.Join(stage, rel)
		if d.IsDir() {
			_, err := os.Lstat(to)
			switch {
			case rel == summariesDir:
				return filepath.SkipDir
			case err == nil: // in both: go in
				return nil
			case keep:
				return os.Mkdir(to, 0o755)
			}
			if err := os.Rename(p, to); err != nil {
				return err
			}
			return filepath.SkipDir
		}
		if keep {
			err = os.Link(p, to)
		} else if _, err = os.Lstat(to); err == nil {
			err = fs.ErrExist
		} else {
			err = os.Rename(p, to)
		}
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s is in the parts in %s, and the town's own pages have it too: it belongs to the town", rel, dir)
		}
		if err == nil || !keep {
			return err
		}
		data, err := os.ReadFile(p) // on another file system
		if err != nil {
			return err
		}
		return os.WriteFile(to, data, 0o644)
	})
}
