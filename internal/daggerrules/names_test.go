package daggerrules

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNames(t *testing.T) {
	got := map[string]string{
		"field ID":                 fieldName("ID"),
		"field AsJSON":             fieldName("AsJSON"),
		"field HasChanges":         fieldName("HasChanges"),
		"arg awsAccessKeyId":       ArgName("awsAccessKeyId"),
		"function PlanJSON":        functionName("PlanJSON"),
		"function loadFooFromID":   functionName("loadFooFromID"),
		"object Plan in predictor": namespacedObjectName("Plan", "predictor"),
		"main object":              namespacedObjectName("Predictor", "predictor"),
		// The boundary cases of core/gqlformat.go namespaceObject's comment.
		"Postman in post":       namespacedObjectName("Postman", "post"),
		"PostMan in post":       namespacedObjectName("PostMan", "post"),
		"cli maxMonthlyUsd":     CLIName("maxMonthlyUsd"),
		"cli reviewedChangeset": CLIName("reviewedChangeset"),
	}
	want := map[string]string{
		"field ID":                 "id",
		"field AsJSON":             "asJson",
		"field HasChanges":         "hasChanges",
		"arg awsAccessKeyId":       "awsAccessKeyId",
		"function PlanJSON":        "planJson",
		"function loadFooFromID":   "loadFooFromID",
		"object Plan in predictor": "PredictorPlan",
		"main object":              "Predictor",
		"Postman in post":          "PostPostman",
		"PostMan in post":          "PostMan",
		"cli maxMonthlyUsd":        "max-monthly-usd",
		"cli reviewedChangeset":    "reviewed-changeset",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Error(d)
	}
}

// Cases from cmd/codegen/generator/go/templates/modules_test.go TestParsePragmaComment.
func TestParsePragmas(t *testing.T) {
	cases := map[string]struct {
		comment string
		want    map[string]any
		rest    string
	}{
		"single key":                      {"+foo", map[string]any{"foo": nil}, ""},
		"single key with trailing crlf":   {"+foo\r\n", map[string]any{"foo": nil}, ""},
		"single key empty":                {"+foo=", map[string]any{"foo": nil}, ""},
		"single key-value":                {"+foo=bar", map[string]any{"foo": "bar"}, ""},
		"single json key-value":           {"+foo=\"bar\"", map[string]any{"foo": "bar"}, ""},
		"single json key-value multiline": {"+foo=[\n1,\n2,\n3]", map[string]any{"foo": []any{1.0, 2.0, 3.0}}, ""},
		"interpolated key-value":          {"line 1\n+foo=bar\nline 2\n+baz=qux\nline 3", map[string]any{"foo": "bar", "baz": "qux"}, "line 1\nline 2\nline 3"},
		"interpolated key-value with crlf": {"line 1\r\n+foo=\"bar\"\r\nline 2\r\n+baz=qux\r\nline 3",
			map[string]any{"foo": "bar", "baz": "qux"}, "line 1\r\nline 2\r\nline 3"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, rest := parsePragmas(tc.comment)
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Error(d)
			}
			if rest != tc.rest {
				t.Errorf("rest %q, want %q", rest, tc.rest)
			}
		})
	}
}
