package policy

import (
	"regexp"
	"slices"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"dagger/predictor/internal/plansum"
)

// githubOIDC is the ARN of GitHub Actions' OIDC provider in an account: the one
// federated principal a trust policy of this project may name.
var githubOIDC = regexp.MustCompile(`^arn:aws[a-z-]*:iam::(\d{12}):oidc-provider/token\.actions\.githubusercontent\.com$`)

// principalAccount matches the account of an IAM or STS principal ARN (root, user,
// role, assumed-role session).
var principalAccount = regexp.MustCompile(`^arn:aws[a-z-]*:(?:iam|sts)::([^:]*):`)

var accountID = regexp.MustCompile(`^\d{12}$`)

// ownAccounts are the accounts of the plan's data.aws_caller_identity (in any module):
// read during the plan into its prior state, or in its changes when deferred (a plan
// read from a state has them as resources).
func ownAccounts(p *plansum.Plan) []string {
	var out []string
	add := func(v any) {
		if s, _ := v.(string); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	for _, d := range p.Data("aws_caller_identity") {
		add(d.After["account_id"])
	}
	if p.Raw.PriorState != nil && p.Raw.PriorState.Values != nil {
		var walk func(m *tfjson.StateModule)
		walk = func(m *tfjson.StateModule) {
			for _, r := range m.Resources {
				if r.Mode == tfjson.DataResourceMode && r.Type == "aws_caller_identity" {
					add(r.AttributeValues["account_id"])
				}
			}
			for _, c := range m.ChildModules {
				walk(c)
			}
		}
		if p.Raw.PriorState.Values.RootModule != nil {
			walk(p.Raw.PriorState.Values.RootModule)
		}
	}
	slices.Sort(out)
	return out
}

// foreignPrincipals flags an Allow whose principals reach outside the plan's own
// accounts: an AWS principal of another account (or one whose account cannot be
// told), or a federated provider other than GitHub's OIDC provider in an own
// account. A trust policy is where this grants something; an identity policy has no
// principals.
func (c *checker) foreignPrincipals(r *plansum.Resource, g grant) {
	own := strings.Join(c.accounts, ", ")
	for _, id := range g.principals["AWS"] {
		acct := id
		if m := principalAccount.FindStringSubmatch(id); m != nil {
			acct = m[1]
		}
		switch {
		case id == "*":
			// iam-public-trust
		case !accountID.MatchString(acct):
			c.violate(iamForeignTrust, r, "%s allows principal %q, whose AWS account cannot be told", g.where, id)
		case len(c.accounts) == 0:
			// Without its own account the plan cannot show the trust stays inside it.
			c.violate(iamForeignTrust, r, "%s allows principal %q of AWS account %s (the plan reads no data.aws_caller_identity to compare it with)", g.where, id, acct)
		case !slices.Contains(c.accounts, acct):
			c.violate(iamForeignTrust, r, "%s allows principal %q of AWS account %s (the plan's account is %s)", g.where, id, acct, own)
		}
	}
	for _, id := range g.principals["Federated"] {
		m := githubOIDC.FindStringSubmatch(id)
		switch {
		case len(c.accounts) == 0:
			c.violate(iamForeignTrust, r, "%s allows federated provider %q (the plan reads no data.aws_caller_identity to tell its own GitHub OIDC provider)", g.where, id)
		case m == nil || !slices.Contains(c.accounts, m[1]):
			c.violate(iamForeignTrust, r, "%s allows federated provider %q (only the GitHub OIDC provider of account %s may be trusted)", g.where, id, own)
		}
	}
}

// passRole flags an Allow of iam:PassRole (by name or by a pattern, as AWS matches
// actions: case-insensitive, * and ?) on a resource pattern that covers every role:
// its holder may hand any role, an administrator's too, to a service it controls.
// Actions that allow everything are flagged as wildcard actions already.
func (c *checker) passRole(r *plansum.Resource, g grant) {
	for _, a := range g.actions {
		la := strings.ToLower(strings.TrimSpace(a))
		if adminActions[la] || !glob(la, "iam:passrole") {
			continue
		}
		for _, res := range g.resources {
			if everyRole(res) {
				c.violate(iamPassRoleAny, r, "%s allows %q on %q (every role, an administrator's too, can be passed to a service)", g.where, a, res)
				return
			}
		}
	}
}

// everyRole reports whether a Resource pattern matches a role no policy author would
// name: then it matches every role. The probe keeps the pattern's partition and
// account when they are literal, so that only the role part decides.
func everyRole(pattern string) bool {
	parts := strings.SplitN(pattern, ":", 6)
	partition, account := "aws", "000000000000"
	if len(parts) == 6 {
		if !strings.ContainsAny(parts[1], "*?") {
			partition = parts[1]
		}
		if accountID.MatchString(parts[4]) {
			account = parts[4]
		}
	}
	return glob(pattern, "arn:"+partition+":iam::"+account+":role/unnamed-path/zz-unlisted-role")
}

// glob matches s against an IAM pattern: * is any run of characters (across ':' and
// '/', as in ARN matching), ? any one character.
func glob(pattern, s string) bool {
	px, sx := 0, 0
	star, mark := -1, 0
	for sx < len(s) {
		switch {
		case px < len(pattern) && (pattern[px] == '?' || pattern[px] == s[sx]):
			px++
			sx++
		case px < len(pattern) && pattern[px] == '*':
			star, mark = px, sx
			px++
		case star >= 0:
			px = star + 1
			mark++
			sx = mark
		default:
			return false
		}
	}
	for px < len(pattern) && pattern[px] == '*' {
		px++
	}
	return px == len(pattern)
}
