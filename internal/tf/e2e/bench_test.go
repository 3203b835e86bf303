package e2e

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"dagger/predictor/internal/testsupport/testenv"
	"dagger/predictor/internal/tf"
)

// BenchmarkNoopPlan measures a no-op `deployctl plan` (credentials and state bucket
// checks, init when needed, plan, summary and cost from the plan file's prior state)
// side by side with a bare `terraform plan` of the same environment and working
// directory against the emulator, and reports the ratio (target: at most 1.25).
func BenchmarkNoopPlan(b *testing.B) {
	f := newFixture(b, testenv.NewMoto(b, testenv.MotoOptions{}))
	f.want(f.run(nil, "bootstrap", "--env", "local"), 0)
	f.want(f.run(nil, "plan", "--env", "local", "--out", "setup.tfplan"), 2)
	f.want(f.run(nil, "apply", "--env", "local", "--plan", "setup.tfplan"), 0)

	bare := func() time.Duration {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, testenv.Terraform(b), "plan", "-no-color", "-input=false", "-detailed-exitcode", "-lock-timeout=1m0s",
			"-out="+filepath.Join(f.work, "bare.tfplan"), "-var-file="+filepath.Join(f.infra, "envs", "local.tfvars"),
			"-var=environment=local", "-var=aws_region="+testenv.Region, "-var=aws_endpoint="+f.moto.URL)
		cmd.Dir = f.infra
		cmd.Env = append(append([]string{}, f.env...), "TF_DATA_DIR="+filepath.Join(f.work, ".deployctl", "local", "terraform"))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		start := time.Now()
		err := cmd.Run()
		took := time.Since(start)
		var ee *exec.ExitError
		if err != nil && !(errors.As(err, &ee) && ee.ExitCode() == 0) {
			b.Fatalf("terraform plan: %v\n%s", err, tail(stderr.String(), 2000))
		}
		return took
	}
	ours := func() time.Duration {
		r := f.run(nil, "plan", "--env", "local", "--out", "noop.tfplan")
		f.want(r, 0)
		return r.took
	}
	// One untimed round warms the provider binary in the page cache for both. Then
	// rounds alternate the two, and each side's fastest round counts: on a shared
	// 2-core machine the minimum is the figure least disturbed by other work.
	bare()
	ours()
	const rounds = 3
	b.ResetTimer()
	var minBare, minOurs time.Duration
	for range b.N * rounds {
		if d := bare(); minBare == 0 || d < minBare {
			minBare = d
		}
		if d := ours(); minOurs == 0 || d < minOurs {
			minOurs = d
		}
	}
	b.StopTimer()
	b.ReportMetric(minOurs.Seconds(), "deployctl-s/op")
	b.ReportMetric(minBare.Seconds(), "terraform-s/op")
	b.ReportMetric(minOurs.Seconds()/minBare.Seconds(), "ratio")
}

// BenchmarkTerraformGC measures the CPU (user + system, terraform and its provider) of
// `terraform validate` of infra/, mostly the AWS provider building its schema, at Go's
// default GOGC and at tf.GCPercent, the one deployctl runs terraform with, and reports
// the ratio (below 1: the CPU GCPercent saves on every terraform command).
func BenchmarkTerraformGC(b *testing.B) {
	infra := filepath.Join(testenv.RepoRoot(b), "infra")
	env := append(os.Environ(), testenv.TerraformTools(b)...)
	env = append(env, "TF_DATA_DIR="+filepath.Join(b.TempDir(), "tfdata"))
	run := func(gogc string, args ...string) time.Duration {
		cmd := exec.Command(testenv.Terraform(b), args...)
		cmd.Dir = infra
		cmd.Env = append(slices.Clone(env), "GOGC="+gogc) // the last GOGC wins
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("terraform %v: %v\n%s", args, err, tail(string(out), 2000))
		}
		return cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	run("100", "init", "-backend=false", "-input=false", "-no-color")
	// Alternating rounds after one untimed pair; each side's least CPU counts.
	run("100", "validate", "-no-color")
	run(tf.GCPercent, "validate", "-no-color")
	b.ResetTimer()
	var minDefault, minOurs time.Duration
	for range b.N * 3 {
		if d := run("100", "validate", "-no-color"); minDefault == 0 || d < minDefault {
			minDefault = d
		}
		if d := run(tf.GCPercent, "validate", "-no-color"); minOurs == 0 || d < minOurs {
			minOurs = d
		}
	}
	b.StopTimer()
	b.ReportMetric(minDefault.Seconds(), "cpu-s-gogc100/op")
	b.ReportMetric(minOurs.Seconds(), "cpu-s-gogc"+tf.GCPercent+"/op")
	b.ReportMetric(minOurs.Seconds()/minDefault.Seconds(), "ratio")
}

// BenchmarkEndpointsBlock measures the CPU of a `terraform plan` of infra/ for local
// against the emulator (-refresh=false: the provider's work, not the emulator's), as
// infra/ is (the emulator's address through AWS_ENDPOINT_URL) and with the endpoints
// block it used to carry (an override naming the 13 services it calls), and reports
// the ratio (below 1: what every plan, apply and refresh on the emulator saves;
// infra/README.md).
func BenchmarkEndpointsBlock(b *testing.B) {
	moto := testenv.NewMoto(b, testenv.MotoOptions{})
	block := "provider \"aws\" {\n  endpoints {\n"
	for _, s := range []string{"apigatewayv2", "applicationautoscaling", "cloudwatch", "cognitoidp", "ec2", "ecr", "ecs", "iam", "kms", "logs", "s3", "servicediscovery", "sts"} {
		block += "    " + s + " = \"" + moto.URL + "\"\n"
	}
	block += "  }\n}\n"
	root := func(override string) (string, []string) {
		dir := filepath.Join(b.TempDir(), "infra")
		if err := copyTree(filepath.Join(testenv.RepoRoot(b), "infra"), dir); err != nil {
			b.Fatal(err)
		}
		files := map[string]string{"backend_override.tf": "terraform {\n  backend \"local\" {}\n}\n"}
		if override != "" {
			files["endpoints_override.tf"] = override
		}
		for name, text := range files {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
				b.Fatal(err)
			}
		}
		env := append(os.Environ(), testenv.TerraformEnv(b, moto.URL)...)
		return dir, append(env, "TF_DATA_DIR="+filepath.Join(b.TempDir(), "tfdata"))
	}
	run := func(dir string, env []string, args ...string) time.Duration {
		cmd := exec.Command(testenv.Terraform(b), args...)
		cmd.Dir, cmd.Env = dir, env
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("terraform %v in %s: %v\n%s", args, dir, err, tail(string(out), 2000))
		}
		return cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	plan := []string{"plan", "-refresh=false", "-lock=false", "-input=false", "-no-color", "-var-file=envs/local.tfvars", "-var=aws_endpoint=" + moto.URL}
	ours, oursEnv := root("")
	old, oldEnv := root(block)
	for _, r := range []struct {
		dir string
		env []string
	}{{ours, oursEnv}, {old, oldEnv}} {
		run(r.dir, r.env, "init", "-input=false", "-no-color")
		run(r.dir, r.env, plan...)
	}
	b.ResetTimer()
	var minOld, minOurs time.Duration
	for range b.N * 3 {
		if d := run(old, oldEnv, plan...); minOld == 0 || d < minOld {
			minOld = d
		}
		if d := run(ours, oursEnv, plan...); minOurs == 0 || d < minOurs {
			minOurs = d
		}
	}
	b.StopTimer()
	b.ReportMetric(minOld.Seconds(), "cpu-s-endpoints-block/op")
	b.ReportMetric(minOurs.Seconds(), "cpu-s-env/op")
	b.ReportMetric(minOurs.Seconds()/minOld.Seconds(), "ratio")
}
