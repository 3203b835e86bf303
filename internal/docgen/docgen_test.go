package docgen

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFill(t *testing.T) {
	root := t.TempDir()
	makefile := "help: ## List the targets.\n\nlocal: gen ## Rehearse a | b.\nhidden:\n"
	if err := os.WriteFile(filepath.Join(root, "Makefile"), []byte(makefile), 0o644); err != nil {
		t.Fatal(err)
	}
	const table = "| target | what it does |\n|---|---|\n| `make help` | List the targets. |\n| `make local` | Rehearse a \\| b. |\n"
	for name, c := range map[string]struct{ in, want, err string }{
		"stale body replaced": {
			in:   "intro\n<!-- generated: make-targets (make docs) -->\nold\n<!-- end generated: make-targets -->\nafter\n",
			want: "intro\n<!-- generated: make-targets (make docs) -->\n" + table + "<!-- end generated: make-targets -->\nafter\n",
		},
		"two blocks": {
			in:   "<!-- generated: plan-answers (make docs) -->\n<!-- end generated: plan-answers -->\n<!-- generated: make-targets (make docs) -->\n<!-- end generated: make-targets -->\n",
			want: "<!-- generated: plan-answers (make docs) -->\n`plan --status-file F` writes 0, 2, 3, 4 or 7 to F and exits 0 instead (for container runners that cache successes);\nany other failure keeps its status.\n<!-- end generated: plan-answers -->\n<!-- generated: make-targets (make docs) -->\n" + table + "<!-- end generated: make-targets -->\n",
		},
		"no block":      {in: "plain\n", want: "plain\n"},
		"unknown block": {in: "<!-- generated: nope (make docs) -->\n<!-- end generated: nope -->\n", err: `render block "nope": no such block`},
		"no end marker": {in: "<!-- generated: make-targets (make docs) -->\n| old |\n", err: "no <!-- end generated: make-targets --> after it"},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := fill(c.in, root)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err = %v, want one containing %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			again, err := fill(got, root)
			if err != nil || again != got {
				t.Errorf("a second fill changed the text (err %v)", err)
			}
		})
	}
}

func TestUpdate(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "Makefile"), []byte("test: ## Run the tests.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	doc := filepath.Join(root, "doc.md")
	if err := os.WriteFile(doc, []byte("<!-- generated: make-targets (make docs) -->\n<!-- end generated: make-targets -->\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if changed, err := Update(root, "doc.md", false); err != nil || !changed {
		t.Fatalf("check of a stale file: changed %v, err %v; want changed", changed, err)
	}
	if changed, err := Update(root, "doc.md", true); err != nil || !changed {
		t.Fatalf("write: changed %v, err %v", changed, err)
	}
	if changed, err := Update(root, "doc.md", false); err != nil || changed {
		t.Fatalf("check after write: changed %v, err %v; want unchanged", changed, err)
	}
	if err := os.WriteFile(doc, []byte("no markers\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Update(root, "doc.md", false); err == nil {
		t.Error("a file without a generated block passed: a removed marker would go unnoticed")
	}
}
