// Package policy checks a terraform plan's JSON against the rules that block an
// apply: no NAT gateway, S3 buckets with a public access block and encryption, no
// security group ingress from anywhere, no IAM policy allowing the "*" action, ECR
// repositories with immutable tags and scan on push, and no container running as root
// or privileged. Each violation names the rule and the resource address.
package policy

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"dagger/predictor/internal/plansum"
)

// ErrViolations: the plan violates at least one rule.
var ErrViolations = errors.New("plan violates policy")

// Rule identifiers.
const (
	NoNATGateway      = "no-nat-gateway"
	S3PublicAccess    = "s3-public-access-block"
	S3Encryption      = "s3-encryption"
	SGOpenIngress     = "sg-open-ingress"
	IAMWildcardAction = "iam-wildcard-action"
	ECRImmutableTags  = "ecr-immutable-tags"
	ECRScanOnPush     = "ecr-scan-on-push"
	ECSNonRoot        = "ecs-non-root"
	ECSNotPrivileged  = "ecs-not-privileged"
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
	c := &checker{p: p, r: r}
	for _, res := range p.Live() {
		switch res.Type {
		case "aws_nat_gateway":
			c.violate(NoNATGateway, res, "NAT gateways are not allowed (tasks reach AWS through VPC endpoints)")
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
		c.violate(S3PublicAccess, b, "bucket has no aws_s3_bucket_public_access_block")
	}
	for _, pab := range pabs {
		var off []string
		for _, f := range []string{"block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"} {
			if !pab.Bool(f) {
				off = append(off, f)
			}
		}
		if len(off) > 0 {
			c.violate(S3PublicAccess, b, "public access block %s does not set %s", pab.Address, strings.Join(off, ", "))
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
		c.violate(S3Encryption, b, "bucket has no aws_s3_bucket_server_side_encryption_configuration")
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
			c.violate(S3Encryption, b, "encryption configuration %s sets no sse_algorithm", s.Address)
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
				c.violate(SGOpenIngress, r, "ingress %s from %s", portRange(rule), cidr)
			}
		}
	}
}

func (c *checker) ingressRule(r *plansum.Resource) {
	for _, attr := range []string{"cidr_ipv4", "cidr_ipv6"} {
		if cidr := r.String(attr); anywhere[cidr] {
			c.violate(SGOpenIngress, r, "ingress %s from %s", portRange(r.After), cidr)
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
	if role.Unknown("inline_policy") {
		// Terraform marks inline_policy unknown when the role has none in its
		// configuration (it is read back from AWS); such a role has nothing to check
		// unless its configuration sets one.
		if c := role.Config(); c != nil && c.Expressions["inline_policy"] == nil {
			return
		}
		c.unchecked(IAMWildcardAction, role, "inline_policy")
		return
	}
	for _, ip := range plansum.Blocks(role.After["inline_policy"]) {
		c.iamDocument(role, "inline_policy", ip["policy"], false)
	}
}

// iamDocument flags Allow statements of a JSON policy document with the "*" action.
func (c *checker) iamDocument(r *plansum.Resource, attr string, doc any, unknown bool) {
	s, _ := doc.(string)
	if unknown || (s == "" && doc == nil && r.Unknown(attr)) {
		c.unchecked(IAMWildcardAction, r, attr)
		return
	}
	if s == "" {
		return
	}
	var d struct {
		Statement json.RawMessage
	}
	if err := json.Unmarshal([]byte(s), &d); err != nil {
		c.violate(IAMWildcardAction, r, "%s is not valid JSON: %v", attr, err)
		return
	}
	for i, st := range statements(d.Statement) {
		if !strings.EqualFold(st.Effect, "Allow") {
			continue
		}
		if slices.Contains(oneOrMany(st.Action), "*") {
			c.violate(IAMWildcardAction, r, "%s statement %d allows action \"*\"", attr, i)
		}
	}
}

type statement struct {
	Sid    string
	Effect string
	Action json.RawMessage
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
		if slices.Contains(plansum.Strings(st["actions"]), "*") {
			c.violate(IAMWildcardAction, d, "statement %d allows action \"*\"", i)
		}
	}
}

func (c *checker) ecr(r *plansum.Resource) {
	if m := r.String("image_tag_mutability"); m != "IMMUTABLE" {
		if m == "" {
			m = "MUTABLE (default)"
		}
		c.violate(ECRImmutableTags, r, "image_tag_mutability is %s, want IMMUTABLE", m)
	}
	scan := false
	for _, sc := range plansum.Blocks(r.After["image_scanning_configuration"]) {
		scan, _ = sc["scan_on_push"].(bool)
	}
	if !scan {
		c.violate(ECRScanOnPush, r, "image_scanning_configuration.scan_on_push is not true")
	}
}

type container struct {
	Name       string `json:"name"`
	User       string `json:"user"`
	Privileged bool   `json:"privileged"`
}

func (c *checker) taskDefinition(r *plansum.Resource) {
	if r.Unknown("container_definitions") {
		c.unchecked(ECSNonRoot, r, "container_definitions")
		return
	}
	var cs []container
	if err := json.Unmarshal([]byte(r.String("container_definitions")), &cs); err != nil {
		c.violate(ECSNonRoot, r, "container_definitions is not valid JSON: %v", err)
		return
	}
	for _, ct := range cs {
		if root(ct.User) {
			user := ct.User
			if user == "" {
				user = "unset (image default, usually root)"
			}
			c.violate(ECSNonRoot, r, "container %q runs as root: user %s", ct.Name, user)
		}
		if ct.Privileged {
			c.violate(ECSNotPrivileged, r, "container %q is privileged", ct.Name)
		}
	}
}

// root reports whether an ECS container user runs as root: unset, "0", "root", or
// with group "0:..." / "root:...".
func root(user string) bool {
	u, _, _ := strings.Cut(strings.TrimSpace(user), ":")
	return u == "" || u == "0" || u == "root"
}
