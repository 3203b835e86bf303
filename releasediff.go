package main

import (
	"context"

	"dagger/predictor/internal/pipeline"
)

// Show what the environment's next release would change in the running service (image, task size, environment variables without secret values, roles, desired count, autoscaling bounds), from a fresh plan.
//
// +cache="never"
func (m *Predictor) ReleaseDiff(
	ctx context.Context,
	// Environment: the name of a file in infra/envs, such as dev, prod or local.
	env string,
	// Image the release ships: a digest (sha256:..., in the running image's repository) or a full reference; empty: the running image.
	// +optional
	image string,
	// Return Markdown (for a pull-request comment) instead of text.
	// +optional
	markdown bool,
) (string, error) {
	// Like drift: a fresh emulator of local has no service to compare.
	t, err := m.standaloneTarget("release-diff", env)
	if err != nil {
		return "", err
	}
	// The plan is a review plan (no state lock, no policy or cost gate): only its task
	// definition and scalable target are read.
	p, err := m.plan(ctx, t, planOptions{noPolicy: true, noLock: true})
	if err != nil {
		return "", err
	}
	return p.releaseDiff(ctx, t, image, markdown)
}

// Show what a release of this plan would change in the running service (image, task size, environment variables without secret values, roles, desired count, autoscaling bounds).
//
// +cache="never"
func (p *Plan) ReleaseDiff(
	ctx context.Context,
	// Image the release ships: a digest (sha256:..., in the running image's repository) or a full reference; empty: the running image.
	// +optional
	image string,
	// Return Markdown (for a pull-request comment) instead of text.
	// +optional
	markdown bool,
) (string, error) {
	// The emulator of local lives only as long as the call that planned: use the
	// environment's own release-diff there.
	if err := pipeline.CheckStandalone("plan release-diff", p.Env); err != nil {
		return "", err
	}
	t, err := p.Pipeline.target(p.Env)
	if err != nil {
		return "", err
	}
	return p.releaseDiff(ctx, t, image, markdown)
}

// releaseDiff runs deployctl release-diff on the plan's JSON, in the plan's container.
func (p *Plan) releaseDiff(ctx context.Context, t target, image string, markdown bool) (string, error) {
	format := "text"
	if markdown {
		format = "markdown"
	}
	r, err := runOK(ctx, bust(p.Ctr), pipeline.ReleaseDiffArgs(t.Target, p.files().JSON, image, format))
	if err != nil {
		return "", err
	}
	return r.stdout, nil
}
