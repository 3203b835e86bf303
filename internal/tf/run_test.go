package tf

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	tfjson "github.com/hashicorp/terraform-json"

	"dagger/predictor/internal/tfstate"
)

// fakeTerraform writes an executable script standing in for terraform: it records
// its arguments in args.txt and runs body.
func fakeTerraform(t *testing.T, body string) (bin, dir string) {
	t.Helper()
	dir = t.TempDir()
	bin = filepath.Join(t.TempDir(), "terraform")
	script := "#!/bin/sh\necho \"$@\" >> args.txt\n" + body + "\n"
	if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return bin, dir
}

func TestDetailedExitCodes(t *testing.T) {
	tests := map[string]struct {
		body        string
		wantChanges bool
		wantErr     string
	}{
		"no changes": {body: "exit 0"},
		"changes":    {body: "exit 2", wantChanges: true},
		"error":      {body: "printf '\\n│ Error: No valid credential sources found\\n│\\n' >&2; exit 1", wantErr: "terraform plan: terraform exited with status 1: Error: No valid credential sources found"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			bin, dir := fakeTerraform(t, tc.body)
			tf := &Terraform{Bin: bin, Config: Config{Dir: dir}}
			changes, err := tf.Plan(t.Context(), "p.tfplan")
			if tc.wantErr != "" {
				if err == nil {
					t.Fatal("no error")
				}
				if diff := cmp.Diff(tc.wantErr, err.Error()); diff != "" {
					t.Errorf("error (-want +got):\n%s", diff)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if changes != tc.wantChanges {
				t.Errorf("changes = %v, want %v", changes, tc.wantChanges)
			}
		})
	}
}

func TestApplyStalePlan(t *testing.T) {
	bin, dir := fakeTerraform(t, "printf '╷\\n│ Error: Saved plan is stale\\n│\\n│ The given plan file can no longer be applied because the state was changed\\n╵\\n' >&2; exit 1")
	tf := &Terraform{Bin: bin, Config: Config{Dir: dir}}
	err := tf.Apply(t.Context(), "dev.tfplan")
	if !errors.Is(err, ErrStalePlan) {
		t.Fatalf("Apply = %v, want ErrStalePlan", err)
	}
	want := "apply dev.tfplan: saved plan is stale: the state changed since this plan was made; run `deployctl plan` again"
	if diff := cmp.Diff(want, err.Error()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestApplyKeepsErroredState: terraform writes errored.tfstate in the root module
// directory when it cannot save the state after changing infrastructure; Apply moves
// it to KeepDir and names it in the error.
func TestApplyKeepsErroredState(t *testing.T) {
	bin, dir := fakeTerraform(t, `echo '{"version":4}' > errored.tfstate
printf '\nError: Failed to save state\n\nError saving state: failed to upload state: connection refused\n' >&2
exit 1`)
	keep := filepath.Join(t.TempDir(), "out")
	tf := &Terraform{Bin: bin, Config: Config{Dir: dir}, KeepDir: keep}
	err := tf.Apply(t.Context(), "dev.tfplan")
	var es *tfstate.ErroredStateError
	if !errors.As(err, &es) {
		t.Fatalf("Apply = %v, want *tfstate.ErroredStateError", err)
	}
	wantPath := filepath.Join(keep, "errored.tfstate")
	if diff := cmp.Diff(wantPath, es.Path); diff != "" {
		t.Errorf("path (-want +got):\n%s", diff)
	}
	if data, rerr := os.ReadFile(wantPath); rerr != nil || !strings.Contains(string(data), `"version":4`) {
		t.Errorf("kept state: %q, %v", data, rerr)
	}
	if _, serr := os.Stat(filepath.Join(dir, "errored.tfstate")); serr == nil {
		t.Error("errored.tfstate left in the module directory")
	}
	for _, s := range []string{"Error: Failed to save state", wantPath, "terraform state push"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not mention %q", err, s)
		}
	}
}

func TestApplyArgsReachTerraform(t *testing.T) {
	bin, dir := fakeTerraform(t, "exit 0")
	tf := &Terraform{Bin: bin, Config: Config{Dir: dir}}
	if err := tf.Apply(t.Context(), "/w/dev.tfplan"); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "args.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("apply -no-color -input=false -lock-timeout=1m0s /w/dev.tfplan\n", string(got)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestPlanEnvironment(t *testing.T) {
	plan := func(env any) *tfjson.Plan {
		return &tfjson.Plan{Variables: map[string]*tfjson.PlanVariable{"environment": {Value: env}}}
	}
	tests := map[string]struct {
		plan    *tfjson.Plan
		env     string
		wantErr string
	}{
		"same":    {plan: plan("dev"), env: "dev"},
		"other":   {plan: plan("prod"), env: "dev", wantErr: "plan file is for another environment: p.tfplan was made for prod, not dev: plan again with `deployctl plan --env dev`"},
		"missing": {plan: &tfjson.Plan{}, env: "dev", wantErr: "plan file is for another environment: p.tfplan was made for an unknown environment, not dev: plan again with `deployctl plan --env dev`"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := CheckPlanEnvironment(tc.plan, "p.tfplan", tc.env)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, ErrPlanEnv) {
				t.Fatalf("err = %v, want ErrPlanEnv", err)
			}
			if diff := cmp.Diff(tc.wantErr, err.Error()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestMetaRoundTrip(t *testing.T) {
	plan := filepath.Join(t.TempDir(), "dev.tfplan")
	if _, ok, err := ReadMeta(plan); ok || err != nil {
		t.Fatalf("ReadMeta of missing sidecar: ok %v err %v", ok, err)
	}
	want := Meta{Environment: "dev", StateBucket: "b", StateKey: "predictor/dev/terraform.tfstate", Changes: true}
	if err := WriteMeta(plan, want); err != nil {
		t.Fatal(err)
	}
	got, ok, err := ReadMeta(plan)
	if err != nil || !ok {
		t.Fatalf("ReadMeta: ok %v err %v", ok, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if err := CheckMetaEnvironment(got, plan, "prod"); !errors.Is(err, ErrPlanEnv) {
		t.Errorf("CheckMetaEnvironment = %v, want ErrPlanEnv", err)
	}
}

// TestShowPlanReadsItsCache: showing a plan file again reads what the first show
// printed; a plan file with other bytes, or a cache that does not decode, is shown
// again by terraform.
func TestShowPlanReadsItsCache(t *testing.T) {
	// The fake prints the plan JSON in show.json (tfexec asks for the version first).
	bin, dir := fakeTerraform(t, `case "$1" in
version) echo '{"terraform_version":"1.11.4","platform":"linux_amd64","provider_selections":{}}' ;;
show) cat show.json ;;
esac`)
	tf := &Terraform{Bin: bin, Config: Config{Dir: dir}}
	plan := filepath.Join(t.TempDir(), "dev.tfplan")
	shows := func() int {
		data, _ := os.ReadFile(filepath.Join(dir, "args.txt"))
		return strings.Count(string(data), "show ")
	}
	set := func(planBytes, env string) {
		t.Helper()
		shown := `{"format_version":"1.2","terraform_version":"1.11.4","variables":{"environment":{"value":"` + env + `"}}}`
		if err := os.WriteFile(filepath.Join(dir, "show.json"), []byte(shown), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(plan, []byte(planBytes), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	steps := []struct {
		name    string
		change  func()
		wantEnv string
		want    int
	}{
		{"first", func() { set("plan for dev", "dev") }, "dev", 1},
		{"same plan file", func() {}, "dev", 1},
		{"other plan bytes at the same path", func() { set("plan for prod", "prod") }, "prod", 2},
		{"same again", func() {}, "prod", 2},
		{"cache does not decode", func() { _ = os.WriteFile(showCachePath(plan), []byte("{"), 0o600) }, "prod", 3},
	}
	for _, s := range steps {
		s.change()
		p, err := tf.ShowPlan(t.Context(), plan)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := planEnvironment(p); got != s.wantEnv {
			t.Errorf("%s: environment %q, want %q", s.name, got, s.wantEnv)
		}
		if got := shows(); got != s.want {
			t.Errorf("%s: terraform show ran %d times, want %d", s.name, got, s.want)
		}
	}
}

// TestShowCacheKeepsThePlan: a plan read back from the cache equals the plan decoded
// from terraform show -json itself (real show output of infra/, with changes, prior
// state and configuration), so apply, drift and the reports see the same plan.
func TestShowCacheKeepsThePlan(t *testing.T) {
	for _, name := range []string{"dev-create.json", "local-private.json"} {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("..", "cost", "testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			// As tfexec decodes terraform show -json.
			var want tfjson.Plan
			want.UseJSONNumber(true)
			if err := want.UnmarshalJSON(data); err != nil {
				t.Fatal(err)
			}
			plan := filepath.Join(t.TempDir(), "p.tfplan")
			if err := writeShowCache(plan, "sum", &want); err != nil {
				t.Fatal(err)
			}
			got, ok := readShowCache(plan, "sum")
			if !ok {
				t.Fatal("cache not read back")
			}
			// Unexported fields too: the json.Number choice is one. Raw JSON values
			// (sensitive-value masks) compare as values: re-encoding compacts them.
			opts := cmp.Options{
				cmp.Exporter(func(reflect.Type) bool { return true }),
				cmp.Transformer("decoded", func(m json.RawMessage) (v any) {
					if err := json.Unmarshal(m, &v); err != nil {
						return string(m)
					}
					return v
				}),
			}
			if diff := cmp.Diff(&want, got, opts); diff != "" {
				t.Errorf("(-show +cache):\n%s", diff)
			}
		})
	}
}

// TestInitSkipsRepeat: a second Init with nothing changed does not run terraform, also
// when the first wrote the dependency lock file (a root without one); a changed
// configuration file or backend config runs it again.
func TestInitSkipsRepeat(t *testing.T) {
	bin, dir := fakeTerraform(t, `mkdir -p "$TF_DATA_DIR" && touch "$TF_DATA_DIR/terraform.tfstate"
[ -f .terraform.lock.hcl ] || echo '# written by init' > .terraform.lock.hcl`)
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte("# v1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	backend := filepath.Join(t.TempDir(), "backend.hcl")
	if err := os.WriteFile(backend, []byte(`bucket = "a"`), 0o600); err != nil {
		t.Fatal(err)
	}
	tf := &Terraform{Bin: bin, Config: Config{Dir: dir, DataDir: filepath.Join(t.TempDir(), "data"), BackendConfigFile: backend}}
	runs := func() int {
		data, _ := os.ReadFile(filepath.Join(dir, "args.txt"))
		return strings.Count(string(data), "init ")
	}
	steps := []struct {
		name   string
		change func()
		want   int
	}{
		{"first", func() {}, 1},
		{"unchanged", func() {}, 1},
		{"module file changed", func() { _ = os.WriteFile(filepath.Join(dir, "main.tf"), []byte("# v2\n"), 0o644) }, 2},
		{"unchanged again", func() {}, 2},
		{"backend changed", func() { _ = os.WriteFile(backend, []byte(`bucket = "b"`), 0o600) }, 3},
		{"same backend in another file", func() {
			moved := filepath.Join(t.TempDir(), "backend.hcl")
			_ = os.WriteFile(moved, []byte(`bucket = "b"`), 0o600)
			tf.Config.BackendConfigFile = moved
		}, 3},
	}
	for _, s := range steps {
		s.change()
		if err := tf.Init(t.Context()); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := runs(); got != s.want {
			t.Errorf("%s: terraform init ran %d times, want %d", s.name, got, s.want)
		}
	}
}

// TestProcessEnv: terraform runs with GOGC=GCPercent unless the caller chose a GOGC,
// in its own environment or in the command's.
func TestProcessEnv(t *testing.T) {
	tests := map[string]struct {
		base, extra, want []string
	}{
		"default":        {[]string{"PATH=/bin"}, []string{"TF_IN_AUTOMATION=1"}, []string{"PATH=/bin", "TF_IN_AUTOMATION=1", "GOGC=" + GCPercent}},
		"caller's GOGC":  {[]string{"GOGC=50", "PATH=/bin"}, []string{"TF_IN_AUTOMATION=1"}, []string{"GOGC=50", "PATH=/bin", "TF_IN_AUTOMATION=1"}},
		"command's GOGC": {nil, []string{"GOGC=off"}, []string{"GOGC=off"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, processEnv(tc.base, tc.extra)); diff != "" {
				t.Errorf("processEnv (-want +got):\n%s", diff)
			}
		})
	}
}
