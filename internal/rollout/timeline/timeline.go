// Package timeline is a completed rollout's timeline and its one text form: the
// rollout package fills it from ECS and prints it, and the deploy report
// (internal/pipeline) reads it back from rollout's --report-json without importing
// the AWS SDK.
package timeline

import (
	"fmt"
	"strings"
	"time"
)

// Timeline is where a completed rollout spent its time, read from ECS: the revision's
// registeredAt, the new tasks' createdAt, pullStoppedAt and startedAt, the first poll
// that saw all new tasks running (ECS gives health no timestamp), the last "has stopped
// N running tasks" service event, and the deployment's updatedAt when COMPLETED. Phases
// a source did not report are left out.
type Timeline struct {
	Phases   []Phase  `json:"phases"`
	Settings Settings `json:"settings"`
	// Hint names the setting that bounds the longest phase, when one does.
	Hint string `json:"hint,omitempty"`
}

// Phase ends at At; Seconds is its length (from the previous phase's end).
type Phase struct {
	Name    string    `json:"name"`
	At      time.Time `json:"at"`
	Seconds float64   `json:"seconds"`
}

// Settings are the service and task settings that bound a rollout's phases.
type Settings struct {
	HealthCheckGracePeriodSeconds int32 `json:"healthCheckGracePeriodSeconds"`
	MinimumHealthyPercent         int32 `json:"minimumHealthyPercent"`
	MaximumPercent                int32 `json:"maximumPercent"`
	StopTimeoutSeconds            int32 `json:"stopTimeoutSeconds"`
}

// Lines is the timeline as report lines: "timeline: ...", "settings: ..." and, when
// there is one, "hint: ...". A nil timeline has none.
func (t *Timeline) Lines() []string {
	if t == nil {
		return nil
	}
	var b strings.Builder
	b.WriteString("timeline:")
	for _, p := range t.Phases {
		fmt.Fprintf(&b, " %s +%.1fs;", p.Name, p.Seconds)
	}
	lines := []string{b.String(), fmt.Sprintf("settings: health check grace period %ds, minimum healthy %d%%, maximum %d%%, stopTimeout %ds",
		t.Settings.HealthCheckGracePeriodSeconds, t.Settings.MinimumHealthyPercent, t.Settings.MaximumPercent, t.Settings.StopTimeoutSeconds)}
	if t.Hint != "" {
		lines = append(lines, "hint: "+t.Hint)
	}
	return lines
}

// String is Lines, each ended by a newline.
func (t *Timeline) String() string {
	var b strings.Builder
	for _, l := range t.Lines() {
		b.WriteString(l + "\n")
	}
	return b.String()
}
