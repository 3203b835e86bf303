package main

import (
	"io"
	"strings"
	"testing"

	"dagger/predictor/internal/exitcode"
)

func TestRehearseRefusesRealEnvironments(t *testing.T) {
	var stderr strings.Builder
	if code := runRehearse(t.Context(), []string{"--env", "prod"}, io.Discard, &stderr); code != exitcode.Error || !strings.Contains(stderr.String(), "--env local") {
		t.Fatalf("rehearse --env prod = %d, %q", code, stderr.String())
	}
}
