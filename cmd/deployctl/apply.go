package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"dagger/predictor/internal/bootstrap"

	"dagger/predictor/internal/exitcode"
	"dagger/predictor/internal/planstore"
	"dagger/predictor/internal/plansum"
	"dagger/predictor/internal/tf"
	"dagger/predictor/internal/tfstate"
)

func init() {
	register(command{name: "apply", summary: "apply exactly a saved plan (exit 5 when the plan is stale)", run: runApply})
}

func runApply(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	sub := newCmd("apply", withTerraform)
	fs, g, tfl := sub.fs, sub.g, sub.tfl
	planName := fs.String("plan", "", "saved plan file made by `deployctl plan --out` (relative to --workdir)")
	planID := fs.String("plan-id", "", "ID of a plan `deployctl plan --save` stored in the state bucket: fetched, checked against its digest, applied")
	if code, ok := sub.parse(args, stderr); !ok {
		return code
	}
	if *planName != "" && *planID != "" {
		return fail(stderr, fs, errors.New("pass --plan FILE or --plan-id ID, not both"))
	}
	if *planID != "" {
		name, err := fetchPlan(ctx, g, *planID)
		if err != nil {
			return fail(stderr, fs, err)
		}
		*planName = name
	}
	if *planName == "" {
		return fail(stderr, fs, errors.New("no --plan given: pass the file `deployctl plan --out` saved, or --plan-id ID from `deployctl plan --save`"))
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
	started := time.Now()
	if err := s.tf.Apply(ctx, plan); err != nil {
		if errors.Is(err, tf.ErrStalePlan) {
			return failCode(stderr, fs, err, exitcode.StalePlan)
		}
		return fail(stderr, fs, pushErroredState(ctx, g, s, err, started, stderr))
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

// pushBackoff spaces the push attempts: a state save usually fails for a passing
// reason (a network error, a throttled or briefly denied request).
var pushBackoff = []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second}

// pushErroredState pushes a failed apply's errored state back to the backend, so
// what the apply created stays tracked even when the working directory is thrown
// away (a pipeline container), then releases the apply's own stale lock. terraform's
// lineage and serial check guards the push; when it refuses or keeps failing, the
// file stays where ErroredStateError says.
func pushErroredState(ctx context.Context, g *globals, s *session, applyErr error, started time.Time, log io.Writer) error {
	var es *tfstate.ErroredStateError
	if !errors.As(applyErr, &es) {
		return applyErr
	}
	var err error
	for _, wait := range pushBackoff {
		if err = s.tf.PushState(ctx, es.Path); err == nil {
			break
		}
		fmt.Fprintf(log, "apply: push the errored state back: %v (again in %s)\n", err, wait)
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (pushing it back was cut short: %v)", applyErr, ctx.Err())
		case <-time.After(wait):
		}
	}
	if err != nil {
		return fmt.Errorf("%w (pushing it back failed too: %v)", applyErr, err)
	}
	msg := fmt.Sprintf("%v; terraform could not save the state, so deployctl pushed %s back to the backend after terraform's lineage check: the state is complete", es.Err, es.Path)
	if err := releaseOwnLock(ctx, g, s, started); err != nil {
		return fmt.Errorf("%s, but the apply's lock is still held (%v): run `terraform force-unlock` with the ID in s3://%s/%s.tflock", msg, err, s.bucket, s.key)
	}
	return fmt.Errorf("%s and its lock released: plan and apply again", msg)
}

// releaseOwnLock force-unlocks the state lock only when it is the one the failed
// apply took (same user@host, an apply, taken after it started); no lock is fine.
func releaseOwnLock(ctx context.Context, g *globals, s *session, started time.Time) error {
	cfg, err := g.awsConfig(ctx)
	if err != nil {
		return err
	}
	out, err := bootstrap.NewS3(cfg, g.endpoint).GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.key + ".tflock")})
	var noKey *s3types.NoSuchKey
	if errors.As(err, &noKey) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read the lock: %w", err)
	}
	defer out.Body.Close()
	data, err := io.ReadAll(out.Body)
	if err != nil {
		return fmt.Errorf("read the lock: %w", err)
	}
	lock, err := tf.ParseLockInfo(data)
	if err != nil {
		return err
	}
	if !tf.OwnApplyLock(lock, tf.Who(), started) {
		return fmt.Errorf("lock %s is %s's %s, not this apply's", lock.ID, lock.Who, lock.Operation)
	}
	return s.tf.ForceUnlock(ctx, lock.ID)
}

// fetchPlan downloads a stored plan into the workdir and returns its file name.
func fetchPlan(ctx context.Context, g *globals, id string) (string, error) {
	cfg, err := g.awsConfig(ctx)
	if err != nil {
		return "", err
	}
	bucket, err := g.bucket(ctx, cfg)
	if err != nil {
		return "", err
	}
	name := "plan-" + id + ".tfplan"
	path, err := g.path(name)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", fmt.Errorf("create the workdir: %w", err)
	}
	if err := planstore.New(bootstrap.NewS3(cfg, g.endpoint), bucket, g.env).Fetch(ctx, id, path); err != nil {
		return "", err
	}
	return name, nil
}
