package plansum

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	tfjson "github.com/hashicorp/terraform-json"
)

// stateEntry is the member of a saved plan file (a zip archive) holding the prior
// state: the state refreshed by the plan, as terraform's state JSON.
const stateEntry = "tfstate"

// FromPlanFile reads the prior state carried by saved plan file path (without
// running terraform) as a Plan in which every resource stays as it is: see
// FromState. For a plan without changes, that is the infrastructure after apply.
func FromPlanFile(path string, vars map[string]string) (*Plan, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, fmt.Errorf("read saved plan %s: %w", path, err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name != stateEntry {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("read the state in saved plan %s: %w", path, err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("read the state in saved plan %s: %w", path, err)
		}
		p, err := FromState(data, vars)
		if err != nil {
			return nil, fmt.Errorf("saved plan %s: %w", path, err)
		}
		return p, nil
	}
	return nil, fmt.Errorf("saved plan %s has no %q member: not a terraform plan file", path, stateEntry)
}

// state is the part of terraform's state JSON (version 4) read here.
type state struct {
	Version   int `json:"version"`
	Resources []struct {
		Module    string              `json:"module"`
		Mode      tfjson.ResourceMode `json:"mode"`
		Type      string              `json:"type"`
		Name      string              `json:"name"`
		Instances []struct {
			IndexKey   any            `json:"index_key"`
			Deposed    string         `json:"deposed"`
			Attributes map[string]any `json:"attributes"`
		} `json:"instances"`
	} `json:"resources"`
}

// FromState builds a Plan from terraform state JSON in which every resource instance
// is unchanged (actions ["no-op"]) with After = its attributes, the values a plan
// JSON shows for it, and vars as the root variables (such as environment and
// aws_region). Deposed objects are left out, as New leaves them out. The plan has no
// configuration, so lookups through references (Refs, ResolveRefs) find nothing.
func FromState(data []byte, vars map[string]string) (*Plan, error) {
	var s state
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("decode state JSON: %w", err)
	}
	if s.Version != 4 {
		return nil, fmt.Errorf("state format version %d, want 4", s.Version)
	}
	raw := &tfjson.Plan{Variables: map[string]*tfjson.PlanVariable{}}
	for k, v := range vars {
		raw.Variables[k] = &tfjson.PlanVariable{Value: v}
	}
	p := &Plan{Raw: raw, unchanged: true}
	for _, res := range s.Resources {
		mode := res.Mode
		if mode == "" {
			mode = tfjson.ManagedResourceMode
		}
		local := res.Type + "." + res.Name
		if mode == tfjson.DataResourceMode {
			local = "data." + local
		}
		base := join(res.Module, local)
		for _, in := range res.Instances {
			if in.Deposed != "" {
				continue
			}
			after := in.Attributes
			if after == nil {
				after = map[string]any{}
			}
			p.Resources = append(p.Resources, &Resource{
				Address: base + indexSuffix(in.IndexKey), Module: res.Module, Mode: mode, Type: res.Type, Name: res.Name,
				Index: in.IndexKey, Actions: tfjson.Actions{tfjson.ActionNoop},
				After: after, AfterUnknown: map[string]any{}, plan: p,
			})
		}
	}
	return p, nil
}

// indexSuffix is the instance key as in an address: [0], ["key"], or "" for none.
func indexSuffix(key any) string {
	switch k := key.(type) {
	case nil:
		return ""
	case string:
		return "[" + strconv.Quote(k) + "]"
	case float64:
		return "[" + strconv.FormatFloat(k, 'f', -1, 64) + "]"
	}
	return fmt.Sprintf("[%v]", key)
}

// Prior is the infrastructure before the plan is applied, as a Plan in which every
// resource stays as it is (actions ["no-op"], After = its values): the plan's prior
// state (terraform's state refreshed by the plan), with the plan's variables and
// configuration, so lookups through references work as on the plan. A plan JSON
// without prior_state falls back to the resource changes' before values (nil for a
// create). A plan read from a state (FromState, FromPlanFile) has no changes and is
// its own prior.
func (p *Plan) Prior() *Plan {
	if p.unchanged {
		return p
	}
	raw := &tfjson.Plan{FormatVersion: p.Raw.FormatVersion, Variables: p.Raw.Variables, Config: p.Raw.Config}
	prior := &Plan{Raw: raw, unchanged: true}
	add := func(module string, mode tfjson.ResourceMode, typ, name, address string, index any, values map[string]any) {
		if values == nil {
			values = map[string]any{}
		}
		prior.Resources = append(prior.Resources, &Resource{
			Address: address, Module: module, Mode: mode, Type: typ, Name: name, Index: index,
			Actions: tfjson.Actions{tfjson.ActionNoop}, After: values, AfterUnknown: map[string]any{}, plan: prior,
		})
	}
	if ps := p.Raw.PriorState; ps != nil && ps.Values != nil && ps.Values.RootModule != nil {
		var walk func(m *tfjson.StateModule)
		walk = func(m *tfjson.StateModule) {
			for _, r := range m.Resources {
				if r == nil || r.DeposedKey != "" {
					continue
				}
				add(m.Address, r.Mode, r.Type, r.Name, r.Address, r.Index, r.AttributeValues)
			}
			for _, c := range m.ChildModules {
				if c != nil {
					walk(c)
				}
			}
		}
		walk(ps.Values.RootModule)
		return prior
	}
	for _, rc := range p.Raw.ResourceChanges {
		if rc == nil || rc.Change == nil || rc.DeposedKey != "" {
			continue
		}
		if before, ok := rc.Change.Before.(map[string]any); ok {
			add(rc.ModuleAddress, rc.Mode, rc.Type, rc.Name, rc.Address, rc.Index, before)
		}
	}
	return prior
}
