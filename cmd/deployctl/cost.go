package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"dagger/predictor/internal/cost"
	"dagger/predictor/internal/exitcode"
)

func init() {
	register(command{name: "cost", summary: "monthly cost estimate of a plan (exit 4 over --max-monthly-usd)", run: runCost})
}

func runCost(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("cost")
	g := addGlobals(fs)
	tfl := addTFFlags(fs)
	plan := fs.String("plan", "", "saved plan file, or its JSON (terraform show -json)")
	maxMonthly := fs.Float64("max-monthly-usd", 0, "fail (exit 4) when the estimate exceeds this amount; 0 = no limit")
	asJSON := fs.Bool("json", false, "print the estimate as JSON")
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	if err := g.validateNoEnv(); err != nil {
		return fail(stderr, fs, err)
	}
	if *plan == "" {
		return fail(stderr, fs, errors.New("no --plan given: pass a saved plan file or its JSON"))
	}
	p, err := loadPlan(ctx, g, tfl, *plan, stderr)
	if err != nil {
		return fail(stderr, fs, err)
	}
	table, err := cost.DefaultTable()
	if err != nil {
		return fail(stderr, fs, err)
	}
	est := cost.Compute(p, table)
	if *asJSON {
		if err := printJSON(stdout, est); err != nil {
			return fail(stderr, fs, err)
		}
	} else {
		fmt.Fprint(stdout, est.Text())
	}
	if err := est.Check(*maxMonthly); err != nil {
		return failCode(stderr, fs, err, exitcode.Cost)
	}
	return exitcode.OK
}
