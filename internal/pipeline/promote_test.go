package pipeline

import (
	"strings"
	"testing"
	"time"

	"dagger/predictor/internal/ctl"

	"github.com/google/go-cmp/cmp"
)

// TestPromotionRecorded: prod's release records the dev release it ships, the plan it
// applied and the commit, passes them to rollout, and the report shows them.
func TestPromotionRecorded(t *testing.T) {
	f := newFake()
	rep, err := Deploy(t.Context(), f, DeployOptions{Env: "prod", PlanID: "p1", Commit: "c0ffee"})
	if err != nil {
		t.Fatal(err)
	}
	want := ctl.RolloutOptions{Service: ctl.Service{Cluster: "c", Name: "s", Container: "backend"}, Image: "prodrepo@sha256:d7", Version: "v7",
		Commit: "c0ffee", AppliedPlan: "plan-id:p1", PromotedFrom: "dev:7"}
	if d := cmp.Diff(want, f.rolloutOpts); d != "" {
		t.Errorf("rollout options (-want +got):\n%s", d)
	}
	wantRec := ReleaseRecord{Commit: "c0ffee", Plan: "plan-id:p1", LockHash: "sha256:10c", PromotedFrom: "dev:7", Smoke: "passed"}
	if d := cmp.Diff(wantRec, rep.Record); d != "" {
		t.Errorf("report record (-want +got):\n%s", d)
	}
	for _, stage := range []string{"validate=", "pick=", "build=skipped", "promote=", "rollout=", "smoke="} {
		if !strings.Contains(f.timings, stage) {
			t.Errorf("recorded timings %q lack %s", f.timings, stage)
		}
	}
	if !strings.Contains(rep.Text(), "image from:   dev:7") {
		t.Errorf("report lacks the promoted-from link:\n%s", rep.Text())
	}
}

func TestAppliedPlan(t *testing.T) {
	cs := strings.Repeat("ab", 32)
	tests := map[string]struct {
		o    DeployOptions
		plan PlanResult
		want string
	}{
		"saved plan": {DeployOptions{PlanID: "p1"}, PlanResult{HasChanges: true, ChangeSet: cs}, "plan-id:p1"},
		"fresh plan": {DeployOptions{}, PlanResult{HasChanges: true, ChangeSet: cs}, "planned and applied in this run, change set abababababababab"},
		"reviewed":   {DeployOptions{ReviewedChangeSet: true}, PlanResult{HasChanges: true, ChangeSet: cs}, "planned and applied in this run, change set abababababababab (the reviewed one)"},
		"accepted":   {DeployOptions{ReviewedChangeSet: true, AcceptChangedPlan: true}, PlanResult{HasChanges: true, ChangeSet: cs}, "planned and applied in this run, change set abababababababab (not the reviewed one: accepted)"},
		"no changes": {DeployOptions{}, PlanResult{}, "planned in this run: no changes"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := appliedPlan(tc.o, tc.plan); got != tc.want {
				t.Errorf("appliedPlan = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestTimings(t *testing.T) {
	r := newReport("prod")
	r.Add(stagePlan, 8120*time.Millisecond, nil)
	r.Skip(stageBuild, "promotes")
	r.Add(stageSmoke, time.Second, errTest)
	if got, want := r.Timings(), "plan=8.1s build=skipped smoke=1s!"; got != want {
		t.Errorf("Timings = %q, want %q", got, want)
	}
}

var errTest = errString("boom")

type errString string

func (e errString) Error() string { return string(e) }
