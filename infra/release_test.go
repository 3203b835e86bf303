package infra_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/predictor/internal/rollout"
)

// releasesFollowTerraform drives releases on an applied environment (the dev run of
// TestEnvironmentsEndToEnd, whose emulator reports running tasks) with the rollout
// package (real SDK, real HTTP to moto), and checks the rules:
//   - after the first release Terraform's plan only raises the autoscaling minimum
//     (0 while the service runs the bootstrap image): it reverts neither the task
//     definition nor the count;
//   - a release is Terraform's task definition + the new image: after Terraform resizes
//     the task (task_cpu 256 -> 512) and is applied, the next release runs with cpu 512
//     and the new image;
//   - rollback lands on the last release that completed before the current one, never
//     on Terraform's placeholder revision, and never on a release that was rolled back;
//   - rollback --to refuses a revision that never ran; the release rolled back from is
//     deregistered.
//
// It runs inside the dev environment's test rather than on its own stack: one more
// full apply would not fit the package's time on a loaded two-core machine.
func releasesFollowTerraform(t *testing.T, s *stack) {
	t.Helper()
	r := newReleases(t, s)
	r.firstReleaseKeepsTerraform(t)
	r.releaseAfterResize(t)
	r.rollbackSkipsPlaceholder(t)
	r.rollbackSkipsRolledBack(t)
	r.rollbackToRefuses(t)
}

// releases is an applied stack with a rollout client on its service, and the
// revisions the phases leave for the next: a and b (releases), tfRev (Terraform's
// task definition after the resize).
type releases struct {
	s            *stack
	o            map[string]string // terraform's outputs, read again after each apply
	api          *ecs.Client
	cli          *rollout.Client
	target       rollout.Target
	family, repo string
	a, b, tfRev  int32
}

func newReleases(t *testing.T, s *stack) *releases {
	t.Helper()
	r := &releases{s: s, api: ecs.NewFromConfig(awsConfig(s.endpoint))}
	r.o = r.outs(t)
	log := &bytes.Buffer{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("rollout output:\n%s", log)
		}
	})
	r.cli = rollout.New(r.api, rollout.Options{Out: log, PollInterval: 20 * time.Millisecond, Caller: "arn:aws:iam::123456789012:user/e2e"})
	r.target = rollout.Target{Cluster: r.o["ecs_cluster_name"], Service: r.o["ecs_service_name"], Container: r.o["ecs_container_name"], DesiredCount: int32(envs[s.env].desiredCount)}
	r.family = r.o["ecs_task_family"]
	r.repo = r.o["ecr_repository_url"]
	return r
}

// outs is terraform's string outputs.
func (r *releases) outs(t *testing.T) map[string]string {
	t.Helper()
	var raw map[string]output
	if err := json.Unmarshal([]byte(r.s.must("output", "-no-color", "-json")), &raw); err != nil {
		t.Fatalf("terraform output -json: %v", err)
	}
	out := map[string]string{}
	for k, v := range raw {
		var str string
		if json.Unmarshal(v.Value, &str) == nil {
			out[k] = str
		}
	}
	return out
}

func (r *releases) release(t *testing.T, v string, tfTaskDef string) int32 {
	t.Helper()
	res, err := r.cli.Rollout(t.Context(), rollout.Request{
		Target: r.target, TaskDefinition: tfTaskDef, Version: v, Timeout: time.Minute,
		Image: fmt.Sprintf("%s@sha256:%064x", r.repo, v[0]),
	})
	if err != nil {
		t.Fatalf("release %s: %v", v, err)
	}
	return res.Revision
}

func (r *releases) rollback(t *testing.T, to int32) (rollout.Result, error) {
	t.Helper()
	return r.cli.Rollback(t.Context(), rollout.RollbackRequest{Target: r.target, To: to, Timeout: time.Minute})
}

// running is the task definition the service runs.
func (r *releases) running(t *testing.T) *types.TaskDefinition {
	t.Helper()
	svc, err := r.api.DescribeServices(t.Context(), &ecs.DescribeServicesInput{Cluster: aws.String(r.target.Cluster), Services: []string{r.target.Service}})
	if err != nil || len(svc.Services) != 1 {
		t.Fatalf("describe service: %v", err)
	}
	td, err := r.api.DescribeTaskDefinition(t.Context(), &ecs.DescribeTaskDefinitionInput{TaskDefinition: svc.Services[0].TaskDefinition})
	if err != nil {
		t.Fatalf("describe task definition: %v", err)
	}
	return td.TaskDefinition
}

func (r *releases) status(t *testing.T, rev int32) types.TaskDefinitionStatus {
	t.Helper()
	td, err := r.api.DescribeTaskDefinition(t.Context(), &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(fmt.Sprintf("%s:%d", r.family, rev))})
	if err != nil {
		t.Fatalf("describe %s:%d: %v", r.family, rev, err)
	}
	return td.TaskDefinition.Status
}

// firstReleaseKeepsTerraform: after the first release Terraform reverts neither the
// task definition nor the count: its plan only raises the autoscaling minimum from 0
// to min_capacity.
func (r *releases) firstReleaseKeepsTerraform(t *testing.T) {
	t.Helper()
	s := r.s
	r.a = r.release(t, "a", r.o["ecs_task_definition_arn"])
	out, code := s.run(s.args("plan", "-detailed-exitcode")...)
	if code != 2 {
		t.Fatalf("plan after the first release: exit %d, want 2 (raise the autoscaling minimum):\n%s", code, tail(out, 8000))
	}
	changed := regexp.MustCompile(`(?m)^  # (\S+) will be`).FindAllStringSubmatch(out, -1)
	if len(changed) != 1 || changed[0][1] != "module.ecs.aws_appautoscaling_target.this" || !strings.Contains(out, "min_capacity       = 0 -> 1") {
		t.Fatalf("plan after the first release must only raise the autoscaling minimum 0 -> 1 (never revert the task definition or the count):\n%s", tail(out, 8000))
	}
}

// releaseAfterResize: Terraform resizes the task and is applied; the next release
// runs Terraform's new size with its own image.
func (r *releases) releaseAfterResize(t *testing.T) {
	t.Helper()
	s, a := r.s, r.a
	s.must(s.args("apply", "-auto-approve", "-var", "task_cpu=512", "-var", "task_memory=1024")...)
	r.o = r.outs(t)
	r.tfRev = revision(t, r.o["ecs_task_definition_arn"])
	if r.tfRev <= a {
		t.Fatalf("terraform's task definition %s was not replaced after the resize", r.o["ecs_task_definition_arn"])
	}
	b := r.release(t, "b", r.o["ecs_task_definition_arn"])
	r.b = b
	td := r.running(t)
	if td.Revision != b || aws.ToString(td.Cpu) != "512" || aws.ToString(td.Memory) != "1024" ||
		!strings.HasSuffix(aws.ToString(td.ContainerDefinitions[0].Image), fmt.Sprintf("@sha256:%064x", 'b')) {
		t.Errorf("after the resize the service runs %s:%d with cpu %s, memory %s, image %s; want revision %d, 512, 1024 and b's image",
			r.family, td.Revision, aws.ToString(td.Cpu), aws.ToString(td.Memory), aws.ToString(td.ContainerDefinitions[0].Image), b)
	}
}

// rollbackSkipsPlaceholder: rollback lands on a, not Terraform's placeholder in
// between, and b is deregistered.
func (r *releases) rollbackSkipsPlaceholder(t *testing.T) {
	t.Helper()
	res, err := r.rollback(t, 0)
	if err != nil || res.Revision != r.a {
		t.Fatalf("rollback = revision %d, %v; want %d (Terraform's %d never ran)", res.Revision, err, r.a, r.tfRev)
	}
	if st := r.status(t, r.b); st != types.TaskDefinitionStatusInactive {
		t.Errorf("rolled-back release %d is %s, want INACTIVE", r.b, st)
	}
}

// rollbackSkipsRolledBack: after a new release, rollback goes back to a, the last
// good one (b was rolled back).
func (r *releases) rollbackSkipsRolledBack(t *testing.T) {
	t.Helper()
	c := r.release(t, "c", r.o["ecs_task_definition_arn"])
	if res, err := r.rollback(t, 0); err != nil || res.Revision != r.a {
		t.Fatalf("rollback after c (%d) = revision %d, %v; want %d", c, res.Revision, err, r.a)
	}
}

// rollbackToRefuses: --to refuses revisions that never ran (Terraform's) or were
// retired.
func (r *releases) rollbackToRefuses(t *testing.T) {
	t.Helper()
	for rev, want := range map[int32]string{r.tfRev: "it never ran", r.b: "is INACTIVE"} {
		if _, err := r.rollback(t, rev); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("rollback --to %d: %v, want %q", rev, err, want)
		}
	}
}

func revision(t *testing.T, arn string) int32 {
	t.Helper()
	var n int32
	if i := strings.LastIndex(arn, ":"); i < 0 || func() error { _, err := fmt.Sscan(arn[i+1:], &n); return err }() != nil {
		t.Fatalf("task definition ARN %q has no revision", arn)
	}
	return n
}
