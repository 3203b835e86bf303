package ctl

import (
	"errors"
	"fmt"
	"path"
	"strings"
)

// ErrDrift: the real infrastructure differs from the environment's state.
var ErrDrift = errors.New("drift found")

// PlanFiles are the plan step's outputs under dir: the saved plan, its Markdown and
// JSON summaries and the plan as JSON. The names are fixed: every view of a plan reads the same files.
func PlanFiles(dir string, maxMonthlyUSD float64, noPolicy bool) PlanOptions {
	return PlanOptions{
		Out:           path.Join(dir, "tfplan"),
		SummaryMD:     path.Join(dir, "plan.md"),
		SummaryJSON:   path.Join(dir, "summary.json"),
		JSON:          path.Join(dir, "plan.json"),
		MaxMonthlyUSD: maxMonthlyUSD,
		NoPolicy:      noPolicy,
	}
}

// PlanOutcome reads the plan step: whether it has changes, or the error that stops
// the caller (policy, cost, failure) with the summary it printed, so the reason and
// the plan reach the user together.
func PlanOutcome(code int, stdout, stderr string) (hasChanges bool, err error) {
	changes, err := PlanStatus(code, stderr)
	if err != nil {
		if s := strings.TrimSpace(stdout); s != "" {
			return false, fmt.Errorf("%w\n%s", err, s)
		}
		return false, err
	}
	return changes, nil
}

// DriftOutcome reads drift's status and output: the text report, and ErrDrift (with
// the report) when the infrastructure drifted, so a plain `drift` call fails.
func DriftOutcome(env string, code int, stdout, stderr string) (report string, drifted bool, err error) {
	drifted, err = driftStatus(code, stderr)
	if err != nil {
		return "", false, err
	}
	if drifted {
		return stdout, true, fmt.Errorf("%w in %s:\n%s", ErrDrift, env, strings.TrimSpace(stdout))
	}
	return stdout, false, nil
}
