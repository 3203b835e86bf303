// Package iameval decides whether a set of IAM identity policies allows one request,
// with the semantics AWS documents, for the requests the AWS emulator cannot judge
// (it evaluates few condition keys and checks most resources against "*" only).
// Tests feed it the policies as IAM stores them and the request AWS would send: the
// action, the resource ARN and the condition keys of the request context.
//
// What is modelled, from the IAM User Guide:
//   - "Policy evaluation logic": an explicit Deny in any statement wins; otherwise an
//     Allow that matches; otherwise an implicit deny.
//   - "IAM JSON policy elements: Action / NotAction, Resource / NotResource": values are
//     matched with the wildcards * (any run of characters) and ? (one character);
//     actions case-insensitively, resources case-sensitively.
//   - "IAM JSON policy elements: Condition operators": all operators of a statement,
//     and all keys under one operator, must hold (AND); the values listed for one key
//     are alternatives (OR). A key missing from the request makes a positive operator
//     false and a negated one (StringNot*, ArnNot*) true; "...IfExists" makes any
//     operator true on a missing key; Null is true when the key's absence equals the
//     value. ForAnyValue: some request value matches; ForAllValues: every request
//     value matches (true when the key is missing).
//
// Not modelled: resource-based policies, permissions boundaries, SCPs, session
// policies, policy variables, numeric and date operators (the roles use none).
package iameval

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Decision is the outcome of an evaluation.
type Decision string

// The three outcomes of IAM's evaluation logic.
const (
	Allow        Decision = "Allow"
	ExplicitDeny Decision = "ExplicitDeny"
	ImplicitDeny Decision = "ImplicitDeny"
)

// Request is what AWS authorizes: one action on one resource, with the request context.
// Context keys are matched case-insensitively, as IAM does.
type Request struct {
	Action   string
	Resource string
	Context  map[string][]string
}

// Policy is one policy document.
type Policy struct {
	Statement []Statement
}

// Statement is one policy statement; single values and lists both decode into lists.
type Statement struct {
	Sid         string
	Effect      string
	Action      values
	NotAction   values
	Resource    values
	NotResource values
	Condition   map[string]map[string]values
}

type values []string

func (v *values) UnmarshalJSON(b []byte) error {
	var raw any
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("decode policy value %s: %w", b, err)
	}
	many, ok := raw.([]any)
	if !ok {
		many = []any{raw}
	}
	for _, m := range many {
		*v = append(*v, fmt.Sprint(m))
	}
	return nil
}

// UnmarshalJSON accepts a Statement that is one object or a list.
func (p *Policy) UnmarshalJSON(b []byte) error {
	var raw struct{ Statement json.RawMessage }
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("decode policy: %w", err)
	}
	var one Statement
	if err := json.Unmarshal(raw.Statement, &p.Statement); err == nil {
		return nil
	}
	if err := json.Unmarshal(raw.Statement, &one); err != nil {
		return fmt.Errorf("decode policy statement: %w", err)
	}
	p.Statement = []Statement{one}
	return nil
}

// Parse decodes a policy document (JSON, or URL-decoded JSON as IAM returns it).
func Parse(doc string) (Policy, error) {
	var p Policy
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		return Policy{}, fmt.Errorf("parse policy: %w", err)
	}
	return p, nil
}

// Evaluate returns the decision of policies on r and the Sid of the deciding statement.
func Evaluate(policies []Policy, r Request) (Decision, string) {
	ctx := map[string][]string{}
	for k, v := range r.Context {
		ctx[strings.ToLower(k)] = v
	}
	allowed, sid := false, ""
	for _, p := range policies {
		for _, s := range p.Statement {
			if !s.applies(r, ctx) {
				continue
			}
			if s.Effect == "Deny" {
				return ExplicitDeny, s.Sid
			}
			if !allowed {
				allowed, sid = true, s.Sid
			}
		}
	}
	if allowed {
		return Allow, sid
	}
	return ImplicitDeny, ""
}

func (s Statement) applies(r Request, ctx map[string][]string) bool {
	if len(s.NotAction) > 0 {
		if matchAny(s.NotAction, r.Action, false) {
			return false
		}
	} else if !matchAny(s.Action, r.Action, false) {
		return false
	}
	if len(s.NotResource) > 0 {
		if matchAny(s.NotResource, r.Resource, true) {
			return false
		}
	} else if !matchAny(s.Resource, r.Resource, true) {
		return false
	}
	for op, keys := range s.Condition {
		for key, want := range keys {
			if !holds(op, want, ctx[strings.ToLower(key)], hasKey(ctx, key)) {
				return false
			}
		}
	}
	return true
}

func hasKey(ctx map[string][]string, key string) bool {
	_, ok := ctx[strings.ToLower(key)]
	return ok
}

// holds applies one condition operator to one key (the documented semantics above).
func holds(op string, want, got []string, present bool) bool {
	set, base, ok := strings.Cut(op, ":")
	if !ok {
		set, base = "", op
	}
	ifExists := strings.HasSuffix(base, "IfExists")
	base = strings.TrimSuffix(base, "IfExists")
	if base == "Null" {
		return (want[0] == "true") == !present
	}
	negated := strings.Contains(base, "Not")
	if !present {
		return ifExists || negated || set == "ForAllValues"
	}
	one := func(v string) bool {
		for _, w := range want {
			if compare(base, w, v) {
				return true
			}
		}
		return false
	}
	switch set {
	case "ForAllValues":
		for _, v := range got {
			if one(v) == negated {
				return false
			}
		}
		return true
	default: // single-valued keys and ForAnyValue: some request value matches
		for _, v := range got {
			if one(v) != negated {
				return true
			}
		}
		return false
	}
}

// compare is the positive form of an operator: the caller negates StringNot*/ArnNot*.
func compare(op, want, got string) bool {
	switch strings.Replace(op, "Not", "", 1) {
	case "StringEquals", "ArnEquals":
		return want == got
	case "StringEqualsIgnoreCase":
		return strings.EqualFold(want, got)
	case "StringLike", "ArnLike":
		return wildcard(want, got)
	case "Bool":
		return strings.EqualFold(want, got)
	}
	panic("iameval: operator not modelled: " + op)
}

func matchAny(patterns []string, v string, caseSensitive bool) bool {
	for _, p := range patterns {
		if !caseSensitive {
			p, v = strings.ToLower(p), strings.ToLower(v)
		}
		if wildcard(p, v) {
			return true
		}
	}
	return false
}

// wildcard matches s against p, where * is any run of characters and ? one character.
func wildcard(p, s string) bool {
	if p == "" {
		return s == ""
	}
	switch p[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if wildcard(p[1:], s[i:]) {
				return true
			}
		}
		return false
	case '?':
		return s != "" && wildcard(p[1:], s[1:])
	}
	return s != "" && s[0] == p[0] && wildcard(p[1:], s[1:])
}
