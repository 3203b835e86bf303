package main

import (
	"context"
	"errors"
	"fmt"

	"dagger/predictor/internal/dagger"
	"dagger/predictor/internal/pipeline"
)

// Plan an environment and print the summary: counts, replaced and destroyed resources first, monthly cost, policy result.
//
// +cache="session"
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
) (string, error) {
	p, stop, err := m.planFor(ctx, env, maxMonthlyUsd, noPolicy)
	if err != nil {
		return "", err
	}
	defer stop()
	return p.summary, nil
}

// Plan an environment and return the saved plan file, for `apply --plan`.
//
// +cache="session"
func (m *Predictor) PlanFile(
	ctx context.Context,
	// Environment: dev, prod or local.
	env string,
	// Fail when the monthly cost estimate exceeds this many USD (0: no budget).
	// +optional
	maxMonthlyUsd float64,
	// Report policy violations without failing.
	// +optional
	noPolicy bool,
) (*dagger.File, error) {
	p, stop, err := m.planFor(ctx, env, maxMonthlyUsd, noPolicy)
	if err != nil {
		return nil, err
	}
	defer stop()
	return p.file(), nil
}

// Plan an environment and return the summary, cost and policy result as Markdown for a pull-request comment.
//
// +cache="session"
func (m *Predictor) PlanMarkdown(
	ctx context.Context,
	// Environment: dev, prod or local.
	env string,
	// Fail when the monthly cost estimate exceeds this many USD (0: no budget).
	// +optional
	maxMonthlyUsd float64,
	// Report policy violations without failing.
	// +optional
	noPolicy bool,
) (string, error) {
	p, stop, err := m.planFor(ctx, env, maxMonthlyUsd, noPolicy)
	if err != nil {
		return "", err
	}
	defer stop()
	md, err := p.ctr.File(p.files.SummaryMD).Contents(ctx)
	if err != nil {
		return "", fmt.Errorf("read the plan's Markdown summary: %w", err)
	}
	return md, nil
}

// Plan an environment and return the plan as JSON (terraform show -json).
//
// +cache="session"
func (m *Predictor) PlanJson(
	ctx context.Context,
	// Environment: dev, prod or local.
	env string,
	// Fail when the monthly cost estimate exceeds this many USD (0: no budget).
	// +optional
	maxMonthlyUsd float64,
	// Report policy violations without failing.
	// +optional
	noPolicy bool,
) (*dagger.File, error) {
	p, stop, err := m.planFor(ctx, env, maxMonthlyUsd, noPolicy)
	if err != nil {
		return nil, err
	}
	defer stop()
	return p.ctr.File(p.files.JSON), nil
}

// planned is one finished plan step: the container holding its files, and its result.
type planned struct {
	ctr        *dagger.Container
	files      pipeline.PlanOptions
	hasChanges bool
	summary    string
}

// file is the saved plan.
func (p planned) file() *dagger.File { return p.ctr.File(p.files.Out) }

// details reads the counts and the monthly estimate from the plan's JSON summary.
func (p planned) details(ctx context.Context) (pipeline.PlanCounts, float64, error) {
	sj, err := p.ctr.File(p.files.SummaryJSON).Contents(ctx)
	if err != nil {
		return pipeline.PlanCounts{}, -1, fmt.Errorf("read the plan's JSON summary: %w", err)
	}
	return pipeline.ParsePlanSummaryJSON(sj)
}

// planFor validates env, starts its local services and plans; stop ends the services.
func (m *Predictor) planFor(ctx context.Context, env string, maxMonthlyUsd float64, noPolicy bool) (planned, func(), error) {
	t, err := m.target(env)
	if err != nil {
		return planned{}, nil, err
	}
	stop, err := t.start(ctx)
	if err != nil {
		return planned{}, nil, err
	}
	p, err := m.plan(ctx, t, maxMonthlyUsd, noPolicy)
	if err != nil {
		stop()
		return planned{}, nil, err
	}
	return p, stop, nil
}

// plan is the one plan step every plan function, apply and deploy share. It carries
// no cache-buster: the same step asked for twice in a session (plan, then plan-file)
// runs terraform once. What keeps a cached plan honest across sessions is the state's
// identity: a small read-only step that always runs (`deployctl state-version`, the S3
// version ID or ETag of the state object) sets an environment variable of the plan
// step, so any apply in between, from anywhere, changes the step and plans afresh.
func (m *Predictor) plan(ctx context.Context, t target, maxMonthlyUsd float64, noPolicy bool) (planned, error) {
	if t.local() {
		// The emulator starts empty: its state bucket comes first.
		if _, err := bootstrapIn(ctx, m.terraformContainer(t), t); err != nil {
			return planned{}, err
		}
	}
	sv, err := runOK(ctx, bust(m.runtimeContainer(t)), pipeline.StateVersionArgs(t.Target))
	if err != nil {
		return planned{}, err
	}
	version, err := pipeline.ParseStateVersion(sv.stdout)
	if err != nil {
		return planned{}, err
	}
	files := pipeline.PlanFiles(workPath, maxMonthlyUsd, noPolicy)
	ctr := m.terraformContainer(t).WithEnvVariable(pipeline.StateVersionEnv, version)
	r, err := run(ctx, ctr, pipeline.PlanArgs(t.Target, files))
	if err != nil {
		return planned{}, err
	}
	changes, err := pipeline.PlanOutcome(r.code, r.stdout, r.stderr)
	if err != nil {
		return planned{}, err
	}
	return planned{ctr: r.ctr, files: files, hasChanges: changes, summary: r.stdout}, nil
}

// Apply a reviewed plan file, or plan and apply at once (prod only with --confirm prod).
//
// +cache="never"
func (m *Predictor) Apply(
	ctx context.Context,
	// Environment: dev, prod or local.
	env string,
	// Plan file from `plan-file --env ENV -o FILE`; without it the function plans first.
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
		if !p.hasChanges {
			return p.summary + "\nNo changes: nothing to apply.\n", nil
		}
		plan = p.file()
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
	t, err := m.target(env)
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

// Empty the environment's buckets (every object version) and destroy all of its resources.
//
// +cache="never"
func (m *Predictor) Destroy(
	ctx context.Context,
	// Environment: dev, prod or local.
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
	t, err := m.target(env)
	if err != nil {
		return "", err
	}
	r, err := runOK(ctx, bust(m.terraformContainer(t)), pipeline.DestroyArgs(t.Target, breakGlass))
	if err != nil {
		return "", err
	}
	return r.stdout, nil
}
