package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"dagger/predictor/internal/envcfg"
	"dagger/predictor/internal/rollout"
)

func init() {
	register(command{name: "releases", summary: "list the service's releases, newest first, with each one's record and the releases they were promoted from", run: runReleases})
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
	cli := rollout.New(ecs.NewFromConfig(cfg), rollout.Options{})
	rels, err := cli.Releases(ctx, target, *limit)
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
	writeRecords(stdout, g.env, rels, sources(ctx, cli, g.env, rels))
	return 0
}

// sources reads the releases that rels were promoted from, by ENV:REVISION, from the
// source environment's history (one read per source environment). A history that
// cannot be read leaves its links unresolved: the record itself still prints.
func sources(ctx context.Context, cli *rollout.Client, env string, rels []rollout.Release) map[string]rollout.Release {
	out := map[string]rollout.Release{}
	read := map[string]bool{}
	for _, r := range rels {
		from, _, ok := strings.Cut(r.PromotedFrom, ":")
		if !ok || read[from] {
			continue
		}
		read[from] = true
		src, err := cli.FamilyReleases(ctx, envcfg.TaskFamily(from), 0)
		if err != nil {
			continue
		}
		for _, s := range src {
			out[from+":"+strconv.Itoa(int(s.Revision))] = s
		}
	}
	return out
}

// writeRecords prints each release's record, newest first; a promoted release links
// to the release it shipped the image of (its version, outcome and commit).
func writeRecords(w io.Writer, env string, rels []rollout.Release, src map[string]rollout.Release) {
	for _, r := range rels {
		fmt.Fprintf(w, "\n%s:%d  %s  %s\n", env, r.Revision, r.Version, r.Outcome)
		line := func(k, v string) {
			if v != "" {
				fmt.Fprintf(w, "  %-14s %s\n", k, v)
			}
		}
		line("image", r.Image)
		if r.PromotedFrom != "" {
			link := r.PromotedFrom
			if s, ok := src[r.PromotedFrom]; ok {
				link += fmt.Sprintf(" (version %s, %s, commit %s)", s.Version, s.Outcome, orDash(s.Commit))
			}
			line("promoted from", link)
		}
		if r.BreakGlass {
			line("break-glass", "promoted without a completed source release")
		}
		line("commit", r.Commit)
		line("plan", r.Plan)
		line("lock hash", r.LockHash)
		line("deployment", r.Deployment)
		line("smoke", r.Smoke)
		line("timings", r.Timings)
		line("reason", r.Reason)
	}
}

// writeReleases prints the history as a table; "*" marks the revision the service runs.
func writeReleases(w io.Writer, rels []rollout.Release) {
	if len(rels) == 0 {
		fmt.Fprintln(w, "no releases recorded yet (a release is recorded when `deployctl rollout` sees its deployment complete)")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "REVISION\tVERSION\tOUTCOME\tCOMPLETED\tFROM\tSMOKE\tSTATUS\tBY\tIMAGE")
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
		from := orDash(r.PromotedFrom)
		if r.BreakGlass {
			from += "!"
		}
		smoke, _, _ := strings.Cut(r.Smoke, ":")
		fmt.Fprintf(tw, "%s%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", mark, r.Revision, r.Version, r.Outcome, completed, from, orDash(smoke), r.Status, by, r.Image)
	}
	_ = tw.Flush()
}
