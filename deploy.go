package main

import (
	"context"
	"fmt"
	"sort"
	"time"

	"dagger/predictor/internal/ctl"
	"dagger/predictor/internal/dagger"
	"dagger/predictor/internal/pipeline"
)

// Run the whole pipeline: plan and build in parallel, gate, apply, publish, rollout, smoke test, rollback on failure, report.
//
// +cache="never"
func (m *Predictor) Deploy(
	ctx context.Context,
	// Environment: the name of a file in infra/envs, such as dev, prod or local.
	env string,
	// Set to prod to deploy prod: it plans and applies in one go.
	// +optional
	confirm string,
	// ID of a reviewed plan from `plan --save`: applied instead of planning (prod needs no --confirm then).
	// +optional
	planId string,
	// The pull request's plan comment (or plan Markdown): stop before apply when the fresh plan's changes are not the reviewed ones.
	// +optional
	reviewedChangeset *dagger.File,
	// Deploy dev although its changes differ from the reviewed ones (never prod).
	// +optional
	acceptChangedPlan bool,
	// Fail when the monthly cost estimate exceeds this many USD (0: no budget).
	// +optional
	maxMonthlyUsd float64,
	// Fail when the plan raises the monthly cost estimate by more than this many USD (0: no limit).
	// +optional
	maxMonthlyIncreaseUsd float64,
	// Platform to build for.
	// +default="linux/amd64"
	platform dagger.Platform,
	// Roll out even when the service already runs the image's digest.
	// +optional
	force bool,
	// Print the report as Markdown (for a job summary) instead of text.
	// +optional
	markdown bool,
	// For an environment that promotes (prod): the digest (sha256:...) of a completed release of its source environment (dev) to ship; the newest completed one by default.
	// +optional
	imageDigest string,
	// For an environment that promotes: ship --image-digest although its source environment never completed a release of it (the report and the release's record say so).
	// +optional
	breakGlass bool,
) (string, error) {
	s := &containerStages{m: m, env: env, maxMonthlyUsd: maxMonthlyUsd, maxIncrease: maxMonthlyIncreaseUsd, platform: platform, reviewed: reviewedChangeset}
	rep, err := pipeline.Deploy(ctx, s, pipeline.DeployOptions{Env: env, Confirm: confirm, Force: force, PlanID: planId, AcceptChangedPlan: acceptChangedPlan,
		ImageDigest: imageDigest, BreakGlass: breakGlass, Commit: m.sourceCommit(ctx), ReviewedChangeSet: reviewedChangeset != nil})
	out := rep.Text()
	if markdown {
		out = rep.Markdown()
	}
	if err != nil {
		return "", fmt.Errorf("%w\n%s", err, out)
	}
	return out, nil
}

// containerStages implements pipeline.Stages with containers: the sequence itself
// is pipeline.Deploy, the same one `deployctl rehearse` drives and tests cover.
type containerStages struct {
	m             *Predictor
	env           string
	maxMonthlyUsd float64
	maxIncrease   float64
	platform      dagger.Platform
	reviewed      *dagger.File

	t     target
	image *dagger.Container
	plan  *Plan
}

// Prepare validates the credentials and starts the local services for the whole call.
func (s *containerStages) Prepare(ctx context.Context) (func(), error) {
	t, err := s.m.target(s.env)
	if err != nil {
		return nil, err
	}
	stop, err := t.start(ctx)
	if err != nil {
		return nil, err
	}
	s.t, s.image = t, s.m.Build(s.platform)
	return stop, nil
}

// Plan runs the plan step and reads its counts, cost and gate result.
func (s *containerStages) Plan(ctx context.Context) (pipeline.PlanResult, error) {
	p, err := s.m.plan(ctx, s.t, planOptions{maxMonthlyUsd: s.maxMonthlyUsd, maxIncrease: s.maxIncrease, reviewed: s.reviewed})
	if err != nil {
		return pipeline.PlanResult{MonthlyUSD: -1}, err
	}
	s.plan = p
	res := p.result(ctx)
	if sj, err := p.Ctr.File(p.files().SummaryJSON).Contents(ctx); err == nil {
		res.ChangeSet = ctl.ParsePlanChangeSet(sj)
	}
	return res, p.gate()
}

// Build builds the backend image and runs the backend tests.
func (s *containerStages) Build(ctx context.Context) error {
	if _, err := s.image.Sync(ctx); err != nil {
		return explain(err)
	}
	_, err := s.m.backendTests(ctx)
	return err
}

// Apply applies exactly the plan of this call, or the saved plan the deploy names.
func (s *containerStages) Apply(ctx context.Context, p pipeline.PlanResult) error {
	if p.ID != "" {
		_, err := s.m.applyID(ctx, s.t, p.ID)
		return err
	}
	_, err := s.m.apply(ctx, s.t, s.m.terraformContainer(s.t), s.plan.File())
	return err
}

// Outputs reads the terraform outputs after apply.
func (s *containerStages) Outputs(ctx context.Context) (map[string]string, error) {
	return outputsMap(ctx, s.m.terraformContainer(s.t), s.t)
}

// Verify checks the release's prerequisites before anything is published.
func (s *containerStages) Verify(ctx context.Context) error {
	r, err := run(ctx, bust(s.m.terraformContainer(s.t)), ctl.VerifyArgs(s.t.Target, ""))
	if err != nil {
		return err
	}
	return ctl.VerifyStatus(r.code, r.stdout, r.stderr)
}

// Publish pushes the image under its immutable tag and returns it pinned by digest.
func (s *containerStages) Publish(ctx context.Context, outs map[string]string) (pipeline.Published, error) {
	tag, err := s.m.imageTag(ctx)
	if err != nil {
		return pipeline.Published{}, err
	}
	repo := ""
	if !s.t.local() {
		if repo, err = ctl.RepositoryFromOutputs(outs); err != nil {
			return pipeline.Published{}, err
		}
	}
	ref, err := s.m.publish(ctx, s.t, repo, s.image)
	return pipeline.Published{Image: ref, Version: pipeline.Version(tag)}, err
}

// Pick finds the release an environment that promotes ships, before anything changes.
func (s *containerStages) Pick(ctx context.Context, o ctl.PromoteOptions) (ctl.Promotion, error) {
	r, err := runOK(ctx, bust(s.m.runtimeContainer(s.t)), ctl.PromoteArgs(s.t.Target, o))
	p, _ := ctl.ParsePromotion(r.stdout)
	return p, err
}

// Promote copies the picked release's image by digest into the environment's repository.
func (s *containerStages) Promote(ctx context.Context, outs map[string]string, p ctl.Promotion) (ctl.Promotion, error) {
	repo, err := ctl.RepositoryFromOutputs(outs)
	if err != nil {
		return ctl.Promotion{}, err
	}
	r, err := runOK(ctx, bust(s.m.runtimeContainer(s.t)), ctl.PromoteArgs(s.t.Target, ctl.PromoteOptions{Digest: p.Digest, BreakGlass: p.BreakGlass, RepositoryURL: repo}))
	got, _ := ctl.ParsePromotion(r.stdout)
	return got, err
}

// Record adds the smoke result and the stage timings to the release's record.
func (s *containerStages) Record(ctx context.Context, taskDef, smoke, timings string) error {
	_, err := runOK(ctx, bust(s.m.runtimeContainer(s.t)), ctl.RecordArgs(s.t.Target, taskDef, smoke, timings))
	return err
}

// sourceCommit is the git commit of the source for the release's record ("" without
// git metadata), marked when the tree has uncommitted changes.
func (m *Predictor) sourceCommit(ctx context.Context) string {
	if m.Git == nil {
		return ""
	}
	commit, err := m.Git.Head().Commit(ctx)
	if err != nil {
		return ""
	}
	if empty, err := m.Git.Uncommitted().IsEmpty(ctx); err == nil && !empty {
		commit += " (uncommitted changes)"
	}
	return commit
}

// Rollout registers the release and watches its deployment by ID.
func (s *containerStages) Rollout(ctx context.Context, o ctl.RolloutOptions) (ctl.RolloutResult, error) {
	r, err := runOK(ctx, bust(s.m.runtimeContainer(s.t)), ctl.RolloutArgs(s.t.Target, o))
	res, _ := ctl.ParseRollout(r.stdout)
	return res, err
}

// Smoke probes /health through the real entry point until it reports version.
func (s *containerStages) Smoke(ctx context.Context, outs map[string]string, version string) error {
	ctr, url, err := smokeTarget(s.t, outs, s.m.runtimeContainer(s.t), s.image, version)
	if err != nil {
		return err
	}
	_, err = runOK(ctx, bust(ctr), ctl.SmokeArgs(url, version, 5*time.Minute))
	return err
}

// Rollback returns the service to its previous release.
func (s *containerStages) Rollback(ctx context.Context, svc ctl.Service) error {
	_, err := runOK(ctx, bust(s.m.runtimeContainer(s.t)), ctl.RollbackArgs(s.t.Target, svc, 0, ""))
	return err
}

// smokeTarget returns the container that runs the smoke test and the URL it probes:
// the API Gateway URL, or with --env local (where no task really runs) the built
// image started as a service with the environment the task definition would give it.
func smokeTarget(t target, outs map[string]string, rt, image *dagger.Container, version string) (*dagger.Container, string, error) {
	if !t.local() {
		return rt, outs["api_gateway_url"], nil
	}
	vars, err := ctl.BackendVars(outs)
	if err != nil {
		return nil, "", err
	}
	names := make([]string, 0, len(vars))
	for k := range vars {
		names = append(names, k)
	}
	sort.Strings(names)
	backend := image.WithServiceBinding(motoHost, t.moto).
		WithEnvVariable("AWS_ENDPOINT_URL", t.Endpoint).
		WithEnvVariable("AWS_ACCESS_KEY_ID", "test").
		WithEnvVariable("AWS_SECRET_ACCESS_KEY", "test")
	for _, k := range names {
		backend = backend.WithEnvVariable(k, vars[k])
	}
	svc := backend.WithEnvVariable("APP_VERSION", version).
		WithExposedPort(8000).
		AsService(dagger.ContainerAsServiceOpts{UseEntrypoint: true})
	return rt.WithServiceBinding("backend", svc), "http://backend:8000", nil
}
