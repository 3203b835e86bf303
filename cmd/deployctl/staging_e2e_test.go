package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"dagger/predictor/internal/exitcode"
	"dagger/predictor/internal/rehearsal"
	"dagger/predictor/internal/testsupport/testenv"
)

// TestAddStagingEnvironment walks the README's "add an environment" in a copy of the
// repository: one new file, infra/envs/staging.tfvars, made from dev's; then deployctl,
// built from that copy as a maintainer would build it (the environment files are
// embedded at build time), bootstraps and plans staging against the emulator. The
// plan must create the whole stack under staging's names and tags.
func TestAddStagingEnvironment(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("-short: builds deployctl and plans the whole stack against the emulator")
	}
	// Before the file exists staging is refused: the new file is what makes it known.
	var stderr bytes.Buffer
	if code := run(t.Context(), []string{"plan", "--env", "staging"}, io.Discard, &stderr); code != exitcode.Error || !strings.Contains(stderr.String(), `unknown environment "staging"`) {
		t.Fatalf("this build's plan --env staging = exit %d, %q; want it refused as unknown", code, stderr.String())
	}
	testenv.Terraform(t)
	testenv.TerraformCLIConfig(t) // fails with a hint when the provider mirror is missing
	repo := copyRepo(t)
	addStaging(t, repo)
	bin := buildDeployctl(t, repo)
	checkStagingPlan(t, planStaging(t, bin, repo))
}

// copyRepo copies what building deployctl and planning need into a temporary
// directory and returns it.
func copyRepo(t *testing.T) string {
	t.Helper()
	root := testenv.RepoRoot(t)
	repo := t.TempDir()
	for _, p := range []string{"go.mod", "go.sum", "cmd", "internal", "infra"} {
		src, dst := filepath.Join(root, p), filepath.Join(repo, p)
		if st, err := os.Stat(src); err == nil && !st.IsDir() {
			b, err := os.ReadFile(src)
			if err == nil {
				err = os.WriteFile(dst, b, 0o644)
			}
			if err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := rehearsal.CopyTree(src, dst); err != nil {
			t.Fatalf("copy %s: %v", p, err)
		}
	}
	return repo
}

// addStaging is the one step of adding an environment: envs/staging.tfvars, made
// from dev's.
func addStaging(t *testing.T, repo string) {
	t.Helper()
	dev, err := os.ReadFile(filepath.Join(repo, "infra", "envs", "dev.tfvars"))
	if err != nil {
		t.Fatal(err)
	}
	staging := strings.NewReplacer(
		`environment              = "dev"`, `environment              = "staging"`,
		`"10.10.0.0/16"`, `"10.40.0.0/16"`,
		`predictor-github-app-boundary-dev`, `predictor-github-app-boundary-staging`,
	).Replace(string(dev))
	if staging == string(dev) || !strings.Contains(staging, `"staging"`) {
		t.Fatalf("dev.tfvars no longer has the lines this test rewrites:\n%s", dev)
	}
	if err := os.WriteFile(filepath.Join(repo, "infra", "envs", "staging.tfvars"), []byte(staging), 0o644); err != nil {
		t.Fatal(err)
	}
}

// buildDeployctl builds deployctl from the copy, as a maintainer would (the
// environment files are embedded at build time), and returns the binary.
func buildDeployctl(t *testing.T, repo string) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("go not found on PATH: install Go 1.26 (%v)", err)
	}
	bin := filepath.Join(t.TempDir(), "deployctl")
	build := exec.CommandContext(t.Context(), goBin, "build", "-o", bin, "./cmd/deployctl")
	build.Dir = repo
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/deployctl in the copy: %v\n%s", err, out)
	}
	return bin
}

// planStaging bootstraps and plans staging against a new emulator and returns the
// plan's JSON.
func planStaging(t *testing.T, bin, repo string) []byte {
	t.Helper()
	moto := testenv.NewMoto(t, testenv.MotoOptions{})
	work := t.TempDir()
	env := append(os.Environ(), testenv.TerraformEnv(t, moto.URL)...)
	deployctl := func(args ...string) (int, string) {
		cmd := exec.CommandContext(t.Context(), bin, args...)
		cmd.Dir = repo
		cmd.Env = env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), out.String()
		} else if err != nil {
			t.Fatalf("run deployctl %v: %v", args, err)
		}
		return 0, out.String()
	}
	if code, out := deployctl("bootstrap", "--env", "staging"); code != exitcode.OK {
		t.Fatalf("deployctl bootstrap --env staging = exit %d:\n%s", code, lastBytes(out, 4000))
	}
	planJSON := filepath.Join(work, "plan.json")
	code, out := deployctl("plan", "--env", "staging", "--workdir", work, "--out", "staging.tfplan", "--json", planJSON)
	if code != exitcode.Changes {
		t.Fatalf("deployctl plan --env staging = exit %d, want %d (changes):\n%s", code, exitcode.Changes, lastBytes(out, 4000))
	}
	b, err := os.ReadFile(planJSON)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkStagingPlan: a first plan creates the whole stack under staging's names and
// tags, and nothing else.
func checkStagingPlan(t *testing.T, planJSON []byte) {
	t.Helper()
	var plan struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Mode    string `json:"mode"`
			Type    string `json:"type"`
			Change  struct {
				Actions []string       `json:"actions"`
				After   map[string]any `json:"after"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal(planJSON, &plan); err != nil {
		t.Fatalf("parse plan JSON: %v", err)
	}
	creates, tagged, cluster := 0, 0, ""
	for _, rc := range plan.ResourceChanges {
		if rc.Mode != "managed" {
			continue
		}
		if len(rc.Change.Actions) != 1 || rc.Change.Actions[0] != "create" {
			t.Errorf("%s: actions %v in a first plan, want create", rc.Address, rc.Change.Actions)
			continue
		}
		creates++
		if rc.Type == "aws_ecs_cluster" {
			cluster, _ = rc.Change.After["name"].(string)
		}
		if tags, ok := rc.Change.After["tags"].(map[string]any); ok && tags["Environment"] != nil {
			tagged++
			if tags["Environment"] != "staging" {
				t.Errorf("%s: tag Environment = %v, want staging", rc.Address, tags["Environment"])
			}
		}
	}
	// The stack is about 47 resources; dev's plan creates the same set.
	if creates < 30 || tagged == 0 {
		t.Errorf("plan creates %d resources (%d tagged), want the whole stack (30 or more, tagged)", creates, tagged)
	}
	if cluster != "predictor-model-staging-cluster" {
		t.Errorf("ECS cluster name = %q, want predictor-model-staging-cluster", cluster)
	}
	t.Logf("staging plan: %d resources to create, %d tagged Environment=staging", creates, tagged)
}
