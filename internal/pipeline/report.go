package pipeline

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"dagger/predictor/internal/rollout/timeline"
)

// StageResult is one stage's line in the report.
type StageResult struct {
	Name     string
	Duration time.Duration
	// Status is "ok", "failed" or "skipped".
	Status string
	// Note is the skip reason or the failure.
	Note string
}

// PlanCounts are terraform's resource counts for a plan.
type PlanCounts struct {
	// Replace counts replacements once, as plansum does (terraform's own "Plan:" line
	// counts each under both add and destroy).
	Add, Change, Destroy, Replace int
}

// RolloutResult is what rollout and rollback print last (`deployment=<id>
// taskDefinition=<arn> revision=<n>`) or write with --report-json.
type RolloutResult struct {
	DeploymentID   string `json:"deployment"`
	TaskDefinition string `json:"taskDefinition"`
	Revision       int    `json:"revision"`
	// LockHash is the provider lock file's hash rollout recorded with the release.
	LockHash string `json:"lockHash,omitempty"`
	// Timeline is where the rollout spent its time and the settings that bound it,
	// as report lines (rollout prints them; --report-json has them as "timeline").
	Timeline []string `json:"-"`
}

// ReleaseRecord is what the release recorded about itself (in its task definition
// revision's tags, read back by `deployctl releases`), beside image, revision,
// deployment and the stage timings the report shows anyway.
type ReleaseRecord struct {
	Commit, Plan, LockHash string
	// PromotedFrom is ENV:REVISION of the release whose image this one ships.
	PromotedFrom string
	BreakGlass   bool
	// Smoke is passed, or failed: reason.
	Smoke string
}

// lines are the record's report lines: name, value.
func (r ReleaseRecord) lines() [][2]string {
	from := "own build (not promoted)"
	switch {
	case r.BreakGlass:
		from = "BREAK-GLASS: no completed release of this digest in the source environment"
	case r.PromotedFrom != "":
		from = r.PromotedFrom
	}
	return [][2]string{{"commit", orDash(r.Commit)}, {"plan", orDash(r.Plan)}, {"lock hash", orDash(r.LockHash)}, {"image from", from}, {"smoke", orDash(r.Smoke)}}
}

// Report is the deploy's final summary.
type Report struct {
	Env        string
	Plan       PlanCounts
	HasChanges bool
	// MonthlyUSD is the plan's cost estimate; negative when unknown.
	MonthlyUSD float64
	// MonthlyDeltaUSD is what the plan changes in the estimate, when HasDelta.
	MonthlyDeltaUSD float64
	HasDelta        bool
	Image           string
	Rollout         RolloutResult
	// Record is the release's record, once a rollout started.
	Record     ReleaseRecord
	RolledBack bool
	Stages     []StageResult
	// ErroredState says where a failed apply's unsaved state went ("" when none).
	ErroredState string
	// Err is the failure that ended the deploy ("" on success).
	Err string
}

// NewReport starts an empty report for env.
func NewReport(env string) *Report { return &Report{Env: env, MonthlyUSD: -1} }

// Add records a stage.
func (r *Report) Add(name string, d time.Duration, err error) {
	s := StageResult{Name: name, Duration: d.Round(time.Millisecond), Status: "ok"}
	if err != nil {
		s.Status, s.Note = "failed", err.Error()
	}
	r.Stages = append(r.Stages, s)
}

// Skip records a stage that did not run.
func (r *Report) Skip(name, reason string) {
	r.Stages = append(r.Stages, StageResult{Name: name, Status: "skipped", Note: reason})
}

// Time runs fn as stage name and records its duration and outcome.
func (r *Report) Time(name string, fn func() error) error {
	start := time.Now()
	err := fn()
	r.Add(name, time.Since(start), err)
	return err
}

func (r *Report) cost() string {
	if r.MonthlyUSD < 0 {
		return "unknown"
	}
	if r.HasDelta {
		return fmt.Sprintf("$%.2f/month (%+.2f from this plan)", r.MonthlyUSD, r.MonthlyDeltaUSD)
	}
	return fmt.Sprintf("$%.2f/month", r.MonthlyUSD)
}

func (r *Report) outcome() string {
	switch {
	case r.Err != "" && r.RolledBack:
		return "FAILED (rolled back)"
	case r.Err != "":
		return "FAILED"
	}
	return "OK"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func (r *Report) revision() string {
	if r.Rollout.Revision == 0 {
		return "-"
	}
	return strconv.Itoa(r.Rollout.Revision)
}

// Text renders the report for a terminal.
func (r *Report) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "deploy %s: %s\n", r.Env, r.outcome())
	fmt.Fprintf(&b, "  plan:            %d to add, %d to change, %d to destroy, %d to replace\n", r.Plan.Add, r.Plan.Change, r.Plan.Destroy, r.Plan.Replace)
	fmt.Fprintf(&b, "  monthly cost:    %s\n", r.cost())
	fmt.Fprintf(&b, "  image:           %s\n", orDash(r.Image))
	fmt.Fprintf(&b, "  task definition: %s (revision %s)\n", orDash(r.Rollout.TaskDefinition), r.revision())
	fmt.Fprintf(&b, "  deployment:      %s\n", orDash(r.Rollout.DeploymentID))
	for _, l := range r.Rollout.Timeline {
		fmt.Fprintf(&b, "  %s\n", l)
	}
	if r.Rollout.TaskDefinition != "" {
		b.WriteString("  record:\n")
		for _, l := range r.Record.lines() {
			fmt.Fprintf(&b, "    %-13s %s\n", l[0]+":", l[1])
		}
	}
	b.WriteString("  stages:\n")
	for _, s := range r.Stages {
		line := fmt.Sprintf("    %-14s %-8s", s.Name, s.Status)
		if s.Status != "skipped" {
			line += fmt.Sprintf(" %8s", s.Duration)
		}
		if s.Note != "" {
			line += "  " + s.Note
		}
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
	if r.ErroredState != "" {
		fmt.Fprintf(&b, "  errored state:   %s\n", r.ErroredState)
	}
	if r.Err != "" {
		fmt.Fprintf(&b, "  error: %s\n", r.Err)
	}
	return b.String()
}

// Markdown renders the report for a pull request or job summary.
func (r *Report) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "### Deploy `%s`: %s\n\n", r.Env, r.outcome())
	b.WriteString("| | |\n|---|---|\n")
	fmt.Fprintf(&b, "| Plan | %d to add, %d to change, %d to destroy, %d to replace |\n", r.Plan.Add, r.Plan.Change, r.Plan.Destroy, r.Plan.Replace)
	fmt.Fprintf(&b, "| Monthly cost | %s |\n", r.cost())
	fmt.Fprintf(&b, "| Image | `%s` |\n", orDash(r.Image))
	fmt.Fprintf(&b, "| Task definition | `%s` (revision %s) |\n", orDash(r.Rollout.TaskDefinition), r.revision())
	fmt.Fprintf(&b, "| Deployment | `%s` |\n", orDash(r.Rollout.DeploymentID))
	for _, l := range r.Rollout.Timeline {
		name, rest, _ := strings.Cut(l, ": ")
		fmt.Fprintf(&b, "| Rollout %s | %s |\n", name, strings.ReplaceAll(rest, "|", `\|`))
	}
	if r.Rollout.TaskDefinition != "" {
		for _, l := range r.Record.lines() {
			fmt.Fprintf(&b, "| Record: %s | %s |\n", l[0], strings.ReplaceAll(l[1], "|", `\|`))
		}
	}
	b.WriteString("\n")
	b.WriteString("| Stage | Status | Time | Note |\n|---|---|---|---|\n")
	for _, s := range r.Stages {
		d := ""
		if s.Status != "skipped" {
			d = s.Duration.String()
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", s.Name, s.Status, d, strings.ReplaceAll(s.Note, "|", `\|`))
	}
	if r.ErroredState != "" {
		fmt.Fprintf(&b, "\n**Errored state:** %s\n", r.ErroredState)
	}
	if r.Err != "" {
		fmt.Fprintf(&b, "\n**Error:** %s\n", r.Err)
	}
	return b.String()
}

var (
	rolloutRE  = regexp.MustCompile(`deployment=(\S+) taskDefinition=(\S+) revision=(\d+)`)
	lockHashRE = regexp.MustCompile(`(?m)^recorded lock-hash=(\S+)$`)
)

// ParseRollout reads rollout's report: the JSON of --report-json when given, else the
// last `deployment=... taskDefinition=... revision=...` line of its output.
func ParseRollout(out string) (RolloutResult, bool) {
	var r RolloutResult
	if t := strings.TrimSpace(out); strings.HasPrefix(t, "{") && json.Unmarshal([]byte(t), &r) == nil && r.DeploymentID != "" {
		var v struct {
			Timeline *timeline.Timeline `json:"timeline"`
		}
		if json.Unmarshal([]byte(t), &v) == nil {
			r.Timeline = v.Timeline.Lines()
		}
		return r, true
	}
	ms := rolloutRE.FindAllStringSubmatch(out, -1)
	if len(ms) == 0 {
		return RolloutResult{}, false
	}
	m := ms[len(ms)-1]
	r = RolloutResult{DeploymentID: m[1], TaskDefinition: m[2]}
	r.Revision, _ = strconv.Atoi(m[3])
	if lm := lockHashRE.FindStringSubmatch(out); lm != nil {
		r.LockHash = lm[1]
	}
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "timeline:") || strings.HasPrefix(l, "settings:") || strings.HasPrefix(l, "hint:") {
			r.Timeline = append(r.Timeline, strings.TrimSpace(l))
		}
	}
	return r, true
}

// DriftMarkdown renders drift's output for a job summary or an issue.
func DriftMarkdown(env string, drifted bool, output string) string {
	status := "no drift"
	if drifted {
		status = "DRIFT FOUND"
	}
	out := strings.TrimSpace(output)
	if out == "" {
		out = "(no output)"
	}
	fence := "```"
	for strings.Contains(out, fence) {
		fence += "`"
	}
	return fmt.Sprintf("### Drift `%s`: %s\n\n%s\n%s\n%s\n", env, status, fence, out, fence)
}

// ParsePlanSummaryJSON reads the counts and the monthly estimate from the file
// `deployctl plan --summary-json` writes ({"summary": {...}, "cost": {...}}).
func ParsePlanSummaryJSON(raw string) (PlanCounts, float64, error) {
	var v struct {
		Summary *struct {
			Add     int `json:"add"`
			Change  int `json:"change"`
			Destroy int `json:"destroy"`
			Replace int `json:"replace"`
		} `json:"summary"`
		Cost *struct {
			Total *float64 `json:"total_monthly_usd"`
		} `json:"cost"`
	}
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		return PlanCounts{}, -1, fmt.Errorf("read the plan summary: %w", err)
	}
	if v.Summary == nil {
		return PlanCounts{}, -1, fmt.Errorf("read the plan summary: no \"summary\" object")
	}
	cost := -1.0
	if v.Cost != nil && v.Cost.Total != nil {
		cost = *v.Cost.Total
	}
	return PlanCounts{Add: v.Summary.Add, Change: v.Summary.Change, Destroy: v.Summary.Destroy, Replace: v.Summary.Replace}, cost, nil
}

// ParsePlanCostChange reads the monthly cost change from the same file (its
// "cost_change" object, deployctl plan's estimate after apply minus before); ok is
// false when the file has none (a deployctl older than the change).
func ParsePlanCostChange(raw string) (delta float64, ok bool, err error) {
	var v struct {
		CostChange *struct {
			Delta *float64 `json:"delta_monthly_usd"`
		} `json:"cost_change"`
	}
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		return 0, false, fmt.Errorf("read the plan summary: %w", err)
	}
	if v.CostChange == nil || v.CostChange.Delta == nil {
		return 0, false, nil
	}
	return *v.CostChange.Delta, true, nil
}
