package daggerrules

import (
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"dagger/predictor/internal/daggerapi"
)

// TestPortAgreesWithRealCodegen compares the ported codegen with the real one: for
// each module, the typedefs Codegen derives from the Go source must be those the real
// codegen registered, and the engine's checks must pass over the real ones.
func TestPortAgreesWithRealCodegen(t *testing.T) {
	// The typedefs captured from Dagger's real codegen for this repository's modules
	// (internal/daggerapi's goldens, `make dagger-codegen`); tests depends on predictor.
	pred, err := daggerapi.TypeDefs("predictor")
	if err != nil {
		t.Fatal(err)
	}
	predTD := fromGolden(pred, nil)
	tests, err := daggerapi.TypeDefs("tests")
	if err != nil {
		t.Fatal(err)
	}
	testsTD := fromGolden(tests, predTD.clientNames())
	for dir, real := range map[string]TypeDefs{"../..": predTD, "../../tests": testsTD} {
		t.Run(dir, func(t *testing.T) {
			if err := validate(real); err != nil {
				t.Errorf("the engine would refuse the typedefs the real codegen registered:\n%v", err)
			}
			m, err := LoadGoModule(dir)
			if err != nil {
				t.Fatal(err)
			}
			ported, _ := Codegen(m)
			if d := cmp.Diff(sorted(real), sorted(ported)); d != "" {
				t.Errorf("ported codegen differs from the real one (-real +ported):\n%s", d)
			}
		})
	}
}

// sorted orders objects and functions by name: the comparison is about what is
// registered, not in which order.
func sorted(td TypeDefs) TypeDefs {
	objs := append([]ObjectDef(nil), td.Objects...)
	sort.Slice(objs, func(i, j int) bool { return objs[i].Name < objs[j].Name })
	for i := range objs {
		fns := append([]FunctionDef(nil), objs[i].Functions...)
		sort.Slice(fns, func(a, b int) bool { return fns[a].Name < fns[b].Name })
		objs[i].Functions = fns
	}
	td.Objects = objs
	return td
}
