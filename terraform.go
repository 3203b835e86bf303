package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"dagger/predictor/internal/dagger"
	"dagger/predictor/internal/exitcode"
	"dagger/predictor/internal/pipeline"
)

// Plan is one terraform plan of an environment: every view (summary, Markdown, JSON,
// the saved file) comes from the same terraform run, and Apply applies exactly it.
type Plan struct {
	// Environment planned.
	Env string
	// Whether applying the plan changes anything.
	HasChanges bool
	// Summary: counts, replaced and destroyed resources first, monthly cost, policy result.
	Summary string

	// +private
	Pipeline *Predictor
	// +private
	Ctr *dagger.Container
}

// Plan an environment: counts, monthly cost and policy result, with the plan's other views and apply chained after it.
//
// +cache="never"
func (m *Predictor) Plan(
	ctx context.Context,
	// Environment: dev, prod or local.
	env string,
	// Fail when the monthly cost estimate exceeds this many USD (0: no budget).
	// +optional
	maxMonthlyUsd float64,
	// Report policy violations without failing.
	// +optional
	noPolicy bool,
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
	p, err := m.plan(ctx, t, maxMonthlyUsd, noPolicy)
	if err != nil {
		return nil, err
	}
	return p, p.gate(ctx)
}

// Return the plan's summary, cost and policy result as Markdown, for a pull-request comment.
func (p *Plan) Markdown(ctx context.Context) (string, error) {
	md, err := p.Ctr.File(p.files().SummaryMD).Contents(ctx)
	if err != nil {
		return "", fmt.Errorf("read the plan's Markdown summary: %w", err)
	}
	return md, nil
}

// Return the plan as JSON (terraform show -json).
func (p *Plan) JSON() *dagger.File { return p.Ctr.File(p.files().JSON) }

// Return the saved plan file, to review and pass to `apply --plan`.
func (p *Plan) File() *dagger.File { return p.Ctr.File(p.files().Out) }

// Apply exactly this plan (prod only with --confirm prod; review first with `plan --env prod file`).
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
func (p *Plan) files() pipeline.PlanOptions { return pipeline.PlanFiles(workPath, 0, false) }

// counts reads the counts and the monthly estimate from the plan's JSON summary.
func (p *Plan) counts(ctx context.Context) (pipeline.PlanCounts, float64, error) {
	sj, err := p.Ctr.File(p.files().SummaryJSON).Contents(ctx)
	if err != nil {
		return pipeline.PlanCounts{}, -1, fmt.Errorf("read the plan's JSON summary: %w", err)
	}
	return pipeline.ParsePlanSummaryJSON(sj)
}

// gate is the policy or cost failure the plan step recorded, nil when it passed.
func (p *Plan) gate(ctx context.Context) error {
	status, err := p.Ctr.File(workPath + "/plan.status").Contents(ctx)
	if err != nil {
		return fmt.Errorf("read the plan's status: %w", err)
	}
	code, err := strconv.Atoi(strings.TrimSpace(status))
	if err != nil {
		return fmt.Errorf("read the plan's status %q: %w", status, err)
	}
	_, err = pipeline.PlanOutcome(code, p.Summary, "")
	return err
}

// plan is the one plan step every plan view, apply and deploy share. It runs on
// every call (a per-call nonce: a cached plan is a stale plan), and a failure that
// is not an answer (a held lock, a network error) fails the exec, which the engine
// never caches: deployctl records the answers 0/2/3/4 in a status file and exits 0.
func (m *Predictor) plan(ctx context.Context, t target, maxMonthlyUsd float64, noPolicy bool) (*Plan, error) {
	ctr := m.terraformContainer(t)
	if t.local() {
		// Each call's emulator starts empty: its state bucket comes first.
		var err error
		if ctr, err = bootstrapIn(ctx, ctr, t); err != nil {
			return nil, err
		}
	}
	args := append(pipeline.PlanArgs(t.Target, pipeline.PlanFiles(workPath, maxMonthlyUsd, noPolicy)), "--status-file", workPath+"/plan.status")
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
	p.HasChanges = strings.TrimSpace(status) == strconv.Itoa(exitcode.Changes)
	return p, nil
}

// Apply a reviewed plan file, or plan and apply at once (prod only with --confirm prod).
//
// +cache="never"
func (m *Predictor) Apply(
	ctx context.Context,
	// Environment: dev, prod or local.
	env string,
	// Plan file from `plan --env ENV file -o FILE`; without it the function plans first.
	// +optional
	plan *dagger.File,
	// Set to the environment name to plan and apply prod without a plan file.
	// +optional
	confirm string,
) (string, error) {
	if err := pipeline.CheckApply(env, plan != nil, confirm); err != nil {
		return "", err
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
		p, err := m.plan(ctx, t, 0, false)
		if err != nil {
			return "", err
		}
		if err := p.gate(ctx); err != nil {
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
	r, err := runOK(ctx, bust(ctr.WithFile(workPath+"/apply.tfplan", plan)), pipeline.ApplyArgs(t.Target, workPath+"/apply.tfplan"))
	if err != nil {
		return "", err
	}
	return r.stdout, nil
}

// Print the environment's terraform outputs as JSON, or one raw value with --name.
//
// +cache="never"
func (m *Predictor) Outputs(
	ctx context.Context,
	// Environment: dev, prod or local.
	env string,
	// Output name, such as api_gateway_url; all outputs as JSON without it.
	// +optional
	name string,
) (string, error) {
	t, err := m.standaloneTarget("outputs", env)
	if err != nil {
		return "", err
	}
	r, err := runOK(ctx, bust(m.terraformContainer(t)), pipeline.OutputsArgs(t.Target, name))
	if err != nil {
		return "", err
	}
	return r.stdout, nil
}

// outputsMap reads all outputs once in ctr (always fresh: they change with apply).
func outputsMap(ctx context.Context, ctr *dagger.Container, t target) (map[string]string, error) {
	r, err := runOK(ctx, bust(ctr), pipeline.OutputsArgs(t.Target, ""))
	if err != nil {
		return nil, err
	}
	return pipeline.ParseOutputs(r.stdout)
}

// Compare the environment's state with its real infrastructure, print the differences and fail when it drifted.
//
// +cache="never"
func (m *Predictor) Drift(
	ctx context.Context,
	// Environment: dev, prod or local.
	env string,
) (string, error) {
	report, _, err := m.drift(ctx, env)
	return report, err
}

// Compare the environment's state with its real infrastructure and return a Markdown report, without failing on drift.
//
// +cache="never"
func (m *Predictor) DriftReport(
	ctx context.Context,
	// Environment: dev, prod or local.
	env string,
) (string, error) {
	report, drifted, err := m.drift(ctx, env)
	if err != nil && !errors.Is(err, pipeline.ErrDrift) {
		return "", err
	}
	return pipeline.DriftMarkdown(env, drifted, report), nil
}

// drift runs deployctl drift: the text report, whether it drifted, and
// pipeline.ErrDrift when it did.
func (m *Predictor) drift(ctx context.Context, env string) (string, bool, error) {
	t, err := m.standaloneTarget("drift", env)
	if err != nil {
		return "", false, err
	}
	r, err := run(ctx, bust(m.terraformContainer(t)), pipeline.DriftArgs(t.Target))
	if err != nil {
		return "", false, err
	}
	return pipeline.DriftOutcome(env, r.code, r.stdout, r.stderr)
}

// Create the environment's terraform state bucket (safe to repeat).
//
// +cache="never"
func (m *Predictor) Bootstrap(
	ctx context.Context,
	// Environment: dev, prod or local.
	env string,
) (string, error) {
	t, err := m.standaloneTarget("bootstrap", env)
	if err != nil {
		return "", err
	}
	r, err := runOK(ctx, bust(m.terraformContainer(t)), pipeline.BootstrapArgs(t.Target))
	if err != nil {
		return "", err
	}
	return r.stdout, nil
}

// bootstrapIn runs bootstrap in ctr and returns the container after it.
func bootstrapIn(ctx context.Context, ctr *dagger.Container, t target) (*dagger.Container, error) {
	r, err := runOK(ctx, bust(ctr), pipeline.BootstrapArgs(t.Target))
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
	// Environment: dev, prod or local.
	env string,
	// The environment name again, to confirm.
	confirm string,
) (string, error) {
	if err := pipeline.CheckDestroy(env, confirm); err != nil {
		return "", err
	}
	t, err := m.standaloneTarget("destroy", env)
	if err != nil {
		return "", err
	}
	r, err := runOK(ctx, bust(m.terraformContainer(t)), pipeline.DestroyArgs(t.Target))
	if err != nil {
		return "", err
	}
	return r.stdout, nil
}
