// Package infra_test runs the Terraform under infra/: every module's `terraform test`
// (mock provider), and the root module end to end against the AWS emulator for each
// environment's var file: init through the S3 backend with its lockfile, apply, contract
// outputs, an empty second plan, releases that follow Terraform (dev, release_test.go), destroy; a plan blocked by the lock of a running apply;
// bad inputs rejected at plan time. Each test works on its own copy of infra/ in
// t.TempDir(), so nothing is written to the repository and parallel tests share nothing.
package infra_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"dagger/predictor/internal/testsupport/testenv"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/go-cmp/cmp"
)

func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }

// contractOutputs are the root outputs deployctl and the Dagger module read (CONTRACTS.md).
var contractOutputs = []string{
	"api_gateway_url", "ecr_repository_url", "s3_files_bucket_name", "s3_data_bucket_name",
	"ecs_cluster_name", "ecs_service_name", "backend_environment_variables", "ecs_task_family",
	"ecs_container_name", "ecs_desired_count", "aws_region", "log_group_name", "ecs_task_definition_arn",
}

var modules = []string{"networking", "security", "s3", "ecr", "iam", "ecs", "api-gateway", "cognito"}

func infraDir(t *testing.T) string {
	t.Helper()
	return filepath.Join(testenv.RepoRoot(t), "infra")
}

// copyTree copies src into a new temporary directory, skipping Terraform working files.
func copyTree(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		name := d.Name()
		if d.IsDir() && (name == ".terraform" || strings.HasPrefix(name, ".tfdata")) {
			return filepath.SkipDir
		}
		if !d.IsDir() && (strings.HasSuffix(name, ".tfstate") || strings.HasSuffix(name, "_test.go") || name == ".terraform.lock.hcl") {
			return nil
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatalf("copy %s: %v", src, err)
	}
	return dst
}

// tf runs terraform in one working directory with a fixed environment.
type tf struct {
	t   *testing.T
	bin string
	dir string
	env []string
}

func newTF(t *testing.T, dir, endpoint string) *tf {
	t.Helper()
	env := []string{}
	for _, kv := range os.Environ() {
		// Nothing from the caller's AWS or Terraform setup leaks into the tests.
		if !strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, "TF_") {
			env = append(env, kv)
		}
	}
	if endpoint != "" {
		env = append(env, testenv.TerraformEnv(t, endpoint)...)
	} else {
		env = append(env, testenv.TerraformTools(t)...)
	}
	env = append(env, "TF_DATA_DIR="+filepath.Join(t.TempDir(), "tfdata"))
	return &tf{t: t, bin: testenv.Terraform(t), dir: dir, env: env}
}

func (x *tf) cmd(ctx context.Context, args ...string) *exec.Cmd {
	c := exec.CommandContext(ctx, x.bin, args...)
	c.Dir = x.dir
	c.Env = x.env
	c.WaitDelay = 10 * time.Second
	return c
}

// run returns the combined output and the exit code (-1 if terraform did not run).
func (x *tf) run(args ...string) (string, int) {
	x.t.Helper()
	start := time.Now()
	out, err := x.cmd(x.t.Context(), args...).CombinedOutput()
	x.t.Logf("terraform %s: %s", args[0], time.Since(start).Round(100*time.Millisecond))
	var exit *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case errors.As(err, &exit):
		return string(out), exit.ExitCode()
	default:
		x.t.Fatalf("terraform %s: %v", args[0], err)
		return "", -1
	}
}

// must runs terraform and fails the test unless it exits 0.
func (x *tf) must(args ...string) string {
	x.t.Helper()
	out, code := x.run(args...)
	if code != 0 {
		x.t.Fatalf("terraform %s: exit %d\n%s", strings.Join(args, " "), code, tail(out, 6000))
	}
	return out
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// stack is one copy of the root module initialised against an emulator with its own
// state bucket.
type stack struct {
	*tf
	env      string
	endpoint string
	bucket   string
	key      string
	// from the outputs, after apply (checkOutputs)
	cluster, service string
	outputs          map[string]output
}

// outputString is the string value of output name, as terraform output -raw prints
// it; "" when it is missing or not a string.
func (s *stack) outputString(name string) string {
	var v string
	_ = json.Unmarshal(s.outputs[name].Value, &v)
	return v
}

var bucketSeq atomic.Int64

func awsConfig(endpoint string) aws.Config {
	return aws.Config{
		Region:       testenv.Region,
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint: aws.String(endpoint),
	}
}

func s3Client(endpoint string) *s3.Client {
	return s3.NewFromConfig(awsConfig(endpoint), func(o *s3.Options) { o.UsePathStyle = true })
}

// newStateBucket creates a state bucket in the emulator, unique within this test run.
func newStateBucket(t *testing.T, endpoint, env string) string {
	t.Helper()
	bucket := fmt.Sprintf("predictor-tfstate-test-%s-%d-%d", env, os.Getpid(), bucketSeq.Add(1))
	if _, err := s3Client(endpoint).CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatalf("create state bucket %s: %v", bucket, err)
	}
	return bucket
}

// initStack copies infra/ and runs terraform init with the S3 backend (lockfile) in the
// given bucket, as deployctl does.
func initStack(t *testing.T, endpoint, env, bucket string) *stack {
	t.Helper()
	dir := copyTree(t, infraDir(t))
	s := &stack{tf: newTF(t, dir, endpoint), env: env, endpoint: endpoint, bucket: bucket, key: "predictor/" + env + "/terraform.tfstate"}
	backend := filepath.Join(t.TempDir(), "backend.hcl")
	cfg := fmt.Sprintf(`bucket         = %q
key            = %q
region         = %q
use_lockfile   = true
encrypt        = true
use_path_style = true
endpoints = {
  s3  = %q
  sts = %q
}
skip_credentials_validation = true
skip_metadata_api_check     = true
skip_region_validation      = true
`, bucket, s.key, testenv.Region, endpoint, endpoint)
	if err := os.WriteFile(backend, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	s.must("init", "-no-color", "-input=false", "-backend-config="+backend)
	return s
}

func (s *stack) vars() []string {
	return []string{"-no-color", "-input=false", "-var-file=envs/" + s.env + ".tfvars", "-var", "aws_endpoint=" + s.endpoint}
}

func (s *stack) args(cmd string, extra ...string) []string {
	return append(append([]string{cmd}, s.vars()...), extra...)
}

// expectations per environment, from infra/envs/<env>.tfvars.
var envs = map[string]struct {
	desiredCount int
	networkMode  string
	// capacity provider strategy as provider:base:weight, sorted
	strategy []string
	// uploadDays: upload_expiration_days; cognito: api_auth = "cognito".
	uploadDays int
	cognito    bool
	// accessLog: access_log, the backend's per-request lines (ACCESS_LOG).
	accessLog bool
}{
	"dev":  {1, "public", []string{"FARGATE_SPOT:0:1"}, 7, false, true},
	"prod": {2, "private", []string{"FARGATE:1:0", "FARGATE_SPOT:0:1"}, 30, true, false},
}

// TestEnvironmentsEndToEnd applies dev and prod on the emulator, reads what they
// created back, plans again (empty), and destroys them. local, dev's settings on the
// emulator but for its lifecycle rules, is applied by internal/tf/e2e's TestLifecycle
// through deployctl, which also checks that local's buckets have no lifecycle rules.
func TestEnvironmentsEndToEnd(t *testing.T) {
	t.Parallel()
	for _, env := range []string{"dev", "prod"} {
		t.Run(env, func(t *testing.T) {
			t.Parallel()
			// One emulator per environment: moto serves requests under one interpreter
			// lock, so separate processes use both cores.
			// dev also drives releases (releasesFollowTerraform): its emulator reports
			// running tasks (MOTO_ECS_SERVICE_RUNNING) so those deployments complete.
			var motoEnv []string
			if env == "dev" {
				motoEnv = []string{"MOTO_ECS_SERVICE_RUNNING=1"}
			}
			moto := testenv.NewMoto(t, testenv.MotoOptions{Env: motoEnv})
			s := initStack(t, moto.URL, env, newStateBucket(t, moto.URL, env))

			if env == "dev" {
				applyWhileProbingLock(t, s)
			} else {
				s.must(s.args("apply", "-auto-approve")...)
			}

			checkOutputs(t, s)
			checkService(t, s)
			checkUploadsExpire(t, s)
			checkAPIAuth(t, s)

			out, code := s.run(s.args("plan", "-detailed-exitcode")...)
			if code != 0 {
				t.Fatalf("second plan is not empty (exit %d):\n%s", code, tail(out, 8000))
			}
			if env == "dev" {
				releasesFollowTerraform(t, s)
			}

			s.must(s.args("destroy", "-auto-approve")...)
			if left := strings.TrimSpace(s.must("state", "list")); left != "" {
				t.Fatalf("resources left in state after destroy:\n%s", left)
			}
		})
	}
}

// applyWhileProbingLock starts an apply and, once its lock object is in the state bucket,
// runs a plan from a second working copy with -lock-timeout=0s: it must fail on the lock.
func applyWhileProbingLock(t *testing.T, s *stack) {
	t.Helper()
	probe := initStack(t, s.endpoint, s.env, s.bucket)

	var out bytes.Buffer
	apply := s.cmd(t.Context(), s.args("apply", "-auto-approve")...)
	apply.Stdout, apply.Stderr = &out, &out
	if err := apply.Start(); err != nil {
		t.Fatalf("start apply: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- apply.Wait() }()

	lockKey := s.key + ".tflock"
	client := s3Client(s.endpoint)
	deadline := time.Now().Add(60 * time.Second)
	for {
		_, err := client.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(lockKey)})
		if err == nil {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("apply ended (%v) before its lock %s was seen:\n%s", err, lockKey, tail(out.String(), 4000))
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no lock object s3://%s/%s within 60s of starting apply", s.bucket, lockKey)
		}
	}

	planOut, code := probe.run(probe.args("plan", "-lock-timeout=0s")...)
	if code == 0 || !strings.Contains(planOut, "Error acquiring the state lock") {
		t.Errorf("plan during apply: exit %d, want a state lock error:\n%s", code, tail(planOut, 4000))
	}

	if err := <-done; err != nil {
		t.Fatalf("apply: %v\n%s", err, tail(out.String(), 6000))
	}
	if _, err := client.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(lockKey)}); err == nil {
		t.Errorf("lock object %s still present after apply", lockKey)
	}
}

type output struct {
	Value json.RawMessage `json:"value"`
}

func checkOutputs(t *testing.T, s *stack) {
	t.Helper()
	var outs map[string]output
	if err := json.Unmarshal([]byte(s.must("output", "-no-color", "-json")), &outs); err != nil {
		t.Fatalf("terraform output -json: %v", err)
	}
	s.outputs = outs
	str := func(name string) string {
		var v string
		if err := json.Unmarshal(outs[name].Value, &v); err != nil {
			t.Errorf("output %s is not a string: %s", name, outs[name].Value)
		}
		return v
	}
	for _, name := range contractOutputs {
		if _, ok := outs[name]; !ok {
			t.Errorf("output %s missing", name)
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	prefix := "predictor-model-" + s.env + "-"
	for _, name := range []string{"s3_files_bucket_name", "s3_data_bucket_name", "ecs_cluster_name", "ecs_service_name", "ecs_task_family"} {
		if v := str(name); !strings.HasPrefix(v, prefix) {
			t.Errorf("output %s = %q, want prefix %q", name, v, prefix)
		}
	}
	if v := str("ecr_repository_url"); !strings.HasSuffix(v, "/"+prefix+"backend") {
		t.Errorf("ecr_repository_url = %q, want .../%sbackend", v, prefix)
	}
	if v := str("api_gateway_url"); !regexp.MustCompile(`^https://[a-z0-9]+\.execute-api\.us-east-1\.amazonaws\.com$`).MatchString(v) {
		t.Errorf("api_gateway_url = %q, want https://<id>.execute-api.us-east-1.amazonaws.com", v)
	}
	if v := str("log_group_name"); v != "/ecs/"+prefix+"backend" {
		t.Errorf("log_group_name = %q, want /ecs/%sbackend", v, prefix)
	}
	if v := str("ecs_container_name"); v != "backend" {
		t.Errorf("ecs_container_name = %q, want backend", v)
	}
	if v := str("aws_region"); v != testenv.Region {
		t.Errorf("aws_region = %q, want %s", v, testenv.Region)
	}
	var count int
	if err := json.Unmarshal(outs["ecs_desired_count"].Value, &count); err != nil || count != envs[s.env].desiredCount {
		t.Errorf("ecs_desired_count = %s, want %d", outs["ecs_desired_count"].Value, envs[s.env].desiredCount)
	}
	var backendEnv map[string]string
	if err := json.Unmarshal(outs["backend_environment_variables"].Value, &backendEnv); err != nil {
		t.Fatalf("backend_environment_variables: %v", err)
	}
	want := map[string]string{
		"AWS_REGION":      testenv.Region,
		"S3_FILES_BUCKET": str("s3_files_bucket_name"),
		"S3_DATA_BUCKET":  str("s3_data_bucket_name"),
		"APP_ENV":         s.env,
		"ACCESS_LOG":      strconv.FormatBool(envs[s.env].accessLog),
	}
	if diff := cmp.Diff(want, backendEnv); diff != "" {
		t.Errorf("backend_environment_variables (-want +got):\n%s", diff)
	}
	s.cluster, s.service = str("ecs_cluster_name"), str("ecs_service_name")
}

// checkUploadsExpire reads the files bucket's lifecycle back from the emulator:
// uploads/ expires after the environment's upload_expiration_days. (local alone has
// no lifecycle rules, which TestLifecycle in internal/tf/e2e pins.)
func checkUploadsExpire(t *testing.T, s *stack) {
	t.Helper()
	bucket := s.outputString("s3_files_bucket_name")
	got, err := s3Client(s.endpoint).GetBucketLifecycleConfiguration(t.Context(), &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatalf("get lifecycle of %s: %v", bucket, err)
	}
	var rules []string
	for _, r := range got.Rules {
		if r.Expiration != nil && r.Filter != nil {
			rules = append(rules, fmt.Sprintf("%s: %s after %d days", aws.ToString(r.ID), aws.ToString(r.Filter.Prefix), aws.ToInt32(r.Expiration.Days)))
		}
	}
	want := []string{fmt.Sprintf("expire-uploads: uploads/ after %d days", envs[s.env].uploadDays)}
	if d := cmp.Diff(want, rules); d != "" {
		t.Errorf("expiring lifecycle rules of %s (-want +got):\n%s", bucket, d)
	}
}

// checkAPIAuth reads the HTTP API's routes and authorizers back from the emulator:
// GET /health is public everywhere; where api_auth is cognito, every other path
// ($default) needs a JWT of the environment's user pool.
func checkAPIAuth(t *testing.T, s *stack) {
	t.Helper()
	u := s.outputString("api_gateway_url")
	id := strings.SplitN(strings.TrimPrefix(u, "https://"), ".", 2)[0]
	var routes struct {
		Items []struct{ RouteKey, AuthorizationType, AuthorizerID string }
	}
	apigatewayGet(t, s.endpoint, "/v2/apis/"+id+"/routes", &routes)
	got := map[string]string{}
	authorizerID := ""
	for _, r := range routes.Items {
		got[r.RouteKey] = r.AuthorizationType
		if r.AuthorizerID != "" {
			got[r.RouteKey] += " " + r.AuthorizerID
			authorizerID = r.AuthorizerID
		}
	}
	want := map[string]string{"GET /health": "NONE", "$default": "NONE"}
	// A null output is not kept in the state: a missing one is null.
	value := func(name string) string {
		if v := string(s.outputs[name].Value); v != "" {
			return v
		}
		return "null"
	}
	issuer := value("api_jwt_issuer")
	// moto 5.2.5 has no GetAuthorizers (list: HTTP 500), so the authorizer is read by
	// the ID its route names; without authentication no route names one.
	if envs[s.env].cognito {
		var a struct {
			AuthorizerID     string
			AuthorizerType   string
			JwtConfiguration struct {
				Issuer   string
				Audience []string
			}
		}
		if authorizerID == "" {
			t.Fatalf("routes of API %s: %+v, want $default with a JWT authorizer", id, routes.Items)
		}
		apigatewayGet(t, s.endpoint, "/v2/apis/"+id+"/authorizers/"+authorizerID, &a)
		want["$default"] = "JWT " + a.AuthorizerID
		pool, client := strings.Trim(value("cognito_user_pool_id"), `"`), strings.Trim(value("cognito_user_pool_client_id"), `"`)
		wantIssuer := "https://cognito-idp." + testenv.Region + ".amazonaws.com/" + pool
		if a.AuthorizerType != "JWT" || a.JwtConfiguration.Issuer != wantIssuer || !slices.Equal(a.JwtConfiguration.Audience, []string{client}) || issuer != strconv.Quote(wantIssuer) {
			t.Errorf("authorizer %+v (output api_jwt_issuer %s), want JWT from %s for audience %s", a, issuer, wantIssuer, client)
		}
	} else if issuer != "null" {
		t.Errorf("output api_jwt_issuer = %s, want null (no authentication)", issuer)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("routes of API %s: key -> authorization (-want +got):\n%s", id, d)
	}
}

// apigatewayGet sends a SigV4-signed GET of the apigatewayv2 REST API to the
// emulator and decodes the JSON answer (go.mod has no apigatewayv2 client).
func apigatewayGet(t *testing.T, endpoint, path string, v any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, endpoint+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	creds, err := awsConfig(endpoint).Credentials.Retrieve(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	const emptyBody = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	if err := v4.NewSigner().SignHTTP(t.Context(), creds, req, emptyBody, "apigateway", testenv.Region, time.Now()); err != nil {
		t.Fatalf("sign GET %s: %v", path, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s: %s", path, resp.Status, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: decode %s: %v", path, body, err)
	}
}

// checkService reads the service back from the emulator: zero tasks until the first
// rollout, the environment's capacity provider strategy, the circuit breaker.
func checkService(t *testing.T, s *stack) {
	t.Helper()
	client := ecs.NewFromConfig(awsConfig(s.endpoint))
	got, err := client.DescribeServices(t.Context(), &ecs.DescribeServicesInput{Cluster: aws.String(s.cluster), Services: []string{s.service}})
	if err != nil || len(got.Services) != 1 {
		t.Fatalf("describe service %s: %v (%d services)", s.service, err, len(got.Services))
	}
	svc := got.Services[0]
	if svc.DesiredCount != 0 {
		t.Errorf("service desired count = %d, want 0 until the first rollout", svc.DesiredCount)
	}
	var strategy []string
	for _, c := range svc.CapacityProviderStrategy {
		strategy = append(strategy, fmt.Sprintf("%s:%d:%d", aws.ToString(c.CapacityProvider), c.Base, c.Weight))
	}
	slices.Sort(strategy)
	if diff := cmp.Diff(envs[s.env].strategy, strategy); diff != "" {
		t.Errorf("capacity provider strategy (-want +got):\n%s", diff)
	}
	if dc := svc.DeploymentConfiguration; dc == nil || dc.DeploymentCircuitBreaker == nil || !dc.DeploymentCircuitBreaker.Enable || !dc.DeploymentCircuitBreaker.Rollback {
		t.Errorf("deployment circuit breaker with rollback not set: %+v", dc)
	}
}

// TestBadInputsRejectedAtPlan: bad inputs fail the plan, each with an error naming its
// variable. One plan carries them all (Terraform reports every invalid variable), which
// saves a provider start per case.
func TestBadInputsRejectedAtPlan(t *testing.T) {
	t.Parallel()
	moto := testenv.SharedMoto(t)
	s := initStack(t, moto.URL, "dev", newStateBucket(t, moto.URL, "bad"))
	cases := map[string]struct {
		vars     []string
		variable string
	}{
		"unknown environment":        {[]string{"environment=qa-nope"}, "environment"},
		"CIDR that does not parse":   {[]string{"vpc_cidr=10.10.0.300/16"}, "vpc_cidr"},
		"Fargate cpu/memory pair":    {[]string{"task_cpu=256", "task_memory=4096"}, "task_memory"},
		"log retention":              {[]string{"log_retention_days=10"}, "log_retention_days"},
		"unknown network mode":       {[]string{"network_mode=nat"}, "network_mode"},
		"CORS origin with a path":    {[]string{`cors_allow_origins=["https://app.example.com/x"]`}, "cors_allow_origins"},
		"uploads never expire":       {[]string{"upload_expiration_days=0"}, "upload_expiration_days"},
		"JWT auth without issuer":    {[]string{"api_auth=jwt", `api_jwt_audience=["web"]`}, "api_jwt_issuer"},
		"no lifecycle outside local": {[]string{"s3_lifecycle_rules=false"}, "s3_lifecycle_rules"},
	}
	args := s.args("plan", "-lock=false")
	for _, tc := range cases {
		for _, v := range tc.vars {
			args = append(args, "-var", v)
		}
	}
	out, code := s.run(args...)
	if code == 0 {
		t.Fatalf("plan accepted bad inputs:\n%s", tail(out, 3000))
	}
	// One diagnostic per invalid variable: "Error: Invalid value for variable" ... `variable "name" {`.
	blocks := strings.Split(out, "Error: ")[1:]
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			for _, b := range blocks {
				if strings.HasPrefix(b, "Invalid value for variable") && strings.Contains(b, fmt.Sprintf("variable %q {", tc.variable)) && strings.Contains(b, "var."+tc.variable) {
					return
				}
			}
			t.Errorf("no plan error names var.%s:\n%s", tc.variable, tail(out, 6000))
		})
	}
	if n := strings.Count(out, "Error: Invalid value for variable"); n != len(cases) {
		t.Errorf("%d invalid-variable errors, want %d (one per case)", n, len(cases))
	}
}

// TestEmulatorRunRefusesOtherAccounts: the provider finds the emulator through
// AWS_ENDPOINT_URL (providers.tf), so a run with aws_endpoint set but AWS_ENDPOINT_URL
// unset would reach the account of the caller's credentials. allowed_account_ids stops
// it at provider configuration, before any resource is read: here the "other account"
// is a second emulator answering for account 111111111111.
func TestEmulatorRunRefusesOtherAccounts(t *testing.T) {
	t.Parallel()
	moto := testenv.SharedMoto(t)
	other := testenv.NewMoto(t, testenv.MotoOptions{Env: []string{"MOTO_ACCOUNT_ID=111111111111"}})
	s := initStack(t, moto.URL, "local", newStateBucket(t, moto.URL, "account"))
	s.tf.env = append(s.tf.env, "AWS_ENDPOINT_URL="+other.URL) // the last value wins
	out, code := s.run(s.args("plan", "-lock=false")...)
	if code == 0 || !strings.Contains(out, "AWS account ID not allowed: 111111111111") {
		t.Fatalf("plan against another account: exit %d, want the allowed_account_ids refusal:\n%s", code, tail(out, 3000))
	}
}

func TestModules(t *testing.T) {
	t.Parallel()
	for _, m := range modules {
		t.Run(m, func(t *testing.T) {
			t.Parallel()
			dir := copyTree(t, filepath.Join(infraDir(t), "modules", m))
			x := newTF(t, dir, "")
			x.must("init", "-no-color", "-input=false", "-backend=false")
			out := x.must("test", "-no-color")
			if !regexp.MustCompile(`Success! [1-9][0-9]* passed, 0 failed`).MatchString(out) {
				t.Fatalf("terraform test did not pass:\n%s", out)
			}
			t.Log(lastLine(out))
		})
	}
}

// TestContractOutputsDocumented: every output deployctl and the Dagger module read is
// named in CONTRACTS.md.
func TestContractOutputsDocumented(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(testenv.RepoRoot(t), "CONTRACTS.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range contractOutputs {
		if !strings.Contains(string(doc), "`"+o+"`") {
			t.Errorf("CONTRACTS.md does not name the output %s", o)
		}
	}
}
