package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"dagger/predictor/internal/ctl"
	"dagger/predictor/internal/dagger"
	"dagger/predictor/internal/exitcode"
	"dagger/predictor/internal/pipeline"
	"dagger/predictor/internal/tfstate"
)

// Plan is one terraform plan of an environment: every view (summary, Markdown, JSON,
// the saved file) comes from the same terraform run, and Apply applies exactly it.
type Plan struct {
	// Environment planned.
	Env string
	// Whether applying the plan changes anything.
	HasChanges bool
	// ID of the plan stored in the state bucket (with --save), for apply --plan-id.
	// Not `ID`: the engine names it `id`, which every object already has (a module
	// defining it does not load).
	PlanID string
	// Summary: counts, replaced and destroyed resources first, monthly cost, policy result.
	Summary string

	// +private
	Pipeline *Predictor
	// +private
	Ctr *dagger.Container
	// Status is the plan step's answer (0, 2, 3, 4 or 7), read once from its status file.
	// +private
	Status int
}

// Plan an environment and print its summary: changes, monthly cost and its change, policy result (with --save, the plan ID).
//
// +cache="never"
func (m *Predictor) Plan(
	ctx context.Context,
	// Environment: the name of a file in infra/envs, such as dev, prod or local.
	env string,
	// Fail when the monthly cost estimate exceeds this many USD (0: no budget).
	// +optional
	maxMonthlyUsd float64,
	// Fail when the plan raises the monthly cost estimate by more than this many USD (0: no limit).
	// +optional
	maxMonthlyIncreaseUsd float64,
	// Report policy violations without failing.
	// +optional
	noPolicy bool,
	// Store the plan in the state bucket (when it passes the gate) and print its ID, for `apply --plan-id` or `deploy --plan-id`.
	// +optional
	save bool,
	// The pull request's plan comment (or plan Markdown): fail when this plan's changes are not the reviewed ones.
	// +optional
	reviewedChangeset *dagger.File,
) (string, error) {
	p, err := m.TfPlan(ctx, env, maxMonthlyUsd, maxMonthlyIncreaseUsd, noPolicy, save, reviewedChangeset)
	if err != nil {
		return "", err
	}
	// deployctl's summary already ends with the saved plan's ID ("Saved plan ID (URL):
	// apply it with --plan-id ID"): the string is what `dagger call plan` prints.
	return p.Summary, nil
}

// Plan an environment and return the plan itself, whose views (markdown, as-json, file, review) and apply chain after it.
//
// +cache="never"
func (m *Predictor) TfPlan(
	ctx context.Context,
	// Environment: the name of a file in infra/envs, such as dev, prod or local.
	env string,
	// Fail when the monthly cost estimate exceeds this many USD (0: no budget).
	// +optional
	maxMonthlyUsd float64,
	// Fail when the plan raises the monthly cost estimate by more than this many USD (0: no limit).
	// +optional
	maxMonthlyIncreaseUsd float64,
	// Report policy violations without failing.
	// +optional
	noPolicy bool,
	// Store the plan in the state bucket (when it passes the gate) and set its plan ID, for `apply --plan-id` or `deploy --plan-id`.
	// +optional
	save bool,
	// The pull request's plan comment (or plan Markdown): fail when this plan's changes are not the reviewed ones.
	// +optional
	reviewedChangeset *dagger.File,
) (*Plan, error) {
	t, err := m.target(env)
	if err != nil {
		return nil, err
	}
	stop, err := t.start(ctx)
	if err != nil {
		return nil, err
	}
	defer stop()
	// A review plan never takes the state lock (a deploy running meanwhile is not
	// blocked); applying it locks and refuses it when the state moved on.
	p, err := m.plan(ctx, t, planOptions{maxMonthlyUsd: maxMonthlyUsd, maxIncrease: maxMonthlyIncreaseUsd, noPolicy: noPolicy, save: save, noLock: true, reviewed: reviewedChangeset})
	if err != nil {
		return nil, err
	}
	return p, p.gate()
}

// Return the plan's summary, cost and policy result as Markdown, for a pull-request comment.
func (p *Plan) Markdown(ctx context.Context) (string, error) {
	md, err := p.Ctr.File(p.files().SummaryMD).Contents(ctx)
	if err != nil {
		return "", fmt.Errorf("read the plan's Markdown summary: %w", err)
	}
	return md, nil
}

// Return the plan as JSON (terraform show -json); the engine names a method JSON "j-son", hence AsJSON.
func (p *Plan) AsJSON() *dagger.File { return p.Ctr.File(p.files().JSON) }

// Return what reviewers read, as a directory: plan.md (summary, cost, policy) and, with --save, plan-id.
func (p *Plan) Review() *dagger.Directory {
	dir := dag.Directory().WithFile("plan.md", p.Ctr.File(p.files().SummaryMD))
	if p.PlanID != "" {
		dir = dir.WithNewFile("plan-id", p.PlanID+"\n")
	}
	return dir
}

// Return the saved plan file, to review and pass to `apply --plan`.
func (p *Plan) File() *dagger.File { return p.Ctr.File(p.files().Out) }

// Apply exactly this plan (prod only with --confirm prod; review first with `tf-plan --env prod file`).
//
// +cache="never"
func (p *Plan) Apply(
	ctx context.Context,
	// Set to prod to apply a prod plan in the same call that made it.
	// +optional
	confirm string,
) (string, error) {
	if err := pipeline.CheckStandalone("plan apply", p.Env); err != nil {
		return "", err
	}
	if err := pipeline.CheckApply(p.Env, false, confirm); err != nil {
		return "", err
	}
	if !p.HasChanges {
		return p.Summary + "\nNo changes: nothing to apply.\n", nil
	}
	t, err := p.Pipeline.target(p.Env)
	if err != nil {
		return "", err
	}
	return p.Pipeline.apply(ctx, t, p.Pipeline.terraformContainer(t), p.File())
}

// files are the plan step's file names in its container.
func (p *Plan) files() ctl.PlanOptions { return ctl.PlanFiles(workPath, 0, false) }

// result reads the counts, the monthly estimate and its change from the plan's JSON
// summary (one read), unknown parts left at their zero or negative values.
func (p *Plan) result(ctx context.Context) pipeline.PlanResult {
	res := pipeline.PlanResult{HasChanges: p.HasChanges, Summary: p.Summary, MonthlyUSD: -1}
	sj, err := p.Ctr.File(p.files().SummaryJSON).Contents(ctx)
	if err != nil {
		return res
	}
	if counts, cost, err := ctl.ParsePlanSummaryJSON(sj); err == nil {
		res.Counts, res.MonthlyUSD = counts, cost
	}
	if delta, ok, err := ctl.ParsePlanCostChange(sj); err == nil {
		res.MonthlyDeltaUSD, res.HasDelta = delta, ok
	}
	return res
}

// gate is the policy, cost or change-set failure the plan step recorded, nil when it passed.
func (p *Plan) gate() error {
	_, err := ctl.PlanOutcome(p.Status, p.Summary, "")
	return err
}

// plan is the one plan step every plan view, apply and deploy share. It runs on
// every call (a per-call nonce: a cached plan is a stale plan), and a failure that
// is not an answer (a held lock, a network error) fails the exec, which the engine
// never caches: deployctl records the answers 0/2/3/4 in a status file and exits 0.
// planOptions are the plan step's settings.
type planOptions struct {
	maxMonthlyUsd, maxIncrease float64
	noPolicy, save, noLock     bool
	// reviewed holds the reviewed change set the plan must equal.
	reviewed *dagger.File
}

func (m *Predictor) plan(ctx context.Context, t target, o planOptions) (*Plan, error) {
	ctr := m.terraformContainer(t)
	if t.local() {
		// Each call's emulator starts empty: its state bucket comes first.
		var err error
		if ctr, err = bootstrapIn(ctx, ctr, t); err != nil {
			return nil, err
		}
	}
	files := ctl.PlanFiles(workPath, o.maxMonthlyUsd, o.noPolicy)
	files.NoLock = o.noLock
	files.MaxMonthlyIncreaseUSD = o.maxIncrease
	args := append(ctl.PlanArgs(t.Target, files), "--status-file", workPath+"/plan.status")
	if o.save {
		args = append(args, "--save", "--id-file", workPath+"/plan.id")
	}
	if o.reviewed != nil {
		ctr = ctr.WithFile(workPath+"/reviewed.md", o.reviewed)
		args = append(args, "--expect-changeset", workPath+"/reviewed.md")
	}
	ctr, err := bust(ctr).WithExec(args).Sync(ctx)
	if err != nil {
		return nil, explain(err)
	}
	summary, err := ctr.Stdout(ctx)
	if err != nil {
		return nil, err
	}
	p := &Plan{Env: t.Env, Summary: summary, Pipeline: m, Ctr: ctr}
	status, err := ctr.File(workPath + "/plan.status").Contents(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the plan's status: %w", err)
	}
	if p.Status, err = strconv.Atoi(strings.TrimSpace(status)); err != nil {
		return nil, fmt.Errorf("read the plan's status %q: %w", status, err)
	}
	p.HasChanges = p.Status == exitcode.Changes
	if o.save {
		// No ID file when the gate stopped the plan: the gate error says why.
		if id, err := ctr.File(workPath + "/plan.id").Contents(ctx); err == nil {
			p.PlanID = strings.TrimSpace(id)
		}
	}
	return p, nil
}

// Apply a reviewed plan file, or plan and apply at once (prod only with --confirm prod).
//
// +cache="never"
func (m *Predictor) Apply(
	ctx context.Context,
	// Environment: the name of a file in infra/envs, such as dev, prod or local.
	env string,
	// Plan file from `tf-plan --env ENV file -o FILE`; without it (or --plan-id) the function plans first.
	// +optional
	plan *dagger.File,
	// ID of a plan stored with `plan --env ENV --save`: fetched from the state bucket, digest checked, applied.
	// +optional
	planId string,
	// Set to the environment name to plan and apply prod without a plan file.
	// +optional
	confirm string,
) (string, error) {
	if err := pipeline.CheckApply(env, plan != nil || planId != "", confirm); err != nil {
		return "", err
	}
	if planId != "" {
		t, err := m.standaloneTarget("apply --plan-id", env)
		if err != nil {
			return "", err
		}
		return m.applyID(ctx, t, planId)
	}
	t, err := m.target(env)
	if err != nil {
		return "", err
	}
	stop, err := t.start(ctx)
	if err != nil {
		return "", err
	}
	defer stop()
	if plan == nil {
		p, err := m.plan(ctx, t, planOptions{})
		if err != nil {
			return "", err
		}
		if err := p.gate(); err != nil {
			return "", err
		}
		if !p.HasChanges {
			return p.Summary + "\nNo changes: nothing to apply.\n", nil
		}
		plan = p.File()
	}
	return m.apply(ctx, t, m.terraformContainer(t), plan)
}

// apply applies exactly the saved plan file.
func (m *Predictor) apply(ctx context.Context, t target, ctr *dagger.Container, plan *dagger.File) (string, error) {
	r, err := runOK(ctx, bust(ctr.WithFile(workPath+"/apply.tfplan", plan)), ctl.ApplyArgs(t.Target, workPath+"/apply.tfplan"))
	if err != nil {
		return "", tfstate.Parse(err, r.stderr)
	}
	return r.stdout, nil
}

// applyID applies the plan stored in the state bucket under id.
func (m *Predictor) applyID(ctx context.Context, t target, id string) (string, error) {
	r, err := runOK(ctx, bust(m.terraformContainer(t)), ctl.ApplyIDArgs(t.Target, id))
	if err != nil {
		return "", tfstate.Parse(err, r.stderr)
	}
	return r.stdout, nil
}

// Print the environment's terraform outputs as JSON, or one raw value with --name.
//
// +cache="never"
func (m *Predictor) Outputs(
	ctx context.Context,
	// Environment: the name of a file in infra/envs, such as dev, prod or local.
	env string,
	// Output name, such as api_gateway_url; all outputs as JSON without it.
	// +optional
	name string,
) (string, error) {
	t, err := m.standaloneTarget("outputs", env)
	if err != nil {
		return "", err
	}
	r, err := runOK(ctx, bust(m.terraformContainer(t)), ctl.OutputsArgs(t.Target, name))
	if err != nil {
		return "", err
	}
	return r.stdout, nil
}

// outputsMap reads all outputs once in ctr (always fresh: they change with apply).
func outputsMap(ctx context.Context, ctr *dagger.Container, t target) (map[string]string, error) {
	r, err := runOK(ctx, bust(ctr), ctl.OutputsArgs(t.Target, ""))
	if err != nil {
		return nil, err
	}
	return ctl.ParseOutputs(r.stdout)
}

// Compare the environment's state with its real infrastructure and the running service with its last release, print the differences and fail when either drifted.
//
// +cache="never"
func (m *Predictor) Drift(
	ctx context.Context,
	// Environment: the name of a file in infra/envs, such as dev, prod or local.
	env string,
) (string, error) {
	report, _, err := m.drift(ctx, env)
	return report, err
}

// Compare the environment's state with its real infrastructure and the running service with its last release, and return a Markdown report, without failing on drift.
//
// +cache="never"
func (m *Predictor) DriftReport(
	ctx context.Context,
	// Environment: the name of a file in infra/envs, such as dev, prod or local.
	env string,
) (string, error) {
	report, drifted, err := m.drift(ctx, env)
	if err != nil && !errors.Is(err, ctl.ErrDrift) {
		return "", err
	}
	return pipeline.DriftMarkdown(env, drifted, report), nil
}

// drift runs deployctl drift: the text report, whether it drifted, and
// ctl.ErrDrift when it did.
func (m *Predictor) drift(ctx context.Context, env string) (string, bool, error) {
	t, err := m.standaloneTarget("drift", env)
	if err != nil {
		return "", false, err
	}
	r, err := run(ctx, bust(m.terraformContainer(t)), ctl.DriftArgs(t.Target))
	if err != nil {
		return "", false, err
	}
	return ctl.DriftOutcome(env, r.code, r.stdout, r.stderr)
}

// Create the environment's terraform state bucket (safe to repeat).
//
// +cache="never"
func (m *Predictor) Bootstrap(
	ctx context.Context,
	// Environment: the name of a file in infra/envs, such as dev, prod or local.
	env string,
) (string, error) {
	t, err := m.standaloneTarget("bootstrap", env)
	if err != nil {
		return "", err
	}
	r, err := runOK(ctx, bust(m.terraformContainer(t)), ctl.BootstrapArgs(t.Target))
	if err != nil {
		return "", err
	}
	return r.stdout, nil
}

// bootstrapIn runs bootstrap in ctr and returns the container after it.
func bootstrapIn(ctx context.Context, ctr *dagger.Container, t target) (*dagger.Container, error) {
	r, err := runOK(ctx, bust(ctr), ctl.BootstrapArgs(t.Target))
	if err != nil {
		return nil, err
	}
	return r.ctr, nil
}

// Empty the environment's buckets (every object version) and destroy all of its resources.
//
// +cache="never"
func (m *Predictor) Destroy(
	ctx context.Context,
	// Environment: the name of a file in infra/envs, such as dev, prod or local.
	env string,
	// The environment name again, to confirm.
	confirm string,
	// Also required for prod, on top of confirm: it deletes production data for good.
	// +optional
	breakGlass bool,
) (string, error) {
	if err := pipeline.CheckDestroy(env, confirm, breakGlass); err != nil {
		return "", err
	}
	t, err := m.standaloneTarget("destroy", env)
	if err != nil {
		return "", err
	}
	r, err := runOK(ctx, bust(m.terraformContainer(t)), ctl.DestroyArgs(t.Target, breakGlass))
	if err != nil {
		return "", err
	}
	return r.stdout, nil
}
