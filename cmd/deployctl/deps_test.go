package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestBinaryHasNoTestSupport: nothing under internal/testsupport (fakes, harnesses)
// is linked into the deployctl binary.
func TestBinaryHasNoTestSupport(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		if strings.Contains(p, "/internal/testsupport/") {
			t.Errorf("deployctl links test support package %s", p)
		}
	}
	if !strings.Contains(string(out), "dagger/predictor/internal/rollout") {
		t.Error("go list -deps did not list deployctl's own packages: the check cannot see anything")
	}
}
