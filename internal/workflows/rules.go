// Package workflows checks the GitHub Actions workflows in .github/workflows against
// the project's rules: actions pinned by commit SHA, explicit and minimal permissions,
// OIDC tokens only where AWS is used, no secrets interpolated into shell, and the
// Dagger CLI pinned to the module's engine version. Nothing is exported: the
// package's tests run the rules over the repository's workflows.
package workflows

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// awsCredentialsAction is the action that exchanges the OIDC token for an AWS role.
const awsCredentialsAction = "aws-actions/configure-aws-credentials"

// daggerAction installs the Dagger CLI.
const daggerAction = "dagger/dagger-for-github"

// workflow is one parsed workflow file: the typed view plus the YAML tree, which keeps
// the comments (version comments of pinned actions).
type workflow struct {
	// Name identifies the workflow in messages (the file name).
	Name string
	// Path is the repository-relative path used by `uses: ./...` (".github/workflows/x.yml").
	Path string
	Doc  workflowFile
	Tree yaml.Node
}

// workflowFile is the part of the workflow syntax the rules read.
type workflowFile struct {
	On          yaml.Node      `yaml:"on"`
	Permissions yaml.Node      `yaml:"permissions"`
	Jobs        map[string]job `yaml:"jobs"`
}

// job is one job: either steps or a call to a reusable workflow (Uses).
type job struct {
	If          string            `yaml:"if"`
	Needs       yaml.Node         `yaml:"needs"`
	Uses        string            `yaml:"uses"`
	With        map[string]string `yaml:"with"`
	Permissions yaml.Node         `yaml:"permissions"`
	Environment yaml.Node         `yaml:"environment"`
	Concurrency yaml.Node         `yaml:"concurrency"`
	Steps       []step            `yaml:"steps"`
}

// step is one step of a job.
type step struct {
	Name string            `yaml:"name"`
	Uses string            `yaml:"uses"`
	Run  string            `yaml:"run"`
	With map[string]string `yaml:"with"`
}

// parse reads a workflow from its text.
func parse(name, path string, data []byte) (*workflow, error) {
	w := &workflow{Name: name, Path: path}
	if err := yaml.Unmarshal(data, &w.Tree); err != nil {
		return nil, fmt.Errorf("parse %s: %w", name, err)
	}
	if err := yaml.Unmarshal(data, &w.Doc); err != nil {
		return nil, fmt.Errorf("decode %s: %w", name, err)
	}
	if len(w.Doc.Jobs) == 0 {
		return nil, fmt.Errorf("decode %s: no jobs", name)
	}
	return w, nil
}

// loadDir parses every *.yml and *.yaml file of dir (a repository's .github/workflows),
// keyed by their repository-relative path.
func loadDir(root string) (map[string]*workflow, error) {
	dir := filepath.Join(root, ".github", "workflows")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read workflows: %w", err)
	}
	out := map[string]*workflow{}
	for _, e := range entries {
		if e.IsDir() || !(strings.HasSuffix(e.Name(), ".yml") || strings.HasSuffix(e.Name(), ".yaml")) {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read workflow %s: %w", e.Name(), err)
		}
		path := ".github/workflows/" + e.Name()
		w, err := parse(e.Name(), path, data)
		if err != nil {
			return nil, err
		}
		out[path] = w
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no workflows in %s", dir)
	}
	return out, nil
}

// ruleFunc checks one workflow; set holds every workflow of the repository by path (for
// reusable workflows called with `uses: ./...`). It returns one message per violation.
type ruleFunc func(w *workflow, set map[string]*workflow) []string

// allRules are the checks every workflow must pass, by name. daggerVersion is the engine
// version without its leading "v".
func allRules(daggerVersion string) map[string]ruleFunc {
	return map[string]ruleFunc{
		"pinned actions":           pinnedActions,
		"top-level permissions":    topLevelPermissions,
		"job permissions":          jobPermissions,
		"id-token only for AWS":    idTokenOnlyForAWS,
		"no secrets in run":        noSecretsInRun,
		"dagger version":           daggerVersionRule(daggerVersion),
		"dagger installed":         daggerInstalled,
		"forks get no credentials": forksGetNoCredentials,
		"changes by plan ID":       changesByPlanID,
		"clean checkout":           cleanCheckout,
	}
}

var (
	pinnedRef      = regexp.MustCompile(`^[A-Za-z0-9._-]+/[A-Za-z0-9._/-]+@[0-9a-f]{40}$`)
	versionComment = regexp.MustCompile(`^#\s*v\d+(\.\d+){0,2}$`)
	secretInExpr   = regexp.MustCompile(`\$\{\{[^}]*\bsecrets\b`)
)

// usesNodes returns every `uses:` value in the tree with its line comment.
func usesNodes(n *yaml.Node) []*yaml.Node {
	var out []*yaml.Node
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == "uses" && n.Content[i+1].Kind == yaml.ScalarNode {
					out = append(out, n.Content[i+1])
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(n)
	return out
}

// pinnedActions: every third-party action (and reusable workflow of another repository)
// is pinned to a full commit SHA with its version in a comment (`@<40 hex> # v1.2.3`).
// Actions of this repository (`./...`) are exempt; `docker://` images are rejected.
func pinnedActions(w *workflow, _ map[string]*workflow) []string {
	var bad []string
	for _, n := range usesNodes(&w.Tree) {
		ref := n.Value
		if strings.HasPrefix(ref, "./") {
			continue
		}
		if !pinnedRef.MatchString(ref) {
			bad = append(bad, fmt.Sprintf("%s:%d: %q is not pinned to a full commit SHA", w.Name, n.Line, ref))
			continue
		}
		if !versionComment.MatchString(strings.TrimSpace(n.LineComment)) {
			bad = append(bad, fmt.Sprintf("%s:%d: %q has no version comment (# vX.Y.Z)", w.Name, n.Line, ref))
		}
	}
	return bad
}

// permissionScopes returns the scope->level map of a permissions node, or ok=false
// when it is not a mapping (read-all, write-all).
func permissionScopes(n *yaml.Node) (map[string]string, bool) {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, false
	}
	out := map[string]string{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		out[n.Content[i].Value] = n.Content[i+1].Value
	}
	return out, true
}

// topLevelPermissions: the workflow sets `permissions` at the top, as `{}` or read-only
// scopes, so a job that forgets its own gets nothing.
func topLevelPermissions(w *workflow, _ map[string]*workflow) []string {
	scopes, ok := permissionScopes(&w.Doc.Permissions)
	if !ok {
		return []string{fmt.Sprintf("%s: top-level permissions must be a mapping ({} or read-only scopes)", w.Name)}
	}
	var bad []string
	for _, scope := range sortedKeys(scopes) {
		if level := scopes[scope]; level != "read" && level != "none" {
			bad = append(bad, fmt.Sprintf("%s: top-level permission %s: %s (only read or none)", w.Name, scope, level))
		}
	}
	return bad
}

// jobPermissions: every job states its permissions as a mapping.
func jobPermissions(w *workflow, _ map[string]*workflow) []string {
	var bad []string
	for _, name := range sortedKeys(w.Doc.Jobs) {
		j := w.Doc.Jobs[name]
		if _, ok := permissionScopes(&j.Permissions); !ok {
			bad = append(bad, fmt.Sprintf("%s: job %s has no permissions mapping", w.Name, name))
		}
	}
	return bad
}

// assumesAWSRole reports whether a job configures AWS credentials, itself or through
// the local reusable workflow it calls.
func assumesAWSRole(j job, set map[string]*workflow) bool {
	for _, s := range j.Steps {
		if actionName(s.Uses) == awsCredentialsAction {
			return true
		}
	}
	if strings.HasPrefix(j.Uses, "./") {
		called, ok := set[strings.TrimPrefix(j.Uses, "./")]
		if !ok {
			return false
		}
		for _, cj := range called.Doc.Jobs {
			if assumesAWSRole(cj, set) {
				return true
			}
		}
	}
	return false
}

// idTokenOnlyForAWS: `id-token: write` appears only on jobs that assume an AWS role,
// and every job that assumes one has it (topLevelPermissions keeps it off the top).
func idTokenOnlyForAWS(w *workflow, set map[string]*workflow) []string {
	var bad []string
	for _, name := range sortedKeys(w.Doc.Jobs) {
		j := w.Doc.Jobs[name]
		scopes, _ := permissionScopes(&j.Permissions)
		idToken := scopes["id-token"] == "write"
		aws := assumesAWSRole(j, set)
		switch {
		case idToken && !aws:
			bad = append(bad, fmt.Sprintf("%s: job %s has id-token: write but assumes no AWS role", w.Name, name))
		case aws && !idToken:
			bad = append(bad, fmt.Sprintf("%s: job %s assumes an AWS role without id-token: write", w.Name, name))
		}
	}
	return bad
}

// noSecretsInRun: no `${{ secrets.* }}` inside a `run:` script (pass secrets through
// `env:` so they never become part of the shell text).
func noSecretsInRun(w *workflow, _ map[string]*workflow) []string {
	var bad []string
	for _, name := range sortedKeys(w.Doc.Jobs) {
		for i, s := range w.Doc.Jobs[name].Steps {
			if secretInExpr.MatchString(s.Run) {
				bad = append(bad, fmt.Sprintf("%s: job %s step %d interpolates a secret into run", w.Name, name, i+1))
			}
		}
	}
	return bad
}

// daggerVersionRule: every use of the Dagger action pins `version` to the module's engine
// version.
func daggerVersionRule(want string) ruleFunc {
	return func(w *workflow, _ map[string]*workflow) []string {
		var bad []string
		for _, name := range sortedKeys(w.Doc.Jobs) {
			for i, s := range w.Doc.Jobs[name].Steps {
				if actionName(s.Uses) != daggerAction {
					continue
				}
				if got := s.With["version"]; got != want {
					bad = append(bad, fmt.Sprintf("%s: job %s step %d: dagger version %q, want %q (dagger.json)", w.Name, name, i+1, got, want))
				}
			}
		}
		return bad
	}
}

var daggerCommand = regexp.MustCompile(`(^|[\s;&|(])dagger\s`)

// daggerInstalled: a step that runs the dagger CLI comes after the pinned Dagger
// action in the same job (never a CLI the runner happens to have).
func daggerInstalled(w *workflow, _ map[string]*workflow) []string {
	var bad []string
	for _, name := range sortedKeys(w.Doc.Jobs) {
		installed := false
		for i, s := range w.Doc.Jobs[name].Steps {
			if actionName(s.Uses) == daggerAction {
				installed = true
			}
			if daggerCommand.MatchString(s.Run) && !installed {
				bad = append(bad, fmt.Sprintf("%s: job %s step %d runs dagger before installing it with %s", w.Name, name, i+1, daggerAction))
			}
		}
	}
	return bad
}

// sameRepoGuard is the condition that keeps a pull-request job away from forks.
const sameRepoGuard = "github.event.pull_request.head.repo.full_name == github.repository"

// forksGetNoCredentials: in workflows triggered by pull requests, every job that
// assumes an AWS role runs only for pull requests from this repository.
func forksGetNoCredentials(w *workflow, set map[string]*workflow) []string {
	if !triggeredBy(w, "pull_request") && !triggeredBy(w, "pull_request_target") {
		return nil
	}
	var bad []string
	if triggeredBy(w, "pull_request_target") {
		bad = append(bad, fmt.Sprintf("%s: pull_request_target runs fork code with secrets", w.Name))
	}
	for _, name := range sortedKeys(w.Doc.Jobs) {
		j := w.Doc.Jobs[name]
		if assumesAWSRole(j, set) && !strings.Contains(j.If, sameRepoGuard) {
			bad = append(bad, fmt.Sprintf("%s: job %s assumes an AWS role without `if: %s`", w.Name, name, sameRepoGuard))
		}
	}
	return bad
}

// triggeredBy reports whether the workflow's `on:` names event.
func triggeredBy(w *workflow, event string) bool {
	on := &w.Doc.On
	switch on.Kind {
	case yaml.ScalarNode:
		return on.Value == event
	case yaml.SequenceNode:
		for _, c := range on.Content {
			if c.Value == event {
				return true
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(on.Content); i += 2 {
			if on.Content[i].Value == event {
				return true
			}
		}
	}
	return false
}

// actionName strips the ref: "owner/repo@sha" -> "owner/repo".
func actionName(uses string) string {
	name, _, _ := strings.Cut(uses, "@")
	return name
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// planIDScript checks plan IDs in workflow steps (scripts/plan-id.js).
const planIDScript = "node scripts/plan-id.js"

var (
	daggerChange = regexp.MustCompile(`\bdagger call\b[\s\S]*\s(deploy|apply)\s`)
	planIDOutput = regexp.MustCompile(`plan-id=`)
)

// changesByPlanID: a workflow never passes --confirm (which satisfies the module's
// guard of a protected environment by itself); every job that deploys or applies
// checks the plan ID with scripts/plan-id.js before it assumes an AWS role (a
// protected environment is changed only by a saved plan's ID, and an empty one fails
// there); and a plan ID reaches a job output only through that script (a shell
// `echo "plan-id=$(cat f)"` succeeds when cat fails).
func changesByPlanID(w *workflow, _ map[string]*workflow) []string {
	var out []string
	for _, name := range sortedKeys(w.Doc.Jobs) {
		steps := w.Doc.Jobs[name].Steps
		// A job without an AWS role (the rehearsal against the emulator) changes nothing real.
		aws := slices.ContainsFunc(steps, func(s step) bool { return actionName(s.Uses) == awsCredentialsAction })
		checked, credentials := false, false
		for i, s := range steps {
			where := fmt.Sprintf("%s: job %s step %d", w.Name, name, i+1)
			if strings.Contains(s.Run, "--confirm") {
				out = append(out, where+": passes --confirm; apply a protected environment by the ID of a saved plan")
			}
			if planIDOutput.MatchString(s.Run) && !strings.Contains(s.Run, planIDScript+" output") {
				out = append(out, where+": writes a plan ID without `"+planIDScript+" output FILE`")
			}
			if strings.Contains(s.Run, planIDScript+" require") && !credentials {
				checked = true
			}
			credentials = credentials || actionName(s.Uses) == awsCredentialsAction
			if aws && daggerChange.MatchString(s.Run+" ") && !checked {
				out = append(out, where+": deploys or applies without `"+planIDScript+" require ENV ID` before the AWS credentials step")
			}
		}
	}
	return out
}

// reviewedPlanScript fetches the merged pull request's plan comment into a file.
const reviewedPlanScript = "scripts/reviewed-plan.js"

var (
	scriptInTemp    = regexp.MustCompile(`\bfile:\s*[^,}]*\bprocess\.env\.RUNNER_TEMP\b`)
	reviewedArg     = regexp.MustCompile(`--reviewed-changeset\s+(\S+)`)
	reviewedArgTemp = regexp.MustCompile(`^"\$RUNNER_TEMP/[^"]+"$`)
)

// cleanCheckout: the reviewed plan comment is written under RUNNER_TEMP, never into
// the checkout. A file there is an uncommitted change of the module's git source, so
// dev's release would record no commit, and prod, which promotes dev's release of the
// commit it deploys, would find none.
func cleanCheckout(w *workflow, _ map[string]*workflow) []string {
	var out []string
	for _, name := range sortedKeys(w.Doc.Jobs) {
		for i, s := range w.Doc.Jobs[name].Steps {
			where := fmt.Sprintf("%s: job %s step %d", w.Name, name, i+1)
			if script := s.With["script"]; strings.Contains(script, reviewedPlanScript) && !scriptInTemp.MatchString(script) {
				out = append(out, where+": runs "+reviewedPlanScript+" without a file under process.env.RUNNER_TEMP: it would write into the checkout")
			}
			for _, m := range reviewedArg.FindAllStringSubmatch(s.Run, -1) {
				if !reviewedArgTemp.MatchString(m[1]) {
					out = append(out, where+": --reviewed-changeset "+m[1]+" is not under \"$RUNNER_TEMP/\"")
				}
			}
		}
	}
	return out
}
