package e2e

import (
	"bytes"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"dagger/predictor/internal/testsupport/testenv"
)

// TestSavedPlanAppliesExactlyOnce: `plan --save` stores the plan in the state bucket
// and prints its ID; `apply --plan-id` refuses a tampered object, applies the
// untouched one, and refuses a plan the state has moved past (stale).
func TestSavedPlanAppliesExactlyOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t, testenv.NewMoto(t, testenv.MotoOptions{}))
	f.useMini()
	f.want(f.run(nil, "bootstrap", "--env", "local"), 0)
	save := func(name string) (string, []byte) {
		t.Helper()
		r := f.run(nil, "plan", "--env", "local", "--out", name, "--save", "--id-file", name+".id", "--summary-md", name+".md")
		f.want(r, 2)
		id := strings.TrimSpace(string(f.readFile(name + ".id")))
		if !strings.Contains(r.stdout, "Saved plan "+id) {
			t.Fatalf("plan --save printed no ID line:\n%s", r.stdout)
		}
		if md := string(f.readFile(name + ".md")); !strings.Contains(md, "Saved plan ID: `"+id+"`") {
			t.Errorf("the reviewers' Markdown lacks the plan ID:\n%s", md)
		}
		return id, f.readFile(name)
	}
	idA, bytesA := save("a.tfplan")
	idB, _ := save("b.tfplan")

	// The reviewed change set (a.tfplan.md, as a pull-request comment carries it):
	// the same changes pass; another value stops with the difference (exit 7).
	f.want(f.run(nil, "plan", "--env", "local", "--out", "c.tfplan", "--expect-changeset", "a.tfplan.md"), 2)
	r := f.run([]string{"TF_VAR_name_prefix=changed-after-review"}, "plan", "--env", "local", "--out", "d.tfplan", "--expect-changeset", "a.tfplan.md")
	f.want(r, 7)
	for _, want := range []string{"- aws_security_group.tasks create ", "+ aws_security_group.tasks create ", "is not the reviewed plan"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("change-set mismatch: stderr lacks %q:\n%s", want, tail(r.stderr, 2000))
		}
	}
	key := "plans/local/" + idA + ".tfplan"
	put := func(body []byte) {
		t.Helper()
		if _, err := f.s3(t).PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String(f.bucket), Key: aws.String(key), Body: bytes.NewReader(body)}); err != nil {
			t.Fatal(err)
		}
	}

	tampered := append(append([]byte{}, bytesA...), 0)
	put(tampered)
	r = f.run(nil, "apply", "--env", "local", "--plan-id", idA)
	f.want(r, 1)
	if !strings.Contains(r.stderr, "changed after review") {
		t.Errorf("tampered plan: stderr lacks the reason:\n%s", tail(r.stderr, 2000))
	}
	put(bytesA)
	f.want(f.run(nil, "apply", "--env", "local", "--plan-id", idA), 0)
	// B was planned from the state A has since changed.
	r = f.run(nil, "apply", "--env", "local", "--plan-id", idB)
	f.want(r, 5)

	for id, want := range map[string]string{"not-a-digest": "64-character SHA-256", strings.Repeat("0", 64): "no saved plan"} {
		r := f.run(nil, "apply", "--env", "local", "--plan-id", id)
		f.want(r, 1)
		if !strings.Contains(r.stderr, want) {
			t.Errorf("--plan-id %s: stderr lacks %q:\n%s", id, want, tail(r.stderr, 1000))
		}
	}
}
