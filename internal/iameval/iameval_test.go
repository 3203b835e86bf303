package iameval

import "testing"

func mustParse(t *testing.T, doc string) []Policy {
	t.Helper()
	p, err := Parse(doc)
	if err != nil {
		t.Fatal(err)
	}
	return []Policy{p}
}

// TestOperators checks each operator against the IAM User Guide's semantics, above all
// for a key missing from the request, where the policies' guarantees hinge.
func TestOperators(t *testing.T) {
	const res = "arn:aws:s3:::b/k"
	for name, c := range map[string]struct {
		cond string
		ctx  map[string][]string
		want Decision
	}{
		"StringEquals matches":                {`{"StringEquals":{"aws:ResourceTag/Environment":"dev"}}`, map[string][]string{"aws:ResourceTag/Environment": {"dev"}}, Allow},
		"StringEquals other value":            {`{"StringEquals":{"aws:ResourceTag/Environment":"dev"}}`, map[string][]string{"aws:ResourceTag/Environment": {"prod"}}, ImplicitDeny},
		"StringEquals missing key":            {`{"StringEquals":{"aws:ResourceTag/Environment":"dev"}}`, nil, ImplicitDeny},
		"StringEquals key case-insensitive":   {`{"StringEquals":{"AWS:resourcetag/Environment":"dev"}}`, map[string][]string{"aws:ResourceTag/Environment": {"dev"}}, Allow},
		"StringEquals list is OR":             {`{"StringEquals":{"ec2:CreateAction":["CreateVpc","CreateSubnet"]}}`, map[string][]string{"ec2:CreateAction": {"CreateSubnet"}}, Allow},
		"StringEqualsIfExists missing key":    {`{"StringEqualsIfExists":{"aws:ResourceTag/Environment":"dev"}}`, nil, Allow},
		"StringEqualsIfExists other value":    {`{"StringEqualsIfExists":{"aws:ResourceTag/Environment":"dev"}}`, map[string][]string{"aws:ResourceTag/Environment": {"prod"}}, ImplicitDeny},
		"StringNotEquals missing key":         {`{"StringNotEquals":{"s3:if-none-match":"*"}}`, nil, Allow},
		"StringNotEquals equal value":         {`{"StringNotEquals":{"s3:if-none-match":"*"}}`, map[string][]string{"s3:if-none-match": {"*"}}, ImplicitDeny},
		"StringLike wildcard":                 {`{"StringLike":{"k":"repo:o/r:*"}}`, map[string][]string{"k": {"repo:o/r:pull_request"}}, Allow},
		"StringLike no match":                 {`{"StringLike":{"k":"repo:o/r:*"}}`, map[string][]string{"k": {"repo:o/x:pull_request"}}, ImplicitDeny},
		"ArnLikeIfExists missing key":         {`{"ArnLikeIfExists":{"ecs:task-definition":"arn:aws:ecs:*:1:task-definition/dev:*"}}`, nil, Allow},
		"ArnLikeIfExists other family":        {`{"ArnLikeIfExists":{"ecs:task-definition":"arn:aws:ecs:*:1:task-definition/dev:*"}}`, map[string][]string{"ecs:task-definition": {"arn:aws:ecs:r:1:task-definition/prod:3"}}, ImplicitDeny},
		"Null true on missing key":            {`{"Null":{"aws:ResourceTag/Environment":"true"}}`, nil, Allow},
		"Null true on present key":            {`{"Null":{"aws:ResourceTag/Environment":"true"}}`, map[string][]string{"aws:ResourceTag/Environment": {"dev"}}, ImplicitDeny},
		"two operators are AND":               {`{"StringEquals":{"a":"1"},"Null":{"b":"true"}}`, map[string][]string{"a": {"1"}, "b": {"x"}}, ImplicitDeny},
		"ForAllValues missing key":            {`{"ForAllValues:StringEquals":{"aws:TagKeys":["Name"]}}`, nil, Allow},
		"ForAllValues one value outside":      {`{"ForAllValues:StringEquals":{"aws:TagKeys":["Name"]}}`, map[string][]string{"aws:TagKeys": {"Name", "Environment"}}, ImplicitDeny},
		"ForAnyValue one value inside":        {`{"ForAnyValue:StringEquals":{"aws:TagKeys":["Name"]}}`, map[string][]string{"aws:TagKeys": {"Name", "Environment"}}, Allow},
		"ForAnyValue missing key":             {`{"ForAnyValue:StringEquals":{"aws:TagKeys":["Name"]}}`, nil, ImplicitDeny},
		"Bool case-insensitive":               {`{"Bool":{"aws:SecureTransport":"false"}}`, map[string][]string{"aws:SecureTransport": {"FALSE"}}, Allow},
		"StringEqualsIgnoreCase other case":   {`{"StringEqualsIgnoreCase":{"k":"Dev"}}`, map[string][]string{"k": {"dEV"}}, Allow},
		"ArnNotLike value inside the pattern": {`{"ArnNotLike":{"k":"arn:aws:iam::1:role/*"}}`, map[string][]string{"k": {"arn:aws:iam::1:role/x"}}, ImplicitDeny},
	} {
		t.Run(name, func(t *testing.T) {
			doc := `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":` + c.cond + `}]}`
			if got, _ := Evaluate(mustParse(t, doc), Request{Action: "s3:GetObject", Resource: res, Context: c.ctx}); got != c.want {
				t.Errorf("got %s, want %s", got, c.want)
			}
		})
	}
}

// TestEvaluationLogic: a Deny anywhere wins; NotAction/NotResource; action case.
func TestEvaluationLogic(t *testing.T) {
	doc := `{"Statement":[
	  {"Sid":"A","Effect":"Allow","Action":"S3:Put*","Resource":["arn:aws:s3:::b/*"]},
	  {"Sid":"D","Effect":"Deny","Action":"s3:PutObject","NotResource":"arn:aws:s3:::b/plans/*"},
	  {"Sid":"N","Effect":"Allow","NotAction":"iam:*","Resource":"arn:aws:ecs:*"}]}`
	for name, c := range map[string]struct {
		r       Request
		want    Decision
		wantSid string
	}{
		"allowed under plans/":      {Request{Action: "s3:PutObject", Resource: "arn:aws:s3:::b/plans/x"}, Allow, "A"},
		"denied outside plans/":     {Request{Action: "s3:putobject", Resource: "arn:aws:s3:::b/state"}, ExplicitDeny, "D"},
		"resource case-sensitive":   {Request{Action: "s3:PutObjectAcl", Resource: "arn:aws:s3:::B/plans/x"}, ImplicitDeny, ""},
		"NotAction excludes iam":    {Request{Action: "iam:PassRole", Resource: "arn:aws:ecs:x"}, ImplicitDeny, ""},
		"NotAction allows the rest": {Request{Action: "ecs:UpdateService", Resource: "arn:aws:ecs:x"}, Allow, "N"},
		"star matches nothing":      {Request{Action: "s3:PutObject", Resource: "arn:aws:s3:::b/plans/"}, Allow, "A"},
	} {
		t.Run(name, func(t *testing.T) {
			got, sid := Evaluate(mustParse(t, doc), c.r)
			if got != c.want || sid != c.wantSid {
				t.Errorf("got %s (%q), want %s (%q)", got, sid, c.want, c.wantSid)
			}
		})
	}
	if !wildcard("a?c", "abc") || wildcard("a?c", "ac") {
		t.Error("? must match exactly one character")
	}
}

// TestParseScalars: condition values may be JSON booleans or numbers (AWS accepts
// them and compares their string forms).
func TestParseScalars(t *testing.T) {
	doc := `{"Statement":{"Effect":"Deny","Action":["s3:*"],"Resource":"*","Condition":{"Bool":{"aws:SecureTransport":false}}}}`
	got, _ := Evaluate(mustParse(t, doc), Request{Action: "s3:GetObject", Resource: "x", Context: map[string][]string{"aws:SecureTransport": {"false"}}})
	if got != ExplicitDeny {
		t.Errorf("got %s, want ExplicitDeny", got)
	}
}
