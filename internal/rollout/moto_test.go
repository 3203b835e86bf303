package rollout

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/predictor/internal/testsupport/testenv"
)

func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }

// motoService starts an emulator whose ECS services report running tasks and creates a
// cluster, a task definition and a service with desired count 0 (as terraform leaves
// it) through the SDK.
func motoService(tb testing.TB) (*testenv.Moto, *ecs.Client) {
	tb.Helper()
	moto := testenv.NewMoto(tb, testenv.MotoOptions{Env: []string{"MOTO_ECS_SERVICE_RUNNING=2"}})
	cfg := testenv.AWSConfig(tb, moto.URL)
	api := ecs.NewFromConfig(cfg)
	if _, err := api.CreateCluster(tb.Context(), &ecs.CreateClusterInput{ClusterName: aws.String(cluster)}); err != nil {
		tb.Fatal(err)
	}
	createMotoService(tb, api, family, svcName)
	return moto, api
}

// createMotoService registers revision 1 of family and creates service name on it.
func createMotoService(tb testing.TB, api *ecs.Client, family, name string) {
	tb.Helper()
	ctx := tb.Context()
	_, err := api.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{
		Family:                  aws.String(family),
		Cpu:                     aws.String("256"),
		Memory:                  aws.String("512"),
		NetworkMode:             types.NetworkModeAwsvpc,
		RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate},
		ExecutionRoleArn:        aws.String("arn:aws:iam::123456789012:role/exec"),
		ContainerDefinitions: []types.ContainerDefinition{{
			Name: aws.String("backend"), Image: aws.String(oldImage), Essential: aws.Bool(true), User: aws.String("10001"),
			Environment: []types.KeyValuePair{{Name: aws.String("APP_ENV"), Value: aws.String("local")}},
		}},
	})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := api.CreateService(ctx, &ecs.CreateServiceInput{
		Cluster: aws.String(cluster), ServiceName: aws.String(name), TaskDefinition: aws.String(family),
		DesiredCount: aws.Int32(0), LaunchType: types.LaunchTypeFargate,
	}); err != nil {
		tb.Fatal(err)
	}
}

// TestRolloutMoto is the happy path against moto (see the package comment for what
// moto does and does not model, and how the watch copes).
func TestRolloutMoto(t *testing.T) {
	t.Parallel()
	_, api := motoService(t)
	// Beside the service the rollouts use: one emulator process per test package is
	// enough, and each costs seconds of CPU.
	t.Run("launcher models deployments", func(t *testing.T) { checkMotoDeployments(t, api) })
	out := &bytes.Buffer{}
	cli := New(api, Options{Out: out, PollInterval: 10 * time.Millisecond, Caller: "arn:aws:iam::123456789012:user/tester"})
	first := req(30 * time.Second)
	rec := Record{Commit: strings.Repeat("c", 40), Plan: "plan-id:20261206-abc", LockHash: "sha256:" + strings.Repeat("1", 64), PromotedFrom: "dev:7"}
	first.Record = rec
	res, err := cli.Rollout(t.Context(), first)
	t.Logf("output:\n%s", out)
	if err != nil {
		t.Fatalf("Rollout: %v", err)
	}
	if res.Outcome != completed || res.Revision != 2 || res.TaskDefinition != taskDefTwo || res.Deployment == "" {
		t.Errorf("result = %+v", res)
	}
	svc, err := cli.describeService(t.Context(), cluster, svcName)
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(svc.TaskDefinition) != taskDefTwo || svc.DesiredCount != 2 {
		t.Errorf("service on %s with desired %d, want %s and 2", aws.ToString(svc.TaskDefinition), svc.DesiredCount, taskDefTwo)
	}
	td, _, err := cli.describeTaskDefinition(t.Context(), taskDefTwo)
	if err != nil {
		t.Fatal(err)
	}
	if image, version, _ := containerState(td, "backend"); image != testImage || version != "v2" {
		t.Errorf("revision 2 runs %s version %s", image, version)
	}
	// The record, read back by a new client as a fresh deployctl would.
	if err := cli.RecordResult(t.Context(), family+":2", "passed", "plan=1s rollout=2s"); err != nil {
		t.Fatal(err)
	}
	rels, err := New(api, Options{}).FamilyReleases(t.Context(), family, 0)
	if err != nil || len(rels) != 1 {
		t.Fatalf("FamilyReleases = %+v, %v; want one release", rels, err)
	}
	got := rels[0]
	if got.Commit != rec.Commit || got.Plan != rec.Plan || got.LockHash != rec.LockHash || got.PromotedFrom != rec.PromotedFrom || got.BreakGlass ||
		got.Smoke != "passed" || got.Timings != "plan=1s rollout=2s" || got.Deployment != res.Deployment || got.Digest() != testImage[strings.Index(testImage, "@")+1:] {
		t.Errorf("record read back = %+v", got)
	}
	if p, ok := Promotable(rels, got.Digest()); !ok || p.Revision != 2 {
		t.Errorf("Promotable(%s) = %+v, %v; want revision 2", got.Digest(), p, ok)
	}

	// A second release, then rollback: it lands on revision 2 (revision 1 is the
	// bootstrap one, which never ran as a release) through tags moto stores, and the
	// release rolled back from is deregistered.
	r := req(30 * time.Second)
	r.Image, r.Version = testRepository+"@sha256:"+strings.Repeat("2", 64), "v3"
	if _, err := cli.Rollout(t.Context(), r); err != nil {
		t.Fatalf("second Rollout: %v\n%s", err, out)
	}
	back, err := cli.Rollback(t.Context(), RollbackRequest{Target: Target{Cluster: cluster, Service: svcName}, Timeout: 30 * time.Second})
	if err != nil {
		t.Fatalf("Rollback: %v\n%s", err, out)
	}
	if back.Revision != 2 {
		t.Errorf("rollback result = %+v, want revision 2", back)
	}
	three, tags, err := cli.describeTaskDefinition(t.Context(), family+":3")
	if err != nil {
		t.Fatal(err)
	}
	if three.Status != types.TaskDefinitionStatusInactive || tagMap(tags)[tagOutcome] != releaseRolledBack {
		t.Errorf("revision 3 after rollback: status %s, tags %v; want INACTIVE, rolled-back", three.Status, tagMap(tags))
	}
	// A release rolled back is never promoted, though it completed once.
	rels, err = cli.FamilyReleases(t.Context(), family, 0)
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := Promotable(rels, r.Image[strings.Index(r.Image, "@")+1:]); ok {
		t.Errorf("Promotable(rolled-back digest) = %+v, want none", p)
	}
	if _, err := cli.Rollback(t.Context(), RollbackRequest{Target: Target{Cluster: cluster, Service: svcName}, To: 1, Timeout: 30 * time.Second}); err == nil || !strings.Contains(err.Error(), "never ran") {
		t.Errorf("rollback --to 1 (bootstrap): %v, want a refusal", err)
	}
}

// checkMotoDeployments checks what the watch relies on from the emulator launcher, on
// its own family and service: UpdateService returns a new PRIMARY deployment with its
// own ID (the old one ACTIVE), the next DescribeServices shows it COMPLETED and alone
// with every task running, a forced redeploy gets yet another ID, and a desired-count
// change keeps the deployment.
func checkMotoDeployments(t *testing.T, api *ecs.Client) {
	const fam, name = "launcher-model", "launcher-model"
	tdOne := strings.Replace(taskDefOne, family, fam, 1)
	tdTwo := strings.Replace(taskDefTwo, family, fam, 1)
	createMotoService(t, api, fam, name)
	ctx := t.Context()
	td, err := api.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(fam)})
	if err != nil {
		t.Fatal(err)
	}
	in := td.TaskDefinition
	if _, err := api.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{
		Family: in.Family, Cpu: in.Cpu, Memory: in.Memory, NetworkMode: in.NetworkMode,
		RequiresCompatibilities: in.RequiresCompatibilities, ExecutionRoleArn: in.ExecutionRoleArn, ContainerDefinitions: in.ContainerDefinitions,
	}); err != nil {
		t.Fatal(err)
	}
	describe := func() types.Service {
		t.Helper()
		out, err := api.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(cluster), Services: []string{name}})
		if err != nil || len(out.Services) != 1 {
			t.Fatalf("describe services: %v %v", out, err)
		}
		return out.Services[0]
	}
	before := describe().Deployments[0]
	update := func(in *ecs.UpdateServiceInput) types.Service {
		t.Helper()
		in.Cluster, in.Service = aws.String(cluster), aws.String(name)
		out, err := api.UpdateService(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return *out.Service
	}
	// family:revision in, the ARN out, as ECS answers.
	updated := update(&ecs.UpdateServiceInput{TaskDefinition: aws.String(fam + ":2"), DesiredCount: aws.Int32(2)})
	got := deploymentStates(updated)
	wantNew := fmt.Sprintf("PRIMARY %s IN_PROGRESS running 0/2; ACTIVE %s %s", tdTwo, tdOne, before.RolloutState)
	if aws.ToString(updated.TaskDefinition) != tdTwo || got != wantNew || aws.ToString(updated.Deployments[0].Id) == aws.ToString(before.Id) {
		t.Errorf("UpdateService answered service on %s, deployments %q (first %s, before %s)\nwant on %s, %q and a new ID",
			aws.ToString(updated.TaskDefinition), got, aws.ToString(updated.Deployments[0].Id), aws.ToString(before.Id), tdTwo, wantNew)
	}
	ours := aws.ToString(updated.Deployments[0].Id)
	svc := describe()
	if got, want := deploymentStates(svc), "PRIMARY "+tdTwo+" COMPLETED running 2/2"; got != want || aws.ToString(svc.Deployments[0].Id) != ours || svc.RunningCount != 2 {
		t.Errorf("after the update DescribeServices shows %q (ID %s, service running %d), want %q (ID %s, running 2)", got, aws.ToString(svc.Deployments[0].Id), svc.RunningCount, want, ours)
	}

	forced := update(&ecs.UpdateServiceInput{ForceNewDeployment: true})
	if id := aws.ToString(forced.Deployments[0].Id); len(forced.Deployments) != 2 || id == ours || !strings.HasPrefix(id, "ecs-svc/") {
		t.Errorf("forced redeploy: deployments %q, first ID %s; want a new PRIMARY beside %s", deploymentStates(forced), id, ours)
	}
	forcedID := aws.ToString(forced.Deployments[0].Id)
	describe()
	scaled := update(&ecs.UpdateServiceInput{DesiredCount: aws.Int32(1)})
	if got, want := deploymentStates(scaled), "PRIMARY "+tdTwo+" COMPLETED running 1/1"; got != want || aws.ToString(scaled.Deployments[0].Id) != forcedID {
		t.Errorf("desired count change: deployments %q (ID %s), want %q (ID %s)", got, aws.ToString(scaled.Deployments[0].Id), want, forcedID)
	}

	// More tasks than the emulator runs (MOTO_ECS_SERVICE_RUNNING=2): never COMPLETED.
	update(&ecs.UpdateServiceInput{ForceNewDeployment: true, DesiredCount: aws.Int32(3)})
	describe()
	if got, want := deploymentStates(describe()), "PRIMARY "+tdTwo+" IN_PROGRESS running 2/3; ACTIVE "+tdTwo+" COMPLETED"; got != want {
		t.Errorf("3 desired, 2 running: deployments %q, want %q", got, want)
	}
}

// deploymentStates is "STATUS taskDefinition rolloutState running r/d" per deployment
// (counts only for the first), joined by "; ".
func deploymentStates(svc types.Service) string {
	var parts []string
	for i, d := range svc.Deployments {
		s := fmt.Sprintf("%s %s %s", aws.ToString(d.Status), aws.ToString(d.TaskDefinition), d.RolloutState)
		if i == 0 {
			s += fmt.Sprintf(" running %d/%d", d.RunningCount, d.DesiredCount)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}
