package ctl

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"dagger/predictor/internal/exitcode"
)

func TestVerifyArgs(t *testing.T) {
	local := Target{Env: "local", Endpoint: "http://moto:5000", StateBucket: "tfstate"}
	tests := map[string]struct {
		got, want []string
	}{
		"minimal": {VerifyArgs(Target{Env: "prod"}, ""), []string{"deployctl", "verify", "--env", "prod"}},
		"image": {VerifyArgs(Target{Env: "dev", Region: "eu-west-1"}, "r.example/p@sha256:ab"),
			[]string{"deployctl", "verify", "--env", "dev", "--region", "eu-west-1", "--image", "r.example/p@sha256:ab"}},
		"every option": {VerifyArgsWith(local, VerifyOptions{Image: "r.example/p@sha256:ab", AccountID: "111122223333", OutputsFile: "/out/outputs.json"}),
			[]string{"deployctl", "verify", "--env", "local", "--aws-endpoint", "http://moto:5000", "--state-bucket", "tfstate",
				"--image", "r.example/p@sha256:ab", "--account-id", "111122223333", "--outputs", "/out/outputs.json"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if d := cmp.Diff(tc.want, tc.got); d != "" {
				t.Errorf("args (-want +got):\n%s", d)
			}
		})
	}
}

func TestVerifyStatus(t *testing.T) {
	report := "ok   account: caller x\nFAIL log-group: log group /ecs/x does not exist: re-apply\npreflight dev: 1 problem(s); nothing was changed\n"
	if err := VerifyStatus(exitcode.OK, "preflight dev: OK\n", ""); err != nil {
		t.Errorf("status 0: %v", err)
	}
	err := VerifyStatus(exitcode.Preflight, report, "")
	if !errors.Is(err, ErrPreflight) || !strings.HasSuffix(err.Error(), ": FAIL log-group: log group /ecs/x does not exist: re-apply") {
		t.Errorf("status 6: %v", err)
	}
	if err := VerifyStatus(exitcode.Error, "", "verify: no AWS credentials"); !errors.Is(err, ErrFailed) {
		t.Errorf("status 1: %v", err)
	}
}
