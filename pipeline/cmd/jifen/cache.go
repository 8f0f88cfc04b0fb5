package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/jifen-project/jifen/pipeline/audit"
	"github.com/jifen-project/jifen/pipeline/site"
	"github.com/jifen-project/jifen/pipeline/town"
)

// refresh builds into the folder of parts --cache the villages of the part whose part there is
// not what a build would make now, and leaves there no village but the part's. It returns the
// report of the villages it built, nil when none had to be. A village with errors is built on
// every run, so that its problems are said every time.
func (b *builder) refresh(ctx context.Context, part site.Part, ids []string) (*audit.Report, error) {
	fingerprint, err := b.hugo.Fingerprint(ctx, b.f.baseURL, fmt.Sprint(b.f.requireReview, b.f.requireSigned))
	if err != nil {
		return nil, err
	}
	cached, err := site.Summaries(b.f.cache)
	if err != nil {
		return nil, err
	}
	links := audit.Linked(b.src)
	keys, stale := map[string]string{}, site.Part{Villages: map[string]bool{}}
	for _, id := range ids {
		if !part.Has(id) {
			continue
		}
		sum := sha256.Sum256([]byte(fingerprint + town.Digest(b.src, links.Of(id))))
		keys[id] = hex.EncodeToString(sum[:])
		if !cached[id].Fresh(keys[id], b.asOf) {
			stale.Villages[id] = true
		}
	}
	if err := site.Prune(b.f.cache, func(id string) bool { return keys[id] != "" }); err != nil {
		return nil, err
	}
	b.rebuilt, b.kept = len(stale.Villages), len(keys)-len(stale.Villages)
	if len(stale.Villages) == 0 {
		return nil, nil
	}
	report, err := b.audit(stale)
	if err != nil || report.Town == nil {
		return report, err
	}
	if err := os.MkdirAll(b.f.cache, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(filepath.Clean(b.f.cache)), ".jifen-cache-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	built := filepath.Join(tmp, "part")
	bad, _ := audit.Broken(report.Diagnostics)
	err = b.render(ctx, report, stale, ids, built, func(s *site.Site) {
		for _, v := range s.Villages {
			// A village without an approval shows the time of the build: it is never fresh.
			if v.Held == nil && v.Updated != "" && !bad[v.ID] {
				until := report.Town.NextChange(links.Of(v.ID), b.asOf)
				s.Stamp(v.ID, site.Freshness{Key: keys[v.ID], From: b.asOf.Format(time.RFC3339Nano), Until: until.Format(time.RFC3339Nano)})
			}
		}
	})
	if err != nil {
		return nil, err
	}
	return report, site.Replace(b.f.cache, built, slices.Sorted(maps.Keys(stale.Villages)))
}

// shareCached ends a build of a shard with --cache, whose part is the cache: it says the
// problems of the villages it built again, if any.
func (b *builder) shareCached(refreshed *audit.Report) error {
	abs, _ := filepath.Abs(b.f.cache)
	if refreshed == nil {
		b.say("这一部分的村都没有变化：%s", "no village of this share changed: %s", abs)
		return nil
	}
	if err := b.tell(refreshed.Diagnostics, refreshed.Town); err != nil {
		return err
	}
	if refreshed.Diagnostics.Errors() > 0 {
		return b.held(refreshed.Diagnostics, heldLines(refreshed.Town, refreshed.Omitted, b.f.lang),
			"网站的这一部分已更新，但记录有问题（见上）", "this share of the site was updated, but the records have problems (see above)")
	}
	b.say("网站的这一部分已更新：%s", "this share of the site was updated in %s", abs)
	return nil
}
