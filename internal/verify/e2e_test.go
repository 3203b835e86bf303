package verify_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"

	"dagger/predictor/internal/ctl"
	"dagger/predictor/internal/exitcode"
	"dagger/predictor/internal/testsupport/testenv"
)

func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }

// fixture is the local environment applied once on a dedicated emulator.
type fixture struct {
	t       *testing.T
	dir     string
	env     []string
	outputs string // `deployctl outputs --json`, saved
	out     map[string]string
	cfg     aws.Config
}

const bucket = "tfstate-verify"

func (f *fixture) deployctl(args ...string) (stdout, stderr string, code int) {
	f.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	full := append(slices.Clone(args), "--env", "local", "--infra-dir", filepath.Join(f.dir, "infra"), "--workdir", f.dir, "--state-bucket", bucket)
	cmd := exec.CommandContext(ctx, testenv.Deployctl(f.t), full...)
	cmd.Env = f.env
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.ExitCode()
	default:
		f.t.Fatalf("run deployctl %s: %v", args[0], err)
	}
	return o.String(), e.String(), code
}

func (f *fixture) must(args ...string) string {
	f.t.Helper()
	o, e, code := f.deployctl(args...)
	if code != 0 && !(args[0] == "plan" && code == exitcode.Changes) {
		f.t.Fatalf("deployctl %s: exit %d\n%s\n%s", args[0], code, o, tail(e))
	}
	return o
}

func tail(s string) string {
	if len(s) > 3000 {
		return "..." + s[len(s)-3000:]
	}
	return s
}

func newFixture(t *testing.T) *fixture {
	testenv.Terraform(t)
	moto := testenv.NewMoto(t, testenv.MotoOptions{})
	f := &fixture{t: t, dir: t.TempDir()}
	if err := copyTree(filepath.Join(testenv.RepoRoot(t), "infra"), filepath.Join(f.dir, "infra")); err != nil {
		t.Fatal(err)
	}
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "AWS_") || strings.HasPrefix(k, "TF_") || k == "PREDICTOR_ACCOUNT_ID" {
			continue
		}
		f.env = append(f.env, kv)
	}
	f.env = append(f.env, testenv.TerraformEnv(t, moto.URL)...)
	f.must("bootstrap")
	f.must("plan", "--out", "local.tfplan", "--no-policy")
	f.must("apply", "--plan", "local.tfplan")
	f.outputs = filepath.Join(f.dir, "outputs.json")
	raw := f.must("outputs", "--json")
	if err := os.WriteFile(f.outputs, []byte(raw), 0o600); err != nil {
		t.Fatal(err)
	}
	var err error
	if f.out, err = ctl.ParseOutputs(raw); err != nil {
		t.Fatal(err)
	}
	f.cfg = testenv.AWSConfig(t, moto.URL)
	return f
}

// copyTree copies the terraform root without working files.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() && strings.HasPrefix(d.Name(), ".terraform") {
			return filepath.SkipDir
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if strings.HasSuffix(d.Name(), ".tfstate") || strings.HasSuffix(d.Name(), ".tfplan") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}

// failLines are the FAIL lines of a verify report.
func failLines(stdout string) []string {
	var out []string
	for _, l := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(l, "FAIL ") {
			out = append(out, l)
		}
	}
	return out
}

func applyFix() string {
	return "re-apply the infrastructure (`deployctl plan --env local --out local.tfplan`, then `deployctl apply --env local --plan local.tfplan`)"
}

// TestVerifyEmulator applies the local environment once on its own emulator, checks
// the healthy case (through terraform's outputs, and through --outputs), then breaks
// each prerequisite in turn and expects exactly its FAIL line and exit 6, restoring
// it afterwards; the last run must pass again.
func TestVerifyEmulator(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: applies the infrastructure on the emulator")
	}
	t.Parallel()
	v := newVerifyE2E(t)
	v.healthy(t)
	v.prepareBreaks(t)
	v.eachBreakFails(t)
	v.healthyAfterRestoring(t)
}

// verifyE2E is the applied environment with what the cases break and restore: the
// service as applied, its task definition, and the names and ARNs derived from them.
type verifyE2E struct {
	*fixture
	ecs                   *ecs.Client
	ecr                   *ecr.Client
	s3                    *s3.Client
	iam                   *iam.Client
	logs                  *cloudwatchlogs.Client
	ec2                   *ec2.Client
	api                   *apigatewayv2.Client
	cluster, service      string
	svc                   ecstypes.Service
	td                    *ecstypes.TaskDefinition
	taskRole, logGroup    string
	regARN, repoURL, repo string
	digest, unknown       string   // an image in the repository, and one that is not
	origTrust             string   // the task role's trust policy as applied
	doomed                []string // the subnet and security group the network case deletes
}

// verifyCase breaks one prerequisite (or passes args), runs verify --outputs and
// expects exactly want's FAIL lines, then restores it.
type verifyCase struct {
	name    string
	args    []string
	break_  func(t *testing.T)
	restore func(t *testing.T)
	want    []string
}

func newVerifyE2E(t *testing.T) *verifyE2E {
	f := newFixture(t)
	v := &verifyE2E{fixture: f, ecs: ecs.NewFromConfig(f.cfg), ecr: ecr.NewFromConfig(f.cfg),
		s3:  s3.NewFromConfig(f.cfg, func(o *s3.Options) { o.UsePathStyle = true }),
		iam: iam.NewFromConfig(f.cfg), logs: cloudwatchlogs.NewFromConfig(f.cfg),
		ec2: ec2.NewFromConfig(f.cfg), api: apigatewayv2.NewFromConfig(f.cfg)}
	ctx := t.Context()
	v.cluster, v.service = f.out["ecs_cluster_name"], f.out["ecs_service_name"]
	svcOut, err := v.ecs.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: &v.cluster, Services: []string{v.service}})
	if err != nil || len(svcOut.Services) != 1 {
		t.Fatalf("describe service: %v", err)
	}
	v.svc = svcOut.Services[0]
	tdOut, err := v.ecs.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: v.svc.TaskDefinition})
	if err != nil {
		t.Fatal(err)
	}
	v.td = tdOut.TaskDefinition
	roleName := func(arn *string) string { s := aws.ToString(arn); return s[strings.LastIndex(s, "/")+1:] }
	v.taskRole = roleName(v.td.TaskRoleArn)
	v.logGroup = v.td.ContainerDefinitions[0].LogConfiguration.Options["awslogs-group"]
	v.regARN = aws.ToString(v.svc.ServiceRegistries[0].RegistryArn)
	v.repoURL = f.out["ecr_repository_url"]
	v.repo = v.repoURL[strings.Index(v.repoURL, "/")+1:]
	return v
}

// healthy: through terraform, every check passes.
func (v *verifyE2E) healthy(t *testing.T) {
	o, e, code := v.deployctl("verify")
	if code != 0 || !strings.Contains(o, "preflight local: OK") {
		t.Fatalf("healthy verify: exit %d\n%s\n%s", code, o, tail(e))
	}
	t.Logf("healthy report:\n%s", o)
	for _, c := range []string{"account", "state-bucket", "service", "capacity", "network", "roles", "log-group", "port"} {
		if !strings.Contains(o, "ok   "+c+": ") {
			t.Errorf("healthy report lacks an ok line for %s:\n%s", c, o)
		}
	}
}

// prepareBreaks puts an image that exists in the repository and saves the task role's
// trust policy for the cases to restore.
func (v *verifyE2E) prepareBreaks(t *testing.T) {
	ctx := t.Context()
	// Put a manifest through the ECR API (the emulator has no registry protocol) and
	// take the digest it reports.
	manifest := `{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":7023,"digest":"sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7"},"layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":32654,"digest":"sha256:e692418e4cbaf90ca69d05a66403747baa33ee08806650b51fab815ad7fc331f"}]}`
	put, err := v.ecr.PutImage(ctx, &ecr.PutImageInput{RepositoryName: &v.repo, ImageManifest: &manifest, ImageTag: aws.String("v1")})
	if err != nil {
		t.Fatalf("put image: %v", err)
	}
	v.digest = aws.ToString(put.Image.ImageId.ImageDigest)
	v.unknown = "sha256:" + strings.Repeat("0", 64)
	role, err := v.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: &v.taskRole})
	check(t, err)
	v.origTrust, err = url.QueryUnescape(aws.ToString(role.Role.AssumeRolePolicyDocument))
	check(t, err)
}

// eachBreakFails: each broken prerequisite gives exactly its FAIL lines and exit 6,
// and a run with nothing broken exits 0.
func (v *verifyE2E) eachBreakFails(t *testing.T) {
	tests := slices.Concat(v.accountAndStateCases(), v.roleAndLogCases(), v.capacityCases(), v.networkCases(), v.imageCases())
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { v.runCase(t, tc) })
	}
}

func (v *verifyE2E) runCase(t *testing.T, tc verifyCase) {
	v.doomed = nil
	if tc.break_ != nil {
		tc.break_(t)
	}
	if tc.restore != nil {
		defer tc.restore(t)
	}
	want := tc.want
	if v.doomed != nil {
		want = []string{
			"FAIL network: subnet " + v.doomed[0] + " of service " + v.service + " does not exist: " + applyFix(),
			"FAIL network: security group " + v.doomed[1] + " of service " + v.service + " does not exist: " + applyFix(),
		}
	}
	o, e, code := v.deployctl(append([]string{"verify", "--outputs", v.outputs}, tc.args...)...)
	wantCode := exitcode.OK
	if len(want) > 0 {
		wantCode = exitcode.Preflight
	}
	if code != wantCode {
		t.Errorf("exit %d, want %d\n%s\n%s", code, wantCode, o, tail(e))
	}
	if diff := cmp.Diff(want, failLines(o)); diff != "" {
		t.Errorf("FAIL lines (-want +got):\n%s\nreport:\n%s", diff, o)
	}
}

// healthyAfterRestoring: everything restored, verify through terraform passes again.
func (v *verifyE2E) healthyAfterRestoring(t *testing.T) {
	o, e, code := v.deployctl("verify")
	if code != 0 {
		t.Fatalf("verify after restoring: exit %d\n%s\n%s", code, o, tail(e))
	}
}

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (v *verifyE2E) updateService(t *testing.T, in ecs.UpdateServiceInput) {
	t.Helper()
	in.Cluster, in.Service = &v.cluster, &v.service
	_, err := v.ecs.UpdateService(t.Context(), &in)
	check(t, err)
}

// registerTaskDefinition registers a copy of the service's task definition with ctr
// and execRole, and points the service at it.
func (v *verifyE2E) registerTaskDefinition(t *testing.T, ctr ecstypes.ContainerDefinition, execRole *string) {
	td := v.td
	out, err := v.ecs.RegisterTaskDefinition(t.Context(), &ecs.RegisterTaskDefinitionInput{
		Family: td.Family, ContainerDefinitions: []ecstypes.ContainerDefinition{ctr}, NetworkMode: td.NetworkMode,
		RequiresCompatibilities: td.RequiresCompatibilities, Cpu: td.Cpu, Memory: td.Memory,
		TaskRoleArn: td.TaskRoleArn, ExecutionRoleArn: execRole,
	})
	check(t, err)
	v.updateService(t, ecs.UpdateServiceInput{TaskDefinition: out.TaskDefinition.TaskDefinitionArn})
}

// registerPort registers a copy of the service's task definition whose container
// listens on port, and points the service at it.
func (v *verifyE2E) registerPort(t *testing.T, port int32) {
	ctr := v.td.ContainerDefinitions[0]
	ctr.PortMappings = []ecstypes.PortMapping{{ContainerPort: aws.Int32(port), HostPort: aws.Int32(port), Protocol: ecstypes.TransportProtocolTcp}}
	v.registerTaskDefinition(t, ctr, v.td.ExecutionRoleArn)
}

func (v *verifyE2E) restoreService(t *testing.T) {
	v.updateService(t, ecs.UpdateServiceInput{
		TaskDefinition:           v.svc.TaskDefinition,
		CapacityProviderStrategy: v.svc.CapacityProviderStrategy,
		NetworkConfiguration:     v.svc.NetworkConfiguration,
	})
}

func (v *verifyE2E) trust(t *testing.T, service string) string {
	doc := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":%q},"Action":"sts:AssumeRole"}]}`, service)
	_, err := v.iam.UpdateAssumeRolePolicy(t.Context(), &iam.UpdateAssumeRolePolicyInput{RoleName: &v.taskRole, PolicyDocument: &doc})
	check(t, err)
	return doc
}

func (v *verifyE2E) deleteLogGroup(t *testing.T) {
	_, err := v.logs.DeleteLogGroup(t.Context(), &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: &v.logGroup})
	check(t, err)
}

func (v *verifyE2E) createLogGroup(t *testing.T) {
	_, err := v.logs.CreateLogGroup(t.Context(), &cloudwatchlogs.CreateLogGroupInput{LogGroupName: &v.logGroup})
	check(t, err)
}

func (v *verifyE2E) accountAndStateCases() []verifyCase {
	return []verifyCase{
		{
			name: "wrong account",
			args: []string{"--account-id", "111122223333"},
			want: []string{"FAIL account: caller arn:aws:sts::123456789012:user/moto is in account 123456789012, environment local expects 111122223333: use credentials of account 111122223333 (AWS_PROFILE or the environment's role), or correct --account-id/PREDICTOR_ACCOUNT_ID"},
		},
		{
			name: "state bucket not versioned",
			break_: func(t *testing.T) {
				_, err := v.s3.PutBucketVersioning(t.Context(), &s3.PutBucketVersioningInput{Bucket: aws.String(bucket), VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusSuspended}})
				check(t, err)
			},
			restore: func(t *testing.T) { v.must("bootstrap") },
			want:    []string{"FAIL state-bucket: state bucket tfstate-verify is not versioned (Suspended), so a bad state write cannot be undone: run `deployctl bootstrap --env local` (it restores versioning and encryption)"},
		},
		{
			name: "state bucket not encrypted",
			break_: func(t *testing.T) {
				_, err := v.s3.DeleteBucketEncryption(t.Context(), &s3.DeleteBucketEncryptionInput{Bucket: aws.String(bucket)})
				check(t, err)
			},
			restore: func(t *testing.T) { v.must("bootstrap") },
			want:    []string{"FAIL state-bucket: state bucket tfstate-verify has no default encryption: run `deployctl bootstrap --env local` (it restores versioning and encryption)"},
		},
	}
}

func (v *verifyE2E) roleAndLogCases() []verifyCase {
	return []verifyCase{
		{
			name: "task role trusts another service",
			break_: func(t *testing.T) {
				v.trust(t, "ec2.amazonaws.com")
			},
			restore: func(t *testing.T) {
				_, err := v.iam.UpdateAssumeRolePolicy(t.Context(), &iam.UpdateAssumeRolePolicyInput{RoleName: &v.taskRole, PolicyDocument: &v.origTrust})
				check(t, err)
			},
			want: []string{"FAIL roles: task role " + v.taskRole + " does not trust ecs-tasks.amazonaws.com (tasks cannot assume it): " + applyFix() + " to restore its trust policy"},
		},
		{
			name: "execution role missing",
			break_: func(t *testing.T) {
				v.registerTaskDefinition(t, v.td.ContainerDefinitions[0], aws.String("arn:aws:iam::123456789012:role/gone-execution"))
			},
			restore: v.restoreService,
			want:    []string{"FAIL roles: execution role gone-execution does not exist: " + applyFix()},
		},
		{
			name:    "log group deleted",
			break_:  v.deleteLogGroup,
			restore: v.createLogGroup,
			want:    []string{"FAIL log-group: log group " + v.logGroup + " does not exist (tasks would fail to start): " + applyFix()},
		},
	}
}

func (v *verifyE2E) capacityCases() []verifyCase {
	cluster, service := v.cluster, v.service
	return []verifyCase{
		{
			name: "cluster without FARGATE_SPOT",
			break_: func(t *testing.T) {
				_, err := v.ecs.PutClusterCapacityProviders(t.Context(), &ecs.PutClusterCapacityProvidersInput{Cluster: &cluster, CapacityProviders: []string{"FARGATE"}, DefaultCapacityProviderStrategy: []ecstypes.CapacityProviderStrategyItem{{CapacityProvider: aws.String("FARGATE"), Weight: 1}}})
				check(t, err)
			},
			restore: func(t *testing.T) {
				_, err := v.ecs.PutClusterCapacityProviders(t.Context(), &ecs.PutClusterCapacityProvidersInput{Cluster: &cluster, CapacityProviders: []string{"FARGATE", "FARGATE_SPOT"}, DefaultCapacityProviderStrategy: []ecstypes.CapacityProviderStrategyItem{{CapacityProvider: aws.String("FARGATE_SPOT"), Weight: 1}}})
				check(t, err)
			},
			want: []string{"FAIL capacity: cluster " + cluster + " lacks capacity provider FARGATE_SPOT (it has [FARGATE]): " + applyFix()},
		},
		{
			name: "service keeps an on-demand base the environment does not configure",
			break_: func(t *testing.T) {
				v.updateService(t, ecs.UpdateServiceInput{CapacityProviderStrategy: []ecstypes.CapacityProviderStrategyItem{
					{CapacityProvider: aws.String("FARGATE"), Base: 1, Weight: 0},
					{CapacityProvider: aws.String("FARGATE_SPOT"), Base: 0, Weight: 1},
				}})
			},
			restore: v.restoreService,
			want:    []string{"FAIL capacity: service " + service + " keeps 1 on-demand FARGATE task(s) (base), environment local configures 0: " + applyFix()},
		},
		{
			name: "service off FARGATE_SPOT",
			break_: func(t *testing.T) {
				v.updateService(t, ecs.UpdateServiceInput{CapacityProviderStrategy: []ecstypes.CapacityProviderStrategyItem{{CapacityProvider: aws.String("FARGATE"), Base: 0, Weight: 1}}})
			},
			restore: v.restoreService,
			want:    []string{"FAIL capacity: service " + service + "'s strategy (FARGATE base 0 weight 1) does not use FARGATE_SPOT: " + applyFix()},
		},
	}
}

func (v *verifyE2E) networkCases() []verifyCase {
	service, apiID := v.service, v.out["api_gateway_id"]
	return []verifyCase{
		{
			name:    "subnet and security group deleted",
			break_:  v.moveToDeletedNetwork,
			restore: v.restoreService,
			want:    nil, // filled from doomed in runCase
		},
		{
			name:    "container port differs from the Cloud Map registration",
			break_:  func(t *testing.T) { v.registerPort(t, 9000) },
			restore: v.restoreService,
			want:    []string{"FAIL port: service " + service + " registers port 8000 in Cloud Map, container backend listens on 9000: " + applyFix() + ", or deploy a task definition whose container port matches"},
		},
		{
			name:    "API integration points elsewhere",
			break_:  func(t *testing.T) { v.integrate(t, aws.String("https://example.com")) },
			restore: func(t *testing.T) { v.integrate(t, &v.regARN) },
			want:    []string{"FAIL port: API " + apiID + " integrates https://example.com, not service " + service + "'s Cloud Map service " + v.regARN + ": " + applyFix()},
		},
	}
}

// moveToDeletedNetwork moves the service to a subnet and security group that are then
// deleted.
func (v *verifyE2E) moveToDeletedNetwork(t *testing.T) {
	ctx := t.Context()
	vpc := v.svc.NetworkConfiguration.AwsvpcConfiguration
	sn, err := v.ec2.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: vpc.Subnets[:1]})
	check(t, err)
	vpcID := sn.Subnets[0].VpcId
	newSubnet, err := v.ec2.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpcID, CidrBlock: aws.String("10.30.200.0/24")})
	check(t, err)
	newSG, err := v.ec2.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{VpcId: vpcID, GroupName: aws.String("verify-doomed"), Description: aws.String("deleted by the test")})
	check(t, err)
	v.updateService(t, ecs.UpdateServiceInput{NetworkConfiguration: &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{
		Subnets: []string{vpc.Subnets[0], aws.ToString(newSubnet.Subnet.SubnetId)}, SecurityGroups: []string{aws.ToString(newSG.GroupId)}, AssignPublicIp: vpc.AssignPublicIp,
	}}})
	_, err = v.ec2.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: newSubnet.Subnet.SubnetId})
	check(t, err)
	_, err = v.ec2.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: newSG.GroupId})
	check(t, err)
	v.doomed = []string{aws.ToString(newSubnet.Subnet.SubnetId), aws.ToString(newSG.GroupId)}
}

// integrate points the API's (first) integration at uri.
func (v *verifyE2E) integrate(t *testing.T, uri *string) {
	apiID := aws.String(v.out["api_gateway_id"])
	ints, err := v.api.GetIntegrations(t.Context(), &apigatewayv2.GetIntegrationsInput{ApiId: apiID})
	check(t, err)
	_, err = v.api.UpdateIntegration(t.Context(), &apigatewayv2.UpdateIntegrationInput{ApiId: apiID, IntegrationId: ints.Items[0].IntegrationId, IntegrationUri: uri})
	check(t, err)
}

func (v *verifyE2E) imageCases() []verifyCase {
	repoURL, digest, unknown := v.repoURL, v.digest, v.unknown
	return []verifyCase{
		{
			name: "image digest that exists",
			args: []string{"--image", repoURL + ":v1@" + digest},
		},
		{
			name: "unknown image digest",
			args: []string{"--image", repoURL + "@" + unknown},
			want: []string{"FAIL image: digest " + unknown + " is not in repository " + v.repo + ": publish the image first (`dagger call publish`), or pass a digest `deployctl rollout` deployed before"},
		},
		{
			name: "image from another repository",
			args: []string{"--image", "registry.example.com/other@" + digest},
			want: []string{"FAIL image: image registry.example.com/other is not in environment local's repository " + repoURL + ": publish the image to " + repoURL + " and pass that reference"},
		},
		{
			// All failures are listed, not only the first.
			name:    "two problems at once",
			args:    []string{"--account-id", "111122223333"},
			break_:  v.deleteLogGroup,
			restore: v.createLogGroup,
			want: []string{
				"FAIL account: caller arn:aws:sts::123456789012:user/moto is in account 123456789012, environment local expects 111122223333: use credentials of account 111122223333 (AWS_PROFILE or the environment's role), or correct --account-id/PREDICTOR_ACCOUNT_ID",
				"FAIL log-group: log group " + v.logGroup + " does not exist (tasks would fail to start): " + applyFix(),
			},
		},
	}
}
