package ctl

import (
	"errors"
	"fmt"
	"strings"

	"dagger/predictor/internal/exitcode"
)

// Sentinel errors for deployctl's specific exit statuses (internal/exitcode), checked
// with errors.Is. Callers that get an ExitError wrap one of these.
var (
	ErrFailed        = errors.New("failed")
	ErrPolicy        = errors.New("the plan violates policy")
	ErrCost          = errors.New("the plan's monthly cost is over budget")
	ErrStalePlan     = errors.New("the saved plan is stale: plan again")
	ErrChangeSet     = errors.New("the plan's changes are not the reviewed ones")
	ErrRolloutFailed = errors.New("the deployment failed")
	ErrRolledBack    = errors.New("the circuit breaker rolled the deployment back")
	ErrTasksFailing  = errors.New("new tasks fail to start")
	ErrTimeout       = errors.New("the deployment did not complete in time")
	ErrSuperseded    = errors.New("another change to the service replaced the deployment")
	ErrSmokeFailed   = errors.New("the smoke test did not see the new version")
	ErrUnexpected    = errors.New("unexpected exit status")
)

// ExitError is a deployctl run that ended with a status its caller treats as failure.
type ExitError struct {
	// Command is the deployctl subcommand (plan, apply, rollout, ...).
	Command string
	// Code is the exit status.
	Code int
	// Detail is the tail of stderr, so the reason reaches the user.
	Detail string
	// Kind is the sentinel the status maps to.
	Kind error
}

func (e *ExitError) Error() string {
	msg := fmt.Sprintf("deployctl %s: %v (exit %d)", e.Command, e.Kind, e.Code)
	if d := strings.TrimSpace(e.Detail); d != "" {
		msg += ": " + d
	}
	return msg
}

func (e *ExitError) Unwrap() error { return e.Kind }

// kinds maps statuses to sentinels per subcommand family; 0 and the "changes" status
// are handled by the callers that accept them.
var kinds = map[int]error{
	exitcode.Error:             ErrFailed,
	exitcode.Policy:            ErrPolicy,
	exitcode.Cost:              ErrCost,
	exitcode.StalePlan:         ErrStalePlan,
	exitcode.Preflight:         ErrPreflight,
	exitcode.ChangeSetMismatch: ErrChangeSet,
	exitcode.RolloutFailed:     ErrRolloutFailed,
	exitcode.RolledBack:        ErrRolledBack,
	exitcode.TasksFailing:      ErrTasksFailing,
	exitcode.Timeout:           ErrTimeout,
	exitcode.Superseded:        ErrSuperseded,
	exitcode.SmokeFailed:       ErrSmokeFailed,
}

// allowed lists, per subcommand, the statuses that mean something other than a plain error.
var allowed = map[string][]int{
	"plan":     {exitcode.Policy, exitcode.Cost, exitcode.ChangeSetMismatch},
	"apply":    {exitcode.StalePlan},
	"verify":   {exitcode.Preflight},
	"rollout":  {exitcode.RolloutFailed, exitcode.RolledBack, exitcode.TasksFailing, exitcode.Timeout, exitcode.Superseded},
	"rollback": {exitcode.RolloutFailed, exitcode.RolledBack, exitcode.TasksFailing, exitcode.Timeout, exitcode.Superseded},
	"smoke":    {exitcode.SmokeFailed},
}

// Check turns a deployctl exit status into an error (nil for 0). Statuses a
// subcommand never returns are reported as ErrUnexpected with the status.
func Check(command string, code int, stderr string) error {
	if code == exitcode.OK {
		return nil
	}
	kind := ErrUnexpected
	if code == exitcode.Error {
		kind = ErrFailed
	}
	for _, c := range allowed[command] {
		if c == code {
			kind = kinds[code]
		}
	}
	return &ExitError{Command: command, Code: code, Detail: tail(stderr, 2000), Kind: kind}
}

// PlanStatus reads plan's tri-state status: 0 no changes, 2 changes, anything else an
// error (policy, cost, failure).
func PlanStatus(code int, stderr string) (hasChanges bool, err error) {
	if code == exitcode.Changes {
		return true, nil
	}
	return false, Check("plan", code, stderr)
}

// driftStatus reads drift's status: 0 none; 2 infrastructure drift, 8 service drift,
// 9 both; anything else an error.
func driftStatus(code int, stderr string) (drifted bool, err error) {
	switch code {
	case exitcode.Changes, exitcode.ServiceDrift, exitcode.BothDrift:
		return true, nil
	}
	return false, Check("drift", code, stderr)
}

func tail(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}
