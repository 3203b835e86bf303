// Package verify checks a deploy's prerequisites before anything changes (ecspresso's
// `verify`): the caller's account, the state bucket's versioning and encryption, the
// task and execution roles and their trust in ecs-tasks, the log group, the capacity
// providers and the on-demand base, the service's subnets and security groups, the
// container port against Cloud Map and the API integration, and an image digest in
// ECR. It only reads; every failed check becomes one line with its fix, and all checks
// run even after one fails, so one run lists everything to repair.
package verify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	sdtypes "github.com/aws/aws-sdk-go-v2/service/servicediscovery/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"dagger/predictor/internal/imageref"
)

// ecsTasksPrincipal is the service principal both task roles must trust.
const ecsTasksPrincipal = "ecs-tasks.amazonaws.com"

// Check names, the first word of each report line.
const (
	checkAccount        = "account"
	checkStateBucket    = "state-bucket"
	checkService        = "service"
	checkRoles          = "roles"
	checkLogGroup       = "log-group"
	checkCapacity       = "capacity"
	checkNetwork        = "network"
	checkPort           = "port"
	checkImage          = "image"
	CheckOutputs        = "outputs"
	checkNotApplicable  = "(not checked)"
	defaultRepoFixVerb  = "publish the image first (`dagger call publish`), or pass a digest `deployctl rollout` deployed before"
	permissionsFixTrail = "check the network and that the caller may read it"
)

// Target says what to check. Empty fields skip the checks that need them (the report
// says so), except the service, which every resource check starts from.
type Target struct {
	// Env names the environment in the fixes (deployctl ... --env Env).
	Env string
	// Account is the account ID the caller must be in; empty: not checked.
	Account string
	// StateBucket is the terraform state bucket.
	StateBucket string
	// Cluster, Service and Container name the ECS service and its backend container.
	Cluster, Service, Container string
	// FargateBase is the on-demand FARGATE base the environment configures; negative:
	// unknown, so only FARGATE_SPOT is checked.
	FargateBase int
	// APIID is the HTTP API whose integration must point at the service's Cloud Map service.
	APIID string
	// RepositoryURL is the environment's ECR repository (registry/name).
	RepositoryURL string
	// Image is a digest-pinned reference to deploy; empty: not checked.
	Image string
}

// Failure is one unmet prerequisite.
type Failure struct {
	Check, Problem, Fix string
}

// String is the report line: "check: problem: fix".
func (f Failure) String() string { return f.Check + ": " + f.Problem + ": " + f.Fix }

// Pass is one met prerequisite (or one skipped, with why in Detail).
type Pass struct {
	Check, Detail string
}

// Report is the outcome of all checks, in the order they ran.
type Report struct {
	Passed   []Pass
	Failures []Failure
}

// OK reports whether every check passed.
func (r *Report) OK() bool { return len(r.Failures) == 0 }

func (r *Report) pass(check, format string, args ...any) {
	r.Passed = append(r.Passed, Pass{Check: check, Detail: fmt.Sprintf(format, args...)})
}

// Fail records a failed check, with the problem and how to fix it; the checker and
// callers that find a failure outside it (missing outputs, for one) both use it.
func (r *Report) Fail(check, problem, fix string) {
	r.Failures = append(r.Failures, Failure{Check: check, Problem: problem, Fix: fix})
}

// Merge appends other's results to r.
func (r *Report) Merge(other Report) {
	r.Passed = append(r.Passed, other.Passed...)
	r.Failures = append(r.Failures, other.Failures...)
}

// Lines are the report as text: "ok   check: detail" and "FAIL check: problem: fix".
func (r *Report) Lines() []string {
	var out []string
	for _, p := range r.Passed {
		out = append(out, "ok   "+p.Check+": "+p.Detail)
	}
	for _, f := range r.Failures {
		out = append(out, "FAIL "+f.String())
	}
	return out
}

func applyFix(env string) string {
	return fmt.Sprintf("re-apply the infrastructure (`deployctl plan --env %s --out %s.tfplan`, then `deployctl apply --env %s --plan %s.tfplan`)", env, env, env, env)
}

func bootstrapFix(env string) string {
	return fmt.Sprintf("run `deployctl bootstrap --env %s` (it restores versioning and encryption)", env)
}

// code is the AWS error code of err, or "".
func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// Account checks that the caller is in the expected account.
func (c *Checker) Account(ctx context.Context, t Target) Report {
	var r Report
	out, err := c.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		r.Fail(checkAccount, fmt.Sprintf("cannot get the caller identity: %v", err), "check the credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID) and the endpoint")
		return r
	}
	got := aws.ToString(out.Account)
	switch {
	case t.Account == "":
		r.pass(checkAccount, "caller %s in account %s %s: pass --account-id or set PREDICTOR_ACCOUNT_ID to check it", aws.ToString(out.Arn), got, checkNotApplicable)
	case got != t.Account:
		r.Fail(checkAccount, fmt.Sprintf("caller %s is in account %s, environment %s expects %s", aws.ToString(out.Arn), got, t.Env, t.Account),
			fmt.Sprintf("use credentials of account %s (AWS_PROFILE or the environment's role), or correct --account-id/PREDICTOR_ACCOUNT_ID", t.Account))
	default:
		r.pass(checkAccount, "caller %s in account %s", aws.ToString(out.Arn), got)
	}
	return r
}

// StateBucket checks that the state bucket exists, is versioned and has default
// encryption. exists is false when the bucket is missing (outputs cannot be read).
func (c *Checker) StateBucket(ctx context.Context, t Target) (r Report, exists bool) {
	b := t.StateBucket
	if _, err := c.s3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(b)}); err != nil {
		var nf *s3types.NotFound
		if errors.As(err, &nf) || code(err) == "NotFound" || code(err) == "NoSuchBucket" {
			r.Fail(checkStateBucket, fmt.Sprintf("state bucket %s does not exist", b), fmt.Sprintf("run `deployctl bootstrap --env %s`, or pass the right --state-bucket", t.Env))
			return r, false
		}
		r.Fail(checkStateBucket, fmt.Sprintf("cannot read state bucket %s: %v", b, err), permissionsFixTrail)
		return r, false
	}
	v, err := c.s3.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(b)})
	switch {
	case err != nil:
		r.Fail(checkStateBucket, fmt.Sprintf("cannot read the versioning of state bucket %s: %v", b, err), permissionsFixTrail)
	case v.Status != s3types.BucketVersioningStatusEnabled:
		status := string(v.Status)
		if status == "" {
			status = "never enabled"
		}
		r.Fail(checkStateBucket, fmt.Sprintf("state bucket %s is not versioned (%s), so a bad state write cannot be undone", b, status), bootstrapFix(t.Env))
	default:
		r.pass(checkStateBucket, "%s versioned", b)
	}
	enc, err := c.s3.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(b)})
	switch {
	case code(err) == "ServerSideEncryptionConfigurationNotFoundError":
		r.Fail(checkStateBucket, fmt.Sprintf("state bucket %s has no default encryption", b), bootstrapFix(t.Env))
	case err != nil:
		r.Fail(checkStateBucket, fmt.Sprintf("cannot read the encryption of state bucket %s: %v", b, err), permissionsFixTrail)
	case enc.ServerSideEncryptionConfiguration == nil || len(enc.ServerSideEncryptionConfiguration.Rules) == 0:
		r.Fail(checkStateBucket, fmt.Sprintf("state bucket %s has no default encryption", b), bootstrapFix(t.Env))
	default:
		algo := enc.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault
		if algo != nil {
			r.pass(checkStateBucket, "%s encrypted (%s)", b, algo.SSEAlgorithm)
		} else {
			r.pass(checkStateBucket, "%s encrypted", b)
		}
	}
	return r, true
}

// Resources checks what the service needs: the service itself, its capacity
// providers, subnets and security groups, its task definition's roles and log group,
// the container port against Cloud Map and the API integration, and the image.
func (c *Checker) Resources(ctx context.Context, t Target) Report {
	var r Report
	svc, ok := c.service(ctx, t, &r)
	if ok {
		c.capacity(ctx, t, svc, &r)
		c.network(ctx, t, svc, &r)
		if td, ok := c.taskDefinition(ctx, t, svc, &r); ok {
			if ctr, ok := container(t, td, &r); ok {
				c.roles(ctx, t, td, &r)
				c.logGroup(ctx, t, ctr, &r)
				c.ports(ctx, t, svc, ctr, &r)
			}
		}
	}
	c.image(ctx, t, &r)
	return r
}

func (c *Checker) service(ctx context.Context, t Target, r *Report) (ecstypes.Service, bool) {
	out, err := c.ecs.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(t.Cluster), Services: []string{t.Service}})
	if code(err) == "ClusterNotFoundException" {
		r.Fail(checkService, fmt.Sprintf("cluster %s does not exist", t.Cluster), applyFix(t.Env))
		return ecstypes.Service{}, false
	}
	if err != nil {
		r.Fail(checkService, fmt.Sprintf("cannot describe service %s in cluster %s: %v", t.Service, t.Cluster, err), permissionsFixTrail)
		return ecstypes.Service{}, false
	}
	for _, s := range out.Services {
		if aws.ToString(s.ServiceName) == t.Service && aws.ToString(s.Status) != "INACTIVE" {
			r.pass(checkService, "%s in cluster %s", t.Service, t.Cluster)
			return s, true
		}
	}
	r.Fail(checkService, fmt.Sprintf("service %s does not exist in cluster %s", t.Service, t.Cluster), applyFix(t.Env))
	return ecstypes.Service{}, false
}

// capacity checks the cluster offers FARGATE_SPOT (and FARGATE when a base is
// configured) and the service's strategy keeps the configured on-demand base.
func (c *Checker) capacity(ctx context.Context, t Target, svc ecstypes.Service, r *Report) {
	out, err := c.ecs.DescribeClusters(ctx, &ecs.DescribeClustersInput{Clusters: []string{t.Cluster}})
	switch {
	case err != nil:
		r.Fail(checkCapacity, fmt.Sprintf("cannot describe cluster %s: %v", t.Cluster, err), permissionsFixTrail)
	case len(out.Clusters) == 0:
		r.Fail(checkCapacity, fmt.Sprintf("cluster %s does not exist", t.Cluster), applyFix(t.Env))
	default:
		providers := out.Clusters[0].CapacityProviders
		want := []string{"FARGATE_SPOT"}
		if t.FargateBase > 0 {
			want = append(want, "FARGATE")
		}
		var missing []string
		for _, p := range want {
			if !slices.Contains(providers, p) {
				missing = append(missing, p)
			}
		}
		if len(missing) > 0 {
			r.Fail(checkCapacity, fmt.Sprintf("cluster %s lacks capacity provider %s (it has [%s])", t.Cluster, strings.Join(missing, ", "), strings.Join(providers, " ")), applyFix(t.Env))
		} else {
			r.pass(checkCapacity, "cluster %s offers %s", t.Cluster, strings.Join(providers, ", "))
		}
	}

	strategy := svc.CapacityProviderStrategy
	if len(strategy) == 0 {
		r.Fail(checkCapacity, fmt.Sprintf("service %s has no capacity provider strategy (launch type %q), so it never runs on FARGATE_SPOT", t.Service, svc.LaunchType), applyFix(t.Env))
		return
	}
	spot, base := false, 0
	var parts []string
	for _, s := range strategy {
		name := aws.ToString(s.CapacityProvider)
		parts = append(parts, fmt.Sprintf("%s base %d weight %d", name, s.Base, s.Weight))
		switch name {
		case "FARGATE_SPOT":
			spot = true
		case "FARGATE":
			base = int(s.Base)
		}
	}
	desc := strings.Join(parts, ", ")
	switch {
	case !spot:
		r.Fail(checkCapacity, fmt.Sprintf("service %s's strategy (%s) does not use FARGATE_SPOT", t.Service, desc), applyFix(t.Env))
	case t.FargateBase >= 0 && base != t.FargateBase:
		r.Fail(checkCapacity, fmt.Sprintf("service %s keeps %d on-demand FARGATE task(s) (base), environment %s configures %d", t.Service, base, t.Env, t.FargateBase), applyFix(t.Env))
	default:
		r.pass(checkCapacity, "service %s: %s", t.Service, desc)
	}
}

// network checks each subnet and security group of the service exists; one call per
// ID, because a batch call fails as a whole on the first unknown ID.
func (c *Checker) network(ctx context.Context, t Target, svc ecstypes.Service, r *Report) {
	if svc.NetworkConfiguration == nil || svc.NetworkConfiguration.AwsvpcConfiguration == nil || len(svc.NetworkConfiguration.AwsvpcConfiguration.Subnets) == 0 {
		r.Fail(checkNetwork, fmt.Sprintf("service %s has no awsvpc subnets", t.Service), applyFix(t.Env))
		return
	}
	vpc := svc.NetworkConfiguration.AwsvpcConfiguration
	bad := false
	for _, id := range vpc.Subnets {
		_, err := c.ec2.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{id}})
		if err != nil {
			bad = true
			if strings.HasSuffix(code(err), ".NotFound") {
				r.Fail(checkNetwork, fmt.Sprintf("subnet %s of service %s does not exist", id, t.Service), applyFix(t.Env))
			} else {
				r.Fail(checkNetwork, fmt.Sprintf("cannot describe subnet %s: %v", id, err), permissionsFixTrail)
			}
		}
	}
	for _, id := range vpc.SecurityGroups {
		_, err := c.ec2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{id}})
		if err != nil {
			bad = true
			if strings.HasSuffix(code(err), ".NotFound") {
				r.Fail(checkNetwork, fmt.Sprintf("security group %s of service %s does not exist", id, t.Service), applyFix(t.Env))
			} else {
				r.Fail(checkNetwork, fmt.Sprintf("cannot describe security group %s: %v", id, err), permissionsFixTrail)
			}
		}
	}
	if len(vpc.SecurityGroups) == 0 {
		bad = true
		r.Fail(checkNetwork, fmt.Sprintf("service %s has no security group", t.Service), applyFix(t.Env))
	}
	if !bad {
		r.pass(checkNetwork, "subnets %s, security groups %s", strings.Join(vpc.Subnets, " "), strings.Join(vpc.SecurityGroups, " "))
	}
}

func (c *Checker) taskDefinition(ctx context.Context, t Target, svc ecstypes.Service, r *Report) (*ecstypes.TaskDefinition, bool) {
	arn := aws.ToString(svc.TaskDefinition)
	out, err := c.ecs.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(arn)})
	if err != nil || out.TaskDefinition == nil {
		r.Fail(checkService, fmt.Sprintf("cannot describe task definition %s of service %s: %v", arn, t.Service, err), applyFix(t.Env))
		return nil, false
	}
	return out.TaskDefinition, true
}

// container picks the backend container (the only one when t.Container is empty).
func container(t Target, td *ecstypes.TaskDefinition, r *Report) (ecstypes.ContainerDefinition, bool) {
	var names []string
	for _, c := range td.ContainerDefinitions {
		names = append(names, aws.ToString(c.Name))
		if aws.ToString(c.Name) == t.Container || (t.Container == "" && len(td.ContainerDefinitions) == 1) {
			return c, true
		}
	}
	r.Fail(checkService, fmt.Sprintf("task definition %s has no container %q (it has %s)", aws.ToString(td.TaskDefinitionArn), t.Container, strings.Join(names, ", ")), applyFix(t.Env))
	return ecstypes.ContainerDefinition{}, false
}

// roles checks both roles of the task definition a release copies.
func (c *Checker) roles(ctx context.Context, t Target, td *ecstypes.TaskDefinition, r *Report) {
	var ok []string
	for _, role := range []struct{ kind, arn string }{
		{"task role", aws.ToString(td.TaskRoleArn)},
		{"execution role", aws.ToString(td.ExecutionRoleArn)},
	} {
		if role.arn == "" {
			r.Fail(checkRoles, fmt.Sprintf("task definition %s has no %s", aws.ToString(td.TaskDefinitionArn), role.kind), applyFix(t.Env))
			continue
		}
		name := role.arn[strings.LastIndex(role.arn, "/")+1:]
		out, err := c.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
		if code(err) == "NoSuchEntity" {
			r.Fail(checkRoles, fmt.Sprintf("%s %s does not exist", role.kind, name), applyFix(t.Env))
			continue
		}
		if err != nil {
			r.Fail(checkRoles, fmt.Sprintf("cannot read %s %s: %v", role.kind, name, err), permissionsFixTrail)
			continue
		}
		trusts, err := trustsService(aws.ToString(out.Role.AssumeRolePolicyDocument), ecsTasksPrincipal)
		if err != nil {
			r.Fail(checkRoles, fmt.Sprintf("%s %s has an unreadable trust policy: %v", role.kind, name, err), applyFix(t.Env))
			continue
		}
		if !trusts {
			r.Fail(checkRoles, fmt.Sprintf("%s %s does not trust %s (tasks cannot assume it)", role.kind, name, ecsTasksPrincipal), applyFix(t.Env)+" to restore its trust policy")
			continue
		}
		ok = append(ok, name)
	}
	if len(ok) == 2 {
		r.pass(checkRoles, "%s trust %s", strings.Join(ok, " and "), ecsTasksPrincipal)
	}
}

// trustsService reports whether the trust policy doc (JSON, or URL-encoded JSON as
// IAM returns it) allows sts:AssumeRole to the service principal.
func trustsService(doc, service string) (bool, error) {
	if strings.HasPrefix(doc, "%") {
		d, err := url.QueryUnescape(doc)
		if err != nil {
			return false, fmt.Errorf("decode trust policy: %w", err)
		}
		doc = d
	}
	var p struct {
		Statement json.RawMessage
	}
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		return false, fmt.Errorf("parse trust policy: %w", err)
	}
	var stmts []struct {
		Effect    string
		Action    stringList
		Principal struct{ Service stringList }
	}
	if err := json.Unmarshal(p.Statement, &stmts); err != nil {
		var one struct {
			Effect    string
			Action    stringList
			Principal struct{ Service stringList }
		}
		if err := json.Unmarshal(p.Statement, &one); err != nil {
			return false, fmt.Errorf("parse trust policy statements: %w", err)
		}
		stmts = append(stmts, one)
	}
	for _, s := range stmts {
		if s.Effect == "Allow" && (slices.Contains(s.Action, "sts:AssumeRole") || slices.Contains(s.Action, "sts:*")) && slices.Contains(s.Principal.Service, service) {
			return true, nil
		}
	}
	return false, nil
}

// stringList is an IAM policy element that is a string or a list of strings.
type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*l = []string{s}
		return nil
	}
	var ss []string
	if err := json.Unmarshal(b, &ss); err != nil {
		return err
	}
	*l = ss
	return nil
}

// logGroup checks the awslogs group of the container exists: without it, tasks fail
// to start.
func (c *Checker) logGroup(ctx context.Context, t Target, ctr ecstypes.ContainerDefinition, r *Report) {
	if ctr.LogConfiguration == nil || ctr.LogConfiguration.LogDriver != ecstypes.LogDriverAwslogs {
		r.Fail(checkLogGroup, fmt.Sprintf("container %s does not log to CloudWatch (awslogs)", aws.ToString(ctr.Name)), applyFix(t.Env))
		return
	}
	name := ctr.LogConfiguration.Options["awslogs-group"]
	out, err := c.logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(name)})
	if err != nil {
		r.Fail(checkLogGroup, fmt.Sprintf("cannot describe log group %s: %v", name, err), permissionsFixTrail)
		return
	}
	for _, g := range out.LogGroups {
		if aws.ToString(g.LogGroupName) == name {
			r.pass(checkLogGroup, "%s", name)
			return
		}
	}
	r.Fail(checkLogGroup, fmt.Sprintf("log group %s does not exist (tasks would fail to start)", name), applyFix(t.Env))
}

// ports checks the service registers the container's port in Cloud Map, the Cloud Map
// service publishes SRV records (the port the API's VPC Link integration connects
// to), and the API's integration points at that Cloud Map service.
func (c *Checker) ports(ctx context.Context, t Target, svc ecstypes.Service, ctr ecstypes.ContainerDefinition, r *Report) {
	var ports []int32
	for _, m := range ctr.PortMappings {
		ports = append(ports, aws.ToInt32(m.ContainerPort))
	}
	if len(svc.ServiceRegistries) == 0 {
		r.Fail(checkPort, fmt.Sprintf("service %s registers no tasks in Cloud Map, so the API cannot reach them", t.Service), applyFix(t.Env))
		return
	}
	reg := svc.ServiceRegistries[0]
	regARN := aws.ToString(reg.RegistryArn)
	port := aws.ToInt32(reg.ContainerPort)
	bad := false
	if name := aws.ToString(reg.ContainerName); name != aws.ToString(ctr.Name) {
		bad = true
		r.Fail(checkPort, fmt.Sprintf("service %s registers container %q in Cloud Map, the task's container is %q", t.Service, name, aws.ToString(ctr.Name)), applyFix(t.Env))
	} else if !slices.Contains(ports, port) {
		bad = true
		r.Fail(checkPort, fmt.Sprintf("service %s registers port %d in Cloud Map, container %s listens on %s", t.Service, port, aws.ToString(ctr.Name), joinPorts(ports)), applyFix(t.Env)+", or deploy a task definition whose container port matches")
	}
	id := regARN[strings.LastIndex(regARN, "/")+1:]
	out, err := c.cloudMap.GetService(ctx, &servicediscovery.GetServiceInput{Id: aws.String(id)})
	switch {
	case code(err) == "ServiceNotFound":
		bad = true
		r.Fail(checkPort, fmt.Sprintf("Cloud Map service %s of service %s does not exist", regARN, t.Service), applyFix(t.Env))
	case err != nil:
		bad = true
		r.Fail(checkPort, fmt.Sprintf("cannot read Cloud Map service %s: %v", regARN, err), permissionsFixTrail)
	case !hasSRV(out.Service):
		bad = true
		r.Fail(checkPort, fmt.Sprintf("Cloud Map service %s publishes no SRV record, so the API integration cannot learn port %d", regARN, port), applyFix(t.Env))
	}
	if t.APIID == "" {
		r.pass(checkPort, "API integration %s: no API ID in the outputs", checkNotApplicable)
	} else if !c.apiIntegrates(ctx, t, regARN, r) {
		bad = true
	}
	if !bad {
		r.pass(checkPort, "container %s port %d registered in Cloud Map (SRV) and integrated by API %s", aws.ToString(ctr.Name), port, t.APIID)
	}
}

// apiIntegrates checks that API t.APIID integrates the Cloud Map service regARN; a
// failure goes to r.
func (c *Checker) apiIntegrates(ctx context.Context, t Target, regARN string, r *Report) bool {
	ints, err := c.api.GetIntegrations(ctx, &apigatewayv2.GetIntegrationsInput{ApiId: aws.String(t.APIID)})
	switch {
	case code(err) == "NotFoundException":
		r.Fail(checkPort, fmt.Sprintf("API %s does not exist", t.APIID), applyFix(t.Env))
		return false
	case err != nil:
		r.Fail(checkPort, fmt.Sprintf("cannot read the integrations of API %s: %v", t.APIID, err), permissionsFixTrail)
		return false
	}
	var uris []string
	for _, i := range ints.Items {
		uris = append(uris, aws.ToString(i.IntegrationUri))
	}
	if !slices.Contains(uris, regARN) {
		r.Fail(checkPort, fmt.Sprintf("API %s integrates %s, not service %s's Cloud Map service %s", t.APIID, orNone(uris), t.Service, regARN), applyFix(t.Env))
		return false
	}
	return true
}

func hasSRV(s *sdtypes.Service) bool {
	if s == nil || s.DnsConfig == nil {
		return false
	}
	for _, rec := range s.DnsConfig.DnsRecords {
		if rec.Type == sdtypes.RecordTypeSrv {
			return true
		}
	}
	return false
}

func joinPorts(ports []int32) string {
	if len(ports) == 0 {
		return "no port"
	}
	s := make([]string, len(ports))
	for i, p := range ports {
		s[i] = strconv.Itoa(int(p))
	}
	return strings.Join(s, ", ")
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "nothing"
	}
	return strings.Join(s, ", ")
}

// image checks the digest exists in the environment's repository.
func (c *Checker) image(ctx context.Context, t Target, r *Report) {
	if t.Image == "" {
		r.pass(checkImage, "%s: pass --image REF@sha256:... to check a digest", checkNotApplicable)
		return
	}
	ref, err := imageref.Parse(t.Image)
	if err != nil {
		r.Fail(checkImage, err.Error(), "pass REF@sha256:<64 hex>, as `publish` prints")
		return
	}
	if t.RepositoryURL != "" && ref.Name() != t.RepositoryURL {
		r.Fail(checkImage, fmt.Sprintf("image %s is not in environment %s's repository %s", ref.Name(), t.Env, t.RepositoryURL), "publish the image to "+t.RepositoryURL+" and pass that reference")
		return
	}
	_, err = c.ecr.DescribeImages(ctx, &ecr.DescribeImagesInput{
		RepositoryName: aws.String(ref.Repository),
		ImageIds:       []ecrtypes.ImageIdentifier{{ImageDigest: aws.String(ref.Digest)}},
	})
	switch code(err) {
	case "":
		r.pass(checkImage, "%s in %s", ref.Digest, ref.Repository)
	case "ImageNotFoundException":
		r.Fail(checkImage, fmt.Sprintf("digest %s is not in repository %s", ref.Digest, ref.Repository), defaultRepoFixVerb)
	case "RepositoryNotFoundException":
		r.Fail(checkImage, fmt.Sprintf("repository %s does not exist", ref.Repository), applyFix(t.Env))
	default:
		r.Fail(checkImage, fmt.Sprintf("cannot describe image %s: %v", ref.Pinned(), err), permissionsFixTrail)
	}
}
