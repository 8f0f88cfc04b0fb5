package records

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// trailerRE is how the trailers were read before reviewers: the reference it must agree with.
var trailerRE = regexp.MustCompile(`(?m)^(?:Reviewed-by|Approved-by):[ \t]*(.+?)[ \t]*$`)

// reviewersRE reads the trailers' names with trailerRE.
func reviewersRE(message string) []string {
	var names []string
	for _, m := range trailerRE.FindAllStringSubmatch(message, -1) {
		name, _, _ := strings.Cut(m[1], "<")
		name = strings.TrimSpace(name)
		if !strings.Contains(name, "@") && !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	return names
}

// FuzzReviewers checks that reviewers reads a commit message's trailers as the regular
// expression did.
func FuzzReviewers(f *testing.F) {
	for _, m := range []string{
		"Merge pull request #3 from town/qingshi/2025-07\n\n青石村 2025年7月评定表\n\nReviewed-by: 王建国 <wjg@example.org>\nApproved-by: 李红 <lh@example.org>",
		"Add b (#2)\n\nApproved-by: 乙 <y@example.org>\nReviewed-by:乙\n",
		"x\n\nReviewed-by: \t \nApproved-by:\nReviewed-by: <a@b.org>\r\nReviewed-by: 甲 \t\r\n Reviewed-by: 丙",
		"Reviewed-by: a@b.org\nApproved-by: \xff\xfe <x>\n\nreviewed-by: 丁",
	} {
		f.Add(m)
	}
	f.Fuzz(func(t *testing.T, message string) {
		if got, want := reviewers(message), reviewersRE(message); !slices.Equal(got, want) {
			t.Errorf("reviewers(%q) = %q, want %q", message, got, want)
		}
	})
}
