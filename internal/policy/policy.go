// Package policy checks a terraform plan's JSON against the rules that block an
// apply: no NAT gateway, S3 buckets with a public access block and encryption, no
// security group ingress from anywhere, no IAM escalation path (an allow of "*",
// "*:*" or "iam:*", an allow through NotAction or NotResource, an AWS managed admin
// policy attached, a trust policy open to any principal or to another account or
// identity provider, iam:PassRole on every role), ECR repositories with immutable
// tags and scan on push, and no container running as root or privileged.
// Each violation names the rule and the resource address.
package policy

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"dagger/predictor/internal/plansum"
)

// ErrViolations: the plan violates at least one rule.
var ErrViolations = errors.New("plan violates policy")

// Rule identifiers.
const (
	noNATGateway      = "no-nat-gateway"
	s3PublicAccess    = "s3-public-access-block"
	s3Encryption      = "s3-encryption"
	sgOpenIngress     = "sg-open-ingress"
	iamWildcardAction = "iam-wildcard-action"
	iamNotAction      = "iam-not-action"
	iamAdminPolicy    = "iam-admin-policy"
	iamPublicTrust    = "iam-public-trust"
	iamForeignTrust   = "iam-foreign-trust"
	iamPassRoleAny    = "iam-passrole-any"
	ecrImmutableTags  = "ecr-immutable-tags"
	ecrScanOnPush     = "ecr-scan-on-push"
	ecsNonRoot        = "ecs-non-root"
	ecsNotPrivileged  = "ecs-not-privileged"
)

// Finding is one rule result on one resource.
type Finding struct {
	Rule    string `json:"rule"`
	Address string `json:"address"`
	Why     string `json:"why"`
}

func (f Finding) String() string { return f.Rule + ": " + f.Address + ": " + f.Why }

// Report is the result of checking a plan.
type Report struct {
	Violations []Finding `json:"violations"`
	// Unchecked are resources a rule could not check because the value is unknown
	// until apply (for example a policy built from ARNs of resources being created);
	// the next plan checks them.
	Unchecked []Finding `json:"unchecked"`
	// NoChanges: the plan changes nothing, so nothing was checked (nothing will be
	// applied).
	NoChanges bool `json:"no_changes,omitempty"`
}

// NoChanges is the report on a plan without changes: nothing to apply, nothing to
// check.
func NoChanges() Report {
	return Report{Violations: []Finding{}, Unchecked: []Finding{}, NoChanges: true}
}

// Err returns ErrViolations (with the count) when there are violations.
func (r Report) Err() error {
	if len(r.Violations) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %d violation(s)", ErrViolations, len(r.Violations))
}

// Text renders the report, one finding per line.
func (r Report) Text() string {
	var b strings.Builder
	if r.NoChanges {
		return "Policy: no changes to check.\n"
	}
	if len(r.Violations) == 0 {
		b.WriteString("Policy: no violations.\n")
	} else {
		fmt.Fprintf(&b, "Policy: %d violation(s):\n", len(r.Violations))
		for _, f := range r.Violations {
			b.WriteString("  " + f.String() + "\n")
		}
	}
	for _, f := range r.Unchecked {
		b.WriteString("  not checked: " + f.String() + "\n")
	}
	return b.String()
}

// Markdown renders the report for a pull-request comment.
func (r Report) Markdown() string {
	var b strings.Builder
	if r.NoChanges {
		return "#### Policy: no changes to check\n"
	}
	if len(r.Violations) == 0 {
		b.WriteString("#### Policy: no violations\n")
	} else {
		fmt.Fprintf(&b, "#### :no_entry: Policy: %d violation(s)\n\n", len(r.Violations))
		for _, f := range r.Violations {
			fmt.Fprintf(&b, "- `%s` `%s`: %s\n", f.Rule, f.Address, f.Why)
		}
	}
	if len(r.Unchecked) > 0 {
		b.WriteString("\nNot checked (unknown until apply):\n")
		for _, f := range r.Unchecked {
			fmt.Fprintf(&b, "- `%s` `%s`: %s\n", f.Rule, f.Address, f.Why)
		}
	}
	// Read by scripts/plan-comment.js, the pull request's policy gate.
	fmt.Fprintf(&b, "<!-- predictor-policy violations=%d -->\n", len(r.Violations))
	return b.String()
}

type checker struct {
	p *plansum.Plan
	r *Report
	// accounts are the AWS accounts the plan runs in (its data.aws_caller_identity).
	accounts []string
}

func (c *checker) violate(rule string, r *plansum.Resource, format string, args ...any) {
	c.r.Violations = append(c.r.Violations, Finding{rule, r.Address, fmt.Sprintf(format, args...)})
}

func (c *checker) unchecked(rule string, r *plansum.Resource, attr string) {
	c.r.Unchecked = append(c.r.Unchecked, Finding{rule, r.Address, attr + " is unknown until apply"})
}

// Check runs every rule on the plan's resources as they will be after apply.
func Check(p *plansum.Plan) Report {
	r := &Report{Violations: []Finding{}, Unchecked: []Finding{}}
	c := &checker{p: p, r: r, accounts: ownAccounts(p)}
	for _, res := range p.Live() {
		switch res.Type {
		case "aws_nat_gateway":
			c.violate(noNATGateway, res, "NAT gateways are not allowed (tasks reach AWS through VPC endpoints)")
		case "aws_s3_bucket":
			c.bucket(res)
		case "aws_security_group", "aws_default_security_group":
			c.securityGroup(res)
		case "aws_vpc_security_group_ingress_rule":
			c.ingressRule(res)
		case "aws_security_group_rule":
			if res.String("type") == "ingress" {
				c.cidrLists(res, res.After)
			}
		case "aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy":
			c.iamDocument(res, "policy", res.After["policy"], res.Unknown("policy"))
		case "aws_iam_role":
			c.inlinePolicies(res)
			c.iamDocument(res, "assume_role_policy", res.After["assume_role_policy"], res.Unknown("assume_role_policy"))
			c.managedPolicies(res, "managed_policy_arns")
		case "aws_iam_role_policy_attachment", "aws_iam_user_policy_attachment", "aws_iam_group_policy_attachment", "aws_iam_policy_attachment":
			c.managedPolicies(res, "policy_arn")
		case "aws_iam_role_policy_attachments_exclusive", "aws_iam_user_policy_attachments_exclusive", "aws_iam_group_policy_attachments_exclusive":
			c.managedPolicies(res, "policy_arns")
		case "aws_ecr_repository":
			c.ecr(res)
		case "aws_ecs_task_definition":
			c.taskDefinition(res)
		}
	}
	for _, d := range p.Data("aws_iam_policy_document") {
		c.policyDocument(d)
	}
	sortFindings(r.Violations)
	sortFindings(r.Unchecked)
	return *r
}

func sortFindings(fs []Finding) {
	slices.SortFunc(fs, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Address, b.Address), cmp.Compare(a.Rule, b.Rule), cmp.Compare(a.Why, b.Why))
	})
}

// bucketSettings finds the resources of type typ that configure bucket b: by bucket
// name when both are known, else by configuration reference (matching instance keys
// when both resources use count or for_each).
func (c *checker) bucketSettings(b *plansum.Resource, typ string) []*plansum.Resource {
	name := b.String("bucket")
	var out []*plansum.Resource
	for _, s := range c.p.Live(typ) {
		if sb := s.String("bucket"); sb != "" && !s.Unknown("bucket") {
			if sb == name {
				out = append(out, s)
			}
			continue
		}
		if !slices.Contains(c.p.ResolveRefs(s.ModulePath(), s.Refs("bucket")), b.ConfigAddress()) {
			continue
		}
		if b.Index == nil || s.Index == nil || fmt.Sprint(b.Index) == fmt.Sprint(s.Index) {
			out = append(out, s)
		}
	}
	return out
}

func (c *checker) bucket(b *plansum.Resource) {
	pabs := c.bucketSettings(b, "aws_s3_bucket_public_access_block")
	if len(pabs) == 0 {
		c.violate(s3PublicAccess, b, "bucket has no aws_s3_bucket_public_access_block")
	}
	for _, pab := range pabs {
		var off []string
		for _, f := range []string{"block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"} {
			if !pab.Bool(f) {
				off = append(off, f)
			}
		}
		if len(off) > 0 {
			c.violate(s3PublicAccess, b, "public access block %s does not set %s", pab.Address, strings.Join(off, ", "))
		}
	}
	sse := c.bucketSettings(b, "aws_s3_bucket_server_side_encryption_configuration")
	inline := false
	for _, cfg := range plansum.Blocks(b.After["server_side_encryption_configuration"]) {
		if len(plansum.Blocks(cfg["rule"])) > 0 {
			inline = true
		}
	}
	if len(sse) == 0 && !inline {
		c.violate(s3Encryption, b, "bucket has no aws_s3_bucket_server_side_encryption_configuration")
	}
	for _, s := range sse {
		ok := false
		for _, rule := range plansum.Blocks(s.After["rule"]) {
			for _, d := range plansum.Blocks(rule["apply_server_side_encryption_by_default"]) {
				if alg, _ := d["sse_algorithm"].(string); alg != "" {
					ok = true
				}
			}
		}
		if !ok && !s.Unknown("rule") {
			c.violate(s3Encryption, b, "encryption configuration %s sets no sse_algorithm", s.Address)
		}
	}
}

var anywhere = map[string]bool{"0.0.0.0/0": true, "::/0": true}

func (c *checker) securityGroup(sg *plansum.Resource) {
	for _, in := range plansum.Blocks(sg.After["ingress"]) {
		c.cidrLists(sg, in)
	}
}

// cidrLists flags cidr_blocks / ipv6_cidr_blocks of an ingress block or rule.
func (c *checker) cidrLists(r *plansum.Resource, rule map[string]any) {
	for _, attr := range []string{"cidr_blocks", "ipv6_cidr_blocks"} {
		for _, cidr := range plansum.Strings(rule[attr]) {
			if anywhere[cidr] {
				c.violate(sgOpenIngress, r, "ingress %s from %s", portRange(rule), cidr)
			}
		}
	}
}

func (c *checker) ingressRule(r *plansum.Resource) {
	for _, attr := range []string{"cidr_ipv4", "cidr_ipv6"} {
		if cidr := r.String(attr); anywhere[cidr] {
			c.violate(sgOpenIngress, r, "ingress %s from %s", portRange(r.After), cidr)
		}
	}
}

func portRange(rule map[string]any) string {
	proto, _ := rule["protocol"].(string)
	if proto == "" {
		proto, _ = rule["ip_protocol"].(string)
	}
	from, okf := plansum.Number(rule["from_port"])
	to, okt := plansum.Number(rule["to_port"])
	switch {
	case proto == "-1" || proto == "all":
		return "on all ports"
	case okf && okt && from == to:
		return fmt.Sprintf("on %s port %g", proto, from)
	case okf && okt:
		return fmt.Sprintf("on %s ports %g-%g", proto, from, to)
	}
	return "on " + proto
}

func (c *checker) inlinePolicies(role *plansum.Resource) {
	unknown := role.AfterUnknown["inline_policy"]
	if whole, _ := unknown.(bool); whole {
		// Terraform marks inline_policy unknown when the role has none in its
		// configuration (it is read back from AWS); such a role has nothing to check
		// unless its configuration sets one.
		if c := role.Config(); c != nil && c.Expressions["inline_policy"] == nil {
			return
		}
		c.unchecked(iamWildcardAction, role, "inline_policy")
		return
	}
	// Set in the configuration, inline_policy's after_unknown is one object per
	// block, marking only the block's own unknown fields.
	perBlock, _ := unknown.([]any)
	for i, ip := range plansum.Blocks(role.After["inline_policy"]) {
		policyUnknown := false
		if i < len(perBlock) {
			m, _ := perBlock[i].(map[string]any)
			policyUnknown, _ = m["policy"].(bool)
		}
		c.iamDocument(role, "inline_policy", ip["policy"], policyUnknown)
	}
}

// iamDocument checks the Allow statements of a JSON policy document (identity,
// inline or trust policy): no wildcard admin action, no NotAction or NotResource,
// no principal "*". An unknown document is listed as unchecked.
func (c *checker) iamDocument(r *plansum.Resource, attr string, doc any, unknown bool) {
	s, _ := doc.(string)
	if unknown || (s == "" && doc == nil && r.Unknown(attr)) {
		rule := iamWildcardAction
		if attr == "assume_role_policy" {
			rule = iamPublicTrust
		}
		c.unchecked(rule, r, attr)
		return
	}
	if s == "" {
		return
	}
	var d struct {
		Statement json.RawMessage
	}
	if err := json.Unmarshal([]byte(s), &d); err != nil {
		c.violate(iamWildcardAction, r, "%s is not valid JSON: %v", attr, err)
		return
	}
	for i, st := range statements(d.Statement) {
		if !strings.EqualFold(st.Effect, "Allow") {
			continue
		}
		c.allow(r, grant{
			where: fmt.Sprintf("%s statement %d", attr, i), actions: oneOrMany(st.Action), resources: oneOrMany(st.Resource),
			principals: principalMap(st.Principal), notAction: st.NotAction != nil, notResource: st.NotResource != nil,
			notPrincipal: st.NotPrincipal != nil,
		})
	}
}

// adminActions are the actions whose allow grants everything, or IAM itself (and
// with it everything: a role that may write IAM policies may write "*" into one).
var adminActions = map[string]bool{"*": true, "*:*": true, "iam:*": true}

// grant is one Allow statement of a policy document; where names it in findings.
type grant struct {
	where                                string
	actions, resources                   []string
	principals                           map[string][]string
	notAction, notResource, notPrincipal bool
}

// allow flags one Allow statement: its actions, NotAction or NotResource, and its
// principals.
func (c *checker) allow(r *plansum.Resource, g grant) {
	for _, a := range g.actions {
		if adminActions[strings.ToLower(strings.TrimSpace(a))] {
			c.violate(iamWildcardAction, r, "%s allows action %q", g.where, a)
		}
	}
	// An allow with NotAction or NotResource grants everything not listed,
	// including actions and resources AWS adds later.
	if g.notAction {
		c.violate(iamNotAction, r, "%s allows with NotAction (every action not listed)", g.where)
	}
	if g.notResource {
		c.violate(iamNotAction, r, "%s allows with NotResource (every resource not listed)", g.where)
	}
	c.passRole(r, g)
	if slices.Contains(g.principals["AWS"], "*") {
		c.violate(iamPublicTrust, r, "%s allows principal \"*\" (any AWS account)", g.where)
	}
	if g.notPrincipal {
		c.violate(iamPublicTrust, r, "%s allows with NotPrincipal (every principal not listed)", g.where)
	}
	c.foreignPrincipals(r, g)
}

type statement struct {
	Sid          string
	Effect       string
	Action       json.RawMessage
	NotAction    json.RawMessage
	Resource     json.RawMessage
	NotResource  json.RawMessage
	Principal    json.RawMessage
	NotPrincipal json.RawMessage
}

func statements(raw json.RawMessage) []statement {
	var list []statement
	if json.Unmarshal(raw, &list) == nil {
		return list
	}
	var one statement
	if json.Unmarshal(raw, &one) == nil {
		return []statement{one}
	}
	return nil
}

func oneOrMany(raw json.RawMessage) []string {
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return list
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	return nil
}

// principalMap reads a Principal element: "*" (any principal, kept as AWS "*") or a
// map from type (AWS, Service, Federated, CanonicalUser) to one identifier or a list.
func principalMap(raw json.RawMessage) map[string][]string {
	if raw == nil {
		return nil
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return map[string][]string{"AWS": {one}}
	}
	var byType map[string]json.RawMessage
	if json.Unmarshal(raw, &byType) != nil {
		return nil
	}
	out := map[string][]string{}
	for typ, ids := range byType {
		out[typ] = oneOrMany(ids)
	}
	return out
}

// policyDocument checks an aws_iam_policy_document data source's statements.
func (c *checker) policyDocument(d *plansum.Resource) {
	if s := d.String("json"); s != "" {
		c.iamDocument(d, "json", s, false)
		return
	}
	for i, st := range plansum.Blocks(d.After["statement"]) {
		if effect, _ := st["effect"].(string); effect != "" && effect != "Allow" {
			continue
		}
		ps := map[string][]string{}
		for _, p := range plansum.Blocks(st["principals"]) {
			typ, _ := p["type"].(string)
			if typ == "*" {
				typ = "AWS"
				ps[typ] = append(ps[typ], "*")
			}
			ps[typ] = append(ps[typ], plansum.Strings(p["identifiers"])...)
		}
		c.allow(d, grant{
			where: fmt.Sprintf("statement %d", i), actions: plansum.Strings(st["actions"]), resources: plansum.Strings(st["resources"]),
			principals: ps, notAction: len(plansum.Strings(st["not_actions"])) > 0,
			notResource: len(plansum.Strings(st["not_resources"])) > 0, notPrincipal: len(plansum.Blocks(st["not_principals"])) > 0,
		})
	}
}

// adminPolicy matches the AWS managed policies that grant administrator or IAM
// write access (in any partition).
var adminPolicy = regexp.MustCompile(`^arn:aws[a-z-]*:iam::aws:policy/(?:.*/)?(AdministratorAccess|PowerUserAccess|IAMFullAccess)$`)

// managedPolicies flags attached AWS managed admin policies in attr (one ARN or a
// set). An unknown ARN belongs to a policy created in the same plan, which is
// checked as its own resource.
func (c *checker) managedPolicies(r *plansum.Resource, attr string) {
	arns := plansum.Strings(r.After[attr])
	if s, ok := r.After[attr].(string); ok {
		arns = []string{s}
	}
	for _, arn := range arns {
		if m := adminPolicy.FindStringSubmatch(arn); m != nil {
			c.violate(iamAdminPolicy, r, "%s attaches the AWS managed policy %s", attr, m[1])
		}
	}
}

func (c *checker) ecr(r *plansum.Resource) {
	if m := r.String("image_tag_mutability"); m != "IMMUTABLE" {
		if m == "" {
			m = "MUTABLE (default)"
		}
		c.violate(ecrImmutableTags, r, "image_tag_mutability is %s, want IMMUTABLE", m)
	}
	scan := false
	for _, sc := range plansum.Blocks(r.After["image_scanning_configuration"]) {
		scan, _ = sc["scan_on_push"].(bool)
	}
	if !scan {
		c.violate(ecrScanOnPush, r, "image_scanning_configuration.scan_on_push is not true")
	}
}

type container struct {
	Name       string `json:"name"`
	User       string `json:"user"`
	Privileged bool   `json:"privileged"`
}

func (c *checker) taskDefinition(r *plansum.Resource) {
	if r.Unknown("container_definitions") {
		c.unchecked(ecsNonRoot, r, "container_definitions")
		return
	}
	var cs []container
	if err := json.Unmarshal([]byte(r.String("container_definitions")), &cs); err != nil {
		c.violate(ecsNonRoot, r, "container_definitions is not valid JSON: %v", err)
		return
	}
	for _, ct := range cs {
		if root(ct.User) {
			user := ct.User
			if user == "" {
				user = "unset (image default, usually root)"
			}
			c.violate(ecsNonRoot, r, "container %q runs as root: user %s", ct.Name, user)
		}
		if ct.Privileged {
			c.violate(ecsNotPrivileged, r, "container %q is privileged", ct.Name)
		}
	}
}

// root reports whether an ECS container user runs as root: unset, "0", "root", or
// with group "0:..." / "root:...".
func root(user string) bool {
	u, _, _ := strings.Cut(strings.TrimSpace(user), ":")
	return u == "" || u == "0" || u == "root"
}
