package plansum

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func readCostPlan(t *testing.T, name string) *Plan {
	t.Helper()
	return readPlan(t, "../../cost/testdata/"+name)
}

// TestChangeSetIgnoresWhenAndWhere: the digest depends on the changes only, not on
// the plan's timestamp, terraform version or resource order.
func TestChangeSetIgnoresWhenAndWhere(t *testing.T) {
	data, err := os.ReadFile("../cost/testdata/dev-create.json")
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	raw["timestamp"] = "2030-01-01T00:00:00Z"
	raw["terraform_version"] = "1.99.0"
	rc := raw["resource_changes"].([]any)
	for i, j := 0, len(rc)-1; i < j; i, j = i+1, j-1 {
		rc[i], rc[j] = rc[j], rc[i]
	}
	moved, _ := json.Marshal(raw)
	other, err := Read(moved)
	if err != nil {
		t.Fatal(err)
	}
	a, b := Changes(readCostPlan(t, "dev-create.json")), Changes(other)
	if a.Digest() != b.Digest() {
		t.Error("the same changes planned at another time in another order have another digest")
	}
	if len(a) == 0 {
		t.Fatal("a first plan has no changes")
	}
}

func TestReviewedCompare(t *testing.T) {
	p := readCostPlan(t, "dev-create.json")
	cs := Changes(p)
	comment := "## Terraform plan\n" + cs.Block("dev") + "\n" + ChangeSet{}.Block("prod")
	rev, err := ParseReviewed(comment, "dev")
	if err != nil {
		t.Fatal(err)
	}
	if diff := rev.Compare(cs); diff != nil {
		t.Errorf("the reviewed change set differs from itself: %v", diff)
	}
	// The same plan with one value changed after review.
	changed := append(ChangeSet{}, cs...)
	after := map[string]any{}
	for k, v := range changed[0].After.(map[string]any) {
		after[k] = v
	}
	after["tags"] = map[string]any{"Sneaky": "yes"}
	changed[0].After = after
	changed = append(changed, Change{Address: "aws_iam_user.extra", Actions: []string{"create"}})
	diff := rev.Compare(changed)
	if len(diff) != 3 {
		t.Fatalf("want the changed resource (old and new line) and the new one, got %v", diff)
	}
	if !strings.HasPrefix(diff[0], "- "+cs[0].Address+" ") || !strings.HasPrefix(diff[1], "+ "+cs[0].Address+" ") || diff[2] != "+ "+changed.Lines()[len(changed)-1] {
		t.Errorf("diff = %v", diff)
	}
	prod, err := ParseReviewed(comment, "prod")
	if err != nil || len(prod.Lines) != 0 {
		t.Errorf("empty prod change set: %+v, %v", prod, err)
	}
	if _, err := ParseReviewed("no block here", "dev"); err == nil {
		t.Error("a comment without a block parsed")
	}
	if diff := cmp.Diff(cs.Lines(), rev.Lines); diff != "" {
		t.Errorf("lines round trip (-want +got):\n%s", diff)
	}
}
