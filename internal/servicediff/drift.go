package servicediff

import (
	"fmt"
	"strings"
)

// Recorded is what the last completed release recorded: the revision it registered
// and the digest-pinned image it shipped.
type Recorded struct {
	// TaskDefinition is family:revision.
	TaskDefinition string
	Image          string
}

// Finding is one way the running service differs from its last release.
type Finding struct {
	Field    string `json:"field"`
	Running  string `json:"running"`
	Expected string `json:"expected"`
	Why      string `json:"why"`
}

func (f Finding) String() string {
	return fmt.Sprintf("%s: running %s, expected %s (%s)", f.Field, f.Running, f.Expected, f.Why)
}

// Drift compares the running service with the last completed release. Release
// history records no count (autoscaling owns it), so the desired count is checked
// against the scalable target's bounds, or, without one, against wantCount when it is
// above 0 (the count Terraform's configuration sets).
func Drift(run Service, last Recorded, wantCount int32) []Finding {
	var out []Finding
	if run.TaskDefinition != last.TaskDefinition {
		out = append(out, Finding{Field: "revision", Running: run.TaskDefinition, Expected: last.TaskDefinition,
			Why: "the service was moved to another task definition outside a release"})
	}
	if d := digestOf(last.Image); run.Digest() != d {
		why := "the running revision's image is not the digest the release recorded"
		if run.Digest() == "" {
			why = "the running image is not pinned by digest"
		}
		out = append(out, Finding{Field: "image", Running: orDash(run.Image), Expected: orDash(last.Image), Why: why})
	}
	switch b := run.Scaling; {
	case b != nil && (run.DesiredCount < b.Min || run.DesiredCount > b.Max):
		out = append(out, Finding{Field: "desired count", Running: fmt.Sprint(run.DesiredCount), Expected: fmt.Sprintf("%d..%d", b.Min, b.Max),
			Why: "outside the autoscaling bounds: the service was scaled outside autoscaling"})
	case b == nil && wantCount > 0 && run.DesiredCount != wantCount:
		out = append(out, Finding{Field: "desired count", Running: fmt.Sprint(run.DesiredCount), Expected: fmt.Sprint(wantCount),
			Why: "the service has no scalable target and runs another count than configured"})
	}
	return out
}

func digestOf(image string) string {
	_, d, _ := strings.Cut(image, "@")
	return d
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// FamilyRevision is family:revision of a task definition ARN (anything else unchanged).
func FamilyRevision(td string) string {
	if i := strings.LastIndex(td, "/"); i >= 0 && strings.HasPrefix(td, "arn:") {
		return td[i+1:]
	}
	return td
}
