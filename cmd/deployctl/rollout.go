package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"dagger/predictor/internal/awsx"
	"dagger/predictor/internal/exitcode"
	"dagger/predictor/internal/imageref"
	"dagger/predictor/internal/rollout"
)

func init() {
	register(command{name: "rollout", summary: "deploy an image (REF@sha256:...) to the ECS service and watch it to the end", run: runRollout})
	register(command{name: "rollback", summary: "return the ECS service to the last good release (or a given revision that ran), watched", run: runRollback})
}

// serviceFlags are the flags rollout and rollback share.
type serviceFlags struct {
	cluster, service, container string
	desiredCount                int
	timeout, pollInterval       time.Duration
	rollbackWait                time.Duration
	reportJSON                  string
	tf                          *tfFlags
}

func addServiceFlags(fs *flag.FlagSet, tfl *tfFlags) *serviceFlags {
	s := &serviceFlags{tf: tfl}
	fs.StringVar(&s.cluster, "cluster", "", "ECS cluster (default: terraform output ecs_cluster_name)")
	fs.StringVar(&s.service, "service", "", "ECS service (default: terraform output ecs_service_name)")
	fs.StringVar(&s.container, "container", "", "container whose image is replaced (default: terraform output ecs_container_name, else the only container)")
	fs.IntVar(&s.desiredCount, "desired-count", 0, "tasks to run when the service is at 0 (default: terraform output ecs_desired_count)")
	fs.DurationVar(&s.timeout, "timeout", rollout.DefaultTimeout, "how long to watch the deployment")
	fs.DurationVar(&s.pollInterval, "poll-interval", rollout.DefaultPollInterval, "time between DescribeServices calls")
	fs.DurationVar(&s.rollbackWait, "rollback-wait", rollout.DefaultRollbackWait, "how long a FAILED deployment is watched for the circuit breaker's rollback to start")
	fs.StringVar(&s.reportJSON, "report-json", "", "also write deployment, taskDefinition, revision, outcome and timeline to this JSON file")
	return s
}

// terraformOutputs reads the environment's terraform outputs as strings (outputs.go's
// readOutputs and rawValue).
var terraformOutputs = func(ctx context.Context, g *globals, tfl *tfFlags) (map[string]string, error) {
	metas, err := readOutputs(ctx, g, tfl, io.Discard)
	if err != nil {
		return nil, err
	}
	return outputValues(metas), nil
}

// deployTarget resolves the service from the flags, else from terraform outputs. With
// taskDef non-nil (rollout) and empty, Terraform's task definition is read from the
// outputs too (ecs_task_definition_arn) when they are read at all.
func deployTarget(ctx context.Context, g *globals, s *serviceFlags, taskDef *string) (rollout.Target, error) {
	t := rollout.Target{Cluster: s.cluster, Service: s.service, Container: s.container, DesiredCount: int32(s.desiredCount)}
	if t.Cluster != "" && t.Service != "" {
		return t, nil
	}
	out, err := terraformOutputs(ctx, g, s.tf)
	if err != nil {
		return t, fmt.Errorf("read terraform outputs of %s (or pass --cluster and --service): %w", g.env, err)
	}
	if taskDef != nil && *taskDef == "" {
		*taskDef = out["ecs_task_definition_arn"]
	}
	pick := func(dst *string, name string) {
		if *dst == "" {
			*dst = out[name]
		}
	}
	pick(&t.Cluster, "ecs_cluster_name")
	pick(&t.Service, "ecs_service_name")
	pick(&t.Container, "ecs_container_name")
	if t.DesiredCount == 0 {
		if n, err := strconv.Atoi(out["ecs_desired_count"]); err == nil {
			t.DesiredCount = int32(n)
		}
	}
	if t.Cluster == "" || t.Service == "" {
		return t, fmt.Errorf("terraform outputs of %s lack ecs_cluster_name/ecs_service_name: apply the infrastructure first, or pass --cluster and --service", g.env)
	}
	return t, nil
}

// watchExit maps a rollout or rollback error to the exit status of CONTRACTS.md.
func watchExit(err error) int {
	switch {
	case err == nil:
		return exitcode.OK
	case errors.Is(err, rollout.ErrFailed):
		return exitcode.RolloutFailed
	case errors.Is(err, rollout.ErrRolledBack):
		return exitcode.RolledBack
	case errors.Is(err, rollout.ErrTasksFailing):
		return exitcode.TasksFailing
	case errors.Is(err, rollout.ErrTimeout):
		return exitcode.Timeout
	case errors.Is(err, rollout.ErrSuperseded):
		return exitcode.Superseded
	}
	return exitcode.Error
}

// finishWatch prints the final line (when a deployment is known), writes the report
// and returns the exit status.
func finishWatch(fs *flag.FlagSet, g *globals, s *serviceFlags, res rollout.Result, err error, stdout, stderr io.Writer) int {
	err = awsx.Explain(err, g.endpoint)
	code := watchExit(err)
	if res.Timeline != nil {
		fmt.Fprint(stdout, res.Timeline.String())
	}
	if res.TaskDefinition != "" {
		fmt.Fprintln(stdout, res.Line())
	}
	if s.reportJSON != "" && res.TaskDefinition != "" {
		if werr := res.WriteJSON(s.reportJSON); werr != nil {
			fmt.Fprintf(stderr, "%s: %v\n", fs.Name(), werr)
			if code == exitcode.OK {
				code = exitcode.Error
			}
		}
	}
	if err != nil {
		return failCode(stderr, fs, err, code)
	}
	return code
}

// client checks --timeout, then resolves credentials and the service (from the flags,
// else terraform outputs) for a watched rollout or rollback. taskDef is as in
// deployTarget.
func (s *serviceFlags) client(ctx context.Context, g *globals, stdout io.Writer, taskDef *string) (*rollout.Client, rollout.Target, error) {
	if s.timeout <= 0 {
		return nil, rollout.Target{}, errors.New("--timeout must be positive")
	}
	if s.pollInterval <= 0 || s.rollbackWait <= 0 {
		return nil, rollout.Target{}, errors.New("--poll-interval and --rollback-wait must be positive")
	}
	cfg, err := g.awsConfig(ctx)
	if err != nil {
		return nil, rollout.Target{}, err
	}
	target, err := deployTarget(ctx, g, s, taskDef)
	if err != nil {
		return nil, rollout.Target{}, err
	}
	return rollout.New(ecs.NewFromConfig(cfg), rollout.Options{
		Out: stdout, PollInterval: s.pollInterval, RollbackWait: s.rollbackWait,
		Caller: callerIdentity(ctx, cfg),
	}), target, nil
}

// callerIdentity is the ARN recorded with each release, or "unknown" when STS does not
// answer (the release itself does not depend on it).
func callerIdentity(ctx context.Context, cfg aws.Config) string {
	cfg.RetryMaxAttempts = 1
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(out.Arn) == "" {
		return "unknown"
	}
	return aws.ToString(out.Arn)
}

func runRollout(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	sub := newCmd("rollout", withTerraform)
	fs, g := sub.fs, sub.g
	s := addServiceFlags(fs, sub.tfl)
	image := fs.String("image", "", "image to deploy, pinned by digest: REGISTRY/REPO[:TAG]@sha256:<64 hex>")
	version := fs.String("version", "", "APP_VERSION for the task (default: the image tag, else the digest's first 12 hex digits)")
	force := fs.Bool("force", false, "start a new deployment even when the image is already deployed")
	var rec rollout.Record
	fs.StringVar(&rec.Commit, "commit", "", "git commit of the release, for its record")
	fs.StringVar(&rec.Plan, "applied-plan", "", "the plan the deploy applied (plan-id:ID) or what it checked instead, for the record")
	fs.StringVar(&rec.PromotedFrom, "promoted-from", "", "ENV:REVISION of the release whose image this one ships (deployctl promote), for the record")
	fs.BoolVar(&rec.BreakGlass, "break-glass", false, "record that the image was promoted without a completed source release")
	taskDef := fs.String("task-definition", "", "Terraform's task definition (ARN or family:revision), the base of the release (default: terraform output ecs_task_definition_arn when the outputs are read; else the service's current revision, with a note)")
	if code, ok := sub.parse(args, stderr); !ok {
		return code
	}
	if *image == "" {
		return fail(stderr, fs, errors.New("no --image given: pass REF@sha256:..., as `publish` prints"))
	}
	ref, err := imageref.Parse(*image)
	if err != nil {
		return fail(stderr, fs, err)
	}
	if *version == "" {
		*version = ref.Tag
		if *version == "" {
			*version = strings.TrimPrefix(ref.Digest, "sha256:")[:12]
		}
	}
	if rec.LockHash, err = lockHash(g.infraDir); err != nil {
		return fail(stderr, fs, err)
	}
	cli, target, err := s.client(ctx, g, stdout, taskDef)
	if err != nil {
		return fail(stderr, fs, err)
	}
	res, err := cli.Rollout(ctx, rollout.Request{Target: target, TaskDefinition: *taskDef, Image: ref.Pinned(), Version: *version, Force: *force, Timeout: s.timeout, Record: rec})
	if rec.LockHash != "" && res.TaskDefinition != "" {
		// ctl.ParseRollout reads it into the deploy report's record.
		res.LockHash = rec.LockHash
		fmt.Fprintf(stdout, "recorded lock-hash=%s\n", rec.LockHash)
	}
	return finishWatch(fs, g, s, res, err, stdout, stderr)
}

// lockHash is "sha256:<hex>" of infraDir/.terraform.lock.hcl, the provider versions
// the release's infrastructure was applied with; "" when the file is missing.
func lockHash(infraDir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(infraDir, ".terraform.lock.hcl"))
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read the provider lock file: %w", err)
	}
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:]), nil
}

func runRollback(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	sub := newCmd("rollback", withTerraform)
	fs, g := sub.fs, sub.g
	s := addServiceFlags(fs, sub.tfl)
	to := fs.Int("to", 0, "task definition revision to return to; it must have run (default: the last release that completed before the current one and was not rolled back; see `deployctl releases`)")
	if code, ok := sub.parse(args, stderr); !ok {
		return code
	}
	if *to < 0 {
		return fail(stderr, fs, fmt.Errorf("--to %d: pass a revision number of 1 or more", *to))
	}
	cli, target, err := s.client(ctx, g, stdout, nil)
	if err != nil {
		return fail(stderr, fs, err)
	}
	res, err := cli.Rollback(ctx, rollout.RollbackRequest{Target: target, To: int32(*to), Timeout: s.timeout})
	return finishWatch(fs, g, s, res, err, stdout, stderr)
}
