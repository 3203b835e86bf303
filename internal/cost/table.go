// Package cost estimates the monthly cost of a terraform plan from its JSON and a
// price table kept in the repository (prices.json: region, unit, price, source, date),
// with the usage assumptions stated next to the prices. The method and the figures per
// environment are in README.md.
package cost

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
)

//go:embed prices.json
var pricesJSON []byte

// ErrOverBudget: the estimate exceeds the allowed monthly amount.
var ErrOverBudget = errors.New("monthly cost estimate over budget")

// Price is one unit price with where it comes from.
type Price struct {
	Region string  `json:"region"`
	Unit   string  `json:"unit"`
	USD    float64 `json:"usd"`
	Source string  `json:"source"`
	Date   string  `json:"date"`
}

// Assumptions are the usage figures the estimate cannot read from a plan.
type Assumptions struct {
	// FargateSpotDiscount is the fraction taken off on-demand Fargate prices for
	// FARGATE_SPOT (Spot prices vary; AWS quotes "up to 70%").
	FargateSpotDiscount float64 `json:"fargate_spot_discount"`
	// HTTPAPIRequestsPerMonth is the assumed request count of each HTTP API.
	HTTPAPIRequestsPerMonth float64 `json:"http_api_requests_per_month"`
	// LogIngestedGBPerGroupMonth is the assumed ingestion of each log group.
	LogIngestedGBPerGroupMonth float64 `json:"log_ingested_gb_per_group_month"`
	// TasksWhenUnknown is the task count of a service whose count the plan does not
	// tell (no autoscaling target, desired count 0).
	TasksWhenUnknown float64 `json:"tasks_when_unknown"`
}

// Table is the price table.
type Table struct {
	HoursPerMonth float64          `json:"hours_per_month"`
	Prices        map[string]Price `json:"prices"`
	Assumptions   Assumptions      `json:"assumptions"`
}

// Price keys in Table.Prices.
const (
	fargateVCPUHour       = "fargate_vcpu_hour"
	fargateGBHour         = "fargate_gb_hour"
	interfaceEndpointHour = "vpc_interface_endpoint_az_hour"
	publicIPv4Hour        = "public_ipv4_hour"
	natGatewayHour        = "nat_gateway_hour"
	httpAPIMillion        = "http_api_million_requests"
	cloudMapInstanceMonth = "cloud_map_instance_month"
	hostedZoneMonth       = "hosted_zone_month"
	logsIngestedGB        = "logs_ingested_gb"
)

// DefaultTable is the table embedded from prices.json.
func DefaultTable() (Table, error) {
	var t Table
	if err := json.Unmarshal(pricesJSON, &t); err != nil {
		return Table{}, fmt.Errorf("decode prices.json: %w", err)
	}
	for _, k := range []string{fargateVCPUHour, fargateGBHour, interfaceEndpointHour, publicIPv4Hour, natGatewayHour, httpAPIMillion, cloudMapInstanceMonth, hostedZoneMonth, logsIngestedGB} {
		if _, ok := t.Prices[k]; !ok {
			return Table{}, fmt.Errorf("decode prices.json: price %q missing", k)
		}
	}
	return t, nil
}

func (t Table) usd(key string) float64 { return t.Prices[key].USD }
