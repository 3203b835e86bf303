package workflows

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"

	"dagger/predictor/internal/envcfg"
	"dagger/predictor/internal/testsupport/testenv"
)

// The refs pinned subjects name: main for every role but plan, whose jobs run on a
// pull request's merge ref (its number is the trust policy's one wildcard).
const (
	mainRef        = "refs/heads/main"
	pullRequestRef = "refs/pull/*/merge"
)

// roleVar is the variable a job's role-to-assume names: vars.AWS_<KIND>_ROLE_ARN.
var roleVar = regexp.MustCompile(`^\$\{\{\s*vars\.AWS_(PLAN|READONLY|DEPLOY)_ROLE_ARN\s*\}\}$`)

// pinnedSub is the `sub` claim GitHub issues with the repository's subject template
// repo, context, job_workflow_ref: the job's context (environment:E, pull_request) and
// the file that defines the job, at ref.
func pinnedSub(context, file, ref string) string {
	return "repo:" + testRepository + ":" + context + ":job_workflow_ref:" + testRepository + "/.github/workflows/" + file + "@" + ref
}

// workflowSubjects derives, from the repository's workflow files, the subjects each
// role must trust with pin_workflows: every job that assumes a role (by the repository
// or environment variable it names), in the file that defines it (a reusable
// workflow's own file). Keyed by role name.
func workflowSubjects(t *testing.T) map[string][]string {
	t.Helper()
	set, err := loadDir(testenv.RepoRoot(t))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]string{}
	for _, p := range sortedKeys(set) {
		for _, j := range set[p].Doc.Jobs {
			for _, s := range j.Steps {
				if actionName(s.Uses) != awsCredentialsAction {
					continue
				}
				m := roleVar.FindStringSubmatch(s.With["role-to-assume"])
				kind := ""
				if m != nil {
					kind = map[string]string{"PLAN": "plan", "READONLY": "readonly", "DEPLOY": "deploy"}[m[1]]
				}
				if kind == "" {
					t.Fatalf("%s: role-to-assume %q is none of the three role variables", p, s.With["role-to-assume"])
				}
				if f := path.Base(p); !slices.Contains(files[kind], f) {
					files[kind] = append(files[kind], f)
				}
			}
		}
	}
	out := map[string][]string{}
	add := func(role, context, ref string, fs []string) {
		for _, f := range fs {
			out["predictor-github-"+role] = append(out["predictor-github-"+role], pinnedSub(context, f, ref))
		}
	}
	add("plan", "pull_request", pullRequestRef, files["plan"])
	add("readonly", "environment:readonly", mainRef, files["readonly"])
	for _, e := range envcfg.Deployable() {
		add("deploy-"+e, "environment:"+e, mainRef, files["deploy"])
	}
	for role := range out {
		slices.Sort(out[role])
	}
	return out
}

// checkPinnedTrust: the role's trust policy checks the audience and exactly the
// subjects want (StringLike only for a subject with the pull request wildcard).
func checkPinnedTrust(t *testing.T, role string, st trustStatement, want []string) {
	t.Helper()
	subs := make([]any, len(want))
	op := "StringEquals"
	for i, s := range want {
		subs[i] = s
		if strings.Contains(s, "*") {
			op = "StringLike"
		}
	}
	wantCond := map[string]map[string]any{"StringEquals": {issuer + ":aud": "sts.amazonaws.com"}}
	wantCond[op] = map[string]any{issuer + ":sub": subs}
	if op == "StringEquals" {
		wantCond[op][issuer+":aud"] = "sts.amazonaws.com"
	}
	if got, w := fmt.Sprint(st.Condition), fmt.Sprint(wantCond); got != w {
		t.Errorf("%s: trust condition\n %s\nwant (from the workflow files)\n %s", role, got, w)
	}
}
