package workflows

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/base64"
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
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"dagger/predictor/internal/exitcode"
	"dagger/predictor/internal/testsupport/testenv"
)

const (
	motoAccount = "123456789012"
	stateBucket = "predictor-tfstate-" + motoAccount + "-" + testenv.Region
	issuer      = "token.actions.githubusercontent.com"
)

// roleCreds are the temporary credentials of an assumed role.
type roleCreds struct {
	name               string
	key, secret, token string
	endpointURL        string
}

func (c roleCreds) env() []string {
	return []string{
		"AWS_ACCESS_KEY_ID=" + c.key, "AWS_SECRET_ACCESS_KEY=" + c.secret, "AWS_SESSION_TOKEN=" + c.token,
		"AWS_REGION=" + testenv.Region, "AWS_DEFAULT_REGION=" + testenv.Region, "AWS_ENDPOINT_URL=" + c.endpointURL,
	}
}

// enforced is one emulator with infra/github-oidc applied and IAM enforced, the
// roles assumed with minted GitHub OIDC tokens, and what the legs share.
type enforced struct {
	moto                            string
	logPath, infra, work, bin       string
	admin                           roleCreds
	deploy, deployProd, plan, ronly roleCreds
	details                         authDetails
	steps                           atomic.Int32 // role steps that succeeded
	denied                          atomic.Int32 // negatives denied on the emulator
}

// TestIAMEnforcedRoles applies infra/github-oidc to the emulator, turns on IAM
// enforcement (moto plus the launcher's moto_iam.py), assumes each role with a minted
// GitHub OIDC token and proves by running, on one emulator: dev's merge path (the dev
// deploy role bootstraps, plans, applies, reads outputs, rolls out and back; the
// pull-request and readonly roles plan and run drift with -lock=false) in parallel with
// prod's (readonly saves prod's plan, deploy-prod applies that plan ID, reads outputs,
// rolls out and back, readonly runs drift); then negatives on the emulator, and the
// requests it cannot judge against the stored policies (internal/iameval).
func TestIAMEnforcedRoles(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("-short: applies infra/github-oidc and two environments against the emulator with IAM enforced")
	}
	e := setupEnforced(t)
	t.Run("policies", func(t *testing.T) { checkPolicies(t, e.details) })
	e.webIdentityNegatives(t)
	e.boundaryNegatives(t)
	legs := t.Run("legs", func(t *testing.T) {
		t.Run("dev", func(t *testing.T) { t.Parallel(); e.devLeg(t) })
		t.Run("prod", func(t *testing.T) { t.Parallel(); e.prodLeg(t) })
	})
	if !legs {
		return
	}
	e.crossEnvironmentNegatives(t)
	e.prodDataNegatives(t)
	t.Logf("role steps that succeeded: %d; negatives denied on the emulator: %d", e.steps.Load(), e.denied.Load())
	t.Logf("not enforced by the emulator in this run (each counted as met/matching, never as a deny):\n%s", unchecked(t, e.logPath))
}

// setupEnforced does what an administrator does before CI runs: the state bucket, the
// roles, an admin user for the checks below, and a dev task role left without a
// boundary; then turns enforcement on and assumes the four roles.
func setupEnforced(t *testing.T) *enforced {
	e := &enforced{logPath: filepath.Join(t.TempDir(), "iam-decisions.jsonl"), bin: testenv.Deployctl(t), infra: copyInfra(t), work: t.TempDir()}
	m := testenv.NewMoto(t, testenv.MotoOptions{Env: []string{
		"PREDICTOR_MOTO_IAM=1", "PREDICTOR_MOTO_IAM_LOG=" + e.logPath, "MOTO_ECS_SERVICE_RUNNING=2",
	}})
	e.moto = m.URL
	admin := testenv.TerraformEnv(t, e.moto)
	mustRun(t, e.bin, admin, "bootstrap", "--env", "dev", "--aws-endpoint", e.moto)
	oidc := oidcRoot(t)
	initBackend(t, oidc, admin, e.moto, stateBucket, "predictor/github-oidc/terraform.tfstate")
	mustTerraform(t, oidc, admin, "apply", "-auto-approve", "-input=false", "-no-color",
		"-var", "github_repository="+testRepository, "-var", "aws_endpoint="+e.moto)
	iam := iamClient{url: e.moto}
	e.details = parseAuthDetails(t, iam.call(t, "GetAccountAuthorizationDetails", url.Values{"Filter.member.1": {"Role"}, "Filter.member.2": {"LocalManagedPolicy"}, "MaxItems": {"1000"}}))
	iam.call(t, "CreateUser", url.Values{"UserName": {"administrator"}})
	iam.call(t, "PutUserPolicy", url.Values{"UserName": {"administrator"}, "PolicyName": {"all"}, "PolicyDocument": {star}})
	var key struct {
		ID     string `xml:"CreateAccessKeyResult>AccessKey>AccessKeyId"`
		Secret string `xml:"CreateAccessKeyResult>AccessKey>SecretAccessKey"`
	}
	if err := xml.Unmarshal([]byte(iam.call(t, "CreateAccessKey", url.Values{"UserName": {"administrator"}})), &key); err != nil {
		t.Fatal(err)
	}
	e.admin = roleCreds{name: "administrator", key: key.ID, secret: key.Secret, endpointURL: e.moto}
	iam.call(t, "CreateRole", url.Values{"RoleName": {"predictor-model-dev-ecs-task"}, "AssumeRolePolicyDocument": {ecsTrust}})

	enforceIAM(t, e.moto)
	// Subjects of the repository's pinned template (pin_workflows): context and the
	// workflow file that defines the job.
	e.deploy = mustAssume(t, e.moto, roleArn("deploy-dev"), pinnedSub("environment:dev", "environment.yml", mainRef))
	e.deployProd = mustAssume(t, e.moto, roleArn("deploy-prod"), pinnedSub("environment:prod", "environment.yml", mainRef))
	e.plan = mustAssume(t, e.moto, roleArn("plan"), pinnedSub("pull_request", "pull-request.yml", "refs/pull/42/merge"))
	e.ronly = mustAssume(t, e.moto, roleArn("readonly"), pinnedSub("environment:readonly", "drift.yml", mainRef))
	for _, f := range []string{"deploy.yml", "dispatch.yml"} {
		mustAssume(t, e.moto, roleArn("readonly"), pinnedSub("environment:readonly", f, mainRef))
	}
	return e
}

const (
	star     = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	ecsTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
)

func roleArn(k string) string { return "arn:aws:iam::" + motoAccount + ":role/predictor-github-" + k }
func sub(s string) string     { return "repo:" + testRepository + ":" + s }

// deny asserts that each call is refused with AccessDenied, and counts it.
func (e *enforced) deny(t *testing.T, calls []negative) {
	t.Helper()
	failed := false
	for _, c := range calls {
		if err := c.call(); !isAccessDenied(err) {
			t.Errorf("%s: got %v, want AccessDenied", c.name, err)
			failed = true
			continue
		}
		e.denied.Add(1)
	}
	if failed {
		t.Errorf("negative set failed; emulator denials:\n%s", decisions(t, e.logPath, "DENY"))
	}
}

type negative struct {
	name string
	call func() error
}

// webIdentityNegatives: the trust policies' aud and sub are checked, sub down to the
// workflow file and its branch.
func (e *enforced) webIdentityNegatives(t *testing.T) {
	var calls []negative
	pr := "refs/pull/42/merge"
	for name, c := range map[string]struct{ role, sub, aud string }{
		"pull request cannot assume deploy-dev":     {"deploy-dev", pinnedSub("pull_request", "pull-request.yml", pr), "sts.amazonaws.com"},
		"prod environment cannot assume dev":        {"deploy-dev", pinnedSub("environment:prod", "environment.yml", mainRef), "sts.amazonaws.com"},
		"dev environment cannot assume prod":        {"deploy-prod", pinnedSub("environment:dev", "environment.yml", mainRef), "sts.amazonaws.com"},
		"readonly cannot assume deploy-prod":        {"deploy-prod", pinnedSub("environment:readonly", "drift.yml", mainRef), "sts.amazonaws.com"},
		"other repository":                          {"plan", "repo:evil/predictor:pull_request:job_workflow_ref:evil/predictor/.github/workflows/pull-request.yml@" + pr, "sts.amazonaws.com"},
		"wrong audience":                            {"plan", pinnedSub("pull_request", "pull-request.yml", pr), "evil"},
		"another workflow file in environment prod": {"deploy-prod", pinnedSub("environment:prod", "evil.yml", mainRef), "sts.amazonaws.com"},
		"the deploy workflow on another branch":     {"deploy-prod", pinnedSub("environment:prod", "environment.yml", "refs/heads/feature"), "sts.amazonaws.com"},
		"the default subject (template not set)":    {"deploy-prod", sub("environment:prod"), "sts.amazonaws.com"},
		"another workflow file of a pull request":   {"plan", pinnedSub("pull_request", "labeler.yml", pr), "sts.amazonaws.com"},
		"the plan workflow outside a pull request":  {"plan", pinnedSub("pull_request", "pull-request.yml", mainRef), "sts.amazonaws.com"},
		"another workflow file in readonly":         {"readonly", pinnedSub("environment:readonly", "evil.yml", mainRef), "sts.amazonaws.com"},
	} {
		calls = append(calls, negative{"web identity: " + name, func() error {
			_, err := assume(t.Context(), e.moto, roleArn(c.role), mintToken(c.sub, c.aud))
			return err
		}})
	}
	e.deny(t, calls)
}

// boundaryNegatives: no escalation through the application roles, while a dev task
// role without the boundary exists (the apply then recreates it with the boundary).
func (e *enforced) boundaryNegatives(t *testing.T) {
	ctx := t.Context()
	dIAM := signedIAM{url: e.moto, creds: e.deploy}
	prodBoundary := "arn:aws:iam::" + motoAccount + ":policy/predictor-github-app-boundary-prod"
	devBoundary := "arn:aws:iam::" + motoAccount + ":policy/predictor-github-app-boundary-dev"
	adminPolicy := "arn:aws:iam::aws:policy/AdministratorAccess"
	iamDo := func(action string, v url.Values) func() error { return func() error { return dIAM.do(ctx, action, v) } }
	e.deny(t, []negative{
		{"iam:PutRolePolicy on a dev role without the boundary", iamDo("PutRolePolicy", url.Values{"RoleName": {"predictor-model-dev-ecs-task"}, "PolicyName": {"x"}, "PolicyDocument": {star}})},
		{"iam:AttachRolePolicy AdministratorAccess on a dev role", iamDo("AttachRolePolicy", url.Values{"RoleName": {"predictor-model-dev-ecs-task"}, "PolicyArn": {adminPolicy}})},
		{"iam:AttachRolePolicy AdministratorAccess on the deploy role itself", iamDo("AttachRolePolicy", url.Values{"RoleName": {"predictor-github-deploy-dev"}, "PolicyArn": {adminPolicy}})},
		{"iam:PutRolePolicy on the deploy role itself", iamDo("PutRolePolicy", url.Values{"RoleName": {"predictor-github-deploy-dev"}, "PolicyName": {"x"}, "PolicyDocument": {star}})},
		{"iam:CreateRole without the boundary", iamDo("CreateRole", url.Values{"RoleName": {"predictor-model-dev-ecs-execution"}, "AssumeRolePolicyDocument": {ecsTrust}})},
		{"iam:CreateRole with prod's boundary", iamDo("CreateRole", url.Values{"RoleName": {"predictor-model-dev-ecs-execution"}, "AssumeRolePolicyDocument": {ecsTrust}, "PermissionsBoundary": {prodBoundary}})},
		{"iam:UpdateAssumeRolePolicy on a dev role", iamDo("UpdateAssumeRolePolicy", url.Values{"RoleName": {"predictor-model-dev-ecs-task"}, "PolicyDocument": {ecsTrust}})},
		{"iam:CreatePolicyVersion of the boundary", iamDo("CreatePolicyVersion", url.Values{"PolicyArn": {devBoundary}, "PolicyDocument": {star}, "SetAsDefault": {"true"}})},
	})
	// Control: the same role may delete the unbounded dev role (the apply creates it
	// again, with the boundary), so the denials above are not a role that can do nothing.
	if err := dIAM.do(ctx, "DeleteRole", url.Values{"RoleName": {"predictor-model-dev-ecs-task"}}); err != nil {
		t.Fatalf("deploy-dev deletes the unbounded dev role: %v", err)
	}
}

// run runs deployctl under c for env, in c's own working directory for env.
func (e *enforced) run(t *testing.T, c roleCreds, env string, args ...string) string {
	t.Helper()
	args = append(args, "--env", env, "--aws-endpoint", e.moto, "--infra-dir", e.infra, "--workdir", filepath.Join(e.work, env, c.name))
	out := mustRunLog(t, e.bin, append(c.env(), testenv.TerraformTools(t)...), e.logPath, args...)
	e.steps.Add(1)
	return out
}

// release reads the outputs, rolls two releases out and rolls back, as c in env.
func (e *enforced) release(t *testing.T, c roleCreds, env string) {
	var outs struct {
		Repository string `json:"ecr_repository_url"`
	}
	if err := json.Unmarshal([]byte(e.run(t, c, env, "outputs", "--json")), &outs); err != nil || outs.Repository == "" {
		t.Fatalf("outputs: %v %+v", err, outs)
	}
	for _, v := range []string{"v1", "v2"} {
		digest := fmt.Sprintf("%x", sha256.Sum256([]byte(env+v)))
		e.run(t, c, env, "rollout", "--image", outs.Repository+"@sha256:"+digest, "--version", v, "--timeout", "2m", "--poll-interval", "200ms")
	}
	e.run(t, c, env, "rollback", "--timeout", "2m", "--poll-interval", "200ms")
}

// devLeg: the dev deploy role runs the pipeline's subcommands for dev; the review roles
// plan and run drift without the lock.
func (e *enforced) devLeg(t *testing.T) {
	e.run(t, e.deploy, "dev", "bootstrap")
	planFile := filepath.Join(e.work, "dev.tfplan")
	e.run(t, e.deploy, "dev", "plan", "--out", planFile, "--no-policy")
	e.run(t, e.deploy, "dev", "apply", "--plan", planFile)
	// The preflight reads what a release depends on, with the deploy role's reads only.
	if out := e.run(t, e.deploy, "dev", "verify"); !strings.Contains(out, "ok") {
		t.Logf("verify:\n%s", out)
	}
	e.release(t, e.deploy, "dev")
	// The roles the apply created carry the boundary, and still take no admin policy.
	e.deny(t, []negative{{"iam:AttachRolePolicy AdministratorAccess on the bounded execution role", func() error {
		return signedIAM{url: e.moto, creds: e.deploy}.do(t.Context(), "AttachRolePolicy", url.Values{"RoleName": {"predictor-model-dev-ecs-execution"}, "PolicyArn": {"arn:aws:iam::aws:policy/AdministratorAccess"}})
	}}})
	e.run(t, e.plan, "dev", "plan", "--out", "review.tfplan", "--no-policy", "--lock=false")
	e.run(t, e.ronly, "dev", "drift")
}

// prodLeg is prod's merge path: the readonly role saves prod's plan, deploy-prod applies
// exactly that plan by its ID, reads the outputs, releases and rolls back, and the
// readonly role runs drift.
func (e *enforced) prodLeg(t *testing.T) {
	e.run(t, e.ronly, "prod", "plan", "--out", "saved.tfplan", "--no-policy", "--lock=false", "--save", "--id-file", "saved.id")
	id, err := os.ReadFile(filepath.Join(e.work, "prod", e.ronly.name, "saved.id"))
	if err != nil {
		t.Fatal(err)
	}
	e.run(t, e.deployProd, "prod", "apply", "--plan-id", strings.TrimSpace(string(id)))
	e.release(t, e.deployProd, "prod")
	e.run(t, e.ronly, "prod", "drift")
}

func enforceIAM(t *testing.T, endpoint string) {
	t.Helper()
	resp, err := http.Post(endpoint+"/moto-api/reset-auth", "text/plain", strings.NewReader("0"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("reset-auth: HTTP %d: %s", resp.StatusCode, body)
	}
}

// mintToken makes a GitHub-shaped OIDC token; the emulator checks its claims, not its
// signature.
func mintToken(sub, aud string) string {
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return enc(map[string]string{"alg": "RS256", "typ": "JWT"}) + "." +
		enc(map[string]any{"iss": "https://" + issuer, "aud": aud, "sub": sub, "exp": time.Now().Add(time.Hour).Unix()}) + ".c2ln"
}

func assume(ctx context.Context, endpoint, role, token string) (roleCreds, error) {
	form := url.Values{"Action": {"AssumeRoleWithWebIdentity"}, "Version": {"2011-06-15"}, "RoleArn": {role},
		"RoleSessionName": {"gha"}, "WebIdentityToken": {token}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint+"/", strings.NewReader(form.Encode()))
	if err != nil {
		return roleCreds{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return roleCreds{}, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return roleCreds{}, fmt.Errorf("assume %s: HTTP %d: %s", role, resp.StatusCode, body)
	}
	var out struct {
		Key    string `xml:"AssumeRoleWithWebIdentityResult>Credentials>AccessKeyId"`
		Secret string `xml:"AssumeRoleWithWebIdentityResult>Credentials>SecretAccessKey"`
		Token  string `xml:"AssumeRoleWithWebIdentityResult>Credentials>SessionToken"`
	}
	if err := xml.Unmarshal(body, &out); err != nil || out.Key == "" {
		return roleCreds{}, fmt.Errorf("assume %s: %v: %s", role, err, body)
	}
	return roleCreds{name: role[strings.LastIndex(role, "/")+1:], key: out.Key, secret: out.Secret, token: out.Token, endpointURL: endpoint}, nil
}

func mustAssume(t *testing.T, endpoint, role, sub string) roleCreds {
	t.Helper()
	c, err := assume(t.Context(), endpoint, role, mintToken(sub, "sts.amazonaws.com"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func s3Client(endpoint string, c roleCreds) *s3.Client {
	return s3.New(s3.Options{
		Region: testenv.Region, BaseEndpoint: aws.String(endpoint), UsePathStyle: true,
		Credentials:      credentials.NewStaticCredentialsProvider(c.key, c.secret, c.token),
		RetryMaxAttempts: 1,
	})
}

func putErr(ctx context.Context, c *s3.Client, bucket, key, body string) error {
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(body)})
	return err
}

func get(ctx context.Context, c *s3.Client, bucket, key string) error {
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err == nil {
		out.Body.Close()
	}
	return err
}

func isAccessDenied(err error) bool {
	var api smithy.APIError
	if errors.As(err, &api) {
		return api.ErrorCode() == "AccessDenied"
	}
	return err != nil && strings.Contains(err.Error(), "AccessDenied")
}

// signedIAM calls the emulator's IAM query API with SigV4-signed requests.
type signedIAM struct {
	url   string
	creds roleCreds
}

func (c signedIAM) do(ctx context.Context, action string, params url.Values) error {
	form := url.Values{"Action": {action}, "Version": {"2010-05-08"}}
	for k, v := range params {
		form[k] = v
	}
	return signedPost(ctx, c.url, c.creds, "iam", action, map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, form.Encode())
}

// ecsCall sends one signed ECS JSON request and returns an error on any non-200 answer.
func ecsCall(ctx context.Context, endpoint string, c roleCreds, action, body string) error {
	return signedPost(ctx, endpoint, c, "ecs", action, map[string]string{
		"Content-Type": "application/x-amz-json-1.1",
		"X-Amz-Target": "AmazonEC2ContainerServiceV20141113." + action,
	}, body)
}

// signedPost sends body to the emulator signed (SigV4) with c for service, and returns
// an error on any non-200 answer.
func signedPost(ctx context.Context, endpoint string, c roleCreds, service, action string, headers map[string]string, body string) error {
	_, err := signedPostBody(ctx, endpoint, c, service, action, headers, body)
	return err
}

// signedPostBody is signedPost that also returns the answer's body.
func signedPostBody(ctx context.Context, endpoint string, c roleCreds, service, action string, headers map[string]string, body string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint+"/", strings.NewReader(body))
	if err != nil {
		return "", err
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	hash := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: c.key, SecretAccessKey: c.secret, SessionToken: c.token}
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, fmt.Sprintf("%x", hash), service, testenv.Region, time.Now()); err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s %s: HTTP %d: %s", service, action, resp.StatusCode, out)
	}
	return string(out), nil
}

// decisions lists the emulator's logged decisions of one kind, one per line.
func decisions(t *testing.T, path, kind string) string {
	t.Helper()
	var b strings.Builder
	eachDecision(t, path, func(d decision) {
		if d.Decision == kind {
			fmt.Fprintf(&b, "  %s %s on %s by %s (%s)\n", d.Decision, d.Action, d.Resource, d.Principal, d.Reason)
		}
	})
	return b.String()
}

// unchecked summarizes what the emulator could not check, with how many calls each.
func unchecked(t *testing.T, path string) string {
	t.Helper()
	counts := map[string]int{}
	eachDecision(t, path, func(d decision) {
		for _, u := range d.Unchecked {
			counts[u]++
		}
	})
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "  %-40s %d calls\n", k, counts[k])
	}
	b.WriteString("  also never checked: bucket and key policies, SCPs, session policies, the app roles' own boundaries at run time\n")
	return b.String()
}

type decision struct {
	Decision, Principal, Action, Resource, Reason string
	Unchecked                                     []string
}

func eachDecision(t *testing.T, path string, f func(decision)) {
	t.Helper()
	file, err := os.Open(path)
	if err != nil {
		t.Logf("no emulator decisions: %v", err)
		return
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var d decision
		if json.Unmarshal(sc.Bytes(), &d) == nil {
			f(d)
		}
	}
}

// copyInfra copies infra/ (without github-oidc and working files) into a fresh directory.
func copyInfra(t *testing.T) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "infra")
	src := filepath.Join(testenv.RepoRoot(t), "infra")
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			if d.Name() == ".terraform" || rel == "github-oidc" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func mustRun(t *testing.T, bin string, env []string, args ...string) string {
	t.Helper()
	return mustRunLog(t, bin, env, "", args...)
}

// mustRunLog runs deployctl; on failure it shows the emulator's denials.
func mustRunLog(t *testing.T, bin string, env []string, logPath string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	// deployctl plan exits 2 for "the plan has changes" (terraform's -detailed-exitcode),
	// drift 2, 8 or 9 for "drift found": answers, not denials.
	if errors.As(err, &exit) && (exit.ExitCode() == exitcode.Changes && args[0] == "plan" ||
		slices.Contains([]int{exitcode.Changes, exitcode.ServiceDrift, exitcode.BothDrift}, exit.ExitCode()) && args[0] == "drift") {
		err = nil
	}
	if err != nil {
		denials := ""
		if logPath != "" {
			denials = decisions(t, logPath, "DENY")
		}
		t.Fatalf("deployctl %s: %v\nstdout:\n%s\nstderr:\n%s\nemulator denials:\n%s", strings.Join(args, " "), err, stdout.String(), tail(stderr.String(), 4000), denials)
	}
	return stdout.String()
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}
