package main

import (
	"context"
	"fmt"
	"io"

	"dagger/predictor/internal/exitcode"
	"dagger/predictor/internal/policy"
)

func init() {
	register(command{name: "policy", summary: "check a plan against the policy rules (exit 3 on violations)", run: runPolicy})
}

func runPolicy(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	sub := newCmd("policy", withTerraform).envOptional()
	fs, g, tfl := sub.fs, sub.g, sub.tfl
	plan := addPlanFlag(fs)
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if code, ok := sub.parse(args, stderr); !ok {
		return code
	}
	p, err := loadPlan(ctx, g, tfl, *plan, stderr)
	if err != nil {
		return fail(stderr, fs, err)
	}
	rep := policy.Check(p)
	if *asJSON {
		if err := printJSON(stdout, rep); err != nil {
			return fail(stderr, fs, err)
		}
	} else {
		fmt.Fprint(stdout, rep.Text())
	}
	if err := rep.Err(); err != nil {
		return failCode(stderr, fs, err, exitcode.Policy)
	}
	return exitcode.OK
}
