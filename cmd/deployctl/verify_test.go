package main

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"

	"dagger/predictor/internal/exitcode"
)

// TestVerifyBadInput: bad input ends with one line and exit 1 before any AWS call
// (the endpoint below refuses connections, so reaching it would say so instead).
func TestVerifyBadInput(t *testing.T) {
	tests := map[string]struct {
		args []string
		want string
	}{
		"no env": {[]string{}, "deployctl verify: no environment given: pass --env with one of dev, prod, local\n"},
		"malformed account": {[]string{"--env", "dev", "--account-id", "12345"},
			"deployctl verify: invalid account ID \"12345\": pass the 12 digits of the environment's AWS account (--account-id or PREDICTOR_ACCOUNT_ID)\n"},
		"image without digest": {[]string{"--env", "dev", "--image", "r.example/p:v1"},
			"deployctl verify: --image: image reference r.example/p:v1 has no digest: pass REF@sha256:..., as `publish` prints\n"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Setenv("PREDICTOR_ACCOUNT_ID", "")
			var stdout, stderr bytes.Buffer
			code := run(t.Context(), append([]string{"verify", "--aws-endpoint", "http://127.0.0.1:1"}, tc.args...), &stdout, &stderr)
			if code != exitcode.Error {
				t.Errorf("exit %d, want %d", code, exitcode.Error)
			}
			if d := cmp.Diff(tc.want, stderr.String()); d != "" {
				t.Errorf("stderr (-want +got):\n%s", d)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout: %q", stdout.String())
			}
		})
	}
}

// TestVerifyHelpDocumentsExitStatus: `verify -h` and `deployctl help` name status 6.
func TestVerifyHelpDocumentsExitStatus(t *testing.T) {
	for _, args := range [][]string{{"verify", "-h"}, {"help"}} {
		var stdout, stderr bytes.Buffer
		if code := run(t.Context(), args, &stdout, &stderr); code != 0 {
			t.Fatalf("%v: exit %d", args, code)
		}
		if !bytes.Contains(stderr.Bytes(), []byte("6 ")) || !bytes.Contains(stderr.Bytes(), []byte("preflight failed")) {
			t.Errorf("%v does not document exit status 6:\n%s", args, stderr.String())
		}
	}
}
