package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dagger/predictor/internal/testsupport/testenv"
)

// TestApplyKeepsErroredState provokes a failed state save: during the apply a
// provisioner wipes the emulator (state bucket included), so terraform writes
// errored.tfstate; deployctl keeps it in the workdir and names it.
func TestApplyKeepsErroredState(t *testing.T) {
	t.Parallel()
	f := newFixture(t, testenv.NewMoto(t, testenv.MotoOptions{}))
	f.useMini()
	brk := []string{"TF_VAR_break_state_save=true"}
	f.want(f.run(nil, "bootstrap", "--env", "local"), 0)
	f.want(f.run(brk, "plan", "--env", "local", "--out", "e.tfplan"), 2)
	r := f.run(brk, "apply", "--env", "local", "--plan", "e.tfplan")
	f.want(r, 1)
	kept := filepath.Join(f.work, "errored.tfstate")
	if _, err := os.Stat(kept); err != nil {
		t.Fatalf("errored.tfstate not kept in the workdir: %v\nstderr:\n%s", err, tail(r.stderr, 3000))
	}
	last := lastLine(r.stderr)
	for _, s := range []string{"deployctl apply: ", "terraform could not save the state: it is kept in " + kept, "terraform state push " + kept} {
		if !strings.Contains(last, s) {
			t.Errorf("last line lacks %q: %q", s, last)
		}
	}
	if _, err := os.Stat(filepath.Join(f.infra, "errored.tfstate")); err == nil {
		t.Error("errored.tfstate left in the infra directory")
	}
}

// TestApplyPushesErroredStateBack: the state save fails once (the emulator denies
// every request for a few seconds at the end of apply); deployctl pushes the errored
// state back after terraform's lineage check and releases the apply's stale lock,
// so the next plan sees everything the apply created and runs without a lock error.
func TestApplyPushesErroredStateBack(t *testing.T) {
	t.Parallel()
	f := newFixture(t, testenv.NewMoto(t, testenv.MotoOptions{}))
	f.useMini()
	deny := []string{"TF_VAR_deny_state_save=true"}
	f.want(f.run(nil, "bootstrap", "--env", "local"), 0)
	f.want(f.run(deny, "plan", "--env", "local", "--out", "d.tfplan"), 2)
	r := f.run(deny, "apply", "--env", "local", "--plan", "d.tfplan")
	f.want(r, 1)
	if last := lastLine(r.stderr); !strings.Contains(last, "pushed") || !strings.Contains(last, "back to the backend") {
		t.Fatalf("apply's last line does not say the errored state was pushed back: %q\nstderr:\n%s", last, tail(r.stderr, 3000))
	}
	// Everything the apply created is in the state: the same plan has no changes.
	f.want(f.run(deny, "plan", "--env", "local", "--out", "again.tfplan"), 0)
}
