package cost

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"dagger/predictor/internal/plansum"
)

func readPlan(t *testing.T, name string) *plansum.Plan {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	p, err := plansum.Read(data)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func table(t *testing.T) Table {
	t.Helper()
	tb, err := DefaultTable()
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

type line struct {
	Address, Component string
	Monthly            float64
}

// TestInfraPlans: the figures of README.md's table, from first plans of the real
// infra/ root for dev and prod (made against the emulator).
func TestInfraPlans(t *testing.T) {
	tests := map[string]struct {
		total float64
		items []line
	}{
		"dev": {
			total: 8.95,
			items: []line{
				{"module.api_gateway.aws_apigatewayv2_api.this", "HTTP API requests", 1.00},
				{"module.api_gateway.aws_cloudwatch_log_group.access", "log ingestion", 0.50},
				{"module.api_gateway.aws_service_discovery_private_dns_namespace.this", "Cloud Map DNS hosted zone", 0.50},
				{"module.api_gateway.aws_service_discovery_service.this", "Cloud Map instances", 0.10},
				{"module.ecs.aws_cloudwatch_log_group.this", "log ingestion", 0.50},
				{"module.ecs.aws_ecs_service.this", "Fargate Spot", 2.70},
				{"module.ecs.aws_ecs_service.this", "public IPv4", 3.65},
			},
		},
		"prod": {
			total: 69.93,
			items: []line{
				{"module.api_gateway.aws_apigatewayv2_api.this", "HTTP API requests", 1.00},
				{"module.api_gateway.aws_cloudwatch_log_group.access", "log ingestion", 0.50},
				{"module.api_gateway.aws_service_discovery_private_dns_namespace.this", "Cloud Map DNS hosted zone", 0.50},
				{"module.api_gateway.aws_service_discovery_service.this", "Cloud Map instances", 0.20},
				{"module.ecs.aws_cloudwatch_log_group.this", "log ingestion", 0.50},
				{"module.ecs.aws_ecs_service.this", "Fargate", 18.02},
				{"module.ecs.aws_ecs_service.this", "Fargate Spot", 5.41},
				{`module.networking.aws_vpc_endpoint.interface["ecr.api"]`, "interface endpoint", 14.60},
				{`module.networking.aws_vpc_endpoint.interface["ecr.dkr"]`, "interface endpoint", 14.60},
				{`module.networking.aws_vpc_endpoint.interface["logs"]`, "interface endpoint", 14.60},
			},
		},
	}
	for env, tc := range tests {
		t.Run(env, func(t *testing.T) {
			e := compute(readPlan(t, env+"-create.json"), table(t))
			var got []line
			for _, it := range e.Items {
				got = append(got, line{it.Address, it.Component, it.Monthly})
			}
			if diff := cmp.Diff(tc.items, got, cmpopts.EquateApprox(0, 0.001)); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.total, e.Total, cmpopts.EquateApprox(0, 0.001)); diff != "" {
				t.Errorf("total (-want +got):\n%s", diff)
			}
			if len(e.Notes) != 0 {
				t.Errorf("notes: %q", e.Notes)
			}
		})
	}
}

func TestSplit(t *testing.T) {
	fargate := func(base, weight float64) map[string]any {
		return map[string]any{"capacity_provider": "FARGATE", "base": base, "weight": weight}
	}
	spot := func(base, weight float64) map[string]any {
		return map[string]any{"capacity_provider": "FARGATE_SPOT", "base": base, "weight": weight}
	}
	tests := map[string]struct {
		n        int
		strategy []map[string]any
		launch   string
		onDemand int
		spot     int
	}{
		"launch type fargate":      {n: 3, launch: "FARGATE", onDemand: 3},
		"no strategy no launch":    {n: 2, onDemand: 2},
		"all spot":                 {n: 1, strategy: []map[string]any{spot(0, 1)}, spot: 1},
		"base 1 rest spot":         {n: 2, strategy: []map[string]any{fargate(1, 0), spot(0, 1)}, onDemand: 1, spot: 1},
		"base bigger than n":       {n: 1, strategy: []map[string]any{fargate(2, 1), spot(0, 1)}, onDemand: 1},
		"weights 1:3 of 4":         {n: 4, strategy: []map[string]any{fargate(0, 1), spot(0, 3)}, onDemand: 1, spot: 3},
		"weights 1:1 of 3 tie":     {n: 3, strategy: []map[string]any{spot(0, 1), fargate(0, 1)}, onDemand: 1, spot: 2},
		"base then weights 1:2":    {n: 7, strategy: []map[string]any{fargate(1, 1), spot(0, 2)}, onDemand: 3, spot: 4},
		"zero weights go to first": {n: 2, strategy: []map[string]any{spot(0, 0)}, spot: 2},
		"zero tasks":               {n: 0, strategy: []map[string]any{fargate(1, 0), spot(0, 1)}},
		"json numbers from tfexec": {n: 2, strategy: []map[string]any{{"capacity_provider": "FARGATE", "base": "1", "weight": "0"}, spot(0, 1)}, onDemand: 1, spot: 1},
		"launch type FARGATE_SPOT": {n: 2, launch: "FARGATE_SPOT", spot: 2},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := split(tc.n, tc.strategy, tc.launch)
			want := taskCount{total: tc.n, onDemand: tc.onDemand, spot: tc.spot}
			if diff := cmp.Diff(want, got, cmp.AllowUnexported(taskCount{})); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestArithmetic checks each priced resource kind on a small plan.
func TestArithmetic(t *testing.T) {
	e := compute(readPlan(t, "kinds.json"), table(t))
	got := map[string]float64{}
	for _, it := range e.Items {
		got[it.Address+" "+it.Component] = it.Monthly
	}
	want := map[string]float64{
		// 2 tasks x (1 vCPU x 0.04048 + 2 GB x 0.004445) x 730 = 72.0832; no autoscaling
		// target, so the desired count is used.
		"aws_ecs_service.api Fargate": 72.08,
		// 2 tasks x 730 h x 0.005
		"aws_ecs_service.api public IPv4": 7.30,
		// 3 subnets x 730 x 0.01
		"aws_vpc_endpoint.logs interface endpoint":    21.90,
		"aws_nat_gateway.this NAT gateway":            32.85,
		"aws_eip.nat public IPv4":                     3.65,
		"aws_apigatewayv2_api.http HTTP API requests": 1.00,
		"aws_cloudwatch_log_group.app log ingestion":  0.50,
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 0.001)); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(139.28, e.Total, cmpopts.EquateApprox(0, 0.001)); diff != "" {
		t.Errorf("total (-want +got):\n%s", diff)
	}
	// The gateway endpoint and the WebSocket API have no fixed price.
	if e.Unpriced != 3 {
		t.Errorf("unpriced = %d, want 3", e.Unpriced)
	}
}

func TestCheck(t *testing.T) {
	e := Estimate{Total: 69.93}
	if err := e.Check(0); err != nil {
		t.Errorf("Check(0) = %v", err)
	}
	if err := e.Check(70); err != nil {
		t.Errorf("Check(70) = %v", err)
	}
	err := e.Check(50)
	if !errors.Is(err, ErrOverBudget) {
		t.Fatalf("Check(50) = %v, want ErrOverBudget", err)
	}
	if diff := cmp.Diff("monthly cost estimate over budget: $69.93 per month exceeds --max-monthly-usd 50.00", err.Error()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestTableHasSources(t *testing.T) {
	for k, p := range table(t).Prices {
		if p.Region == "" || p.Unit == "" || p.USD <= 0 || p.Source == "" || p.Date == "" {
			t.Errorf("price %s incomplete: %+v", k, p)
		}
	}
}

// TestNoopPlanFromState: deployctl plan estimates a plan without changes from the
// prior state in the saved plan file instead of terraform show -json; the estimate
// is the same. Fixtures: a no-op plan of the real infra/ root for local after its
// first apply (made against the emulator): local-noop.json is its show -json (only
// the parts read here), local-noop-planfile.zip the saved plan file (a zip archive)
// with only its tfstate member.
func TestNoopPlanFromState(t *testing.T) {
	tb := table(t)
	want := compute(readPlan(t, "local-noop.json"), tb)
	p, err := plansum.FromPlanFile(filepath.Join("testdata", "local-noop-planfile.zip"), map[string]string{"environment": "local", "aws_region": "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	got := compute(p, tb)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("estimate from the state (-show -json +state):\n%s", diff)
	}
	// Until the first rollout the autoscaling minimum is 0 (infra/modules/ecs), so no
	// Fargate task is priced, unlike a first plan (README.md).
	if got.Total != 2.50 || got.Unpriced != 48 {
		t.Errorf("total %.2f with %d unpriced, want 2.50 with 48", got.Total, got.Unpriced)
	}
}
