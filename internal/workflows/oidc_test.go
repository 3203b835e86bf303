package workflows

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"dagger/predictor/internal/testsupport/testenv"
)

func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }

const testRepository = "octo-org/predictor"

// oidcRoot copies infra/github-oidc into a fresh directory, so tests never write into
// the repository and can run in parallel; infra/envs goes beside it, the list of
// environments its variables are checked against.
func oidcRoot(t *testing.T) string {
	t.Helper()
	base := t.TempDir()
	envs := filepath.Join(testenv.RepoRoot(t), "infra", "envs")
	files, err := filepath.Glob(filepath.Join(envs, "*.tfvars"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no environment files in %s (%v)", envs, err)
	}
	if err := os.MkdirAll(filepath.Join(base, "envs"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err == nil {
			err = os.WriteFile(filepath.Join(base, "envs", filepath.Base(f)), data, 0o644)
		}
		if err != nil {
			t.Fatalf("copy %s: %v", f, err)
		}
	}
	src := filepath.Join(testenv.RepoRoot(t), "infra", "github-oidc")
	dst := filepath.Join(base, "github-oidc")
	err = filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			if d.Name() == ".terraform" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !strings.HasSuffix(path, ".tf") && !strings.HasSuffix(path, ".tftest.hcl") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatalf("copy infra/github-oidc: %v", err)
	}
	return dst
}

// terraform runs the real binary in dir and returns its combined output and exit code.
func terraform(t *testing.T, dir string, env []string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), testenv.Terraform(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return out.String(), 0
	case errors.As(err, &exit):
		return out.String(), exit.ExitCode()
	default:
		t.Fatalf("terraform %s: %v", strings.Join(args, " "), err)
		return "", -1
	}
}

func mustTerraform(t *testing.T, dir string, env []string, args ...string) string {
	t.Helper()
	out, code := terraform(t, dir, env, args...)
	if code != 0 {
		t.Fatalf("terraform %s: exit %d\n%s", strings.Join(args, " "), code, out)
	}
	return out
}

// TestOIDCTerraformTest runs the root's `terraform test` files (mocked provider): the
// trust conditions, least-privilege policies and input validation.
func TestOIDCTerraformTest(t *testing.T) {
	t.Parallel()
	dir := oidcRoot(t)
	env := testenv.TerraformTools(t)
	mustTerraform(t, dir, env, "init", "-backend=false", "-input=false", "-no-color")
	out := mustTerraform(t, dir, env, "test", "-no-color")
	if !strings.Contains(out, "0 failed") {
		t.Fatalf("terraform test:\n%s", out)
	}
}

// TestOIDCAppliesToEmulator applies the root through its S3 backend against the
// emulator, checks what IAM holds, plans again (no changes), reuses an existing
// provider from a second state, and destroys both.
func TestOIDCAppliesToEmulator(t *testing.T) {
	t.Parallel()
	moto := testenv.SharedMoto(t)
	env := testenv.TerraformEnv(t, moto.URL)
	bucket := "oidc-state-" + strings.ToLower(strings.ReplaceAll(t.Name(), "/", "-"))
	createBucket(t, moto.URL, bucket)

	vars := []string{"-var", "github_repository=" + testRepository, "-var", "aws_endpoint=" + moto.URL}
	dir := oidcRoot(t)
	initBackend(t, dir, env, moto.URL, bucket, "predictor/github-oidc/terraform.tfstate")
	mustTerraform(t, dir, env, append([]string{"apply", "-auto-approve", "-input=false", "-no-color"}, vars...)...)
	destroyed := false
	t.Cleanup(func() {
		if !destroyed {
			terraform(t, dir, env, append([]string{"destroy", "-auto-approve", "-input=false", "-no-color"}, vars...)...)
		}
	})

	if out, code := terraform(t, dir, env, append([]string{"plan", "-detailed-exitcode", "-input=false", "-no-color"}, vars...)...); code != 0 {
		t.Fatalf("second plan is not empty (exit %d):\n%s", code, out)
	}

	outputs := readOIDCOutputs(t, dir, env)
	iam := iamClient{url: moto.URL}
	provider := iam.call(t, "GetOpenIDConnectProvider", url.Values{"OpenIDConnectProviderArn": {outputs.OIDCProviderArn.Value}})
	if !strings.Contains(provider, "<member>sts.amazonaws.com</member>") || !strings.Contains(provider, "token.actions.githubusercontent.com") {
		t.Errorf("OIDC provider: want issuer token.actions.githubusercontent.com and client sts.amazonaws.com, got %s", provider)
	}
	checkTrustPolicies(t, iam, outputs.OIDCProviderArn.Value)
	checkAttachedPolicies(t, iam)

	// A second state in the same account reuses the provider (one per URL per account).
	t.Run("existing provider", func(t *testing.T) {
		dir2 := oidcRoot(t)
		vars2 := append(slices.Clone(vars), "-var", "create_oidc_provider=false", "-var", "role_name_prefix=predictor-github-second", "-var", `environments=["dev"]`)
		initBackend(t, dir2, env, moto.URL, bucket, "predictor/github-oidc-second/terraform.tfstate")
		mustTerraform(t, dir2, env, append([]string{"apply", "-auto-approve", "-input=false", "-no-color"}, vars2...)...)
		trust := iam.trustPolicy(t, "predictor-github-second-plan")
		if len(trust.Statement) != 1 || trust.Statement[0].Principal.Federated != outputs.OIDCProviderArn.Value {
			t.Errorf("second root does not trust the existing provider: %+v", trust)
		}
		mustTerraform(t, dir2, env, append([]string{"destroy", "-auto-approve", "-input=false", "-no-color"}, vars2...)...)
	})

	mustTerraform(t, dir, env, append([]string{"destroy", "-auto-approve", "-input=false", "-no-color"}, vars...)...)
	destroyed = true
	if body, status := iam.try(t, "GetRole", url.Values{"RoleName": {"predictor-github-plan"}}); status != http.StatusNotFound {
		t.Errorf("plan role still there after destroy (HTTP %d): %s", status, body)
	}
}

// oidcOutputs are the root's outputs the emulator test reads.
type oidcOutputs struct {
	PlanRoleArn     struct{ Value string }            `json:"plan_role_arn"`
	ReadonlyRoleArn struct{ Value string }            `json:"readonly_role_arn"`
	DeployRoleArns  struct{ Value map[string]string } `json:"deploy_role_arns"`
	OIDCProviderArn struct{ Value string }            `json:"oidc_provider_arn"`
}

func readOIDCOutputs(t *testing.T, dir string, env []string) oidcOutputs {
	t.Helper()
	var outputs oidcOutputs
	if err := json.Unmarshal([]byte(mustTerraform(t, dir, env, "output", "-json", "-no-color")), &outputs); err != nil {
		t.Fatalf("outputs: %v", err)
	}
	if outputs.PlanRoleArn.Value == "" || outputs.ReadonlyRoleArn.Value == "" || len(outputs.DeployRoleArns.Value) != 2 {
		t.Fatalf("outputs incomplete: %+v", outputs)
	}
	return outputs
}

// checkTrustPolicies: each role trusts only the provider, for exactly the workflow
// files that assume it (pin_workflows).
func checkTrustPolicies(t *testing.T, iam iamClient, providerArn string) {
	t.Helper()
	wantSubjects := workflowSubjects(t)
	if len(wantSubjects) != 4 {
		t.Fatalf("subjects from the workflow files: %v, want the four roles", wantSubjects)
	}
	for role, subs := range wantSubjects {
		trust := iam.trustPolicy(t, role)
		if len(trust.Statement) != 1 {
			t.Fatalf("%s: %d trust statements, want 1", role, len(trust.Statement))
		}
		st := trust.Statement[0]
		checkPinnedTrust(t, role, st, subs)
		if st.Principal.Federated != providerArn || st.Action != "sts:AssumeRoleWithWebIdentity" {
			t.Errorf("%s: trust principal %q action %q", role, st.Principal.Federated, st.Action)
		}
	}
}

// checkAttachedPolicies: each role holds exactly its managed policies.
func checkAttachedPolicies(t *testing.T, iam iamClient) {
	t.Helper()
	for role, want := range map[string][]string{
		"predictor-github-plan":        {"predictor-github-read-dev", "predictor-github-read-prod", "predictor-github-review-guard"},
		"predictor-github-readonly":    {"predictor-github-read-dev", "predictor-github-read-prod", "predictor-github-readonly-guard", "predictor-github-save-plans"},
		"predictor-github-deploy-dev":  {"predictor-github-read-dev", "predictor-github-write-dev-app", "predictor-github-write-dev-edge", "predictor-github-write-dev-iam", "predictor-github-write-dev-network"},
		"predictor-github-deploy-prod": {"predictor-github-read-prod", "predictor-github-write-prod-app", "predictor-github-write-prod-edge", "predictor-github-write-prod-iam", "predictor-github-write-prod-network"},
	} {
		if got := iam.attachedPolicies(t, role); !slices.Equal(got, want) {
			t.Errorf("%s: attached %v, want %v", role, got, want)
		}
	}
}

func initBackend(t *testing.T, dir string, env []string, endpoint, bucket, key string) {
	t.Helper()
	cfg := fmt.Sprintf(`bucket = %q
key = %q
region = %q
use_lockfile = true
encrypt = true
use_path_style = true
skip_credentials_validation = true
skip_metadata_api_check = true
skip_region_validation = true
endpoints = {
  s3  = %q
  sts = %q
}
`, bucket, key, testenv.Region, endpoint, endpoint)
	file := filepath.Join(t.TempDir(), "backend.hcl")
	if err := os.WriteFile(file, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	mustTerraform(t, dir, env, "init", "-input=false", "-no-color", "-backend-config="+file)
}

func createBucket(t *testing.T, endpoint, bucket string) {
	t.Helper()
	client := s3.New(s3.Options{
		Region:       testenv.Region,
		BaseEndpoint: aws.String(endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
	})
	if _, err := client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatalf("create state bucket %s: %v", bucket, err)
	}
}

// iamClient calls the emulator's IAM query API directly (the repository has no IAM
// SDK client); the emulator routes by the credential scope of the Authorization header.
type iamClient struct{ url string }

func (c iamClient) try(t *testing.T, action string, params url.Values) (string, int) {
	t.Helper()
	form := url.Values{"Action": {action}, "Version": {"2010-05-08"}}
	for k, v := range params {
		form[k] = v
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, c.url+"/", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/"+testenv.Region+"/iam/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("iam %s: %v", action, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("iam %s: %v", action, err)
	}
	return string(body), resp.StatusCode
}

func (c iamClient) call(t *testing.T, action string, params url.Values) string {
	t.Helper()
	body, status := c.try(t, action, params)
	if status != http.StatusOK {
		t.Fatalf("iam %s: HTTP %d: %s", action, status, body)
	}
	return body
}

type trustPolicy struct {
	Statement []trustStatement
}

type trustStatement struct {
	Effect    string
	Action    string
	Principal struct{ Federated string }
	Condition map[string]map[string]any
}

func (c iamClient) trustPolicy(t *testing.T, role string) trustPolicy {
	t.Helper()
	var resp struct {
		Doc string `xml:"GetRoleResult>Role>AssumeRolePolicyDocument"`
	}
	if err := xml.Unmarshal([]byte(c.call(t, "GetRole", url.Values{"RoleName": {role}})), &resp); err != nil {
		t.Fatalf("get role %s: %v", role, err)
	}
	doc, err := url.QueryUnescape(resp.Doc)
	if err != nil {
		t.Fatalf("role %s trust policy: %v", role, err)
	}
	var p trustPolicy
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		t.Fatalf("role %s trust policy %s: %v", role, doc, err)
	}
	return p
}

func (c iamClient) attachedPolicies(t *testing.T, role string) []string {
	t.Helper()
	var resp struct {
		Names []string `xml:"ListAttachedRolePoliciesResult>AttachedPolicies>member>PolicyName"`
	}
	if err := xml.Unmarshal([]byte(c.call(t, "ListAttachedRolePolicies", url.Values{"RoleName": {role}})), &resp); err != nil {
		t.Fatalf("attached policies of %s: %v", role, err)
	}
	slices.Sort(resp.Names)
	return resp.Names
}
