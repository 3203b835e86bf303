// Package exitcode lists deployctl's process exit statuses in one place. The Dagger
// layer, `make local` and CI scripts branch on these numbers, so they never change
// meaning (see CONTRACTS.md, "Exit statuses").
//
// Statuses is the one table of them: deployctl's usage text renders it at run time,
// and `make docs` (or `go generate ./internal/exitcode`, which runs cmd/gendocs) writes
// it into CONTRACTS.md and docs/exit-statuses.md.
package exitcode

//go:generate go run ../../cmd/gendocs -root ../..

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
	// ServiceDrift: drift found the running ECS service differs from its last completed
	// release (another revision, an image not the recorded digest, a count out of bounds).
	ServiceDrift = 8
	// BothDrift: drift found both kinds at once: resources changed outside terraform
	// (Changes alone) and the service differs from its release (ServiceDrift alone).
	BothDrift = 9

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

// Status is one exit status as users read it.
type Status struct {
	// Code is the process exit status.
	Code int
	// Name is the constant's name in this package.
	Name string
	// Short is the meaning in a few words, for deployctl's usage text.
	Short string
	// Meaning is the full meaning, in Markdown, for the documentation.
	Meaning string
}

// Statuses is every exit status, in order; a test keeps it equal to the constants.
var Statuses = []Status{
	{OK, "OK", "ok (plan, drift: no changes)", "success; plan and drift: no changes"},
	{Error, "Error", "error or bad input", "any other failure, bad input included; one line on stderr says what to do"},
	{Changes, "Changes", "plan has changes or drift found", "plan has changes; drift found resources changed outside terraform"},
	{Policy, "Policy", "policy violation", "the plan violates policy"},
	{Cost, "Cost", "cost over budget", "the estimate is over `--max-monthly-usd`, or its increase over `--max-monthly-increase-usd`"},
	{StalePlan, "StalePlan", "saved plan is stale", "apply refused a saved plan: the state changed since it was made (plan again)"},
	{Preflight, "Preflight", "preflight failed (verify)", "`verify` found an unmet deploy prerequisite: one `FAIL` line per problem, with its fix"},
	{ChangeSetMismatch, "ChangeSetMismatch", "changes not the reviewed ones", "the plan's changes are not the reviewed ones (`--expect-changeset`)"},
	{ServiceDrift, "ServiceDrift", "running service differs from its release (drift)", "drift: the running service differs from its last completed release (another revision, an image not the recorded digest, a count outside the autoscaling bounds)"},
	{BothDrift, "BothDrift", "drift of both kinds", "drift: resources changed outside terraform (2) and the service differs from its release (8) at once"},
	{RolloutFailed, "RolloutFailed", "rollout FAILED", "the deployment's rollout state is FAILED"},
	{RolledBack, "RolledBack", "rolled back by the circuit breaker", "the circuit breaker rolled the deployment back"},
	{TasksFailing, "TasksFailing", "tasks failing to start", "new tasks stop while starting (image pull, resource initialization)"},
	{Timeout, "Timeout", "timeout", "the deployment did not complete before `--timeout`"},
	{Superseded, "Superseded", "superseded by another change", "another change to the service replaced the deployment (no FAILED state, no rollback)"},
	{SmokeFailed, "SmokeFailed", "smoke test failed", "the smoke test did not see the new version"},
}

// PlanAnswers are plan's statuses that are answers rather than failures (no changes,
// changes, policy violation, over budget, not the reviewed changes): `plan
// --status-file` writes them to the file and exits 0.
var PlanAnswers = []int{OK, Changes, Policy, Cost, ChangeSetMismatch}
