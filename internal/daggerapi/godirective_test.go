package daggerapi

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/semver"
)

// TestGoDirectiveAcceptedByCodegen fails when a module's go.mod asks for a Go newer
// than the pinned Dagger codegen is known to accept: the engine would refuse to
// generate the module's code, so no `dagger call` would run.
func TestGoDirectiveAcceptedByCodegen(t *testing.T) {
	for dir := range modules {
		path := filepath.Join(repoRoot(t), dir, "go.mod")
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := modfile.ParseLax(path, b, nil)
		if err != nil {
			t.Fatal(err)
		}
		if f.Go == nil {
			t.Errorf("%s has no go directive", path)
			continue
		}
		if semver.Compare("v"+f.Go.Version, "v"+maxGoDirective) > 0 {
			t.Errorf("%s says go %s; Dagger's codegen would refuse it (existing go.mod has unsupported version %s (highest supported version is the Go it was built with)); the highest known to be accepted is %s",
				path, f.Go.Version, f.Go.Version, maxGoDirective)
		}
	}
}
