package audit

import (
	"slices"
	"strings"

	"github.com/jifen-project/jifen/pipeline/check"
)

// Policies checks the approved history of the village's files against the options: every
// version of a sheet or redemptions file came by review (--require-review), and every version
// of a village's file was signed by a key listed for the village (--require-signed).
var Policies = &Analyzer{
	Name:  "policies",
	Codes: []check.Code{check.Unreviewed, check.Unsigned},
	Needs: check.History,
	Run: func(p *Pass) {
		if !p.Options.RequireReview && !p.Options.RequireSigned {
			return
		}
		v := p.Village
		for _, name := range v.Files {
			data := strings.Contains(name, "/sheets/") || strings.Contains(name, "/redemptions/")
			for _, ver := range p.Town.History[name] {
				args := []string{ver.Commit[:min(7, len(ver.Commit))], ver.Time.In(p.Town.Location).Format("2006-01-02 15:04"), ver.Author}
				if p.Options.RequireReview && data && !ver.Merge && len(ver.Reviewers) == 0 {
					p.Report(check.Diagnostic{Code: check.Unreviewed, File: name, Args: args})
				}
				if p.Options.RequireSigned && !slices.ContainsFunc(v.SigningKeys, func(k string) bool {
					return ver.Signer != "" && strings.EqualFold(strings.ReplaceAll(k, " ", ""), ver.Signer)
				}) {
					p.Report(check.Diagnostic{Code: check.Unsigned, File: name, Args: args})
				}
			}
		}
	},
}
