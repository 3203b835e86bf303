package workflows

import (
	"encoding/xml"
	"net/url"
	"testing"

	"dagger/predictor/internal/iameval"
)

// authDetails are the identity policies of each role as IAM stores them
// (GetAccountAuthorizationDetails: attached managed policies' default versions and
// inline policies), keyed by role name.
type authDetails map[string][]iameval.Policy

func parseAuthDetails(t *testing.T, body string) authDetails {
	t.Helper()
	type doc struct {
		Document  string
		IsDefault bool `xml:"IsDefaultVersion"`
	}
	var out struct {
		Roles []struct {
			Name     string `xml:"RoleName"`
			Attached []struct {
				Arn string `xml:"PolicyArn"`
			} `xml:"AttachedManagedPolicies>member"`
			Inline []struct {
				Document string `xml:"PolicyDocument"`
			} `xml:"RolePolicyList>member"`
		} `xml:"GetAccountAuthorizationDetailsResult>RoleDetailList>member"`
		Policies []struct {
			Arn      string `xml:"Arn"`
			Versions []doc  `xml:"PolicyVersionList>member"`
		} `xml:"GetAccountAuthorizationDetailsResult>Policies>member"`
	}
	if err := xml.Unmarshal([]byte(body), &out); err != nil {
		t.Fatalf("parse account authorization details: %v", err)
	}
	parse := func(d string) iameval.Policy {
		if u, err := url.QueryUnescape(d); err == nil {
			d = u
		}
		p, err := iameval.Parse(d)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	managed := map[string]iameval.Policy{}
	for _, p := range out.Policies {
		for _, v := range p.Versions {
			if v.IsDefault {
				managed[p.Arn] = parse(v.Document)
			}
		}
	}
	details := authDetails{}
	for _, r := range out.Roles {
		for _, a := range r.Attached {
			if p, ok := managed[a.Arn]; ok {
				details[r.Name] = append(details[r.Name], p)
			}
		}
		for _, i := range r.Inline {
			details[r.Name] = append(details[r.Name], parse(i.Document))
		}
	}
	if len(details["predictor-github-deploy-prod"]) == 0 {
		t.Fatalf("no policies of deploy-prod in the authorization details")
	}
	return details
}

// policyCase is a request AWS would send (action, resource ARN, condition keys) and
// the decision the roles' stored policies must give it.
type policyCase struct {
	name, role string
	req        iameval.Request
	want       iameval.Decision
}

const (
	region = "us-east-1"
	acct   = motoAccount
)

func tag(env string) map[string][]string {
	return map[string][]string{"aws:ResourceTag/Environment": {env}}
}

// checkPolicies evaluates requests the emulator cannot judge (tag and service
// condition keys, resource scoping outside S3 and IAM) against the stored policies.
func checkPolicies(t *testing.T, details authDetails) {
	arn := func(service, res string) string { return "arn:aws:" + service + ":" + region + ":" + acct + ":" + res }
	untaggedSG := arn("ec2", "security-group/sg-0123")
	devRepo, prodRepo := arn("ecr", "repository/predictor-model-dev-backend"), arn("ecr", "repository/predictor-model-prod-backend")
	push := []string{"ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:BatchDeleteImage", "ecr:DeleteRepository"}
	pull := []string{"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability", "ecr:DescribeImages"}
	cases := []policyCase{
		{"deploy-dev tags an existing untagged security group as dev's", "deploy-dev", iameval.Request{Action: "ec2:CreateTags", Resource: untaggedSG, Context: map[string][]string{"aws:RequestTag/Environment": {"dev"}, "aws:RequestedRegion": {region}}}, iameval.ImplicitDeny},
		{"deploy-dev tags a VPC it creates", "deploy-dev", iameval.Request{Action: "ec2:CreateTags", Resource: arn("ec2", "vpc/vpc-1"), Context: map[string][]string{"aws:RequestTag/Environment": {"dev"}, "ec2:CreateAction": {"CreateVpc"}}}, iameval.Allow},
		{"deploy-dev changes a prod-tagged route table", "deploy-dev", iameval.Request{Action: "ec2:DeleteRoute", Resource: arn("ec2", "route-table/rtb-1"), Context: tag("prod")}, iameval.ImplicitDeny},
		{"deploy-dev tags an untagged API through /tags", "deploy-dev", iameval.Request{Action: "apigateway:POST", Resource: "arn:aws:apigateway:" + region + "::/tags/arn%3Aaws%3Aapigateway%3A%3A%2Fapis%2Fabc", Context: map[string][]string{"aws:RequestTag/Environment": {"dev"}}}, iameval.ImplicitDeny},
		{"deploy-dev creates its API", "deploy-dev", iameval.Request{Action: "apigateway:POST", Resource: "arn:aws:apigateway:" + region + "::/apis", Context: map[string][]string{"aws:RequestTag/Environment": {"dev"}}}, iameval.Allow},
		{"deploy-dev tags an untagged Cloud Map namespace", "deploy-dev", iameval.Request{Action: "servicediscovery:TagResource", Resource: arn("servicediscovery", "namespace/ns-1"), Context: map[string][]string{"aws:RequestTag/Environment": {"dev"}}}, iameval.ImplicitDeny},
		{"deploy-dev tags an untagged user pool", "deploy-dev", iameval.Request{Action: "cognito-idp:TagResource", Resource: arn("cognito-idp", "userpool/us-east-1_x"), Context: map[string][]string{"aws:RequestTag/Environment": {"dev"}}}, iameval.ImplicitDeny},
		{"deploy-prod updates prod's user pool", "deploy-prod", iameval.Request{Action: "cognito-idp:UpdateUserPool", Resource: arn("cognito-idp", "userpool/us-east-1_x"), Context: tag("prod")}, iameval.Allow},
		{"deploy-prod deletes prod's user pool", "deploy-prod", iameval.Request{Action: "cognito-idp:DeleteUserPool", Resource: arn("cognito-idp", "userpool/us-east-1_x"), Context: tag("prod")}, iameval.ExplicitDeny},
		{"deploy-dev points dev's service at a prod revision", "deploy-dev", iameval.Request{Action: "ecs:UpdateService", Resource: arn("ecs", "service/predictor-model-dev-cluster/predictor-model-dev-backend"), Context: map[string][]string{"ecs:task-definition": {arn("ecs", "task-definition/predictor-model-prod-backend:3")}}}, iameval.ImplicitDeny},
		{"deploy-dev releases a dev revision", "deploy-dev", iameval.Request{Action: "ecs:UpdateService", Resource: arn("ecs", "service/predictor-model-dev-cluster/predictor-model-dev-backend"), Context: map[string][]string{"ecs:task-definition": {arn("ecs", "task-definition/predictor-model-dev-backend:3")}}}, iameval.Allow},
		{"deploy-dev schedules deletion of prod's key", "deploy-dev", iameval.Request{Action: "kms:ScheduleKeyDeletion", Resource: arn("kms", "key/k1"), Context: tag("prod")}, iameval.ImplicitDeny},
		{"deploy-prod schedules deletion of prod's key", "deploy-prod", iameval.Request{Action: "kms:ScheduleKeyDeletion", Resource: arn("kms", "key/k1"), Context: tag("prod")}, iameval.ExplicitDeny},
		{"deploy-dev passes prod's task role", "deploy-dev", iameval.Request{Action: "iam:PassRole", Resource: prodTaskRole, Context: map[string][]string{"iam:PassedToService": {"ecs-tasks.amazonaws.com"}}}, iameval.ImplicitDeny},
		{"deploy-dev passes its task role to another service", "deploy-dev", iameval.Request{Action: "iam:PassRole", Resource: "arn:aws:iam::" + acct + ":role/predictor-model-dev-ecs-task", Context: map[string][]string{"iam:PassedToService": {"lambda.amazonaws.com"}}}, iameval.ImplicitDeny},
		{"readonly overwrites a saved plan", "readonly", iameval.Request{Action: "s3:PutObject", Resource: "arn:aws:s3:::" + stateBucket + "/plans/prod/x.tfplan"}, iameval.ExplicitDeny},
		{"readonly saves a new plan", "readonly", iameval.Request{Action: "s3:PutObject", Resource: "arn:aws:s3:::" + stateBucket + "/plans/prod/x.tfplan", Context: map[string][]string{"s3:if-none-match": {"*"}}}, iameval.Allow},
		{"deploy-prod bypasses governance retention", "deploy-prod", iameval.Request{Action: "s3:BypassGovernanceRetention", Resource: "arn:aws:s3:::" + prodData + "/k"}, iameval.ExplicitDeny},
	}
	for _, a := range pull {
		cases = append(cases,
			policyCase{"deploy-prod reads dev's repository: " + a, "deploy-prod", iameval.Request{Action: a, Resource: devRepo}, iameval.Allow},
			policyCase{"deploy-dev reads prod's repository: " + a, "deploy-dev", iameval.Request{Action: a, Resource: prodRepo}, iameval.ImplicitDeny})
	}
	for _, a := range push {
		for _, role := range []string{"deploy-dev", "readonly", "plan"} {
			cases = append(cases, policyCase{role + " writes prod's repository: " + a, role, iameval.Request{Action: a, Resource: prodRepo}, iameval.ImplicitDeny})
		}
		cases = append(cases, policyCase{"deploy-prod writes dev's repository: " + a, "deploy-prod", iameval.Request{Action: a, Resource: devRepo}, iameval.ImplicitDeny})
	}
	for _, c := range cases {
		// AWS adds aws:RequestedRegion to every request's context.
		c.req.Context = merge(map[string][]string{"aws:RequestedRegion": {region}}, c.req.Context)
		got, sid := iameval.Evaluate(details["predictor-github-"+c.role], c.req)
		if got != c.want {
			t.Errorf("%s: %s on %s: got %s (statement %q), want %s", c.name, c.req.Action, c.req.Resource, got, sid, c.want)
		}
	}
	t.Logf("%d requests evaluated against the stored policies", len(cases))
}

func merge(a, b map[string][]string) map[string][]string {
	out := map[string][]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}
