package rollout

import (
	"bytes"
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
	ctx := tb.Context()
	if _, err := api.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String(cluster)}); err != nil {
		tb.Fatal(err)
	}
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
		Cluster: aws.String(cluster), ServiceName: aws.String(svcName), TaskDefinition: aws.String(family),
		DesiredCount: aws.Int32(0), LaunchType: types.LaunchTypeFargate,
	}); err != nil {
		tb.Fatal(err)
	}
	return moto, api
}

// TestRolloutMoto is the happy path against moto (see the package comment for what
// moto does and does not model, and how the watch copes).
func TestRolloutMoto(t *testing.T) {
	t.Parallel()
	_, api := motoService(t)
	out := &bytes.Buffer{}
	// Emulator: the caller (this test) knows moto is an emulator.
	cli := New(api, Options{Out: out, PollInterval: 10 * time.Millisecond, Emulator: true, Caller: "arn:aws:iam::123456789012:user/tester"})
	first := req(30 * time.Second)
	rec := Record{Commit: strings.Repeat("c", 40), Plan: "plan-id:20261206-abc", LockHash: "sha256:" + strings.Repeat("1", 64), PromotedFrom: "dev:7"}
	first.Record = rec
	res, err := cli.Rollout(t.Context(), first)
	t.Logf("output:\n%s", out)
	if err != nil {
		t.Fatalf("Rollout: %v", err)
	}
	if res.Outcome != Completed || res.Revision != 2 || res.TaskDefinition != taskDefTwo || res.Deployment == "" {
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
	if !strings.Contains(out.String(), "note: the service is on") {
		t.Errorf("the emulator fallback was not announced:\n%s", out)
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
	if three.Status != types.TaskDefinitionStatusInactive || tagMap(tags)[TagOutcome] != ReleaseRolledBack {
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
