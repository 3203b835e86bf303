package servicediff

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"dagger/predictor/internal/rollout"
)

// knownAfterApply stands for a value the plan does not know yet.
const knownAfterApply = "(known after apply)"

// FromPlan reads the service as a plan would leave it: its task definition's planned
// values (size, roles, the container's environment and secrets) and the scalable
// target's bounds. The image and count are not Terraform's (the pipeline registers
// a revision with the release's image and autoscaling owns the count): Next sets them.
func FromPlan(p *tfjson.Plan, container string) (Service, error) {
	if p == nil || p.PlannedValues == nil || p.PlannedValues.RootModule == nil {
		return Service{}, fmt.Errorf("read the plan: it has no planned values")
	}
	var tds, targets []*tfjson.StateResource
	walk(p.PlannedValues.RootModule, func(r *tfjson.StateResource) {
		switch r.Type {
		case "aws_ecs_task_definition":
			tds = append(tds, r)
		case "aws_appautoscaling_target":
			targets = append(targets, r)
		}
	})
	if len(tds) != 1 {
		return Service{}, fmt.Errorf("read the plan's task definition: %d aws_ecs_task_definition resources, want 1", len(tds))
	}
	v := tds[0].AttributeValues
	s := Service{
		TaskDefinition: str(v, "family") + ":next", CPU: str(v, "cpu"), Memory: str(v, "memory"),
		TaskRole: str(v, "task_role_arn"), ExecutionRole: str(v, "execution_role_arn"), Env: map[string]string{},
	}
	c, err := planContainer(v["container_definitions"], container)
	if err != nil {
		return Service{}, fmt.Errorf("read the plan's task definition %s: %w", tds[0].Address, err)
	}
	s.Container = c.Name
	for _, kv := range c.Environment {
		s.Env[kv.Name] = kv.Value
	}
	for _, sec := range c.Secrets {
		s.Secrets = append(s.Secrets, sec.Name)
	}
	slices.Sort(s.Secrets)
	if len(targets) == 1 {
		a := targets[0].AttributeValues
		lo, lok := a["min_capacity"].(float64)
		hi, hok := a["max_capacity"].(float64)
		if lok && hok {
			s.Scaling = &Bounds{Min: int32(lo), Max: int32(hi)}
		}
	}
	return s, nil
}

// Next completes a service read from a plan with what a release sets: the image it
// ships (the running one when image is ""), its version in rollout.VersionVar (the
// running value when version is ""), and the count the service will run (the running
// count moved into the new bounds, or configured when it runs none, as the rollout
// starts it).
func Next(planned, running Service, image, version string, configured int32) Service {
	n := planned
	n.Image = running.Image
	if image != "" {
		n.Image = image
	}
	n.Env = maps.Clone(planned.Env)
	if n.Env == nil {
		n.Env = map[string]string{}
	}
	if v, ok := running.Env[rollout.VersionVar]; ok {
		n.Env[rollout.VersionVar] = v
	}
	if version != "" {
		n.Env[rollout.VersionVar] = version
	}
	n.DesiredCount = running.DesiredCount
	if n.DesiredCount == 0 {
		n.DesiredCount = configured
	}
	if b := n.Scaling; b != nil {
		n.DesiredCount = min(max(n.DesiredCount, b.Min), b.Max)
	}
	return n
}

type planContainerDef struct {
	Name        string `json:"name"`
	Environment []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"environment"`
	Secrets []struct {
		Name string `json:"name"`
	} `json:"secrets"`
}

func planContainer(raw any, name string) (planContainerDef, error) {
	text, ok := raw.(string)
	if !ok {
		return planContainerDef{}, fmt.Errorf("read container_definitions: %s", knownAfterApply)
	}
	var cs []planContainerDef
	if err := json.Unmarshal([]byte(text), &cs); err != nil {
		return planContainerDef{}, fmt.Errorf("read container_definitions: %w", err)
	}
	if name == "" && len(cs) == 1 {
		return cs[0], nil
	}
	for _, c := range cs {
		if c.Name == name {
			return c, nil
		}
	}
	return planContainerDef{}, fmt.Errorf("pick container %q: not among the %d container definitions", name, len(cs))
}

func walk(m *tfjson.StateModule, f func(*tfjson.StateResource)) {
	for _, r := range m.Resources {
		if r.Mode == tfjson.ManagedResourceMode {
			f(r)
		}
	}
	for _, c := range m.ChildModules {
		walk(c, f)
	}
}

// str is a planned string attribute; an unknown one is knownAfterApply, a null one "".
func str(v map[string]any, k string) string {
	x, ok := v[k]
	if !ok {
		return knownAfterApply
	}
	s, _ := x.(string)
	return strings.TrimSpace(s)
}
