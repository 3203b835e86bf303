package rollout

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"dagger/predictor/internal/awsx"
	"dagger/predictor/internal/ecsfake"
)

const (
	testImage  = "123456789012.dkr.ecr.us-east-1.amazonaws.com/predictor-model-dev-backend@sha256:1111111111111111111111111111111111111111111111111111111111111111"
	oldImage   = "123456789012.dkr.ecr.us-east-1.amazonaws.com/predictor-model-dev-backend:bootstrap"
	cluster    = "predictor-model-dev-cluster"
	svcName    = "predictor-model-dev-backend"
	family     = "predictor-model-dev-backend"
	taskDefOne = "arn:aws:ecs:us-east-1:123456789012:task-definition/" + family + ":1"
	taskDefTwo = "arn:aws:ecs:us-east-1:123456789012:task-definition/" + family + ":2"
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
