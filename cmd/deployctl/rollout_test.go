package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"dagger/predictor/internal/exitcode"
	"dagger/predictor/internal/rollout"
	"dagger/predictor/internal/testsupport/ecsfake"
	"dagger/predictor/internal/testsupport/testenv"
)

// Test credentials handed to the deployctl process; they must never be printed.
const (
	testKeyID  = "AKIDDEPLOYCTLTEST"
	testSecret = "deployctl-test-secret-never-printed"
	testDigest = "sha256:2222222222222222222222222222222222222222222222222222222222222222"
	testRepo   = "123456789012.dkr.ecr.us-east-1.amazonaws.com/predictor-model-dev-backend"
)

// TestMain removes the deployctl binary the tests share (testenv.Deployctl).
func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }

type runResult struct {
	code           int
	stdout, stderr string
}

// runDeployctl runs bin with a clean environment: only static test credentials (unless
// noCreds), no shared config files, no instance metadata.
func runDeployctl(t *testing.T, bin string, noCreds bool, args ...string) runResult {
	t.Helper()
	return runDeployctlEnv(t, bin, noCreds, nil, args...)
}

// runDeployctlEnv is runDeployctl with extra environment variables.
func runDeployctlEnv(t *testing.T, bin string, noCreds bool, extraEnv []string, args ...string) runResult {
	t.Helper()
	home := t.TempDir()
	env := []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + home, "AWS_REGION=us-east-1",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE=" + filepath.Join(home, "none"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "none"),
	}
	if !noCreds {
		env = append(env, "AWS_ACCESS_KEY_ID="+testKeyID, "AWS_SECRET_ACCESS_KEY="+testSecret)
	}
	env = append(env, extraEnv...)
	cmd := exec.CommandContext(t.Context(), bin, args...)
	cmd.Env = env
	cmd.Dir = home
	r := runCmd(t, cmd)
	if strings.Contains(r.stdout+r.stderr, testSecret) {
		t.Errorf("the secret access key appears in deployctl's output")
	}
	return r
}

// runCmd runs cmd and returns its exit status and output; it fails the test when
// the command cannot run at all.
func runCmd(t *testing.T, cmd *exec.Cmd) runResult {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("run %s: %v", filepath.Base(cmd.Path), err)
	}
	return runResult{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

func fakeService(t *testing.T, sc ecsfake.Scenario, desired int, opts ...func(*ecsfake.ServiceSpec)) *ecsfake.Server {
	t.Helper()
	srv := ecsfake.New(t, sc)
	spec := ecsfake.ServiceSpec{Cluster: "c", Name: "s", DesiredCount: desired, TaskDefinition: map[string]any{
		"family": "predictor-model-dev-backend", "cpu": "256", "memory": "512", "networkMode": "awsvpc",
		"requiresCompatibilities": []string{"FARGATE"},
		"containerDefinitions":    []any{map[string]any{"name": "backend", "image": testRepo + ":bootstrap", "essential": true}},
	}}
	for _, o := range opts {
		o(&spec)
	}
	srv.AddService(spec)
	return srv
}

func withoutRollback(s *ecsfake.ServiceSpec) { s.NoRollback = true }

var finalLine = regexp.MustCompile(`(?m)^deployment=ecs-svc/\S+ taskDefinition=arn:aws:ecs:us-east-1:123456789012:task-definition/predictor-model-dev-backend:(\d+) revision=(\d+)$`)

// TestRolloutCommand runs `deployctl rollout` and `rollback` against the ECS test
// server for each modelled behaviour and checks exit status, message and final line.
// rolloutArgs are rollout's arguments against the fake service srv, then extra.
func rolloutArgs(srv *ecsfake.Server, extra ...string) []string {
	return append([]string{"rollout", "--env", "dev", "--aws-endpoint", srv.URL, "--cluster", "c", "--service", "s",
		"--container", "backend", "--desired-count", "2", "--poll-interval", "2ms"}, extra...)
}

// rolloutCase is one rollout against the fake: its scenario, what it exits with and
// prints, and the revision it registers ("": none, nothing may change).
type rolloutCase struct {
	sc       ecsfake.Scenario
	noRoll   bool
	extra    []string
	code     int
	stderr   string
	revision string
}

func TestRolloutCommand(t *testing.T) {
	t.Parallel()
	bin := testenv.Deployctl(t)
	image := testRepo + ":abc123@" + testDigest
	tests := map[string]rolloutCase{
		"completes":          {sc: ecsfake.Scenario{Steps: 3}, extra: []string{"--image", image}, code: 0, revision: "2"},
		"throttled":          {sc: ecsfake.Scenario{Steps: 2, Throttle: 2}, extra: []string{"--image", image}, code: 0, revision: "2"},
		"failed":             {sc: ecsfake.Scenario{Behavior: ecsfake.Fail}, noRoll: true, extra: []string{"--image", image}, code: 10, stderr: "deployctl rollout: deployment failed: deployment ecs-svc/", revision: "2"},
		"rolled back":        {sc: ecsfake.Scenario{Behavior: ecsfake.RollBack}, extra: []string{"--image", image}, code: 11, stderr: "it looks stable, but on the old revision, not predictor-model-dev-backend:2", revision: "2"},
		"pull error":         {sc: ecsfake.Scenario{Behavior: ecsfake.PullError, FailThreshold: 20}, extra: []string{"--image", image}, code: 12, stderr: "CannotPullContainerError", revision: "2"},
		"resource init":      {sc: ecsfake.Scenario{Behavior: ecsfake.ResourceInitError}, extra: []string{"--image", image}, code: 12, stderr: "ResourceInitializationError", revision: "2"},
		"timeout":            {sc: ecsfake.Scenario{Behavior: ecsfake.Hang}, extra: []string{"--image", image, "--timeout", "50ms"}, code: 13, stderr: "did not finish before the deadline: waited 50ms", revision: "2"},
		"no digest":          {extra: []string{"--image", testRepo + ":latest"}, code: 1, stderr: "deployctl rollout: image reference " + testRepo + ":latest has no digest: pass REF@sha256:..., as `publish` prints\n"},
		"unknown env":        {extra: []string{"--image", image, "--env", "qa-nope"}, code: 1, stderr: "deployctl rollout: unknown environment \"qa-nope\": use one of dev, prod, local\n"},
		"missing service":    {extra: []string{"--image", image, "--service", "nope"}, code: 1, stderr: "deployctl rollout: describe service nope in cluster c: MISSING: not found: check --env or --cluster/--service\n"},
		"unreachable output": {extra: []string{"--image", image, "--report-json", "/nonexistent/dir/r.json"}, sc: ecsfake.Scenario{Steps: 1}, code: 1, stderr: "write report /nonexistent/dir/r.json", revision: "2"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var opts []func(*ecsfake.ServiceSpec)
			if tc.noRoll {
				opts = append(opts, withoutRollback)
			}
			srv := fakeService(t, tc.sc, 2, opts...)
			report := filepath.Join(t.TempDir(), "rollout.json")
			extra := tc.extra
			if !strings.Contains(strings.Join(extra, " "), "--report-json") {
				extra = append(extra, "--report-json", report)
			}
			r := runDeployctl(t, bin, false, rolloutArgs(srv, extra...)...)
			t.Logf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
			checkRollout(t, tc, srv, r, report)
		})
	}
}

// checkRollout checks one rollout's exit status and output, the changes it made
// (none on bad input) and its --report-json.
func checkRollout(t *testing.T, tc rolloutCase, srv *ecsfake.Server, r runResult, report string) {
	t.Helper()
	if r.code != tc.code {
		t.Fatalf("exit status %d, want %d", r.code, tc.code)
	}
	if tc.code == 0 && r.stderr != "" {
		t.Errorf("stderr not empty on success: %s", r.stderr)
	}
	if tc.stderr != "" && !strings.Contains(r.stderr, tc.stderr) {
		t.Errorf("stderr does not contain %q", tc.stderr)
	}
	if tc.code != 0 && strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("stderr is not one line: %q", r.stderr)
	}
	if tc.revision == "" {
		if n := srv.Calls("RegisterTaskDefinition") + srv.Calls("UpdateService"); n != 0 {
			t.Errorf("%d changes made despite bad input", n)
		}
		return
	}
	m := finalLine.FindAllStringSubmatch(r.stdout, -1)
	if len(m) == 0 || m[len(m)-1][2] != tc.revision || !strings.HasSuffix(strings.TrimSpace(r.stdout), m[len(m)-1][0]) {
		t.Errorf("stdout does not end with the final line for revision %s", tc.revision)
	}
	if tc.sc.Throttle > 0 && srv.Throttled() != tc.sc.Throttle {
		t.Errorf("throttled %d times, want %d", srv.Throttled(), tc.sc.Throttle)
	}
	if b, err := os.ReadFile(report); err == nil {
		var rep struct {
			Deployment, TaskDefinition, Outcome string
			Revision                            int
		}
		if err := json.Unmarshal(b, &rep); err != nil || rep.Revision != 2 || !strings.HasPrefix(rep.Deployment, "ecs-svc/") {
			t.Errorf("report %s: %+v, %v", b, rep, err)
		}
	}
}

// TestRolloutWithoutAWS: no credentials, or an endpoint nobody answers, is one line
// and exit 1, with no call made.
func TestRolloutWithoutAWS(t *testing.T) {
	t.Parallel()
	bin := testenv.Deployctl(t)
	image := testRepo + ":abc123@" + testDigest
	t.Run("no credentials", func(t *testing.T) {
		t.Parallel()
		srv := fakeService(t, ecsfake.Scenario{}, 2)
		r := runDeployctl(t, bin, true, rolloutArgs(srv, "--image", image)...)
		if r.code != 1 || !strings.HasPrefix(r.stderr, "deployctl rollout: no AWS credentials: set AWS_PROFILE or AWS_ACCESS_KEY_ID") || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("exit %d, stderr %q", r.code, r.stderr)
		}
		if n := srv.Calls("DescribeServices") + srv.Calls("UpdateService"); n != 0 {
			t.Errorf("%d calls made without credentials", n)
		}
	})

	t.Run("unreachable endpoint", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.NotFoundHandler())
		url := srv.URL
		srv.Close()
		r := runDeployctlEnv(t, bin, false, []string{"AWS_MAX_ATTEMPTS=2"}, "rollout", "--env", "dev", "--aws-endpoint", url,
			"--cluster", "c", "--service", "s", "--image", image)
		if r.code != 1 || !strings.Contains(r.stderr, "cannot reach AWS at "+url+": check --aws-endpoint") || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("exit %d, stderr %q", r.code, r.stderr)
		}
	})
}

// TestRollbackAndReleases: three releases, then rollback lands on the one before the
// current, releases lists them with their outcomes, and a rollback into a failing
// revision reports the circuit breaker.
func TestRollbackAndReleases(t *testing.T) {
	t.Parallel()
	bin := testenv.Deployctl(t)
	srv := fakeService(t, ecsfake.Scenario{Steps: 1}, 2)
	for i, v := range []string{"a", "b", "c"} {
		img := testRepo + ":" + v + "@sha256:" + strings.Repeat(strconv.Itoa(i+3), 64)
		if r := runDeployctl(t, bin, false, rolloutArgs(srv, "--image", img)...); r.code != 0 {
			t.Fatalf("rollout %s: exit %d: %s", v, r.code, r.stderr)
		}
	}
	// releases a, b, c are revisions 2, 3, 4; rollback lands on b (3).
	rollback := func(extra ...string) runResult {
		return runDeployctl(t, bin, false, append([]string{"rollback", "--env", "dev", "--aws-endpoint", srv.URL, "--cluster", "c", "--service", "s", "--poll-interval", "2ms"}, extra...)...)
	}
	r := rollback()
	if r.code != 0 {
		t.Fatalf("rollback exit %d: %s", r.code, r.stderr)
	}
	if m := finalLine.FindStringSubmatch(r.stdout); m == nil || m[2] != "3" {
		t.Errorf("rollback final line missing or not revision 3:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, "timeline: ") || !strings.Contains(r.stdout, "deregistered predictor-model-dev-backend:4 (rolled-back)") {
		t.Errorf("rollback output lacks the timeline or the deregistration:\n%s", r.stdout)
	}
	if r := rollback("--to", "1"); r.code != 1 || !strings.Contains(r.stderr, "it never ran") {
		t.Errorf("rollback --to 1 (never ran): exit %d, %s", r.code, r.stderr)
	}
	checkReleases(t, bin, srv)

	srv.SetScenario(ecsfake.Scenario{Behavior: ecsfake.RollBack})
	r = rollback("--to", "2")
	if r.code != 11 {
		t.Errorf("rollback into a failing revision: exit %d, want 11: %s", r.code, r.stderr)
	}
}

// checkReleases checks `releases` after TestRollbackAndReleases's rollback, as a
// table and as JSON: c rolled back, b current, a completed.
func checkReleases(t *testing.T, bin string, srv *ecsfake.Server) {
	t.Helper()
	list := runDeployctl(t, bin, false, "releases", "--env", "dev", "--aws-endpoint", srv.URL, "--cluster", "c", "--service", "s")
	rows := regexp.MustCompile(`(?m)^([ *])(\d) +(\w) +(\S+) `).FindAllStringSubmatch(list.stdout, -1)
	var got []string
	for _, m := range rows {
		got = append(got, m[1]+m[2]+" "+m[3]+" "+m[4])
	}
	want := []string{" 4 c rolled-back", "*3 b completed", " 2 a completed"}
	if list.code != 0 || strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("releases: exit %d, rows %q, want %q\n%s%s", list.code, got, want, list.stdout, list.stderr)
	}
	js := runDeployctl(t, bin, false, "releases", "--env", "dev", "--aws-endpoint", srv.URL, "--cluster", "c", "--service", "s", "--json")
	var rels []struct {
		Revision int
		Outcome  string
		Current  bool
	}
	if err := json.Unmarshal([]byte(js.stdout), &rels); err != nil || len(rels) != 3 || rels[0].Revision != 4 || rels[0].Outcome != "rolled-back" || !rels[1].Current {
		t.Errorf("releases --json: %v\n%s", err, js.stdout)
	}
}

// TestWatchExit maps every watch outcome to its documented exit status.
func TestWatchExit(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		err  error
		want int
	}{
		"ok":          {nil, exitcode.OK},
		"failed":      {fmt.Errorf("x: %w", rollout.ErrFailed), exitcode.RolloutFailed},
		"rolled back": {fmt.Errorf("x: %w", rollout.ErrRolledBack), exitcode.RolledBack},
		"tasks":       {fmt.Errorf("x: %w", rollout.ErrTasksFailing), exitcode.TasksFailing},
		"timeout":     {fmt.Errorf("x: %w", rollout.ErrTimeout), exitcode.Timeout},
		"superseded":  {fmt.Errorf("x: %w", rollout.ErrSuperseded), exitcode.Superseded},
		"other":       {errors.New("boom"), exitcode.Error},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, watchExit(tc.err)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestSmokeCommand(t *testing.T) {
	t.Parallel()
	bin := testenv.Deployctl(t)
	tests := map[string]struct {
		body   string
		code   int
		stderr string
	}{
		"right version": {body: `{"status":"ok","version":"v2"}`, code: 0},
		"old version":   {body: `{"status":"ok","version":"v1"}`, code: 20, stderr: "last seen: HTTP 200, version v1"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := newHealthServer(t, tc.body)
			r := runDeployctl(t, bin, false, "smoke", "--url", srv, "--expect-version", "v2", "--timeout", (5 * time.Second).String()) // room for a loaded machine: the old version must be seen at least once
			if r.code != tc.code || !strings.Contains(r.stderr, tc.stderr) {
				t.Errorf("exit %d (want %d), stderr %q (want %q)", r.code, tc.code, r.stderr, tc.stderr)
			}
		})
	}
}
