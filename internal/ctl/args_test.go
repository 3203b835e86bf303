package ctl

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

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
		"releases":             {ReleasesArgs(Target{Env: "prod"}, 0), []string{"deployctl", "releases", "--env", "prod"}},
		"releases limit":       {ReleasesArgs(dev, 5), []string{"deployctl", "releases", "--env", "dev", "--region", "eu-west-1", "--limit", "5"}},
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

func TestImageDigestArgs(t *testing.T) {
	got := ImageDigestArgs(Target{Env: "prod", Region: "eu-west-1", InfraDir: "/src/infra"}, "1.dkr.ecr.eu-west-1.amazonaws.com/r", "abc")
	want := []string{"deployctl", "image-digest", "--region", "eu-west-1", "--repository-url", "1.dkr.ecr.eu-west-1.amazonaws.com/r", "--tag", "abc"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("ImageDigestArgs (-want +got):\n%s", d)
	}
}
