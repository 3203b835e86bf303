package workflows

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dagger/predictor/internal/testsupport/testenv"
)

// engineVersion reads dagger.json's engineVersion without its leading "v".
func engineVersion(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testenv.RepoRoot(t), "dagger.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		EngineVersion string `json:"engineVersion"`
	}
	if err := json.Unmarshal(data, &cfg); err != nil {
		t.Fatalf("parse dagger.json: %v", err)
	}
	if cfg.EngineVersion == "" {
		t.Fatal("dagger.json has no engineVersion")
	}
	return strings.TrimPrefix(cfg.EngineVersion, "v")
}

func loadRepo(t *testing.T) map[string]*workflow {
	t.Helper()
	set, err := loadDir(testenv.RepoRoot(t))
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// TestRepositoryWorkflows applies every rule to every workflow of the repository.
func TestRepositoryWorkflows(t *testing.T) {
	set := loadRepo(t)
	rules := allRules(engineVersion(t))
	for _, path := range sortedKeys(set) {
		for _, name := range sortedKeys(rules) {
			t.Run(filepath.Base(path)+"/"+name, func(t *testing.T) {
				for _, msg := range rules[name](set[path], set) {
					t.Error(msg)
				}
			})
		}
	}
}

// TestExpectedWorkflows pins down what each trigger runs, so a rename or a dropped job
// is noticed.
func TestExpectedWorkflows(t *testing.T) {
	set := loadRepo(t)
	want := map[string][]string{
		".github/workflows/pull-request.yml": {"checks", "comment", "plan", "rehearse"},
		".github/workflows/deploy.yml":       {"dev", "plan-prod", "prod"},
		".github/workflows/drift.yml":        {"drift", "issue"},
		".github/workflows/dispatch.yml":     {"change", "plan"},
		".github/workflows/environment.yml":  {"run"},
	}
	for path, jobs := range want {
		w, ok := set[path]
		if !ok {
			t.Errorf("%s missing", path)
			continue
		}
		if got := strings.Join(sortedKeys(w.Doc.Jobs), ","); got != strings.Join(jobs, ",") {
			t.Errorf("%s jobs = %s, want %s", path, got, strings.Join(jobs, ","))
		}
	}

	t.Run("one change at a time per environment", func(t *testing.T) { checkEnvironmentJob(t, set) })
	t.Run("markers", checkMarkers)
	t.Run("plans", func(t *testing.T) { checkPlanJobs(t, set) })
	t.Run("no promotion override", func(t *testing.T) { checkNoPromotionOverride(t, set) })
}

// checkEnvironmentJob: changes to an environment go one at a time, never cancelled,
// in the GitHub environment of the same name (prod's required reviewers apply).
func checkEnvironmentJob(t *testing.T, set map[string]*workflow) {
	run := set[".github/workflows/environment.yml"].Doc.Jobs["run"]
	if run.Concurrency.Kind == 0 {
		t.Fatal("environment.yml: run has no concurrency")
	}
	var conc struct {
		Group            string `yaml:"group"`
		CancelInProgress bool   `yaml:"cancel-in-progress"`
	}
	if err := run.Concurrency.Decode(&conc); err != nil {
		t.Fatal(err)
	}
	if conc.Group != "deploy-${{ inputs.environment }}" || conc.CancelInProgress {
		t.Errorf("environment.yml concurrency = %+v, want group deploy-${{ inputs.environment }} without cancel-in-progress", conc)
	}
	if run.Environment.Value != "${{ inputs.environment }}" {
		t.Error("environment.yml: run must use the GitHub environment named by its input")
	}
	deploy := set[".github/workflows/deploy.yml"].Doc.Jobs
	if deploy["prod"].Uses != "./.github/workflows/environment.yml" || deploy["dev"].Uses != deploy["prod"].Uses {
		t.Error("deploy.yml: dev and prod must both call environment.yml")
	}
}

// checkMarkers: the plan comment and the drift issue are found again by their markers.
func checkMarkers(t *testing.T) {
	comment, _ := os.ReadFile(filepath.Join(testenv.RepoRoot(t), "scripts/plan-comment.js"))
	drift, _ := os.ReadFile(filepath.Join(testenv.RepoRoot(t), ".github/workflows/drift.yml"))
	if !strings.Contains(string(comment), "<!-- predictor-plan -->") || !strings.Contains(string(drift), "<!-- predictor-drift -->") {
		t.Error("the plan comment and drift issue markers are missing")
	}
}

// checkPlanJobs: pull requests plan, and every change applies a saved plan by its ID.
func checkPlanJobs(t *testing.T, set map[string]*workflow) {
	run := set[".github/workflows/environment.yml"].Doc.Jobs["run"]
	deploy := set[".github/workflows/deploy.yml"].Doc.Jobs
	// A pull request plans each environment once: one dagger call in the plan job,
	// whose Markdown the comment (and its policy gate) reads.
	var plans []string
	for _, s := range set[".github/workflows/pull-request.yml"].Doc.Jobs["plan"].Steps {
		if strings.Contains(s.Run, "dagger call") {
			plans = append(plans, s.Run)
		}
	}
	if len(plans) != 1 || !strings.Contains(plans[0], "tf-plan --env") || !strings.Contains(plans[0], "markdown -o ") {
		t.Errorf("pull-request.yml: the plan job must run one `dagger call tf-plan --env E ... [comment-]markdown -o FILE`, got %q", plans)
	}
	// Two-phase prod: a plan job saves the plan, the gated job applies exactly its ID
	// and never plans.
	planProd := deploy["plan-prod"]
	var saves bool
	for _, s := range planProd.Steps {
		saves = saves || strings.Contains(s.Run, "tf-plan --env prod --save")
	}
	if !saves || planProd.Environment.Value == "prod" {
		t.Error("deploy.yml: plan-prod must run `tf-plan --env prod --save` outside the prod environment (its reviewers approve after the plan)")
	}
	if deploy["prod"].With["plan-id"] != "${{ needs.plan-prod.outputs.plan-id }}" || deploy["prod"].Needs.Value != "plan-prod" {
		t.Errorf("deploy.yml: prod must apply plan-prod's saved plan, got with %v needs %q", deploy["prod"].With, deploy["prod"].Needs.Value)
	}
	// deploy refuses a protected environment without a plan ID, and the environment
	// workflow never passes --confirm (the rule "changes by plan ID"): its plan ID step
	// runs the one deploy that takes --plan-id.
	var byID bool
	for _, s := range run.Steps {
		byID = byID || strings.Contains(s.Run, `deploy --env "$TARGET_ENV" --plan-id "$PLAN_ID"`)
	}
	if !byID {
		t.Error("environment.yml: deploy must apply the plan ID it is given")
	}
	// A manual deploy is two jobs like deploy.yml: the plan job saves the plan, the
	// change job applies its ID.
	dispatch := set[".github/workflows/dispatch.yml"].Doc.Jobs
	if dispatch["change"].With["plan-id"] != "${{ needs.plan.outputs.plan-id }}" || dispatch["change"].Needs.Value != "plan" {
		t.Errorf("dispatch.yml: change must apply the plan job's saved plan, got with %v needs %q", dispatch["change"].With, dispatch["change"].Needs.Value)
	}
}

// checkNoPromotionOverride: prod ships dev's release, never an override.
func checkNoPromotionOverride(t *testing.T, set map[string]*workflow) {
	// prod ships dev's release of the commit both jobs check out: no workflow names a
	// digest or breaks the glass, which only a person does, by hand.
	for _, p := range sortedKeys(set) {
		for name, j := range set[p].Doc.Jobs {
			for _, s := range j.Steps {
				if strings.Contains(s.Run, "--image-digest") || strings.Contains(s.Run, "--break-glass") {
					t.Errorf("%s: job %s overrides the promotion (--image-digest or --break-glass)", p, name)
				}
			}
		}
	}
}

// good is a workflow that passes every rule; each bad case below breaks one.
const good = `
on: {pull_request: {}}
permissions: {}
jobs:
  plan:
    if: github.event.pull_request.head.repo.full_name == github.repository
    permissions: {contents: read, id-token: write}
    steps:
      - uses: actions/checkout@de0fac2e4500dabe0009e67214ff5f5447ce83dd # v6.0.2
      - uses: aws-actions/configure-aws-credentials@8df5847569e6427dd6c4fb1cf565c83acfa8afa7 # v6.0.0
        with: {role-to-assume: "${{ vars.AWS_PLAN_ROLE_ARN }}", aws-region: us-east-1}
      - uses: dagger/dagger-for-github@27b130bf0f79a7f6fbbbe0fbca6760dc9bb40a77 # v8.4.1
        with: {version: "0.21.9"}
      - uses: actions/github-script@ed597411d8f924073f98dfc5c65a23a2325f34cd # v8.0.0
        with:
          script: |
            const { run } = require(process.env.GITHUB_WORKSPACE + '/scripts/reviewed-plan.js');
            await run({ github, context, core, file: process.env.RUNNER_TEMP + '/reviewed-plan.md' });
      - env: {DAGGER_CLOUD_TOKEN: "${{ secrets.DAGGER_CLOUD_TOKEN }}"}
        run: dagger call plan --env dev --reviewed-changeset "$RUNNER_TEMP/reviewed-plan.md"
  local:
    uses: ./.github/workflows/called.yml
    permissions: {contents: read}
`

const called = `
on: {workflow_call: {}}
permissions: {}
jobs:
  run:
    permissions: {contents: read}
    steps:
      - uses: dagger/dagger-for-github@27b130bf0f79a7f6fbbbe0fbca6760dc9bb40a77 # v8.4.1
        with: {version: "0.21.9"}
      - run: dagger check
`

const calledAWS = `
on: {workflow_call: {}}
permissions: {}
jobs:
  run:
    permissions: {contents: read, id-token: write}
    steps:
      - uses: aws-actions/configure-aws-credentials@8df5847569e6427dd6c4fb1cf565c83acfa8afa7 # v6.0.0
`

// violationCases each break the good workflow in one way: the rule named rule, and no
// other, must report it with a message containing want.
var violationCases = map[string]struct {
	rule    string
	replace [2]string // old, new applied to good
	called  string    // the reusable workflow's text, default called
	want    string    // substring of the message
}{
	"tag instead of sha": {
		rule:    "pinned actions",
		replace: [2]string{"actions/checkout@de0fac2e4500dabe0009e67214ff5f5447ce83dd # v6.0.2", "actions/checkout@v6"},
		want:    "not pinned",
	},
	"short sha": {
		rule:    "pinned actions",
		replace: [2]string{"de0fac2e4500dabe0009e67214ff5f5447ce83dd", "de0fac2e"},
		want:    "not pinned",
	},
	"branch": {
		rule:    "pinned actions",
		replace: [2]string{"dagger-for-github@27b130bf0f79a7f6fbbbe0fbca6760dc9bb40a77", "dagger-for-github@main"},
		want:    "not pinned",
	},
	"sha without version comment": {
		rule:    "pinned actions",
		replace: [2]string{"de0fac2e4500dabe0009e67214ff5f5447ce83dd # v6.0.2", "de0fac2e4500dabe0009e67214ff5f5447ce83dd"},
		want:    "no version comment",
	},
	"docker image": {
		rule:    "pinned actions",
		replace: [2]string{"uses: actions/checkout@de0fac2e4500dabe0009e67214ff5f5447ce83dd # v6.0.2", "uses: docker://alpine:3"},
		want:    "not pinned",
	},
	"remote reusable workflow by tag": {
		rule:    "pinned actions",
		replace: [2]string{"uses: ./.github/workflows/called.yml", "uses: octo/ci/.github/workflows/x.yml@v1"},
		want:    "not pinned",
	},
	"no top-level permissions": {
		rule:    "top-level permissions",
		replace: [2]string{"permissions: {}\njobs:", "jobs:"},
		want:    "must be a mapping",
	},
	"write-all at the top": {
		rule:    "top-level permissions",
		replace: [2]string{"permissions: {}\njobs:", "permissions: write-all\njobs:"},
		want:    "must be a mapping",
	},
	"write scope at the top": {
		rule:    "top-level permissions",
		replace: [2]string{"permissions: {}\njobs:", "permissions: {contents: write}\njobs:"},
		want:    "contents: write",
	},
	"job without permissions": {
		rule:    "job permissions",
		replace: [2]string{"    uses: ./.github/workflows/called.yml\n    permissions: {contents: read}\n", "    uses: ./.github/workflows/called.yml\n"},
		want:    "job local has no permissions",
	},
	"job with read-all": {
		rule:    "job permissions",
		replace: [2]string{"    uses: ./.github/workflows/called.yml\n    permissions: {contents: read}", "    uses: ./.github/workflows/called.yml\n    permissions: read-all"},
		want:    "job local has no permissions",
	},
	"id-token without aws": {
		rule:    "id-token only for AWS",
		replace: [2]string{"    uses: ./.github/workflows/called.yml\n    permissions: {contents: read}", "    uses: ./.github/workflows/called.yml\n    permissions: {contents: read, id-token: write}"},
		want:    "job local has id-token: write but assumes no AWS role",
	},
	"reusable workflow assumes aws without id-token": {
		rule:    "id-token only for AWS",
		replace: [2]string{"  local:\n", "  local:\n    if: github.event.pull_request.head.repo.full_name == github.repository\n"},
		called:  calledAWS,
		want:    "job local assumes an AWS role without id-token: write",
	},
	"aws without id-token": {
		rule:    "id-token only for AWS",
		replace: [2]string{"permissions: {contents: read, id-token: write}", "permissions: {contents: read}"},
		want:    "job plan assumes an AWS role without id-token",
	},
	"id-token at the top": {
		rule:    "top-level permissions",
		replace: [2]string{"permissions: {}\njobs:", "permissions: {id-token: write}\njobs:"},
		want:    "id-token: write",
	},
	"secret in run": {
		rule:    "no secrets in run",
		replace: [2]string{"run: dagger call plan --env dev", "run: DAGGER_CLOUD_TOKEN=${{ secrets.DAGGER_CLOUD_TOKEN }} dagger call plan --env dev"},
		want:    "interpolates a secret",
	},
	"secret by index in run": {
		rule:    "no secrets in run",
		replace: [2]string{"run: dagger call plan --env dev", "run: echo ${{ secrets['TOKEN'] }}"},
		want:    "interpolates a secret",
	},
	"other dagger version": {
		rule:    "dagger version",
		replace: [2]string{`version: "0.21.9"`, `version: "0.21.8"`},
		want:    `"0.21.8"`,
	},
	"dagger latest": {
		rule:    "dagger version",
		replace: [2]string{`with: {version: "0.21.9"}`, `with: {version: latest}`},
		want:    `"latest"`,
	},
	"dagger version missing": {
		rule:    "dagger version",
		replace: [2]string{"\n        with: {version: \"0.21.9\"}", ""},
		want:    `dagger version ""`,
	},
	"confirm in a workflow": {
		rule:    "changes by plan ID",
		replace: [2]string{"run: dagger call plan --env dev", "run: dagger call deploy --env prod --confirm prod"},
		want:    "passes --confirm",
	},
	"deploy without a plan ID check": {
		rule:    "changes by plan ID",
		replace: [2]string{"run: dagger call plan --env dev", `run: dagger call deploy --env "$E" --plan-id "$ID"`},
		want:    "before the AWS credentials step",
	},
	"plan ID check after the credentials": {
		rule: "changes by plan ID",
		replace: [2]string{"run: dagger call plan --env dev", `run: node scripts/plan-id.js require "$E" "$ID"
      - run: dagger call deploy --env "$E" --plan-id "$ID"`},
		want: "before the AWS credentials step",
	},
	"plan ID echoed to the output": {
		rule:    "changes by plan ID",
		replace: [2]string{"run: dagger call plan --env dev", `run: echo "plan-id=$(cat review/plan-id)" >> "$GITHUB_OUTPUT"`},
		want:    "writes a plan ID without",
	},
	"dagger without install": {
		rule:    "dagger installed",
		replace: [2]string{"      - uses: dagger/dagger-for-github@27b130bf0f79a7f6fbbbe0fbca6760dc9bb40a77 # v8.4.1\n        with: {version: \"0.21.9\"}\n", ""},
		want:    "runs dagger before installing it",
	},
	"fork gets credentials": {
		rule:    "forks get no credentials",
		replace: [2]string{"    if: github.event.pull_request.head.repo.full_name == github.repository\n", ""},
		want:    "job plan assumes an AWS role without `if:",
	},
	"reviewed plan written into the checkout": {
		rule:    "clean checkout",
		replace: [2]string{", file: process.env.RUNNER_TEMP + '/reviewed-plan.md'", ""},
		want:    "would write into the checkout",
	},
	"reviewed plan read from the checkout": {
		rule:    "clean checkout",
		replace: [2]string{`--reviewed-changeset "$RUNNER_TEMP/reviewed-plan.md"`, "--reviewed-changeset reviewed-plan.md"},
		want:    "--reviewed-changeset reviewed-plan.md is not under",
	},
	"pull_request_target": {
		rule:    "forks get no credentials",
		replace: [2]string{"on: {pull_request: {}}", "on: {pull_request_target: {}}"},
		want:    "pull_request_target",
	},
}

// TestRulesRejectViolations proves every rule can fail: each case breaks the good
// workflow in one way and must be reported by exactly that rule.
func TestRulesRejectViolations(t *testing.T) {
	rules := allRules("0.21.9")
	for name, tc := range violationCases {
		t.Run(name, func(t *testing.T) {
			text := good
			if tc.replace[0] != "" {
				if !strings.Contains(text, tc.replace[0]) {
					t.Fatalf("case does not apply: %q not in the good workflow", tc.replace[0])
				}
				text = strings.Replace(text, tc.replace[0], tc.replace[1], 1)
			}
			calledText := called
			if tc.called != "" {
				calledText = tc.called
			}
			set := parseSet(t, map[string]string{
				".github/workflows/good.yml":   text,
				".github/workflows/called.yml": calledText,
			})
			w := set[".github/workflows/good.yml"]
			for rname, rule := range rules {
				msgs := rule(w, set)
				if rname != tc.rule {
					if len(msgs) > 0 {
						t.Errorf("rule %q also fired: %v", rname, msgs)
					}
					continue
				}
				if len(msgs) == 0 {
					t.Fatalf("rule %q accepted the violation", tc.rule)
				}
				if !strings.Contains(strings.Join(msgs, "\n"), tc.want) {
					t.Errorf("rule %q said %v, want a message containing %q", tc.rule, msgs, tc.want)
				}
			}
		})
	}
}

// TestGoodWorkflowPasses keeps the base of the violation cases honest.
func TestGoodWorkflowPasses(t *testing.T) {
	set := parseSet(t, map[string]string{
		".github/workflows/good.yml":   good,
		".github/workflows/called.yml": called,
	})
	for name, rule := range allRules("0.21.9") {
		for path, w := range set {
			if msgs := rule(w, set); len(msgs) > 0 {
				t.Errorf("%s on %s: %v", name, path, msgs)
			}
		}
	}
	// A job calling a reusable workflow that assumes a role may hold id-token: write.
	withAWS := strings.Replace(good, "    uses: ./.github/workflows/called.yml\n    permissions: {contents: read}",
		"    uses: ./.github/workflows/called.yml\n    permissions: {contents: read, id-token: write}", 1)
	set = parseSet(t, map[string]string{".github/workflows/good.yml": withAWS, ".github/workflows/called.yml": calledAWS})
	if msgs := idTokenOnlyForAWS(set[".github/workflows/good.yml"], set); len(msgs) > 0 {
		t.Errorf("reusable workflow with AWS: %v", msgs)
	}
}

func TestParseRejectsBrokenFiles(t *testing.T) {
	for name, text := range map[string]string{
		"not yaml": "jobs: [unclosed",
		"no jobs":  "on: push\npermissions: {}\n",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := parse("x.yml", ".github/workflows/x.yml", []byte(text)); err == nil {
				t.Error("accepted")
			}
		})
	}
}

func parseSet(t *testing.T, files map[string]string) map[string]*workflow {
	t.Helper()
	set := map[string]*workflow{}
	for path, text := range files {
		w, err := parse(filepath.Base(path), path, []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		set[path] = w
	}
	return set
}
