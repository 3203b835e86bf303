package ctl

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"dagger/predictor/internal/exitcode"
)

func TestPlanFiles(t *testing.T) {
	want := PlanOptions{Out: "/work/tfplan", SummaryMD: "/work/plan.md", SummaryJSON: "/work/summary.json", JSON: "/work/plan.json", MaxMonthlyUSD: 60, NoPolicy: true}
	if d := cmp.Diff(want, PlanFiles("/work", 60, true)); d != "" {
		t.Errorf("PlanFiles (-want +got):\n%s", d)
	}
}

func TestPlanOutcome(t *testing.T) {
	tests := map[string]struct {
		code         int
		stdout       string
		wantChanges  bool
		wantErr      error
		wantInErrMsg string
	}{
		"no changes": {code: exitcode.OK, stdout: "Plan for dev: no changes"},
		"changes":    {code: exitcode.Changes, stdout: "Plan for dev: 3 to add", wantChanges: true},
		"policy":     {code: exitcode.Policy, stdout: "Policy: 1 violation", wantErr: ErrPolicy, wantInErrMsg: "Policy: 1 violation"},
		"cost":       {code: exitcode.Cost, stdout: "Monthly cost estimate for dev: $99", wantErr: ErrCost, wantInErrMsg: "$99"},
		"failure":    {code: exitcode.Error, wantErr: ErrFailed, wantInErrMsg: "init failed"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			changes, err := PlanOutcome(tc.code, tc.stdout, "init failed")
			if changes != tc.wantChanges || !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) {
				t.Fatalf("PlanOutcome = %v, %v; want %v, %v", changes, err, tc.wantChanges, tc.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), tc.wantInErrMsg) {
				t.Errorf("error %q lacks %q", err, tc.wantInErrMsg)
			}
		})
	}
}

func TestDriftOutcome(t *testing.T) {
	const drift = "Drift in prod: 1 resource(s) changed outside terraform:\n  update aws_s3_bucket.files (tags)\n"
	tests := map[string]struct {
		code        int
		stdout      string
		wantDrifted bool
		wantErr     error
	}{
		"none":    {code: exitcode.OK, stdout: "Drift in prod: none; the infrastructure matches the state.\n"},
		"drift":   {code: exitcode.Changes, stdout: drift, wantDrifted: true, wantErr: ErrDrift},
		"failure": {code: exitcode.Error, wantErr: ErrFailed},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			report, drifted, err := DriftOutcome("prod", tc.code, tc.stdout, "boom")
			if drifted != tc.wantDrifted || !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) {
				t.Fatalf("DriftOutcome = %v, %v; want %v, %v", drifted, err, tc.wantDrifted, tc.wantErr)
			}
			if tc.wantErr != ErrFailed && report != tc.stdout {
				t.Errorf("report = %q, want the output", report)
			}
			if drifted && !strings.Contains(err.Error(), "update aws_s3_bucket.files (tags)") {
				t.Errorf("drift error %q lacks the report", err)
			}
		})
	}
}
