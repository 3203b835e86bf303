package pipeline

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/sync/errgroup"

	"dagger/predictor/internal/ctl"
	"dagger/predictor/internal/envcfg"
	"dagger/predictor/internal/tfstate"
)

// Stages are the deploy's steps. The Dagger module implements them with containers
// (deploy.go), `deployctl rehearse` with local processes and the emulator; Deploy is
// the one order both run them in.
type Stages interface {
	// Prepare starts what the target needs for the whole deploy (the emulator and
	// its state bucket for local) and returns how to stop it.
	Prepare(ctx context.Context) (stop func(), err error)
	// Plan runs terraform init and plan with the policy and cost gate. A gate
	// failure is an error wrapping ctl.ErrPolicy or ctl.ErrCost, with the result filled in.
	Plan(ctx context.Context) (PlanResult, error)
	// Build builds the backend image and runs the backend tests.
	Build(ctx context.Context) error
	// Apply applies exactly the plan of result.
	Apply(ctx context.Context, result PlanResult) error
	// Outputs reads the terraform outputs after apply.
	Outputs(ctx context.Context) (map[string]string, error)
	// Verify checks the release's prerequisites (roles, log group, capacity, network,
	// ports) before anything is published or rolled out.
	Verify(ctx context.Context) error
	// Publish pushes the image and returns its digest-pinned reference and version.
	Publish(ctx context.Context, outputs map[string]string) (Published, error)
	// Pick finds the release an environment that promotes ships (`deployctl promote
	// --check`); it runs instead of Build, before anything changes.
	Pick(ctx context.Context, o ctl.PromoteOptions) (ctl.Promotion, error)
	// Promote copies the picked release's image into the environment's repository by
	// digest; it runs instead of Publish.
	Promote(ctx context.Context, outputs map[string]string, p ctl.Promotion) (ctl.Promotion, error)
	// Record adds the smoke result and the stage timings to the release's record.
	Record(ctx context.Context, taskDefinition, smoke, timings string) error
	// Rollout registers a release and watches its deployment.
	Rollout(ctx context.Context, o ctl.RolloutOptions) (ctl.RolloutResult, error)
	// Smoke checks the entry point reports version.
	Smoke(ctx context.Context, outputs map[string]string, version string) error
	// Rollback returns svc to its previous release.
	Rollback(ctx context.Context, svc ctl.Service) error
}

// PlanResult is the plan stage's outcome, as the report shows it.
type PlanResult struct {
	// ID is the saved plan to apply (a reviewed plan): set, no plan runs.
	ID         string
	HasChanges bool
	Counts     ctl.PlanCounts
	// MonthlyUSD is the estimate; negative when unknown.
	MonthlyUSD float64
	// MonthlyDeltaUSD is the change of the estimate the plan makes; HasDelta says it is known.
	MonthlyDeltaUSD float64
	HasDelta        bool
	// Summary is what plan printed.
	Summary string
	// ChangeSet is the digest of the plan's change set (plansum), "" when unknown.
	ChangeSet string
}

// Published is a pushed image, or why nothing was pushed (Skipped).
type Published struct {
	Image, Version string
	// Skipped is the reason the image was not pushed ("" when it was).
	Skipped string
}

// skipError marks a stage that did not run, with the reason shown in the report.
type skipError struct{ Reason string }

func (e *skipError) Error() string { return "skipped: " + e.Reason }

// Skip returns a skipError: a stage that cannot run here, and why.
func Skip(reason string) error { return &skipError{Reason: reason} }

// ErrProdNeedsConfirm: deploy on a protected environment (prod) without --confirm
// naming it; wrapped as "deploy to ENV needs --confirm ENV".
var ErrProdNeedsConfirm = errors.New("needs --confirm")

// DeployOptions are the deploy's inputs.
type DeployOptions struct {
	Env string
	// Confirm must name a protected environment (prod) to deploy it without a plan ID
	// (its GitHub environment's reviewers are the gate).
	Confirm string
	// Force rolls out even when the service already runs the image.
	Force bool
	// RolloutTimeout bounds the watch (deployctl's default when zero).
	RolloutTimeout time.Duration
	// PlanID applies a reviewed plan saved with `plan --save` instead of planning.
	PlanID string
	// AcceptChangedPlan deploys dev although its plan's changes are not the reviewed
	// ones (the plan stage compared them); a protected environment (prod) never does.
	AcceptChangedPlan bool
	// ImageDigest picks the source release an environment that promotes ships (it
	// must have completed there); empty: the newest completed one.
	ImageDigest string
	// BreakGlass ships ImageDigest although it has no completed source release; the
	// report and the release's record say so.
	BreakGlass bool
	// Commit is the git commit deployed, for the release's record.
	Commit string
	// ReviewedChangeSet says the plan's changes were checked against the reviewed ones
	// (the plan stage refuses others), for the release's record.
	ReviewedChangeSet bool
}

// checkDeploy refuses bad deploy inputs before anything touches AWS.
func checkDeploy(o DeployOptions) error {
	if err := envcfg.Validate(o.Env); err != nil {
		return err
	}
	if err := checkPromote(o); err != nil {
		return err
	}
	if !envcfg.Protected(o.Env) {
		return nil
	}
	if o.AcceptChangedPlan {
		return fmt.Errorf("%w: %s applies only the reviewed changes; drop --accept-changed-plan and review the new plan", ctl.ErrChangeSet, o.Env)
	}
	if o.Confirm != o.Env && o.PlanID == "" {
		return fmt.Errorf("deploy to %s %w %[1]s: it plans and applies %[1]s in one go; pass --plan-id ID of a reviewed `plan --env %[1]s --save`, or --confirm %[1]s", o.Env, ErrProdNeedsConfirm)
	}
	return nil
}

// Deploy runs the deploy: validate; plan || build; gate; apply (only with changes);
// outputs; verify; publish; rollout; smoke, rolling back when it fails. The report holds
// every stage's time and outcome; the error is the first failure.
func Deploy(ctx context.Context, s Stages, o DeployOptions) (rep *Report, err error) {
	rep = newReport(o.Env)
	defer func() {
		if err != nil {
			rep.Err = err.Error()
		}
	}()
	var stop func()
	if err := rep.Time(stageValidate, func() (err error) {
		if err = checkDeploy(o); err != nil {
			return err
		}
		stop, err = s.Prepare(ctx)
		return err
	}); err != nil {
		return rep, err
	}
	defer stop()

	var pick ctl.Promotion
	plan, err := planAndBuild(ctx, s, rep, o, &pick)
	if err != nil {
		return rep, err
	}
	if err := applyIfChanged(ctx, s, rep, plan); err != nil {
		return rep, err
	}
	outs, err := s.Outputs(ctx)
	if err != nil {
		return rep, err
	}
	svc, err := ctl.ServiceFromOutputs(outs)
	if err != nil {
		return rep, err
	}
	// After apply (a first deploy has no service before it), before any release.
	if err := rep.Time(stageVerify, func() error { return s.Verify(ctx) }); err != nil {
		return rep, err
	}
	pub, err := publishOrPromote(ctx, s, rep, outs, o.Env, pick)
	if err != nil {
		return rep, err
	}
	rep.Record = ReleaseRecord{Commit: o.Commit, Plan: appliedPlan(o, plan), PromotedFrom: pick.Source, BreakGlass: pick.BreakGlass}
	ro := ctl.RolloutOptions{Service: svc, Image: pub.Image, Version: pub.Version, Force: o.Force, Timeout: o.RolloutTimeout,
		Commit: o.Commit, AppliedPlan: rep.Record.Plan, PromotedFrom: pick.Source, BreakGlass: pick.BreakGlass}
	if err := rep.Time(stageRollout, func() (err error) {
		rep.Rollout, err = s.Rollout(ctx, ro)
		return err
	}); err != nil {
		return rep, err
	}
	rep.Record.LockHash = rep.Rollout.LockHash
	err = smokeOrRollback(ctx, s, rep, outs, svc, pub.Version)
	recordResult(ctx, s, rep, err)
	return rep, err
}

// recordResult adds the smoke result and the timings to the release's record. The
// release stands either way: a failure shows in the report, not in the deploy's result.
func recordResult(ctx context.Context, s Stages, rep *Report, smokeErr error) {
	rep.Record.Smoke = "passed"
	if smokeErr != nil {
		rep.Record.Smoke = "failed: " + smokeErr.Error()
	}
	if rep.Rollout.TaskDefinition == "" {
		return
	}
	start := time.Now()
	err := s.Record(ctx, rep.Rollout.TaskDefinition, rep.Record.Smoke, rep.Timings())
	rep.Add(stageRecord, time.Since(start), err)
}

// planAndBuild runs the plan and the build concurrently (each goroutine writes only
// its own result) and records plan, build and gate. With a saved plan's ID nothing is
// planned: that plan passed the gate when it was saved, and apply checks its digest.
func planAndBuild(ctx context.Context, s Stages, rep *Report, o DeployOptions, pick *ctl.Promotion) (PlanResult, error) {
	stage, build := buildOrPick(s, rep, o, pick)
	if planID := o.PlanID; planID != "" {
		rep.Skip(stagePlan, "applying saved plan "+planID)
		start := time.Now()
		err := build(ctx)
		rep.record(stage, time.Since(start), err)
		rep.Skip(stageGate, "passed when plan "+planID+" was saved")
		rep.HasChanges = true
		return PlanResult{ID: planID, HasChanges: true, MonthlyUSD: -1}, skipless(err)
	}
	var (
		plan                PlanResult
		planErr, buildErr   error
		planTime, buildTime time.Duration
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		start := time.Now()
		plan, planErr = s.Plan(gctx)
		planTime = time.Since(start)
		return gateless(planErr)
	})
	g.Go(func() error {
		start := time.Now()
		buildErr = build(gctx)
		buildTime = time.Since(start)
		return skipless(buildErr)
	})
	groupErr := g.Wait()
	rep.Add(stagePlan, planTime, gateless(planErr))
	rep.record(stage, buildTime, buildErr)
	rep.Plan, rep.HasChanges, rep.MonthlyUSD = plan.Counts, plan.HasChanges, plan.MonthlyUSD
	rep.MonthlyDeltaUSD, rep.HasDelta = plan.MonthlyDeltaUSD, plan.HasDelta
	if groupErr != nil {
		return plan, groupErr
	}
	// The gate ran inside the plan step: policy, cost or changes other than the
	// reviewed ones stop here, before apply.
	if errors.Is(planErr, ctl.ErrChangeSet) && o.AcceptChangedPlan {
		rep.Stages = append(rep.Stages, StageResult{Name: stageGate, Status: "ok", Note: "changes differ from the reviewed plan: accepted (--accept-changed-plan)"})
		return plan, nil
	}
	rep.Add(stageGate, 0, planErr)
	return plan, planErr
}

// buildOrPick returns the stage that runs beside the plan: the build, or for an
// environment that promotes the pick of the release it ships, which fills *pick (the
// build is then reported as skipped). A pick that finds nothing fails the deploy
// there, before apply.
func buildOrPick(s Stages, rep *Report, o DeployOptions, pick *ctl.Promotion) (string, func(context.Context) error) {
	from := envcfg.PromoteFrom(o.Env)
	if from == "" {
		return stageBuild, s.Build
	}
	rep.Skip(stageBuild, fmt.Sprintf("%s ships the image of a completed %s release: nothing is built", o.Env, from))
	return stagePick, func(ctx context.Context) (err error) {
		*pick, err = s.Pick(ctx, ctl.PromoteOptions{Digest: o.ImageDigest, BreakGlass: o.BreakGlass, Check: true})
		return err
	}
}

// gateless hides a gate failure, which the plan stage reports as its own stage.
func gateless(err error) error {
	if errors.Is(err, ctl.ErrPolicy) || errors.Is(err, ctl.ErrCost) || errors.Is(err, ctl.ErrChangeSet) {
		return nil
	}
	return err
}

// skipless hides a skipped stage from the error path.
func skipless(err error) error {
	var skip *skipError
	if errors.As(err, &skip) {
		return nil
	}
	return err
}

// record adds a stage that may have been skipped.
func (r *Report) record(name string, d time.Duration, err error) {
	var skip *skipError
	if errors.As(err, &skip) {
		r.Skip(name, skip.Reason)
		return
	}
	r.Add(name, d, err)
}

// applyIfChanged applies the saved plan only when it changes something.
func applyIfChanged(ctx context.Context, s Stages, rep *Report, plan PlanResult) error {
	if !plan.HasChanges {
		rep.Skip(stageApply, "plan has no changes")
		return nil
	}
	err := rep.Time(stageApply, func() error { return s.Apply(ctx, plan) })
	var es *tfstate.ErroredStateError
	if errors.As(err, &es) {
		rep.ErroredState = es.Where()
	}
	return err
}

// publishOrPromote publishes the built image, or for an environment that promotes
// copies the picked release's image.
func publishOrPromote(ctx context.Context, s Stages, rep *Report, outs map[string]string, env string, pick ctl.Promotion) (Published, error) {
	if envcfg.PromoteFrom(env) == "" {
		return publish(ctx, s, rep, outs)
	}
	if pick.Digest == "" {
		err := fmt.Errorf("promote to %s: the pick named no digest", env)
		rep.Add(stagePromote, 0, err)
		return Published{}, err
	}
	var p ctl.Promotion
	err := rep.Time(stagePromote, func() (err error) {
		p, err = s.Promote(ctx, outs, pick)
		return err
	})
	rep.Image = p.Image
	if err == nil && p.Digest != pick.Digest {
		err = fmt.Errorf("promote %s: the copy is %s, not the picked %s", pick.Source, p.Digest, pick.Digest)
	}
	return Published{Image: p.Image, Version: pick.Version}, err
}

// publish records the publish stage, skipped or not.
func publish(ctx context.Context, s Stages, rep *Report, outs map[string]string) (Published, error) {
	start := time.Now()
	pub, err := s.Publish(ctx, outs)
	rep.Image = pub.Image
	switch {
	case err != nil:
		rep.Add(stagePublish, time.Since(start), err)
	case pub.Skipped != "":
		rep.Skip(stagePublish, pub.Skipped)
	default:
		rep.Add(stagePublish, time.Since(start), nil)
	}
	return pub, err
}

// smokeOrRollback smoke-tests the release and rolls back when the test fails; the
// deploy fails either way.
func smokeOrRollback(ctx context.Context, s Stages, rep *Report, outs map[string]string, svc ctl.Service, version string) error {
	smokeErr := rep.Time(stageSmoke, func() error { return s.Smoke(ctx, outs, version) })
	if smokeErr == nil {
		return nil
	}
	rbErr := rep.Time(stageRollback, func() error { return s.Rollback(ctx, svc) })
	rep.RolledBack = rbErr == nil
	if rbErr != nil {
		return fmt.Errorf("%w; rollback failed too: %v", smokeErr, rbErr)
	}
	return smokeErr
}
