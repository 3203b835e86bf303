package tf

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestCmdArgs(t *testing.T) {
	emu := Config{
		Dir:               "/src/infra",
		DataDir:           "/w/.deployctl/dev/tfdata",
		BackendConfigFile: "/tmp/x/backend.hcl",
		VarFile:           "/src/infra/envs/dev.tfvars",
		Vars:              []Var{{"environment", "dev"}, {"aws_region", "us-east-1"}, {"aws_endpoint", "http://127.0.0.1:5000"}},
		PluginCacheDir:    "/cache/plugins",
		Endpoint:          "http://127.0.0.1:5000",
	}
	aws := Config{Dir: "infra", BackendConfigFile: "b.hcl", Vars: []Var{{"environment", "prod"}}, LockTimeout: 5 * time.Minute}
	review := emu
	review.NoLock = true
	emuEnv := []string{"TF_DATA_DIR=/w/.deployctl/dev/tfdata", "TF_PLUGIN_CACHE_DIR=/cache/plugins", "AWS_ENDPOINT_URL=http://127.0.0.1:5000", "TF_IN_AUTOMATION=1"}
	tests := map[string]struct {
		got  command
		want command
	}{
		"init emulator": {
			got:  initCmd(emu),
			want: command{Args: []string{"init", "-no-color", "-input=false", "-reconfigure", "-backend-config=/tmp/x/backend.hcl", "-lock-timeout=1m0s"}, Env: emuEnv},
		},
		"init aws": {
			got:  initCmd(aws),
			want: command{Args: []string{"init", "-no-color", "-input=false", "-reconfigure", "-backend-config=b.hcl", "-lock-timeout=5m0s"}, Env: []string{"TF_IN_AUTOMATION=1"}},
		},
		"plan emulator": {
			got: planCmd(emu, "/w/dev.tfplan"),
			want: command{Args: []string{"plan", "-no-color", "-input=false", "-detailed-exitcode", "-lock-timeout=1m0s", "-out=/w/dev.tfplan",
				"-var-file=/src/infra/envs/dev.tfvars", "-var=environment=dev", "-var=aws_region=us-east-1", "-var=aws_endpoint=http://127.0.0.1:5000"}, Env: emuEnv},
		},
		"plan aws": {
			got:  planCmd(aws, "p"),
			want: command{Args: []string{"plan", "-no-color", "-input=false", "-detailed-exitcode", "-lock-timeout=5m0s", "-out=p", "-var=environment=prod"}, Env: []string{"TF_IN_AUTOMATION=1"}},
		},
		"drift": {
			got: driftCmd(emu, "/tmp/d.tfplan"),
			want: command{Args: []string{"plan", "-no-color", "-input=false", "-refresh-only", "-detailed-exitcode", "-lock=false", "-out=/tmp/d.tfplan",
				"-var-file=/src/infra/envs/dev.tfvars", "-var=environment=dev", "-var=aws_region=us-east-1", "-var=aws_endpoint=http://127.0.0.1:5000"}, Env: emuEnv},
		},
		"plan review": {
			got: planCmd(review, "/w/pr.tfplan"),
			want: command{Args: []string{"plan", "-no-color", "-input=false", "-detailed-exitcode", "-lock=false", "-out=/w/pr.tfplan",
				"-var-file=/src/infra/envs/dev.tfvars", "-var=environment=dev", "-var=aws_region=us-east-1", "-var=aws_endpoint=http://127.0.0.1:5000"}, Env: emuEnv},
		},
		"drift locking config": {
			got:  driftCmd(aws, "d"),
			want: command{Args: []string{"plan", "-no-color", "-input=false", "-refresh-only", "-detailed-exitcode", "-lock=false", "-out=d", "-var=environment=prod"}, Env: []string{"TF_IN_AUTOMATION=1"}},
		},
		"apply review config still locks": {
			got:  applyCmd(review, "/w/dev.tfplan"),
			want: command{Args: []string{"apply", "-no-color", "-input=false", "-lock-timeout=1m0s", "/w/dev.tfplan"}, Env: emuEnv},
		},
		"sync state review config still locks": {
			got: syncStateCmd(review),
			want: command{Args: []string{"apply", "-no-color", "-input=false", "-refresh-only", "-auto-approve", "-lock-timeout=1m0s",
				"-var-file=/src/infra/envs/dev.tfvars", "-var=environment=dev", "-var=aws_region=us-east-1", "-var=aws_endpoint=http://127.0.0.1:5000"}, Env: emuEnv},
		},
		"destroy plan locks even in a review config": {
			got: destroyPlanCmd(review, "/w/destroy.tfplan"),
			want: command{Args: []string{"plan", "-no-color", "-input=false", "-destroy", "-detailed-exitcode", "-lock-timeout=1m0s", "-out=/w/destroy.tfplan",
				"-var-file=/src/infra/envs/dev.tfvars", "-var=environment=dev", "-var=aws_region=us-east-1", "-var=aws_endpoint=http://127.0.0.1:5000"}, Env: emuEnv},
		},
		"sync state": {
			got: syncStateCmd(emu),
			want: command{Args: []string{"apply", "-no-color", "-input=false", "-refresh-only", "-auto-approve", "-lock-timeout=1m0s",
				"-var-file=/src/infra/envs/dev.tfvars", "-var=environment=dev", "-var=aws_region=us-east-1", "-var=aws_endpoint=http://127.0.0.1:5000"}, Env: emuEnv},
		},
		"apply": {
			got:  applyCmd(emu, "/w/dev.tfplan"),
			want: command{Args: []string{"apply", "-no-color", "-input=false", "-lock-timeout=1m0s", "/w/dev.tfplan"}, Env: emuEnv},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestFirstError(t *testing.T) {
	stderr := "\n╷\n│ Error: Saved plan is stale\n│ \n│ The given plan file can no longer be applied.\n╵\n"
	if diff := cmp.Diff("Error: Saved plan is stale", firstError(stderr)); diff != "" {
		t.Error(diff)
	}
	if diff := cmp.Diff("Error: Invalid value", firstError("Error: Invalid value\n\n  on main.tf\n")); diff != "" {
		t.Error(diff)
	}
	if got := firstError("nothing\n"); got != "" {
		t.Errorf("firstError = %q", got)
	}
}

func TestLockHolder(t *testing.T) {
	// terraform 1.11.4's message for a held S3 lock file (seen in TestDestroyCommand).
	held := "Acquiring state lock. This may take a few moments...\n\n╷\n│ Error: Error acquiring the state lock\n│ \n" +
		"│ Error message: operation error S3: PutObject, https response error\n│ StatusCode: 412, RequestID: x, api error PreconditionFailed\n" +
		"│ Lock Info:\n│   ID:        0b1d6e2c-held-by-test\n│   Path:      tfstate-destroy/predictor/dev/terraform.tfstate\n" +
		"│   Operation: OperationTypeApply\n│   Who:       someone@elsewhere\n│   Version:   1.11.4\n│   Info:      \n╵\n"
	tests := map[string]struct{ stderr, want string }{
		"held":        {held, "lock ID 0b1d6e2c-held-by-test, held by someone@elsewhere for OperationTypeApply"},
		"no details":  {"Error: Error acquiring the state lock\n\nError message: timeout\n", "lock details not shown"},
		"other error": {"Error: Invalid value\n\n  ID: x\n", ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if d := cmp.Diff(tc.want, lockHolder(tc.stderr)); d != "" {
				t.Errorf("lockHolder (-want +got):\n%s", d)
			}
		})
	}
}
