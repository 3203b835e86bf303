package plansum

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	tfjson "github.com/hashicorp/terraform-json"
)

func readPlan(t *testing.T, name string) *Plan {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	p, err := Read(data)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSummarize(t *testing.T) {
	got := Summarize(readPlan(t, "mixed.json"))
	want := Summary{
		Environment: "dev", Add: 3, Change: 1, Destroy: 1, Replace: 1, OutputChanges: 1,
		Critical: []Entry{
			{Address: "module.ecs.aws_ecs_service.this", Module: "module.ecs", Action: actReplace, Reason: "replace_because_cannot_update"},
			{Address: "module.networking.aws_subnet.private[1]", Module: "module.networking", Action: actDestroy, Reason: "delete_because_count_index"},
		},
		Groups: []Group{
			{Module: "", Entries: []Entry{{Address: "aws_s3_bucket.new", Action: actCreate}}},
			{Module: "module.ecs", Entries: []Entry{
				{Address: "module.ecs.aws_cloudwatch_log_group.this", Module: "module.ecs", Action: actCreate},
				{Address: "module.ecs.aws_ecs_task_definition.this", Module: "module.ecs", Action: actUpdate},
			}},
			{Module: "module.networking", Entries: []Entry{{Address: "module.networking.aws_subnet.private[0]", Module: "module.networking", Action: actCreate}}},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Summarize (-want +got):\n%s", diff)
	}
}

func TestRender(t *testing.T) {
	tests := map[string]struct {
		fixture  string
		text, md string
	}{
		"mixed": {
			fixture: "mixed.json",
			text: `Plan for dev: 3 to add, 1 to change, 1 to destroy, 1 to replace.

Replaced or destroyed (2):
  -/+ module.ecs.aws_ecs_service.this (replace because cannot update)
  -   module.networking.aws_subnet.private[1] (delete because count index)

root module (1):
  +   aws_s3_bucket.new

module.ecs (2):
  +   module.ecs.aws_cloudwatch_log_group.this
  ~   module.ecs.aws_ecs_task_definition.this

module.networking (1):
  +   module.networking.aws_subnet.private[0]

Outputs: 1 changed.
`,
			md: "### Terraform plan for `dev`\n\n**3** to add, **1** to change, **1** to destroy, **1** to replace\n\nOutputs: 1 changed.\n" +
				"\n#### :warning: Replaced or destroyed (2)\n\n" +
				"- **replace** `module.ecs.aws_ecs_service.this` (replace because cannot update)\n" +
				"- **destroy** `module.networking.aws_subnet.private[1]` (delete because count index)\n" +
				"\n#### root module (1)\n\n- create `aws_s3_bucket.new`\n" +
				"\n#### `module.ecs` (2)\n\n- create `module.ecs.aws_cloudwatch_log_group.this`\n- update `module.ecs.aws_ecs_task_definition.this`\n" +
				"\n#### `module.networking` (1)\n\n- create `module.networking.aws_subnet.private[0]`\n",
		},
		"no changes": {
			fixture: "nochanges.json",
			text:    "Plan for prod: no changes; the infrastructure matches the configuration.\n",
			md:      "### Terraform plan for `prod`\n\nNo changes. The infrastructure matches the configuration.\n",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s := Summarize(readPlan(t, tc.fixture))
			if diff := cmp.Diff(tc.text, s.Text()); diff != "" {
				t.Errorf("Text (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.md, s.Markdown(0)); diff != "" {
				t.Errorf("Markdown (-want +got):\n%s", diff)
			}
		})
	}
}

// bigPlan has n created resources spread over modules and one destroyed resource
// whose address sorts last, so only its place in the critical section keeps it.
func bigPlan(n int) *Plan {
	p := &tfjson.Plan{Variables: map[string]*tfjson.PlanVariable{"environment": {Value: "prod"}}}
	for i := range n {
		mod := fmt.Sprintf("module.m%02d", i%20)
		p.ResourceChanges = append(p.ResourceChanges, &tfjson.ResourceChange{
			Address: fmt.Sprintf("%s.aws_security_group_rule.rule_with_a_rather_long_name[%d]", mod, i), ModuleAddress: mod,
			Mode: tfjson.ManagedResourceMode, Type: "aws_security_group_rule", Name: "r",
			Change: &tfjson.Change{Actions: tfjson.Actions{tfjson.ActionCreate}},
		})
	}
	p.ResourceChanges = append(p.ResourceChanges, &tfjson.ResourceChange{
		Address: "module.zz.aws_s3_bucket.data", ModuleAddress: "module.zz", Mode: tfjson.ManagedResourceMode,
		Type: "aws_s3_bucket", Name: "data", Change: &tfjson.Change{Actions: tfjson.Actions{tfjson.ActionDelete}},
	})
	return New(p)
}

func TestMarkdownTruncation(t *testing.T) {
	tests := map[string]struct {
		n, limit      int
		wantTruncated bool
	}{
		"fits":         {n: 10, limit: 0},
		"github limit": {n: 3000, limit: 0, wantTruncated: true},
		"small limit":  {n: 50, limit: 1000, wantTruncated: true},
		"400 fit":      {n: 400, limit: 0},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s := Summarize(bigPlan(tc.n))
			md := s.Markdown(tc.limit)
			limit := tc.limit
			if limit == 0 {
				limit = MaxMarkdown
			}
			if len(md) > limit || len(md) >= 65536 {
				t.Fatalf("markdown is %d bytes, limit %d", len(md), limit)
			}
			if !strings.Contains(md, "**destroy** `module.zz.aws_s3_bucket.data`") {
				t.Error("the destroyed resource was cut")
			}
			shown := strings.Count(md, "\n- ")
			total := tc.n + 1
			if !tc.wantTruncated {
				if shown != total || strings.Contains(md, "more resources not shown") {
					t.Errorf("shown %d of %d, or truncated", shown, total)
				}
				return
			}
			want := fmt.Sprintf("\n... and %d more resources not shown\n", total-shown)
			if !strings.HasSuffix(md, want) {
				t.Errorf("markdown ends %q, want %q", md[len(md)-60:], want)
			}
			if shown == 0 || shown >= total {
				t.Errorf("shown %d of %d", shown, total)
			}
		})
	}
}

func TestSummaryJSON(t *testing.T) {
	data, err := json.Marshal(Summarize(readPlan(t, "nochanges.json")))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"environment":"prod","add":0,"change":0,"destroy":0,"replace":0,"output_changes":0,"replaced_or_destroyed":[],"groups":[]}`
	if diff := cmp.Diff(want, string(data)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
