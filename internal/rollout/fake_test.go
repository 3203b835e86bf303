package rollout

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/google/go-cmp/cmp"

	"dagger/predictor/internal/awsx"
	"dagger/predictor/internal/ecsfake"
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
	srv *ecsfake.Server
	cli *Client
	api *ecs.Client
	out *bytes.Buffer
}

func newFake(t *testing.T, sc ecsfake.Scenario, desired int) *fakeEnv {
	t.Helper()
	srv := ecsfake.New(t, sc)
	srv.AddService(ecsfake.ServiceSpec{Cluster: cluster, Name: svcName, DesiredCount: desired, TaskDefinition: fakeTaskDefinition()})
	cfg, err := awsx.Load(t.Context(), awsx.Options{
		Region: "us-east-1", Endpoint: srv.URL, MaxBackoff: 5 * time.Millisecond,
		Credentials: awsx.StaticCredentials("AKIDTEST", "fake-secret"),
	})
	if err != nil {
		t.Fatal(err)
	}
	api := ecs.NewFromConfig(cfg)
	out := &bytes.Buffer{}
	return &fakeEnv{srv: srv, api: api, out: out, cli: New(api, Options{Out: out, PollInterval: 2 * time.Millisecond, StablePolls: 2})}
}

func req(timeout time.Duration) Request {
	return Request{
		Target: Target{Cluster: cluster, Service: svcName, Container: "backend", DesiredCount: 2},
		Image:  testImage, Version: "v2", Timeout: timeout,
	}
}

// TestRolloutScenarios runs a rollout against each modelled ECS behaviour and checks
// the outcome, the sentinel error (hence the exit status) and the message.
func TestRolloutScenarios(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		sc      ecsfake.Scenario
		desired int
		timeout time.Duration
		want    Outcome
		wantErr error
		msg     []string // substrings of the error
		out     []string // substrings of the progress output
	}{
		"completes": {
			sc: ecsfake.Scenario{Behavior: ecsfake.Complete, Steps: 3}, desired: 2, want: Completed,
			out: []string{"has started 2 tasks", "deployment completed.", "has reached a steady state.", "rollout IN_PROGRESS", "rollout COMPLETED"},
		},
		"first deploy sets desired count": {
			sc: ecsfake.Scenario{Behavior: ecsfake.Complete, Steps: 2}, desired: 0, want: Completed,
			out: []string{"has 0 desired tasks: setting the environment's desired count 2", "has started 2 tasks"},
		},
		"throttled then completes": {
			sc: ecsfake.Scenario{Behavior: ecsfake.Complete, Steps: 2, Throttle: 3}, desired: 2, want: Completed,
		},
		"stale reads after the update are not a rollback": {
			sc: ecsfake.Scenario{Behavior: ecsfake.Complete, Steps: 2, StaleReads: 2}, desired: 2, want: Completed,
		},
		"no rollout state: counts for N polls": {
			sc: ecsfake.Scenario{Behavior: ecsfake.Complete, Steps: 2, OmitRolloutState: true}, desired: 2, want: Completed,
			out: []string{"steady: 2 of 2 tasks running for 2 polls (no rollout state reported)"},
		},
		"failed without rollback": {
			sc: ecsfake.Scenario{Behavior: ecsfake.Fail}, desired: 2, want: Failed, wantErr: ErrFailed,
			msg: []string{"rollout state FAILED: ECS deployment circuit breaker: tasks failed to start.", family + ":2"},
			out: []string{"Essential container in task exited", "deployment failed: tasks failed to start."},
		},
		"circuit breaker rollback": {
			sc: ecsfake.Scenario{Behavior: ecsfake.RollBack}, desired: 2, want: RolledBack, wantErr: ErrRolledBack,
			msg: []string{"rolled back by the circuit breaker", "back on " + family + ":1", "looks stable, but on the old revision, not " + family + ":2"},
			out: []string{"rolling back to deployment"},
		},
		"circuit breaker rollback, failed deployment removed": {
			sc: ecsfake.Scenario{Behavior: ecsfake.RollBack, RemoveFailed: true}, desired: 2, want: RolledBack, wantErr: ErrRolledBack,
			msg: []string{"is gone; the service is back on " + family + ":1"},
		},
		"image pull error fails fast": {
			sc: ecsfake.Scenario{Behavior: ecsfake.PullError, FailThreshold: 10}, desired: 2, want: TasksFailing, wantErr: ErrTasksFailing,
			msg: []string{"CannotPullContainerError: pull image manifest has been retried", "sha256:1111"},
		},
		"resource initialization error fails fast": {
			sc: ecsfake.Scenario{Behavior: ecsfake.ResourceInitError}, desired: 2, want: TasksFailing, wantErr: ErrTasksFailing,
			msg: []string{"ResourceInitializationError: unable to pull secrets or registry auth"},
		},
		"never finishes": {
			sc: ecsfake.Scenario{Behavior: ecsfake.Hang}, desired: 2, timeout: 60 * time.Millisecond, want: TimedOut, wantErr: ErrTimeout,
			msg: []string{"waited 60ms", "rollout state IN_PROGRESS, running 0 of 2, pending 2"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, tc.sc, tc.desired)
			timeout := tc.timeout
			if timeout == 0 {
				timeout = 10 * time.Second
			}
			res, err := f.cli.Rollout(t.Context(), req(timeout))
			t.Logf("output:\n%s\nerror: %v", f.out, err)
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) {
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
			if res.TaskDefinition != taskDefTwo || res.Revision != 2 || !strings.HasPrefix(res.Deployment, "ecs-svc/") {
				t.Errorf("result = %+v, want revision 2 and a deployment ID", res)
			}
			if tc.sc.Throttle > 0 {
				if got := f.srv.Throttled(); got != tc.sc.Throttle {
					t.Errorf("throttled responses = %d, want %d (the SDK must retry them)", got, tc.sc.Throttle)
				}
			}
		})
	}
}

// TestRolloutCopiesTaskDefinitionOverTheWire checks, on what the server stored, that
// revision 2 equals revision 1 except the image and APP_VERSION, tags included.
func TestRolloutCopiesTaskDefinitionOverTheWire(t *testing.T) {
	t.Parallel()
	f := newFake(t, ecsfake.Scenario{Steps: 1}, 2)
	if _, err := f.cli.Rollout(t.Context(), req(5*time.Second)); err != nil {
		t.Fatalf("Rollout: %v\n%s", err, f.out)
	}
	want := f.srv.TaskDefinition(family, 1)
	c := want["containerDefinitions"].([]any)[0].(map[string]any)
	c["image"] = testImage
	c["environment"].([]any)[1].(map[string]any)["value"] = "v2"
	if diff := cmp.Diff(want, f.srv.TaskDefinition(family, 2)); diff != "" {
		t.Errorf("revision 2 (-want +got):\n%s", diff)
	}
	out, err := f.api.DescribeTaskDefinition(t.Context(), &ecs.DescribeTaskDefinitionInput{
		TaskDefinition: aws.String(family + ":2"), Include: []types.TaskDefinitionField{types.TaskDefinitionFieldTags},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Tags) != 1 || aws.ToString(out.Tags[0].Key) != "Project" {
		t.Errorf("tags = %+v, want the Project tag copied", out.Tags)
	}
}

func TestRolloutAlreadyDeployed(t *testing.T) {
	t.Parallel()
	f := newFake(t, ecsfake.Scenario{Steps: 2}, 2)
	if _, err := f.cli.Rollout(t.Context(), req(5*time.Second)); err != nil {
		t.Fatal(err)
	}
	f.out.Reset()
	res, err := f.cli.Rollout(t.Context(), req(5*time.Second))
	if err != nil {
		t.Fatalf("second Rollout: %v\n%s", err, f.out)
	}
	if res.Revision != 2 || res.Outcome != Completed {
		t.Errorf("result = %+v, want revision 2 completed", res)
	}
	if !strings.Contains(f.out.String(), "nothing to register") || f.srv.Calls("RegisterTaskDefinition") != 1 || f.srv.Calls("UpdateService") != 1 {
		t.Errorf("second rollout registered or updated again (register %d, update %d):\n%s",
			f.srv.Calls("RegisterTaskDefinition"), f.srv.Calls("UpdateService"), f.out)
	}

	// --force redeploys the same revision as a new deployment.
	r := req(5 * time.Second)
	r.Force = true
	forced, err := f.cli.Rollout(t.Context(), r)
	if err != nil {
		t.Fatalf("forced Rollout: %v\n%s", err, f.out)
	}
	if forced.Revision != 2 || forced.Deployment == res.Deployment || f.srv.Calls("RegisterTaskDefinition") != 1 {
		t.Errorf("forced = %+v (before %+v), want a new deployment of revision 2 and no new revision", forced, res)
	}
}

func TestRollback(t *testing.T) {
	t.Parallel()
	f := newFake(t, ecsfake.Scenario{Steps: 1}, 2)
	for _, v := range []string{"v2", "v3"} {
		r := req(5 * time.Second)
		r.Version = v
		if _, err := f.cli.Rollout(t.Context(), r); err != nil {
			t.Fatal(err)
		}
	}
	// The service runs revision 3 now.
	tests := []struct {
		name    string
		to      int32
		want    int32
		wantErr string
	}{
		{name: "previous", want: 2},
		{name: "to revision 1", to: 1, want: 1},
		{name: "to the current revision", to: 1, wantErr: "already runs " + family + ":1"},
		{name: "previous of 1", wantErr: "no older ACTIVE revision: pass --to REVISION"},
	}
	for _, tc := range tests { // sequential: each step starts from the last
		res, err := f.cli.Rollback(t.Context(), RollbackRequest{Target: Target{Cluster: cluster, Service: svcName}, To: tc.to, Timeout: 5 * time.Second})
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s: error = %v, want %q", tc.name, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v\n%s", tc.name, err, f.out)
		}
		if res.Revision != tc.want || res.Outcome != Completed {
			t.Errorf("%s: result = %+v, want revision %d", tc.name, res, tc.want)
		}
		if got := f.srv.ServiceTaskDefinition(cluster, svcName); !strings.HasSuffix(got, fmt.Sprintf(":%d", tc.want)) {
			t.Errorf("%s: service on %s", tc.name, got)
		}
	}
}

func TestRollbackWatchesTheSameWay(t *testing.T) {
	t.Parallel()
	f := newFake(t, ecsfake.Scenario{Steps: 1}, 2)
	if _, err := f.cli.Rollout(t.Context(), req(5*time.Second)); err != nil {
		t.Fatal(err)
	}
	f.srv.SetScenario(ecsfake.Scenario{Behavior: ecsfake.Fail})
	_, err := f.cli.Rollback(t.Context(), RollbackRequest{Target: Target{Cluster: cluster, Service: svcName}, Timeout: 5 * time.Second})
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
