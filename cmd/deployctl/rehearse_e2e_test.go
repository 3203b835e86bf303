package main

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"dagger/predictor/internal/envcfg"
	"dagger/predictor/internal/testsupport/testenv"
)

// TestRehearseEndToEnd runs `deployctl rehearse --env local` for real: the emulator,
// terraform with the offline provider mirror, rollout, the backend under the
// backend's locked venv (backend/.venv) and the smoke test (about a minute).
func TestRehearseEndToEnd(t *testing.T) {
	t.Parallel()
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
	// The binary, as `make local` runs it: the rehearsal sets the emulator's variables
	// in its own environment, which in this process would leak into parallel tests.
	r := runCmd(t, exec.CommandContext(t.Context(), testenv.Deployctl(t), "rehearse",
		"--env", "local",
		"--infra-dir", filepath.Join(root, "infra"),
		"--backend-dir", filepath.Join(root, "backend")))
	if r.code != 0 || !strings.Contains(r.stdout, "deploy local: OK") {
		t.Fatalf("rehearse = exit %d\nreport:\n%s\nlog:\n%s", r.code, r.stdout, lastBytes(r.stderr, 6000))
	}
	// Promotion finds a source environment's history by envcfg's family name: it must be
	// the one terraform gives the task definition.
	if fam := envcfg.TaskFamily("local"); !strings.Contains(r.stdout, "task-definition/"+fam+":") {
		t.Errorf("the released task definition is not of family %s (envcfg.TaskFamily):\n%s", fam, r.stdout)
	}
	// The release's record, as written to the revision's tags (record stage ok).
	for _, line := range []string{"    plan:         planned and applied in this run, change set ", "    lock hash:    sha256:", "    image from:   own build (not promoted)\n", "    smoke:        passed\n", "    record         ok"} {
		if !strings.Contains(r.stdout, line) {
			t.Errorf("the report lacks %q:\n%s", line, r.stdout)
		}
	}
	checkReleaseDiff(t, r.stdout)
	t.Log(r.stdout)
}

// checkReleaseDiff: the report shows what the release changed in the running service,
// read before the rollout: the image terraform started the service with becomes the
// image the report names (pinned by digest), and APP_VERSION is set.
func checkReleaseDiff(t *testing.T, report string) {
	t.Helper()
	m := regexp.MustCompile(`(?m)^  image: +(\S+)$`).FindStringSubmatch(report)
	if m == nil {
		t.Fatalf("the report names no image:\n%s", report)
	}
	for _, re := range []string{
		`(?m)^  release diff: +\S+ ran \S+:\d+ before the rollout; next: the running task definition \(no --plan\)\.$`,
		`(?m)^    image +\S+ -> ` + regexp.QuoteMeta(m[1]) + `$`,
		`(?m)^    env APP_VERSION +.* "[^"]+"$`,
	} {
		if !regexp.MustCompile(re).MatchString(report) {
			t.Errorf("the report's release diff lacks a line matching %s:\n%s", re, report)
		}
	}
}

func lastBytes(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}
