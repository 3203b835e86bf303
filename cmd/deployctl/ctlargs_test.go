package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"dagger/predictor/internal/ctl"
)

// TestCtlArgsParse: every command line internal/ctl builds for the Dagger module and the
// rehearsal, with every option it can set, names a subcommand and flags this deployctl
// defines (read from its own -h), so a renamed or removed flag fails here, not in a
// pipeline container.
func TestCtlArgsParse(t *testing.T) {
	all := ctl.Target{Env: "dev", Region: "eu-west-1", Endpoint: "http://127.0.0.1:1", StateBucket: "b", InfraDir: "/src/infra", Workdir: "/out"}
	svc := ctl.Service{Cluster: "c", Name: "s", Container: "backend", DesiredCount: 2, TaskDefinition: "fam:3"}
	calls := [][]string{
		ctl.BootstrapArgs(all),
		ctl.PlanArgs(all, ctl.PlanOptions{Out: "p", SummaryMD: "s.md", SummaryJSON: "s.json", JSON: "p.json", MaxMonthlyUSD: 1, MaxMonthlyIncreaseUSD: 1, NoPolicy: true, NoLock: true}),
		ctl.ApplyArgs(all, "p"),
		ctl.ApplyIDArgs(all, "id"),
		ctl.OutputsArgs(all, ""),
		ctl.OutputsArgs(all, "api_gateway_url"),
		ctl.DriftArgs(all),
		ctl.ECRLoginArgs(all, "/creds", "r"),
		ctl.ImageDigestArgs(all, "r", "t"),
		ctl.RolloutArgs(all, ctl.RolloutOptions{Service: svc, Image: "r@sha256:1", Version: "v", Timeout: time.Minute, ReportJSON: "r.json", Force: true,
			Commit: "c", AppliedPlan: "p", PromotedFrom: "dev:1", BreakGlass: true}),
		ctl.RollbackArgs(all, svc, 7, "r.json"),
		ctl.SmokeArgs("http://x", "v", time.Minute),
		ctl.DestroyArgs(all, true),
		ctl.ReleasesArgs(all, 5),
		ctl.ReleaseDiffArgs(all, "p", "sha256:1", "markdown"),
		ctl.PromoteArgs(all, ctl.PromoteOptions{Digest: "sha256:1", Commit: "c", BreakGlass: true, Check: true, RepositoryURL: "r"}),
		ctl.RecordArgs(all, "fam:3", "passed", "plan=1s"),
		ctl.VerifyArgs(all, "r@sha256:1"),
		ctl.VerifyArgsWith(all, ctl.VerifyOptions{Image: "r@sha256:1", AccountID: "1", OutputsFile: "o.json"}),
	}
	flagRE := regexp.MustCompile(`^--([a-z0-9-]+)`)
	for _, args := range calls {
		if len(args) < 2 || args[0] != "deployctl" {
			t.Errorf("%q is not a deployctl command line", args)
			continue
		}
		defined := definedFlags(t, args[1])
		for _, a := range args[2:] {
			m := flagRE.FindStringSubmatch(a)
			if m != nil && !defined[m[1]] {
				t.Errorf("`deployctl %s` has no flag --%s (ctl builds %q)", args[1], m[1], args)
			}
		}
	}
}

// definedFlags reads the flags `deployctl CMD -h` lists.
func definedFlags(t *testing.T, cmd string) map[string]bool {
	t.Helper()
	var stderr strings.Builder
	run(t.Context(), []string{cmd, "-h"}, &strings.Builder{}, &stderr)
	flags := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\s+-([a-z0-9-]+)`).FindAllStringSubmatch(stderr.String(), -1) {
		flags[m[1]] = true
	}
	if len(flags) == 0 {
		t.Fatalf("`deployctl %s -h` lists no flags:\n%s", cmd, stderr.String())
	}
	return flags
}

// TestCtlArgsParseCoversEveryBuilder: a builder added to internal/ctl without a line in
// TestCtlArgsParse would go unchecked.
func TestCtlArgsParseCoversEveryBuilder(t *testing.T) {
	self, err := os.ReadFile("ctlargs_test.go")
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join("..", "..", "internal", "ctl", "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("internal/ctl sources: %v", err)
	}
	builder := regexp.MustCompile(`(?m)^func ([A-Z]\w*Args(?:With)?)\(`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range builder.FindAllStringSubmatch(string(src), -1) {
			if !strings.Contains(string(self), "ctl."+m[1]+"(") {
				t.Errorf("TestCtlArgsParse does not build ctl.%s (%s)", m[1], f)
			}
		}
	}
}
