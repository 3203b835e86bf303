package workflows

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"dagger/predictor/internal/envcfg"
)

// readonlyEnvironment is the GitHub environment of the read-only role (github-oidc's
// readonly_environment): a GitHub environment, not one of infra/envs.
const readonlyEnvironment = "readonly"

var envFlagRE = regexp.MustCompile(`--env\s+([A-Za-z0-9_-]+)`)

// namedEnvironments lists every environment a workflow names literally, with where:
// `--env NAME` in a step, a job's `environment:` and a reusable workflow's
// `with: environment:`. Expressions (${{ ... }}, "$TARGET_ENV") are left out: their
// values come from the lists choiceOptions and matrixValues read.
func namedEnvironments(set map[string]*workflow) map[string][]string {
	named := map[string][]string{}
	add := func(env, where string) {
		if env != "" && !strings.Contains(env, "${{") && env != readonlyEnvironment {
			named[env] = append(named[env], where)
		}
	}
	for _, path := range sortedKeys(set) {
		w := set[path]
		for _, id := range sortedKeys(w.Doc.Jobs) {
			j := w.Doc.Jobs[id]
			where := w.Name + " job " + id
			if j.Environment.Kind == yaml.ScalarNode {
				add(j.Environment.Value, where+" environment")
			}
			add(j.With["environment"], where+" with.environment")
			for _, s := range j.Steps {
				for _, m := range envFlagRE.FindAllStringSubmatch(s.Run, -1) {
					add(m[1], where+" step "+s.Name)
				}
			}
		}
	}
	return named
}

// find returns the mapping node under key in n, or nil.
func find(n *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
			n = n.Content[0]
		}
		if n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				next = n.Content[i+1]
			}
		}
		if next == nil {
			return nil
		}
		n = next
	}
	return n
}

func sequenceValues(n *yaml.Node) []string {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	var out []string
	for _, c := range n.Content {
		out = append(out, c.Value)
	}
	return out
}

// TestWorkflowEnvironmentsFollowTheList checks the workflows against infra/envs (via
// envcfg): every environment a workflow names is a known one, and the lists a person
// picks from or CI fans out over, the manual dispatch's choices and the pull request's
// plan matrix, are exactly the real-AWS environments, so a new one is planned on every
// pull request and can be deployed and rolled back by hand.
func TestWorkflowEnvironmentsFollowTheList(t *testing.T) {
	for _, p := range environmentProblems(loadRepo(t)) {
		t.Error(p)
	}
}

func environmentProblems(set map[string]*workflow) []string {
	var problems []string
	named := namedEnvironments(set)
	for _, env := range sortedKeys(named) {
		if !slices.Contains(envcfg.Names, env) {
			problems = append(problems, fmt.Sprintf("%s: environment %q is not one of infra/envs (%s)", strings.Join(named[env], ", "), env, strings.Join(envcfg.Names, ", ")))
		}
	}
	lists := map[string]*yaml.Node{}
	if w, ok := set[".github/workflows/dispatch.yml"]; ok {
		lists["dispatch.yml workflow_dispatch environment options"] = find(&w.Tree, "on", "workflow_dispatch", "inputs", "environment", "options")
	}
	if w, ok := set[".github/workflows/pull-request.yml"]; ok {
		lists["pull-request.yml plan matrix"] = find(&w.Tree, "jobs", "plan", "strategy", "matrix", "env")
	}
	if len(lists) != 2 {
		problems = append(problems, "dispatch.yml or pull-request.yml is missing: each lists the real-AWS environments")
	}
	for _, what := range sortedKeys(lists) {
		if got := sequenceValues(lists[what]); !slices.Equal(envcfg.Deployable(), got) {
			problems = append(problems, fmt.Sprintf("%s: %v, want the real-AWS environments of infra/envs %v", what, got, envcfg.Deployable()))
		}
	}
	return problems
}

// TestWorkflowEnvironmentsRejectsStrays shows the check failing on a workflow that
// names an unknown environment and a dispatch that misses one.
func TestWorkflowEnvironmentsRejectsStrays(t *testing.T) {
	set := parseSet(t, map[string]string{
		".github/workflows/dispatch.yml": `on:
  workflow_dispatch:
    inputs:
      environment:
        type: choice
        options: [dev]
jobs:
  x:
    runs-on: ubuntu-24.04
    environment: qa-nope
    steps:
      - name: plan
        run: dagger call plan --env qa-nope
  y:
    uses: ./.github/workflows/environment.yml
    with:
      environment: readonly
`,
		".github/workflows/pull-request.yml": `on: pull_request
jobs:
  plan:
    runs-on: ubuntu-24.04
    strategy:
      matrix:
        env: [dev, prod]
    steps:
      - run: dagger call plan --env "$TARGET_ENV"
`,
	})
	want := []string{
		`dispatch.yml job x environment, dispatch.yml job x step plan: environment "qa-nope" is not one of infra/envs (dev, prod, local)`,
		"dispatch.yml workflow_dispatch environment options: [dev], want the real-AWS environments of infra/envs [dev prod]",
	}
	if diff := cmp.Diff(want, environmentProblems(set)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}
