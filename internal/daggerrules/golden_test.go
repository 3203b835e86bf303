package daggerrules

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"dagger/predictor/internal/daggerapi"
)

// A captured module in the shape the real codegen's typedefs are recorded in, with
// the defects the engine refuses: a field ID, a dependency's object as a result, a
// default path on a string, a time to live under a second.
const capturedBad = `{
  "name": "predictor",
  "objects": [
    {"name": "Predictor",
     "functions": [
       {"name": "Plan", "returnType": {"kind": "OBJECT_KIND", "name": "Plan"}, "cachePolicy": "Never",
        "args": [{"name": "env", "type": {"kind": "STRING_KIND"}, "defaultPath": "/"}]},
       {"name": "Other", "returnType": {"kind": "OBJECT_KIND", "name": "DepObj"}},
       {"name": "Fast", "returnType": {"kind": "STRING_KIND"}, "cachePolicy": "Default", "timeToLive": "10ms"}
     ],
     "constructor": {"name": "New", "returnType": {"kind": "OBJECT_KIND", "name": "Predictor"},
       "args": [{"name": "source", "type": {"kind": "OBJECT_KIND", "name": "Directory", "optional": true}, "defaultPath": "/", "ignore": [".git"]}]}},
    {"name": "Plan",
     "fields": [{"name": "ID", "type": {"kind": "STRING_KIND"}}, {"name": "Summary", "type": {"kind": "STRING_KIND"}}]}
  ]
}`

func TestFromGolden(t *testing.T) {
	td := fromGolden(decodeGolden(t, []byte(capturedBad)), map[string]string{"DepObj": "dep"})
	err := validate(td)
	if err == nil {
		t.Fatal("validate passes typedefs the engine refuses")
	}
	for _, want := range []string{
		`cannot define field with reserved name "id" on object "Plan"`,
		`object "Predictor" function "Other" cannot return external type from dependency module "dep"`,
		"can only set default path for Object, not STRING_KIND",
		`time to live duration must be at least "1s", got "10ms"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("validate: %v\nwant it to contain %q", err, want)
		}
	}
	names := []string{}
	for _, o := range td.Objects {
		names = append(names, o.SchemaName)
	}
	if d := cmp.Diff([]string{"Predictor", "PredictorPlan"}, names); d != "" {
		t.Error(d)
	}
}

// TestFromGoldenAgreesWithCodegen: the repository's root module, rendered in the
// goldens' JSON from the ported codegen, reads back to the same typedefs.
func TestFromGoldenAgreesWithCodegen(t *testing.T) {
	m, err := LoadGoModule("../..")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := Codegen(m)
	b, err := json.Marshal(toGolden(want))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, fromGolden(decodeGolden(t, b), nil)); d != "" {
		t.Error(d)
	}
}

func decodeGolden(t *testing.T, b []byte) daggerapi.Module {
	t.Helper()
	var m daggerapi.Module
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("decode typedefs: %v", err)
	}
	return m
}
