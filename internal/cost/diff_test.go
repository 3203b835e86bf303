package cost

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"dagger/predictor/internal/plansum"
)

// delta is one expected per-resource change: address, component, before, after.
type delta struct {
	Address, Component string
	Before, After      float64
}

// deltas lists d's changes and checks that each delta is after - before.
func deltas(t *testing.T, d Diff) []delta {
	t.Helper()
	var out []delta
	for _, c := range d.Changes {
		out = append(out, delta{c.Address, c.Component, c.Before, c.After})
		if c.Delta != cents(c.After-c.Before) {
			t.Errorf("%s %s: delta %.2f, want after - before = %.2f", c.Address, c.Component, c.Delta, c.After-c.Before)
		}
	}
	return out
}

var approx = cmpopts.EquateApprox(0, 0.001)

// TestDiffFirstCreate: a first plan starts from nothing (its prior state holds only
// data sources), so before is $0 and every priced item is an increase.
func TestDiffFirstCreate(t *testing.T) {
	for _, name := range []string{"dev-create.json", "prod-create.json"} {
		t.Run(name, func(t *testing.T) {
			after, d := ComputeDiff(readPlan(t, name), table(t))
			var want []delta
			for _, it := range after.Items {
				want = append(want, delta{it.Address, it.Component, 0, it.Monthly})
			}
			if diff := cmp.Diff(want, deltas(t, d), approx); diff != "" {
				t.Errorf("changes (-want +got):\n%s", diff)
			}
			if d.Before != 0 || d.After != after.Total || d.Delta != after.Total {
				t.Errorf("before %.2f after %.2f delta %.2f, want 0, %.2f, %.2f", d.Before, d.After, d.Delta, after.Total, after.Total)
			}
		})
	}
}

// TestDiffNoop: a plan without changes changes no cost, read from its show -json
// (before values of the resource changes) or from the saved plan file's prior state.
func TestDiffNoop(t *testing.T) {
	tb := table(t)
	fromFile, err := plansum.FromPlanFile(filepath.Join("testdata", "local-noop-planfile.zip"), map[string]string{"environment": "local", "aws_region": "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	for name, p := range map[string]*plansum.Plan{"show -json": readPlan(t, "local-noop.json"), "plan file": fromFile} {
		t.Run(name, func(t *testing.T) {
			after, d := ComputeDiff(p, tb)
			want := Diff{Environment: "local", Before: after.Total, After: after.Total, Delta: 0, Changes: []Change{}}
			if diff := cmp.Diff(want, d); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if after.Total == 0 {
				t.Error("the no-op fixture prices nothing: the test would prove nothing")
			}
		})
	}
}

// TestDiffChanges: plans of the real infra/ root for local after apply and a stand-in
// rollout (testdata/gen-change-fixtures.sh, against the emulator): one Fargate Spot
// task (fargate_base 0, min_capacity 1) in public subnets, two AZs. The figures are
// computed here from the price table.
func TestDiffChanges(t *testing.T) {
	tb := table(t)
	h, spot := tb.HoursPerMonth, 1-tb.Assumptions.FargateSpotDiscount
	fargate := func(cpu, memMiB float64) float64 {
		return cents((cpu/1024*tb.usd(fargateVCPUHour) + memMiB/1024*tb.usd(fargateGBHour)) * h * spot)
	}
	endpoint := cents(2 * h * tb.usd(interfaceEndpointHour)) // one ENI per AZ
	const service = "module.ecs.aws_ecs_service.this"
	tests := map[string][]delta{
		// task_cpu 256 -> 512, task_memory 512 -> 1024: the task definition is replaced
		// and the one Spot task doubles in size.
		"local-task-size.json": {
			{service, "Fargate Spot", fargate(256, 512), fargate(512, 1024)},
		},
		// network_mode public -> private: three interface endpoints in two AZs, and the
		// task loses its public IPv4 address.
		"local-private.json": {
			{service, "public IPv4", cents(h * tb.usd(publicIPv4Hour)), 0},
			{`module.networking.aws_vpc_endpoint.interface["ecr.api"]`, "interface endpoint", 0, endpoint},
			{`module.networking.aws_vpc_endpoint.interface["ecr.dkr"]`, "interface endpoint", 0, endpoint},
			{`module.networking.aws_vpc_endpoint.interface["logs"]`, "interface endpoint", 0, endpoint},
		},
	}
	for name, want := range tests {
		t.Run(name, func(t *testing.T) {
			after, d := ComputeDiff(readPlan(t, name), tb)
			if diff := cmp.Diff(want, deltas(t, d), approx); diff != "" {
				t.Errorf("changes (-want +got):\n%s", diff)
			}
			var sum float64
			for _, w := range want {
				sum += w.After - w.Before
			}
			if diff := cmp.Diff(cents(sum), d.Delta, approx); diff != "" {
				t.Errorf("total delta (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(cents(d.Before+d.Delta), after.Total, approx); diff != "" {
				t.Errorf("before + delta vs after (-want +got):\n%s", diff)
			}
			if len(after.Notes) != 0 {
				t.Errorf("notes: %q", after.Notes)
			}
		})
	}
}

// TestCompare: items pair by address and component; new, removed and changed items
// show, unchanged ones do not.
func TestCompare(t *testing.T) {
	before := Estimate{Environment: "dev", Total: 6.35, Items: []Item{
		{Address: "a", Component: "Fargate Spot", Monthly: 2.70, Detail: "small"},
		{Address: "a", Component: "public IPv4", Monthly: 3.65, Detail: "1 task"},
	}}
	after := Estimate{Environment: "dev", Total: 20.51, Items: []Item{
		{Address: "a", Component: "Fargate Spot", Monthly: 5.41, Detail: "large"},
		{Address: "b", Component: "log ingestion", Monthly: 0.50, Detail: "1 GB"},
		{Address: "e", Component: "interface endpoint", Monthly: 14.60, Detail: "2 AZ"},
	}}
	want := Diff{Environment: "dev", Before: 6.35, After: 20.51, Delta: 14.16, Changes: []Change{
		{Address: "a", Component: "Fargate Spot", Before: 2.70, After: 5.41, Delta: 2.71, BeforeDetail: "small", AfterDetail: "large"},
		{Address: "a", Component: "public IPv4", Before: 3.65, Delta: -3.65, BeforeDetail: "1 task"},
		{Address: "b", Component: "log ingestion", After: 0.50, Delta: 0.50, AfterDetail: "1 GB"},
		{Address: "e", Component: "interface endpoint", After: 14.60, Delta: 14.60, AfterDetail: "2 AZ"},
	}}
	d := compare(before, after)
	if diff := cmp.Diff(want, d, approx); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	wantText := "Monthly cost change for dev: +$14.16 ($6.35 -> $20.51)\n" +
		"     +$2.71  Fargate Spot                 a: $2.70 -> $5.41, small -> large\n" +
		"     -$3.65  public IPv4                  a: $3.65 -> $0.00, removed (was 1 task)\n" +
		"     +$0.50  log ingestion                b: $0.00 -> $0.50, new: 1 GB\n" +
		"    +$14.60  interface endpoint           e: $0.00 -> $14.60, new: 2 AZ\n"
	if diff := cmp.Diff(wantText, d.Text()); diff != "" {
		t.Errorf("text (-want +got):\n%s", diff)
	}
	wantMD := "#### Monthly cost change: +$14.16 ($6.35 → $20.51)\n\n" +
		"| change | before | after | component | resource | detail |\n|---:|---:|---:|---|---|---|\n" +
		"| +$2.71 | $2.70 | $5.41 | Fargate Spot | `a` | small -> large |\n" +
		"| -$3.65 | $3.65 | $0.00 | public IPv4 | `a` | removed (was 1 task) |\n" +
		"| +$0.50 | $0.00 | $0.50 | log ingestion | `b` | new: 1 GB |\n" +
		"| +$14.60 | $0.00 | $14.60 | interface endpoint | `e` | new: 2 AZ |\n"
	if diff := cmp.Diff(wantMD, d.Markdown()); diff != "" {
		t.Errorf("Markdown (-want +got):\n%s", diff)
	}
	same := compare(before, before)
	if diff := cmp.Diff("Monthly cost change for dev: $0.00 ($6.35 -> $6.35)\n  no resource changes its monthly cost.\n", same.Text()); diff != "" {
		t.Errorf("text without change (-want +got):\n%s", diff)
	}
}

func TestDiffCheck(t *testing.T) {
	up := Diff{Before: 8.95, After: 52.75, Delta: 43.80}
	tests := map[string]struct {
		d       Diff
		max     float64
		wantErr string
	}{
		"no limit":        {d: up, max: 0},
		"within":          {d: up, max: 50},
		"exactly the max": {d: up, max: 43.80},
		"decrease":        {d: Diff{Before: 10, After: 5, Delta: -5}, max: 1},
		"over": {d: up, max: 10,
			wantErr: "monthly cost increase over budget: the plan adds +$43.80 per month ($8.95 -> $52.75), more than --max-monthly-increase-usd 10.00"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := tc.d.Check(tc.max)
			if tc.wantErr == "" {
				if err != nil {
					t.Errorf("Check(%g) = %v", tc.max, err)
				}
				return
			}
			if !errors.Is(err, ErrIncreaseOverBudget) {
				t.Fatalf("Check(%g) = %v, want ErrIncreaseOverBudget", tc.max, err)
			}
			if diff := cmp.Diff(tc.wantErr, err.Error()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
