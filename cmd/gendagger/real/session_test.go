package main

import (
	"strings"
	"testing"

	"dagger.io/dagger"
	"github.com/google/go-cmp/cmp"

	"dagger/predictor/internal/daggerapi"
)

// TestSessionRecordsRegistration registers a module through the real Dagger Go SDK,
// as the codegen's generated typedef code does (typedefs passed by ID, each resolved
// by a query of its own), against the recording session, and reads it back.
func TestSessionRecordsRegistration(t *testing.T) {
	s, env, stop, err := startSession()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	dag, err := dagger.Connect(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	str := func() *dagger.TypeDef { return dag.TypeDef().WithKind(dagger.TypeDefKindStringKind) }
	fn := dag.Function("Greet", str()).
		WithDescription("Greet someone.").
		WithArg("who", str().WithOptional(true), dagger.FunctionWithArgOpts{Description: "Who.", DefaultValue: dagger.JSON(`"world"`)}).
		WithArg("src", dag.TypeDef().WithObject("Directory"), dagger.FunctionWithArgOpts{DefaultPath: "/", Ignore: []string{".git"}}).
		WithCachePolicy(dagger.FunctionCachePolicyNever)
	obj := dag.TypeDef().WithObject("Greeter", dagger.TypeDefWithObjectOpts{Description: "Greets."}).
		WithField("Names", dag.TypeDef().WithListOf(str())).
		WithFunction(fn)
	if _, err := dag.Module().WithDescription("A module.").WithObject(obj).ID(t.Context()); err != nil {
		t.Fatal(err)
	}
	chain, err := s.lastChain()
	if err != nil {
		t.Fatal(err)
	}
	got, err := moduleOf("greeter", chain)
	if err != nil {
		t.Fatal(err)
	}
	strT := daggerapi.Type{Kind: "STRING_KIND"}
	want := daggerapi.Module{Name: "greeter", Description: "A module.", Objects: []daggerapi.Object{{
		Name: "Greeter", Description: "Greets.",
		Fields: []daggerapi.Field{{Name: "Names", Type: daggerapi.Type{Kind: "LIST_KIND", Elem: &strT}}},
		Functions: []daggerapi.Function{{
			Name: "Greet", Description: "Greet someone.", ReturnType: strT, CachePolicy: "Never",
			Args: []daggerapi.Arg{
				{Name: "who", Description: "Who.", Type: daggerapi.Type{Kind: "STRING_KIND", Optional: true}, DefaultValue: `"world"`},
				{Name: "src", Type: daggerapi.Type{Kind: "OBJECT_KIND", Name: "Directory"}, DefaultPath: "/", Ignore: []string{".git"}},
			},
		}},
	}}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("recorded module (-want +got):\n%s", d)
	}
}

// TestUnknownCallIsAnError: a call the interpreter does not know fails the capture
// instead of vanishing from the goldens.
func TestUnknownCallIsAnError(t *testing.T) {
	chain := []call{{Field: "module"}, {Field: "withToolchain", Args: map[string]any{}}}
	if _, err := moduleOf("m", chain); err == nil || !strings.Contains(err.Error(), "unknown call withToolchain") {
		t.Fatalf("moduleOf = %v, want an unknown-call error", err)
	}
}
