package daggerapi

import (
	"path/filepath"
	"testing"
)

// TestGoldensAreFresh fails when a module's exported Go API (what the codegen reads)
// changed after the goldens were generated: they would no longer say what the real
// codegen makes of the module.
func TestGoldensAreFresh(t *testing.T) {
	in, err := generatedFrom()
	if err != nil {
		t.Fatal(err)
	}
	for dir := range modules {
		got, err := APIDigest(filepath.Join(repoRoot(t), dir))
		if err != nil {
			t.Fatal(err)
		}
		if want := in.APIDigest[dir]; got != want {
			t.Errorf("module %q: its exported Go API changed since internal/daggerapi/golden was generated (digest %s, goldens %s); regenerate them with the real codegen: %s",
				dir, got, want, regenerateCommand)
		}
	}
}

// TestGoldenTypeDefsRead: each module's typedefs golden decodes and registers its main
// object, with a constructor for the root module.
func TestGoldenTypeDefsRead(t *testing.T) {
	for _, name := range modules {
		m, err := TypeDefs(name)
		if err != nil {
			t.Fatal(err)
		}
		if m.Name != name || len(m.Objects) == 0 {
			t.Fatalf("%s: typedefs golden has name %q and %d objects", name, m.Name, len(m.Objects))
		}
	}
}
