package rollout

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"dagger/predictor/internal/awsx"
	"dagger/predictor/internal/testsupport/ecsfake"
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
	cli := New(api, Options{}) // default poll intervals and stable polls
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

// BenchmarkEndDetection measures how soon a rollout sees its deployment end, and at what
// request rate, over a simulated 10-minute rollout on the ECS test server in Duration
// mode (new tasks start over the first 8 minutes, the old ones drain over the last 2,
// COMPLETED at exactly 10 minutes). The clock is scaled instead of slept: every
// interval is divided by timeScale on both sides (the fake's Duration and the watch's
// poll intervals and task-check interval), and measured times are multiplied back.
// That also multiplies the loopback round trips by timeScale, so the latency reported
// errs high. Several rollouts run at once, each on its own server, with completion
// times spread over one fast-poll interval so the poll grid's phase varies.
//
// Reported: end-s (mean and max, simulated seconds from the fake's COMPLETED to
// Rollout's return, history record and timeline included) and req/min (all ECS
// requests of one rollout, register to return, per simulated minute). Targets: under
// 1 s and under 30 per minute. (With the fast interval off, i.e. polling every 5 s
// throughout, this measured end-s 2.5 mean / 3.8 max at 14 req/min.)
func BenchmarkEndDetection(b *testing.B) {
	const (
		timeScale = 60
		simulated = 10 * time.Minute
		parallel  = 4
	)
	scaled := func(d time.Duration) time.Duration { return d / timeScale }
	var latencies, rates []float64
	for b.Loop() {
		type run struct {
			latency time.Duration
			reqs    int
			elapsed time.Duration
			err     error
		}
		results := make(chan run, parallel)
		for i := range parallel {
			go func() {
				dur := scaled(simulated + time.Duration(i)*defaultFastPollInterval/parallel)
				srv := ecsfake.New(b, ecsfake.Scenario{Duration: dur})
				srv.AddService(ecsfake.ServiceSpec{Cluster: cluster, Name: svcName, DesiredCount: 2, TaskDefinition: fakeTaskDefinition()})
				cfg, err := awsx.Load(b.Context(), awsx.Options{Region: "us-east-1", Endpoint: srv.URL, Credentials: awsx.StaticCredentials("AKIDTEST", "fake-secret")})
				if err != nil {
					results <- run{err: err}
					return
				}
				cli := New(ecs.NewFromConfig(cfg), Options{
					PollInterval: scaled(DefaultPollInterval), FastPollInterval: scaled(defaultFastPollInterval),
					TaskCheckInterval: scaled(defaultTaskCheckInterval), RollbackWait: scaled(DefaultRollbackWait),
				})
				r := req(scaled(20 * time.Minute))
				r.TaskDefinition = taskDefOne
				start := time.Now()
				res, err := cli.Rollout(b.Context(), r)
				end := time.Now()
				if err != nil {
					results <- run{err: err}
					return
				}
				total := 0
				for _, op := range []string{"DescribeServices", "DescribeTaskDefinition", "RegisterTaskDefinition", "UpdateService", "ListTasks", "DescribeTasks", "TagResource"} {
					total += srv.Calls(op)
				}
				results <- run{latency: end.Sub(srv.CompletedAt(res.Deployment)), reqs: total, elapsed: end.Sub(start)}
			}()
		}
		for range parallel {
			r := <-results
			if r.err != nil {
				b.Fatalf("rollout: %v", r.err)
			}
			latencies = append(latencies, (r.latency * timeScale).Seconds())
			rates = append(rates, float64(r.reqs)/(r.elapsed*timeScale).Minutes())
		}
	}
	mean := func(v []float64) float64 {
		s := 0.0
		for _, x := range v {
			s += x
		}
		return s / float64(len(v))
	}
	b.ReportMetric(mean(latencies), "end-s")
	b.ReportMetric(slices.Max(latencies), "end-max-s")
	b.ReportMetric(mean(rates), "req/min")
	b.ReportMetric(slices.Max(rates), "req/min-max")
}
