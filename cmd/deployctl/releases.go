package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"dagger/predictor/internal/rollout"
)

func init() {
	register(command{name: "releases", summary: "list the service's release history, newest first, with outcomes", run: runReleases})
}

func runReleases(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	sub := newCmd("releases", withTerraform)
	fs, g := sub.fs, sub.g
	// Only the flags that find the service: the watch flags of rollout do not apply.
	s := &serviceFlags{tf: sub.tfl}
	fs.StringVar(&s.cluster, "cluster", "", "ECS cluster (default: terraform output ecs_cluster_name)")
	fs.StringVar(&s.service, "service", "", "ECS service (default: terraform output ecs_service_name)")
	asJSON := fs.Bool("json", false, "print the history as a JSON array")
	limit := fs.Int("limit", 20, "at most this many releases (0: all among the last 100 revisions)")
	if code, ok := sub.parse(args, stderr); !ok {
		return code
	}
	if *limit < 0 {
		return fail(stderr, fs, fmt.Errorf("--limit %d: pass 0 or more", *limit))
	}
	cfg, err := g.awsConfig(ctx)
	if err != nil {
		return fail(stderr, fs, err)
	}
	target, err := deployTarget(ctx, g, s, nil)
	if err != nil {
		return fail(stderr, fs, err)
	}
	rels, err := rollout.New(ecs.NewFromConfig(cfg), rollout.Options{}).Releases(ctx, target, *limit)
	if err != nil {
		return fail(stderr, fs, g.unreachable(err))
	}
	if *asJSON {
		if rels == nil {
			rels = []rollout.Release{}
		}
		b, err := json.MarshalIndent(rels, "", "  ")
		if err != nil {
			return fail(stderr, fs, fmt.Errorf("encode releases: %w", err))
		}
		fmt.Fprintf(stdout, "%s\n", b)
		return 0
	}
	writeReleases(stdout, rels)
	return 0
}

// writeReleases prints the history as a table; "*" marks the revision the service runs.
func writeReleases(w io.Writer, rels []rollout.Release) {
	if len(rels) == 0 {
		fmt.Fprintln(w, "no releases recorded yet (a release is recorded when `deployctl rollout` sees its deployment complete)")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "REVISION\tVERSION\tOUTCOME\tCOMPLETED\tSTATUS\tBY\tIMAGE")
	for _, r := range rels {
		mark := " "
		if r.Current {
			mark = "*"
		}
		completed := "-"
		if r.Ran() {
			completed = r.CompletedAt.UTC().Format(time.RFC3339)
		}
		by := r.By
		if by == "" {
			by = "-"
		}
		fmt.Fprintf(tw, "%s%d\t%s\t%s\t%s\t%s\t%s\t%s\n", mark, r.Revision, r.Version, r.Outcome, completed, r.Status, by, r.Image)
	}
	_ = tw.Flush()
}
