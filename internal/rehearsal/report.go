package rehearsal

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"dagger/predictor/internal/ctl"
	"dagger/predictor/internal/pipeline"
	"dagger/predictor/internal/servicediff"
)

// Report is the deploy's report with what only the rehearsal shows: the release diff,
// what the release changed in the running service as read just before its rollout.
type Report struct {
	*pipeline.Report
	// diff is nil when no rollout started, or when the diff could not be read
	// (diffNote says why).
	diff     *releaseDiff
	diffNote string
}

// releaseDiff is `deployctl release-diff --format json`'s output.
type releaseDiff struct {
	Service string               `json:"service"`
	Running string               `json:"running"`
	Source  string               `json:"source"`
	Changes []servicediff.Change `json:"changes"`
}

// Text renders the report for a terminal, the release diff last.
func (r *Report) Text() string {
	s := r.Report.Text()
	switch {
	case r.diff != nil:
		d := r.diff
		s += fmt.Sprintf("  release diff:    %s ran %s before the rollout; next: %s.\n", d.Service, d.Running, d.Source)
		for _, l := range strings.SplitAfter(servicediff.Text(d.Changes), "\n") {
			if l != "" {
				s += "  " + l
			}
		}
	case r.diffNote != "":
		s += "  release diff:    " + r.diffNote + "\n"
	}
	return s
}

// Markdown renders the report for a pull request or job summary, the release diff last.
func (r *Report) Markdown() string {
	s := r.Report.Markdown()
	switch {
	case r.diff != nil:
		d := r.diff
		s += fmt.Sprintf("\n#### Release diff\n\n`%s` ran `%s` before the rollout; next: %s.\n\n%s", d.Service, d.Running, d.Source, servicediff.Markdown(d.Changes))
	case r.diffNote != "":
		s += "\n#### Release diff\n\n" + r.diffNote + "\n"
	}
	return s
}

// releaseDiff reads what the release will change in the running service before the
// rollout changes it: the release's image, version and count against what the
// service runs. A diff that cannot be read is a note in the report, never a failed
// deploy.
//
// The base is the running task definition, not the plan's: the emulator is new each
// rehearsal, so apply has just created the service from Terraform's task definition,
// the one the release registers from; and a plan that creates the service does not
// know that task definition's image and roles before apply.
func (r *rehearsal) releaseDiff(ctx context.Context, o ctl.RolloutOptions) (*releaseDiff, string) {
	args := append(ctl.ReleaseDiffArgs(r.t, "", o.Image, "json"), "--version", o.Version)
	out, stderr, code := r.call3(ctx, args)
	if err := ctl.Check(args[1], code, lastLine(stderr)); err != nil {
		return nil, "not available: " + err.Error()
	}
	var d releaseDiff
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		return nil, fmt.Sprintf("not available: read release-diff's JSON: %v", err)
	}
	return &d, ""
}

// lastLine is the last non-empty line of s: where deployctl states why it failed.
func lastLine(s string) string {
	s = strings.TrimSpace(s)
	return s[strings.LastIndex(s, "\n")+1:]
}
