package scaffold

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The workflows checked here are the project's (.github/workflows: publishing, tests, and the
// reusable validation) and those `jifen init` writes into a records repository, which call the
// reusable validation. actionlint checks them all in .ci/run; these tests check what it does not.

// workflows returns the project's workflows and the scaffold's, by name.
func workflows(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	names, err := filepath.Glob(filepath.Join("..", "..", ".github", "workflows", "*.yml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.ToSlash(name)] = data
	}
	files, err := Files(qingshan)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		if strings.HasPrefix(name, ".github/workflows/") {
			out["jifen init: "+name] = data
		}
	}
	for _, want := range []string{"../../.github/workflows/publish.yml", "../../.github/workflows/validate.yml", "jifen init: .github/workflows/validate.yml"} {
		if out[want] == nil {
			t.Fatalf("no workflow %s", want)
		}
	}
	return out
}

// TestWorkflowJobGraphs checks that no job of the project's or the scaffold's workflows is
// skipped by GitHub for a reason its author did not mean, that every need names a job, and that
// the needs make no cycle.
func TestWorkflowJobGraphs(t *testing.T) {
	for name, data := range workflows(t) {
		jobs, err := parseJobs(name, data)
		if err != nil {
			t.Error(err)
			continue
		}
		for _, p := range jobGraphProblems(name, jobs) {
			t.Error(p)
		}
	}
}

// TestPublishAfterHeldBack checks that in publish.yml every job after the shards runs when a
// shard failed: a shard that held back a village exits 3, which fails its job, yet its part is
// to be published, so a job that ran only on success would never publish such a site.
func TestPublishAfterHeldBack(t *testing.T) {
	const name = "../../.github/workflows/publish.yml"
	jobs, err := parseJobs(name, workflows(t)[name])
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := jobs["build"]; !ok {
		t.Fatalf("%s: no job build, the shards", name)
	}
	after := 0
	for _, n := range slices.Sorted(maps.Keys(jobs)) {
		if !slices.Contains(upstream(jobs, n), "build") {
			continue
		}
		after++
		if !statusFunction.MatchString(jobs[n].cond) {
			t.Errorf("%s:%d: job %q runs after the shards but only when they all succeed: give it an if: with !cancelled()", name, jobs[n].line, n)
		}
	}
	if after == 0 {
		t.Errorf("%s: no job runs after the shards to publish their parts", name)
	}
}

// TestWorkflowCheckouts checks that no workflow checks out a pull request's head instead of
// GitHub's merge ref, the result of merging it, which is what the checks must judge.
func TestWorkflowCheckouts(t *testing.T) {
	for name, data := range workflows(t) {
		problems, err := checkoutProblems(name, data)
		if err != nil {
			t.Error(err)
		}
		for _, p := range problems {
			t.Error(p)
		}
	}
}

// jobGraphCases are workflows with and without faults in their job graphs.
var jobGraphCases = []struct {
	name, yaml string
	want       []string // a part of each problem, in order
}{
	{
		// publish.yml before issue 11: deploy never ran but on the schedule.
		name: "skipped upstream",
		yaml: `
on: [push, schedule]
jobs:
  month-start:
    if: github.event_name == 'schedule'
    runs-on: ubuntu-latest
    steps: [{run: "true"}]
  build:
    needs: month-start
    if: ${{ !cancelled() && (github.event_name != 'schedule' || needs.month-start.outputs.due == 'true') }}
    runs-on: ubuntu-latest
    steps: [{run: "true"}]
  deploy:
    needs: build
    runs-on: ubuntu-latest
    steps: [{run: "true"}]
`,
		want: []string{`skipped upstream:13: job "deploy" runs after job "build"`},
	},
	{
		name: "success() is not enough",
		yaml: `
jobs:
  a: {if: "github.event_name == 'push'", runs-on: ubuntu-latest, steps: [{run: "true"}]}
  b: {needs: [a], if: "success() && github.ref == 'refs/heads/main'", runs-on: ubuntu-latest, steps: [{run: "true"}]}
`,
		want: []string{`job "b" runs after job "a"`},
	},
	{
		name: "status functions",
		yaml: `
jobs:
  a: {if: "github.event_name == 'push'", runs-on: ubuntu-latest, steps: [{run: "true"}]}
  b: {needs: a, if: "${{ ! cancelled() }}", runs-on: ubuntu-latest, steps: [{run: "true"}]}
  c: {needs: [a, b], if: always(), runs-on: ubuntu-latest, steps: [{run: "true"}]}
  d: {needs: [c], if: failure(), runs-on: ubuntu-latest, steps: [{run: "true"}]}
  e: {needs: [], runs-on: ubuntu-latest, steps: [{run: "true"}]}
  f: {needs: [e], runs-on: ubuntu-latest, steps: [{run: "true"}]}
`,
	},
	{
		name: "unknown need and cycle",
		yaml: `
jobs:
  a: {needs: [c], runs-on: ubuntu-latest, steps: [{run: "true"}]}
  b: {needs: [a, bulid], runs-on: ubuntu-latest, steps: [{run: "true"}]}
  c: {needs: b, runs-on: ubuntu-latest, steps: [{run: "true"}]}
`,
		want: []string{
			`unknown need and cycle:4: job "b" needs "bulid", which is not a job of the workflow`,
			`unknown need and cycle: the needs of jobs a → c → b → a make a cycle`,
		},
	},
	{
		name: "needs itself",
		yaml: "jobs:\n  a: {needs: a, runs-on: ubuntu-latest, steps: [{run: \"true\"}]}\n",
		want: []string{"the needs of jobs a → a make a cycle"},
	},
}

// TestJobGraphProblems checks the job graph checks on workflows with and without the faults.
func TestJobGraphProblems(t *testing.T) {
	for _, tc := range jobGraphCases {
		t.Run(tc.name, func(t *testing.T) {
			jobs, err := parseJobs(tc.name, []byte(tc.yaml))
			if err != nil {
				t.Fatal(err)
			}
			got := jobGraphProblems(tc.name, jobs)
			if len(got) != len(tc.want) {
				t.Fatalf("got %d problems, want %d:\n%s", len(got), len(tc.want), strings.Join(got, "\n"))
			}
			for i := range got {
				if !strings.Contains(got[i], tc.want[i]) {
					t.Errorf("problem %d is\n\t%s\nwant it to contain\n\t%s", i, got[i], tc.want[i])
				}
			}
		})
	}
}

// TestCheckoutProblems checks that a checkout of the pull request's head is found.
func TestCheckoutProblems(t *testing.T) {
	head := `
on: pull_request
jobs:
  validate:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@de0fac2e4500dabe0009e67214ff5f5447ce83dd # v6.0.2
        with:
          ref: ${{ github.event.pull_request.head.sha || github.sha }}
      - uses: actions/checkout@de0fac2e4500dabe0009e67214ff5f5447ce83dd # v6.0.2
        with:
          repository: jifen-project/jifen
          ref: main
`
	got, err := checkoutProblems("head.yml", []byte(head))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !strings.HasPrefix(got[0], `head.yml:9: job "validate" checks out the pull request's head`) {
		t.Errorf("got %q", got)
	}
}

func TestParseJobsRefuses(t *testing.T) {
	for _, data := range []string{"jobs: [a, b]\n", "on: push\n", "jobs: {a: {needs: {x: 1}}}\n", "jobs: {a: 1}\n", ":\n\t- x"} {
		if _, err := parseJobs("bad.yml", []byte(data)); err == nil {
			t.Errorf("%q: no error", data)
		}
	}
}

// A workflowJob is what the job graph checks read of one job of a GitHub Actions workflow.
type workflowJob struct {
	line  int      // where the job is named
	needs []string // the jobs it runs after
	cond  string   // its if:, "" when it has none
}

// parseJobs reads the jobs of a workflow.
func parseJobs(name string, data []byte) (map[string]workflowJob, error) {
	var doc struct {
		Jobs yaml.Node `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if doc.Jobs.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: jobs is not a mapping of jobs", name)
	}
	jobs := map[string]workflowJob{}
	for i := 0; i+1 < len(doc.Jobs.Content); i += 2 {
		key, value := doc.Jobs.Content[i], doc.Jobs.Content[i+1]
		var j struct {
			Needs yaml.Node `yaml:"needs"`
			If    yaml.Node `yaml:"if"`
		}
		if err := value.Decode(&j); err != nil {
			return nil, fmt.Errorf("%s:%d: job %q: %w", name, key.Line, key.Value, err)
		}
		job := workflowJob{line: key.Line, cond: j.If.Value}
		switch j.Needs.Kind {
		case 0:
		case yaml.ScalarNode:
			job.needs = []string{j.Needs.Value}
		case yaml.SequenceNode:
			for _, n := range j.Needs.Content {
				job.needs = append(job.needs, n.Value)
			}
		default:
			return nil, fmt.Errorf("%s:%d: job %q: needs is neither a job nor a list of jobs", name, j.Needs.Line, key.Value)
		}
		jobs[key.Value] = job
	}
	return jobs, nil
}

// statusFunction matches the status functions that let a job run when a job it needs was
// skipped. success(), which an if: without a status function implies, does not.
var statusFunction = regexp.MustCompile(`\balways\(\)|!\s*cancelled\(\)|\bfailure\(\)`)

// jobGraphProblems returns what is wrong with a workflow's job graph: needs that name no job,
// a cycle of needs, and jobs that GitHub skips whenever a conditional job upstream of them is
// skipped. GitHub skips a job when any job upstream of it, however far, was skipped, unless its
// own if: has a status function other than success().
func jobGraphProblems(name string, jobs map[string]workflowJob) []string {
	var problems []string
	names := slices.Sorted(maps.Keys(jobs))
	for _, n := range names {
		for _, need := range jobs[n].needs {
			if _, ok := jobs[need]; !ok {
				problems = append(problems, fmt.Sprintf("%s:%d: job %q needs %q, which is not a job of the workflow", name, jobs[n].line, n, need))
			}
		}
	}
	if cycle := needsCycle(jobs, names); cycle != nil {
		problems = append(problems, fmt.Sprintf("%s: the needs of jobs %s make a cycle", name, strings.Join(cycle, " → ")))
	}
	for _, n := range names {
		j := jobs[n]
		if statusFunction.MatchString(j.cond) {
			continue
		}
		if up := conditionalUpstream(jobs, n); up != "" {
			problems = append(problems, fmt.Sprintf("%s:%d: job %q runs after job %q, which has an if: and may be skipped; GitHub then skips %q too, unless its own if: has always(), !cancelled() or failure()", name, j.line, n, up, n))
		}
	}
	return problems
}

// conditionalUpstream returns the first by name of the jobs upstream of job n that have an if:,
// or "" if there is none.
func conditionalUpstream(jobs map[string]workflowJob, n string) string {
	for _, m := range upstream(jobs, n) {
		if jobs[m].cond != "" {
			return m
		}
	}
	return ""
}

// upstream returns the jobs that job n runs after, however far, sorted by name.
func upstream(jobs map[string]workflowJob, n string) []string {
	seen := map[string]bool{}
	todo := slices.Clone(jobs[n].needs)
	for len(todo) > 0 {
		m := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if seen[m] {
			continue
		}
		seen[m] = true
		todo = append(todo, jobs[m].needs...)
	}
	return slices.Sorted(maps.Keys(seen))
}

// needsCycle returns a cycle of needs, from a job back to itself, or nil if there is none.
func needsCycle(jobs map[string]workflowJob, names []string) []string {
	const (
		unseen = iota
		open
		done
	)
	state := map[string]int{}
	var path []string
	var visit func(n string) []string
	visit = func(n string) []string {
		switch state[n] {
		case open:
			return append(slices.Clone(path[slices.Index(path, n):]), n)
		case done:
			return nil
		}
		state[n] = open
		path = append(path, n)
		for _, m := range jobs[n].needs {
			if _, ok := jobs[m]; !ok {
				continue
			}
			if c := visit(m); c != nil {
				return c
			}
		}
		path = path[:len(path)-1]
		state[n] = done
		return nil
	}
	for _, n := range names {
		if c := visit(n); c != nil {
			return c
		}
	}
	return nil
}

// checkoutProblems returns the checkouts of a pull request's head in a workflow: a check must
// judge GitHub's merge ref, which actions/checkout takes when no ref is given.
func checkoutProblems(name string, data []byte) ([]string, error) {
	var doc struct {
		Jobs map[string]struct {
			Steps []struct {
				Uses string               `yaml:"uses"`
				With map[string]yaml.Node `yaml:"with"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var problems []string
	for _, n := range slices.Sorted(maps.Keys(doc.Jobs)) {
		for _, s := range doc.Jobs[n].Steps {
			ref := s.With["ref"]
			if strings.HasPrefix(s.Uses, "actions/checkout@") && strings.Contains(ref.Value, "head") {
				problems = append(problems, fmt.Sprintf("%s:%d: job %q checks out the pull request's head (%s) instead of GitHub's merge ref: give no ref", name, ref.Line, n, ref.Value))
			}
		}
	}
	return problems, nil
}
