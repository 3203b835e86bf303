// Package exitcode lists deployctl's process exit statuses in one place. The Dagger
// layer, `make local` and CI scripts branch on these numbers, so they never change
// meaning (see CONTRACTS.md, "deployctl CLI").
package exitcode

const (
	// OK: success; for plan and drift, also "no changes".
	OK = 0
	// Error: any failure not covered by a more specific status, including bad input.
	Error = 1
	// Changes: plan has changes; drift found drifted resources.
	Changes = 2
	// Policy: the plan violates at least one policy rule.
	Policy = 3
	// Cost: the plan's monthly estimate exceeds --max-monthly-usd.
	Cost = 4
	// StalePlan: apply refused a saved plan because the state changed since it was made.
	StalePlan = 5
	// Preflight: `deployctl verify` found at least one unmet deploy prerequisite.
	Preflight = 6
	// ChangeSetMismatch: the plan's changes are not the ones reviewed (--expect-changeset).
	ChangeSetMismatch = 7

	// RolloutFailed: the deployment's rollout state is FAILED.
	RolloutFailed = 10
	// RolledBack: the circuit breaker rolled the service back to the previous deployment.
	RolledBack = 11
	// TasksFailing: new tasks stop while starting (image pull, resource initialization).
	TasksFailing = 12
	// Timeout: the deployment did not complete before the deadline.
	Timeout = 13
	// Superseded: another change to the service replaced the deployment (the service
	// moved to another revision with no FAILED state and no circuit-breaker rollback).
	Superseded = 14

	// SmokeFailed: the smoke test did not see the expected version before its deadline.
	SmokeFailed = 20
)
