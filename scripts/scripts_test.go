// Package scripts_test runs the scripts containers run against fixture trees, and
// checks that the module's Go code runs no shell of its own.
package scripts_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"dagger/predictor/internal/testsupport/testenv"
)

// module and its tests use terraform's built-in terraform_data, no provider: the
// script's work (finding modules, init, test, counting) does not depend on one, and
// each provider start would cost ~0.5 CPU-s per run block.
const module = `variable "name" {
  type = string
}

resource "terraform_data" "this" {
  input = var.name
}
`

// passing and failing are terraform test files.
const passing = `run "input_named" {
  command = plan
  variables {
    name = "a"
  }
  assert {
    condition     = terraform_data.this.input == "a"
    error_message = "input name"
  }
}
`

var failing = strings.Replace(passing, `== "a"`, `== "b"`, 1)

// tree writes files (path -> content) under a new directory.
func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for p, c := range files {
		path := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// TestTerraformTestScript runs scripts/terraform-test.sh on fixture trees: it must
// find test files at any depth, in a module or in its tests/ directory, count the
// tests, and fail when one fails or when there is none.
func TestTerraformTestScript(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: runs terraform init and test")
	}
	testenv.Terraform(t)
	script := filepath.Join(testenv.RepoRoot(t), "scripts", "terraform-test.sh")
	env := append(append(os.Environ(), testenv.TerraformTools(t)...),
		"TF_PLUGIN_CACHE_DIR="+t.TempDir(), // shared by the cases, which run one at a time
	)
	cases := map[string]struct {
		files   map[string]string
		wantErr bool
		want    []string
	}{
		"all pass": {
			files: map[string]string{
				"main.tf":                                 module,
				"modules/a/main.tf":                       module,
				"modules/a/tests/a.tftest.hcl":            passing,
				"github-oidc/main.tf":                     module,
				"github-oidc/tests/trust.tftest.hcl":      passing,
				"github-oidc/tests/more_trust.tftest.hcl": passing,
				"deep/er/module/main.tf":                  module,
				"deep/er/module/in_module_dir.tftest.hcl": passing,
				"modules/a/.terraform/ignored.tftest.hcl": failing,
				"modules/untested/main.tf":                module,
			},
			want: []string{"terraform-test: 4 passed, 0 failed in 3 modules", "== terraform test in ./github-oidc"},
		},
		"one fails": {
			files: map[string]string{
				"modules/a/main.tf":            module,
				"modules/a/tests/a.tftest.hcl": passing,
				"modules/b/main.tf":            module,
				"modules/b/tests/b.tftest.hcl": failing,
			},
			wantErr: true,
			want:    []string{"terraform-test: 1 passed, 1 failed in 2 modules", "failed in: ./modules/b"},
		},
		"none found": {
			files:   map[string]string{"main.tf": module, "modules/a/main.tf": module},
			wantErr: true,
			want:    []string{"no *.tftest.hcl files under ."},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command("sh", script, ".")
			cmd.Dir = tree(t, tc.files)
			cmd.Env = env
			out, err := cmd.CombinedOutput()
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v:\n%s", err, tc.wantErr, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

// pendingShell lists shell commands in Go strings that files outside this area still
// run; each is to move into a script file under scripts/ and then leave this list.
var pendingShell = map[string]bool{}

// TestModuleRunsNoShell checks that no WithExec of the Dagger module starts a shell
// with a command written in a Go string: scripts live in files under scripts/, where
// TestTerraformTestScript and its siblings run them.
func TestModuleRunsNoShell(t *testing.T) {
	root := testenv.RepoRoot(t)
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, root, func(fi os.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go") && fi.Name() != "dagger.gen.go"
	}, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, f := range pkgs["main"].Files {
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.CompositeLit)
			if !ok || len(lit.Elts) < 3 {
				return true
			}
			var s []string
			for _, e := range lit.Elts {
				b, ok := e.(*ast.BasicLit)
				if !ok || b.Kind != token.STRING {
					return true
				}
				v, _ := strconv.Unquote(b.Value)
				s = append(s, v)
			}
			if shell := filepath.Base(s[0]); (shell == "sh" || shell == "bash") && strings.HasPrefix(s[1], "-") && strings.Contains(s[1], "c") {
				found++
				key := filepath.Base(fset.Position(lit.Pos()).Filename) + ": " + s[2]
				if !pendingShell[key] {
					t.Errorf("%s runs a shell command from a Go string (%q): move it to scripts/ with a test, or run the command without a shell", fset.Position(lit.Pos()), s[2])
				}
			}
			return true
		})
	}
	if found < len(pendingShell) {
		t.Errorf("found %d pending shell commands, the list has %d: remove the replaced ones from pendingShell", found, len(pendingShell))
	}
}

// TestTerraformTestCheckRunsScript checks that the TerraformTest check runs the tested
// script, not a copy of it.
func TestTerraformTestCheckRunsScript(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(testenv.RepoRoot(t), "checks.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"scripts/terraform-test.sh"`) {
		t.Error("checks.go: TerraformTest does not run scripts/terraform-test.sh")
	}
}
