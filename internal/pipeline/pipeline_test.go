package pipeline

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"dagger/predictor/internal/envcfg"
	"dagger/predictor/internal/exitcode"
)

func TestCheckApply(t *testing.T) {
	tests := map[string]struct {
		env      string
		havePlan bool
		confirm  string
		want     error
	}{
		"dev plans and applies":      {env: "dev"},
		"local plans and applies":    {env: "local"},
		"prod with reviewed plan":    {env: "prod", havePlan: true},
		"prod confirmed":             {env: "prod", confirm: "prod"},
		"prod without plan":          {env: "prod", want: ErrProdNeedsPlan},
		"prod confirmed wrong name":  {env: "prod", confirm: "dev", want: ErrProdNeedsPlan},
		"unknown env":                {env: "qa", want: envcfg.ErrUnknownEnv},
		"no env":                     {env: "", want: envcfg.ErrNoEnv},
		"dev ignores a confirmation": {env: "dev", confirm: "prod"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := CheckApply(tc.env, tc.havePlan, tc.confirm)
			if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Fatalf("CheckApply(%q, %v, %q) = %v, want %v", tc.env, tc.havePlan, tc.confirm, err, tc.want)
			}
		})
	}
}

func TestCheckDestroy(t *testing.T) {
	tests := map[string]struct {
		env, confirm string
		breakGlass   bool
		want         error
	}{
		"confirmed":          {env: "dev", confirm: "dev"},
		"prod without glass": {env: "prod", confirm: "prod", want: ErrNeedsBreakGlass},
		"prod with glass":    {env: "prod", confirm: "prod", breakGlass: true},
		"glass, wrong name":  {env: "prod", confirm: "dev", breakGlass: true, want: ErrConfirmMismatch},
		"missing":            {env: "dev", want: ErrConfirmMismatch},
		"other env":          {env: "prod", confirm: "dev", want: ErrConfirmMismatch},
		"case matters":       {env: "prod", confirm: "PROD", want: ErrConfirmMismatch},
		"unknown env":        {env: "qa", confirm: "qa", want: envcfg.ErrUnknownEnv},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := CheckDestroy(tc.env, tc.confirm, tc.breakGlass)
			if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Fatalf("CheckDestroy = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestArgs(t *testing.T) {
	dev := Target{Env: "dev", Region: "eu-west-1"}
	local := Target{Env: "local", Region: "us-east-1", Endpoint: "http://moto:5000", StateBucket: "tfstate", InfraDir: "/src/infra", Workdir: "/work"}
	tests := map[string]struct {
		got, want []string
	}{
		"bootstrap": {BootstrapArgs(dev), []string{"deployctl", "bootstrap", "--env", "dev", "--region", "eu-west-1"}},
		"bootstrap emulator": {BootstrapArgs(local), []string{"deployctl", "bootstrap", "--env", "local", "--region", "us-east-1",
			"--aws-endpoint", "http://moto:5000", "--state-bucket", "tfstate", "--infra-dir", "/src/infra", "--workdir", "/work"}},
		"plan minimal": {PlanArgs(dev, PlanOptions{Out: "/out/tfplan"}), []string{"deployctl", "plan", "--env", "dev", "--region", "eu-west-1", "--out", "/out/tfplan"}},
		"plan full": {PlanArgs(dev, PlanOptions{Out: "p", SummaryMD: "s.md", SummaryJSON: "s.json", JSON: "p.json", MaxMonthlyUSD: 42.5, NoPolicy: true}),
			[]string{"deployctl", "plan", "--env", "dev", "--region", "eu-west-1", "--out", "p", "--summary-md", "s.md", "--summary-json", "s.json", "--json", "p.json", "--max-monthly-usd", "42.5", "--no-policy"}},
		"plan increase": {PlanArgs(dev, PlanOptions{Out: "p", MaxMonthlyUSD: 100, MaxMonthlyIncreaseUSD: 12.5}),
			[]string{"deployctl", "plan", "--env", "dev", "--region", "eu-west-1", "--out", "p", "--max-monthly-usd", "100", "--max-monthly-increase-usd", "12.5"}},
		"apply":        {ApplyArgs(dev, "/out/tfplan"), []string{"deployctl", "apply", "--env", "dev", "--region", "eu-west-1", "--plan", "/out/tfplan"}},
		"outputs json": {OutputsArgs(dev, ""), []string{"deployctl", "outputs", "--env", "dev", "--region", "eu-west-1", "--json"}},
		"outputs name": {OutputsArgs(dev, "api_gateway_url"), []string{"deployctl", "outputs", "--env", "dev", "--region", "eu-west-1", "--name", "api_gateway_url"}},
		"plan review":  {PlanArgs(dev, PlanOptions{Out: "p", NoLock: true}), []string{"deployctl", "plan", "--env", "dev", "--region", "eu-west-1", "--out", "p", "--lock=false"}},
		"drift":        {DriftArgs(Target{Env: "prod"}), []string{"deployctl", "drift", "--env", "prod"}},
		"release-diff": {ReleaseDiffArgs(Target{Env: "prod"}, "/out/plan.json", "sha256:ab", "markdown"),
			[]string{"deployctl", "release-diff", "--env", "prod", "--plan", "/out/plan.json", "--image", "sha256:ab", "--format", "markdown"}},
		"release-diff running": {ReleaseDiffArgs(Target{Env: "prod"}, "", "", ""), []string{"deployctl", "release-diff", "--env", "prod"}},
		"ecr-login":            {ECRLoginArgs(dev, "/creds", ""), []string{"deployctl", "ecr-login", "--env", "dev", "--region", "eu-west-1", "--out", "/creds"}},
		"ecr-login repo": {ECRLoginArgs(Target{Env: "dev"}, "/creds", "1.dkr.ecr.us-east-1.amazonaws.com/p"),
			[]string{"deployctl", "ecr-login", "--env", "dev", "--out", "/creds", "--repository-url", "1.dkr.ecr.us-east-1.amazonaws.com/p"}},
		"rollout": {RolloutArgs(dev, RolloutOptions{Image: "r/p@sha256:ab", Version: "abc", Timeout: 15 * time.Minute, ReportJSON: "/out/r.json", Force: true}),
			[]string{"deployctl", "rollout", "--env", "dev", "--region", "eu-west-1", "--image", "r/p@sha256:ab", "--version", "abc", "--timeout", "15m0s", "--report-json", "/out/r.json", "--force"}},
		"rollout minimal": {RolloutArgs(Target{Env: "dev"}, RolloutOptions{Image: "r@sha256:1"}), []string{"deployctl", "rollout", "--env", "dev", "--image", "r@sha256:1"}},
		"rollout to a service": {RolloutArgs(Target{Env: "dev"}, RolloutOptions{Image: "r@sha256:1", Service: Service{Cluster: "c", Name: "s", Container: "backend", DesiredCount: 2}}),
			[]string{"deployctl", "rollout", "--env", "dev", "--image", "r@sha256:1", "--cluster", "c", "--service", "s", "--container", "backend", "--desired-count", "2"}},
		"rollout from terraform's task definition": {RolloutArgs(Target{Env: "dev"}, RolloutOptions{Image: "r@sha256:1", Service: Service{Cluster: "c", Name: "s", TaskDefinition: "fam:3"}}),
			[]string{"deployctl", "rollout", "--env", "dev", "--image", "r@sha256:1", "--cluster", "c", "--service", "s", "--task-definition", "fam:3"}},
		"rollback never gets --task-definition": {RollbackArgs(Target{Env: "dev"}, Service{Cluster: "c", Name: "s", TaskDefinition: "fam:3"}, 0, ""), []string{"deployctl", "rollback", "--env", "dev", "--cluster", "c", "--service", "s"}},
		"service needs cluster and name": {RolloutArgs(Target{Env: "dev"}, RolloutOptions{Image: "r@sha256:1", Service: Service{Name: "s"}}),
			[]string{"deployctl", "rollout", "--env", "dev", "--image", "r@sha256:1"}},
		"rollback prev": {RollbackArgs(Target{Env: "dev"}, Service{}, 0, ""), []string{"deployctl", "rollback", "--env", "dev"}},
		"rollback to": {RollbackArgs(Target{Env: "dev"}, Service{Cluster: "c", Name: "s"}, 7, "/r.json"),
			[]string{"deployctl", "rollback", "--env", "dev", "--cluster", "c", "--service", "s", "--to", "7", "--report-json", "/r.json"}},
		"smoke": {SmokeArgs("https://api/x", "abc", 5*time.Minute), []string{"deployctl", "smoke", "--url", "https://api/x", "--expect-version", "abc", "--timeout", "5m0s"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if d := cmp.Diff(tc.want, tc.got); d != "" {
				t.Errorf("args (-want +got):\n%s", d)
			}
		})
	}
}

func TestCheckExitStatus(t *testing.T) {
	tests := map[string]struct {
		command string
		code    int
		want    error
	}{
		"ok":                       {"apply", exitcode.OK, nil},
		"error":                    {"apply", exitcode.Error, ErrFailed},
		"stale plan":               {"apply", exitcode.StalePlan, ErrStalePlan},
		"policy":                   {"plan", exitcode.Policy, ErrPolicy},
		"cost":                     {"plan", exitcode.Cost, ErrCost},
		"rollout failed":           {"rollout", exitcode.RolloutFailed, ErrRolloutFailed},
		"rolled back":              {"rollout", exitcode.RolledBack, ErrRolledBack},
		"tasks failing":            {"rollout", exitcode.TasksFailing, ErrTasksFailing},
		"timeout":                  {"rollback", exitcode.Timeout, ErrTimeout},
		"superseded":               {"rollout", exitcode.Superseded, ErrSuperseded},
		"smoke":                    {"smoke", exitcode.SmokeFailed, ErrSmokeFailed},
		"status from another verb": {"apply", exitcode.RolledBack, ErrUnexpected},
		"changes is not ok here":   {"apply", exitcode.Changes, ErrUnexpected},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := Check(tc.command, tc.code, "line1\nreason\n")
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Check = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("Check = %v, want %v", err, tc.want)
			}
			var ee *ExitError
			if !errors.As(err, &ee) || ee.Code != tc.code || !strings.HasSuffix(err.Error(), "reason") {
				t.Fatalf("Check = %#v: want an ExitError with code %d ending in stderr", err, tc.code)
			}
		})
	}
}

func TestPlanAndDriftStatus(t *testing.T) {
	tests := map[string]struct {
		code        int
		wantChanges bool
		wantErr     error
	}{
		"no changes": {0, false, nil},
		"changes":    {2, true, nil},
		"error":      {1, false, ErrFailed},
		"policy":     {3, false, ErrPolicy},
		"cost":       {4, false, ErrCost},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := PlanStatus(tc.code, "")
			if got != tc.wantChanges || !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) {
				t.Fatalf("PlanStatus(%d) = %v, %v; want %v, %v", tc.code, got, err, tc.wantChanges, tc.wantErr)
			}
		})
	}
	for _, code := range []int{exitcode.Changes, exitcode.ServiceDrift, exitcode.BothDrift} {
		if d, err := DriftStatus(code, ""); !d || err != nil {
			t.Errorf("DriftStatus(%d) = %v, %v; want drift", code, d, err)
		}
	}
	if _, err := DriftStatus(3, ""); !errors.Is(err, ErrUnexpected) {
		t.Errorf("DriftStatus(3) = %v; want ErrUnexpected", err)
	}
}

func TestPinnedAndDigest(t *testing.T) {
	tests := map[string]struct{ repo, want string }{
		"plain":          {"123.dkr.ecr.us-east-1.amazonaws.com/predictor-model-dev", "123.dkr.ecr.us-east-1.amazonaws.com/predictor-model-dev@sha256:ab"},
		"tagged":         {"registry:5000/predictor:abc", "registry:5000/predictor@sha256:ab"},
		"port, no tag":   {"registry:5000/predictor", "registry:5000/predictor@sha256:ab"},
		"already pinned": {"r/p:t@sha256:" + strings.Repeat("0", 64), "r/p@sha256:ab"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := Pinned(tc.repo, "sha256:ab"); got != tc.want {
				t.Errorf("Pinned = %q, want %q", got, tc.want)
			}
		})
	}
	if got := Digest("r/p:tag"); got != "" {
		t.Errorf("Digest of a tag = %q", got)
	}
	if SameDigest("a:tag", "b:tag") {
		t.Error("tags without digests compare equal")
	}
	if push, _ := PublishDecision(""); !push {
		t.Error("no existing tag: want push")
	}
	if push, why := PublishDecision("sha256:1"); push || !strings.Contains(why, "sha256:1") {
		t.Errorf("existing tag: push=%v reason=%q", push, why)
	}
}

func TestImageTag(t *testing.T) {
	const commit = "0123456789abcdef0123456789abcdef01234567"
	const content = "sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
	tests := map[string]struct {
		commit      string
		dirty       bool
		content     string
		want, wantV string
	}{
		"clean commit":      {commit, false, content, commit, "0123456789ab"},
		"upper-case commit": {strings.ToUpper(commit), false, content, commit, "0123456789ab"},
		"dirty tree":        {commit, true, content, "src-fedcba9876543210", "src-fedcba9876543210"},
		"no git":            {"", false, content, "src-fedcba9876543210", "src-fedcba9876543210"},
		"not a commit":      {"main", false, content, "src-fedcba9876543210", "src-fedcba9876543210"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := ImageTag(tc.commit, tc.dirty, tc.content)
			if got != tc.want || Version(got) != tc.wantV {
				t.Errorf("ImageTag = %q (version %q), want %q (%q)", got, Version(got), tc.want, tc.wantV)
			}
		})
	}
	if got := ImageTag("", false, "short"); !strings.HasPrefix(got, "src-") || len(got) != 20 {
		t.Errorf("ImageTag with a short digest = %q", got)
	}
}

func TestCheckCredentials(t *testing.T) {
	tests := map[string]struct {
		env                  string
		key, secret, credsFn bool
		want                 error
	}{
		"local needs none":   {env: "local"},
		"key pair":           {env: "dev", key: true, secret: true},
		"credentials file":   {env: "prod", credsFn: true},
		"nothing":            {env: "dev", want: ErrNoCredentials},
		"key without secret": {env: "dev", key: true, want: ErrNoCredentials},
		"unknown env":        {env: "qa", want: envcfg.ErrUnknownEnv},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := CheckCredentials(tc.env, tc.key, tc.secret, tc.credsFn)
			if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
				t.Fatalf("CheckCredentials = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestDestroyArgs(t *testing.T) {
	want := []string{"deployctl", "destroy", "--env", "dev", "--confirm", "dev"}
	if d := cmp.Diff(want, DestroyArgs(Target{Env: "dev"}, false)); d != "" {
		t.Errorf("DestroyArgs (-want +got):\n%s", d)
	}
	want = []string{"deployctl", "destroy", "--env", "prod", "--confirm", "prod", "--break-glass"}
	if d := cmp.Diff(want, DestroyArgs(Target{Env: "prod"}, true)); d != "" {
		t.Errorf("DestroyArgs break glass (-want +got):\n%s", d)
	}
}

func TestCheckStandalone(t *testing.T) {
	for env, want := range map[string]error{"dev": nil, "prod": nil, "local": ErrLocalNeedsState} {
		err := CheckStandalone("outputs", env)
		if !errors.Is(err, want) || (want == nil) != (err == nil) {
			t.Errorf("CheckStandalone(outputs, %s) = %v, want %v", env, err, want)
		}
	}
	if err := CheckStandalone("outputs", "local"); err == nil || !strings.Contains(err.Error(), "deploy --env local") {
		t.Errorf("local refusal does not say what to run: %v", err)
	}
	if err := CheckStandalone("outputs", "qa"); err == nil {
		t.Error("unknown environment accepted")
	}
}

func TestImageDigestArgs(t *testing.T) {
	got := ImageDigestArgs(Target{Env: "prod", Region: "eu-west-1", InfraDir: "/src/infra"}, "1.dkr.ecr.eu-west-1.amazonaws.com/r", "abc")
	want := []string{"deployctl", "image-digest", "--region", "eu-west-1", "--repository-url", "1.dkr.ecr.eu-west-1.amazonaws.com/r", "--tag", "abc"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("ImageDigestArgs (-want +got):\n%s", d)
	}
}
