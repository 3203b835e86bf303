package cost

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"dagger/predictor/internal/plansum"
)

// Item is the monthly cost of one part of one resource.
type Item struct {
	Address   string  `json:"address"`
	Component string  `json:"component"`
	Monthly   float64 `json:"monthly_usd"`
	Detail    string  `json:"detail"`
}

// Estimate is the monthly estimate of a plan's resources after apply.
type Estimate struct {
	Environment string  `json:"environment,omitempty"`
	Region      string  `json:"region"`
	Items       []Item  `json:"items"`
	Total       float64 `json:"total_monthly_usd"`
	// Assumptions are the usage figures used, in words.
	Assumptions []string `json:"assumptions"`
	// Notes are places where the plan did not tell and a fallback was used.
	Notes []string `json:"notes,omitempty"`
	// Unpriced counts live resources without a fixed monthly price (usage-based such
	// as S3 and ECR storage, or free such as IAM and security groups).
	Unpriced int `json:"unpriced_resources"`
}

// cents rounds to whole cents; items are rounded, and the total is their sum, so the
// printed figures add up.
func cents(v float64) float64 { return math.Round(v*100) / 100 }

type estimator struct {
	p     *plansum.Plan
	t     Table
	e     *Estimate
	tasks map[string]taskCount // by service address
}

type taskCount struct {
	total, onDemand, spot int
	source                string
}

// compute estimates the plan's monthly cost with table t.
func compute(p *plansum.Plan, t Table) Estimate {
	e := &Estimate{Environment: p.Environment(), Region: p.Variable("aws_region"), Items: []Item{}}
	if e.Region == "" {
		e.Region = "us-east-1"
	}
	if r := t.Prices[fargateVCPUHour].Region; r != e.Region {
		e.Notes = append(e.Notes, fmt.Sprintf("prices are for %s; %s prices may differ", r, e.Region))
	}
	a := t.Assumptions
	e.Assumptions = []string{
		fmt.Sprintf("%.0f hours per month", t.HoursPerMonth),
		fmt.Sprintf("Fargate Spot %.0f%% below on-demand", a.FargateSpotDiscount*100),
		"task count = autoscaling minimum capacity (else desired count), split by the capacity provider strategy (base first, then weights)",
		fmt.Sprintf("%s requests per month per HTTP API", humanCount(a.HTTPAPIRequestsPerMonth)),
		fmt.Sprintf("%g GB ingested per month per log group (storage not included)", a.LogIngestedGBPerGroupMonth),
		"data transfer and per-GB endpoint/NAT processing not included",
	}
	es := &estimator{p: p, t: t, e: e, tasks: map[string]taskCount{}}
	priced := map[string]bool{}
	for _, r := range p.Live() {
		if es.resource(r) {
			priced[r.Address] = true
		}
	}
	e.Unpriced = len(p.Live()) - len(priced)
	slices.SortStableFunc(e.Items, func(a, b Item) int { return cmp.Compare(a.Address, b.Address) })
	for _, it := range e.Items {
		e.Total += it.Monthly
	}
	e.Total = cents(e.Total)
	return *e
}

func (es *estimator) add(r *plansum.Resource, component string, monthly float64, detail string) {
	es.e.Items = append(es.e.Items, Item{Address: r.Address, Component: component, Monthly: cents(monthly), Detail: detail})
}

func (es *estimator) note(format string, args ...any) {
	es.e.Notes = append(es.e.Notes, fmt.Sprintf(format, args...))
}

// resource adds r's items and reports whether r has a price.
func (es *estimator) resource(r *plansum.Resource) bool {
	t, h := es.t, es.t.HoursPerMonth
	switch r.Type {
	case "aws_ecs_service":
		return es.service(r)
	case "aws_vpc_endpoint":
		if r.String("vpc_endpoint_type") != "Interface" {
			return false
		}
		azs := es.endpointAZs(r)
		es.add(r, "interface endpoint", float64(azs)*h*t.usd(interfaceEndpointHour),
			fmt.Sprintf("%d AZ x %.0f h x $%g", azs, h, t.usd(interfaceEndpointHour)))
		return true
	case "aws_nat_gateway":
		es.add(r, "NAT gateway", h*t.usd(natGatewayHour), fmt.Sprintf("%.0f h x $%g", h, t.usd(natGatewayHour)))
		return true
	case "aws_eip":
		es.add(r, "public IPv4", h*t.usd(publicIPv4Hour), fmt.Sprintf("%.0f h x $%g", h, t.usd(publicIPv4Hour)))
		return true
	case "aws_apigatewayv2_api":
		if r.String("protocol_type") != "HTTP" {
			return false
		}
		m := es.t.Assumptions.HTTPAPIRequestsPerMonth / 1e6
		es.add(r, "HTTP API requests", m*t.usd(httpAPIMillion), fmt.Sprintf("%s requests (assumed) x $%g per million", humanCount(m*1e6), t.usd(httpAPIMillion)))
		return true
	case "aws_service_discovery_private_dns_namespace", "aws_service_discovery_public_dns_namespace":
		es.add(r, "Cloud Map DNS hosted zone", t.usd(hostedZoneMonth), fmt.Sprintf("1 hosted zone x $%g", t.usd(hostedZoneMonth)))
		return true
	case "aws_service_discovery_service":
		n := es.registeredInstances(r)
		es.add(r, "Cloud Map instances", float64(n)*t.usd(cloudMapInstanceMonth), fmt.Sprintf("%d instance(s) x $%g", n, t.usd(cloudMapInstanceMonth)))
		return true
	case "aws_cloudwatch_log_group":
		gb := es.t.Assumptions.LogIngestedGBPerGroupMonth
		es.add(r, "log ingestion", gb*t.usd(logsIngestedGB), fmt.Sprintf("%g GB (assumed) x $%g", gb, t.usd(logsIngestedGB)))
		return true
	}
	return false
}

func (es *estimator) service(r *plansum.Resource) bool {
	t, h := es.t, es.t.HoursPerMonth
	tc := es.taskCount(r)
	cpu, mem, ok := es.taskSize(r)
	if !ok {
		es.note("%s: task definition cpu/memory unknown: Fargate not estimated", r.Address)
		return true
	}
	vcpu, gb := cpu/1024, mem/1024
	hourly := vcpu*t.usd(fargateVCPUHour) + gb*t.usd(fargateGBHour)
	size := fmt.Sprintf("(%g vCPU, %g GB) x %.0f h", vcpu, gb, h)
	if tc.onDemand > 0 {
		es.add(r, "Fargate", float64(tc.onDemand)*hourly*h, fmt.Sprintf("%d task(s) %s, %s", tc.onDemand, size, tc.source))
	}
	if tc.spot > 0 {
		d := t.Assumptions.FargateSpotDiscount
		es.add(r, "Fargate Spot", float64(tc.spot)*hourly*h*(1-d), fmt.Sprintf("%d task(s) %s, %.0f%% off, %s", tc.spot, size, d*100, tc.source))
	}
	if es.publicIP(r) && tc.total > 0 {
		es.add(r, "public IPv4", float64(tc.total)*h*t.usd(publicIPv4Hour), fmt.Sprintf("%d task(s) x %.0f h x $%g", tc.total, h, t.usd(publicIPv4Hour)))
	}
	return true
}

func (es *estimator) publicIP(r *plansum.Resource) bool {
	for _, nc := range plansum.Blocks(r.After["network_configuration"]) {
		if b, _ := nc["assign_public_ip"].(bool); b {
			return true
		}
	}
	return false
}

// taskCount is the expected number of running tasks of service r and its split
// between FARGATE (on-demand) and FARGATE_SPOT.
func (es *estimator) taskCount(r *plansum.Resource) taskCount {
	if tc, ok := es.tasks[r.Address]; ok {
		return tc
	}
	n, source := 0, ""
	if target := es.scalableTarget(r); target != nil {
		if v, ok := plansum.Number(target.After["min_capacity"]); ok {
			n, source = int(v), "autoscaling minimum"
		} else if v, err := strconv.Atoi(es.p.VariableString("min_capacity")); err == nil {
			// infra/ keeps the minimum at 0 until the first rollout, so a first plan
			// shows it as unknown; the steady state is the root's min_capacity.
			n, source = v, "autoscaling minimum (min_capacity variable)"
		}
	}
	if source == "" {
		if v, ok := plansum.Number(r.After["desired_count"]); ok && v > 0 {
			n, source = int(v), "desired count"
		}
	}
	if source == "" {
		n, source = int(es.t.Assumptions.TasksWhenUnknown), "assumed"
		es.note("%s: no autoscaling target and no desired count: assumed %d task(s)", r.Address, n)
	}
	tc := split(n, plansum.Blocks(r.After["capacity_provider_strategy"]), r.String("launch_type"))
	tc.source = source
	es.tasks[r.Address] = tc
	return tc
}

// split divides n tasks over a capacity provider strategy the way ECS does: the
// provider with a base gets up to base tasks first, the rest go by weight (largest
// remainder, ties to the provider listed first). No strategy means the launch type.
func split(n int, strategy []map[string]any, launchType string) taskCount {
	tc := taskCount{total: n}
	if len(strategy) == 0 {
		if launchType == "FARGATE_SPOT" {
			tc.spot = n
		} else {
			tc.onDemand = n
		}
		return tc
	}
	type share struct {
		spot        bool
		base, count int
		weight, rem float64
	}
	shares := make([]share, len(strategy))
	rest := n
	for i, s := range strategy {
		name, _ := s["capacity_provider"].(string)
		base, _ := plansum.Number(s["base"])
		weight, _ := plansum.Number(s["weight"])
		shares[i] = share{spot: name == "FARGATE_SPOT", base: int(base), weight: weight}
	}
	for i := range shares {
		b := min(shares[i].base, rest)
		shares[i].count, rest = b, rest-b
	}
	var total float64
	for _, s := range shares {
		total += s.weight
	}
	if total == 0 {
		shares[0].count += rest
		rest = 0
	}
	left := rest
	for i := range shares {
		if total == 0 {
			break
		}
		exact := float64(rest) * shares[i].weight / total
		whole := int(math.Floor(exact))
		shares[i].count += whole
		shares[i].rem = exact - float64(whole)
		left -= whole
	}
	for ; left > 0; left-- {
		best := 0
		for i := range shares {
			if shares[i].rem > shares[best].rem {
				best = i
			}
		}
		shares[best].count++
		shares[best].rem = -1
	}
	for _, s := range shares {
		if s.spot {
			tc.spot += s.count
		} else {
			tc.onDemand += s.count
		}
	}
	return tc
}

// scalableTarget finds the ECS autoscaling target of service r: by its resource ID
// (service/<cluster>/<service>), else by configuration reference, else the only one.
func (es *estimator) scalableTarget(r *plansum.Resource) *plansum.Resource {
	var ecs []*plansum.Resource
	for _, t := range es.p.Live("aws_appautoscaling_target") {
		if t.String("service_namespace") == "ecs" {
			ecs = append(ecs, t)
		}
	}
	name := r.String("name")
	for _, t := range ecs {
		if id := t.String("resource_id"); name != "" && strings.HasSuffix(id, "/"+name) {
			return t
		}
	}
	for _, t := range ecs {
		if slices.Contains(es.p.ResolveRefs(t.ModulePath(), t.Refs("resource_id")), r.ConfigAddress()) {
			return t
		}
	}
	if len(ecs) == 1 && len(es.p.Live("aws_ecs_service")) == 1 {
		return ecs[0]
	}
	return nil
}

// taskSize is the cpu units and memory MiB of service r's task definition.
func (es *estimator) taskSize(r *plansum.Resource) (cpu, mem float64, ok bool) {
	var td *plansum.Resource
	if arn := r.String("task_definition"); arn != "" {
		for _, d := range es.p.Live("aws_ecs_task_definition") {
			if d.String("family") != "" && (arn == d.String("family") || strings.Contains(arn, ":task-definition/"+d.String("family")+":") || strings.HasPrefix(arn, d.String("family")+":")) {
				td = d
			}
		}
	}
	if td == nil {
		for _, addr := range es.p.ResolveRefs(r.ModulePath(), r.Refs("task_definition")) {
			if ds := es.p.ByConfigAddress(addr); len(ds) > 0 && ds[0].Type == "aws_ecs_task_definition" {
				td = ds[0]
			}
		}
	}
	if td == nil {
		if ds := es.p.Live("aws_ecs_task_definition"); len(ds) == 1 {
			td = ds[0]
		}
	}
	if td == nil {
		return 0, 0, false
	}
	cpu, okc := plansum.Number(td.After["cpu"])
	mem, okm := plansum.Number(td.After["memory"])
	return cpu, mem, okc && okm
}

// endpointAZs counts the subnets (one ENI per AZ) of an interface endpoint: the
// planned list when known, else the subnet resources its configuration refers to.
func (es *estimator) endpointAZs(r *plansum.Resource) int {
	if ids, ok := r.After["subnet_ids"].([]any); ok && !r.Unknown("subnet_ids") {
		return len(ids)
	}
	n := 0
	for _, addr := range es.p.ResolveRefs(r.ModulePath(), r.Refs("subnet_ids")) {
		for _, s := range es.p.ByConfigAddress(addr) {
			if s.Type == "aws_subnet" {
				n++
			}
		}
	}
	if n == 0 {
		n = 1
		es.note("%s: subnets unknown until apply: assumed 1 AZ", r.Address)
	}
	return n
}

// registeredInstances is the number of tasks registered in Cloud Map service r: the
// tasks of every ECS service whose service_registries refer to it (or, when there is
// only one Cloud Map service, of every ECS service with service_registries).
func (es *estimator) registeredInstances(r *plansum.Resource) int {
	n := 0
	discovery := es.p.Live("aws_service_discovery_service")
	for _, svc := range es.p.Live("aws_ecs_service") {
		regs := plansum.Blocks(svc.After["service_registries"])
		if len(regs) == 0 {
			continue
		}
		refs := es.p.ResolveRefs(svc.ModulePath(), nestedRefs(svc, "service_registries", "registry_arn"))
		if slices.Contains(refs, r.ConfigAddress()) || (len(discovery) == 1 && !anyDiscovery(refs)) {
			n += es.taskCount(svc).total
		}
	}
	return n
}

func anyDiscovery(addrs []string) bool {
	for _, a := range addrs {
		if strings.Contains(a, "aws_service_discovery_service.") {
			return true
		}
	}
	return false
}

// nestedRefs returns the references of attr inside the nested block of r.
func nestedRefs(r *plansum.Resource, block, attr string) []string {
	c := r.Config()
	if c == nil || c.Expressions[block] == nil || c.Expressions[block].ExpressionData == nil {
		return nil
	}
	var refs []string
	for _, b := range c.Expressions[block].NestedBlocks {
		if e := b[attr]; e != nil && e.ExpressionData != nil {
			refs = append(refs, e.References...)
		}
	}
	return refs
}

func humanCount(n float64) string {
	switch {
	case n >= 1e6 && math.Mod(n, 1e6) == 0:
		return fmt.Sprintf("%gM", n/1e6)
	case n >= 1e3 && math.Mod(n, 1e3) == 0:
		return fmt.Sprintf("%gk", n/1e3)
	}
	return fmt.Sprintf("%g", n)
}

// Check returns ErrOverBudget when max > 0 and the total exceeds it.
func (e Estimate) Check(max float64) error {
	if max > 0 && e.Total > max {
		return fmt.Errorf("%w: $%.2f per month exceeds --max-monthly-usd %.2f", ErrOverBudget, e.Total, max)
	}
	return nil
}

// Text renders the estimate as a table for a terminal or CI log.
func (e Estimate) Text() string {
	var b strings.Builder
	env := ""
	if e.Environment != "" {
		env = " for " + e.Environment
	}
	fmt.Fprintf(&b, "Monthly cost estimate%s (%s): $%.2f\n", env, e.Region, e.Total)
	for _, it := range e.Items {
		fmt.Fprintf(&b, "  %9s  %-28s %s: %s\n", fmt.Sprintf("$%.2f", it.Monthly), it.Component, it.Address, it.Detail)
	}
	if e.Unpriced > 0 {
		fmt.Fprintf(&b, "  %d other resource(s) have no fixed monthly price (usage-based or free).\n", e.Unpriced)
	}
	b.WriteString("Assumptions: " + strings.Join(e.Assumptions, "; ") + ".\n")
	for _, n := range e.Notes {
		b.WriteString("Note: " + n + "\n")
	}
	return b.String()
}

// Markdown renders the estimate as a Markdown table.
func (e Estimate) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "#### Monthly cost estimate: $%.2f\n\n| monthly | component | resource | detail |\n|---:|---|---|---|\n", e.Total)
	for _, it := range e.Items {
		fmt.Fprintf(&b, "| $%.2f | %s | `%s` | %s |\n", it.Monthly, it.Component, it.Address, it.Detail)
	}
	fmt.Fprintf(&b, "\nAssumptions: %s.\n", strings.Join(e.Assumptions, "; "))
	for _, n := range e.Notes {
		fmt.Fprintf(&b, "\nNote: %s\n", n)
	}
	return b.String()
}
