package pipeline

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"golang.org/x/sync/errgroup"

	"dagger/predictor/internal/envcfg"
)

// Stages are the deploy's steps. The Dagger module implements them with containers
// (deploy.go), `deployctl rehearse` with local processes and the emulator; Deploy is
// the one order both run them in.
type Stages interface {
	// Prepare starts what the target needs for the whole deploy (the emulator and
	// its state bucket for local) and returns how to stop it.
	Prepare(ctx context.Context) (stop func(), err error)
	// Plan runs terraform init and plan with the policy and cost gate. A gate
	// failure is an error wrapping ErrPolicy or ErrCost, with the result filled in.
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
	// Rollout registers a release and watches its deployment.
	Rollout(ctx context.Context, o RolloutOptions) (RolloutResult, error)
	// Smoke checks the entry point reports version.
	Smoke(ctx context.Context, outputs map[string]string, version string) error
	// Rollback returns svc to its previous release.
	Rollback(ctx context.Context, svc Service) error
}

// PlanResult is the plan stage's outcome, as the report shows it.
type PlanResult struct {
	// ID is the saved plan to apply (a reviewed plan): set, no plan runs.
	ID         string
	HasChanges bool
	Counts     PlanCounts
	// MonthlyUSD is the estimate; negative when unknown.
	MonthlyUSD float64
	// MonthlyDeltaUSD is the change of the estimate the plan makes; HasDelta says it is known.
	MonthlyDeltaUSD float64
	HasDelta        bool
	// Summary is what plan printed.
	Summary string
}

// Published is a pushed image, or why nothing was pushed (Skipped).
type Published struct {
	Image, Version string
	// Skipped is the reason the image was not pushed ("" when it was).
	Skipped string
}

// SkipError marks a stage that did not run, with the reason shown in the report.
type SkipError struct{ Reason string }

func (e *SkipError) Error() string { return "skipped: " + e.Reason }

// Skip returns a SkipError: a stage that cannot run here, and why.
func Skip(reason string) error { return &SkipError{Reason: reason} }

// ErroredStateError is a failed apply whose state terraform could not save: Where
// says where it was kept (pushed back to the backend, or a file to push by hand).
type ErroredStateError struct {
	Where string
	Err   error
}

func (e *ErroredStateError) Error() string {
	return fmt.Sprintf("%v (errored state: %s)", e.Err, e.Where)
}
func (e *ErroredStateError) Unwrap() error { return e.Err }

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
}

// CheckDeploy refuses bad deploy inputs before anything touches AWS.
func CheckDeploy(o DeployOptions) error {
	if err := ValidateEnv(o.Env); err != nil {
		return err
	}
	if !envcfg.Protected(o.Env) {
		return nil
	}
	if o.AcceptChangedPlan {
		return fmt.Errorf("%w: %s applies only the reviewed changes; drop --accept-changed-plan and review the new plan", ErrChangeSet, o.Env)
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
	rep = NewReport(o.Env)
	defer func() {
		if err != nil {
			rep.Err = err.Error()
		}
	}()
	var stop func()
	if err := rep.Time(StageValidate, func() (err error) {
		if err = CheckDeploy(o); err != nil {
			return err
		}
		stop, err = s.Prepare(ctx)
		return err
	}); err != nil {
		return rep, err
	}
	defer stop()

	plan, err := planAndBuild(ctx, s, rep, o)
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
	svc, err := ServiceFromOutputs(outs)
	if err != nil {
		return rep, err
	}
	// After apply (a first deploy has no service before it), before any release.
	if err := rep.Time(StageVerify, func() error { return s.Verify(ctx) }); err != nil {
		return rep, err
	}
	pub, err := publish(ctx, s, rep, outs)
	if err != nil {
		return rep, err
	}
	if err := rep.Time(StageRollout, func() (err error) {
		rep.Rollout, err = s.Rollout(ctx, RolloutOptions{Service: svc, Image: pub.Image, Version: pub.Version, Force: o.Force, Timeout: o.RolloutTimeout})
		return err
	}); err != nil {
		return rep, err
	}
	return rep, smokeOrRollback(ctx, s, rep, outs, svc, pub.Version)
}

// planAndBuild runs the plan and the build concurrently (each goroutine writes only
// its own result) and records plan, build and gate. With a saved plan's ID nothing is
// planned: that plan passed the gate when it was saved, and apply checks its digest.
func planAndBuild(ctx context.Context, s Stages, rep *Report, o DeployOptions) (PlanResult, error) {
	if planID := o.PlanID; planID != "" {
		rep.Skip(StagePlan, "applying saved plan "+planID)
		start := time.Now()
		err := s.Build(ctx)
		rep.record(StageBuild, time.Since(start), err)
		rep.Skip(StageGate, "passed when plan "+planID+" was saved")
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
		buildErr = s.Build(gctx)
		buildTime = time.Since(start)
		return skipless(buildErr)
	})
	groupErr := g.Wait()
	rep.Add(StagePlan, planTime, gateless(planErr))
	rep.record(StageBuild, buildTime, buildErr)
	rep.Plan, rep.HasChanges, rep.MonthlyUSD = plan.Counts, plan.HasChanges, plan.MonthlyUSD
	rep.MonthlyDeltaUSD, rep.HasDelta = plan.MonthlyDeltaUSD, plan.HasDelta
	if groupErr != nil {
		return plan, groupErr
	}
	// The gate ran inside the plan step: policy, cost or changes other than the
	// reviewed ones stop here, before apply.
	if errors.Is(planErr, ErrChangeSet) && o.AcceptChangedPlan {
		rep.Stages = append(rep.Stages, StageResult{Name: StageGate, Status: "ok", Note: "changes differ from the reviewed plan: accepted (--accept-changed-plan)"})
		return plan, nil
	}
	rep.Add(StageGate, 0, planErr)
	return plan, planErr
}

// gateless hides a gate failure, which the plan stage reports as its own stage.
func gateless(err error) error {
	if errors.Is(err, ErrPolicy) || errors.Is(err, ErrCost) || errors.Is(err, ErrChangeSet) {
		return nil
	}
	return err
}

// skipless hides a skipped stage from the error path.
func skipless(err error) error {
	var skip *SkipError
	if errors.As(err, &skip) {
		return nil
	}
	return err
}

// record adds a stage that may have been skipped.
func (r *Report) record(name string, d time.Duration, err error) {
	var skip *SkipError
	if errors.As(err, &skip) {
		r.Skip(name, skip.Reason)
		return
	}
	r.Add(name, d, err)
}

// applyIfChanged applies the saved plan only when it changes something.
func applyIfChanged(ctx context.Context, s Stages, rep *Report, plan PlanResult) error {
	if !plan.HasChanges {
		rep.Skip(StageApply, "plan has no changes")
		return nil
	}
	err := rep.Time(StageApply, func() error { return s.Apply(ctx, plan) })
	var es *ErroredStateError
	if errors.As(err, &es) {
		rep.ErroredState = es.Where
	}
	return err
}

// publish records the publish stage, skipped or not.
func publish(ctx context.Context, s Stages, rep *Report, outs map[string]string) (Published, error) {
	start := time.Now()
	pub, err := s.Publish(ctx, outs)
	rep.Image = pub.Image
	switch {
	case err != nil:
		rep.Add(StagePublish, time.Since(start), err)
	case pub.Skipped != "":
		rep.Skip(StagePublish, pub.Skipped)
	default:
		rep.Add(StagePublish, time.Since(start), nil)
	}
	return pub, err
}

// smokeOrRollback smoke-tests the release and rolls back when the test fails; the
// deploy fails either way.
func smokeOrRollback(ctx context.Context, s Stages, rep *Report, outs map[string]string, svc Service, version string) error {
	smokeErr := rep.Time(StageSmoke, func() error { return s.Smoke(ctx, outs, version) })
	if smokeErr == nil {
		return nil
	}
	rbErr := rep.Time(StageRollback, func() error { return s.Rollback(ctx, svc) })
	rep.RolledBack = rbErr == nil
	if rbErr != nil {
		return fmt.Errorf("%w; rollback failed too: %v", smokeErr, rbErr)
	}
	return smokeErr
}

// erroredStateRE finds what deployctl apply did with an errored state, in its stderr.
var erroredStateRE = regexp.MustCompile(`(pushed \S+ back to the backend|it is kept in \S+)`)

// ApplyOutcome marks a failed apply whose stderr says where its errored state went,
// so the report shows it.
func ApplyOutcome(err error, stderr string) error {
	if err == nil {
		return nil
	}
	if m := erroredStateRE.FindString(stderr); m != "" {
		return &ErroredStateError{Where: m, Err: err}
	}
	return err
}
