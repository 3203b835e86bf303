// Package pipeline is the deploy sequence and its report: the stages every deploy runs,
// in one order (Deploy), for both the Dagger module (main.go and siblings) and the
// engine-less rehearsal (`deployctl rehearse`, `make local`); which stages run for a
// plan result; the image tag; the prod confirmation rules; and the final report.
// How each stage calls deployctl (argument lists, exit statuses, output) is
// internal/ctl's. Nothing here imports Dagger or touches AWS, so all of it is tested
// with plain `go test`.
package pipeline

import (
	"errors"
	"fmt"

	"dagger/predictor/internal/envcfg"
)

// Stage names, in pipeline order; the report lists timings under these names.
const (
	stageValidate = "validate"
	stagePlan     = "plan"
	stageBuild    = "build"
	stageGate     = "gate"
	stageApply    = "apply"
	stageVerify   = "verify"
	stagePublish  = "publish"
	// stagePick finds the release a promoting environment ships (before any change),
	// stagePromote copies its image; they replace build and publish there.
	stagePick     = "pick"
	stagePromote  = "promote"
	stageRollout  = "rollout"
	stageSmoke    = "smoke"
	stageRollback = "rollback"
	stageRecord   = "record"
)

// Sentinel errors for refused inputs, checked with errors.Is.
var (
	// ErrProdNeedsPlan: apply on a protected environment (prod) without a reviewed plan
	// file or --confirm; wrapped after the environment's name.
	ErrProdNeedsPlan = errors.New("apply needs a reviewed plan")
	// ErrConfirmMismatch: destroy's confirmation does not name the environment.
	ErrConfirmMismatch = errors.New("confirmation does not match the environment")
	// ErrNeedsBreakGlass: destroy of a protected environment (prod) without the
	// break-glass flag; wrapped after the environment's name.
	ErrNeedsBreakGlass = errors.New("destroy needs break-glass")
)

// CheckApply applies the protected rule: a protected environment (prod) applies only a
// plan someone reviewed (a plan file passed in), unless confirm explicitly names it.
// Other environments may plan and apply in one go.
func CheckApply(env string, havePlan bool, confirm string) error {
	if err := envcfg.Validate(env); err != nil {
		return err
	}
	if !envcfg.Protected(env) || havePlan || confirm == env {
		return nil
	}
	how := fmt.Sprintf("pass --plan-id ID from `plan --env %[1]s --save` (or --plan FILE from `plan --env %[1]s file -o %[1]s.tfplan`), or --confirm %[1]s", env)
	if confirm != "" {
		return fmt.Errorf("%s %w: --confirm %q does not name %s; %s", env, ErrProdNeedsPlan, confirm, env, how)
	}
	return fmt.Errorf("%s %w: %s to plan and apply at once", env, ErrProdNeedsPlan, how)
}

// CheckDestroy requires the confirmation to repeat the environment name, and a
// protected environment (prod) the break-glass flag as well (deployctl destroy checks the same).
func CheckDestroy(env, confirm string, breakGlass bool) error {
	if err := envcfg.Validate(env); err != nil {
		return err
	}
	if confirm != env {
		return fmt.Errorf("%w: destroy deletes every resource of %s and the data in its buckets; pass --confirm %s", ErrConfirmMismatch, env, env)
	}
	if envcfg.Protected(env) && !breakGlass {
		return fmt.Errorf("%s %w: destroy deletes every resource of %[1]s and the data in its buckets for good; pass --break-glass as well as --confirm %[1]s", env, ErrNeedsBreakGlass)
	}
	return nil
}

// ErrNoCredentials: a real-AWS environment without any credentials argument.
var ErrNoCredentials = errors.New("no AWS credentials given")

// CheckCredentials fails before anything touches AWS when env needs credentials and
// none were passed: an access key pair, or a credentials file (with a profile).
// An emulator environment (local) uses fixed test credentials.
func CheckCredentials(env string, keyID, secretKey, credentialsFile bool) error {
	if err := envcfg.Validate(env); err != nil {
		return err
	}
	switch {
	case envcfg.Emulator(env), credentialsFile, keyID && secretKey:
		return nil
	case keyID != secretKey:
		return fmt.Errorf("%w: pass both --aws-access-key-id and --aws-secret-access-key", ErrNoCredentials)
	}
	return fmt.Errorf("%w for %s: pass --aws-access-key-id env://AWS_ACCESS_KEY_ID --aws-secret-access-key env://AWS_SECRET_ACCESS_KEY (and --aws-session-token), or --aws-credentials file://$HOME/.aws/credentials --aws-profile NAME, once in .env", ErrNoCredentials, env)
}

// ErrLocalNeedsState: a function that works on what an earlier call built, called
// with --env local, where each call starts its own empty emulator.
var ErrLocalNeedsState = errors.New("--env local starts a new, empty emulator for each call")

// CheckStandalone validates env for a function that needs state an earlier call
// built (outputs, drift, rollout, ...): with --env local there is none, so it
// refuses and says what to run instead.
func CheckStandalone(function, env string) error {
	if err := envcfg.Validate(env); err != nil {
		return err
	}
	if envcfg.Emulator(env) {
		return fmt.Errorf("%w, so `%s --env local` would find nothing: run `dagger call deploy --env local` (or `make local`) for the whole flow against the emulator", ErrLocalNeedsState, function)
	}
	return nil
}
