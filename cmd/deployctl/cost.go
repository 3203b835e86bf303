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
	register(command{name: "cost", summary: "monthly cost estimate of a plan and its change (exit 4 over --max-monthly-usd or --max-monthly-increase-usd)", run: runCost})
}

func runCost(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	sub := newCmd("cost", withTerraform).envOptional()
	fs, g, tfl := sub.fs, sub.g, sub.tfl
	plan := addPlanFlag(fs)
	maxMonthly := fs.Float64("max-monthly-usd", 0, "fail (exit 4) when the estimate exceeds this amount; 0 = no limit")
	maxIncrease := fs.Float64("max-monthly-increase-usd", 0, "fail (exit 4) when the plan raises the estimate by more than this amount; 0 = no limit")
	asJSON := fs.Bool("json", false, "print the estimate as JSON (the change is in plan's --summary-json, as cost_change)")
	if code, ok := sub.parse(args, stderr); !ok {
		return code
	}
	if *maxMonthly < 0 || *maxIncrease < 0 {
		return fail(stderr, fs, errors.New("--max-monthly-usd and --max-monthly-increase-usd must not be negative: pass a limit, or 0 for none"))
	}
	p, err := loadPlan(ctx, g, tfl, *plan, stderr)
	if err != nil {
		return fail(stderr, fs, err)
	}
	table, err := cost.DefaultTable()
	if err != nil {
		return fail(stderr, fs, err)
	}
	est, diff := cost.ComputeDiff(p, table)
	if *asJSON {
		// The estimate as plan's --summary-json has it under "cost" (the end-to-end test
		// compares the two); the change is under "cost_change" there.
		if err := printJSON(stdout, est); err != nil {
			return fail(stderr, fs, err)
		}
	} else {
		fmt.Fprint(stdout, est.Text()+"\n"+diff.Text())
	}
	code := exitcode.OK
	if err := est.Check(*maxMonthly); err != nil {
		code = failCode(stderr, fs, err, exitcode.Cost)
	}
	if err := diff.Check(*maxIncrease); err != nil {
		code = failCode(stderr, fs, err, exitcode.Cost)
	}
	return code
}
