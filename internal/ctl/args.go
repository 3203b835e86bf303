// Package ctl is deployctl's command line as its callers see it: the argument list of
// each subcommand, what its exit statuses mean (as errors checked with errors.Is) and
// how to read what it prints (outputs, rollout and promotion lines, plan summaries).
// The Dagger module and the engine-less rehearsal run deployctl through it; deployctl
// itself (cmd/deployctl) is the other side of the same contract. Building a command
// is kept apart from running it, so tests check exact argument lists without running
// anything.
package ctl

import (
	"strconv"
	"time"
)

// Target says where deployctl works: the environment, region and, for the emulator,
// the endpoint. Empty fields fall back to deployctl's defaults.
type Target struct {
	Env         string
	Region      string
	Endpoint    string
	StateBucket string
	InfraDir    string
	Workdir     string
}

// flags renders the global flags deployctl accepts on every subcommand, in a fixed order.
func (t Target) flags() []string {
	var a []string
	add := func(flag, v string) {
		if v != "" {
			a = append(a, flag, v)
		}
	}
	add("--env", t.Env)
	add("--region", t.Region)
	add("--aws-endpoint", t.Endpoint)
	add("--state-bucket", t.StateBucket)
	add("--infra-dir", t.InfraDir)
	add("--workdir", t.Workdir)
	return a
}

func cmd(name string, t Target, rest ...string) []string {
	return append(append([]string{"deployctl", name}, t.flags()...), rest...)
}

// BootstrapArgs creates the state bucket (idempotent).
func BootstrapArgs(t Target) []string { return cmd("bootstrap", t) }

// PlanOptions are the plan stage's outputs and gate settings.
type PlanOptions struct {
	// Out is the saved plan file.
	Out string
	// SummaryMD, SummaryJSON and JSON, when set, receive the Markdown summary, the
	// summary with counts and cost as JSON, and the plan JSON.
	SummaryMD, SummaryJSON, JSON string
	// MaxMonthlyUSD fails the plan (exit 4) when the estimate exceeds it; 0 = no budget.
	MaxMonthlyUSD float64
	// MaxMonthlyIncreaseUSD fails the plan (exit 4) when it raises the estimate by more
	// than this; 0 = no limit.
	MaxMonthlyIncreaseUSD float64
	// NoPolicy skips the policy gate.
	NoPolicy bool
	// NoLock plans without the state lock (--lock=false): review plans (pull
	// requests), never applied, must not block a deploy.
	NoLock bool
}

// PlanArgs saves a plan and runs the policy and cost gate on it.
func PlanArgs(t Target, o PlanOptions) []string {
	a := cmd("plan", t, "--out", o.Out)
	if o.SummaryMD != "" {
		a = append(a, "--summary-md", o.SummaryMD)
	}
	if o.SummaryJSON != "" {
		a = append(a, "--summary-json", o.SummaryJSON)
	}
	if o.JSON != "" {
		a = append(a, "--json", o.JSON)
	}
	if o.MaxMonthlyUSD > 0 {
		a = append(a, "--max-monthly-usd", strconv.FormatFloat(o.MaxMonthlyUSD, 'f', -1, 64))
	}
	if o.MaxMonthlyIncreaseUSD > 0 {
		a = append(a, "--max-monthly-increase-usd", strconv.FormatFloat(o.MaxMonthlyIncreaseUSD, 'f', -1, 64))
	}
	if o.NoPolicy {
		a = append(a, "--no-policy")
	}
	if o.NoLock {
		a = append(a, "--lock=false")
	}
	return a
}

// ApplyArgs applies exactly the saved plan.
func ApplyArgs(t Target, planFile string) []string { return cmd("apply", t, "--plan", planFile) }

// ApplyIDArgs applies a plan `plan --save` stored in the state bucket, by its ID.
func ApplyIDArgs(t Target, id string) []string { return cmd("apply", t, "--plan-id", id) }

// OutputsArgs prints the outputs as JSON, or one raw value with name.
func OutputsArgs(t Target, name string) []string {
	if name != "" {
		return cmd("outputs", t, "--name", name)
	}
	return cmd("outputs", t, "--json")
}

// DriftArgs compares the state with the real infrastructure (exit 2 = drift).
func DriftArgs(t Target) []string { return cmd("drift", t) }

// ECRLoginArgs writes registry, username and password files into dir, for the
// repository URL when given (else deployctl reads it from the outputs).
func ECRLoginArgs(t Target, dir, repositoryURL string) []string {
	a := cmd("ecr-login", t, "--out", dir)
	if repositoryURL != "" {
		a = append(a, "--repository-url", repositoryURL)
	}
	return a
}

// ImageDigestArgs prints the digest tag holds in the repository ("" when none).
func ImageDigestArgs(t Target, repositoryURL, tag string) []string {
	return cmd("image-digest", Target{Region: t.Region, Endpoint: t.Endpoint}, "--repository-url", repositoryURL, "--tag", tag)
}

// Service names the ECS service rollout and rollback act on, read from the terraform
// outputs once so the small runtime container needs no terraform. Empty fields let
// deployctl read the outputs itself.
type Service struct {
	Cluster, Name, Container string
	// DesiredCount is the task count a first rollout sets (the service starts at 0).
	DesiredCount int
	// TaskDefinition is Terraform's task definition (output ecs_task_definition_arn),
	// the base every release is registered from; rollout only.
	TaskDefinition string
}

func (s Service) flags() []string {
	var a []string
	if s.Cluster != "" && s.Name != "" {
		a = append(a, "--cluster", s.Cluster, "--service", s.Name)
		if s.Container != "" {
			a = append(a, "--container", s.Container)
		}
		if s.DesiredCount > 0 {
			a = append(a, "--desired-count", strconv.Itoa(s.DesiredCount))
		}
	}
	return a
}

// RolloutOptions describe one rollout.
type RolloutOptions struct {
	// Service is the target service (from the outputs when empty).
	Service Service
	// Image is REF@sha256:...; rollout refuses anything not pinned by digest.
	Image string
	// Version becomes APP_VERSION in the task, checked by the smoke test.
	Version string
	// Timeout bounds the watch (deployctl's default when zero).
	Timeout time.Duration
	// ReportJSON receives deployment ID, task definition ARN and revision.
	ReportJSON string
	// Force starts a deployment even when the service already runs Image.
	Force bool
	// Commit, AppliedPlan, PromotedFrom and BreakGlass go into the release's record.
	Commit, AppliedPlan, PromotedFrom string
	BreakGlass                        bool
}

// RolloutArgs registers a task definition revision with the image and watches the
// deployment until it completes.
func RolloutArgs(t Target, o RolloutOptions) []string {
	a := append(cmd("rollout", t, "--image", o.Image), o.Service.flags()...)
	if o.Service.TaskDefinition != "" && o.Service.Cluster != "" && o.Service.Name != "" {
		a = append(a, "--task-definition", o.Service.TaskDefinition)
	}
	if o.Version != "" {
		a = append(a, "--version", o.Version)
	}
	if o.Timeout > 0 {
		a = append(a, "--timeout", o.Timeout.String())
	}
	if o.ReportJSON != "" {
		a = append(a, "--report-json", o.ReportJSON)
	}
	if o.Force {
		a = append(a, "--force")
	}
	for _, f := range [][2]string{{"--commit", o.Commit}, {"--applied-plan", o.AppliedPlan}, {"--promoted-from", o.PromotedFrom}} {
		if f[1] != "" {
			a = append(a, f[0], f[1])
		}
	}
	if o.BreakGlass {
		a = append(a, "--break-glass")
	}
	return a
}

// RollbackArgs returns the service to revision (the previous one when 0).
func RollbackArgs(t Target, svc Service, revision int, reportJSON string) []string {
	a := append(cmd("rollback", t), svc.flags()...)
	if revision > 0 {
		a = append(a, "--to", strconv.Itoa(revision))
	}
	if reportJSON != "" {
		a = append(a, "--report-json", reportJSON)
	}
	return a
}

// SmokeArgs polls url + /health until it reports version.
func SmokeArgs(url, version string, timeout time.Duration) []string {
	a := []string{"deployctl", "smoke", "--url", url, "--expect-version", version}
	if timeout > 0 {
		a = append(a, "--timeout", timeout.String())
	}
	return a
}

// DestroyArgs plans the destroy (taking the state lock), empties the environment's
// buckets (every object version and delete marker), then destroys everything
// (`deployctl destroy --env E --confirm E`, and --break-glass when given).
func DestroyArgs(t Target, breakGlass bool) []string {
	a := cmd("destroy", t, "--confirm", t.Env)
	if breakGlass {
		a = append(a, "--break-glass")
	}
	return a
}

// ReleasesArgs lists the service's releases, newest first, each with its record; at
// most limit of them (0: deployctl's default).
func ReleasesArgs(t Target, limit int) []string {
	if limit > 0 {
		return cmd("releases", t, "--limit", strconv.Itoa(limit))
	}
	return cmd("releases", t)
}

// ReleaseDiffArgs shows what the next release changes in the running service: plan is
// the plan (or its JSON) whose task definition it registers ("": the running one),
// image what it ships ("": the running image), format text, markdown or json.
func ReleaseDiffArgs(t Target, plan, image, format string) []string {
	var rest []string
	if plan != "" {
		rest = append(rest, "--plan", plan)
	}
	if image != "" {
		rest = append(rest, "--image", image)
	}
	if format != "" {
		rest = append(rest, "--format", format)
	}
	return cmd("release-diff", t, rest...)
}
