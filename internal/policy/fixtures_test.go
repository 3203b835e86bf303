package policy

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"dagger/predictor/internal/testsupport/testenv"
)

var update = flag.Bool("update", false, "regenerate the plan fixtures made by terraform (TestGenerateFixtures)")

func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }

// The provider of every fixture configuration: the emulator's address comes from
// AWS_ENDPOINT_URL; the account from its STS, read by data.aws_caller_identity.
const fixtureProvider = `provider "aws" {
  region                      = "us-east-1"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  max_retries                 = 3
}
`

// TestGenerateFixtures (only with -update) rewrites the plan fixtures that terraform
// makes, so that they have the exact shape of `terraform show -json`: each
// testdata/<rule>/<case>.tf planned on its own against the emulator as <case>.json,
// and the real infra/github-oidc root as testdata/github-oidc-*.json.
//
//	go test ./internal/policy -run TestGenerateFixtures -update
func TestGenerateFixtures(t *testing.T) {
	if !*update {
		t.Skip("regenerates fixtures: run with -update")
	}
	moto := testenv.SharedMoto(t)
	env := testenv.TerraformEnv(t, moto.URL)
	sources, err := filepath.Glob(filepath.Join("testdata", "*", "*.tf"))
	if err != nil || len(sources) == 0 {
		t.Fatalf("no fixture sources (%v)", err)
	}
	for _, src := range sources {
		// One subtest per source (-run 'TestGenerateFixtures/iam-foreign-trust.violating').
		name := strings.TrimSuffix(strings.ReplaceAll(strings.TrimPrefix(src, "testdata"+string(filepath.Separator)), string(filepath.Separator), "."), ".tf")
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			copyFile(t, src, filepath.Join(dir, "main.tf"))
			writeFile(t, filepath.Join(dir, "provider.tf"), fixtureProvider)
			planJSON(t, dir, env, strings.TrimSuffix(src, ".tf")+".json")
		})
	}
	t.Run("github-oidc", func(t *testing.T) { githubOIDCFixtures(t, moto.URL, env) })
}

// githubOIDCFixtures plans the real infra/github-oidc root twice: as a first
// install, and with GitHub's OIDC provider already in the account.
func githubOIDCFixtures(t *testing.T, endpoint string, env []string) {
	vars := []string{"-var", "github_repository=octo-org/predictor", "-var", "aws_endpoint=" + endpoint}
	// First plan: the OIDC provider is created too, so the trust policies that name
	// its ARN are unknown until apply.
	planJSON(t, oidcRoot(t), env, filepath.Join("testdata", "github-oidc-create.json"), vars...)
	// With the provider already in the account the trust policies are known.
	client := iam.NewFromConfig(testenv.AWSConfig(t, endpoint))
	_, err := client.CreateOpenIDConnectProvider(t.Context(), &iam.CreateOpenIDConnectProviderInput{
		Url:            aws.String("https://token.actions.githubusercontent.com"),
		ClientIDList:   []string{"sts.amazonaws.com"},
		ThumbprintList: []string{"6938fd4d98bab03faadb97b34396831e3780aea1"},
	})
	if err != nil {
		t.Fatalf("create the OIDC provider: %v", err)
	}
	planJSON(t, oidcRoot(t), env, filepath.Join("testdata", "github-oidc-existing-provider.json"),
		append(vars, "-var", "create_oidc_provider=false")...)
}

// oidcRoot copies infra/github-oidc and infra/envs (which it reads) to a temporary
// directory, with a local backend instead of its S3 one.
func oidcRoot(t *testing.T) string {
	t.Helper()
	repo, base := testenv.RepoRoot(t), t.TempDir()
	for _, sub := range []string{"envs", "github-oidc"} {
		files, err := filepath.Glob(filepath.Join(repo, "infra", sub, "*.tf*"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no files in infra/%s (%v)", sub, err)
		}
		for _, f := range files {
			copyFile(t, f, filepath.Join(base, sub, filepath.Base(f)))
		}
	}
	dir := filepath.Join(base, "github-oidc")
	writeFile(t, filepath.Join(dir, "backend_override.tf"), "terraform {\n  backend \"local\" {}\n}\n")
	return dir
}

// planJSON runs terraform init and plan in dir and writes `terraform show -json` of
// the plan to out.
func planJSON(t *testing.T, dir string, env []string, out string, vars ...string) {
	t.Helper()
	run(t, dir, env, "init", "-input=false", "-no-color")
	run(t, dir, env, append([]string{"plan", "-input=false", "-no-color", "-out=plan.tfplan"}, vars...)...)
	writeFile(t, out, run(t, dir, env, "show", "-json", "plan.tfplan"))
	t.Logf("wrote %s", out)
}

func run(t *testing.T, dir string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), testenv.Terraform(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			t.Fatalf("run terraform %s: %v", args[0], err)
		}
		t.Fatalf("terraform %s in %s: exit %d\n%s%s", args[0], dir, exit.ExitCode(), stdout.String(), stderr.String())
	}
	return stdout.String()
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dst, string(data))
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}
