package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"dagger/predictor/internal/exitcode"
	"dagger/predictor/internal/plansum"
	"dagger/predictor/internal/tf"
)

func init() {
	register(command{name: "apply", summary: "apply exactly a saved plan (exit 5 when the plan is stale)", run: runApply})
}

func runApply(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("apply")
	g := addGlobals(fs)
	tfl := addTFFlags(fs)
	planName := fs.String("plan", "", "saved plan file made by `deployctl plan --out` (relative to --workdir)")
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	if err := g.validate(); err != nil {
		return fail(stderr, fs, err)
	}
	if *planName == "" {
		return fail(stderr, fs, errors.New("no --plan given: pass the file `deployctl plan --out` saved"))
	}
	plan, err := g.path(*planName)
	if err != nil {
		return fail(stderr, fs, err)
	}
	if _, err := os.Stat(plan); err != nil {
		return fail(stderr, fs, fmt.Errorf("plan file %s not found: run `deployctl plan --env %s --out FILE` first", plan, g.env))
	}
	// The sidecar answers "which environment" before anything runs; the plan's own
	// variables answer it again after init, for a plan that travelled without it.
	if meta, ok, err := tf.ReadMeta(plan); err != nil {
		return fail(stderr, fs, err)
	} else if ok {
		if err := tf.CheckMetaEnvironment(meta, plan, g.env); err != nil {
			return fail(stderr, fs, err)
		}
	}
	s, cleanup, err := g.terraform(ctx, tfl, stderr)
	defer cleanup()
	if err != nil {
		return fail(stderr, fs, err)
	}
	raw, err := s.tf.ShowPlan(ctx, plan)
	if err != nil {
		return fail(stderr, fs, err)
	}
	if err := tf.CheckPlanEnvironment(raw, plan, g.env); err != nil {
		return fail(stderr, fs, err)
	}
	if err := s.tf.Apply(ctx, plan); err != nil {
		if errors.Is(err, tf.ErrStalePlan) {
			return failCode(stderr, fs, err, exitcode.StalePlan)
		}
		return fail(stderr, fs, pushErroredState(ctx, s.tf, err))
	}
	fmt.Fprintf(stdout, "applied %s to %s\n", plan, g.env)
	// Record what the providers read back, so `deployctl drift` reports only changes
	// made outside terraform. The infrastructure is applied either way; a plan without
	// resource changes leaves the last sync in place.
	if sum := plansum.Summarize(plansum.New(raw)); sum.Add+sum.Change+sum.Destroy+sum.Replace+sum.Forget == 0 {
		return exitcode.OK
	}
	if err := s.tf.SyncState(ctx); err != nil {
		fmt.Fprintf(stderr, "%s: warning: applied, but the state sync after it failed (the next drift check may list provider read-backs): %v\n", fs.Name(), err)
	}
	return exitcode.OK
}

// pushErroredState pushes a failed apply's errored state back to the backend, so
// what the apply created stays tracked even when the working directory is thrown
// away (a pipeline container). terraform's own lineage and serial check guards the
// push; when it refuses or fails, the file stays where ErroredStateError says.
func pushErroredState(ctx context.Context, t *tf.Terraform, applyErr error) error {
	var es *tf.ErroredStateError
	if !errors.As(applyErr, &es) {
		return applyErr
	}
	if err := t.PushState(ctx, es.Path); err != nil {
		return fmt.Errorf("%w (pushing it back failed too: %v)", applyErr, err)
	}
	return fmt.Errorf("%v; terraform could not save the state, so deployctl pushed %s back to the backend after terraform's lineage check: the state is complete, apply again", es.Err, es.Path)
}
