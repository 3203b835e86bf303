package rollout

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"dagger/predictor/internal/testsupport/ecsfake"
)

// TestTimelineFromECS checks that a completed rollout reports its phases in order, read
// from what the fake reports (registeredAt, task createdAt/pullStoppedAt/startedAt,
// service events, deployment updatedAt), and the settings that bound them.
func TestTimelineFromECS(t *testing.T) {
	t.Parallel()
	f := newFake(t, ecsfake.Scenario{Steps: 3}, 2)
	r := req(DefaultTimeout)
	r.TaskDefinition = taskDefOne
	res, err := f.cli.Rollout(t.Context(), r)
	if err != nil {
		t.Fatalf("Rollout: %v\n%s", err, f.out)
	}
	if res.Timeline == nil {
		t.Fatal("no timeline")
	}
	var names []string
	prev := time.Time{}
	for _, p := range res.Timeline.Phases {
		names = append(names, p.Name)
		// ECS times have millisecond precision; local ones (update accepted) more.
		if p.At.Before(prev.Add(-time.Millisecond)) || p.Seconds < 0 {
			t.Errorf("phase %s at %s (+%.3fs) goes back in time", p.Name, p.At, p.Seconds)
		}
		prev = p.At
	}
	want := []string{phaseRegister, phaseUpdate, phasePending, phasePulled, phaseRunning, phaseHealthy, phaseOldStopped, phaseCompleted}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("phases (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(Settings{MinimumHealthyPercent: 100, MaximumPercent: 200, StopTimeoutSeconds: 30}, res.Timeline.Settings); diff != "" {
		t.Errorf("settings (-want +got):\n%s", diff)
	}
	if s := res.Timeline.String(); !strings.HasPrefix(s, "timeline: register +0.0s; update accepted +") {
		t.Errorf("text = %q", s)
	}
}

func TestTimelineHint(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		p    Phase
		s    Settings
		want string
	}{
		"stopTimeout dominates": {Phase{Name: phaseOldStopped, Seconds: 118}, Settings{StopTimeoutSeconds: 120},
			"stopping the old tasks took 118s: stopTimeout is 120s (SIGTERM to SIGKILL); an app that exits on SIGTERM ends it sooner"},
		"grace period": {Phase{Name: phaseHealthy, Seconds: 65}, Settings{HealthCheckGracePeriodSeconds: 60},
			"becoming healthy took 65s: the health check grace period (60s) and the container health check's startPeriod and interval bound it"},
		"maximum percent 100": {Phase{Name: phaseRunning, Seconds: 40}, Settings{MaximumPercent: 100},
			"starting new tasks took 40s: maximumPercent 100 means old tasks stop before new ones start"},
		"short phases need no hint": {Phase{Name: phasePulled, Seconds: 0.4}, Settings{}, ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tc.want, hint(tc.p, tc.s)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
