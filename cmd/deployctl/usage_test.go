package main

import (
	"strconv"
	"strings"
	"testing"

	"dagger/predictor/internal/exitcode"
)

// TestHelpListsEveryExitStatus: `deployctl help` prints every status of
// internal/exitcode with its meaning, rendered from the one table.
func TestHelpListsEveryExitStatus(t *testing.T) {
	var stderr strings.Builder
	if code := run(t.Context(), []string{"help"}, &strings.Builder{}, &stderr); code != exitcode.OK {
		t.Fatalf("deployctl help exited %d", code)
	}
	flat := strings.Join(strings.Fields(stderr.String()), " ")
	for _, s := range exitcode.Statuses {
		if want := strconv.Itoa(s.Code) + " " + s.Short; !strings.Contains(flat, want) {
			t.Errorf("deployctl help lacks exit status %q:\n%s", want, stderr.String())
		}
	}
}
