package policy

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"dagger/predictor/internal/plansum"
)

func read(t *testing.T, path string) *plansum.Plan {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", path))
	if err != nil {
		t.Fatal(err)
	}
	p, err := plansum.Read(data)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func lines(fs []Finding) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, f.String())
	}
	return out
}

// sharedPassing: rules checking the same resource type share one passing fixture
// (a resource that satisfies all of them).
var sharedPassing = map[string]string{
	S3PublicAccess:   "s3-bucket/passing.json",
	S3Encryption:     "s3-bucket/passing.json",
	ECRImmutableTags: "ecr-repository/passing.json",
	ECRScanOnPush:    "ecr-repository/passing.json",
}

// TestRules runs each rule's violating and passing fixture (testdata/<rule>/, or the
// shared passing one).
func TestRules(t *testing.T) {

	tests := map[string][]string{
		NoNATGateway: {
			"no-nat-gateway: aws_nat_gateway.this: NAT gateways are not allowed (tasks reach AWS through VPC endpoints)",
		},
		S3PublicAccess: {
			"s3-public-access-block: aws_s3_bucket.logs: public access block aws_s3_bucket_public_access_block.logs does not set block_public_policy",
			`s3-public-access-block: module.s3.aws_s3_bucket.this["data"]: bucket has no aws_s3_bucket_public_access_block`,
		},
		S3Encryption: {
			`s3-encryption: module.s3.aws_s3_bucket.this["data"]: bucket has no aws_s3_bucket_server_side_encryption_configuration`,
		},
		SGOpenIngress: {
			"sg-open-ingress: aws_security_group.web: ingress on tcp port 443 from 0.0.0.0/0",
			"sg-open-ingress: aws_security_group.web: ingress on tcp port 443 from ::/0",
			"sg-open-ingress: aws_security_group_rule.all: ingress on tcp ports 0-65535 from 0.0.0.0/0",
			"sg-open-ingress: aws_security_group_rule.v6: ingress on tcp port 8000 from ::/0",
			"sg-open-ingress: aws_vpc_security_group_ingress_rule.ssh: ingress on tcp port 22 from 0.0.0.0/0",
			"sg-open-ingress: aws_vpc_security_group_ingress_rule.v6: ingress on all ports from ::/0",
		},
		IAMWildcardAction: {
			`iam-wildcard-action: aws_iam_policy.admin: policy statement 0 allows action "*"`,
			`iam-wildcard-action: aws_iam_role.this["task"]: inline_policy statement 0 allows action "*"`,
			`iam-wildcard-action: aws_iam_role_policy.deploy: policy statement 0 allows action "iam:*"`,
			`iam-wildcard-action: aws_iam_role_policy.deploy: policy statement 1 allows action "*:*"`,
			`iam-wildcard-action: aws_iam_role_policy.task: policy statement 1 allows action "*"`,
			`iam-wildcard-action: data.aws_iam_policy_document.doc: statement 0 allows action "*"`,
			`iam-wildcard-action: data.aws_iam_policy_document.iam: statement 0 allows action "IAM:*"`,
		},
		IAMNotAction: {
			"iam-not-action: aws_iam_policy.poweruser: policy statement 0 allows with NotAction (every action not listed)",
			"iam-not-action: aws_iam_role_policy.task: policy statement 0 allows with NotResource (every resource not listed)",
			"iam-not-action: data.aws_iam_policy_document.doc: statement 0 allows with NotAction (every action not listed)",
		},
		IAMAdminPolicy: {
			"iam-admin-policy: aws_iam_group_policy_attachment.iam: policy_arn attaches the AWS managed policy IAMFullAccess",
			"iam-admin-policy: aws_iam_policy_attachment.shared: policy_arn attaches the AWS managed policy AdministratorAccess",
			"iam-admin-policy: aws_iam_role.task: managed_policy_arns attaches the AWS managed policy AdministratorAccess",
			"iam-admin-policy: aws_iam_role_policy_attachment.admin: policy_arn attaches the AWS managed policy AdministratorAccess",
			"iam-admin-policy: aws_iam_role_policy_attachments_exclusive.deploy: policy_arns attaches the AWS managed policy IAMFullAccess",
			"iam-admin-policy: aws_iam_user_policy_attachment.power: policy_arn attaches the AWS managed policy PowerUserAccess",
		},
		IAMPublicTrust: {
			`iam-public-trust: aws_iam_role.aws_star: assume_role_policy statement 1 allows principal "*" (any AWS account)`,
			"iam-public-trust: aws_iam_role.not_principal: assume_role_policy statement 0 allows with NotPrincipal (every principal not listed)",
			`iam-public-trust: aws_iam_role.star: assume_role_policy statement 0 allows principal "*" (any AWS account)`,
			`iam-public-trust: data.aws_iam_policy_document.any: statement 0 allows principal "*" (any AWS account)`,
			`iam-public-trust: data.aws_iam_policy_document.trust: statement 0 allows principal "*" (any AWS account)`,
		},
		ECRImmutableTags: {
			"ecr-immutable-tags: aws_ecr_repository.this: image_tag_mutability is MUTABLE, want IMMUTABLE",
		},
		ECRScanOnPush: {
			"ecr-scan-on-push: aws_ecr_repository.noscan: image_scanning_configuration.scan_on_push is not true",
			"ecr-scan-on-push: aws_ecr_repository.this: image_scanning_configuration.scan_on_push is not true",
		},
		ECSNonRoot: {
			`ecs-non-root: aws_ecs_task_definition.unset: container "backend" runs as root: user unset (image default, usually root)`,
			`ecs-non-root: aws_ecs_task_definition.zero: container "backend" runs as root: user 0:0`,
			`ecs-non-root: aws_ecs_task_definition.zero: container "sidecar" runs as root: user root`,
		},
		ECSNotPrivileged: {
			`ecs-not-privileged: aws_ecs_task_definition.this: container "backend" is privileged`,
		},
	}
	for rule, want := range tests {
		t.Run(rule+"/violating", func(t *testing.T) {
			r := Check(read(t, rule+"/violating.json"))
			if diff := cmp.Diff(want, lines(r.Violations)); diff != "" {
				t.Errorf("violations (-want +got):\n%s", diff)
			}
			if !errors.Is(r.Err(), ErrViolations) {
				t.Errorf("Err() = %v, want ErrViolations", r.Err())
			}
		})
		t.Run(rule+"/passing", func(t *testing.T) {
			passing := rule + "/passing.json"
			if shared, ok := sharedPassing[rule]; ok {
				passing = shared
			}
			r := Check(read(t, passing))
			if diff := cmp.Diff([]string{}, lines(r.Violations)); diff != "" {
				t.Errorf("violations (-want +got):\n%s", diff)
			}
			if r.Err() != nil {
				t.Errorf("Err() = %v", r.Err())
			}
		})
	}
}

func TestUnknownValuesAreReportedUnchecked(t *testing.T) {
	r := Check(read(t, "unknown.json"))
	want := []string{
		"ecs-non-root: aws_ecs_task_definition.this: container_definitions is unknown until apply",
		"iam-wildcard-action: aws_iam_role_policy.task: policy is unknown until apply",
	}
	if diff := cmp.Diff(want, lines(r.Unchecked)); diff != "" {
		t.Errorf("unchecked (-want +got):\n%s", diff)
	}
	if len(r.Violations) != 0 {
		t.Errorf("violations: %v", r.Violations)
	}
}

func TestRoot(t *testing.T) {
	for user, want := range map[string]bool{"": true, "0": true, "root": true, "0:0": true, "root:staff": true, "10001": false, "10001:0": false, "app": false, " 0 ": true} { //nolint:gocritic // " 0 " (padded) is a case under test
		if got := root(user); got != want {
			t.Errorf("root(%q) = %v, want %v", user, got, want)
		}
	}
}

func TestText(t *testing.T) {
	r := Report{
		Violations: []Finding{{NoNATGateway, "aws_nat_gateway.this", "NAT gateways are not allowed"}},
		Unchecked:  []Finding{{ECSNonRoot, "aws_ecs_task_definition.this", "container_definitions is unknown until apply"}},
	}
	want := "Policy: 1 violation(s):\n  no-nat-gateway: aws_nat_gateway.this: NAT gateways are not allowed\n" +
		"  not checked: ecs-non-root: aws_ecs_task_definition.this: container_definitions is unknown until apply\n"
	if diff := cmp.Diff(want, r.Text()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestNoChanges: a plan without changes applies nothing, so nothing is checked; the
// JSON keeps the violations and unchecked lists (empty).
func TestNoChanges(t *testing.T) {
	r := NoChanges()
	if r.Err() != nil {
		t.Errorf("Err() = %v", r.Err())
	}
	if diff := cmp.Diff("Policy: no changes to check.\n", r.Text()); diff != "" {
		t.Errorf("text (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff("#### Policy: no changes to check\n", r.Markdown()); diff != "" {
		t.Errorf("Markdown (-want +got):\n%s", diff)
	}
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(`{"violations":[],"unchecked":[],"no_changes":true}`, string(data)); diff != "" {
		t.Errorf("JSON (-want +got):\n%s", diff)
	}
}

// TestInfraPlans checks plans of the real infra/ root (made against the emulator and
// kept in internal/cost/testdata): no violations on a first plan; the values only
// known after apply are listed as unchecked.
func TestInfraPlans(t *testing.T) {
	for _, env := range []string{"dev", "prod"} {
		t.Run(env, func(t *testing.T) {
			r := Check(read(t, "../../cost/testdata/"+env+"-create.json"))
			if diff := cmp.Diff([]string{}, lines(r.Violations)); diff != "" {
				t.Errorf("violations (-want +got):\n%s", diff)
			}
			want := []string{
				"ecs-non-root: module.ecs.aws_ecs_task_definition.this: container_definitions is unknown until apply",
				"iam-wildcard-action: module.iam.aws_iam_role_policy.task: policy is unknown until apply",
			}
			if diff := cmp.Diff(want, lines(r.Unchecked)); diff != "" {
				t.Errorf("unchecked (-want +got):\n%s", diff)
			}
		})
	}
}

// TestMarkdownMarker: the pull-request comment script gates on this marker.
func TestMarkdownMarker(t *testing.T) {
	r := Report{Violations: []Finding{{Rule: "no-nat-gateway", Address: "aws_nat_gateway.this", Why: "no"}}}
	if !strings.HasSuffix(r.Markdown(), "<!-- predictor-policy violations=1 -->\n") {
		t.Errorf("Markdown lacks the violations marker:\n%s", r.Markdown())
	}
	if !strings.HasSuffix(Report{}.Markdown(), "<!-- predictor-policy violations=0 -->\n") {
		t.Errorf("clean Markdown lacks the marker:\n%s", Report{}.Markdown())
	}
}
