// Tests calls the predictor module's functions under a Dagger engine and checks
// what they return: `dagger check -m tests`, or one test with
// `dagger call -m tests build-runs-as-non-root`.
package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/sync/errgroup"

	"dagger/tests/internal/dagger"
)

// probeImage runs HTTP probes against services (the runtime image of the predictor
// module, pinned by the same digest).
const probeImage = "alpine:3.22@sha256:4bcff63911fcb4448bd4fdacec207030997caf25e9bea4045fa6c8c44de311d1"

// Tests holds the predictor module's tests.
type Tests struct{}

// Run every test that needs no AWS account, in parallel.
//
// +check
func (t *Tests) All(ctx context.Context) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(3)
	for name, test := range map[string]func(context.Context) error{
		"build-runs-as-non-root":          t.BuildRunsAsNonRoot,
		"build-arm64":                     t.BuildArm64,
		"apply-refuses-prod-without-plan": t.ApplyRefusesProdWithoutPlan,
		"destroy-needs-confirmation":      t.DestroyNeedsConfirmation,
		"unknown-env-fails":               t.UnknownEnvFails,
		"dev-without-credentials-fails":   t.DevWithoutCredentialsFails,
		"plan-local-has-changes":          t.PlanLocalHasChanges,
		"serve-reports-health":            t.ServeReportsHealth,
		"deploy-local-completes":          t.DeployLocalCompletes,
		"deploy-refuses-prod":             t.DeployRefusesProdWithoutConfirm,
		"outputs-refuses-local":           t.OutputsRefusesLocal,
	} {
		g.Go(func() error {
			if err := test(ctx); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			return nil
		})
	}
	return g.Wait()
}

// Check that the backend image runs as a non-root user.
func (t *Tests) BuildRunsAsNonRoot(ctx context.Context) error {
	user, err := dag.Predictor().Build().User(ctx)
	if err != nil {
		return err
	}
	if user == "" || user == "root" || user == "0" || strings.HasPrefix(user, "0:") {
		return fmt.Errorf("image user is %q, want a non-root user", user)
	}
	return nil
}

// Check that the image builds for linux/arm64 on request.
func (t *Tests) BuildArm64(ctx context.Context) error {
	p, err := dag.Predictor().Build(dagger.PredictorBuildOpts{Platform: "linux/arm64"}).Platform(ctx)
	if err != nil {
		return err
	}
	if p != "linux/arm64" {
		return fmt.Errorf("platform %q, want linux/arm64", p)
	}
	return nil
}

// Check that prod is never planned and applied in one go by accident.
func (t *Tests) ApplyRefusesProdWithoutPlan(ctx context.Context) error {
	_, err := dag.Predictor().Apply(ctx, "prod")
	return wantErr(err, "reviewed plan")
}

// Check that destroy wants the environment name repeated.
func (t *Tests) DestroyNeedsConfirmation(ctx context.Context) error {
	_, err := dag.Predictor().Destroy(ctx, "dev", "prod")
	return wantErr(err, "confirmation does not match")
}

// Check that an unknown environment fails before anything runs.
func (t *Tests) UnknownEnvFails(ctx context.Context) error {
	_, err := dag.Predictor().Plan(ctx, "qa")
	return wantErr(err, "unknown environment")
}

// Check that a real environment without credentials fails early.
func (t *Tests) DevWithoutCredentialsFails(ctx context.Context) error {
	_, err := dag.Predictor().Outputs(ctx, "dev")
	return wantErr(err, "no AWS credentials")
}

// Check that a plan against a fresh emulator creates the infrastructure, and that
// the summary, Markdown, plan file and JSON all come from the one plan object.
func (t *Tests) PlanLocalHasChanges(ctx context.Context) error {
	plan := dag.Predictor().TfPlan("local")
	summary, err := plan.Summary(ctx)
	if err != nil {
		return err
	}
	if !strings.Contains(summary, "to add") || !strings.Contains(summary, "Monthly cost estimate") {
		return fmt.Errorf("summary lacks the resource counts or the cost:\n%s", summary)
	}
	if changes, err := plan.HasChanges(ctx); err != nil || !changes {
		return fmt.Errorf("a first plan has changes: got %v, %v", changes, err)
	}
	md, err := plan.Markdown(ctx)
	if err != nil {
		return err
	}
	if !strings.HasPrefix(md, "### Terraform plan for `local`") {
		return fmt.Errorf("markdown summary starts %.80q", md)
	}
	if size, err := plan.File().Size(ctx); err != nil || size == 0 {
		return fmt.Errorf("plan file: size %d, %v", size, err)
	}
	js, err := plan.AsJSON().Contents(ctx)
	if err != nil {
		return fmt.Errorf("plan JSON: %w", err)
	}
	if !strings.Contains(js, `"resource_changes"`) {
		return errors.New("plan JSON lacks resource_changes")
	}
	return nil
}

// Check that deploy refuses prod without --confirm prod, before touching AWS.
func (t *Tests) DeployRefusesProdWithoutConfirm(ctx context.Context) error {
	_, err := dag.Predictor().Deploy(ctx, "prod")
	return wantErr(err, "--confirm prod")
}

// Check that a function needing earlier state refuses --env local (each call's emulator starts empty).
func (t *Tests) OutputsRefusesLocal(ctx context.Context) error {
	_, err := dag.Predictor().Outputs(ctx, "local")
	return wantErr(err, "deploy --env local")
}

// Check that the served backend answers /health with its version.
func (t *Tests) ServeReportsHealth(ctx context.Context) error {
	svc := dag.Predictor().Serve(dagger.PredictorServeOpts{Version: "test-1"})
	out, err := dag.Container().From(probeImage).
		WithServiceBinding("backend", svc).
		WithExec([]string{"wget", "-qO-", "http://backend:8000/health"}).
		Stdout(ctx)
	if err != nil {
		return err
	}
	if !strings.Contains(out, `"test-1"`) {
		return fmt.Errorf("/health = %s, want version test-1", out)
	}
	return nil
}

// Rehearse the whole deploy against the emulator.
func (t *Tests) DeployLocalCompletes(ctx context.Context) error {
	report, err := dag.Predictor().Deploy(ctx, "local")
	if err != nil {
		return err
	}
	if !strings.Contains(report, "deploy local: OK") {
		return fmt.Errorf("report:\n%s", report)
	}
	return nil
}

func wantErr(err error, want string) error {
	if err == nil {
		return fmt.Errorf("no error, want one mentioning %q", want)
	}
	if !strings.Contains(err.Error(), want) {
		return fmt.Errorf("error %q does not mention %q", err, want)
	}
	return nil
}
