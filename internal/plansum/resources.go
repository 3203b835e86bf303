// Package plansum reads a terraform plan (terraform show -json, decoded by
// terraform-json) and summarizes it: counts of add, change, destroy and replace,
// replaced and destroyed resources first, then the rest grouped by module, as text,
// Markdown (capped below GitHub's comment limit) or JSON. It also gives internal/cost
// and internal/policy one view of the planned resources and their configuration.
package plansum

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

// Resource is one resource instance of a plan with its planned values.
type Resource struct {
	// Address is the absolute instance address (module.ecs.aws_ecs_service.this).
	Address string
	// Module is the module instance address, "" for the root module.
	Module string
	Mode   tfjson.ResourceMode
	Type   string
	Name   string
	// Index is the instance key (count index or for_each key), nil when none.
	Index any
	// Actions are terraform's planned actions (["no-op"], ["create"], ...).
	Actions tfjson.Actions
	// After is the planned object (nil when destroyed); values unknown until apply are
	// absent and marked in AfterUnknown.
	After        map[string]any
	AfterUnknown map[string]any

	plan *Plan
}

// Plan wraps a decoded terraform plan for lookups across resources and configuration.
type Plan struct {
	Raw       *tfjson.Plan
	Resources []*Resource

	// unchanged: every resource stays as it is (a plan read from a state).
	unchanged bool
}

// Read decodes the JSON of `terraform show -json PLANFILE`.
func Read(data []byte) (*Plan, error) {
	var p tfjson.Plan
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("decode plan JSON: %w", err)
	}
	return New(&p), nil
}

// New indexes a decoded plan.
func New(p *tfjson.Plan) *Plan {
	pl := &Plan{Raw: p}
	for _, rc := range p.ResourceChanges {
		if rc == nil || rc.Change == nil || rc.DeposedKey != "" {
			continue
		}
		r := &Resource{
			Address: rc.Address, Module: rc.ModuleAddress, Mode: rc.Mode, Type: rc.Type, Name: rc.Name,
			Index: rc.Index, Actions: rc.Change.Actions, plan: pl,
		}
		r.After, _ = rc.Change.After.(map[string]any)
		r.AfterUnknown, _ = rc.Change.AfterUnknown.(map[string]any)
		pl.Resources = append(pl.Resources, r)
	}
	return pl
}

// Environment is the plan's root variable "environment", or "".
func (p *Plan) Environment() string { return p.Variable("environment") }

// Variable is a root variable's string value, or "".
func (p *Plan) Variable(name string) string {
	if p.Raw.Variables == nil || p.Raw.Variables[name] == nil {
		return ""
	}
	s, _ := p.Raw.Variables[name].Value.(string)
	return s
}

// VariableString is a root variable's value formatted as text (numbers and bools
// too); empty when the plan does not set it.
func (p *Plan) VariableString(name string) string {
	if p.Raw.Variables == nil || p.Raw.Variables[name] == nil || p.Raw.Variables[name].Value == nil {
		return ""
	}
	return fmt.Sprint(p.Raw.Variables[name].Value)
}

// Data lists the data sources the plan reads, optionally of the given types.
func (p *Plan) Data(types ...string) []*Resource {
	var out []*Resource
	for _, r := range p.Resources {
		if r.Mode == tfjson.DataResourceMode && r.After != nil && (len(types) == 0 || slices.Contains(types, r.Type)) {
			out = append(out, r)
		}
	}
	return out
}

// Live lists the managed resources that exist after the plan is applied (not
// destroyed), optionally of the given types.
func (p *Plan) Live(types ...string) []*Resource {
	var out []*Resource
	for _, r := range p.Resources {
		if r.Mode != tfjson.ManagedResourceMode || r.After == nil || r.Actions.Delete() {
			continue
		}
		if len(types) > 0 && !slices.Contains(types, r.Type) {
			continue
		}
		out = append(out, r)
	}
	return out
}

// ByConfigAddress lists live resource instances whose configuration address (module
// path and resource, without instance keys) is addr.
func (p *Plan) ByConfigAddress(addr string) []*Resource {
	var out []*Resource
	for _, r := range p.Resources {
		if r.After != nil && !r.Actions.Delete() && r.ConfigAddress() == addr {
			out = append(out, r)
		}
	}
	return out
}

var instanceKey = regexp.MustCompile(`\[[^\]]*\]`)

// stripKeys removes instance keys: module.a["x"].aws_s3_bucket.b[0] -> module.a.aws_s3_bucket.b.
func stripKeys(addr string) string { return instanceKey.ReplaceAllString(addr, "") }

// ConfigAddress is the resource's address without instance keys.
func (r *Resource) ConfigAddress() string { return stripKeys(r.Address) }

// ModulePath is the module address without instance keys ("" for root).
func (r *Resource) ModulePath() string { return stripKeys(r.Module) }

// Unknown reports whether top-level attribute attr is unknown until apply.
func (r *Resource) Unknown(attr string) bool {
	v, ok := r.AfterUnknown[attr]
	if !ok {
		return false
	}
	b, isBool := v.(bool)
	return !isBool || b
}

// String returns a string attribute ("" when absent or unknown).
func (r *Resource) String(attr string) string {
	s, _ := r.After[attr].(string)
	return s
}

// Bool returns a bool attribute (false when absent or unknown).
func (r *Resource) Bool(attr string) bool {
	b, _ := r.After[attr].(bool)
	return b
}

// Number returns a numeric attribute, also accepting numeric strings (ECS cpu and
// memory are strings); ok is false when absent, unknown or not a number.
func Number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	case string:
		f, err := strconv.ParseFloat(n, 64)
		return f, err == nil
	case int:
		return float64(n), true
	}
	return 0, false
}

// Blocks returns a nested block list attribute as objects.
func Blocks(v any) []map[string]any {
	list, _ := v.([]any)
	var out []map[string]any
	for _, e := range list {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// Strings returns a list or set of strings (non-strings skipped).
func Strings(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, e := range list {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// configModule returns the configuration of the module at path ("" = root,
// "module.a.module.b").
func (p *Plan) configModule(path string) *tfjson.ConfigModule {
	if p.Raw.Config == nil {
		return nil
	}
	m := p.Raw.Config.RootModule
	if path == "" {
		return m
	}
	for _, part := range strings.Split(path, ".module.") {
		name := strings.TrimPrefix(part, "module.")
		if m == nil || m.ModuleCalls[name] == nil {
			return nil
		}
		m = m.ModuleCalls[name].Module
	}
	return m
}

// Config returns the resource's configuration block, or nil.
func (r *Resource) Config() *tfjson.ConfigResource {
	m := r.plan.configModule(r.ModulePath())
	if m == nil {
		return nil
	}
	local := r.Type + "." + r.Name
	if r.Mode == tfjson.DataResourceMode {
		local = "data." + local
	}
	for _, c := range m.Resources {
		if c.Address == local {
			return c
		}
	}
	return nil
}

// Refs returns the references of the configuration expression of attr (nil when
// the attribute is constant or not set), with the for_each expression's references
// when attr uses each.value.
func (r *Resource) Refs(attr string) []string {
	c := r.Config()
	if c == nil || c.Expressions[attr] == nil || c.Expressions[attr].ExpressionData == nil {
		return nil
	}
	refs := slices.Clone(c.Expressions[attr].References)
	// each.value of a for_each over other resources (for_each = aws_s3_bucket.this)
	// refers to those resources.
	if c.ForEachExpression != nil && c.ForEachExpression.ExpressionData != nil && slices.ContainsFunc(refs, func(r string) bool { return strings.HasPrefix(r, "each.value") }) {
		refs = append(refs, c.ForEachExpression.References...)
	}
	return refs
}

// ResolveRefs follows configuration references made in module path (input variables
// to the caller's arguments, module outputs to their expressions) down to resource
// configuration addresses such as module.networking.aws_subnet.private. Locals are
// not in terraform's JSON configuration, so references through them are lost.
func (p *Plan) ResolveRefs(path string, refs []string) []string {
	seen := map[string]bool{}
	var out []string
	var walk func(path string, refs []string, depth int)
	walk = func(path string, refs []string, depth int) {
		if depth > 16 {
			return
		}
		for _, ref := range refs {
			parts := strings.Split(stripKeys(ref), ".")
			switch {
			case parts[0] == "var" && len(parts) >= 2 && path != "":
				parent, call := splitModule(path)
				m := p.configModule(parent)
				if m == nil || m.ModuleCalls[call] == nil {
					continue
				}
				if e := m.ModuleCalls[call].Expressions[parts[1]]; e != nil && e.ExpressionData != nil {
					walk(parent, e.References, depth+1)
				}
			case parts[0] == "module" && len(parts) >= 3:
				child := join(path, "module."+parts[1])
				m := p.configModule(child)
				if m == nil || m.Outputs[parts[2]] == nil || m.Outputs[parts[2]].Expression == nil || m.Outputs[parts[2]].Expression.ExpressionData == nil {
					continue
				}
				walk(child, m.Outputs[parts[2]].Expression.References, depth+1)
			case parts[0] == "var", parts[0] == "local", parts[0] == "each", parts[0] == "count", parts[0] == "path", parts[0] == "self", parts[0] == "terraform", parts[0] == "module":
				continue
			case parts[0] == "data" && len(parts) >= 3:
				addr := join(path, strings.Join(parts[:3], "."))
				if !seen[addr] {
					seen[addr] = true
					out = append(out, addr)
				}
			case len(parts) >= 2:
				addr := join(path, parts[0]+"."+parts[1])
				if !seen[addr] {
					seen[addr] = true
					out = append(out, addr)
				}
			}
		}
	}
	walk(path, refs, 0)
	return out
}

// splitModule splits "module.a.module.b" into "module.a" and "b".
func splitModule(path string) (parent, call string) {
	i := strings.LastIndex(path, "module.")
	parent = strings.TrimSuffix(path[:i], ".")
	return parent, path[i+len("module."):]
}

func join(path, local string) string {
	if path == "" {
		return local
	}
	return path + "." + local
}
