package e2e

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"dagger/predictor/internal/testsupport/testenv"
)

// TestLifecycle walks one environment through the pipeline's terraform steps on a
// dedicated emulator: bootstrap twice, two plans from the same state (the second over
// budget), a plan refused for another environment, apply of the second plan, the
// first refused as stale, a no-op plan, outputs, drift before and after a change made
// behind terraform's back, and cost and policy on the plan.
func TestLifecycle(t *testing.T) {
	t.Parallel()
	l := &lifecycle{fixture: newFixture(t, testenv.NewMoto(t, testenv.MotoOptions{}))}
	l.bootstrapTwice(t)
	l.planWithChanges(t)
	l.costAndPolicy(t)
	l.planOverBudget(t)
	l.refusedForAnotherEnv(t)
	l.applyThenStale(t)
	l.noopPlan(t)
	l.outputs(t)
	l.localBucketsWithoutLifecycle(t)
	l.drift(t)
}

// local is the environment every lifecycle step runs in.
var local = []string{"--env", "local"}

// lifecycle is the fixture with what one phase leaves for a later one.
type lifecycle struct {
	*fixture
	planTotal    float64        // plan A's cost total, from its JSON summary
	costB, costC string         // the cost lines of plan B and of the no-op plan
	outs         map[string]any // `outputs --json`
	bucket       string         // the files bucket
}

// bootstrapTwice: bootstrap is idempotent.
func (l *lifecycle) bootstrapTwice(t *testing.T) {
	f := l.fixture
	r := f.run(nil, append([]string{"bootstrap"}, local...)...)
	f.want(r, 0)
	if !strings.Contains(r.stdout, "state bucket "+f.bucket+": created with public access block, versioning, encryption") {
		t.Errorf("first bootstrap said:\n%s", r.stdout)
	}
	r = f.run(nil, append([]string{"bootstrap"}, local...)...)
	f.want(r, 0)
	if !strings.Contains(r.stdout, "state bucket "+f.bucket+": already set up") {
		t.Errorf("second bootstrap said:\n%s", r.stdout)
	}
}

// planWithChanges: plan A has changes (exit 2), with Markdown, JSON summary, plan
// JSON and its environment sidecar.
func (l *lifecycle) planWithChanges(t *testing.T) {
	f := l.fixture
	r := f.run(nil, append([]string{"plan", "--out", "a.tfplan", "--summary-md", "a.md", "--summary-json", "a.json", "--json", "a.plan.json"}, local...)...)
	f.want(r, 2)
	for _, s := range []string{"Plan for local: ", " to add, 0 to change, 0 to destroy, 0 to replace.", "Monthly cost estimate for local", "Policy: no violations."} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("plan output lacks %q:\n%s", s, r.stdout)
		}
	}
	md := f.readFile("a.md")
	if !strings.HasPrefix(string(md), "### Terraform plan for `local`") || len(md) >= 65536 {
		t.Errorf("summary Markdown (%d bytes) starts %q", len(md), md[:min(len(md), 60)])
	}
	var summary struct {
		Summary struct{ Add, Change, Destroy, Replace int }
		Cost    struct {
			Total float64 `json:"total_monthly_usd"`
		}
		Policy struct{ Violations []any }
	}
	if err := json.Unmarshal(f.readFile("a.json"), &summary); err != nil {
		t.Fatal(err)
	}
	if summary.Summary.Add == 0 || summary.Summary.Change+summary.Summary.Destroy+summary.Summary.Replace != 0 {
		t.Errorf("summary counts %+v", summary.Summary)
	}
	l.planTotal = summary.Cost.Total
	var meta struct{ Environment string }
	if err := json.Unmarshal(f.readFile("a.tfplan.meta.json"), &meta); err != nil || meta.Environment != "local" {
		t.Errorf("sidecar: %+v %v", meta, err)
	}
}

// costAndPolicy: cost and policy on the real plan: JSON, then the saved plan through
// its sidecar.
func (l *lifecycle) costAndPolicy(t *testing.T) {
	f := l.fixture
	wantTotal := 0.50 // tfroots' mini: one log group
	if f.real {
		wantTotal = 8.95 // internal/cost/README.md: local estimates like dev
	}
	if diff := cmp.Diff(wantTotal, l.planTotal); diff != "" {
		t.Errorf("plan's cost total (-want +got):\n%s", diff)
	}
	r := f.exec(nil, "cost", "--plan", filepath.Join(f.work, "a.plan.json"), "--max-monthly-usd", "100")
	f.want(r, 0)
	r = f.exec(nil, "cost", "--plan", filepath.Join(f.work, "a.plan.json"), "--max-monthly-usd", "0.25")
	f.want(r, 4)
	if !strings.Contains(lastLine(r.stderr), "exceeds --max-monthly-usd 0.25") {
		t.Errorf("over budget said: %q", r.stderr)
	}
	r = f.run(nil, "cost", "--plan", "a.tfplan")
	f.want(r, 0)
	if !strings.Contains(r.stdout, "Monthly cost estimate for local") {
		t.Errorf("cost of the saved plan said:\n%s", r.stdout)
	}
	r = f.exec(nil, "policy", "--plan", filepath.Join(f.work, "a.plan.json"))
	f.want(r, 0)
	violating, _ := filepath.Abs(filepath.Join("..", "..", "policy", "testdata", "sg-open-ingress", "violating.json"))
	r = f.exec(nil, "policy", "--plan", violating)
	f.want(r, 3)
	if !strings.Contains(r.stdout, "sg-open-ingress: aws_vpc_security_group_ingress_rule.ssh: ingress on tcp port 22 from 0.0.0.0/0") {
		t.Errorf("policy said:\n%s", r.stdout)
	}
}

// planOverBudget: plan B from the same state, over budget: exit 4.
func (l *lifecycle) planOverBudget(t *testing.T) {
	f := l.fixture
	r := f.run(nil, append([]string{"plan", "--out", "b.tfplan", "--max-monthly-usd", "0.25"}, local...)...)
	f.want(r, 4)
	l.costB = costLine(r.stdout)
	if got := lastLine(r.stderr); !strings.HasPrefix(got, "deployctl plan: monthly cost estimate over budget: $") {
		t.Errorf("plan over budget said: %q", got)
	}
}

// refusedForAnotherEnv: a plan for local is refused for dev before anything runs, by
// its sidecar, and without the sidecar by the plan's own variables.
func (l *lifecycle) refusedForAnotherEnv(t *testing.T) {
	f := l.fixture
	r := f.run(nil, "apply", "--env", "dev", "--plan", "a.tfplan")
	f.want(r, 1)
	wantRefusal := "deployctl apply: plan file is for another environment: " + filepath.Join(f.work, "a.tfplan") + " was made for local, not dev: plan again with `deployctl plan --env dev`\n"
	if diff := cmp.Diff(wantRefusal, r.stderr); diff != "" {
		t.Errorf("refusal (-want +got):\n%s", diff)
	}
	plan, err := os.ReadFile(filepath.Join(f.work, "a.tfplan"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(f.work, "bare.tfplan"), plan, 0o644); err != nil {
		t.Fatal(err)
	}
	r = f.run(nil, "apply", "--env", "dev", "--plan", "bare.tfplan")
	f.want(r, 1)
	if got := lastLine(r.stderr); got != "deployctl apply: plan file is for another environment: "+filepath.Join(f.work, "bare.tfplan")+" was made for local, not dev: plan again with `deployctl plan --env dev`" {
		t.Errorf("refusal without sidecar: %q", got)
	}
}

// applyThenStale: apply B, then A is stale: exit 5.
func (l *lifecycle) applyThenStale(t *testing.T) {
	f := l.fixture
	r := f.run(nil, append([]string{"apply", "--plan", "b.tfplan"}, local...)...)
	f.want(r, 0)
	r = f.run(nil, append([]string{"apply", "--plan", "a.tfplan"}, local...)...)
	f.want(r, 5)
	if got := lastLine(r.stderr); got != "deployctl apply: apply "+filepath.Join(f.work, "a.tfplan")+": saved plan is stale: the state changed since this plan was made; run `deployctl plan` again" {
		t.Errorf("stale plan said: %q", got)
	}
}

// noopPlan: no changes now: exit 0, and nothing will be applied, so policy has
// nothing to check; its estimate matches terraform show -json's and plan B's.
func (l *lifecycle) noopPlan(t *testing.T) {
	f := l.fixture
	r := f.run(nil, append([]string{"plan", "--out", "c.tfplan", "--summary-json", "c.json"}, local...)...)
	f.want(r, 0)
	if !strings.HasPrefix(r.stdout, "Plan for local: no changes;") {
		t.Errorf("no-op plan said:\n%s", r.stdout)
	}
	if !strings.HasSuffix(r.stdout, "\nPolicy: no changes to check.\n") {
		t.Errorf("policy on the no-op plan:\n%s", r.stdout)
	}
	l.costC = costLine(r.stdout)
	// The no-op plan estimates from the prior state in the plan file, without terraform
	// show -json: the same estimate as from the plan's JSON (cost --plan runs show).
	var noop struct{ Cost any }
	if err := json.Unmarshal(f.readFile("c.json"), &noop); err != nil {
		t.Fatal(err)
	}
	r = f.run(nil, "cost", "--plan", "c.tfplan", "--json")
	f.want(r, 0)
	var shown any
	if err := json.Unmarshal([]byte(r.stdout), &shown); err != nil {
		t.Fatalf("cost --json: %v\n%s", err, r.stdout)
	}
	if diff := cmp.Diff(shown, noop.Cost); diff != "" {
		t.Errorf("no-op plan's estimate (-show -json +prior state):\n%s", diff)
	}
	// And the same infrastructure as plan B planned, so the same estimate, except in
	// infra/, whose autoscaling minimum is 0 until the first rollout (plan B prices the
	// min_capacity variable, the applied state 0 tasks).
	if l.costB == "" || l.costC == "" {
		t.Errorf("no estimate: plan B %q, no-op plan %q", l.costB, l.costC)
	}
	if !f.real && l.costC != l.costB {
		t.Errorf("no-op plan's estimate %q, plan B's %q", l.costC, l.costB)
	}
}

// outputs: JSON, a raw string, a map as JSON.
func (l *lifecycle) outputs(t *testing.T) {
	f := l.fixture
	r := f.run(nil, append([]string{"outputs", "--json"}, local...)...)
	f.want(r, 0)
	if err := json.Unmarshal([]byte(r.stdout), &l.outs); err != nil {
		t.Fatalf("outputs --json: %v\n%s", err, r.stdout)
	}
	l.bucket, _ = l.outs["s3_files_bucket_name"].(string)
	if l.bucket == "" {
		t.Fatalf("no s3_files_bucket_name in %v", l.outs)
	}
	r = f.run(nil, append([]string{"outputs", "--name", "s3_files_bucket_name"}, local...)...)
	f.want(r, 0)
	if diff := cmp.Diff(l.bucket+"\n", r.stdout); diff != "" {
		t.Errorf("outputs --name (-want +got):\n%s", diff)
	}
	r = f.run(nil, append([]string{"outputs", "--name", "backend_environment_variables"}, local...)...)
	f.want(r, 0)
	var vars map[string]string
	if err := json.Unmarshal([]byte(r.stdout), &vars); err != nil || vars["APP_ENV"] != "local" || vars["AWS_REGION"] != "us-east-1" {
		t.Errorf("backend_environment_variables: %v %q", err, r.stdout)
	}
}

// localBucketsWithoutLifecycle: local alone keeps its buckets without lifecycle rules
// (s3_lifecycle_rules = false: the emulator never expires objects, and the provider
// would wait 55 s for them); dev and prod read theirs back in infra's
// TestEnvironmentsEndToEnd.
func (l *lifecycle) localBucketsWithoutLifecycle(t *testing.T) {
	f := l.fixture
	if !f.real {
		return
	}
	for _, name := range []string{"s3_files_bucket_name", "s3_data_bucket_name"} {
		b, _ := l.outs[name].(string)
		got, err := f.s3(t).GetBucketLifecycleConfiguration(t.Context(), &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String(b)})
		var apiErr smithy.APIError
		if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "NoSuchLifecycleConfiguration" {
			n := 0
			if got != nil {
				n = len(got.Rules)
			}
			t.Errorf("lifecycle of %s in local: want NoSuchLifecycleConfiguration, got error %v and %d rule(s)", b, err, n)
		}
	}
}

// drift: none, then a tag changed behind terraform's back.
func (l *lifecycle) drift(t *testing.T) {
	f := l.fixture
	r := f.run(nil, append([]string{"drift"}, local...)...)
	f.want(r, 0)
	_, err := f.s3(t).PutBucketTagging(t.Context(), &s3.PutBucketTaggingInput{
		Bucket:  aws.String(l.bucket),
		Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String("Owner"), Value: aws.String("someone-else")}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	r = f.run(nil, append([]string{"drift", "--json", "drift.json"}, local...)...)
	f.want(r, 2)
	if want := "  update " + f.filesBucketAddress() + " ("; !strings.Contains(r.stdout, want) || !strings.Contains(r.stdout, "tags") {
		t.Errorf("drift output lacks %q and tags:\n%s", want, r.stdout)
	}
}

// costLine is the "Monthly cost estimate ...: $N" line of plan's output.
func costLine(stdout string) string {
	for line := range strings.Lines(stdout) {
		if strings.HasPrefix(line, "Monthly cost estimate") {
			return strings.TrimSpace(line)
		}
	}
	return ""
}
