package rollout

import "errors"

// Sentinel errors: how a watched deployment ended when it did not complete. The
// command maps each to its exit status (internal/exitcode); check with errors.Is.
var (
	// ErrFailed: the deployment's rollout state is FAILED and the service stayed on it.
	ErrFailed = errors.New("deployment failed")
	// ErrRolledBack: the circuit breaker rolled the service back to the previous
	// deployment; the service looks stable, but on the old revision.
	ErrRolledBack = errors.New("deployment rolled back by the circuit breaker")
	// ErrTasksFailing: new tasks stopped while starting (image pull or resource
	// initialization error).
	ErrTasksFailing = errors.New("new tasks failing to start")
	// ErrTimeout: the deployment did not finish before the deadline.
	ErrTimeout = errors.New("deployment did not finish before the deadline")
	// ErrSuperseded: another update of the service replaced our deployment (a move to
	// another revision with no FAILED state and no rollback event).
	ErrSuperseded = errors.New("deployment superseded by another update")
	// ErrNotFound: the cluster, service, container or task definition does not exist.
	ErrNotFound = errors.New("not found")
	// ErrUnsupported: the service does not use ECS rolling deployments.
	ErrUnsupported = errors.New("unsupported service")
)
