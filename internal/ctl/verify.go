package ctl

import (
	"errors"
	"strings"

	"dagger/predictor/internal/exitcode"
)

// ErrPreflight: `deployctl verify` found unmet deploy prerequisites (exit 6).
var ErrPreflight = errors.New("preflight failed: a deploy prerequisite is unmet")

// VerifyOptions tune the preflight check.
type VerifyOptions struct {
	// Image, when set, must be REF@sha256:... and exist in the environment's ECR repository.
	Image string
	// AccountID is the account the environment must run in (deployctl's default:
	// $PREDICTOR_ACCOUNT_ID, the emulator's account for local).
	AccountID string
	// OutputsFile holds `deployctl outputs --json`, so verify runs without terraform
	// (in the small runtime image); empty: verify reads the state itself.
	OutputsFile string
}

// VerifyArgs checks the deploy's prerequisites (account, state bucket, roles, log
// group, capacity providers, network, ports and, when image is set, its digest in ECR)
// without changing anything.
func VerifyArgs(t Target, image string) []string {
	return VerifyArgsWith(t, VerifyOptions{Image: image})
}

// VerifyArgsWith is VerifyArgs with every option.
func VerifyArgsWith(t Target, o VerifyOptions) []string {
	a := cmd("verify", t)
	if o.Image != "" {
		a = append(a, "--image", o.Image)
	}
	if o.AccountID != "" {
		a = append(a, "--account-id", o.AccountID)
	}
	if o.OutputsFile != "" {
		a = append(a, "--outputs", o.OutputsFile)
	}
	return a
}

// VerifyStatus turns verify's exit status into an error: nil for 0, an ExitError
// wrapping ErrPreflight whose detail is the report's FAIL lines for 6 (verify prints
// its report on stdout), and Check's mapping otherwise.
func VerifyStatus(code int, stdout, stderr string) error {
	if code != exitcode.Preflight {
		return Check("verify", code, stderr)
	}
	var fails []string
	for _, l := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(l, "FAIL ") {
			fails = append(fails, l)
		}
	}
	return &ExitError{Command: "verify", Code: code, Detail: tail(strings.Join(fails, "\n"), 4000), Kind: ErrPreflight}
}
