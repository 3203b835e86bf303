package rehearsal

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"dagger/predictor/internal/ctl"
	"dagger/predictor/internal/exitcode"
)

// fakeDeployctl answers subcommands with fixed statuses and records the calls.
type fakeDeployctl struct {
	codes map[string]int
	calls []string
}

func (f *fakeDeployctl) run(_ context.Context, args []string, stdout, stderr io.Writer) int {
	f.calls = append(f.calls, args[0])
	flag := func(name string) string {
		for i, a := range args {
			if a == name && i+1 < len(args) {
				return args[i+1]
			}
		}
		return ""
	}
	switch args[0] {
	case "plan":
		fmt.Fprintln(stdout, "Plan: 47 to add, 0 to change, 0 to destroy.\nEstimated monthly cost: $31.50")
		if p := flag("--summary-json"); p != "" {
			_ = os.WriteFile(p, []byte(`{"summary":{"add":47},"cost":{"total_monthly_usd":31.5}}`), 0o600)
		}
	case "release-diff":
		// What release-diff --format json prints for the image and version passed.
		if flag("--plan") != "" || flag("--format") != "json" || flag("--version") == "" {
			return exitcode.Error
		}
		fmt.Fprintf(stdout, `{"service":"s","running":"fam:1","source":"the running task definition (no --plan)",`+
			`"changes":[{"field":"image","from":"repo:bootstrap","to":%q},{"field":"env APP_VERSION","from":"","to":%q}]}`,
			flag("--image"), `"`+flag("--version")+`"`)
	case "outputs":
		fmt.Fprintln(stdout, `{"ecr_repository_url":"123456789012.dkr.ecr.us-east-1.amazonaws.com/predictor-model-local",`+
			`"ecs_cluster_name":"c","ecs_service_name":"s","ecs_container_name":"backend","ecs_desired_count":1,`+
			`"backend_environment_variables":{"AWS_REGION":"us-east-1","S3_FILES_BUCKET":"f","S3_DATA_BUCKET":"d","APP_ENV":"local"}}`)
	case "rollout", "rollback":
		if flag("--cluster") != "c" || flag("--service") != "s" || flag("--desired-count") != "1" {
			return exitcode.Error
		}
		if p := flag("--report-json"); p != "" {
			_ = os.WriteFile(p, []byte(`{"deployment":"ecs-svc/1","taskDefinition":"arn:td:2","revision":2,"outcome":"COMPLETED"}`), 0o600)
		}
	}
	if f.codes[args[0]] == exitcode.Error {
		fmt.Fprintf(stderr, "progress\n%s: it failed\n", args[0])
	}
	return f.codes[args[0]]
}

func testConfig(t *testing.T, f *fakeDeployctl, backendErr error) (Config, *[]string) {
	t.Helper()
	infra := t.TempDir()
	if err := os.WriteFile(filepath.Join(infra, "main.tf"), []byte("# test\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	backend := t.TempDir()
	if err := os.WriteFile(filepath.Join(backend, "app.py"), []byte("print()\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var env []string
	return Config{
		Target:        ctl.Target{Env: "local", Region: "us-east-1"},
		InfraDir:      infra,
		BackendDir:    backend,
		Log:           io.Discard,
		Deployctl:     f.run,
		StartEmulator: func() (string, func(), error) { return "http://127.0.0.1:1", func() {}, nil },
		StartBackend: func(_ context.Context, e []string) (string, func(), error) {
			env = e
			return "http://127.0.0.1:2", func() {}, backendErr
		},
		GitCommit: func() (string, bool) { return "0123456789abcdef0123456789abcdef01234567", false },
	}, &env
}

func TestRehearsalStages(t *testing.T) {
	tests := map[string]struct {
		codes      map[string]int
		backendErr error
		wantCalls  []string
		wantErr    error
		rolledBack bool
	}{
		"changes": {
			codes:     map[string]int{"plan": exitcode.Changes},
			wantCalls: []string{"bootstrap", "plan", "apply", "outputs", "verify", "release-diff", "rollout", "smoke", "record"},
		},
		"no changes skips apply": {
			codes:     map[string]int{},
			wantCalls: []string{"bootstrap", "plan", "outputs", "verify", "release-diff", "rollout", "smoke", "record"},
		},
		"policy gate stops": {
			codes:     map[string]int{"plan": exitcode.Policy},
			wantCalls: []string{"bootstrap", "plan"},
			wantErr:   ctl.ErrPolicy,
		},
		"rollout failure stops": {
			codes:     map[string]int{"plan": exitcode.Changes, "rollout": exitcode.RolledBack},
			wantCalls: []string{"bootstrap", "plan", "apply", "outputs", "verify", "release-diff", "rollout"},
			wantErr:   ctl.ErrRolledBack,
		},
		"smoke failure rolls back": {
			codes:      map[string]int{"smoke": exitcode.SmokeFailed},
			wantCalls:  []string{"bootstrap", "plan", "outputs", "verify", "release-diff", "rollout", "smoke", "rollback", "record"},
			wantErr:    ctl.ErrSmokeFailed,
			rolledBack: true,
		},
		"backend that does not start rolls back": {
			backendErr: errors.New("exited"),
			wantCalls:  []string{"bootstrap", "plan", "outputs", "verify", "release-diff", "rollout", "rollback", "record"},
			rolledBack: true,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := &fakeDeployctl{codes: tc.codes}
			c, env := testConfig(t, f, tc.backendErr)
			rep, err := Run(t.Context(), c)
			if d := cmp.Diff(tc.wantCalls, f.calls); d != "" {
				t.Errorf("calls (-want +got):\n%s", d)
			}
			switch {
			case tc.wantErr != nil && !errors.Is(err, tc.wantErr):
				t.Errorf("err = %v, want %v", err, tc.wantErr)
			case tc.wantErr == nil && tc.backendErr == nil && err != nil:
				t.Errorf("err = %v", err)
			}
			if rep.RolledBack != tc.rolledBack {
				t.Errorf("RolledBack = %v, want %v", rep.RolledBack, tc.rolledBack)
			}
			if err == nil {
				checkReport(t, rep, *env)
			}
		})
	}
}

// checkReport checks what a successful run reports: the pinned image, the revision,
// the plan's counts and cost, the version the backend was started with, and the
// release diff of that image and version in both renderings.
func checkReport(t *testing.T, rep *Report, env []string) {
	t.Helper()
	if rep.Rollout.Revision != 2 || !strings.HasPrefix(rep.Image, "123456789012.dkr.ecr.us-east-1.amazonaws.com/predictor-model-local@sha256:") {
		t.Errorf("report: image %q rollout %+v", rep.Image, rep.Rollout)
	}
	if !strings.Contains(strings.Join(env, " "), "APP_VERSION=0123456789ab") {
		t.Errorf("backend env lacks the version: %v", env)
	}
	if rep.Plan.Add != 47 || rep.MonthlyUSD != 31.5 {
		t.Errorf("report plan %+v cost %v", rep.Plan, rep.MonthlyUSD)
	}
	text := "  release diff:    s ran fam:1 before the rollout; next: the running task definition (no --plan).\n" +
		"    image            repo:bootstrap -> " + rep.Image + "\n    env APP_VERSION  + \"0123456789ab"
	if !strings.Contains(rep.Text(), text) {
		t.Errorf("the text report lacks the release diff %q:\n%s", text, rep.Text())
	}
	md := "#### Release diff\n\n`s` ran `fam:1` before the rollout; next: the running task definition (no --plan).\n\n" +
		"| | running | next |\n|---|---|---|\n| image | `repo:bootstrap` | `" + rep.Image + "` |\n"
	if !strings.Contains(rep.Markdown(), md) {
		t.Errorf("the Markdown report lacks the release diff %q:\n%s", md, rep.Markdown())
	}
}

// TestReleaseDiffNotAvailable: a release diff that cannot be read is a note in the
// report, and the deploy goes on.
func TestReleaseDiffNotAvailable(t *testing.T) {
	f := &fakeDeployctl{codes: map[string]int{"release-diff": exitcode.Error}}
	c, _ := testConfig(t, f, nil)
	rep, err := Run(t.Context(), c)
	if err != nil {
		t.Fatalf("Run = %v; a failed release diff must not fail the deploy", err)
	}
	if want := "  release diff:    not available: deployctl release-diff: failed (exit 1): release-diff: it failed\n"; !strings.HasSuffix(rep.Text(), want) {
		t.Errorf("the text report does not end with %q:\n%s", want, rep.Text())
	}
	if want := "#### Release diff\n\nnot available: deployctl release-diff"; !strings.Contains(rep.Markdown(), want) {
		t.Errorf("the Markdown report lacks %q:\n%s", want, rep.Markdown())
	}
}

func TestBackendEnv(t *testing.T) {
	got := backendEnv(map[string]string{"AWS_REGION": "us-east-1", "S3_FILES_BUCKET": "f", "APP_ENV": "local", "APP_VERSION": "old"}, "v1", "http://moto:5000")
	want := []string{"APP_ENV=local", "APP_VERSION=v1", "AWS_ACCESS_KEY_ID=test", "AWS_ENDPOINT_URL=http://moto:5000",
		"AWS_REGION=us-east-1", "AWS_SECRET_ACCESS_KEY=test", "S3_FILES_BUCKET=f"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("backendEnv (-want +got):\n%s", d)
	}
}

func TestDirDigestAndCopyTree(t *testing.T) {
	src := t.TempDir()
	for p, c := range map[string]string{"a.tf": "a", "m/b.tf": "b", ".terraform/x": "x", "s.tfstate": "s", "__pycache__/c.pyc": "c"} {
		if err := os.MkdirAll(filepath.Join(src, filepath.Dir(p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(src, p), []byte(c), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	d1, err := dirDigest(src)
	if err != nil || !strings.HasPrefix(d1, "sha256:") || len(d1) != 71 {
		t.Fatalf("dirDigest = %q, %v", d1, err)
	}
	_ = os.WriteFile(filepath.Join(src, "__pycache__", "c.pyc"), []byte("changed"), 0o600)
	if d2, _ := dirDigest(src); d2 != d1 {
		t.Error("dirDigest depends on __pycache__")
	}
	_ = os.WriteFile(filepath.Join(src, "a.tf"), []byte("changed"), 0o600)
	if d3, _ := dirDigest(src); d3 == d1 {
		t.Error("dirDigest ignores a content change")
	}
	dst := filepath.Join(t.TempDir(), "copy")
	if err := CopyTree(src, dst); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]bool{"a.tf": true, "m/b.tf": true, ".terraform/x": false, "s.tfstate": false} {
		if _, err := os.Stat(filepath.Join(dst, p)); (err == nil) != want {
			t.Errorf("%s copied = %v, want %v", p, err == nil, want)
		}
	}
}

// TestBackendPython: the default interpreter (backend/.venv, relative to where make
// runs) is made absolute, so it still resolves once the backend starts in its own
// directory; a missing one says what to run.
func TestBackendPython(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.MkdirAll(filepath.Join("backend", ".venv", "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("backend", ".venv", "bin", "python"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := BackendPython("", "backend")
	if err != nil || got != filepath.Join(dir, "backend", ".venv", "bin", "python") {
		t.Errorf("BackendPython = %q, %v; want the absolute venv interpreter", got, err)
	}
	if _, err := BackendPython("", "elsewhere"); err == nil || !strings.Contains(err.Error(), "make -C backend deps") {
		t.Errorf("missing interpreter: %v", err)
	}
}

// TestEnvChangesRestore: stopping the emulator gives the process its environment
// back, set and unset variables alike, also one changed twice.
func TestEnvChangesRestore(t *testing.T) {
	t.Setenv("REHEARSAL_TEST_SET", "before")
	t.Setenv("REHEARSAL_TEST_UNSET", "kept")
	os.Unsetenv("REHEARSAL_TEST_NEW")
	var e envChanges
	e.set("REHEARSAL_TEST_SET", "during")
	e.set("REHEARSAL_TEST_SET", "during") // changed twice: undone in reverse order
	e.set("REHEARSAL_TEST_NEW", "during")
	e.unset("REHEARSAL_TEST_UNSET")
	if os.Getenv("REHEARSAL_TEST_SET") != "during" || os.Getenv("REHEARSAL_TEST_NEW") != "during" {
		t.Fatal("set did not set")
	}
	if _, ok := os.LookupEnv("REHEARSAL_TEST_UNSET"); ok {
		t.Fatal("unset did not unset")
	}
	e.restore()
	if v := os.Getenv("REHEARSAL_TEST_SET"); v != "before" {
		t.Errorf("REHEARSAL_TEST_SET = %q after restore, want before", v)
	}
	if _, ok := os.LookupEnv("REHEARSAL_TEST_NEW"); ok {
		t.Error("REHEARSAL_TEST_NEW survives restore")
	}
	if v := os.Getenv("REHEARSAL_TEST_UNSET"); v != "kept" {
		t.Errorf("REHEARSAL_TEST_UNSET = %q after restore, want kept", v)
	}
}
