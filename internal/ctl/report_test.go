package ctl

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseRollout(t *testing.T) {
	tests := map[string]struct {
		out    string
		want   RolloutResult
		wantOK bool
	}{
		"final line": {
			out:    "watching ecs-svc/1\ndeployment=ecs-svc/2 taskDefinition=arn:aws:ecs:us-east-1:1:task-definition/predictor:4 revision=4\n",
			want:   RolloutResult{DeploymentID: "ecs-svc/2", TaskDefinition: "arn:aws:ecs:us-east-1:1:task-definition/predictor:4", Revision: 4},
			wantOK: true,
		},
		"json report": {
			out:    `{"deployment":"ecs-svc/9","taskDefinition":"arn:td:9","revision":9}`,
			want:   RolloutResult{DeploymentID: "ecs-svc/9", TaskDefinition: "arn:td:9", Revision: 9},
			wantOK: true,
		},
		"nothing": {out: "error: boom"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, ok := ParseRollout(tc.out)
			if d := cmp.Diff(tc.want, got); d != "" || ok != tc.wantOK {
				t.Errorf("ParseRollout ok=%v (-want +got):\n%s", ok, d)
			}
		})
	}
}

func TestParsePlanSummaryJSON(t *testing.T) {
	tests := map[string]struct {
		raw      string
		want     PlanCounts
		wantCost float64
		wantErr  bool
	}{
		"full":         {raw: `{"summary":{"environment":"dev","add":54,"change":1,"destroy":2,"replace":0},"cost":{"total_monthly_usd":8.95}}`, want: PlanCounts{Add: 54, Change: 1, Destroy: 2}, wantCost: 8.95},
		"replace only": {raw: `{"summary":{"add":0,"change":0,"destroy":0,"replace":1},"cost":{"total_monthly_usd":8.95}}`, want: PlanCounts{Replace: 1}, wantCost: 8.95},
		"no cost":      {raw: `{"summary":{"add":1}}`, want: PlanCounts{Add: 1}, wantCost: -1},
		"free":         {raw: `{"summary":{},"cost":{"total_monthly_usd":0}}`, wantCost: 0},
		"other":        {raw: `{"x":1}`, wantCost: -1, wantErr: true},
		"garbage":      {raw: `nope`, wantCost: -1, wantErr: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, cost, err := ParsePlanSummaryJSON(tc.raw)
			if (err != nil) != tc.wantErr || cost != tc.wantCost {
				t.Fatalf("ParsePlanSummaryJSON = %v, %v, %v", got, cost, err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("counts (-want +got):\n%s", d)
			}
		})
	}
}

func TestParsePlanCostChange(t *testing.T) {
	tests := map[string]struct {
		raw     string
		want    float64
		wantOK  bool
		wantErr bool
	}{
		"increase":  {raw: `{"summary":{"add":3},"cost":{"total_monthly_usd":49.1},"cost_change":{"before_monthly_usd":8.95,"after_monthly_usd":49.1,"delta_monthly_usd":40.15}}`, want: 40.15, wantOK: true},
		"decrease":  {raw: `{"cost_change":{"delta_monthly_usd":-3.65}}`, want: -3.65, wantOK: true},
		"no change": {raw: `{"cost_change":{"delta_monthly_usd":0}}`, wantOK: true},
		"older":     {raw: `{"summary":{"add":1},"cost":{"total_monthly_usd":8.95}}`},
		"garbage":   {raw: `nope`, wantErr: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, ok, err := ParsePlanCostChange(tc.raw)
			if (err != nil) != tc.wantErr || ok != tc.wantOK || got != tc.want {
				t.Errorf("ParsePlanCostChange = %v, %v, %v; want %v, %v, error %v", got, ok, err, tc.want, tc.wantOK, tc.wantErr)
			}
		})
	}
}
