package rollout

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// BenchmarkRolloutVsCLI compares a rollout (register a revision, update the service,
// watch the deployment by ID) with the AWS CLI's `aws ecs update-service` followed by
// `aws ecs wait services-stable` (its real waiter, polling every 15 s) on the same
// emulated service, and reports rollout time / CLI time ("rollout/cli", lower is
// better; <= 1 means rollout is no slower). The CLI path does less: its task
// definition revision is registered beforehand and not timed.
func BenchmarkRolloutVsCLI(b *testing.B) {
	awsCLI, err := exec.LookPath("aws")
	if err != nil {
		b.Fatalf("aws CLI not found on PATH: install it (pip install awscli) to compare with `aws ecs wait services-stable`")
	}
	moto, api := motoService(b)
	cli := New(api, Options{Emulator: true}) // default poll intervals and stable polls; moto is an emulator
	home := b.TempDir()
	env := []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + home, "AWS_ACCESS_KEY_ID=testing", "AWS_SECRET_ACCESS_KEY=testing",
		"AWS_DEFAULT_REGION=us-east-1", "AWS_CONFIG_FILE=" + filepath.Join(home, "none"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "none"), "AWS_EC2_METADATA_DISABLED=true",
	}
	aws1 := func(args ...string) {
		cmd := exec.CommandContext(b.Context(), awsCLI, append([]string{"--endpoint-url", moto.URL, "--output", "json"}, args...)...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("aws %v: %v\n%s", args, err, out)
		}
	}

	var ours, theirs time.Duration
	for i := 0; b.Loop(); i++ {
		r := req(5 * time.Minute)
		r.Image = fmt.Sprintf("%s@sha256:%064x", testRepository, i+1)
		r.Version = fmt.Sprintf("bench-%d", i)
		start := time.Now()
		if _, err := cli.Rollout(b.Context(), r); err != nil {
			b.Fatalf("rollout: %v", err)
		}
		ours += time.Since(start)

		// The CLI's turn, to a revision registered (untimed) from the current one.
		svc, err := cli.describeService(b.Context(), cluster, svcName)
		if err != nil {
			b.Fatal(err)
		}
		cur, tags, err := cli.describeTaskDefinition(b.Context(), aws.ToString(svc.TaskDefinition))
		if err != nil {
			b.Fatal(err)
		}
		in, err := newRevisionInput(cur, tags, "backend", r.Image, r.Version+"-cli")
		if err != nil {
			b.Fatal(err)
		}
		reg, err := api.RegisterTaskDefinition(b.Context(), in)
		if err != nil {
			b.Fatal(err)
		}
		start = time.Now()
		aws1("ecs", "update-service", "--cluster", cluster, "--service", svcName, "--task-definition", aws.ToString(reg.TaskDefinition.TaskDefinitionArn))
		aws1("ecs", "wait", "services-stable", "--cluster", cluster, "--services", svcName)
		theirs += time.Since(start)
	}
	n := float64(b.N)
	b.ReportMetric(ours.Seconds()/n, "rollout-s/op")
	b.ReportMetric(theirs.Seconds()/n, "cli-s/op")
	b.ReportMetric(ours.Seconds()/theirs.Seconds(), "rollout/cli")
}
