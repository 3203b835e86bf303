package main

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"dagger/predictor/internal/envcfg"
	"dagger/predictor/internal/exitcode"
	"dagger/predictor/internal/testsupport/testenv"
)

// TestServiceDriftEndToEnd runs drift with the deployctl binary against moto: a small
// terraform root whose outputs name a service made through the SDK, a release of it
// recorded by rollout, and a scalable target. No drift exits 0; an out-of-band
// UpdateService to the previous revision at a count above the autoscaling maximum is
// service drift (8), naming revision, image and count; with a bucket's tags changed
// behind terraform as well, both kinds (9).
func TestServiceDriftEndToEnd(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("-short: applies a terraform root against the emulator")
	}
	moto := testenv.NewMoto(t, testenv.MotoOptions{Env: []string{"MOTO_ECS_SERVICE_RUNNING=2"}})
	cfg := testenv.AWSConfig(t, moto.URL)
	root := newRootRun(t, moto, "servicedrift")
	deployctl := root.deployctl
	root.apply()

	api := ecs.NewFromConfig(cfg)
	createService(t, api, "dev")
	const image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/predictor-model-dev@sha256:" + "5e" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd"
	deployctl(0, "rollout", "--image", image, "--version", "v1", "--desired-count", "1", "--poll-interval", "20ms", "--timeout", "1m")
	cluster, service := "predictor-model-dev-cluster", "predictor-model-dev-service"
	if _, err := applicationautoscaling.NewFromConfig(cfg).RegisterScalableTarget(t.Context(), &applicationautoscaling.RegisterScalableTargetInput{
		ServiceNamespace: astypes.ServiceNamespaceEcs, ResourceId: aws.String("service/" + cluster + "/" + service),
		ScalableDimension: astypes.ScalableDimensionECSServiceDesiredCount, MinCapacity: aws.Int32(1), MaxCapacity: aws.Int32(2),
	}); err != nil {
		t.Fatal(err)
	}
	family := envcfg.TaskFamily("dev")

	r := deployctl(exitcode.OK, "drift")
	if want := "Service drift in dev: none; " + service + " runs its last release " + family + ":2 (version v1, " + image + ").\n"; !strings.Contains(r.stdout, want) {
		t.Errorf("drift without drift:\n%s\nwant %q", r.stdout, want)
	}

	// Someone moves the service back to the bootstrap revision and scales it by hand.
	if _, err := api.UpdateService(t.Context(), &ecs.UpdateServiceInput{Cluster: aws.String(cluster), Service: aws.String(service),
		TaskDefinition: aws.String(family + ":1"), DesiredCount: aws.Int32(3)}); err != nil {
		t.Fatal(err)
	}
	r = deployctl(exitcode.ServiceDrift, "drift")
	for _, want := range []string{
		"Drift in dev: none; the infrastructure matches the state.\n",
		"Service drift in dev: " + service + " differs from its last release " + family + ":2 (version v1) in 3 way(s):\n",
		"  revision: running " + family + ":1, expected " + family + ":2 (the service was moved to another task definition outside a release)\n",
		"  image: running bootstrap:latest, expected " + image + " (the running image is not pinned by digest)\n",
		"  desired count: running 3, expected 1..2 (outside the autoscaling bounds: the service was scaled outside autoscaling)\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("drift after an out-of-band UpdateService lacks %q:\n%s", want, r.stdout)
		}
	}

	// Terraform's resources drift as well: both kinds, one status.
	if _, err := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }).PutBucketTagging(t.Context(), &s3.PutBucketTaggingInput{
		Bucket:  aws.String("servicedrift-dev-files"),
		Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String("Owner"), Value: aws.String("someone-else")}}},
	}); err != nil {
		t.Fatal(err)
	}
	r = deployctl(exitcode.BothDrift, "drift")
	for _, want := range []string{"Drift in dev: 1 resource(s) changed outside terraform:\n  update aws_s3_bucket.this (tags, tags_all)\n", "Service drift in dev: " + service + " differs"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("drift of both kinds lacks %q:\n%s", want, r.stdout)
		}
	}
	t.Logf("deployctl drift with both kinds:\n%s", r.stdout)
}
