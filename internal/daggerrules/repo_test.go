package daggerrules

import (
	"testing"
)

// TestRepositoryModules runs every ported check over this repository's two modules:
// the root module and the tests/ module that depends on it. A failure here is a
// module the pinned engine would refuse to load.
func TestRepositoryModules(t *testing.T) {
	for _, dir := range []string{"../..", "../../tests"} {
		t.Run(dir, func(t *testing.T) {
			m, err := LoadGoModule(dir)
			if err != nil {
				t.Fatalf("load module: %v", err)
			}
			td, err := Codegen(m)
			if err != nil {
				t.Errorf("the Go SDK's codegen would refuse the module:\n%v", err)
			}
			if len(td.Objects) == 0 || len(td.Objects[0].Functions) == 0 {
				t.Fatalf("no functions found in %s: the adapter read nothing", dir)
			}
			if err := validate(td); err != nil {
				t.Errorf("the engine would refuse to load the module:\n%v", err)
			}
		})
	}
}

// TestRepositoryTypeDefs pins facts about the root module's typedefs that the rest of
// the project relies on, so that an adapter reading nothing cannot pass.
func TestRepositoryTypeDefs(t *testing.T) {
	m, err := LoadGoModule("../..")
	if err != nil {
		t.Fatalf("load module: %v", err)
	}
	td, _ := Codegen(m)
	main := td.Objects[0]
	if main.SchemaName != "Predictor" || main.Constructor == nil {
		t.Fatalf("main object %s (constructor %v), want Predictor with New", main.SchemaName, main.Constructor != nil)
	}
	var src *ArgDef
	for i, a := range main.Constructor.Args {
		if a.Name == "source" {
			src = &main.Constructor.Args[i]
		}
	}
	if src == nil || src.DefaultPath != "/" || len(src.Ignore) == 0 || src.Type.Name != "Directory" || !src.Type.Optional {
		t.Errorf("constructor argument source = %+v, want an optional Directory with +defaultPath=\"/\" and +ignore patterns", src)
	}
}
