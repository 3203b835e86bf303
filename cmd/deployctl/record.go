package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"dagger/predictor/internal/awsx"
	"dagger/predictor/internal/rollout"
)

func init() {
	register(command{name: "record", summary: "add the smoke result and stage timings to a release's record", run: runRecord})
}

func runRecord(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	sub := newCmd("record", noTerraform)
	fs, g := sub.fs, sub.g
	taskDef := fs.String("task-definition", "", "the release (task definition ARN or family:revision, as rollout printed it)")
	smoke := fs.String("smoke", "", "smoke test result: passed, or failed: reason")
	timings := fs.String("timings", "", `stage timings, such as "plan=8.1s apply=20s rollout=41s"`)
	if code, ok := sub.parse(args, stderr); !ok {
		return code
	}
	if *taskDef == "" || (*smoke == "" && *timings == "") {
		return fail(stderr, fs, errors.New("pass --task-definition and --smoke and/or --timings"))
	}
	cfg, err := g.awsConfig(ctx)
	if err != nil {
		return fail(stderr, fs, err)
	}
	if err := rollout.New(ecs.NewFromConfig(cfg), rollout.Options{}).RecordResult(ctx, *taskDef, *smoke, *timings); err != nil {
		return fail(stderr, fs, awsx.Explain(g.unreachable(err), g.endpoint))
	}
	fmt.Fprintf(stdout, "recorded smoke and timings on %s\n", *taskDef)
	return 0
}
