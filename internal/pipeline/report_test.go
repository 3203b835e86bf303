package pipeline

import (
	"errors"
	"strings"
	"testing"
	"time"

	"dagger/predictor/internal/ctl"

	"github.com/google/go-cmp/cmp"
)

func sampleReport() *Report {
	r := newReport("dev")
	r.Plan, r.HasChanges, r.MonthlyUSD = ctl.PlanCounts{Add: 2, Change: 1}, true, 31.4
	r.Image = "repo@sha256:ab"
	r.Rollout = ctl.RolloutResult{DeploymentID: "ecs-svc/2", TaskDefinition: "arn:td:4", Revision: 4}
	r.Record = ReleaseRecord{Commit: "c0ffee", Plan: "plan-id:p1", LockHash: "sha256:10c", PromotedFrom: "dev:7", Smoke: "failed: a|b"}
	r.Add(stagePlan, 1500*time.Millisecond, nil)
	r.Skip(stageApply, "plan has no changes")
	r.Add(stageSmoke, 2*time.Second, errors.New("a|b"))
	return r
}

func TestReportText(t *testing.T) {
	r := sampleReport()
	r.Err, r.RolledBack = "smoke failed", true
	want := `deploy dev: FAILED (rolled back)
  plan:            2 to add, 1 to change, 0 to destroy, 0 to replace
  monthly cost:    $31.40/month
  image:           repo@sha256:ab
  task definition: arn:td:4 (revision 4)
  deployment:      ecs-svc/2
  record:
    commit:       c0ffee
    plan:         plan-id:p1
    lock hash:    sha256:10c
    image from:   dev:7
    smoke:        failed: a|b
  stages:
    plan           ok           1.5s
    apply          skipped   plan has no changes
    smoke          failed         2s  a|b
  error: smoke failed
`
	if d := cmp.Diff(want, r.Text()); d != "" {
		t.Errorf("Text (-want +got):\n%s", d)
	}
}

func TestReportMarkdown(t *testing.T) {
	r := newReport("prod")
	r.Skip(stageRollout, "service already runs sha256:1")
	want := "### Deploy `prod`: OK\n\n| | |\n|---|---|\n" +
		"| Plan | 0 to add, 0 to change, 0 to destroy, 0 to replace |\n| Monthly cost | unknown |\n| Image | `-` |\n" +
		"| Task definition | `-` (revision -) |\n| Deployment | `-` |\n\n" +
		"| Stage | Status | Time | Note |\n|---|---|---|---|\n| rollout | skipped |  | service already runs sha256:1 |\n"
	if d := cmp.Diff(want, r.Markdown()); d != "" {
		t.Errorf("Markdown (-want +got):\n%s", d)
	}
	got := sampleReport().Markdown()
	if !strings.Contains(got, `a\|b |`) {
		t.Errorf("Markdown does not escape pipes in notes:\n%s", got)
	}
	for _, row := range []string{"| Record: commit | c0ffee |", "| Record: plan | plan-id:p1 |", "| Record: lock hash | sha256:10c |", "| Record: image from | dev:7 |", "| Record: smoke | failed: a\\|b |"} {
		if !strings.Contains(got, row+"\n") {
			t.Errorf("Markdown lacks the record row %q:\n%s", row, got)
		}
	}
	bg := sampleReport()
	bg.Record.BreakGlass = true
	if got := bg.Text(); !strings.Contains(got, "image from:   BREAK-GLASS") {
		t.Errorf("a break-glass release does not say so:\n%s", got)
	}
}

func TestReportTime(t *testing.T) {
	r := newReport("dev")
	boom := errors.New("boom")
	if err := r.Time(stageApply, func() error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("Time returned %v", err)
	}
	if got := r.Stages[0]; got.Name != stageApply || got.Status != "failed" || got.Note != "boom" {
		t.Errorf("stage = %+v", got)
	}
}

func TestDriftMarkdown(t *testing.T) {
	tests := map[string]struct {
		drifted bool
		out     string
		want    string
	}{
		"none":  {false, "No changes.\n", "### Drift `prod`: no drift\n\n```\nNo changes.\n```\n"},
		"drift": {true, "~ aws_s3_bucket.files", "### Drift `prod`: DRIFT FOUND\n\n```\n~ aws_s3_bucket.files\n```\n"},
		"fence": {true, "a ``` b", "### Drift `prod`: DRIFT FOUND\n\n````\na ``` b\n````\n"},
		"empty": {false, "", "### Drift `prod`: no drift\n\n```\n(no output)\n```\n"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if d := cmp.Diff(tc.want, DriftMarkdown("prod", tc.drifted, tc.out)); d != "" {
				t.Errorf("DriftMarkdown (-want +got):\n%s", d)
			}
		})
	}
}

// TestRolloutTimelineReachesTheReport: the timeline rollout prints (text, or the
// --report-json object) is in the deploy report.
func TestRolloutTimelineReachesTheReport(t *testing.T) {
	text := "rolling out\ntimeline: registered +0.2s; completed +41.0s;\nsettings: health check grace period 60s, minimum healthy 100%, maximum 200%, stopTimeout 30s\nhint: the grace period dominates\ndeployment=ecs-svc/1 taskDefinition=arn:td:3 revision=3\n"
	js := `{"deployment":"ecs-svc/1","taskDefinition":"arn:td:3","revision":3,"timeline":{"phases":[{"name":"registered","seconds":0.2},{"name":"completed","seconds":41}],"settings":{"healthCheckGracePeriodSeconds":60,"minimumHealthyPercent":100,"maximumPercent":200,"stopTimeoutSeconds":30},"hint":"the grace period dominates"}}`
	for name, out := range map[string]string{"text": text, "json": js} {
		t.Run(name, func(t *testing.T) {
			res, ok := ctl.ParseRollout(out)
			if !ok {
				t.Fatal("not parsed")
			}
			want := []string{
				"timeline: registered +0.2s; completed +41.0s;",
				"settings: health check grace period 60s, minimum healthy 100%, maximum 200%, stopTimeout 30s",
				"hint: the grace period dominates",
			}
			if diff := cmp.Diff(want, res.Timeline); diff != "" {
				t.Errorf("timeline (-want +got):\n%s", diff)
			}
			rep := newReport("dev")
			rep.Rollout = res
			if !strings.Contains(rep.Text(), "  hint: the grace period dominates\n") || !strings.Contains(rep.Markdown(), "| Rollout timeline | registered +0.2s;") {
				t.Errorf("report lacks the timeline:\n%s\n%s", rep.Text(), rep.Markdown())
			}
		})
	}
}
