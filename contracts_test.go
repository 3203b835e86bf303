package main

import (
	"testing"

	"dagger/predictor/internal/docgen"
)

// TestGeneratedDocsUpToDate: the tables with one source in code (exit statuses in
// internal/exitcode, the Makefile's targets) are the same in CONTRACTS.md and docs/ as
// their rendering, so none is edited by hand or left stale.
func TestGeneratedDocsUpToDate(t *testing.T) {
	for _, rel := range docgen.Files {
		changed, err := docgen.Update(".", rel, false)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if changed {
			t.Errorf("%s differs from its generated tables: run `make docs` (go run ./cmd/gendocs) and commit the result", rel)
		}
	}
}
