package timeline_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"dagger/predictor/internal/ctl"
	"dagger/predictor/internal/rollout"
	"dagger/predictor/internal/rollout/timeline"
)

func TestLines(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := map[string]struct {
		tl   *timeline.Timeline
		want []string
	}{
		"nil": {tl: nil, want: nil},
		"full": {
			tl: &timeline.Timeline{
				Phases:   []timeline.Phase{{Name: "register", At: at}, {Name: "completed", At: at.Add(41 * time.Second), Seconds: 41}},
				Settings: timeline.Settings{HealthCheckGracePeriodSeconds: 60, MinimumHealthyPercent: 100, MaximumPercent: 200, StopTimeoutSeconds: 30},
				Hint:     "becoming healthy took 41s",
			},
			want: []string{
				"timeline: register +0.0s; completed +41.0s;",
				"settings: health check grace period 60s, minimum healthy 100%, maximum 200%, stopTimeout 30s",
				"hint: becoming healthy took 41s",
			},
		},
		"no hint": {
			tl:   &timeline.Timeline{Phases: []timeline.Phase{{Name: "pulled", Seconds: 2.25}}},
			want: []string{"timeline: pulled +2.2s;", "settings: health check grace period 0s, minimum healthy 0%, maximum 0%, stopTimeout 0s"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.tl.Lines()); diff != "" {
				t.Errorf("Lines (-want +got):\n%s", diff)
			}
		})
	}
}

// TestReportReadsWhatRolloutWrites: the deploy report reads the same timeline lines
// from rollout's printed output and from its --report-json file as rollout prints, so
// the format has one writer.
func TestReportReadsWhatRolloutWrites(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	res := rollout.Result{
		Deployment: "ecs-svc/1", TaskDefinition: "arn:aws:ecs:us-east-1:123456789012:task-definition/predictor:3", Revision: 3,
		Timeline: &timeline.Timeline{
			Phases:   []timeline.Phase{{Name: "register", At: at}, {Name: "pulled", At: at.Add(12 * time.Second), Seconds: 12}, {Name: "completed", At: at.Add(50 * time.Second), Seconds: 38}},
			Settings: timeline.Settings{HealthCheckGracePeriodSeconds: 60, MinimumHealthyPercent: 100, MaximumPercent: 200, StopTimeoutSeconds: 30},
			Hint:     "stopping the old tasks took 38s",
		},
	}
	want := res.Timeline.Lines()

	// What `deployctl rollout` prints (finishWatch): the timeline, then the result line.
	printed := "watching\n" + res.Timeline.String() + res.Line() + "\n"
	fromText, ok := ctl.ParseRollout(printed)
	if !ok {
		t.Fatalf("ParseRollout did not read the printed output:\n%s", printed)
	}
	if diff := cmp.Diff(want, fromText.Timeline); diff != "" {
		t.Errorf("timeline from the printed output (-rollout +report):\n%s", diff)
	}

	file := filepath.Join(t.TempDir(), "report.json")
	if err := res.WriteJSON(file); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	fromJSON, ok := ctl.ParseRollout(string(raw))
	if !ok {
		t.Fatalf("ParseRollout did not read --report-json:\n%s", raw)
	}
	if diff := cmp.Diff(want, fromJSON.Timeline); diff != "" {
		t.Errorf("timeline from --report-json (-rollout +report):\n%s", diff)
	}
	if fromJSON.Revision != 3 || fromJSON.DeploymentID != "ecs-svc/1" {
		t.Errorf("result from --report-json = %+v", fromJSON)
	}
}
