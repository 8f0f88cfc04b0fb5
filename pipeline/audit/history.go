package audit

import (
	"slices"
	"strings"

	"github.com/jifen-project/jifen/pipeline/check"
	"github.com/jifen-project/jifen/pipeline/town"
)

// Policies checks the approved history of the village's files against the options: every
// version of a sheet or redemptions file came by review (--require-review), and every version
// of a village's file was signed by a key listed for the village (--require-signed). A version
// that broke a policy is superseded by a later one that keeps it: the reviewers or signers of
// the later version answer for the file as it then stands, so that a mistake can be mended by a
// pull request instead of by rewriting the history of main.
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
			history := p.Town.History[name]
			unreviewed := func(ver town.Version) bool { return data && !ver.Merge && len(ver.Reviewers) == 0 }
			unsigned := func(ver town.Version) bool {
				return !slices.ContainsFunc(v.SigningKeys, func(k string) bool {
					return ver.Signer != "" && strings.EqualFold(strings.ReplaceAll(k, " ", ""), ver.Signer)
				})
			}
			for _, policy := range []struct {
				on     bool
				code   check.Code
				breaks func(town.Version) bool
			}{{p.Options.RequireReview, check.Unreviewed, unreviewed}, {p.Options.RequireSigned, check.Unsigned, unsigned}} {
				if !policy.on {
					continue
				}
				// Only the versions since the last one that kept the policy count.
				since := len(history) - 1
				for since >= 0 && policy.breaks(history[since]) {
					since--
				}
				for _, ver := range history[since+1:] {
					args := []string{ver.Commit[:min(7, len(ver.Commit))], ver.Time.In(p.Town.Location).Format("2006-01-02 15:04"), ver.Author}
					p.Report(check.Diagnostic{Code: policy.code, File: name, Args: args})
				}
			}
		}
	},
}
