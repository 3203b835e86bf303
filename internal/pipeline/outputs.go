package pipeline

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
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
	if _, _, err := SplitRepository(repo); err != nil {
		return "", err
	}
	return repo, nil
}
