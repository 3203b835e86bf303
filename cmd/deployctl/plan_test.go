package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	tfjson "github.com/hashicorp/terraform-json"

	"dagger/predictor/internal/ctl"
	"dagger/predictor/internal/exitcode"
	"dagger/predictor/internal/plansum"
)

func testPlan(types ...string) *plansum.Plan {
	p := &tfjson.Plan{Variables: map[string]*tfjson.PlanVariable{"environment": {Value: "dev"}}}
	for _, typ := range types {
		p.ResourceChanges = append(p.ResourceChanges, &tfjson.ResourceChange{
			Address: typ + ".this", Mode: tfjson.ManagedResourceMode, Type: typ, Name: "this",
			Change: &tfjson.Change{Actions: tfjson.Actions{tfjson.ActionCreate}, After: map[string]any{"name": "x"}, AfterUnknown: map[string]any{}},
		})
	}
	return plansum.New(p)
}

// TestReportExitCodes: policy violations win over the budget, the budget over
// "changes".
func TestReportExitCodes(t *testing.T) {
	tests := map[string]struct {
		plan      *plansum.Plan
		changes   bool
		f         planFlags
		wantCode  int
		wantLines []string
	}{
		"no changes":             {plan: testPlan(), wantCode: 0},
		"changes":                {plan: testPlan("aws_cloudwatch_log_group"), changes: true, wantCode: 2},
		"within budget":          {plan: testPlan("aws_cloudwatch_log_group"), changes: true, f: planFlags{maxMonthly: 1}, wantCode: 2},
		"over budget":            {plan: testPlan("aws_cloudwatch_log_group"), changes: true, f: planFlags{maxMonthly: 0.25}, wantCode: 4, wantLines: []string{"deployctl plan: monthly cost estimate over budget: $0.50 per month exceeds --max-monthly-usd 0.25"}},
		"increase within budget": {plan: testPlan("aws_cloudwatch_log_group"), changes: true, f: planFlags{maxIncrease: 0.5}, wantCode: 2},
		"increase over budget": {plan: testPlan("aws_cloudwatch_log_group"), changes: true, f: planFlags{maxIncrease: 0.25}, wantCode: 4, wantLines: []string{
			"deployctl plan: monthly cost increase over budget: the plan adds +$0.50 per month ($0.00 -> $0.50), more than --max-monthly-increase-usd 0.25",
		}},
		"policy": {plan: testPlan("aws_nat_gateway"), changes: true, wantCode: 3, wantLines: []string{"deployctl plan: plan violates policy: 1 violation(s): fix them before applying"}},
		"policy over budget": {plan: testPlan("aws_nat_gateway"), changes: true, f: planFlags{maxMonthly: 1}, wantCode: 3, wantLines: []string{
			"deployctl plan: monthly cost estimate over budget: $32.85 per month exceeds --max-monthly-usd 1.00",
			"deployctl plan: plan violates policy: 1 violation(s): fix them before applying",
		}},
		"no-policy": {plan: testPlan("aws_nat_gateway"), changes: true, f: planFlags{noPolicy: true}, wantCode: 2, wantLines: []string{"deployctl plan: plan violates policy: 1 violation(s) (ignored: --no-policy)"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			g := &globals{workdir: t.TempDir()}
			code := report(newFlagSet("plan"), g, tc.plan, tc.f, &stdout, &stderr, tc.changes)
			if code != tc.wantCode {
				t.Errorf("exit %d, want %d", code, tc.wantCode)
			}
			var lines []string
			if s := strings.TrimSpace(stderr.String()); s != "" {
				lines = strings.Split(s, "\n")
			}
			if diff := cmp.Diff(tc.wantLines, lines); diff != "" {
				t.Errorf("stderr (-want +got):\n%s", diff)
			}
			if !strings.Contains(stdout.String(), "Monthly cost estimate for dev") {
				t.Errorf("stdout lacks the estimate:\n%s", stdout.String())
			}
		})
	}
}

// TestReportNoChanges: without changes nothing is applied, so policy is not checked
// (even on a resource that would violate it) and plan exits 0; the summary and the
// estimate are as for any plan.
func TestReportNoChanges(t *testing.T) {
	var stdout, stderr bytes.Buffer
	g := &globals{workdir: t.TempDir()}
	f := planFlags{summaryMD: "s.md", summaryJSON: "s.json"}
	p, err := plansum.FromState([]byte(`{"version": 4, "resources": [{"mode": "managed", "type": "aws_nat_gateway", "name": "this", "instances": [{"attributes": {"id": "nat-1"}}]}]}`),
		map[string]string{"environment": "dev", "aws_region": "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	if code := report(newFlagSet("plan"), g, p, f, &stdout, &stderr, false); code != 0 {
		t.Errorf("exit %d, want 0; stderr:\n%s", code, stderr.String())
	}
	for _, s := range []string{"Monthly cost estimate for dev (us-east-1): $32.85\n", "Policy: no changes to check.\n"} {
		if !strings.Contains(stdout.String(), s) {
			t.Errorf("stdout lacks %q:\n%s", s, stdout.String())
		}
	}
	md, err := os.ReadFile(filepath.Join(g.workdir, "s.md"))
	if err != nil || !strings.Contains(string(md), "#### Policy: no changes to check\n") || !strings.Contains(string(md), "<!-- predictor-changeset env=") {
		t.Errorf("Markdown: %v\n%s", err, md)
	}
	data, err := os.ReadFile(filepath.Join(g.workdir, "s.json"))
	if err != nil {
		t.Fatal(err)
	}
	counts, cost, err := ctl.ParsePlanSummaryJSON(string(data))
	if err != nil || counts != (ctl.PlanCounts{}) || cost != 32.85 {
		t.Errorf("ParsePlanSummaryJSON: %+v %v %v", counts, cost, err)
	}
}

func TestDriftItems(t *testing.T) {
	p := &tfjson.Plan{ResourceDrift: []*tfjson.ResourceChange{
		{Address: "aws_s3_bucket.b", Change: &tfjson.Change{Actions: tfjson.Actions{tfjson.ActionUpdate},
			Before: map[string]any{"bucket": "b", "tags": map[string]any{"A": "1"}, "gone": "x"},
			After:  map[string]any{"bucket": "b", "tags": map[string]any{"A": "2"}, "new": "y"}}},
		{Address: "aws_security_group.a", Change: &tfjson.Change{Actions: tfjson.Actions{tfjson.ActionDelete}, Before: map[string]any{"name": "a"}}},
		{Address: "aws_vpc.same", Change: &tfjson.Change{Actions: tfjson.Actions{tfjson.ActionNoop}}},
	}}
	want := []driftItem{
		{Address: "aws_s3_bucket.b", Action: "update", Attributes: []string{"gone", "new", "tags"}},
		{Address: "aws_security_group.a", Action: "delete", Attributes: []string{"name"}},
	}
	if diff := cmp.Diff(want, driftItems(p)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestRecordStatus: answers (0, 2, 3, 4) are written and exit 0; a failure keeps
// its status and writes nothing, so a container runner never caches it.
func TestRecordStatus(t *testing.T) {
	for _, tc := range []struct {
		code, want int
		written    bool
	}{
		{exitcode.OK, 0, true}, {exitcode.Changes, 0, true}, {exitcode.Policy, 0, true}, {exitcode.Cost, 0, true},
		{exitcode.Error, exitcode.Error, false}, {exitcode.StalePlan, exitcode.StalePlan, false},
	} {
		t.Run(strconv.Itoa(tc.code), func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "status")
			if got := recordStatus(file, tc.code, io.Discard); got != tc.want {
				t.Errorf("recordStatus(%d) = %d, want %d", tc.code, got, tc.want)
			}
			b, err := os.ReadFile(file)
			if tc.written && strings.TrimSpace(string(b)) != strconv.Itoa(tc.code) {
				t.Errorf("status file = %q (%v), want %d", b, err, tc.code)
			}
			if !tc.written && err == nil {
				t.Errorf("status file written for a failure: %q", b)
			}
			if got := recordStatus("", tc.code, io.Discard); got != tc.code {
				t.Errorf("without a file: %d, want %d", got, tc.code)
			}
		})
	}
}

// TestPlanStatusFileKeepsFailures: a plan that fails (here: a bad environment)
// exits non-zero even with --status-file.
func TestPlanStatusFileKeepsFailures(t *testing.T) {
	file := filepath.Join(t.TempDir(), "status")
	var stderr strings.Builder
	if code := run(t.Context(), []string{"plan", "--env", "qa", "--out", "x.tfplan", "--status-file", file}, io.Discard, &stderr); code != exitcode.Error {
		t.Errorf("exit %d, want %d; stderr: %s", code, exitcode.Error, stderr.String())
	}
	if _, err := os.Stat(file); err == nil {
		t.Error("status file written for a failed plan")
	}
}

// TestSaveOnlyPassingPlans: a plan the gate stopped is never stored, so a plan ID
// always names a plan policy and budget accepted (nil globals: no AWS is touched).
func TestSaveOnlyPassingPlans(t *testing.T) {
	for _, code := range []int{exitcode.Policy, exitcode.Cost, exitcode.Error} {
		if got := saveIfPassed(t.Context(), nil, nil, "x.tfplan", planFlags{save: true}, code, newFlagSet("plan"), io.Discard, io.Discard); got != code {
			t.Errorf("status %d became %d", code, got)
		}
	}
}

// TestReportCostChange: on a recorded plan of infra/ (local, public -> private, made
// against the emulator: internal/cost/testdata), plan prints the monthly change, puts
// it in the Markdown before the estimate and in the summary JSON beside the fields
// ctl.ParsePlanSummaryJSON reads, and --max-monthly-increase-usd gates it.
func TestReportCostChange(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "internal", "cost", "testdata", "local-private.json"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := plansum.Read(data)
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	g := &globals{workdir: t.TempDir()}
	f := planFlags{summaryMD: "s.md", summaryJSON: "s.json", maxIncrease: 40, noPolicy: true}
	if code := report(newFlagSet("plan"), g, p, f, &stdout, &stderr, true); code != exitcode.Cost {
		t.Errorf("exit %d, want %d; stderr:\n%s", code, exitcode.Cost, stderr.String())
	}
	wantErr := "deployctl plan: monthly cost increase over budget: the plan adds +$40.15 per month ($8.95 -> $49.10), more than --max-monthly-increase-usd 40.00\n"
	if !strings.Contains(stderr.String(), wantErr) {
		t.Errorf("stderr lacks %q:\n%s", wantErr, stderr.String())
	}
	if s := "Monthly cost change for local: +$40.15 ($8.95 -> $49.10)\n"; !strings.Contains(stdout.String(), s) {
		t.Errorf("stdout lacks %q:\n%s", s, stdout.String())
	}
	md, err := os.ReadFile(filepath.Join(g.workdir, "s.md"))
	if err != nil {
		t.Fatal(err)
	}
	change, estimate := strings.Index(string(md), "#### Monthly cost change: +$40.15 ($8.95 → $49.10)\n"), strings.Index(string(md), "#### Monthly cost estimate: $49.10\n")
	if change < 0 || estimate < change {
		t.Errorf("Markdown lacks the change before the estimate:\n%s", md)
	}
	if row := "| +$14.60 | $0.00 | $14.60 | interface endpoint | `module.networking.aws_vpc_endpoint.interface[\"logs\"]` |"; !strings.Contains(string(md), row) {
		t.Errorf("Markdown lacks %q:\n%s", row, md)
	}
	raw, err := os.ReadFile(filepath.Join(g.workdir, "s.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		CostChange struct {
			Before  float64 `json:"before_monthly_usd"`
			After   float64 `json:"after_monthly_usd"`
			Delta   float64 `json:"delta_monthly_usd"`
			Changes []struct {
				Address string  `json:"address"`
				Delta   float64 `json:"delta_monthly_usd"`
			} `json:"changes"`
		} `json:"cost_change"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	if c := v.CostChange; c.Before != 8.95 || c.After != 49.10 || c.Delta != 40.15 || len(c.Changes) != 4 {
		t.Errorf("cost_change %+v, want 8.95 -> 49.10, +40.15 in 4 changes", c)
	}
	if _, total, err := ctl.ParsePlanSummaryJSON(string(raw)); err != nil || total != 49.10 {
		t.Errorf("ParsePlanSummaryJSON: total %v, %v", total, err)
	}
	if delta, ok, err := ctl.ParsePlanCostChange(string(raw)); err != nil || !ok || delta != 40.15 {
		t.Errorf("ParsePlanCostChange: %v, %v, %v", delta, ok, err)
	}
}

// TestNegativeLimits: a negative limit is refused before terraform runs (bad input,
// exit 1, one line naming the flag).
func TestNegativeLimits(t *testing.T) {
	tests := map[string]struct {
		run  func(args []string, stderr io.Writer) int
		args []string
		want string
	}{
		"plan increase": {
			run:  func(args []string, stderr io.Writer) int { return runPlan(t.Context(), args, io.Discard, stderr) },
			args: []string{"--env", "dev", "--out", "dev.tfplan", "--max-monthly-increase-usd", "-1"},
			want: "deployctl plan: --max-monthly-increase-usd must not be negative: pass the largest increase allowed, or 0 for no limit",
		},
		"cost increase": {
			run:  func(args []string, stderr io.Writer) int { return runCost(t.Context(), args, io.Discard, stderr) },
			args: []string{"--plan", "p.json", "--max-monthly-increase-usd", "-0.5"},
			want: "deployctl cost: --max-monthly-usd and --max-monthly-increase-usd must not be negative: pass a limit, or 0 for none",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var stderr bytes.Buffer
			args := append(slices.Clone(tc.args), "--workdir", t.TempDir(), "--infra-dir", t.TempDir())
			if code := tc.run(args, &stderr); code != exitcode.Error {
				t.Errorf("exit %d, want %d", code, exitcode.Error)
			}
			if got := strings.SplitN(strings.TrimSpace(stderr.String()), "\n", 2)[0]; got != tc.want {
				t.Errorf("stderr first line %q, want %q\n%s", got, tc.want, stderr.String())
			}
		})
	}
}
