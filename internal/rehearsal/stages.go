package rehearsal

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"dagger/predictor/internal/ctl"
	"dagger/predictor/internal/imageref"
	"dagger/predictor/internal/pipeline"
	"dagger/predictor/internal/tfstate"
)

// Prepare starts the emulator, copies the infrastructure to a working directory
// and bootstraps the state bucket.
func (r *rehearsal) Prepare(ctx context.Context) (func(), error) {
	url, stopEmu, err := r.StartEmulator()
	if err != nil {
		return nil, err
	}
	work, err := os.MkdirTemp("", "predictor-rehearse-")
	if err != nil {
		stopEmu()
		return nil, fmt.Errorf("create the working directory: %w", err)
	}
	stop := func() { os.RemoveAll(work); stopEmu() }
	infra := filepath.Join(work, "infra")
	if err := CopyTree(r.InfraDir, infra); err != nil {
		stop()
		return nil, fmt.Errorf("copy %s: %w", r.InfraDir, err)
	}
	r.t, r.work = r.Target, work
	r.t.Endpoint, r.t.InfraDir, r.t.Workdir = url, infra, work
	if _, err := r.callOK(ctx, ctl.BootstrapArgs(r.t)); err != nil {
		stop()
		return nil, err
	}
	return stop, nil
}

// Plan saves a plan with the gate and reads its counts and cost.
func (r *rehearsal) Plan(ctx context.Context) (pipeline.PlanResult, error) {
	o := ctl.PlanFiles(r.work, r.MaxMonthlyUSD, false)
	out, code := r.call(ctx, ctl.PlanArgs(r.t, o))
	res := pipeline.PlanResult{Summary: out, MonthlyUSD: -1}
	changes, err := ctl.PlanStatus(code, "")
	res.HasChanges = changes
	if b, rerr := os.ReadFile(o.SummaryJSON); rerr == nil {
		if counts, cost, perr := ctl.ParsePlanSummaryJSON(string(b)); perr == nil {
			res.Counts, res.MonthlyUSD = counts, cost
		}
		if delta, ok, perr := ctl.ParsePlanCostChange(string(b)); perr == nil {
			res.MonthlyDeltaUSD, res.HasDelta = delta, ok
		}
		res.ChangeSet = ctl.ParsePlanChangeSet(string(b))
	}
	return res, err
}

// Build cannot run here: building the image needs a container engine.
func (r *rehearsal) Build(context.Context) error {
	return pipeline.Skip("no container engine here: `dagger call deploy --env local` builds the image")
}

// Apply applies the saved plan.
func (r *rehearsal) Apply(ctx context.Context, p pipeline.PlanResult) error {
	args := ctl.ApplyArgs(r.t, ctl.PlanFiles(r.work, 0, false).Out)
	if p.ID != "" {
		args = ctl.ApplyIDArgs(r.t, p.ID)
	}
	_, stderr, code := r.call3(ctx, args)
	return tfstate.Parse(ctl.Check(args[1], code, ""), stderr)
}

// Outputs reads the terraform outputs.
func (r *rehearsal) Outputs(ctx context.Context) (map[string]string, error) {
	raw, err := r.callOK(ctx, ctl.OutputsArgs(r.t, ""))
	if err != nil {
		return nil, err
	}
	return ctl.ParseOutputs(raw)
}

// Verify checks the release's prerequisites on the emulator.
func (r *rehearsal) Verify(ctx context.Context) error {
	args := ctl.VerifyArgs(r.t, "")
	out, stderr, code := r.call3(ctx, args)
	return ctl.VerifyStatus(code, out, stderr)
}

// Publish pushes nothing (no engine): the reference pins the backend source's
// content hash, so rollout registers a revision exactly as with a real digest.
func (r *rehearsal) Publish(_ context.Context, outs map[string]string) (pipeline.Published, error) {
	contentDigest, err := dirDigest(r.BackendDir)
	if err != nil {
		return pipeline.Published{}, err
	}
	commit, dirty := r.GitCommit()
	return pipeline.Published{
		Image:   imageref.Pin(outs["ecr_repository_url"], contentDigest),
		Version: pipeline.Version(pipeline.ImageTag(commit, dirty, contentDigest)),
		Skipped: "no container engine: nothing pushed, rollout uses the source content digest",
	}, nil
}

// Pick finds the release an environment that promotes ships (the emulator's local
// builds, so a rehearsal never calls it; kept for the one sequence's sake).
func (r *rehearsal) Pick(ctx context.Context, o ctl.PromoteOptions) (ctl.Promotion, error) {
	out, err := r.callOK(ctx, ctl.PromoteArgs(r.t, o))
	p, _ := ctl.ParsePromotion(out)
	return p, err
}

// Promote copies the picked release's image into the environment's repository.
func (r *rehearsal) Promote(ctx context.Context, outs map[string]string, p ctl.Promotion) (ctl.Promotion, error) {
	out, err := r.callOK(ctx, ctl.PromoteArgs(r.t, ctl.PromoteOptions{Digest: p.Digest, BreakGlass: p.BreakGlass, RepositoryURL: outs["ecr_repository_url"]}))
	got, _ := ctl.ParsePromotion(out)
	return got, err
}

// Record adds the smoke result and timings to the release's record.
func (r *rehearsal) Record(ctx context.Context, taskDef, smoke, timings string) error {
	_, err := r.callOK(ctx, ctl.RecordArgs(r.t, taskDef, smoke, timings))
	return err
}

// Rollout reads the release diff, then registers the release and watches it; the
// result comes from --report-json. The diff's time counts as the rollout's.
func (r *rehearsal) Rollout(ctx context.Context, o ctl.RolloutOptions) (ctl.RolloutResult, error) {
	r.diff, r.diffNote = r.releaseDiff(ctx, o)
	o.ReportJSON = filepath.Join(r.work, "rollout.json")
	out, err := r.callOK(ctx, ctl.RolloutArgs(r.t, o))
	if b, rerr := os.ReadFile(o.ReportJSON); rerr == nil {
		out = string(b)
	}
	res, _ := ctl.ParseRollout(out)
	return res, err
}

// Smoke starts the backend with the task definition's environment and checks /health.
func (r *rehearsal) Smoke(ctx context.Context, outs map[string]string, version string) error {
	vars, err := ctl.BackendVars(outs)
	if err != nil {
		return err
	}
	url, stop, err := r.StartBackend(ctx, backendEnv(vars, version, r.t.Endpoint))
	if err != nil {
		return err
	}
	defer stop()
	_, err = r.callOK(ctx, ctl.SmokeArgs(url, version, 2*time.Minute))
	return err
}

// Rollback returns the service to its previous release.
func (r *rehearsal) Rollback(ctx context.Context, svc ctl.Service) error {
	_, err := r.callOK(ctx, ctl.RollbackArgs(r.t, svc, 0, ""))
	return err
}
