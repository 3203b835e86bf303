package main

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"dagger/predictor/internal/rollout"
	"dagger/predictor/internal/servicediff"
)

// serviceDrift compares the running service with its last completed release and
// prints the differences; it reports whether there are any. Without a service in the
// terraform outputs (infrastructure not applied yet, or a root without one) nothing
// runs, so there is nothing to compare and it says so.
func serviceDrift(ctx context.Context, g *globals, s *session, sf *serviceFlags, stdout io.Writer) (bool, error) {
	out, err := outputStrings(ctx, s)
	if err != nil {
		return false, err
	}
	cluster, service, container := orOutput(sf.cluster, out, "ecs_cluster_name"), orOutput(sf.service, out, "ecs_service_name"), orOutput(sf.container, out, "ecs_container_name")
	if cluster == "" || service == "" {
		fmt.Fprintf(stdout, "Service drift in %s: not compared; the terraform outputs name no ECS service (pass --cluster and --service).\n", g.env)
		return false, nil
	}
	want, _ := strconv.Atoi(out["ecs_desired_count"])
	cfg, err := g.awsConfig(ctx)
	if err != nil {
		return false, err
	}
	run, err := servicediff.NewReader(ecs.NewFromConfig(cfg), applicationautoscaling.NewFromConfig(cfg)).Running(ctx, cluster, service, container)
	if err != nil {
		return false, g.unreachable(err)
	}
	rels, err := rollout.New(ecs.NewFromConfig(cfg), rollout.Options{}).Releases(ctx, rollout.Target{Cluster: cluster, Service: service}, 0)
	if err != nil {
		return false, fmt.Errorf("read the release history of %s: %w", service, g.unreachable(err))
	}
	last, ok := rollout.Promotable(rels, "")
	if !ok {
		fmt.Fprintf(stdout, "Service drift in %s: not compared; %s has no completed release recorded yet (it runs %s).\n", g.env, service, run.TaskDefinition)
		return false, nil
	}
	rec := servicediff.Recorded{TaskDefinition: servicediff.FamilyRevision(last.TaskDefinition), Image: last.Image}
	findings := servicediff.Drift(run, rec, int32(want))
	if len(findings) == 0 {
		fmt.Fprintf(stdout, "Service drift in %s: none; %s runs its last release %s (version %s, %s).\n", g.env, service, rec.TaskDefinition, last.Version, run.Image)
		return false, nil
	}
	fmt.Fprintf(stdout, "Service drift in %s: %s differs from its last release %s (version %s) in %d way(s):\n", g.env, service, rec.TaskDefinition, last.Version, len(findings))
	for _, f := range findings {
		fmt.Fprintf(stdout, "  %s\n", f)
	}
	return true, nil
}
