// Package e2e runs the deployctl binary against the AWS emulator: bootstrap, plan,
// apply, outputs, drift, cost and policy, with their exit codes. It uses the real
// infra/ root once it is committed, and a small stand-in root (tfroots' mini) before
// that; PREDICTOR_E2E_INFRA=mini or =repo forces one.
package e2e

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"dagger/predictor/internal/testsupport/testenv"
	"dagger/predictor/internal/testsupport/tfroots"
)

func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }

// realInfra says whether the tests use the real infra/ root rather than the small
// stand-in (tfroots' mini).
func realInfra(tb testing.TB) bool {
	tb.Helper()
	switch os.Getenv("PREDICTOR_E2E_INFRA") {
	case "mini":
		return false
	case "repo":
		return true
	}
	out, err := exec.Command("git", "-C", testenv.RepoRoot(tb), "ls-files", "infra/main.tf", "infra/envs/local.tfvars").Output()
	return err == nil && strings.Count(string(out), "\n") == 2
}

// writeInfra writes the root the tests use into dst: a copy of infra/, or mini.
func writeInfra(tb testing.TB, dst string, real bool) {
	tb.Helper()
	var err error
	if real {
		err = copyTree(filepath.Join(testenv.RepoRoot(tb), "infra"), dst)
	} else {
		err = tfroots.Write(dst, "mini")
	}
	if err != nil {
		tb.Fatal(err)
	}
}

// fixture is one isolated deployctl setup: its own copy of the infra root, workdir
// and state bucket.
type fixture struct {
	tb     testing.TB
	moto   *testenv.Moto
	dir    string
	infra  string
	work   string
	bucket string
	real   bool
	env    []string
}

var nonName = regexp.MustCompile(`[^a-z0-9]+`)

func newFixture(tb testing.TB, moto *testenv.Moto) *fixture {
	tb.Helper()
	testenv.Terraform(tb)
	real := realInfra(tb)
	dir := tb.TempDir()
	f := &fixture{tb: tb, moto: moto, dir: dir, infra: filepath.Join(dir, "infra"), work: filepath.Join(dir, "work"), real: real}
	writeInfra(tb, f.infra, real)
	if err := os.MkdirAll(f.work, 0o755); err != nil {
		tb.Fatal(err)
	}
	name := strings.Trim(nonName.ReplaceAllString(strings.ToLower(tb.Name()), "-"), "-")
	if len(name) > 40 {
		name = name[:40]
	}
	f.bucket = "tfstate-" + name
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "AWS_") || strings.HasPrefix(k, "TF_") {
			continue
		}
		f.env = append(f.env, kv)
	}
	f.env = append(f.env, testenv.TerraformEnv(tb, moto.URL)...)
	f.env = append(f.env, "TF_VAR_name_prefix="+strings.TrimSuffix(name[:min(len(name), 24)], "-"))
	return f
}

// useMini switches the fixture to the small stand-in root (tfroots' mini), for tests
// about deployctl's own mechanics (state recovery, saved plans) rather than the
// architecture, and for the test hooks only that root has.
func (f *fixture) useMini() {
	f.tb.Helper()
	if !f.real {
		return
	}
	_ = os.RemoveAll(f.infra)
	writeInfra(f.tb, f.infra, false)
	f.real = false
}

// copyTree copies a terraform root without its .terraform directories.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() && strings.HasPrefix(d.Name(), ".terraform") && d.Name() != ".terraform.lock.hcl" {
			return filepath.SkipDir
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if strings.HasSuffix(d.Name(), ".tfstate") || strings.HasSuffix(d.Name(), ".tfplan") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}

type result struct {
	stdout, stderr string
	code           int
	took           time.Duration
}

// run executes deployctl with the fixture's common flags appended.
func (f *fixture) run(extraEnv []string, args ...string) result {
	f.tb.Helper()
	full := slices.Concat(args, []string{"--infra-dir", f.infra, "--workdir", f.work, "--state-bucket", f.bucket})
	return f.exec(extraEnv, full...)
}

// exec executes deployctl with exactly args.
func (f *fixture) exec(extraEnv []string, args ...string) result {
	f.tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, testenv.Deployctl(f.tb), args...)
	cmd.Dir = f.dir
	cmd.Env = append(append([]string{}, f.env...), extraEnv...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String(), took: time.Since(start)}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	default:
		f.tb.Fatalf("run deployctl %s: %v", args[0], err)
	}
	f.tb.Logf("deployctl %s: exit %d in %s", strings.Join(args[:min(len(args), 3)], " "), r.code, r.took.Round(time.Millisecond))
	return r
}

// want fails the test unless r exited with code.
func (f *fixture) want(r result, code int) {
	f.tb.Helper()
	if r.code != code {
		f.tb.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr (tail):\n%s", r.code, code, r.stdout, tail(r.stderr, 3000))
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// lastLine is the last non-empty line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func (f *fixture) s3(tb testing.TB) *s3.Client {
	tb.Helper()
	cfg := testenv.AWSConfig(tb, f.moto.URL)
	return s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
}

func (f *fixture) readFile(name string) []byte {
	f.tb.Helper()
	data, err := os.ReadFile(filepath.Join(f.work, name))
	if err != nil {
		f.tb.Fatal(err)
	}
	return data
}

// filesBucketAddress is the address of the files bucket in the root in use.
func (f *fixture) filesBucketAddress() string {
	if f.real {
		return `module.s3.aws_s3_bucket.this["files"]`
	}
	return "aws_s3_bucket.files"
}
