package main

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"dagger/predictor/internal/testsupport/testenv"
)

// TestRehearseEndToEnd runs `deployctl rehearse --env local` for real: the emulator,
// terraform with the offline provider mirror, rollout, the backend under the
// backend's locked venv (backend/.venv) and the smoke test (about a minute).
func TestRehearseEndToEnd(t *testing.T) {
	for _, c := range []string{"bootstrap", "plan", "apply", "outputs"} {
		if _, ok := commands[c]; !ok {
			t.Skipf("deployctl %s is not registered yet; the rehearsal runs once the terraform subcommands land", c)
		}
	}
	if testing.Short() {
		t.Skip("-short: the rehearsal applies the whole infrastructure against the emulator")
	}
	testenv.Terraform(t)
	testenv.TerraformCLIConfig(t) // fails with a hint when the provider mirror is missing
	root := testenv.RepoRoot(t)
	python := filepath.Join(root, "backend", ".venv", "bin", "python")
	if err := exec.Command(python, "-c", "import fastapi, uvicorn, boto3").Run(); err != nil {
		t.Fatalf("%s lacks the backend's packages: run `make -C backend deps` (%v)", python, err)
	}
	var stdout, stderr bytes.Buffer
	code := runRehearse(t.Context(), []string{
		"--env", "local",
		"--infra-dir", filepath.Join(root, "infra"),
		"--backend-dir", filepath.Join(root, "backend"),
	}, &stdout, &stderr)
	if code != 0 || !strings.Contains(stdout.String(), "deploy local: OK") {
		t.Fatalf("rehearse = exit %d\nreport:\n%s\nlog:\n%s", code, stdout.String(), lastBytes(stderr.String(), 6000))
	}
	t.Log(stdout.String())
}

func lastBytes(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}
