package pipeline

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"strings"
)

// StateVersionEnv carries the identity of the environment's terraform state (printed by
// `deployctl state-version`) into the plan step, so a plan is reused only for the
// state it was made from.
const StateVersionEnv = "PREDICTOR_STATE_VERSION"

// NoState is what `deployctl state-version` prints when the environment has no state yet.
const NoState = "none"

// ErrDrift: the real infrastructure differs from the environment's state.
var ErrDrift = errors.New("drift found")

// StateVersionArgs prints the identity of the environment's state object: its S3
// version ID, else its ETag, or NoState.
func StateVersionArgs(t Target) []string { return cmd("state-version", t) }

// stateVersionRE accepts S3 version IDs ("null" included), quoted or bare ETags and NoState.
var stateVersionRE = regexp.MustCompile(`^[A-Za-z0-9._"=+/-]{1,1000}$`)

// ParseStateVersion reads state-version's output: exactly one token on one line.
func ParseStateVersion(out string) (string, error) {
	v := strings.TrimSpace(out)
	if !stateVersionRE.MatchString(v) {
		return "", fmt.Errorf("read the state version: want one token, got %q", tail(out, 200))
	}
	return v, nil
}

// PlanFiles are the plan step's outputs under dir: the saved plan, its Markdown and
// JSON summaries and the plan as JSON. The names are fixed so that identical plan
// steps stay identical (and cached) whichever function asks for them.
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
	drifted, err = DriftStatus(code, stderr)
	if err != nil {
		return "", false, err
	}
	if drifted {
		return stdout, true, fmt.Errorf("%w in %s:\n%s", ErrDrift, env, strings.TrimSpace(stdout))
	}
	return stdout, false, nil
}
