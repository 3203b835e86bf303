package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDependencyBindingsTypeCheckTestsModule generates the tests/ module's stand-ins
// and vets it with its real main.go, then with calls the predictor module lacks.
func TestDependencyBindingsTypeCheckTestsModule(t *testing.T) {
	root := repoRoot(t)
	dir := filepath.Join(root, "tests")
	if err := run(dir); err != nil {
		t.Fatalf("generate: %v", err)
	}
	main, err := os.ReadFile(filepath.Join(dir, "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		old, new, wantErr string
	}{
		"real calls": {},
		"misspelled function": {
			old: `dag.Predictor().Build().User(ctx)`, new: `dag.Predictor().Biuld().User(ctx)`, wantErr: "Biuld",
		},
		"missing required argument": {
			old: `dag.Predictor().Apply(ctx, "prod")`, new: `dag.Predictor().Apply(ctx)`, wantErr: "not enough arguments",
		},
		"wrong option field": {
			old: `dagger.PredictorBuildOpts{Platform: "linux/arm64"}`, new: `dagger.PredictorBuildOpts{Platfrom: "linux/arm64"}`, wantErr: "Platfrom",
		},
		"lazy object called with a context": {
			old: `plan.File().Size(ctx)`, new: `plan.File(ctx).Size(ctx)`, wantErr: "too many arguments",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			src := string(main)
			if tc.old != "" {
				if !strings.Contains(src, tc.old) {
					t.Fatalf("tests/main.go no longer contains %q: update this test", tc.old)
				}
				src = strings.Replace(src, tc.old, tc.new, 1)
			}
			out, err := vetOverlay(t, dir, filepath.Join(dir, "main.go"), src, "./...")
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("tests module failed to type-check: %v\n%s", err, out)
				}
				return
			}
			if err == nil || !strings.Contains(out, tc.wantErr) {
				t.Fatalf("go vet = %v, want an error naming %q:\n%s", err, tc.wantErr, out)
			}
		})
	}
}

// vetOverlay runs go vet in dir with target's content replaced through -overlay.
func vetOverlay(t *testing.T, dir, target, src, pkgs string) (string, error) {
	t.Helper()
	tmp := t.TempDir()
	replacement := filepath.Join(tmp, filepath.Base(target))
	if err := os.WriteFile(replacement, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	overlay, _ := json.Marshal(map[string]map[string]string{"Replace": {target: replacement}})
	overlayPath := filepath.Join(tmp, "overlay.json")
	if err := os.WriteFile(overlayPath, overlay, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "vet", "-overlay="+overlayPath, pkgs)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestLoadModuleSignatures(t *testing.T) {
	m, err := loadModule(repoRoot(t), "predictor")
	if err != nil {
		t.Fatal(err)
	}
	funcs := map[string]function{}
	for _, o := range m.Objects {
		for _, f := range o.Funcs {
			f.Doc, f.GoName = "", ""
			funcs[o.Name+"."+f.Name] = f
		}
	}
	want := map[string]function{
		"Predictor.Drift":   {Name: "Drift", Required: []param{{"env", "string"}}, Result: "string"},
		"Predictor.Destroy": {Name: "Destroy", Required: []param{{"env", "string"}, {"confirm", "string"}}, Optional: []param{{"breakGlass", "bool"}}, Result: "string"},
		"Predictor.Build":   {Name: "Build", Optional: []param{{"platform", "Platform"}}, Result: "*Container", Lazy: true},
		"Predictor.GoTests": {Name: "GoTests"},
	}
	for name, w := range want {
		if d := cmp.Diff(w, funcs[name]); d != "" {
			t.Errorf("%s (-want +got):\n%s", name, d)
		}
	}
	for name := range funcs {
		if strings.HasPrefix(name, "Predictor.Aws") || strings.HasPrefix(name, "Predictor.Git") {
			t.Errorf("+private field %s is exposed", name)
		}
	}
	if len(m.Ctor.Required) != 0 || len(m.Ctor.Optional) == 0 {
		t.Errorf("constructor: required %v optional %v; want every argument optional", m.Ctor.Required, m.Ctor.Optional)
	}
}

func TestReadDependencies(t *testing.T) {
	dir := t.TempDir()
	write := func(s string) {
		if err := os.WriteFile(filepath.Join(dir, "dagger.json"), []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(`{"name":"x","dependencies":[{"name":"predictor","source":".."}]}`)
	deps, err := readDependencies(dir)
	if err != nil || len(deps) != 1 || deps[0].Source != ".." {
		t.Fatalf("readDependencies = %v, %v", deps, err)
	}
	write(`{"name":"x","dependencies":[{"name":"gh","source":"github.com/x/y@v1"}]}`)
	if _, err := readDependencies(dir); err == nil || !strings.Contains(err.Error(), "only local sources") {
		t.Fatalf("remote dependency: err = %v", err)
	}
	if deps, err := readDependencies(t.TempDir()); err != nil || deps != nil {
		t.Fatalf("no dagger.json: %v, %v", deps, err)
	}
}

func TestRootModuleHasNoBindings(t *testing.T) {
	root := repoRoot(t)
	if err := run(root); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, depsPath)); !os.IsNotExist(err) {
		t.Fatalf("root module without dependencies has %s (err %v)", depsPath, err)
	}
	b, err := os.ReadFile(filepath.Join(root, "internal", "dagger", "dagger.gen.go"))
	if err != nil || !strings.Contains(string(b), "\ntype Client struct {") {
		t.Fatalf("root stand-in lacks its Client type (err %v)", err)
	}
}
