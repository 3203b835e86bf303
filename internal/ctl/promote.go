package ctl

import (
	"encoding/json"
	"regexp"
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
	// Digest picks the release (sha256:...); empty: the newest completed one.
	Digest     string
	BreakGlass bool
	// Check only picks and checks: nothing is copied.
	Check bool
	// RepositoryURL is the environment's repository (from the outputs when empty).
	RepositoryURL string
}

// PromoteArgs picks (Check) or copies the release to promote.
func PromoteArgs(t Target, o PromoteOptions) []string {
	a := cmd("promote", t)
	if o.Digest != "" {
		a = append(a, "--image-digest", o.Digest)
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
