package ctl

import (
	"regexp"

	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"dagger/predictor/internal/imageref"
	"dagger/predictor/internal/rollout/timeline"
)

// ParseOutputs reads `deployctl outputs --json` into strings, whether it prints
// name -> value or terraform's name -> {"value": ...}. Strings stay as they are;
// numbers, maps and lists keep their JSON text.
func ParseOutputs(raw string) (map[string]string, error) {
	var all map[string]json.RawMessage
	if err := json.Unmarshal([]byte(strings.TrimSpace(raw)), &all); err != nil {
		return nil, fmt.Errorf("read terraform outputs: %w", err)
	}
	out := make(map[string]string, len(all))
	for name, v := range all {
		var wrapped struct {
			Value json.RawMessage `json:"value"`
		}
		if json.Unmarshal(v, &wrapped) == nil && wrapped.Value != nil {
			v = wrapped.Value
		}
		var s string
		if json.Unmarshal(v, &s) == nil {
			out[name] = s
			continue
		}
		out[name] = string(v)
	}
	return out, nil
}

// ServiceFromOutputs picks the ECS service from the outputs.
func ServiceFromOutputs(o map[string]string) (Service, error) {
	s := Service{Cluster: o["ecs_cluster_name"], Name: o["ecs_service_name"], Container: o["ecs_container_name"], TaskDefinition: o["ecs_task_definition_arn"]}
	if s.Cluster == "" || s.Name == "" {
		return Service{}, fmt.Errorf("terraform outputs lack ecs_cluster_name or ecs_service_name: apply the infrastructure first")
	}
	if n, err := strconv.Atoi(o["ecs_desired_count"]); err == nil {
		s.DesiredCount = n
	}
	return s, nil
}

// BackendVars reads the backend_environment_variables output (a JSON object).
func BackendVars(o map[string]string) (map[string]string, error) {
	vars := map[string]string{}
	if err := json.Unmarshal([]byte(o["backend_environment_variables"]), &vars); err != nil {
		return nil, fmt.Errorf("read backend_environment_variables: %w", err)
	}
	return vars, nil
}

// RepositoryFromOutputs picks the ECR repository URL from the outputs. The pipeline
// passes it to ecr-login (--repository-url), which runs in the runtime image without
// terraform and so cannot read the outputs itself.
func RepositoryFromOutputs(o map[string]string) (string, error) {
	repo := o["ecr_repository_url"]
	if repo == "" {
		return "", fmt.Errorf("terraform outputs lack ecr_repository_url: apply the infrastructure first")
	}
	if _, _, err := imageref.SplitRepository(repo); err != nil {
		return "", err
	}
	return repo, nil
}

// RolloutResult is what rollout and rollback print last (`deployment=<id>
// taskDefinition=<arn> revision=<n>`) or write with --report-json.
type RolloutResult struct {
	DeploymentID   string `json:"deployment"`
	TaskDefinition string `json:"taskDefinition"`
	Revision       int    `json:"revision"`
	// LockHash is the provider lock file's hash rollout recorded with the release.
	LockHash string `json:"lockHash,omitempty"`
	// Timeline is where the rollout spent its time and the settings that bound it,
	// as report lines (rollout prints them; --report-json has them as "timeline").
	Timeline []string `json:"-"`
}

// PlanCounts are terraform's resource counts for a plan.
type PlanCounts struct {
	// Replace counts replacements once, as plansum does (terraform's own "Plan:" line
	// counts each under both add and destroy).
	Add, Change, Destroy, Replace int
}

var (
	rolloutRE  = regexp.MustCompile(`deployment=(\S+) taskDefinition=(\S+) revision=(\d+)`)
	lockHashRE = regexp.MustCompile(`(?m)^recorded lock-hash=(\S+)$`)
)

// ParseRollout reads rollout's report: the JSON of --report-json when given, else the
// last `deployment=... taskDefinition=... revision=...` line of its output.
func ParseRollout(out string) (RolloutResult, bool) {
	var r RolloutResult
	if t := strings.TrimSpace(out); strings.HasPrefix(t, "{") && json.Unmarshal([]byte(t), &r) == nil && r.DeploymentID != "" {
		var v struct {
			Timeline *timeline.Timeline `json:"timeline"`
		}
		if json.Unmarshal([]byte(t), &v) == nil {
			r.Timeline = v.Timeline.Lines()
		}
		return r, true
	}
	ms := rolloutRE.FindAllStringSubmatch(out, -1)
	if len(ms) == 0 {
		return RolloutResult{}, false
	}
	m := ms[len(ms)-1]
	r = RolloutResult{DeploymentID: m[1], TaskDefinition: m[2]}
	r.Revision, _ = strconv.Atoi(m[3])
	if lm := lockHashRE.FindStringSubmatch(out); lm != nil {
		r.LockHash = lm[1]
	}
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "timeline:") || strings.HasPrefix(l, "settings:") || strings.HasPrefix(l, "hint:") {
			r.Timeline = append(r.Timeline, strings.TrimSpace(l))
		}
	}
	return r, true
}

// ParsePlanSummaryJSON reads the counts and the monthly estimate from the file
// `deployctl plan --summary-json` writes ({"summary": {...}, "cost": {...}}).
func ParsePlanSummaryJSON(raw string) (PlanCounts, float64, error) {
	var v struct {
		Summary *struct {
			Add     int `json:"add"`
			Change  int `json:"change"`
			Destroy int `json:"destroy"`
			Replace int `json:"replace"`
		} `json:"summary"`
		Cost *struct {
			Total *float64 `json:"total_monthly_usd"`
		} `json:"cost"`
	}
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		return PlanCounts{}, -1, fmt.Errorf("read the plan summary: %w", err)
	}
	if v.Summary == nil {
		return PlanCounts{}, -1, fmt.Errorf("read the plan summary: no \"summary\" object")
	}
	cost := -1.0
	if v.Cost != nil && v.Cost.Total != nil {
		cost = *v.Cost.Total
	}
	return PlanCounts{Add: v.Summary.Add, Change: v.Summary.Change, Destroy: v.Summary.Destroy, Replace: v.Summary.Replace}, cost, nil
}

// ParsePlanCostChange reads the monthly cost change from the same file (its
// "cost_change" object, deployctl plan's estimate after apply minus before); ok is
// false when the file has none (a deployctl older than the change).
func ParsePlanCostChange(raw string) (delta float64, ok bool, err error) {
	var v struct {
		CostChange *struct {
			Delta *float64 `json:"delta_monthly_usd"`
		} `json:"cost_change"`
	}
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		return 0, false, fmt.Errorf("read the plan summary: %w", err)
	}
	if v.CostChange == nil || v.CostChange.Delta == nil {
		return 0, false, nil
	}
	return *v.CostChange.Delta, true, nil
}
