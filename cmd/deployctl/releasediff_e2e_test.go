package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"dagger/predictor/internal/envcfg"
	"dagger/predictor/internal/testsupport/testenv"
)

// TestReleaseDiffEndToEnd runs release-diff with the deployctl binary against moto: a
// small terraform root registers the task definition, the test makes the service on it
// and rollout releases an image; then a plan that doubles the task size and changes two
// variables, with a new image, shows each change, the secret-named variable without its
// values.
func TestReleaseDiffEndToEnd(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("-short: applies a terraform root against the emulator")
	}
	moto := testenv.NewMoto(t, testenv.MotoOptions{Env: []string{"MOTO_ECS_SERVICE_RUNNING=2"}})
	root := newRootRun(t, moto, "releasediff")
	deployctl := root.deployctl
	root.apply()

	api := ecs.NewFromConfig(testenv.AWSConfig(t, moto.URL))
	cluster, service := "predictor-model-dev-cluster", "predictor-model-dev-service"
	if _, err := api.CreateCluster(t.Context(), &ecs.CreateClusterInput{ClusterName: aws.String(cluster)}); err != nil {
		t.Fatal(err)
	}
	if _, err := api.CreateService(t.Context(), &ecs.CreateServiceInput{Cluster: aws.String(cluster), ServiceName: aws.String(service),
		TaskDefinition: aws.String(envcfg.TaskFamily("dev")), DesiredCount: aws.Int32(0), LaunchType: types.LaunchTypeFargate}); err != nil {
		t.Fatal(err)
	}
	const repo = "123456789012.dkr.ecr.us-east-1.amazonaws.com/predictor-model-dev"
	one, two := "sha256:"+strings.Repeat("1", 64), "sha256:"+strings.Repeat("2", 64)
	deployctl(0, "rollout", "--image", repo+"@"+one, "--version", "v1", "--desired-count", "1", "--poll-interval", "20ms", "--timeout", "1m")

	// Nothing planned, nothing new: no changes.
	r := deployctl(0, "release-diff")
	if want := "Release diff for dev: " + service + " runs " + envcfg.TaskFamily("dev") + ":2; next: the running task definition (no --plan).\n  no changes to the running service\n"; r.stdout != want {
		t.Errorf("release-diff without changes:\n%s\nwant\n%s", r.stdout, want)
	}

	tfvars := "environment = \"dev\"\ncpu = \"512\"\nmemory = \"1024\"\nlog_level = \"debug\"\nmodel_token = \"token-two\"\n"
	if err := os.WriteFile(filepath.Join(root.infra, "envs", "dev.tfvars"), []byte(tfvars), 0o644); err != nil {
		t.Fatal(err)
	}
	deployctl(2, "plan", "--out", "next.tfplan", "--no-policy")
	r = deployctl(0, "release-diff", "--plan", "next.tfplan", "--image", two, "--version", "v2")
	want := "Release diff for dev: " + service + " runs " + envcfg.TaskFamily("dev") + ":2; next: the task definition of plan next.tfplan.\n" +
		"  image            " + repo + "@" + one + " -> " + repo + "@" + two + "\n" +
		"  cpu              256 -> 512\n" +
		"  memory           512 -> 1024\n" +
		"  env APP_VERSION  \"v1\" -> \"v2\"\n" +
		"  env LOG_LEVEL    \"info\" -> \"debug\"\n" +
		"  env MODEL_TOKEN  changed (value hidden)\n"
	if r.stdout != want {
		t.Errorf("release-diff of a task-size change and a new image:\n%s\nwant\n%s", r.stdout, want)
	}
	r = deployctl(0, "release-diff", "--plan", "next.tfplan", "--image", two, "--format", "markdown")
	for _, line := range []string{"| cpu | `256` | `512` |\n", "| env MODEL_TOKEN | `(value hidden)` | `(value hidden)` |\n"} {
		if !strings.Contains(r.stdout, line) {
			t.Errorf("release-diff --format markdown lacks %q:\n%s", line, r.stdout)
		}
	}
	for _, secret := range []string{"token-one", "token-two"} {
		if strings.Contains(r.stdout, secret) {
			t.Errorf("release-diff shows the value of MODEL_TOKEN:\n%s", r.stdout)
		}
	}
	t.Logf("deployctl release-diff --format markdown:\n%s", r.stdout)
}
