package pipeline

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"dagger/predictor/internal/envcfg"
)

// ErrPromoteOnly: an option that applies only to an environment that promotes.
var ErrPromoteOnly = errors.New("applies only to an environment that promotes")

// checkPromote refuses promotion options for an environment that builds, and
// break-glass without the digest it lets through.
func checkPromote(o DeployOptions) error {
	from := envcfg.PromoteFrom(o.Env)
	switch {
	case from == "" && (o.ImageDigest != "" || o.BreakGlass):
		return fmt.Errorf("--image-digest and --break-glass %w (promote_from in infra/envs): %s builds its image", ErrPromoteOnly, o.Env)
	case o.BreakGlass && o.ImageDigest == "":
		return fmt.Errorf("--break-glass needs --image-digest: name the digest to ship to %s without a completed %s release", o.Env, from)
	}
	return nil
}

// appliedPlan says what the release's infrastructure change was: the reviewed plan it
// applied by ID, or a plan made in this run with its change set's digest and whether
// that was checked against the reviewed one.
func appliedPlan(o DeployOptions, plan PlanResult) string {
	if o.PlanID != "" {
		return "plan-id:" + o.PlanID
	}
	s := "planned in this run: no changes"
	if plan.HasChanges {
		s = "planned and applied in this run"
	}
	if cs := plan.ChangeSet; cs != "" {
		s += ", change set " + cs[:min(16, len(cs))]
	}
	switch {
	case o.ReviewedChangeSet && o.AcceptChangedPlan:
		s += " (not the reviewed one: accepted)"
	case o.ReviewedChangeSet:
		s += " (the reviewed one)"
	}
	return s
}

// Timings renders the stages as "name=1.2s ..." (skipped ones as name=skipped), the
// record's timings tag.
func (r *Report) Timings() string {
	var parts []string
	for _, s := range r.Stages {
		v := s.Duration.Round(100 * time.Millisecond).String()
		switch s.Status {
		case "skipped":
			v = "skipped"
		case "failed":
			v += "!"
		}
		parts = append(parts, s.Name+"="+v)
	}
	return strings.Join(parts, " ")
}
