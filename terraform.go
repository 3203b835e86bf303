package main

import (
	"context"
	"fmt"
	"strings"

	"dagger/predictor/internal/dagger"
	"dagger/predictor/internal/pipeline"
)

// Plan is a saved terraform plan with its review material.
type Plan struct {
	// Environment the plan is for.
	Env string
	// Text summary: resource changes, monthly cost estimate, policy results.
	Summary string
	// Markdown summary, sized for a pull-request comment.
	Markdown string
	// Saved plan file, for `apply --plan`.
	File *dagger.File
	// Plan as JSON (terraform show -json).
	JSON *dagger.File
	// Whether applying the plan changes anything.
	HasChanges bool
	// Monthly cost estimate in USD (negative when unknown).
	MonthlyUsd float64
	// Resources to add.
	Add int
	// Resources to change.
	Change int
	// Resources to destroy.
	Destroy int
}

// Plan saves a terraform plan for an environment and gates it on policy and cost.
//
// +cache="session"
func (m *Predictor) Plan(
	ctx context.Context,
	// Environment: dev, prod or local.
	env string,
	// Fail when the monthly cost estimate exceeds this many USD (0: no budget).
	// +optional
	maxMonthlyUsd float64,
	// Skip the policy checks.
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
	return m.plan(ctx, t, m.terraformContainer(t), maxMonthlyUsd, noPolicy)
}

// plan runs deployctl plan in ctr (prepared for t) and collects its outputs.
func (m *Predictor) plan(ctx context.Context, t target, ctr *dagger.Container, maxMonthlyUsd float64, noPolicy bool) (*Plan, error) {
	if t.local() {
		// The emulator starts empty: its state bucket comes first.
		var err error
		if ctr, err = bootstrapIn(ctx, ctr, t); err != nil {
			return nil, err
		}
	}
	opts := pipeline.PlanOptions{
		Out: workPath + "/tfplan", SummaryMD: workPath + "/plan.md", SummaryJSON: workPath + "/summary.json", JSON: workPath + "/plan.json",
		MaxMonthlyUSD: maxMonthlyUsd, NoPolicy: noPolicy,
	}
	r, err := run(ctx, ctr, pipeline.PlanArgs(t.Target, opts))
	if err != nil {
		return nil, err
	}
	changes, err := pipeline.PlanStatus(r.code, r.stderr)
	if err != nil {
		return nil, fmt.Errorf("%w\n%s", err, strings.TrimSpace(r.stdout))
	}
	md, err := r.ctr.File(opts.SummaryMD).Contents(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the plan's Markdown summary: %w", err)
	}
	sj, err := r.ctr.File(opts.SummaryJSON).Contents(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the plan's JSON summary: %w", err)
	}
	counts, cost, err := pipeline.ParsePlanSummaryJSON(sj)
	if err != nil {
		return nil, err
	}
	return &Plan{
		Env:        t.Env,
		Summary:    r.stdout,
		Markdown:   md,
		File:       r.ctr.File(opts.Out),
		JSON:       r.ctr.File(opts.JSON),
		HasChanges: changes,
		MonthlyUsd: cost,
		Add:        counts.Add,
		Change:     counts.Change,
		Destroy:    counts.Destroy,
	}, nil
}

// Apply applies a reviewed plan file, or plans and applies at once (prod only with --confirm prod).
//
// +cache="never"
func (m *Predictor) Apply(
	ctx context.Context,
	// Environment: dev, prod or local.
	env string,
	// Plan file from `plan --env ENV file`; without it the function plans first.
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
	ctr := m.terraformContainer(t)
	if plan == nil {
		p, err := m.plan(ctx, t, ctr, 0, false)
		if err != nil {
			return "", err
		}
		if !p.HasChanges {
			return p.Summary + "\nNo changes: nothing to apply.\n", nil
		}
		plan = p.File
	}
	return m.apply(ctx, t, ctr, plan)
}

// apply applies exactly the saved plan file.
func (m *Predictor) apply(ctx context.Context, t target, ctr *dagger.Container, plan *dagger.File) (string, error) {
	r, err := runOK(ctx, bust(ctr.WithFile(workPath+"/apply.tfplan", plan)), pipeline.ApplyArgs(t.Target, workPath+"/apply.tfplan"))
	if err != nil {
		return "", err
	}
	return r.stdout, nil
}

// Outputs prints the environment's terraform outputs as JSON, or one raw value with --name.
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
	t, err := m.target(env)
	if err != nil {
		return "", err
	}
	r, err := runOK(ctx, bust(m.terraformContainer(t)), pipeline.OutputsArgs(t.Target, name))
	if err != nil {
		return "", err
	}
	return r.stdout, nil
}

// outputIn reads one output in ctr.
func outputIn(ctx context.Context, ctr *dagger.Container, t target, name string) (string, error) {
	r, err := runOK(ctx, ctr, pipeline.OutputsArgs(t.Target, name))
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(r.stdout), nil
}

// outputsMap reads all outputs once in ctr (always fresh: they change with apply).
func outputsMap(ctx context.Context, ctr *dagger.Container, t target) (map[string]string, error) {
	r, err := runOK(ctx, bust(ctr), pipeline.OutputsArgs(t.Target, ""))
	if err != nil {
		return nil, err
	}
	return pipeline.ParseOutputs(r.stdout)
}

// Drift is the result of comparing an environment's state with its real infrastructure.
type Drift struct {
	// Environment compared.
	Env string
	// Whether the infrastructure differs from the state.
	Drifted bool
	// Text output of the comparison.
	Summary string
	// Markdown report, for a job summary or an issue.
	Report string
}

// Check fails when the environment drifted (`dagger call drift --env prod check`).
func (d *Drift) Check() error {
	if d.Drifted {
		return fmt.Errorf("drift in %s:\n%s", d.Env, d.Summary)
	}
	return nil
}

// Drift compares the environment's state with its real infrastructure.
//
// +cache="never"
func (m *Predictor) Drift(
	ctx context.Context,
	// Environment: dev, prod or local.
	env string,
) (*Drift, error) {
	t, err := m.target(env)
	if err != nil {
		return nil, err
	}
	r, err := run(ctx, bust(m.terraformContainer(t)), pipeline.DriftArgs(t.Target))
	if err != nil {
		return nil, err
	}
	drifted, err := pipeline.DriftStatus(r.code, r.stderr)
	if err != nil {
		return nil, err
	}
	return &Drift{Env: env, Drifted: drifted, Summary: r.stdout, Report: pipeline.DriftMarkdown(env, drifted, r.stdout)}, nil
}

// Bootstrap creates the environment's terraform state bucket (safe to repeat).
//
// +cache="never"
func (m *Predictor) Bootstrap(
	ctx context.Context,
	// Environment: dev, prod or local.
	env string,
) (string, error) {
	t, err := m.target(env)
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

// Destroy empties the environment's buckets and destroys all of its resources.
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
	t, err := m.target(env)
	if err != nil {
		return "", err
	}
	r, err := runOK(ctx, bust(m.terraformContainer(t)), pipeline.DestroyArgs(t.Target))
	if err != nil {
		return "", err
	}
	return r.stdout, nil
}
