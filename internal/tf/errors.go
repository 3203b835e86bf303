package tf

import "errors"

// Sentinel errors, checked with errors.Is.
var (
	// ErrStalePlan: terraform refused a saved plan because the state changed after it
	// was made.
	ErrStalePlan = errors.New("saved plan is stale: the state changed since this plan was made; run `deployctl plan` again")
	// ErrPlanEnv: a saved plan belongs to another environment than the one requested.
	ErrPlanEnv = errors.New("plan file is for another environment")
	// ErrStateLocked: another run holds the state lock (and kept it past the lock
	// timeout).
	ErrStateLocked = errors.New("the state is locked by another run")
	// ErrNoTerraform: the terraform binary was not found.
	ErrNoTerraform = errors.New("terraform not found on PATH: install Terraform 1.11 or set TERRAFORM_PATH")
)
