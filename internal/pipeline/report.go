package pipeline

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"dagger/predictor/internal/ctl"
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
	Plan       ctl.PlanCounts
	HasChanges bool
	// MonthlyUSD is the plan's cost estimate; negative when unknown.
	MonthlyUSD float64
	// MonthlyDeltaUSD is what the plan changes in the estimate, when HasDelta.
	MonthlyDeltaUSD float64
	HasDelta        bool
	Image           string
	Rollout         ctl.RolloutResult
	// Record is the release's record, once a rollout started.
	Record     ReleaseRecord
	RolledBack bool
	Stages     []StageResult
	// ErroredState says where a failed apply's unsaved state went ("" when none).
	ErroredState string
	// Err is the failure that ended the deploy ("" on success).
	Err string
}

// newReport starts an empty report for env.
func newReport(env string) *Report { return &Report{Env: env, MonthlyUSD: -1} }

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
