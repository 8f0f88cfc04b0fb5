package site

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jifen-project/jifen/pipeline/town"
)

// A folder of parts (see Part) kept from one build to the next is a cache: a build renders again
// only the villages whose part would change, and makes the town's own pages from the parts. A
// village's part would change when what it is made from changes (its key: the records it
// depends on, the town's own files, the site's project, jifen and Hugo), or when the time
// reaches a moment its statuses may change at (a public notice ends, a year ends).

// Freshness says what a village's part was made from, in its summary.
type Freshness struct {
	Key   string `json:"key"`   // hash of everything the part is made from but the time
	From  string `json:"from"`  // RFC 3339: the time it shows the records at
	Until string `json:"until"` // RFC 3339: the first time after From at which it may change
}

// Fresh reports whether the part of a village in the summary sum is what a build at asOf with
// the key would make.
func (sum Summary) Fresh(key string, asOf time.Time) bool {
	f := sum.Freshness
	if f == nil || f.Key != key || sum.Absent {
		return false
	}
	from, err1 := time.Parse(time.RFC3339Nano, f.From)
	until, err2 := time.Parse(time.RFC3339Nano, f.Until)
	return err1 == nil && err2 == nil && !asOf.Before(from) && asOf.Before(until)
}

// Stamp records in the summary of village id what its part was made from.
func (s *Site) Stamp(id string, f Freshness) {
	for i := range s.summaries {
		if s.summaries[i].ID == id {
			s.summaries[i].Freshness = &f
		}
	}
}

// Summaries reads the summaries of the parts in dir, by village, leaving out what is not one; a
// folder that is not there yet has none.
func Summaries(dir string) (map[string]Summary, error) {
	entries, err := os.ReadDir(filepath.Join(dir, summariesDir))
	if os.IsNotExist(err) {
		return map[string]Summary{}, nil
	}
	if err != nil {
		return nil, err
	}
	out := map[string]Summary{}
	for _, e := range entries {
		id, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, summariesDir, e.Name()))
		if err != nil {
			return nil, err
		}
		var sum Summary
		if json.Unmarshal(data, &sum) == nil && sum.ID == id {
			out[id] = sum
		}
	}
	return out, nil
}

// Replace puts the parts of the villages ids built in the folder built into the folder of
// parts dir, in place of their earlier parts there.
func Replace(dir, built string, ids []string) error {
	for _, id := range ids {
		if err := removePart(dir, id); err != nil {
			return err
		}
		names, err := partFiles(built, id)
		if err != nil {
			return err
		}
		for _, name := range names {
			to := filepath.Join(dir, name)
			if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
				return err
			}
			if err := os.Rename(filepath.Join(built, name), to); err != nil && !os.IsNotExist(err) {
				return err
			}
		}
	}
	return nil
}

// Prune removes from the folder of parts dir the parts of the villages that keep does not keep:
// every folder but the downloads' and the summaries', and every summary, even one that cannot
// be read, is a village's.
// A folder that is not one (it has files but no summaries) is refused whole: a mistyped --cache
// must not delete a project.
func Prune(dir string, keep func(id string) bool) error {
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	if _, err := os.Stat(filepath.Join(dir, summariesDir)); len(entries) > 0 && err != nil {
		return fmt.Errorf("%s is not a folder of parts that jifen build keeps (it has no %s): give --cache a folder of its own", dir, summariesDir)
	}
	for _, sub := range []string{".", summariesDir} {
		entries, err := os.ReadDir(filepath.Join(dir, sub))
		if err != nil && !os.IsNotExist(err) {
			return err
		}
		for _, e := range entries {
			id, isSummary := strings.CutSuffix(e.Name(), ".json")
			if sub == "." && (!e.IsDir() || id == "downloads" || id == summariesDir) || sub == summariesDir && !isSummary {
				continue
			}
			switch {
			case !town.IsVillageID(id): // no part of a village: only this goes
				err = os.RemoveAll(filepath.Join(dir, sub, e.Name()))
			case !keep(id):
				err = removePart(dir, id)
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// removePart removes the part of village id from the folder of parts dir.
func removePart(dir, id string) error {
	names, err := partFiles(dir, id)
	for _, name := range names {
		err = errors.Join(err, os.RemoveAll(filepath.Join(dir, name)))
	}
	return err
}

// partFiles are the names in the folder of parts dir of what belongs to village id's part: its
// folder, its downloads and its summary.
func partFiles(dir, id string) ([]string, error) {
	names := []string{id, filepath.Join(summariesDir, id+".json")}
	for _, sub := range []string{"downloads", filepath.Join("downloads", machineDir)} {
		entries, err := os.ReadDir(filepath.Join(dir, sub))
		if err != nil && !os.IsNotExist(err) {
			return nil, err
		}
		for _, e := range entries {
			// A village's downloads are <id>.csv, <id>_<table>.json, …: ids have no "." or "_".
			if n := e.Name(); !e.IsDir() && (strings.HasPrefix(n, id+".") || strings.HasPrefix(n, id+"_")) {
				names = append(names, filepath.Join(sub, n))
			}
		}
	}
	return names, nil
}

// Fingerprint is a hash of what every page depends on beyond the records: the site's project
// (hugo.toml and the folders Hugo reads), the Hugo executable, the executable running (jifen),
// and extra (the options of the build).
func (hg Hugo) Fingerprint(ctx context.Context, extra ...string) (string, error) {
	hugo, err := hg.executable(ctx)
	if err != nil {
		return "", err
	}
	jifen, err := os.Executable()
	if err != nil {
		return "", err
	}
	project := hg.Project
	h := sha256.New()
	fmt.Fprintf(h, "%q\n", extra)
	for _, exe := range []string{hugo, jifen} {
		if err := hashFile(h, exe); err != nil {
			return "", err
		}
	}
	if err := hashFile(h, filepath.Join(project, "hugo.toml")); err != nil {
		return "", err
	}
	for _, dir := range []string{"layouts", "content", "i18n", "assets", "static"} {
		err := filepath.WalkDir(filepath.Join(project, dir), func(p string, d fs.DirEntry, err error) error {
			switch {
			case os.IsNotExist(err):
				return nil
			case err != nil || d.IsDir():
				return err
			}
			fmt.Fprintf(h, "%q\n", filepath.ToSlash(p[len(project):]))
			return hashFile(h, p)
		})
		if err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// hashFile writes the SHA-256 of a file's content to w.
func hashFile(w io.Writer, name string) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%x\n", h.Sum(nil))
	return err
}
