package main

import (
	"context"
	"fmt"
	"strings"

	"dagger/predictor/internal/ctl"
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
	r, err := runOK(ctx, bust(p.Ctr), ctl.ReleaseDiffArgs(t.Target, p.files().JSON, image, format))
	if err != nil {
		return "", err
	}
	return r.stdout, nil
}

// Return the plan's Markdown followed by its release diff, for the pull-request comment (a release diff that cannot be made is a note, not a failure).
//
// +cache="never"
func (p *Plan) CommentMarkdown(ctx context.Context) (string, error) {
	md, err := p.Markdown(ctx)
	if err != nil {
		return "", err
	}
	return md + "\n" + p.commentDiff(ctx), nil
}

// commentDiff is the release diff section of the comment. The image a merge releases
// is not known yet (dev builds it, prod promotes dev's): the diff keeps the running
// one and says so. A service not deployed yet, or any other error, becomes one line.
func (p *Plan) commentDiff(ctx context.Context) string {
	const note = "\nThe image is not compared: the merge's release builds it (dev) or promotes dev's release of the merge commit (prod), neither of which exists before the merge.\n"
	diff, err := p.ReleaseDiff(ctx, "", true)
	if err != nil {
		line, _, _ := strings.Cut(strings.TrimSpace(err.Error()), "\n")
		return fmt.Sprintf("#### Release diff `%s`\n\nNot available: %s\n", p.Env, line)
	}
	return diff + note
}

// List the environment's releases, newest first, each with its record: commit, applied plan, provider lock file hash, image and the release it was promoted from, task definition revision, deployment, smoke result and timings.
//
// +cache="never"
func (m *Predictor) Releases(
	ctx context.Context,
	// Environment: the name of a file in infra/envs, such as dev, prod or local.
	env string,
	// At most this many releases (0: deployctl's default, 20).
	// +optional
	limit int,
) (string, error) {
	t, err := m.standaloneTarget("releases", env)
	if err != nil {
		return "", err
	}
	r, err := runOK(ctx, bust(m.terraformContainer(t)), ctl.ReleasesArgs(t.Target, limit))
	if err != nil {
		return "", err
	}
	return r.stdout, nil
}
