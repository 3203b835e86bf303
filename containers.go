package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"

	"dagger/predictor/internal/ctl"
	"dagger/predictor/internal/dagger"
	"dagger/predictor/internal/envcfg"
	"dagger/predictor/internal/pipeline"
	"dagger/predictor/internal/srcset"
)

// Paths inside the pipeline's containers.
const (
	srcPath   = "/src"
	infraPath = "/src/infra"
	workPath  = "/work"
	credsPath = "/creds"
	// motoHost and registryHost are the service aliases of --env local.
	motoHost     = "moto"
	registryHost = "registry"
)

// target is one environment as the pipeline's containers see it: the deployctl
// target and, for local, the emulator and registry services.
type target struct {
	ctl.Target
	moto     *dagger.Service
	registry *dagger.Service
}

// local reports whether the target is the emulator.
func (t target) local() bool { return t.moto != nil }

// target validates env and the credentials it needs, and starts nothing yet.
func (m *Predictor) target(env string) (target, error) {
	if err := pipeline.CheckCredentials(env, m.AwsAccessKeyId != nil, m.AwsSecretAccessKey != nil, m.AwsCredentials != nil); err != nil {
		return target{}, err
	}
	t := target{Target: ctl.Target{Env: env, Region: m.Region, InfraDir: infraPath, Workdir: workPath}}
	if envcfg.Emulator(env) {
		// The engine de-duplicates identical services in a session, and Stop stops
		// the shared instance: a per-call nonce gives each call its own emulator.
		nonce := rand.Text()
		t.Endpoint = "http://" + motoHost + ":5000"
		t.moto = m.motoService(nonce)
		t.registry = registryService(nonce)
	}
	return t, nil
}

// standaloneTarget is target for a function that needs state an earlier call built:
// it refuses --env local, whose emulator each call starts empty.
func (m *Predictor) standaloneTarget(function, env string) (target, error) {
	if err := pipeline.CheckStandalone(function, env); err != nil {
		return target{}, err
	}
	return m.target(env)
}

// start keeps the local services up for a whole function call (a service bound to
// containers alone stops between them, and the emulator would lose its state).
func (t target) start(ctx context.Context) (stop func(), err error) {
	if !t.local() {
		return func() {}, nil
	}
	if _, err := t.moto.Start(ctx); err != nil {
		return nil, fmt.Errorf("start the AWS emulator: %w", err)
	}
	if _, err := t.registry.Start(ctx); err != nil {
		_, _ = t.moto.Stop(ctx)
		return nil, fmt.Errorf("start the local registry: %w", err)
	}
	return func() {
		// A fresh context: the call's may be cancelled already.
		c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _ = t.registry.Stop(c)
		_, _ = t.moto.Stop(c)
	}, nil
}

// withAWS gives ctr the target's region, endpoint and credentials: fixed test
// credentials for the emulator, otherwise the constructor's secrets.
func (m *Predictor) withAWS(ctr *dagger.Container, t target) *dagger.Container {
	ctr = ctr.WithEnvVariable("AWS_REGION", t.Region)
	if t.local() {
		return ctr.WithServiceBinding(motoHost, t.moto).
			WithEnvVariable("AWS_ENDPOINT_URL", t.Endpoint).
			WithEnvVariable("AWS_ACCESS_KEY_ID", "test").
			WithEnvVariable("AWS_SECRET_ACCESS_KEY", "test")
	}
	if m.AwsAccessKeyId != nil {
		ctr = ctr.WithSecretVariable("AWS_ACCESS_KEY_ID", m.AwsAccessKeyId)
	}
	if m.AwsSecretAccessKey != nil {
		ctr = ctr.WithSecretVariable("AWS_SECRET_ACCESS_KEY", m.AwsSecretAccessKey)
	}
	if m.AwsSessionToken != nil {
		ctr = ctr.WithSecretVariable("AWS_SESSION_TOKEN", m.AwsSessionToken)
	}
	if m.AwsCredentials != nil {
		ctr = ctr.WithMountedSecret("/root/.aws/credentials", m.AwsCredentials).
			WithEnvVariable("AWS_SHARED_CREDENTIALS_FILE", "/root/.aws/credentials")
	}
	if m.AwsProfile != "" {
		ctr = ctr.WithEnvVariable("AWS_PROFILE", m.AwsProfile)
	}
	return ctr
}

// goBase is the Go toolchain with module and build caches, on the repository source.
func (m *Predictor) goBase() *dagger.Container {
	return dag.Container().From(goImage).
		WithMountedCache("/go/pkg/mod", dag.CacheVolume("predictor-go-mod")).
		WithMountedCache("/root/.cache/go-build", dag.CacheVolume("predictor-go-build")).
		WithEnvVariable("CGO_ENABLED", "0").
		WithWorkdir(srcPath)
}

// deployctlBinary builds deployctl once per source change (Go sources only).
func (m *Predictor) deployctlBinary() *dagger.File {
	return m.goBase().
		WithDirectory(srcPath, m.files(srcset.Deployctl)).
		WithExec([]string{"go", "build", "-trimpath", "-ldflags=-s -w", "-o", "/out/deployctl", "./cmd/deployctl"}).
		File("/out/deployctl")
}

// terraformContainer runs deployctl's terraform commands for t: the terraform image,
// deployctl, the infra directory and a shared provider plugin cache.
func (m *Predictor) terraformContainer(t target) *dagger.Container {
	ctr := dag.Container().From(terraformImageFor(m.TerraformVersion)).
		WithoutEntrypoint().
		WithFile("/usr/local/bin/deployctl", m.deployctlBinary()).
		// One cache per environment, locked: terraform's plugin cache is not safe for
		// concurrent writers (dev and prod plan at once in a pull request).
		WithMountedCache("/root/.terraform.d/plugin-cache", dag.CacheVolume("predictor-terraform-plugins-"+t.Env),
			dagger.ContainerWithMountedCacheOpts{Sharing: dagger.CacheSharingModeLocked}).
		WithEnvVariable("TF_PLUGIN_CACHE_DIR", "/root/.terraform.d/plugin-cache").
		WithEnvVariable("TF_IN_AUTOMATION", "1").
		WithDirectory(infraPath, m.files(srcset.Infra)).
		WithWorkdir(workPath)
	return m.withAWS(ctr, t)
}

// runtimeContainer runs deployctl's AWS-only commands (ecr-login, rollout, smoke).
func (m *Predictor) runtimeContainer(t target) *dagger.Container {
	ctr := dag.Container().From(runtimeImage).
		WithFile("/usr/local/bin/deployctl", m.deployctlBinary()).
		WithDirectory(infraPath, m.files(srcset.Infra)).
		WithWorkdir(workPath)
	return m.withAWS(ctr, t)
}

// files is the part of the source a container receives, as set defines it (the
// tests in internal/srcset run each container's command on exactly these files).
func (m *Predictor) files(set srcset.Set) *dagger.Directory {
	dir := m.Source
	if set.Dir != "" {
		dir = dir.Directory(set.Dir)
	}
	if len(set.Include) == 0 && len(set.Exclude) == 0 {
		return dir
	}
	return dir.Filter(dagger.DirectoryFilterOpts{Include: set.Include, Exclude: set.Exclude})
}

// bust makes a side-effect step run every time instead of coming from the cache.
func bust(ctr *dagger.Container) *dagger.Container {
	return ctr.WithEnvVariable("CACHEBUSTER", rand.Text())
}

// result is one finished deployctl run.
type result struct {
	ctr    *dagger.Container
	code   int
	stdout string
	stderr string
}

// run executes args in ctr and returns its status instead of failing on non-zero,
// so tri-state statuses (plan 2 = changes) reach the caller.
func run(ctx context.Context, ctr *dagger.Container, args []string) (result, error) {
	c, err := ctr.WithExec(args, dagger.ContainerWithExecOpts{Expect: dagger.ReturnTypeAny}).Sync(ctx)
	if err != nil {
		return result{}, explain(err)
	}
	r := result{ctr: c}
	if r.code, err = c.ExitCode(ctx); err != nil {
		return result{}, err
	}
	if r.stdout, err = c.Stdout(ctx); err != nil {
		return result{}, err
	}
	if r.stderr, err = c.Stderr(ctx); err != nil {
		return result{}, err
	}
	return r, nil
}

// runOK runs a deployctl subcommand and maps a failing status to its error.
func runOK(ctx context.Context, ctr *dagger.Container, args []string) (result, error) {
	r, err := run(ctx, ctr, args)
	if err != nil {
		return r, err
	}
	return r, ctl.Check(args[1], r.code, r.stderr)
}

// explain adds a failed command's stderr to its error.
func explain(err error) error {
	var e *dagger.ExecError
	if errors.As(err, &e) {
		return fmt.Errorf("%s (exit %d): %s", strings.Join(e.Cmd, " "), e.ExitCode, strings.TrimSpace(e.Stderr))
	}
	return err
}

// motoService is the AWS emulator: moto in server mode through the repository's
// launcher, which adds the few calls moto lacks for this infrastructure.
func (m *Predictor) motoService(nonce string) *dagger.Service {
	return dag.Container().From(motoImage).
		WithEnvVariable("PREDICTOR_CALL", nonce).
		WithDirectory("/opt/emulator", m.files(srcset.EmulatorLauncher)).
		WithEnvVariable("MOTO_IAM_LOAD_MANAGED_POLICIES", "true").
		WithEnvVariable("MOTO_ECS_SERVICE_RUNNING", "2").
		WithExposedPort(5000).
		AsService(dagger.ContainerAsServiceOpts{Args: []string{"python", "/opt/emulator/moto_launcher.py", "-H", "0.0.0.0", "-p", "5000"}})
}

// registryService is an OCI registry standing in for ECR with --env local.
func registryService(nonce string) *dagger.Service {
	return dag.Container().From(registryImage).
		WithEnvVariable("PREDICTOR_CALL", nonce).
		WithExposedPort(5000).
		AsService(dagger.ContainerAsServiceOpts{UseEntrypoint: true})
}
