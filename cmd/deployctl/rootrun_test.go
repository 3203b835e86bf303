package main

import (
	"slices"
	"strings"
	"testing"

	"dagger/predictor/internal/testsupport/testenv"
	"dagger/predictor/internal/testsupport/tfroots"
)

// rootRun runs the deployctl binary on one of tfroots' small roots against an
// emulator, with its own copy of the root, workdir and state bucket, as --env dev.
type rootRun struct {
	t        *testing.T
	bin      string
	endpoint string
	infra    string
	work     string
	bucket   string
	env      []string
}

func newRootRun(t *testing.T, moto *testenv.Moto, root string) *rootRun {
	t.Helper()
	testenv.Terraform(t)
	return &rootRun{
		t: t, bin: testenv.Deployctl(t), endpoint: moto.URL,
		infra: tfroots.Dir(t, root), work: t.TempDir(), bucket: "tfstate-" + root,
		// The emulator is named by --aws-endpoint only, never AWS_ENDPOINT_URL: deployctl
		// must hand it to terraform itself (the roots read no endpoints block).
		env: slices.DeleteFunc(testenv.TerraformEnv(t, moto.URL), func(kv string) bool { return strings.HasPrefix(kv, "AWS_ENDPOINT_URL=") }),
	}
}

// deployctl runs a subcommand on the root and fails the test unless it exits want.
func (r *rootRun) deployctl(want int, args ...string) runResult {
	r.t.Helper()
	args = append(args, "--env", "dev", "--aws-endpoint", r.endpoint, "--state-bucket", r.bucket, "--infra-dir", r.infra, "--workdir", r.work)
	res := runDeployctlEnv(r.t, r.bin, false, r.env, args...)
	if res.code != want {
		r.t.Fatalf("deployctl %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", args[0], res.code, want, res.stdout, lastBytes(res.stderr, 3000))
	}
	return res
}

// apply bootstraps the state bucket, then plans and applies the root (a test root:
// no policy gate).
func (r *rootRun) apply() {
	r.t.Helper()
	r.deployctl(0, "bootstrap")
	r.deployctl(2, "plan", "--out", "dev.tfplan", "--no-policy")
	r.deployctl(0, "apply", "--plan", "dev.tfplan")
}
