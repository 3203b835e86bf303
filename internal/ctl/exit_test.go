package ctl

import (
	"errors"
	"strings"
	"testing"

	"dagger/predictor/internal/exitcode"
)

func TestCheckExitStatus(t *testing.T) {
	tests := map[string]struct {
		command string
		code    int
		want    error
	}{
		"ok":                       {"apply", exitcode.OK, nil},
		"error":                    {"apply", exitcode.Error, ErrFailed},
		"stale plan":               {"apply", exitcode.StalePlan, ErrStalePlan},
		"policy":                   {"plan", exitcode.Policy, ErrPolicy},
		"cost":                     {"plan", exitcode.Cost, ErrCost},
		"rollout failed":           {"rollout", exitcode.RolloutFailed, ErrRolloutFailed},
		"rolled back":              {"rollout", exitcode.RolledBack, ErrRolledBack},
		"tasks failing":            {"rollout", exitcode.TasksFailing, ErrTasksFailing},
		"timeout":                  {"rollback", exitcode.Timeout, ErrTimeout},
		"superseded":               {"rollout", exitcode.Superseded, ErrSuperseded},
		"smoke":                    {"smoke", exitcode.SmokeFailed, ErrSmokeFailed},
		"status from another verb": {"apply", exitcode.RolledBack, ErrUnexpected},
		"changes is not ok here":   {"apply", exitcode.Changes, ErrUnexpected},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := Check(tc.command, tc.code, "line1\nreason\n")
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Check = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("Check = %v, want %v", err, tc.want)
			}
			var ee *ExitError
			if !errors.As(err, &ee) || ee.Code != tc.code || !strings.HasSuffix(err.Error(), "reason") {
				t.Fatalf("Check = %#v: want an ExitError with code %d ending in stderr", err, tc.code)
			}
		})
	}
}

func TestPlanAndDriftStatus(t *testing.T) {
	tests := map[string]struct {
		code        int
		wantChanges bool
		wantErr     error
	}{
		"no changes": {0, false, nil},
		"changes":    {2, true, nil},
		"error":      {1, false, ErrFailed},
		"policy":     {3, false, ErrPolicy},
		"cost":       {4, false, ErrCost},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := PlanStatus(tc.code, "")
			if got != tc.wantChanges || !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) {
				t.Fatalf("PlanStatus(%d) = %v, %v; want %v, %v", tc.code, got, err, tc.wantChanges, tc.wantErr)
			}
		})
	}
	for _, code := range []int{exitcode.Changes, exitcode.ServiceDrift, exitcode.BothDrift} {
		if d, err := driftStatus(code, ""); !d || err != nil {
			t.Errorf("driftStatus(%d) = %v, %v; want drift", code, d, err)
		}
	}
	if _, err := driftStatus(3, ""); !errors.Is(err, ErrUnexpected) {
		t.Errorf("driftStatus(3) = %v; want ErrUnexpected", err)
	}
}
