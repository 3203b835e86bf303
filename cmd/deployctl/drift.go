package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"dagger/predictor/internal/exitcode"
)

func init() {
	register(command{name: "drift", summary: "report resources changed outside terraform (refresh-only plan, no state lock; exit 2) and a running service that differs from its last release (exit 8; both: 9)", run: runDrift})
}

func runDrift(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	sub := newCmd("drift", withTerraform)
	fs, g, tfl := sub.fs, sub.g, sub.tfl
	jsonOut := fs.String("json", "", "also write the drifted resources as JSON to this file")
	sf := &serviceFlags{tf: tfl}
	fs.StringVar(&sf.cluster, "cluster", "", "ECS cluster (default: terraform output ecs_cluster_name)")
	fs.StringVar(&sf.service, "service", "", "ECS service (default: terraform output ecs_service_name)")
	fs.StringVar(&sf.container, "container", "", "container whose image is compared (default: terraform output ecs_container_name, else the only container)")
	if code, ok := sub.parse(args, stderr); !ok {
		return code
	}
	s, cleanup, err := g.terraform(ctx, tfl, stderr)
	defer cleanup()
	if err != nil {
		return fail(stderr, fs, err)
	}
	items, infraDrift, err := terraformDrift(ctx, s, g.env, stdout)
	if err != nil {
		return fail(stderr, fs, err)
	}
	if *jsonOut != "" && infraDrift {
		if err := writeJSON(g, *jsonOut, items); err != nil {
			return fail(stderr, fs, err)
		}
	}
	svcDrift, err := serviceDrift(ctx, g, s, sf, stdout)
	if err != nil {
		return fail(stderr, fs, err)
	}
	return driftStatus(infraDrift, svcDrift)
}

// driftStatus is drift's exit status: each kind has its own, and both at once a third,
// so that a caller sees every kind without parsing the report.
func driftStatus(infra, service bool) int {
	switch {
	case infra && service:
		return exitcode.BothDrift
	case infra:
		return exitcode.Changes
	case service:
		return exitcode.ServiceDrift
	}
	return exitcode.OK
}

// terraformDrift runs the refresh-only plan and prints the resources changed outside
// terraform.
func terraformDrift(ctx context.Context, s *session, env string, stdout io.Writer) ([]driftItem, bool, error) {
	planFile := filepath.Join(filepath.Dir(s.tf.Config.DataDir), "drift.tfplan")
	defer os.Remove(planFile)
	drifted, err := s.tf.Drift(ctx, planFile)
	if err != nil {
		return nil, false, err
	}
	if !drifted {
		fmt.Fprintf(stdout, "Drift in %s: none; the infrastructure matches the state.\n", env)
		return nil, false, nil
	}
	raw, err := s.tf.ShowPlan(ctx, planFile)
	if err != nil {
		return nil, false, err
	}
	items := driftItems(raw)
	outputs := changedOutputs(raw)
	// Terraform also reports "changes" for a refresh-only plan whose only differences
	// are invisible ones (schema upgrades, private data); like its own "No changes"
	// message, that is no drift.
	if len(items) == 0 && outputs == 0 {
		fmt.Fprintf(stdout, "Drift in %s: none; the infrastructure matches the state.\n", env)
		return nil, false, nil
	}
	fmt.Fprintf(stdout, "Drift in %s: %d resource(s) changed outside terraform:\n", env, len(items))
	for _, it := range items {
		fmt.Fprintf(stdout, "  %s %s", it.Action, it.Address)
		if len(it.Attributes) > 0 {
			fmt.Fprintf(stdout, " (%s)", strings.Join(it.Attributes, ", "))
		}
		fmt.Fprintln(stdout)
	}
	if outputs > 0 {
		fmt.Fprintf(stdout, "  %d output(s) differ from the state\n", outputs)
	}
	return items, true, nil
}

type driftItem struct {
	Address string `json:"address"`
	// Action is what happened outside terraform: update, or delete (gone).
	Action string `json:"action"`
	// Attributes are the top-level attributes that changed (values not shown, they
	// may be sensitive).
	Attributes []string `json:"attributes,omitempty"`
}

func driftItems(p *tfjson.Plan) []driftItem {
	items := []driftItem{}
	for _, rc := range p.ResourceDrift {
		if rc == nil || rc.Change == nil || rc.Change.Actions.NoOp() {
			continue
		}
		it := driftItem{Address: rc.Address, Action: "update"}
		if rc.Change.Actions.Delete() {
			it.Action = "delete"
		}
		before, _ := rc.Change.Before.(map[string]any)
		after, _ := rc.Change.After.(map[string]any)
		for k := range before {
			if !reflect.DeepEqual(before[k], after[k]) {
				it.Attributes = append(it.Attributes, k)
			}
		}
		for k := range after {
			if _, ok := before[k]; !ok {
				it.Attributes = append(it.Attributes, k)
			}
		}
		slices.Sort(it.Attributes)
		items = append(items, it)
	}
	slices.SortFunc(items, func(a, b driftItem) int { return strings.Compare(a.Address, b.Address) })
	return items
}

func changedOutputs(p *tfjson.Plan) int {
	n := 0
	for _, oc := range p.OutputChanges {
		if oc != nil && !oc.Actions.NoOp() {
			n++
		}
	}
	return n
}
