package policy

import (
	"encoding/json"
	"errors"
	"fmt"
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
	s3PublicAccess:   "s3-bucket/passing.json",
	s3Encryption:     "s3-bucket/passing.json",
	ecrImmutableTags: "ecr-repository/passing.json",
	ecrScanOnPush:    "ecr-repository/passing.json",
}

// ruleViolations are the findings of each rule's violating fixture
// (testdata/<rule>/violating.json).
var ruleViolations = map[string][]string{
	noNATGateway: {
		"no-nat-gateway: aws_nat_gateway.this: NAT gateways are not allowed (tasks reach AWS through VPC endpoints)",
	},
	s3PublicAccess: {
		"s3-public-access-block: aws_s3_bucket.logs: public access block aws_s3_bucket_public_access_block.logs does not set block_public_policy",
		`s3-public-access-block: module.s3.aws_s3_bucket.this["data"]: bucket has no aws_s3_bucket_public_access_block`,
	},
	s3Encryption: {
		`s3-encryption: module.s3.aws_s3_bucket.this["data"]: bucket has no aws_s3_bucket_server_side_encryption_configuration`,
	},
	sgOpenIngress: {
		"sg-open-ingress: aws_security_group.web: ingress on tcp port 443 from 0.0.0.0/0",
		"sg-open-ingress: aws_security_group.web: ingress on tcp port 443 from ::/0",
		"sg-open-ingress: aws_security_group_rule.all: ingress on tcp ports 0-65535 from 0.0.0.0/0",
		"sg-open-ingress: aws_security_group_rule.v6: ingress on tcp port 8000 from ::/0",
		"sg-open-ingress: aws_vpc_security_group_ingress_rule.ssh: ingress on tcp port 22 from 0.0.0.0/0",
		"sg-open-ingress: aws_vpc_security_group_ingress_rule.v6: ingress on all ports from ::/0",
	},
	iamWildcardAction: {
		`iam-wildcard-action: aws_iam_policy.admin: policy statement 0 allows action "*"`,
		`iam-wildcard-action: aws_iam_role.this["task"]: inline_policy statement 0 allows action "*"`,
		`iam-wildcard-action: aws_iam_role_policy.deploy: policy statement 0 allows action "iam:*"`,
		`iam-wildcard-action: aws_iam_role_policy.deploy: policy statement 1 allows action "*:*"`,
		`iam-wildcard-action: aws_iam_role_policy.task: policy statement 1 allows action "*"`,
		`iam-wildcard-action: data.aws_iam_policy_document.doc: statement 0 allows action "*"`,
		`iam-wildcard-action: data.aws_iam_policy_document.iam: statement 0 allows action "IAM:*"`,
	},
	iamNotAction: {
		"iam-not-action: aws_iam_policy.poweruser: policy statement 0 allows with NotAction (every action not listed)",
		"iam-not-action: aws_iam_role_policy.task: policy statement 0 allows with NotResource (every resource not listed)",
		"iam-not-action: data.aws_iam_policy_document.doc: statement 0 allows with NotAction (every action not listed)",
	},
	iamAdminPolicy: {
		"iam-admin-policy: aws_iam_group_policy_attachment.iam: policy_arn attaches the AWS managed policy IAMFullAccess",
		"iam-admin-policy: aws_iam_policy_attachment.shared: policy_arn attaches the AWS managed policy AdministratorAccess",
		"iam-admin-policy: aws_iam_role.task: managed_policy_arns attaches the AWS managed policy AdministratorAccess",
		"iam-admin-policy: aws_iam_role_policy_attachment.admin: policy_arn attaches the AWS managed policy AdministratorAccess",
		"iam-admin-policy: aws_iam_role_policy_attachments_exclusive.deploy: policy_arns attaches the AWS managed policy IAMFullAccess",
		"iam-admin-policy: aws_iam_user_policy_attachment.power: policy_arn attaches the AWS managed policy PowerUserAccess",
	},
	iamPublicTrust: {
		`iam-public-trust: aws_iam_role.aws_star: assume_role_policy statement 1 allows principal "*" (any AWS account)`,
		"iam-public-trust: aws_iam_role.not_principal: assume_role_policy statement 0 allows with NotPrincipal (every principal not listed)",
		`iam-public-trust: aws_iam_role.star: assume_role_policy statement 0 allows principal "*" (any AWS account)`,
		`iam-public-trust: data.aws_iam_policy_document.any: statement 0 allows principal "*" (any AWS account)`,
		`iam-public-trust: data.aws_iam_policy_document.trust: statement 0 allows principal "*" (any AWS account)`,
	},
	// Made by terraform (TestGenerateFixtures) from testdata/iam-foreign-trust/*.tf.
	iamForeignTrust: {
		"iam-foreign-trust: aws_iam_role.bare_account_id: assume_role_policy statement 0 allows principal \"210987654321\" of AWS account 210987654321 (the plan's account is 123456789012)",
		`iam-foreign-trust: aws_iam_role.cognito: assume_role_policy statement 0 allows federated provider "cognito-identity.amazonaws.com" (only the GitHub OIDC provider of account 123456789012 may be trusted)`,
		`iam-foreign-trust: aws_iam_role.foreign_oidc: assume_role_policy statement 0 allows federated provider "arn:aws:iam::210987654321:oidc-provider/token.actions.githubusercontent.com" (only the GitHub OIDC provider of account 123456789012 may be trusted)`,
		"iam-foreign-trust: aws_iam_role.from_document: assume_role_policy statement 0 allows principal \"arn:aws:iam::210987654321:user/someone\" of AWS account 210987654321 (the plan's account is 123456789012)",
		"iam-foreign-trust: aws_iam_role.other_account_role: assume_role_policy statement 1 allows principal \"arn:aws:iam::210987654321:role/ci\" of AWS account 210987654321 (the plan's account is 123456789012)",
		"iam-foreign-trust: aws_iam_role.other_account_root: assume_role_policy statement 0 allows principal \"arn:aws:iam::210987654321:root\" of AWS account 210987654321 (the plan's account is 123456789012)",
		`iam-foreign-trust: aws_iam_role.saml: assume_role_policy statement 0 allows federated provider "arn:aws:iam::123456789012:saml-provider/corp" (only the GitHub OIDC provider of account 123456789012 may be trusted)`,
		`iam-foreign-trust: aws_iam_role.unique_id: assume_role_policy statement 0 allows principal "AROAEXAMPLEEXAMPLE123", whose AWS account cannot be told`,
	},
	// Made by terraform (TestGenerateFixtures) from testdata/iam-passrole-any/*.tf.
	iamPassRoleAny: {
		`iam-wildcard-action: aws_iam_group_policy.iam_star: policy statement 0 allows action "iam:*"`,
		`iam-wildcard-action: aws_iam_group_policy.iam_star: policy statement 1 allows action "*"`,
		`iam-passrole-any: aws_iam_policy.from_document: policy statement 0 allows "iam:PassRole" on "arn:aws:iam::123456789012:role*" (every role, an administrator's too, can be passed to a service)`,
		`iam-passrole-any: aws_iam_policy.star: policy statement 0 allows "iam:PassRole" on "*" (every role, an administrator's too, can be passed to a service)`,
		`iam-passrole-any: aws_iam_role.inline: inline_policy statement 0 allows "iam:PassRole" on "arn:aws:iam::123456789012:role/*" (every role, an administrator's too, can be passed to a service)`,
		`iam-passrole-any: aws_iam_role_policy.ecs_any_role: policy statement 1 allows "iam:PassRole" on "*" (every role, an administrator's too, can be passed to a service)`,
		`iam-passrole-any: aws_iam_user_policy.pattern: policy statement 0 allows "IAM:Pass*" on "arn:aws:iam::*:role/*" (every role, an administrator's too, can be passed to a service)`,
	},
	ecrImmutableTags: {
		"ecr-immutable-tags: aws_ecr_repository.this: image_tag_mutability is MUTABLE, want IMMUTABLE",
	},
	ecrScanOnPush: {
		"ecr-scan-on-push: aws_ecr_repository.noscan: image_scanning_configuration.scan_on_push is not true",
		"ecr-scan-on-push: aws_ecr_repository.this: image_scanning_configuration.scan_on_push is not true",
	},
	ecsNonRoot: {
		`ecs-non-root: aws_ecs_task_definition.unset: container "backend" runs as root: user unset (image default, usually root)`,
		`ecs-non-root: aws_ecs_task_definition.zero: container "backend" runs as root: user 0:0`,
		`ecs-non-root: aws_ecs_task_definition.zero: container "sidecar" runs as root: user root`,
	},
	ecsNotPrivileged: {
		`ecs-not-privileged: aws_ecs_task_definition.this: container "backend" is privileged`,
	},
}

// TestRules runs each rule's violating and passing fixture (testdata/<rule>/, or the
// shared passing one).
func TestRules(t *testing.T) {
	for rule, want := range ruleViolations {
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

// TestForeignTrustWithoutOwnAccount: a plan that does not read its own account
// (data.aws_caller_identity) cannot show that the accounts and the provider it trusts
// are its own, so each is a violation.
func TestForeignTrustWithoutOwnAccount(t *testing.T) {
	p := read(t, "iam-foreign-trust/passing.json")
	p.Raw.PriorState = nil
	want := []string{
		`iam-foreign-trust: aws_iam_role.github: assume_role_policy statement 0 allows federated provider "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" (the plan reads no data.aws_caller_identity to tell its own GitHub OIDC provider)`,
		`iam-foreign-trust: aws_iam_role.own_account: assume_role_policy statement 0 allows principal "arn:aws:iam::123456789012:root" of AWS account 123456789012 (the plan reads no data.aws_caller_identity to compare it with)`,
		`iam-foreign-trust: aws_iam_role.own_account: assume_role_policy statement 1 allows principal "123456789012" of AWS account 123456789012 (the plan reads no data.aws_caller_identity to compare it with)`,
		`iam-foreign-trust: aws_iam_role.own_account: assume_role_policy statement 1 allows principal "arn:aws:iam::123456789012:role/admin" of AWS account 123456789012 (the plan reads no data.aws_caller_identity to compare it with)`,
	}
	if diff := cmp.Diff(want, lines(Check(p).Violations)); diff != "" {
		t.Errorf("violations (-want +got):\n%s", diff)
	}
}

// TestEveryRole: which Resource patterns of an iam:PassRole allow cover every role.
func TestEveryRole(t *testing.T) {
	for pattern, want := range map[string]bool{
		"*":                                          true,
		"arn:*":                                      true,
		"arn:aws:iam::*:role/*":                      true,
		"arn:aws:iam::123456789012:*":                true,
		"arn:aws:iam::123456789012:role/*":           true,
		"arn:aws:iam::123456789012:role*":            true,
		"arn:aws-cn:iam::123456789012:role/?*":       true,
		"arn:*:iam::*:*":                             true,
		"arn:aws:iam::123456789012:role/predictor-*": false,
		"arn:aws:iam::123456789012:role/app/*-task":  false,
		"arn:aws:iam::123456789012:role/ci":          false,
		"arn:aws:iam::123456789012:user/*":           false,
		"arn:aws:s3:::*":                             false,
	} {
		if got := everyRole(pattern); got != want {
			t.Errorf("everyRole(%q) = %v, want %v", pattern, got, want)
		}
	}
}

// TestGlob: IAM wildcards, on lowercased action names.
func TestGlob(t *testing.T) {
	for _, c := range []struct {
		pattern string
		want    bool
	}{
		{"iam:passrole", true}, {"iam:pass*", true}, {"iam:passrol?", true}, {"*:passrole", true},
		{"iam:p*e", true}, {"iam:*role", true}, {"iam:passrole*", true},
		{"iam:get*", false}, {"iam:passrole?", false}, {"iam:pass", false}, {"s3:*", false}, {"", false},
	} {
		if got := glob(c.pattern, "iam:passrole"); got != c.want {
			t.Errorf("glob(%q, iam:passrole) = %v, want %v", c.pattern, got, c.want)
		}
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

// TestUnknownInlinePolicy: of a role's inline policies, the one whose document is
// unknown until apply is listed as unchecked and the known one is still checked.
func TestUnknownInlinePolicy(t *testing.T) {
	r := Check(read(t, "unknown-inline-policy/plan.json"))
	want := []string{`iam-wildcard-action: aws_iam_role.reader: inline_policy statement 0 allows action "*"`}
	if diff := cmp.Diff(want, lines(r.Violations)); diff != "" {
		t.Errorf("violations (-want +got):\n%s", diff)
	}
	want = []string{"iam-wildcard-action: aws_iam_role.reader: inline_policy is unknown until apply"}
	if diff := cmp.Diff(want, lines(r.Unchecked)); diff != "" {
		t.Errorf("unchecked (-want +got):\n%s", diff)
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
		Violations: []Finding{{noNATGateway, "aws_nat_gateway.this", "NAT gateways are not allowed"}},
		Unchecked:  []Finding{{ecsNonRoot, "aws_ecs_task_definition.this", "container_definitions is unknown until apply"}},
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

// TestInfraPlans checks plans of the project's own roots, made by terraform against
// the emulator: infra/ (kept in internal/cost/testdata) and infra/github-oidc (made
// by TestGenerateFixtures). None violates a rule; the values only known after apply
// are listed as unchecked.
func TestInfraPlans(t *testing.T) {
	infra := []string{
		"ecs-non-root: module.ecs.aws_ecs_task_definition.this: container_definitions is unknown until apply",
		"iam-wildcard-action: module.iam.aws_iam_role_policy.task: policy is unknown until apply",
	}
	// The trust policies name the OIDC provider created in the same plan.
	var oidcCreate []string
	for _, role := range []string{"deploy-dev", "deploy-prod", "plan", "readonly"} {
		oidcCreate = append(oidcCreate, fmt.Sprintf("iam-public-trust: aws_iam_role.this[%q]: assume_role_policy is unknown until apply", role))
	}
	tests := map[string][]string{
		"../../cost/testdata/dev-create.json":      infra,
		"../../cost/testdata/prod-create.json":     infra,
		"../../cost/testdata/local-private.json":   {},
		"../../cost/testdata/local-task-size.json": {},
		"github-oidc-create.json":                  oidcCreate,
		"github-oidc-existing-provider.json":       {},
	}
	for path, want := range tests {
		t.Run(filepath.Base(path), func(t *testing.T) {
			p := read(t, path)
			if len(p.Live("aws_iam_role")) == 0 {
				t.Fatal("the plan has no IAM role: not a plan of the project's roots")
			}
			r := Check(p)
			if diff := cmp.Diff([]string{}, lines(r.Violations)); diff != "" {
				t.Errorf("violations (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(want, lines(r.Unchecked)); diff != "" {
				t.Errorf("unchecked (-want +got):\n%s", diff)
			}
		})
	}
}

// TestOIDCPlanEditsAreCaught: the rules do read the real github-oidc plan's trust
// and PassRole statements: widening either in the plan JSON is a violation.
func TestOIDCPlanEditsAreCaught(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "github-oidc-existing-provider.json"))
	if err != nil {
		t.Fatal(err)
	}
	var foreign []string
	for _, role := range []string{"deploy-dev", "deploy-prod", "plan", "readonly"} {
		foreign = append(foreign, fmt.Sprintf(`iam-foreign-trust: aws_iam_role.this[%q]: assume_role_policy statement 0 allows federated provider "arn:aws:iam::210987654321:oidc-provider/token.actions.githubusercontent.com" (only the GitHub OIDC provider of account 123456789012 may be trusted)`, role))
	}
	tests := map[string]struct {
		old, new string
		want     []string
	}{
		"another account's provider": {"arn:aws:iam::123456789012:oidc-provider/", "arn:aws:iam::210987654321:oidc-provider/", foreign},
		"PassRole on every role": {
			"arn:aws:iam::123456789012:role/predictor-model-dev-ecs-execution", "arn:aws:iam::123456789012:role/*",
			[]string{`iam-passrole-any: aws_iam_policy.write["dev-iam"]: policy statement 5 allows "iam:PassRole" on "arn:aws:iam::123456789012:role/*" (every role, an administrator's too, can be passed to a service)`},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			edited := strings.ReplaceAll(string(data), tc.old, tc.new)
			if edited == string(data) {
				t.Fatalf("the plan does not contain %q", tc.old)
			}
			p, err := plansum.Read([]byte(edited))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, lines(Check(p).Violations)); diff != "" {
				t.Errorf("violations (-want +got):\n%s", diff)
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
