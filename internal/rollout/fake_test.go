package rollout

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/google/go-cmp/cmp"

	"dagger/predictor/internal/awsx"
	"dagger/predictor/internal/testsupport/ecsfake"
)

const (
	testRepository = "123456789012.dkr.ecr.us-east-1.amazonaws.com/predictor-model-dev-backend"
	testImage      = testRepository + "@sha256:1111111111111111111111111111111111111111111111111111111111111111"
	oldImage       = "123456789012.dkr.ecr.us-east-1.amazonaws.com/predictor-model-dev-backend:bootstrap"
	cluster        = "predictor-model-dev-cluster"
	svcName        = "predictor-model-dev-backend"
	family         = "predictor-model-dev-backend"
	taskDefOne     = "arn:aws:ecs:us-east-1:123456789012:task-definition/" + family + ":1"
	taskDefTwo     = "arn:aws:ecs:us-east-1:123456789012:task-definition/" + family + ":2"
)

// fakeTaskDefinition is a Fargate task definition using every registrable field.
func fakeTaskDefinition() map[string]any {
	return map[string]any{
		"family": family,
		"containerDefinitions": []any{map[string]any{
			"name": "backend", "image": oldImage, "essential": true, "user": "10001",
			"portMappings": []any{map[string]any{"containerPort": 8000, "protocol": "tcp"}},
			"environment": []any{
				map[string]any{"name": "APP_ENV", "value": "dev"},
				map[string]any{"name": "APP_VERSION", "value": "bootstrap"},
			},
			"mountPoints":      []any{map[string]any{"sourceVolume": "tmp", "containerPath": "/tmp"}},
			"logConfiguration": map[string]any{"logDriver": "awslogs", "options": map[string]any{"awslogs-group": "/ecs/predictor-model-dev-backend"}},
		}},
		"cpu": "256", "memory": "512", "networkMode": "awsvpc",
		"requiresCompatibilities": []any{"FARGATE"},
		"executionRoleArn":        "arn:aws:iam::123456789012:role/exec",
		"taskRoleArn":             "arn:aws:iam::123456789012:role/task",
		"volumes":                 []any{map[string]any{"name": "tmp"}},
		"runtimePlatform":         map[string]any{"cpuArchitecture": "X86_64", "operatingSystemFamily": "LINUX"},
		"ephemeralStorage":        map[string]any{"sizeInGiB": 21},
		"tags":                    []any{map[string]any{"key": "Project", "value": "predictor"}},
	}
}

type fakeEnv struct {
	srv   *ecsfake.Server
	cli   *Client
	api   *ecs.Client
	out   *bytes.Buffer
	clock *fakeClock
}

// fakeClock is the clock of the watch and of the fake server in the fake tests: it
// starts at the wall clock's time and moves only when the watch sleeps, at once and by
// what was asked, so polls, deadlines and bounded waits cost no wall time and do not
// depend on the machine's speed.
type fakeClock struct {
	mu    sync.Mutex
	start time.Time
	ahead time.Duration
	// onSleep, if set, runs after each sleep on the watch's goroutine: a test acts
	// between two polls there.
	onSleep func()
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.start.Add(c.ahead)
}

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.ahead += d
	hook := c.onSleep
	c.mu.Unlock()
	if hook != nil {
		hook()
	}
	return ctx.Err()
}

// slept is how far the clock has moved.
func (c *fakeClock) slept() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ahead
}

// fakeOption changes the fake's service or the client's options before they are made.
type fakeOption func(*ecsfake.ServiceSpec, *Options)

func noRollback(spec *ecsfake.ServiceSpec, _ *Options) { spec.NoRollback = true }

func newFake(t *testing.T, sc ecsfake.Scenario, desired int, opts ...fakeOption) *fakeEnv {
	t.Helper()
	srv := ecsfake.New(t, sc)
	clock := &fakeClock{start: time.Now()}
	srv.SetClock(clock.now)
	spec := ecsfake.ServiceSpec{Cluster: cluster, Name: svcName, DesiredCount: desired, TaskDefinition: fakeTaskDefinition()}
	out := &bytes.Buffer{}
	// The default intervals and waits: on the fake clock they cost no wall time.
	o := Options{Out: out, StablePolls: 2, Caller: "arn:aws:iam::123456789012:user/tester"}
	for _, f := range opts {
		f(&spec, &o)
	}
	srv.AddService(spec)
	cfg, err := awsx.Load(t.Context(), awsx.Options{
		Region: "us-east-1", Endpoint: srv.URL, MaxBackoff: 5 * time.Millisecond,
		Credentials: awsx.StaticCredentials("AKIDTEST", "fake-secret"),
	})
	if err != nil {
		t.Fatal(err)
	}
	api := ecs.NewFromConfig(cfg)
	cli := New(api, o)
	cli.now, cli.sleep = clock.now, clock.sleep
	return &fakeEnv{srv: srv, api: api, out: out, cli: cli, clock: clock}
}

func req(timeout time.Duration) Request {
	return Request{
		Target: Target{Cluster: cluster, Service: svcName, Container: "backend", DesiredCount: 2},
		Image:  testImage, Version: "v2", Timeout: timeout,
	}
}

// rolloutScenario is one modelled ECS behaviour and what a rollout must make of it.
type rolloutScenario struct {
	sc      ecsfake.Scenario
	opts    []fakeOption
	desired int
	timeout time.Duration
	want    Outcome
	wantErr error
	msg     []string // substrings of the error
	out     []string // substrings of the progress output
	// slept: the watch's clock must have moved at least this far (a bounded wait
	// measured on the injected clock, not the wall clock).
	slept time.Duration
}

// rolloutScenarios are TestRolloutScenarios' cases, by name.
var rolloutScenarios = map[string]rolloutScenario{
	"completes": {
		sc: ecsfake.Scenario{Behavior: ecsfake.Complete, Steps: 3}, desired: 2, want: completed,
		out: []string{"has started 2 tasks", "deployment completed.", "has reached a steady state.", "rollout IN_PROGRESS", "rollout COMPLETED"},
	},
	"first deploy sets desired count": {
		sc: ecsfake.Scenario{Behavior: ecsfake.Complete, Steps: 2}, desired: 0, want: completed,
		out: []string{"has 0 desired tasks: setting the environment's desired count 2", "has started 2 tasks"},
	},
	"throttled then completes": {
		sc: ecsfake.Scenario{Behavior: ecsfake.Complete, Steps: 2, Throttle: 3}, desired: 2, want: completed,
	},
	"stale reads after the update are not a rollback": {
		sc: ecsfake.Scenario{Behavior: ecsfake.Complete, Steps: 2, StaleReads: 2}, desired: 2, want: completed,
	},
	"no rollout state: counts for N polls": {
		sc: ecsfake.Scenario{Behavior: ecsfake.Complete, Steps: 2, OmitRolloutState: true}, desired: 2, want: completed,
		out: []string{"steady: 2 of 2 tasks running for 2 polls (no rollout state reported)"},
	},
	"failed without rollback": {
		sc: ecsfake.Scenario{Behavior: ecsfake.Fail}, opts: []fakeOption{noRollback}, desired: 2, want: failed, wantErr: ErrFailed,
		msg: []string{"rollout state FAILED: ECS deployment circuit breaker: tasks failed to start.", family + ":2"},
		out: []string{"Essential container in task exited", "deployment failed: tasks failed to start."},
	},
	"circuit breaker rollback": {
		sc: ecsfake.Scenario{Behavior: ecsfake.RollBack}, desired: 2, want: rolledBack, wantErr: ErrRolledBack,
		msg: []string{"rolled back by the circuit breaker", "back on " + family + ":1", "looks stable, but on the old revision, not " + family + ":2"},
		out: []string{"rolling back to deployment"},
	},
	"circuit breaker rollback, failed deployment removed": {
		sc: ecsfake.Scenario{Behavior: ecsfake.RollBack, RemoveFailed: true}, desired: 2, want: rolledBack, wantErr: ErrRolledBack,
		msg: []string{"is gone; the service is back on " + family + ":1"},
	},
	"image pull error fails fast": {
		sc: ecsfake.Scenario{Behavior: ecsfake.PullError, FailThreshold: 10}, desired: 2, want: tasksFailing, wantErr: ErrTasksFailing,
		msg: []string{"CannotPullContainerError: pull image manifest has been retried", "sha256:1111"},
	},
	"resource initialization error fails fast": {
		sc: ecsfake.Scenario{Behavior: ecsfake.ResourceInitError}, desired: 2, want: tasksFailing, wantErr: ErrTasksFailing,
		msg: []string{"ResourceInitializationError: unable to pull secrets or registry auth"},
	},
	"failed, rollback enabled but never starts: bounded wait, then failed": {
		sc: ecsfake.Scenario{Behavior: ecsfake.Fail}, desired: 2, want: failed, wantErr: ErrFailed,
		msg: []string{"rollback is enabled but did not start within 1m0s"},
		out: []string{"deployment failed: tasks failed to start."}, slept: DefaultRollbackWait,
	},
	"failed while primary, rollback starts polls later: rolled back, not failed": {
		sc: ecsfake.Scenario{Behavior: ecsfake.RollBack, RollbackDelay: 3}, desired: 2, want: rolledBack, wantErr: ErrRolledBack,
		msg: []string{"back on " + family + ":1"},
		out: []string{"rolling back to deployment"},
	},
	"stop reason filled in late: pull error still fails fast": {
		sc: ecsfake.Scenario{Behavior: ecsfake.PullError, FailThreshold: 100, ReasonDelay: 4}, desired: 2, want: tasksFailing, wantErr: ErrTasksFailing,
		msg: []string{"CannotPullContainerError"},
	},
	"polls failing after the SDK's retries are retried until the deadline": {
		sc: ecsfake.Scenario{Behavior: ecsfake.Complete, Steps: 2, Throttle: 14}, desired: 2, want: completed,
		out: []string{"poll 1 failed after the SDK's retries", "poll 2 failed after the SDK's retries", "Rate exceeded"},
	},
	"inconsistent read, then rollback: never success": {
		sc: ecsfake.Scenario{Behavior: ecsfake.RollBack, HideDeployment: 8}, desired: 2, want: rolledBack, wantErr: ErrRolledBack,
		msg: []string{"back on " + family + ":1"},
	},
	// The earlier deployment completed; taking it for ours once was a false success.
	"inconsistent read in UpdateService's response too: never success": {
		sc: ecsfake.Scenario{Behavior: ecsfake.RollBack, HideDeployment: 8, HideInUpdate: true}, desired: 2, want: errored,
		msg: []string{"UpdateService's response names no new PRIMARY deployment of " + family + ":2", "PRIMARY " + family + ":1"},
	},
	"deployment never shown: bounded wait, then an error naming it": {
		sc: ecsfake.Scenario{Behavior: ecsfake.Hang, HideDeployment: 1 << 20}, desired: 2, want: timedOut, wantErr: ErrTimeout,
		msg: []string{"which UpdateService returned, was not shown by DescribeServices within 1m0s"}, slept: defaultUnseenWait,
	},
	"old deployment record kept (stock moto): never adopted": {
		sc: ecsfake.Scenario{KeepOldDeployment: true}, desired: 2, want: errored,
		msg: []string{"names no new PRIMARY deployment of " + family + ":2"},
	},
	"never finishes": {
		sc: ecsfake.Scenario{Behavior: ecsfake.Hang}, desired: 2, timeout: 5 * time.Minute, want: timedOut, wantErr: ErrTimeout,
		msg: []string{"waited 5m0s", "rollout state IN_PROGRESS, running 0 of 2, pending 2"}, slept: 5 * time.Minute,
	},
}

// TestRolloutScenarios runs a rollout against each modelled ECS behaviour and checks
// the outcome, the sentinel error (hence the exit status) and the message.
func TestRolloutScenarios(t *testing.T) {
	t.Parallel()
	for name, tc := range rolloutScenarios {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, tc.sc, tc.desired, tc.opts...)
			timeout := tc.timeout
			if timeout == 0 {
				timeout = DefaultTimeout
			}
			res, err := f.cli.Rollout(t.Context(), req(timeout))
			t.Logf("output:\n%s\nerror: %v", f.out, err)
			tc.checkOutcome(t, f, res, err)
			tc.checkServer(t, f, res)
		})
	}
}

// checkOutcome checks what the rollout returned and printed, and how far its clock moved.
func (tc rolloutScenario) checkOutcome(t *testing.T, f *fakeEnv, res Result, err error) {
	t.Helper()
	if (tc.wantErr != nil && !errors.Is(err, tc.wantErr)) || (err == nil) != (tc.want == completed) {
		t.Fatalf("Rollout error = %v, want %v\noutput:\n%s", err, tc.wantErr, f.out)
	}
	if res.Outcome != tc.want {
		t.Errorf("outcome = %q, want %q", res.Outcome, tc.want)
	}
	for _, m := range tc.msg {
		if !strings.Contains(err.Error(), m) {
			t.Errorf("error %q does not contain %q", err, m)
		}
	}
	for _, m := range tc.out {
		if !strings.Contains(f.out.String(), m) {
			t.Errorf("output does not contain %q:\n%s", m, f.out)
		}
	}
	if got := f.clock.slept(); got < tc.slept {
		t.Errorf("the watch's clock moved %s, want at least %s", got, tc.slept)
	}
	if res.TaskDefinition != taskDefTwo || res.Revision != 2 || (tc.want != errored) != strings.HasPrefix(res.Deployment, "ecs-svc/") {
		t.Errorf("result = %+v, want revision 2 and a deployment ID", res)
	}
}

// checkServer checks what the fake server saw: when the stop reason showed, the
// release's record, and the throttled calls the SDK retried.
func (tc rolloutScenario) checkServer(t *testing.T, f *fakeEnv, res Result) {
	t.Helper()
	if tc.sc.ReasonDelay > 0 {
		// The reason appeared at poll ReasonShownAt; the watch must end within two.
		if shown, polls := f.srv.ReasonShownAt(), f.srv.Polls(); shown == 0 || polls-shown > 2 {
			t.Errorf("stop reason shown at poll %d, watch ended after poll %d: want at most 2 polls later", shown, polls)
		}
	}
	if tc.want != completed && f.srv.TaskDefinitionTags(family, 2)[tagOutcome] == releaseCompleted {
		t.Errorf("revision 2 recorded as completed after outcome %s", res.Outcome)
	}
	if tc.sc.Throttle > 0 && tc.want == completed {
		if got := f.srv.Throttled(); got != tc.sc.Throttle {
			t.Errorf("throttled responses = %d, want %d (the SDK must retry them)", got, tc.sc.Throttle)
		}
	}
}

// TestRolloutCopiesTaskDefinitionOverTheWire checks, on what the server stored, that
// revision 2 equals revision 1 except the image and APP_VERSION, tags included, plus
// the release's history tags.
func TestRolloutCopiesTaskDefinitionOverTheWire(t *testing.T) {
	t.Parallel()
	f := newFake(t, ecsfake.Scenario{Steps: 1}, 2)
	r := req(DefaultTimeout)
	r.TaskDefinition = taskDefOne
	if _, err := f.cli.Rollout(t.Context(), r); err != nil {
		t.Fatalf("Rollout: %v\n%s", err, f.out)
	}
	want := f.srv.TaskDefinition(family, 1)
	c := want["containerDefinitions"].([]any)[0].(map[string]any)
	c["image"] = testImage
	c["environment"].([]any)[1].(map[string]any)["value"] = "v2"
	if diff := cmp.Diff(want, f.srv.TaskDefinition(family, 2)); diff != "" {
		t.Errorf("revision 2 (-want +got):\n%s", diff)
	}
	tags := f.srv.TaskDefinitionTags(family, 2)
	for _, k := range []string{tagOutcomeAt, tagCompletedAt, tagDeployment} {
		if tags[k] == "" {
			t.Errorf("tag %s missing: %v", k, tags)
		}
		delete(tags, k)
	}
	wantTags := map[string]string{
		"Project": "predictor", tagBase: family + ":1", tagImage: testImage, tagVersion: "v2",
		tagOutcome: releaseCompleted, tagBy: "arn:aws:iam::123456789012:user/tester",
	}
	if diff := cmp.Diff(wantTags, tags); diff != "" {
		t.Errorf("tags of revision 2 (-want +got):\n%s", diff)
	}
}

// TestRolloutSuperseded: another change moves the service back to the old revision
// while ours is in progress, with no FAILED state and no rollback event. That is not a
// circuit-breaker rollback (11) but a superseded deployment.
func TestRolloutSuperseded(t *testing.T) {
	t.Parallel()
	f := newFake(t, ecsfake.Scenario{Behavior: ecsfake.Hang}, 2)
	updated := false
	f.clock.onSleep = func() {
		if updated || f.srv.Polls() < 3 {
			return
		}
		updated = true
		f.srv.SetScenario(ecsfake.Scenario{Behavior: ecsfake.Complete})
		if _, err := f.api.UpdateService(t.Context(), &ecs.UpdateServiceInput{Cluster: aws.String(cluster), Service: aws.String(svcName), TaskDefinition: aws.String(taskDefOne)}); err != nil {
			t.Errorf("concurrent update: %v", err)
		}
	}
	res, err := f.cli.Rollout(t.Context(), req(DefaultTimeout))
	if !errors.Is(err, ErrSuperseded) || res.Outcome != superseded {
		t.Fatalf("Rollout = %v, %v; want superseded\n%s", res.Outcome, err, f.out)
	}
	if !strings.Contains(err.Error(), "no FAILED state and no rollback event") {
		t.Errorf("error %q does not say why it is not a rollback", err)
	}
	if st := f.srv.TaskDefinitionStatus(family, 2); st != "ACTIVE" {
		t.Errorf("superseded revision is %s: only failed ones are deregistered", st)
	}
}

// TestFailedRevisionsDeregistered: a release whose rollout failed is recorded as
// failed and deregistered, so nothing picks it by accident.
func TestFailedRevisionsDeregistered(t *testing.T) {
	t.Parallel()
	for name, sc := range map[string]ecsfake.Scenario{
		"circuit breaker rollback": {Behavior: ecsfake.RollBack},
		"pull error":               {Behavior: ecsfake.PullError, FailThreshold: 10},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, sc, 2)
			if _, err := f.cli.Rollout(t.Context(), req(DefaultTimeout)); err == nil {
				t.Fatal("rollout succeeded")
			}
			if st := f.srv.TaskDefinitionStatus(family, 2); st != "INACTIVE" {
				t.Errorf("failed revision 2 is %s, want INACTIVE", st)
			}
			tags := f.srv.TaskDefinitionTags(family, 2)
			if tags[tagOutcome] != releaseFailed || tags[tagCompletedAt] != "" || tags[tagReason] == "" {
				t.Errorf("tags = %v, want outcome failed with a reason and no completed-at", tags)
			}
		})
	}
}

func TestRolloutAlreadyDeployed(t *testing.T) {
	t.Parallel()
	f := newFake(t, ecsfake.Scenario{Steps: 2}, 2)
	if _, err := f.cli.Rollout(t.Context(), req(DefaultTimeout)); err != nil {
		t.Fatal(err)
	}
	f.out.Reset()
	res, err := f.cli.Rollout(t.Context(), req(DefaultTimeout))
	if err != nil {
		t.Fatalf("second Rollout: %v\n%s", err, f.out)
	}
	if res.Revision != 2 || res.Outcome != completed {
		t.Errorf("result = %+v, want revision 2 completed", res)
	}
	if !strings.Contains(f.out.String(), "nothing to register") || f.srv.Calls("RegisterTaskDefinition") != 1 || f.srv.Calls("UpdateService") != 1 {
		t.Errorf("second rollout registered or updated again (register %d, update %d):\n%s",
			f.srv.Calls("RegisterTaskDefinition"), f.srv.Calls("UpdateService"), f.out)
	}

	// --force redeploys the same revision as a new deployment.
	r := req(DefaultTimeout)
	r.Force = true
	forced, err := f.cli.Rollout(t.Context(), r)
	if err != nil {
		t.Fatalf("forced Rollout: %v\n%s", err, f.out)
	}
	if forced.Revision != 2 || forced.Deployment == res.Deployment || f.srv.Calls("RegisterTaskDefinition") != 1 {
		t.Errorf("forced = %+v (before %+v), want a new deployment of revision 2 and no new revision", forced, res)
	}
}

// release rolls out version v from Terraform's revision tfRev and fails the test unless
// it completes; it returns the revision registered.
func (f *fakeEnv) release(t *testing.T, v string, tfRev int) int32 {
	t.Helper()
	r := req(DefaultTimeout)
	r.Version = v
	r.Image = fmt.Sprintf("%s@sha256:%064x", testRepository, len(v)*1000+int(v[len(v)-1]))
	r.TaskDefinition = fmt.Sprintf("%s:%d", family, tfRev)
	res, err := f.cli.Rollout(t.Context(), r)
	if err != nil {
		t.Fatalf("release %s: %v\n%s", v, err, f.out)
	}
	return res.Revision
}

func (f *fakeEnv) rollback(t *testing.T, to int32) (Result, error) {
	t.Helper()
	return f.cli.Rollback(t.Context(), RollbackRequest{Target: Target{Cluster: cluster, Service: svcName}, To: to, Timeout: DefaultTimeout})
}

// TestRollbackHistory checks the rules of rollback on the fake: it lands on the last
// release that completed before the current one and was not rolled back, never on
// Terraform's revisions, and --to refuses a revision that never ran.
func TestRollbackHistory(t *testing.T) {
	t.Parallel()
	onRevision := func(t *testing.T, f *fakeEnv, want int32) {
		t.Helper()
		if got := f.srv.ServiceTaskDefinition(cluster, svcName); !strings.HasSuffix(got, fmt.Sprintf(":%d", want)) {
			t.Errorf("service on %s, want revision %d", got, want)
		}
	}
	t.Run("a, b, rollback lands on a", func(t *testing.T) {
		t.Parallel()
		f := newFake(t, ecsfake.Scenario{Steps: 1}, 2)
		a := f.release(t, "a", 1)
		f.release(t, "b", 1)
		res, err := f.rollback(t, 0)
		if err != nil || res.Revision != a {
			t.Fatalf("rollback = %+v, %v; want revision %d\n%s", res, err, a, f.out)
		}
		onRevision(t, f, a)
		if st := f.srv.TaskDefinitionStatus(family, 3); st != "INACTIVE" {
			t.Errorf("rolled-back release b is %s, want INACTIVE", st)
		}
		if _, err := f.rollback(t, 0); err == nil || !strings.Contains(err.Error(), "no earlier release completed") {
			t.Errorf("second rollback: %v, want no earlier release (the Terraform revision 1 never ran as a release)", err)
		}
	})
	t.Run("terraform change between releases", func(t *testing.T) {
		t.Parallel()
		f := newFake(t, ecsfake.Scenario{Steps: 1}, 2)
		a := f.release(t, "a", 1) // 2
		bigger := fakeTaskDefinition()
		bigger["cpu"], bigger["memory"] = "512", "1024"
		tf := f.srv.Register(bigger) // 3: Terraform's new revision, bootstrap image
		_, tfRev, _ := splitTaskDefinition(tf)
		b := f.release(t, "b", int(tfRev)) // 4
		if got := f.srv.TaskDefinition(family, int(b))["cpu"]; got != "512" {
			t.Errorf("release b has cpu %v, want Terraform's 512", got)
		}
		res, err := f.rollback(t, 0)
		if err != nil || res.Revision != a {
			t.Fatalf("rollback = %+v, %v; want revision %d, not Terraform's %d\n%s", res, err, a, tfRev, f.out)
		}
	})
	t.Run("rollback, new release, rollback lands on the last good one", func(t *testing.T) {
		t.Parallel()
		f := newFake(t, ecsfake.Scenario{Steps: 1}, 2)
		a := f.release(t, "a", 1) // 2
		f.release(t, "b", 1)      // 3
		if _, err := f.rollback(t, 0); err != nil {
			t.Fatal(err)
		}
		f.release(t, "c", 1) // 4
		res, err := f.rollback(t, 0)
		if err != nil || res.Revision != a {
			t.Fatalf("rollback = %+v, %v; want revision %d (b was rolled back)\n%s", res, err, a, f.out)
		}
	})
	t.Run("--to", func(t *testing.T) {
		t.Parallel()
		f := newFake(t, ecsfake.Scenario{Steps: 1}, 2)
		a := f.release(t, "a", 1)
		f.release(t, "b", 1)
		for name, tc := range map[int32]string{
			1: "roll back to " + family + ":1: it never ran",
			3: "already runs " + family + ":3",
			9: "describe task definition " + family + ":9",
		} {
			if _, err := f.rollback(t, name); err == nil || !strings.Contains(err.Error(), tc) {
				t.Errorf("--to %d: %v, want %q", name, err, tc)
			}
		}
		if n := f.srv.Calls("UpdateService"); n != 2 {
			t.Errorf("%d updates, want only the two releases' (refusals change nothing)", n)
		}
		if res, err := f.rollback(t, a); err != nil || res.Revision != a {
			t.Errorf("--to %d = %+v, %v", a, res, err)
		}
	})
}

func TestRollbackWatchesTheSameWay(t *testing.T) {
	t.Parallel()
	f := newFake(t, ecsfake.Scenario{Steps: 1}, 2, noRollback)
	f.release(t, "a", 1)
	f.release(t, "b", 1)
	f.srv.SetScenario(ecsfake.Scenario{Behavior: ecsfake.Fail})
	_, err := f.cli.Rollback(t.Context(), RollbackRequest{Target: Target{Cluster: cluster, Service: svcName}, Timeout: DefaultTimeout})
	if !errors.Is(err, ErrFailed) {
		t.Fatalf("Rollback error = %v, want ErrFailed", err)
	}
}

func TestRolloutBadTarget(t *testing.T) {
	t.Parallel()
	f := newFake(t, ecsfake.Scenario{}, 1)
	tests := map[string]struct {
		target Target
		want   string
	}{
		"missing service":   {Target{Cluster: cluster, Service: "nope"}, "describe service nope in cluster " + cluster + ": MISSING: not found: check --env or --cluster/--service"},
		"missing container": {Target{Cluster: cluster, Service: svcName, Container: "api"}, `find container "api" in task definition ` + taskDefOne + `: not found (containers: backend): pass --container`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := f.cli.Rollout(t.Context(), Request{Target: tc.target, Image: testImage, Version: "v"})
			if err == nil || err.Error() != tc.want {
				t.Errorf("error = %v\nwant %s", err, tc.want)
			}
		})
	}
	if n := f.srv.Calls("RegisterTaskDefinition") + f.srv.Calls("UpdateService"); n != 0 {
		t.Errorf("%d changes made despite bad input", n)
	}
}

func TestPrintEvents(t *testing.T) {
	t.Parallel()
	at := func(s int) *time.Time { v := time.Date(2026, 1, 2, 3, 4, s, 0, time.UTC); return &v }
	ev := func(id string, s int, m string) types.ServiceEvent {
		return types.ServiceEvent{Id: aws.String(id), CreatedAt: at(s), Message: aws.String(m)}
	}
	out := &bytes.Buffer{}
	c := newClient(nil, Options{Out: out})
	w := c.newWatch(cluster, svcName, &types.Service{Events: []types.ServiceEvent{ev("0", 0, "old history")}})
	c.printEvents(w, &types.Service{Events: []types.ServiceEvent{ev("2", 2, "second"), ev("1", 1, "first"), ev("0", 0, "old history")}})
	c.printEvents(w, &types.Service{Events: []types.ServiceEvent{ev("3", 3, "(service s) rolling back to deployment x."), ev("2", 2, "second")}})
	want := "event 2026-01-02T03:04:01Z first\nevent 2026-01-02T03:04:02Z second\nevent 2026-01-02T03:04:03Z (service s) rolling back to deployment x.\n"
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if !w.rollbackSeen {
		t.Error("rolling-back event not noticed")
	}
}
