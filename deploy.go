package main

import (
	"context"
	"fmt"
	"sort"
	"time"

	"golang.org/x/sync/errgroup"

	"dagger/predictor/internal/dagger"
	"dagger/predictor/internal/pipeline"
)

// Run the whole pipeline: plan and build in parallel, gate, apply, publish, rollout, smoke test, rollback on failure, report.
//
// +cache="never"
func (m *Predictor) Deploy(
	ctx context.Context,
	// Environment: dev, prod or local.
	env string,
	// Fail when the monthly cost estimate exceeds this many USD (0: no budget).
	// +optional
	maxMonthlyUsd float64,
	// Platform to build for.
	// +default="linux/amd64"
	platform dagger.Platform,
	// Roll out even when the service already runs the image's digest.
	// +optional
	force bool,
	// Print the report as Markdown (for a job summary) instead of text.
	// +optional
	markdown bool,
) (string, error) {
	rep := pipeline.NewReport(env)
	render := func() string {
		if markdown {
			return rep.Markdown()
		}
		return rep.Text()
	}
	fail := func(err error) (string, error) {
		rep.Err = err.Error()
		return "", fmt.Errorf("%s\n%s", err, render())
	}

	var t target
	if err := rep.Time(pipeline.StageValidate, func() (err error) {
		t, err = m.target(env)
		return err
	}); err != nil {
		return fail(err)
	}
	stop, err := t.start(ctx)
	if err != nil {
		return fail(err)
	}
	defer stop()

	tf := m.terraformContainer(t)
	image := m.Build(platform)

	// Stage 2: plan || build + backend tests. Each goroutine writes its own result.
	var (
		plan                    planned
		planTime, buildTime     time.Duration
		testTime                time.Duration
		planErr, buildErr, tErr error
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		start := time.Now()
		plan, planErr = m.plan(gctx, t, maxMonthlyUsd, false)
		planTime = time.Since(start)
		return planErr
	})
	g.Go(func() error {
		start := time.Now()
		_, buildErr = image.Sync(gctx)
		buildErr = explain(buildErr)
		buildTime = time.Since(start)
		if buildErr != nil {
			return buildErr
		}
		start = time.Now()
		_, tErr = m.backendTests(gctx)
		testTime = time.Since(start)
		return tErr
	})
	groupErr := g.Wait()
	rep.Add(pipeline.StagePlan, planTime, planErr)
	rep.Add(pipeline.StageBuild, buildTime, buildErr)
	if buildErr == nil {
		rep.Add(pipeline.StageTest, testTime, tErr)
	}
	if groupErr != nil {
		return fail(groupErr)
	}
	counts, cost, err := plan.details(ctx)
	if err != nil {
		return fail(err)
	}
	rep.Plan, rep.HasChanges, rep.MonthlyUSD = counts, plan.hasChanges, cost
	rep.Add(pipeline.StageGate, 0, nil) // plan exits 3 or 4 when the gate fails

	// Stage 4: apply the saved plan only if it changes something.
	decision := pipeline.Decide(pipeline.Inputs{PlanHasChanges: plan.hasChanges, ForceRollout: force})
	if decision.Apply {
		if err := rep.Time(pipeline.StageApply, func() error {
			_, err := m.apply(ctx, t, tf, plan.file())
			return err
		}); err != nil {
			return fail(err)
		}
	} else {
		rep.Skip(pipeline.StageApply, decision.Skipped[pipeline.StageApply])
	}

	// The outputs, read once after apply: repository, service, URL, task environment.
	outs, err := outputsMap(ctx, tf, t)
	if err != nil {
		return fail(err)
	}
	svc, err := pipeline.ServiceFromOutputs(outs)
	if err != nil {
		return fail(err)
	}

	// Stage 5: publish under the immutable tag.
	var ref, tag string
	if err := rep.Time(pipeline.StagePublish, func() (err error) {
		if tag, err = m.imageTag(ctx); err != nil {
			return err
		}
		repo := ""
		if !t.local() {
			if repo, err = pipeline.RepositoryFromOutputs(outs); err != nil {
				return err
			}
		}
		ref, err = m.publish(ctx, t, repo, image)
		return err
	}); err != nil {
		return fail(err)
	}
	rep.Image = ref
	version := pipeline.Version(tag)

	// Stage 6: rollout, watched by deployment ID (deployctl skips a digest already running unless forced).
	rt := m.runtimeContainer(t)
	if err := rep.Time(pipeline.StageRollout, func() error {
		r, err := runOK(ctx, bust(rt), pipeline.RolloutArgs(t.Target, pipeline.RolloutOptions{Image: ref, Version: version, Force: force, Service: svc}))
		if res, ok := pipeline.ParseRollout(r.stdout); ok {
			rep.Rollout = res
		}
		return err
	}); err != nil {
		return fail(err)
	}

	// Stage 7: smoke test through the real entry point; roll back when it fails.
	smokeErr := rep.Time(pipeline.StageSmoke, func() error {
		ctr, url, err := smokeTarget(t, outs, rt, image, version)
		if err != nil {
			return err
		}
		_, err = runOK(ctx, bust(ctr), pipeline.SmokeArgs(url, version, 5*time.Minute))
		return err
	})
	if smokeErr != nil {
		rbErr := rep.Time(pipeline.StageRollback, func() error {
			_, err := runOK(ctx, bust(rt), pipeline.RollbackArgs(t.Target, svc, 0, ""))
			return err
		})
		rep.RolledBack = rbErr == nil
		return fail(smokeErr)
	}
	return render(), nil
}

// smokeTarget returns the container that runs the smoke test and the URL it probes:
// the API Gateway URL, or with --env local (where no task really runs) the built
// image started as a service with the environment the task definition would give it.
func smokeTarget(t target, outs map[string]string, rt, image *dagger.Container, version string) (*dagger.Container, string, error) {
	if !t.local() {
		return rt, outs["api_gateway_url"], nil
	}
	vars, err := pipeline.BackendVars(outs)
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
