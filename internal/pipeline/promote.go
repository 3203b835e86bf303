package pipeline

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"dagger/predictor/internal/envcfg"
)

// Promotion is the release a promoting environment (prod: envcfg promote_from) ships:
// picked from the source environment's completed releases before anything changes,
// then copied by digest into the environment's repository.
type Promotion struct {
	// From is the source environment; Source its release (ENV:REVISION), "" when
	// break-glass shipped a digest without one.
	From, Source string
	Digest       string
	Version      string
	// Image is the copy in this environment's repository (after Promote).
	Image      string
	BreakGlass bool
}

// PromoteOptions are one `deployctl promote` call.
type PromoteOptions struct {
	// Digest picks the release (sha256:...); empty: the one of Commit.
	Digest string
	// Commit is the git commit being deployed: the source release recorded with it is
	// the one promoted (the merge's own, not whichever completed last).
	Commit     string
	BreakGlass bool
	// Check only picks and checks: nothing is copied.
	Check bool
	// RepositoryURL is the environment's repository (from the outputs when empty).
	RepositoryURL string
}

// ErrPromoteOnly: an option that applies only to an environment that promotes.
var ErrPromoteOnly = errors.New("applies only to an environment that promotes")

// PromoteArgs picks (Check) or copies the release to promote.
func PromoteArgs(t Target, o PromoteOptions) []string {
	a := cmd("promote", t)
	if o.Digest != "" {
		a = append(a, "--image-digest", o.Digest)
	}
	if o.Commit != "" {
		a = append(a, "--commit", o.Commit)
	}
	if o.BreakGlass {
		a = append(a, "--break-glass")
	}
	if o.Check {
		a = append(a, "--check")
	}
	if o.RepositoryURL != "" {
		a = append(a, "--repository-url", o.RepositoryURL)
	}
	return a
}

var promotionRE = regexp.MustCompile(`(?m)^promotion from=(\S+) source=(\S+) digest=(\S+) version=(\S+) image=(\S+) break-glass=(true|false)$`)

// ParsePromotion reads the last `promotion ...` line deployctl promote prints.
func ParsePromotion(out string) (Promotion, bool) {
	ms := promotionRE.FindAllStringSubmatch(out, -1)
	if len(ms) == 0 {
		return Promotion{}, false
	}
	m := ms[len(ms)-1]
	undash := func(s string) string {
		if s == "-" {
			return ""
		}
		return s
	}
	return Promotion{From: m[1], Source: undash(m[2]), Digest: m[3], Version: m[4], Image: undash(m[5]), BreakGlass: m[6] == "true"}, true
}

// RecordArgs adds the smoke result and timings to the record of release taskDef.
func RecordArgs(t Target, taskDef, smoke, timings string) []string {
	return cmd("record", Target{Env: t.Env, Region: t.Region, Endpoint: t.Endpoint}, "--task-definition", taskDef, "--smoke", smoke, "--timings", timings)
}

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

// ParsePlanChangeSet reads the change set digest from `deployctl plan --summary-json`'s
// file ("" when it has none).
func ParsePlanChangeSet(raw string) string {
	var v struct {
		ChangeSet string `json:"changeset_digest"`
	}
	if json.Unmarshal([]byte(raw), &v) != nil {
		return ""
	}
	return v.ChangeSet
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
