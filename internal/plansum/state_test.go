package plansum

import (
	"archive/zip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	tfjson "github.com/hashicorp/terraform-json"
)

// testState is a small terraform state: root and module resources, a counted and a
// for_each instance, a data source, and a deposed object.
const testState = `{
  "version": 4,
  "terraform_version": "1.14.0",
  "serial": 3,
  "lineage": "x",
  "outputs": {},
  "resources": [
    {"mode": "managed", "type": "aws_cloudwatch_log_group", "name": "this", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
     "instances": [{"schema_version": 0, "attributes": {"name": "/ecs/x", "retention_in_days": 1}}]},
    {"module": "module.ecs", "mode": "managed", "type": "aws_ecs_service", "name": "this", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
     "instances": [{"schema_version": 1, "attributes": {"name": "svc", "desired_count": 1,
       "capacity_provider_strategy": [{"base": 0, "capacity_provider": "FARGATE_SPOT", "weight": 1}],
       "network_configuration": [{"assign_public_ip": true, "subnets": ["a", "b"]}]}}]},
    {"module": "module.s3", "mode": "managed", "type": "aws_s3_bucket", "name": "this", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]", "each": "map",
     "instances": [
       {"index_key": "files", "schema_version": 0, "attributes": {"bucket": "f"}},
       {"index_key": "data", "schema_version": 0, "attributes": {"bucket": "d"}},
       {"index_key": "data", "deposed": "00000001", "schema_version": 0, "attributes": {"bucket": "old"}}
     ]},
    {"module": "module.networking", "mode": "managed", "type": "aws_subnet", "name": "public", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]", "each": "list",
     "instances": [{"index_key": 0, "schema_version": 1, "attributes": {"id": "a"}}, {"index_key": 1, "schema_version": 1, "attributes": {"id": "b"}}]},
    {"mode": "data", "type": "aws_caller_identity", "name": "current", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
     "instances": [{"schema_version": 0, "attributes": {"account_id": "123456789012"}}]}
  ],
  "check_results": null
}`

func writePlanFile(t *testing.T, members map[string]string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "p.tfplan")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for name, body := range members {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestFromPlanFile(t *testing.T) {
	// A saved plan is a zip archive: tfplan (protobuf), tfstate, tfstate-prev, tfconfig/...
	path := writePlanFile(t, map[string]string{"tfplan": "\x00binary", "tfstate": testState, "tfstate-prev": `{"version": 4, "resources": []}`})
	p, err := FromPlanFile(path, map[string]string{"environment": "local", "aws_region": "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	type res struct {
		Address, Module string
		Mode            tfjson.ResourceMode
		Index           any
		Actions         tfjson.Actions
	}
	var got []res
	for _, r := range p.Resources {
		got = append(got, res{r.Address, r.Module, r.Mode, r.Index, r.Actions})
	}
	noop := tfjson.Actions{tfjson.ActionNoop}
	want := []res{
		{"aws_cloudwatch_log_group.this", "", tfjson.ManagedResourceMode, nil, noop},
		{"module.ecs.aws_ecs_service.this", "module.ecs", tfjson.ManagedResourceMode, nil, noop},
		{`module.s3.aws_s3_bucket.this["files"]`, "module.s3", tfjson.ManagedResourceMode, "files", noop},
		{`module.s3.aws_s3_bucket.this["data"]`, "module.s3", tfjson.ManagedResourceMode, "data", noop},
		{"module.networking.aws_subnet.public[0]", "module.networking", tfjson.ManagedResourceMode, 0.0, noop},
		{"module.networking.aws_subnet.public[1]", "module.networking", tfjson.ManagedResourceMode, 1.0, noop},
		{"data.aws_caller_identity.current", "", tfjson.DataResourceMode, nil, noop},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("resources (-want +got):\n%s", diff)
	}
	if got := p.Environment(); got != "local" {
		t.Errorf("environment %q", got)
	}
	if got := p.Variable("aws_region"); got != "us-east-1" {
		t.Errorf("aws_region %q", got)
	}
	svc := p.Live("aws_ecs_service")
	if len(svc) != 1 {
		t.Fatalf("live services: %v", svc)
	}
	// After holds the attributes with the value shapes of plan JSON.
	if n, ok := Number(svc[0].After["desired_count"]); !ok || n != 1 {
		t.Errorf("desired_count %v", svc[0].After["desired_count"])
	}
	if got := Blocks(svc[0].After["capacity_provider_strategy"]); len(got) != 1 || got[0]["capacity_provider"] != "FARGATE_SPOT" {
		t.Errorf("capacity_provider_strategy %v", got)
	}
	if svc[0].Unknown("desired_count") || svc[0].Config() != nil || svc[0].Refs("task_definition") != nil {
		t.Error("a state resource has unknowns or configuration")
	}
	if got := len(p.Live()); got != 6 {
		t.Errorf("%d live resources, want 6", got)
	}
	if got := len(p.Data()); got != 1 {
		t.Errorf("%d data sources, want 1", got)
	}

	// The same summary as terraform's no-change plan gives.
	s := Summarize(p)
	if s.HasChanges() || s.Environment != "local" {
		t.Errorf("summary %+v", s)
	}
	if got, want := s.Text(), "Plan for local: no changes; the infrastructure matches the configuration.\n"; got != want {
		t.Errorf("text %q, want %q", got, want)
	}
	if got := s.Markdown(0); !strings.Contains(got, "No changes.") {
		t.Errorf("markdown %q", got)
	}
}

func TestFromPlanFileErrors(t *testing.T) {
	dir := t.TempDir()
	notZip := filepath.Join(dir, "plain.tfplan")
	if err := os.WriteFile(notZip, []byte("not a zip"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		path string
		want string
	}{
		"missing":   {filepath.Join(dir, "none.tfplan"), "read saved plan"},
		"not a zip": {notZip, "read saved plan"},
		"no state":  {writePlanFile(t, map[string]string{"tfplan": "x"}), `has no "tfstate" member`},
		"bad JSON":  {writePlanFile(t, map[string]string{"tfstate": "{"}), "decode state JSON"},
		"version 3": {writePlanFile(t, map[string]string{"tfstate": `{"version": 3}`}), "state format version 3"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := FromPlanFile(tc.path, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestFromStateEmpty: a state without resources (nothing applied yet) is a plan with
// no resources.
func TestFromStateEmpty(t *testing.T) {
	p, err := FromState([]byte(`{"version": 4, "resources": []}`), map[string]string{"environment": "dev"})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Resources) != 0 || p.Environment() != "dev" || p.Variable("aws_region") != "" {
		t.Errorf("plan %+v", p)
	}
}

// TestPrior: the infrastructure before a plan is its prior state (module resources,
// instance keys, data sources; deposed objects left out), every resource unchanged,
// with the plan's variables and configuration; without prior_state, the resource
// changes' before values; a plan read from a state is its own prior.
func TestPrior(t *testing.T) {
	type res struct {
		Address, Module string
		Mode            tfjson.ResourceMode
		Type            string
		Index           any
		After           map[string]any
	}
	list := func(p *Plan) []res {
		var out []res
		for _, r := range p.Resources {
			if !r.Actions.NoOp() {
				t.Errorf("%s: actions %v, want no-op", r.Address, r.Actions)
			}
			out = append(out, res{r.Address, r.Module, r.Mode, r.Type, r.Index, r.After})
		}
		return out
	}
	const planJSON = `{
  "format_version": "1.2",
  "variables": {"environment": {"value": "dev"}},
  "prior_state": {"format_version": "1.0", "values": {"root_module": {
    "resources": [{"address": "data.aws_region.current", "mode": "data", "type": "aws_region", "name": "current", "values": {"name": "us-east-1"}}],
    "child_modules": [{"address": "module.ecs", "resources": [
      {"address": "module.ecs.aws_ecs_task_definition.this", "mode": "managed", "type": "aws_ecs_task_definition", "name": "this", "values": {"cpu": "256"}},
      {"address": "module.ecs.aws_ecs_task_definition.this", "mode": "managed", "type": "aws_ecs_task_definition", "name": "this", "deposed_key": "00000001", "values": {"cpu": "128"}}
    ]}, {"address": "module.net", "resources": [
      {"address": "module.net.aws_subnet.this[\"a\"]", "mode": "managed", "type": "aws_subnet", "name": "this", "index": "a", "values": {"id": "s-a"}}
    ]}]
  }}},
  "resource_changes": [
    {"address": "module.ecs.aws_ecs_task_definition.this", "module_address": "module.ecs", "mode": "managed", "type": "aws_ecs_task_definition", "name": "this",
     "change": {"actions": ["delete", "create"], "before": {"cpu": "256"}, "after": {"cpu": "512"}}},
    {"address": "aws_cloudwatch_log_group.new", "mode": "managed", "type": "aws_cloudwatch_log_group", "name": "new",
     "change": {"actions": ["create"], "before": null, "after": {"name": "x"}}}
  ],
  "configuration": {"root_module": {}}
}`
	p, err := Read([]byte(planJSON))
	if err != nil {
		t.Fatal(err)
	}
	prior := p.Prior()
	want := []res{
		{"data.aws_region.current", "", tfjson.DataResourceMode, "aws_region", nil, map[string]any{"name": "us-east-1"}},
		{"module.ecs.aws_ecs_task_definition.this", "module.ecs", tfjson.ManagedResourceMode, "aws_ecs_task_definition", nil, map[string]any{"cpu": "256"}},
		{`module.net.aws_subnet.this["a"]`, "module.net", tfjson.ManagedResourceMode, "aws_subnet", "a", map[string]any{"id": "s-a"}},
	}
	if diff := cmp.Diff(want, list(prior)); diff != "" {
		t.Errorf("from prior_state (-want +got):\n%s", diff)
	}
	if prior.Environment() != "dev" || prior.Raw.Config != p.Raw.Config {
		t.Errorf("prior lost the plan's variables or configuration")
	}
	if prior.Prior() != prior {
		t.Errorf("the prior of a prior is not itself")
	}

	p.Raw.PriorState = nil
	want = []res{{"module.ecs.aws_ecs_task_definition.this", "module.ecs", tfjson.ManagedResourceMode, "aws_ecs_task_definition", nil, map[string]any{"cpu": "256"}}}
	if diff := cmp.Diff(want, list(p.Prior())); diff != "" {
		t.Errorf("from before values (-want +got):\n%s", diff)
	}

	s, err := FromState([]byte(testState), nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Prior() != s {
		t.Errorf("a plan read from a state is not its own prior")
	}
}
