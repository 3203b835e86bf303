package workflows_test

import (
	"os/exec"
	"path/filepath"
	"testing"

	"dagger/predictor/internal/envcfg"
	"dagger/predictor/internal/testsupport/testenv"
)

// The workflows' plan ID check (scripts/plan-id.js, run before any AWS call) reads
// an environment's protection from its tfvars itself: it must agree with
// internal/envcfg, which the pipeline's own guard uses, for every environment.
func TestPlanIDScriptAgreesWithEnvcfg(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatal("node not found: install Node.js 20 or newer (apt-get install nodejs)")
	}
	script := filepath.Join(testenv.RepoRoot(t), "scripts", "plan-id.js")
	for _, e := range envcfg.All {
		err := exec.CommandContext(t.Context(), "node", script, "require", e.Name, "").Run()
		if refused := err != nil; refused != e.Protected {
			t.Errorf("%s: plan-id.js refuses no plan ID = %v, envcfg.Protected = %v", e.Name, refused, e.Protected)
		}
	}
}
