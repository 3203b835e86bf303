package pipeline

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"dagger/predictor/internal/ctl"
	"dagger/predictor/internal/tfstate"

	"github.com/google/go-cmp/cmp"
)

// fakeStages records the calls the sequence makes, in order, and returns the
// configured errors. It lives in this test file only.
type fakeStages struct {
	mu    sync.Mutex
	calls []string

	plan                                                            PlanResult
	prepareErr, planErr, buildErr, applyErr, publishErr, rolloutErr error
	smokeErr, rollbackErr, verifyErr, pickErr, promoteErr           error
	pick                                                            ctl.Promotion
	timings                                                         string
	rolloutOpts                                                     ctl.RolloutOptions
	outputs                                                         map[string]string
	published                                                       Published
	// meet makes Plan and Build each wait for the other to start: with a
	// sequential order they would time out.
	meet                   bool
	planStarted, buildDone chan struct{}
	stopped                bool
}

func newFake() *fakeStages {
	return &fakeStages{
		plan:        PlanResult{HasChanges: true, Counts: ctl.PlanCounts{Add: 3}, MonthlyUSD: 9.5, MonthlyDeltaUSD: 2.71, HasDelta: true},
		outputs:     map[string]string{"ecs_cluster_name": "c", "ecs_service_name": "s", "ecs_container_name": "backend"},
		published:   Published{Image: "repo@sha256:abc", Version: "v1"},
		pick:        ctl.Promotion{From: "dev", Source: "dev:7", Digest: "sha256:d7", Version: "v7"},
		planStarted: make(chan struct{}),
		buildDone:   make(chan struct{}),
	}
}

func (f *fakeStages) call(name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, name)
}

func (f *fakeStages) Prepare(context.Context) (func(), error) {
	f.call("prepare")
	return func() { f.stopped = true }, f.prepareErr
}

func (f *fakeStages) Plan(ctx context.Context) (PlanResult, error) {
	if f.meet {
		close(f.planStarted)
		select {
		case <-f.buildDone:
		case <-time.After(5 * time.Second):
			return PlanResult{}, errors.New("build never ran while plan ran")
		}
	}
	f.call("plan")
	return f.plan, f.planErr
}

func (f *fakeStages) Build(context.Context) error {
	if f.meet {
		select {
		case <-f.planStarted:
		case <-time.After(5 * time.Second):
			return errors.New("plan never ran while build ran")
		}
		defer close(f.buildDone)
	}
	f.call("build")
	return f.buildErr
}

func (f *fakeStages) Apply(_ context.Context, p PlanResult) error {
	if p.ID != "" {
		f.call("apply(id=" + p.ID + ")")
		return f.applyErr
	}
	f.call(fmt.Sprintf("apply(changes=%v)", p.HasChanges))
	return f.applyErr
}

func (f *fakeStages) Outputs(context.Context) (map[string]string, error) {
	f.call("outputs")
	return f.outputs, nil
}

func (f *fakeStages) Verify(context.Context) error {
	f.call("verify")
	return f.verifyErr
}

func (f *fakeStages) Publish(context.Context, map[string]string) (Published, error) {
	f.call("publish")
	return f.published, f.publishErr
}

func (f *fakeStages) Pick(_ context.Context, o ctl.PromoteOptions) (ctl.Promotion, error) {
	f.call(fmt.Sprintf("pick(%s break-glass=%v)", o.Digest, o.BreakGlass))
	return f.pick, f.pickErr
}

func (f *fakeStages) Promote(_ context.Context, _ map[string]string, p ctl.Promotion) (ctl.Promotion, error) {
	f.call("promote(" + p.Source + ")")
	p.Image = "prodrepo@" + p.Digest
	return p, f.promoteErr
}

func (f *fakeStages) Record(_ context.Context, taskDef, smoke, timings string) error {
	f.call("record(" + taskDef + " " + strings.SplitN(smoke, ":", 2)[0] + ")")
	f.timings = timings
	return nil
}

func (f *fakeStages) Rollout(_ context.Context, o ctl.RolloutOptions) (ctl.RolloutResult, error) {
	f.call(fmt.Sprintf("rollout(%s %s force=%v)", o.Image, o.Version, o.Force))
	f.rolloutOpts = o
	return ctl.RolloutResult{DeploymentID: "ecs-svc/1", TaskDefinition: "td:2", Revision: 2, LockHash: "sha256:10c"}, f.rolloutErr
}

func (f *fakeStages) Smoke(_ context.Context, _ map[string]string, version string) error {
	f.call("smoke(" + version + ")")
	return f.smokeErr
}

func (f *fakeStages) Rollback(_ context.Context, svc ctl.Service) error {
	f.call("rollback(" + svc.Name + ")")
	return f.rollbackErr
}

// sorted returns the calls with plan and build (concurrent) in a fixed order.
func (f *fakeStages) sorted() []string {
	out := append([]string(nil), f.calls...)
	for i := 0; i+1 < len(out); i++ {
		if (out[i] == "build" || strings.HasPrefix(out[i], "pick(")) && out[i+1] == "plan" {
			out[i], out[i+1] = out[i+1], out[i]
		}
	}
	return out
}

func statuses(rep *Report) map[string]string {
	m := map[string]string{}
	for _, s := range rep.Stages {
		m[s.Name] = s.Status
	}
	return m
}

// Calls of a whole deploy, and the plan and apply failures the cases inject.
var (
	fullDeploy = []string{"prepare", "plan", "build", "apply(changes=true)", "outputs", "verify", "publish", "rollout(repo@sha256:abc v1 force=false)", "smoke(v1)", "record(td:2 passed)"}
	// prod builds nothing: it picks dev's release beside the plan and copies its image.
	promotedDeploy = []string{"prepare", "plan", "pick( break-glass=false)", "apply(changes=true)", "outputs", "verify", "promote(dev:7)", "rollout(prodrepo@sha256:d7 v7 force=false)", "smoke(v7)", "record(td:2 passed)"}
	policyErr      = &ctl.ExitError{Command: "plan", Code: 3, Kind: ctl.ErrPolicy}
	costErr        = &ctl.ExitError{Command: "plan", Code: 4, Kind: ctl.ErrCost}
	staleErr       = &ctl.ExitError{Command: "apply", Code: 5, Kind: ctl.ErrStalePlan}
)

// deployCase is one deploy: its options, what the stages do, and what must follow.
type deployCase struct {
	opts      DeployOptions
	setup     func(*fakeStages)
	wantCalls []string
	wantErr   error
	wantStage map[string]string
}

// deployCases are TestDeploySequence's cases, by name.
var deployCases = map[string]deployCase{
	"fullDeploy deploy": {
		opts:      DeployOptions{Env: "dev"},
		wantCalls: fullDeploy,
		wantStage: map[string]string{"validate": "ok", "plan": "ok", "build": "ok", "gate": "ok", "apply": "ok", "verify": "ok", "publish": "ok", "rollout": "ok", "smoke": "ok", "record": "ok"},
	},
	"no changes skips apply": {
		opts:      DeployOptions{Env: "dev"},
		setup:     func(f *fakeStages) { f.plan.HasChanges = false },
		wantCalls: []string{"prepare", "plan", "build", "outputs", "verify", "publish", "rollout(repo@sha256:abc v1 force=false)", "smoke(v1)", "record(td:2 passed)"},
		wantStage: map[string]string{"validate": "ok", "plan": "ok", "build": "ok", "gate": "ok", "apply": "skipped", "verify": "ok", "publish": "ok", "rollout": "ok", "smoke": "ok", "record": "ok"},
	},
	"policy stops before apply": {
		opts:      DeployOptions{Env: "dev"},
		setup:     func(f *fakeStages) { f.planErr = policyErr },
		wantCalls: []string{"prepare", "plan", "build"},
		wantErr:   ctl.ErrPolicy,
		wantStage: map[string]string{"validate": "ok", "plan": "ok", "build": "ok", "gate": "failed"},
	},
	"cost stops before apply": {
		opts:      DeployOptions{Env: "dev"},
		setup:     func(f *fakeStages) { f.planErr = costErr },
		wantCalls: []string{"prepare", "plan", "build"},
		wantErr:   ctl.ErrCost,
		wantStage: map[string]string{"validate": "ok", "plan": "ok", "build": "ok", "gate": "failed"},
	},
	"changes other than the reviewed ones stop before apply": {
		opts:      DeployOptions{Env: "dev"},
		setup:     func(f *fakeStages) { f.planErr = &ctl.ExitError{Command: "plan", Code: 7, Kind: ctl.ErrChangeSet} },
		wantCalls: []string{"prepare", "plan", "build"},
		wantErr:   ctl.ErrChangeSet,
		wantStage: map[string]string{"validate": "ok", "plan": "ok", "build": "ok", "gate": "failed"},
	},
	"dev may accept changed changes explicitly": {
		opts:      DeployOptions{Env: "dev", AcceptChangedPlan: true},
		setup:     func(f *fakeStages) { f.planErr = &ctl.ExitError{Command: "plan", Code: 7, Kind: ctl.ErrChangeSet} },
		wantCalls: fullDeploy,
	},
	"prod never accepts changed changes": {
		opts:      DeployOptions{Env: "prod", Confirm: "prod", AcceptChangedPlan: true},
		wantErr:   ctl.ErrChangeSet,
		wantStage: map[string]string{"validate": "failed"},
	},
	"stale plan stops at apply": {
		opts:      DeployOptions{Env: "dev"},
		setup:     func(f *fakeStages) { f.applyErr = staleErr },
		wantCalls: fullDeploy[:4],
		wantErr:   ctl.ErrStalePlan,
		wantStage: map[string]string{"validate": "ok", "plan": "ok", "build": "ok", "gate": "ok", "apply": "failed"},
	},
	"failed build stops before apply": {
		opts:      DeployOptions{Env: "dev"},
		setup:     func(f *fakeStages) { f.buildErr = errors.New("pytest failed") },
		wantCalls: []string{"prepare", "plan", "build"},
		wantStage: map[string]string{"validate": "ok", "plan": "ok", "build": "failed"},
	},
	"skipped build is reported with its reason": {
		opts:      DeployOptions{Env: "local"},
		setup:     func(f *fakeStages) { f.buildErr = Skip("no container engine") },
		wantCalls: fullDeploy,
		wantStage: map[string]string{"validate": "ok", "plan": "ok", "build": "skipped", "gate": "ok", "apply": "ok", "verify": "ok", "publish": "ok", "rollout": "ok", "smoke": "ok", "record": "ok"},
	},
	"prod without confirm touches nothing": {
		opts:      DeployOptions{Env: "prod"},
		wantErr:   ErrProdNeedsConfirm,
		wantStage: map[string]string{"validate": "failed"},
	},
	"prod with confirm promotes dev's release": {
		opts:      DeployOptions{Env: "prod", Confirm: "prod"},
		wantCalls: promotedDeploy,
		wantStage: map[string]string{"validate": "ok", "plan": "ok", "build": "skipped", "pick": "ok", "gate": "ok", "apply": "ok", "verify": "ok", "promote": "ok", "rollout": "ok", "smoke": "ok", "record": "ok"},
	},
	"prod with a saved plan applies it without planning": {
		opts:      DeployOptions{Env: "prod", PlanID: "abc123"},
		wantCalls: append([]string{"prepare", "pick( break-glass=false)", "apply(id=abc123)"}, promotedDeploy[4:]...),
		wantStage: map[string]string{"validate": "ok", "plan": "skipped", "build": "skipped", "pick": "ok", "gate": "skipped", "apply": "ok", "verify": "ok", "promote": "ok", "rollout": "ok", "smoke": "ok", "record": "ok"},
	},
	"prod picks an explicit digest": {
		opts:      DeployOptions{Env: "prod", PlanID: "abc123", ImageDigest: "sha256:d7"},
		wantCalls: append([]string{"prepare", "pick(sha256:d7 break-glass=false)", "apply(id=abc123)"}, promotedDeploy[4:]...),
	},
	"prod refuses a digest without a dev release before anything changes": {
		opts:      DeployOptions{Env: "prod", PlanID: "abc123", ImageDigest: "sha256:ee"},
		setup:     func(f *fakeStages) { f.pickErr = errors.New("dev has no completed release of sha256:ee") },
		wantCalls: []string{"prepare", "pick(sha256:ee break-glass=false)"},
		wantStage: map[string]string{"validate": "ok", "plan": "skipped", "build": "skipped", "pick": "failed", "gate": "skipped"},
	},
	"prod break-glass passes the flag on": {
		opts: DeployOptions{Env: "prod", PlanID: "abc123", ImageDigest: "sha256:ee", BreakGlass: true},
		setup: func(f *fakeStages) {
			f.pick = ctl.Promotion{From: "dev", Digest: "sha256:ee", Version: "ee", BreakGlass: true}
		},
		wantCalls: []string{"prepare", "pick(sha256:ee break-glass=true)", "apply(id=abc123)", "outputs", "verify", "promote()", "rollout(prodrepo@sha256:ee ee force=false)", "smoke(ee)", "record(td:2 passed)"},
	},
	"break-glass without a digest touches nothing": {
		opts:      DeployOptions{Env: "prod", PlanID: "abc123", BreakGlass: true},
		wantStage: map[string]string{"validate": "failed"},
	},
	"dev builds: no digest to pick": {
		opts:      DeployOptions{Env: "dev", ImageDigest: "sha256:d7"},
		wantErr:   ErrPromoteOnly,
		wantStage: map[string]string{"validate": "failed"},
	},
	"unknown environment touches nothing": {
		opts:      DeployOptions{Env: "qa"},
		wantStage: map[string]string{"validate": "failed"},
	},
	"failed smoke rolls back and fails": {
		opts:      DeployOptions{Env: "dev"},
		setup:     func(f *fakeStages) { f.smokeErr = &ctl.ExitError{Command: "smoke", Code: 14, Kind: ctl.ErrSmokeFailed} },
		wantCalls: append(append([]string{}, fullDeploy[:9]...), "rollback(s)", "record(td:2 failed)"),
		wantErr:   ctl.ErrSmokeFailed,
		wantStage: map[string]string{"validate": "ok", "plan": "ok", "build": "ok", "gate": "ok", "apply": "ok", "verify": "ok", "publish": "ok", "rollout": "ok", "smoke": "failed", "rollback": "ok", "record": "ok"},
	},
	"failed preflight publishes nothing": {
		opts:      DeployOptions{Env: "dev"},
		setup:     func(f *fakeStages) { f.verifyErr = &ctl.ExitError{Command: "verify", Code: 6, Kind: ctl.ErrPreflight} },
		wantCalls: []string{"prepare", "plan", "build", "apply(changes=true)", "outputs", "verify"},
		wantErr:   ctl.ErrPreflight,
		wantStage: map[string]string{"validate": "ok", "plan": "ok", "build": "ok", "gate": "ok", "apply": "ok", "verify": "failed"},
	},
	"failed rollout does not smoke": {
		opts: DeployOptions{Env: "dev"},
		setup: func(f *fakeStages) {
			f.rolloutErr = &ctl.ExitError{Command: "rollout", Code: 11, Kind: ctl.ErrRolledBack}
		},
		wantCalls: fullDeploy[:8],
		wantErr:   ctl.ErrRolledBack,
	},
	"skipped publish still rolls out": {
		opts: DeployOptions{Env: "local", Force: true},
		setup: func(f *fakeStages) {
			f.published.Skipped = "no container engine"
		},
		wantCalls: []string{"prepare", "plan", "build", "apply(changes=true)", "outputs", "verify", "publish", "rollout(repo@sha256:abc v1 force=true)", "smoke(v1)", "record(td:2 passed)"},
		wantStage: map[string]string{"validate": "ok", "plan": "ok", "build": "ok", "gate": "ok", "apply": "ok", "verify": "ok", "publish": "skipped", "rollout": "ok", "smoke": "ok", "record": "ok"},
	},
}

func TestDeploySequence(t *testing.T) {
	for name, tc := range deployCases {
		t.Run(name, func(t *testing.T) {
			f := newFake()
			if tc.setup != nil {
				tc.setup(f)
			}
			rep, err := Deploy(t.Context(), f, tc.opts)
			tc.check(t, f, rep, err)
		})
	}
}

// check compares the calls the deploy made, its error and the report's stages with
// the case's.
func (tc deployCase) check(t *testing.T, f *fakeStages, rep *Report, err error) {
	t.Helper()
	if diff := cmp.Diff(tc.wantCalls, f.sorted()); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	wantFail := tc.wantErr != nil || tc.wantStage["validate"] == "failed" || tc.wantStage["build"] == "failed" || tc.wantStage["pick"] == "failed"
	switch {
	case wantFail && err == nil:
		t.Fatal("Deploy succeeded, want an error")
	case !wantFail && err != nil:
		t.Fatalf("Deploy: %v", err)
	case tc.wantErr != nil && !errors.Is(err, tc.wantErr):
		t.Errorf("error %v, want %v", err, tc.wantErr)
	}
	if err != nil && rep.Err == "" {
		t.Error("report has no error")
	}
	if tc.wantStage != nil {
		if diff := cmp.Diff(tc.wantStage, statuses(rep)); diff != "" {
			t.Errorf("stage statuses (-want +got):\n%s", diff)
		}
	}
	if len(f.calls) > 0 && !f.stopped {
		t.Error("what Prepare started was not stopped")
	}
}

// TestDeployPlansAndBuildsConcurrently: Plan waits for Build to start and Build for
// Plan; run one after the other they would each give up.
func TestDeployPlansAndBuildsConcurrently(t *testing.T) {
	f := newFake()
	f.meet = true
	if _, err := Deploy(t.Context(), f, DeployOptions{Env: "dev"}); err != nil {
		t.Fatalf("Deploy: %v", err)
	}
}

// TestDeployReportsEveryStage: every stage that ran has a duration; skipped ones a reason.
func TestDeployReportsEveryStage(t *testing.T) {
	f := newFake()
	f.plan.HasChanges = false
	rep, err := Deploy(t.Context(), f, DeployOptions{Env: "dev"})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range rep.Stages {
		if s.Status == "skipped" && s.Note == "" {
			t.Errorf("stage %s skipped without a reason", s.Name)
		}
	}
	if rep.Plan.Add != 3 || rep.MonthlyUSD != 9.5 || !rep.HasDelta || rep.MonthlyDeltaUSD != 2.71 || rep.Image != "repo@sha256:abc" || rep.Rollout.Revision != 2 {
		t.Errorf("report lacks the stages' results: %+v", rep)
	}
	text := rep.Text()
	for _, want := range []string{"apply", "plan has no changes", "smoke", "revision 2", "$9.50/month (+2.71 from this plan)"} {
		if !strings.Contains(text, want) {
			t.Errorf("report text lacks %q:\n%s", want, text)
		}
	}
}

// TestDeployHandsBackErroredState: a failed apply's errored state reaches the report.
func TestDeployHandsBackErroredState(t *testing.T) {
	f := newFake()
	f.applyErr = &tfstate.ErroredStateError{Path: "/work/errored.tfstate", PushedBack: true, Err: errors.New("save state: 503")}
	rep, err := Deploy(t.Context(), f, DeployOptions{Env: "dev"})
	if err == nil {
		t.Fatal("Deploy succeeded after a failed apply")
	}
	if rep.ErroredState != "pushed /work/errored.tfstate back to the backend" {
		t.Errorf("report errored state = %q", rep.ErroredState)
	}
	if !strings.Contains(rep.Text(), "errored state:   pushed /work/errored.tfstate back to the backend") {
		t.Errorf("report text lacks the errored state:\n%s", rep.Text())
	}
	if diff := cmp.Diff([]string{"prepare", "plan", "build", "apply(changes=true)"}, f.sorted()); diff != "" {
		t.Errorf("calls after a failed apply (-want +got):\n%s", diff)
	}
}
