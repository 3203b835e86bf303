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
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

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

// TestIAMEnforcedRoles applies infra/github-oidc to the emulator, turns on IAM
// enforcement (moto plus the launcher's moto_iam.py), assumes each role with a minted
// GitHub OIDC token and proves by running: the dev deploy role bootstraps, plans,
// applies, reads outputs, rolls out and rolls back dev; the pull-request role plans and
// the readonly role runs a drift plan, both with -lock=false; a negative set is denied.
// The emulator's decisions are logged; the test prints what it does not enforce.
func TestIAMEnforcedRoles(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("-short: applies two terraform roots against the emulator with IAM enforced")
	}
	logPath := filepath.Join(t.TempDir(), "iam-decisions.jsonl")
	moto := testenv.NewMoto(t, testenv.MotoOptions{Env: []string{
		"PREDICTOR_MOTO_IAM=1", "PREDICTOR_MOTO_IAM_LOG=" + logPath, "MOTO_ECS_SERVICE_RUNNING=2",
	}})
	admin := testenv.TerraformEnv(t, moto.URL)
	bin := testenv.Deployctl(t)
	infra := copyInfra(t)
	work := t.TempDir()

	// As an administrator, before enforcement: the state bucket, the roles, prod's state
	// and a versioned prod data object, and a dev task role left without a boundary.
	mustRun(t, bin, admin, "bootstrap", "--env", "dev", "--aws-endpoint", moto.URL)
	oidc := oidcRoot(t)
	initBackend(t, oidc, admin, moto.URL, stateBucket, "predictor/github-oidc/terraform.tfstate")
	mustTerraform(t, oidc, admin, "apply", "-auto-approve", "-input=false", "-no-color",
		"-var", "github_repository="+testRepository, "-var", "aws_endpoint="+moto.URL)
	adminS3 := s3Client(moto.URL, roleCreds{key: "test", secret: "test"})
	ctx := t.Context()
	put(t, adminS3, stateBucket, "predictor/prod/terraform.tfstate", "{}")
	prodData := "predictor-model-prod-data-" + motoAccount
	if _, err := adminS3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(prodData)}); err != nil {
		t.Fatal(err)
	}
	if _, err := adminS3.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(prodData),
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	obj, err := adminS3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(prodData), Key: aws.String("results/a.csv"), Body: strings.NewReader("a")})
	if err != nil {
		t.Fatal(err)
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	iamClient{url: moto.URL}.call(t, "CreateRole", url.Values{"RoleName": {"predictor-model-dev-ecs-task"}, "AssumeRolePolicyDocument": {trust}})

	enforceIAM(t, moto.URL)

	// Web identity: the trust policy's aud and sub are checked.
	roleArn := func(k string) string { return "arn:aws:iam::" + motoAccount + ":role/predictor-github-" + k }
	sub := func(s string) string { return "repo:" + testRepository + ":" + s }
	for name, c := range map[string]struct{ role, sub, aud string }{
		"pull request cannot assume deploy-dev": {"deploy-dev", sub("pull_request"), "sts.amazonaws.com"},
		"prod environment cannot assume dev":    {"deploy-dev", sub("environment:prod"), "sts.amazonaws.com"},
		"other repository":                      {"plan", "repo:evil/predictor:pull_request", "sts.amazonaws.com"},
		"wrong audience":                        {"plan", sub("pull_request"), "evil"},
	} {
		if _, err := assume(ctx, moto.URL, roleArn(c.role), mintToken(c.sub, c.aud)); err == nil {
			t.Errorf("web identity %s: assumed %s, want AccessDenied", name, c.role)
		}
	}
	deploy := mustAssume(t, moto.URL, roleArn("deploy-dev"), sub("environment:dev"))
	deployProd := mustAssume(t, moto.URL, roleArn("deploy-prod"), sub("environment:prod"))
	plan := mustAssume(t, moto.URL, roleArn("plan"), sub("pull_request"))
	readonly := mustAssume(t, moto.URL, roleArn("readonly"), sub("environment:readonly"))

	// The negative set, with real API calls.
	dS3, pS3, rS3 := s3Client(moto.URL, deploy), s3Client(moto.URL, plan), s3Client(moto.URL, readonly)
	dIAM := signedIAM{url: moto.URL, creds: deploy}
	prodBoundary := "arn:aws:iam::" + motoAccount + ":policy/predictor-github-app-boundary-prod"
	devBoundary := "arn:aws:iam::" + motoAccount + ":policy/predictor-github-app-boundary-dev"
	adminPolicy := "arn:aws:iam::aws:policy/AdministratorAccess"
	star := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	denied := []struct {
		name string
		call func() error
	}{
		{"deploy-dev reads prod's state", func() error { return get(ctx, dS3, stateBucket, "predictor/prod/terraform.tfstate") }},
		{"deploy-dev writes prod's state", func() error { return putErr(ctx, dS3, stateBucket, "predictor/prod/terraform.tfstate", "{}") }},
		{"deploy-dev takes prod's lock", func() error { return putErr(ctx, dS3, stateBucket, "predictor/prod/terraform.tfstate.tflock", "{}") }},
		{"deploy-dev deletes a prod object version", func() error {
			_, err := dS3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(prodData), Key: aws.String("results/a.csv"), VersionId: obj.VersionId})
			return err
		}},
		{"deploy-prod deletes a prod object version", func() error {
			_, err := s3Client(moto.URL, deployProd).DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(prodData), Key: aws.String("results/a.csv"), VersionId: obj.VersionId})
			return err
		}},
		{"deploy-dev updates prod's ECS service", func() error {
			return ecsCall(ctx, moto.URL, deploy, "UpdateService", `{"cluster":"predictor-model-prod-cluster","service":"predictor-model-prod-backend","desiredCount":0}`)
		}},
		{"plan writes dev's lock", func() error { return putErr(ctx, pS3, stateBucket, "predictor/dev/terraform.tfstate.tflock", "{}") }},
		{"plan writes dev's state", func() error { return putErr(ctx, pS3, stateBucket, "predictor/dev/terraform.tfstate", "{}") }},
		{"readonly writes prod's lock", func() error { return putErr(ctx, rS3, stateBucket, "predictor/prod/terraform.tfstate.tflock", "{}") }},
		{"iam:PutRolePolicy on a dev role without the boundary", func() error {
			return dIAM.do(ctx, "PutRolePolicy", url.Values{"RoleName": {"predictor-model-dev-ecs-task"}, "PolicyName": {"x"}, "PolicyDocument": {star}})
		}},
		{"iam:AttachRolePolicy AdministratorAccess on a dev role", func() error {
			return dIAM.do(ctx, "AttachRolePolicy", url.Values{"RoleName": {"predictor-model-dev-ecs-task"}, "PolicyArn": {adminPolicy}})
		}},
		{"iam:AttachRolePolicy AdministratorAccess on the deploy role itself", func() error {
			return dIAM.do(ctx, "AttachRolePolicy", url.Values{"RoleName": {"predictor-github-deploy-dev"}, "PolicyArn": {adminPolicy}})
		}},
		{"iam:PutRolePolicy on the deploy role itself", func() error {
			return dIAM.do(ctx, "PutRolePolicy", url.Values{"RoleName": {"predictor-github-deploy-dev"}, "PolicyName": {"x"}, "PolicyDocument": {star}})
		}},
		{"iam:CreateRole without the boundary", func() error {
			return dIAM.do(ctx, "CreateRole", url.Values{"RoleName": {"predictor-model-dev-ecs-execution"}, "AssumeRolePolicyDocument": {trust}})
		}},
		{"iam:CreateRole with prod's boundary", func() error {
			return dIAM.do(ctx, "CreateRole", url.Values{"RoleName": {"predictor-model-dev-ecs-execution"}, "AssumeRolePolicyDocument": {trust}, "PermissionsBoundary": {prodBoundary}})
		}},
		{"iam:UpdateAssumeRolePolicy on a dev role", func() error {
			return dIAM.do(ctx, "UpdateAssumeRolePolicy", url.Values{"RoleName": {"predictor-model-dev-ecs-task"}, "PolicyDocument": {trust}})
		}},
		{"iam:CreatePolicyVersion of the boundary", func() error {
			return dIAM.do(ctx, "CreatePolicyVersion", url.Values{"PolicyArn": {devBoundary}, "PolicyDocument": {star}, "SetAsDefault": {"true"}})
		}},
	}
	for _, c := range denied {
		if err := c.call(); !isAccessDenied(err) {
			t.Errorf("%s: got %v, want AccessDenied", c.name, err)
		}
	}
	// Controls: the same role may do what deploys need, so the denials above are not
	// a role that can do nothing. The unbounded task role is deleted (the apply creates
	// it again, with the boundary).
	for name, call := range map[string]func() error{
		"plan reads prod's state": func() error { return get(ctx, pS3, stateBucket, "predictor/prod/terraform.tfstate") },
		"deploy-dev deletes the unbounded dev role": func() error {
			return dIAM.do(ctx, "DeleteRole", url.Values{"RoleName": {"predictor-model-dev-ecs-task"}})
		},
	} {
		if err := call(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if t.Failed() {
		t.Fatalf("negative set failed; emulator decisions:\n%s", decisions(t, logPath, "DENY"))
	}

	// The dev deploy role runs the pipeline's subcommands for dev.
	d := func(args ...string) string {
		t.Helper()
		args = append(args, "--env", "dev", "--aws-endpoint", moto.URL, "--infra-dir", infra, "--workdir", work)
		return mustRunLog(t, bin, append(deploy.env(), testenv.TerraformTools(t)...), logPath, args...)
	}
	d("bootstrap")
	planFile := filepath.Join(work, "dev.tfplan")
	d("plan", "--out", planFile, "--no-policy")
	d("apply", "--plan", planFile)
	var outs struct {
		Repository string `json:"ecr_repository_url"`
	}
	if err := json.Unmarshal([]byte(d("outputs", "--json")), &outs); err != nil || outs.Repository == "" {
		t.Fatalf("outputs: %v %+v", err, outs)
	}
	// The preflight reads what a release depends on, with the deploy role's reads only.
	if out := d("verify"); !strings.Contains(out, "ok") {
		t.Logf("verify:\n%s", out)
	}
	for _, v := range []string{"v1", "v2"} {
		digest := fmt.Sprintf("%x", sha256.Sum256([]byte(v)))
		d("rollout", "--image", outs.Repository+"@sha256:"+digest, "--version", v, "--timeout", "2m", "--poll-interval", "200ms")
	}
	d("rollback", "--timeout", "2m", "--poll-interval", "200ms")
	// The roles the apply created carry the boundary, and still take no admin policy.
	err = dIAM.do(ctx, "AttachRolePolicy", url.Values{"RoleName": {"predictor-model-dev-ecs-execution"}, "PolicyArn": {adminPolicy}})
	if !isAccessDenied(err) {
		t.Errorf("iam:AttachRolePolicy AdministratorAccess on the bounded execution role: got %v, want AccessDenied", err)
	}

	// Review plans through deployctl, without the lock (their roles cannot write it):
	// the pull-request role plans; the readonly role runs drift, and saves a plan
	// (plans/ is the one prefix it may write) that the dev deploy role applies by ID:
	// the two phases of a prod deploy, on dev.
	as := func(c roleCreds, args ...string) string {
		t.Helper()
		args = append(args, "--env", "dev", "--aws-endpoint", moto.URL, "--infra-dir", infra, "--workdir", filepath.Join(work, c.name))
		return mustRunLog(t, bin, append(c.env(), testenv.TerraformTools(t)...), logPath, args...)
	}
	as(plan, "plan", "--out", "review.tfplan", "--no-policy", "--lock=false")
	as(readonly, "drift")
	as(readonly, "plan", "--out", "saved.tfplan", "--no-policy", "--lock=false", "--save", "--id-file", "saved.id")
	id, err := os.ReadFile(filepath.Join(work, readonly.name, "saved.id"))
	if err != nil {
		t.Fatal(err)
	}
	d("apply", "--plan-id", strings.TrimSpace(string(id)))
	if err := putErr(ctx, pS3, stateBucket, "plans/dev/"+strings.Repeat("0", 64)+".tfplan", "x"); !isAccessDenied(err) {
		t.Errorf("the pull-request role saved a plan: got %v, want AccessDenied", err)
	}
	if err := putErr(ctx, rS3, stateBucket, "predictor/dev/terraform.tfstate", "{}"); !isAccessDenied(err) {
		t.Errorf("the readonly role wrote dev's state: got %v, want AccessDenied", err)
	}

	t.Logf("not enforced by the emulator in this run (each counted as met/matching, never as a deny):\n%s", unchecked(t, logPath))
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

func put(t *testing.T, c *s3.Client, bucket, key, body string) {
	t.Helper()
	if err := putErr(t.Context(), c, bucket, key, body); err != nil {
		t.Fatalf("put s3://%s/%s: %v", bucket, key, err)
	}
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
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint+"/", strings.NewReader(body))
	if err != nil {
		return err
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	hash := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: c.key, SecretAccessKey: c.secret, SessionToken: c.token}
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, fmt.Sprintf("%x", hash), service, testenv.Region, time.Now()); err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: HTTP %d: %s", service, action, resp.StatusCode, out)
	}
	return nil
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
	// drift for "drift found": answers, not denials.
	if errors.As(err, &exit) && exit.ExitCode() == 2 && (args[0] == "plan" || args[0] == "drift") {
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
