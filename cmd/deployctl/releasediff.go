package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	tfjson "github.com/hashicorp/terraform-json"

	"dagger/predictor/internal/servicediff"
)

func init() {
	register(command{name: "release-diff", summary: "show what the next release changes in the running service: image, task size, environment (no secret values), roles, count and autoscaling bounds", run: runReleaseDiff})
}

func runReleaseDiff(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	sub := newCmd("release-diff", withTerraform)
	fs, g, tfl := sub.fs, sub.g, sub.tfl
	sf := &serviceFlags{tf: tfl}
	fs.StringVar(&sf.cluster, "cluster", "", "ECS cluster (default: terraform output ecs_cluster_name)")
	fs.StringVar(&sf.service, "service", "", "ECS service (default: terraform output ecs_service_name)")
	fs.StringVar(&sf.container, "container", "", "the released container (default: terraform output ecs_container_name, else the only container)")
	planFile := fs.String("plan", "", "saved plan or its JSON (terraform show -json; relative to --workdir) whose task definition the release registers (default: the running one's)")
	image := fs.String("image", "", "image the release ships: a digest (sha256:..., in the running image's repository) or a full reference (default: the running image)")
	version := fs.String("version", "", "APP_VERSION the release sets (default: the running one)")
	format := fs.String("format", "text", "text, markdown or json")
	if code, ok := sub.parse(args, stderr); !ok {
		return code
	}
	if *format != "text" && *format != "markdown" && *format != "json" {
		return fail(stderr, fs, fmt.Errorf("--format %q: pass text, markdown or json", *format))
	}
	s, cleanup, err := g.terraform(ctx, tfl, stderr)
	defer cleanup()
	if err != nil {
		return fail(stderr, fs, err)
	}
	d, err := releaseDiff(ctx, g, s, sf, *planFile, *image, *version)
	if err != nil {
		return fail(stderr, fs, err)
	}
	return printReleaseDiff(stdout, stderr, fs.Name(), g.env, *format, d)
}

// releaseDiffResult is what release-diff found, as its JSON prints it.
type releaseDiffResult struct {
	Service string               `json:"service"`
	Running string               `json:"running"`
	Source  string               `json:"source"`
	Changes []servicediff.Change `json:"changes"`
}

func releaseDiff(ctx context.Context, g *globals, s *session, sf *serviceFlags, planFile, image, version string) (releaseDiffResult, error) {
	out, err := outputStrings(ctx, s)
	if err != nil {
		return releaseDiffResult{}, err
	}
	cluster, service, container := orOutput(sf.cluster, out, "ecs_cluster_name"), orOutput(sf.service, out, "ecs_service_name"), orOutput(sf.container, out, "ecs_container_name")
	if cluster == "" || service == "" {
		return releaseDiffResult{}, fmt.Errorf("the terraform outputs of %s name no ECS service: apply the infrastructure first, or pass --cluster and --service", g.env)
	}
	cfg, err := g.awsConfig(ctx)
	if err != nil {
		return releaseDiffResult{}, err
	}
	running, err := servicediff.NewReader(ecs.NewFromConfig(cfg), applicationautoscaling.NewFromConfig(cfg)).Running(ctx, cluster, service, container)
	if err != nil {
		return releaseDiffResult{}, g.unreachable(err)
	}
	planned, source := running, "the running task definition (no --plan)"
	if planFile != "" {
		path, err := g.path(planFile)
		if err != nil {
			return releaseDiffResult{}, err
		}
		p, err := readPlan(ctx, s, path)
		if err != nil {
			return releaseDiffResult{}, err
		}
		if planned, err = servicediff.FromPlan(p, running.Container); err != nil {
			return releaseDiffResult{}, err
		}
		source = "the task definition of plan " + filepath.Base(planFile)
	}
	want, _ := strconv.Atoi(out["ecs_desired_count"])
	next := servicediff.Next(planned, running, imageRef(running.Image, image), version, int32(want))
	return releaseDiffResult{Service: service, Running: running.TaskDefinition, Source: source, Changes: servicediff.Diff(running, next)}, nil
}

// imageRef is the image a release ships: a bare digest lives in the running image's
// repository.
func imageRef(running, image string) string {
	if !strings.HasPrefix(image, "sha256:") {
		return image
	}
	repo, _, _ := strings.Cut(running, "@")
	if i := strings.LastIndex(repo, ":"); i > strings.LastIndex(repo, "/") {
		repo = repo[:i]
	}
	return repo + "@" + image
}

// readPlan reads a plan's JSON, or shows a saved plan through terraform.
func readPlan(ctx context.Context, s *session, file string) (*tfjson.Plan, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read plan: %w", err)
	}
	if bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) {
		var p tfjson.Plan
		if err := json.Unmarshal(raw, &p); err != nil {
			return nil, fmt.Errorf("read plan JSON %s: %w", file, err)
		}
		return &p, nil
	}
	return s.tf.ShowPlan(ctx, file)
}

func outputStrings(ctx context.Context, s *session) (map[string]string, error) {
	metas, err := s.tf.Outputs(ctx)
	if err != nil {
		return nil, err
	}
	return outputValues(metas), nil
}

func orOutput(flag string, out map[string]string, name string) string {
	if flag != "" {
		return flag
	}
	return out[name]
}

func printReleaseDiff(stdout, stderr io.Writer, cmd, env, format string, d releaseDiffResult) int {
	switch format {
	case "json":
		if d.Changes == nil {
			d.Changes = []servicediff.Change{}
		}
		b, err := json.MarshalIndent(d, "", "  ")
		if err != nil {
			fmt.Fprintf(stderr, "%s: encode the diff: %v\n", cmd, err)
			return 1
		}
		fmt.Fprintf(stdout, "%s\n", b)
	case "markdown":
		fmt.Fprintf(stdout, "#### Release diff `%s`\n\n%s runs `%s`; next: %s.\n\n%s", env, d.Service, d.Running, d.Source, servicediff.Markdown(d.Changes))
	default:
		fmt.Fprintf(stdout, "Release diff for %s: %s runs %s; next: %s.\n%s", env, d.Service, d.Running, d.Source, servicediff.Text(d.Changes))
	}
	return 0
}
