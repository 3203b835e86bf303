package main

// rehearse runs the deploy's stages without a container engine against the AWS
// emulator (`make local`): moto through the repository's launcher, bootstrap, plan
// with the policy and cost gate, apply, rollout, the backend under Debian's python3
// for the smoke test, rollback when it fails, and the report. It makes the same
// decisions (internal/pipeline) and the same deployctl calls as the Dagger module's
// deploy; only the image build and push are skipped, since they need an engine.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"dagger/predictor/internal/emulator"
	"dagger/predictor/internal/exitcode"
	"dagger/predictor/internal/pipeline"
)

func init() {
	register(command{name: "rehearse", summary: "rehearse the whole deploy against the AWS emulator, without a container engine (make local)", run: runRehearse})
}

func runRehearse(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("rehearse")
	g := addGlobals(fs)
	backendDir := fs.String("backend-dir", "backend", "backend source directory (started with python3 -m app)")
	python := fs.String("python", "/usr/bin/python3", "Python that runs the backend (Debian's, with python3-fastapi and friends)")
	maxUSD := fs.Float64("max-monthly-usd", 0, "fail the gate when the monthly estimate exceeds this (0: no budget)")
	markdown := fs.Bool("markdown", false, "print the report as Markdown")
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	if err := g.validate(); err != nil {
		return fail(stderr, fs, err)
	}
	if g.env != "local" {
		return fail(stderr, fs, fmt.Errorf("rehearse runs against the emulator only: pass --env local (use `dagger call deploy --env %s` for a real deploy)", g.env))
	}
	r := &rehearsal{
		target:        pipeline.Target{Env: g.env, Region: g.region, StateBucket: g.stateBucket},
		infraDir:      g.infraDir,
		backendDir:    *backendDir,
		maxMonthlyUSD: *maxUSD,
		log:           stderr,
		deployctl:     run,
		startEmulator: startEmulator,
		startBackend: func(ctx context.Context, env []string) (string, func(), error) {
			return startBackend(ctx, *python, *backendDir, env)
		},
		gitCommit: gitCommit,
	}
	rep, err := r.run(ctx)
	if *markdown {
		fmt.Fprint(stdout, rep.Markdown())
	} else {
		fmt.Fprint(stdout, rep.Text())
	}
	if err != nil {
		var ee *pipeline.ExitError
		if errors.As(err, &ee) && ee.Code != exitcode.OK {
			return ee.Code
		}
		return exitcode.Error
	}
	return exitcode.OK
}

// rehearsal holds the rehearsal's collaborators, replaced by fakes in tests.
type rehearsal struct {
	target        pipeline.Target
	infraDir      string
	backendDir    string
	maxMonthlyUSD float64
	log           io.Writer
	// deployctl runs one subcommand in-process (run in main.go).
	deployctl func(ctx context.Context, args []string, stdout, stderr io.Writer) int
	// startEmulator starts moto and returns its URL and a stop function.
	startEmulator func() (string, func(), error)
	// startBackend starts the backend with env and returns its base URL.
	startBackend func(ctx context.Context, env []string) (string, func(), error)
	// gitCommit returns HEAD and whether the tree is dirty ("" without git).
	gitCommit func() (string, bool)
}

// call runs a deployctl argument list (from internal/pipeline) in-process and
// returns its stdout (also echoed to the log, with stderr) and exit status.
func (r *rehearsal) call(ctx context.Context, args []string) (string, int) {
	var out bytes.Buffer
	fmt.Fprintf(r.log, "==> %s\n", strings.Join(args, " "))
	code := r.deployctl(ctx, args[1:], io.MultiWriter(&out, r.log), r.log)
	return out.String(), code
}

// callOK is call with the status mapped to an error (the stderr is in the log).
func (r *rehearsal) callOK(ctx context.Context, args []string) (string, error) {
	out, code := r.call(ctx, args)
	return out, pipeline.Check(args[1], code, "")
}

// run executes the stages in the deploy's order and returns the report.
func (r *rehearsal) run(ctx context.Context) (rep *pipeline.Report, err error) {
	rep = pipeline.NewReport(r.target.Env)
	defer func() {
		if err != nil {
			rep.Err = err.Error()
		}
	}()

	// Emulator, environment and a working copy of the infrastructure.
	var stopEmu func()
	if err := rep.Time(pipeline.StageValidate, func() error {
		url, stop, err := r.startEmulator()
		if err != nil {
			return err
		}
		stopEmu = stop
		r.target.Endpoint = url
		return nil
	}); err != nil {
		return rep, err
	}
	defer stopEmu()
	work, err := os.MkdirTemp("", "predictor-rehearse-")
	if err != nil {
		return rep, err
	}
	defer os.RemoveAll(work)
	infra := filepath.Join(work, "infra")
	if err := copyTree(r.infraDir, infra); err != nil {
		return rep, fmt.Errorf("copy %s: %w", r.infraDir, err)
	}
	t := r.target
	t.InfraDir, t.Workdir = infra, work

	if err := rep.Time(pipeline.StageBootstrap, func() error {
		_, err := r.callOK(ctx, pipeline.BootstrapArgs(t))
		return err
	}); err != nil {
		return rep, err
	}

	// Plan (with the gate) || build: the build needs an engine.
	planFile := filepath.Join(work, "tfplan")
	summaryJSON := filepath.Join(work, "summary.json")
	var changes bool
	var summary string
	planErr := rep.Time(pipeline.StagePlan, func() error {
		out, code := r.call(ctx, pipeline.PlanArgs(t, pipeline.PlanOptions{
			Out: planFile, SummaryMD: filepath.Join(work, "plan.md"), SummaryJSON: summaryJSON, JSON: filepath.Join(work, "plan.json"), MaxMonthlyUSD: r.maxMonthlyUSD,
		}))
		summary = out
		var err error
		changes, err = pipeline.PlanStatus(code, "")
		return err
	})
	rep.Skip(pipeline.StageBuild, "no container engine here: `dagger call deploy --env local` builds the image")
	if planErr != nil {
		return rep, planErr
	}
	rep.Plan, rep.MonthlyUSD = pipeline.ParsePlanSummary(summary)
	if b, err := os.ReadFile(summaryJSON); err == nil {
		if counts, cost, err := pipeline.ParsePlanSummaryJSON(string(b)); err == nil {
			rep.Plan, rep.MonthlyUSD = counts, cost
		}
	}
	rep.HasChanges = changes
	rep.Add(pipeline.StageGate, 0, nil)

	decision := pipeline.Decide(pipeline.Inputs{PlanHasChanges: changes})
	if decision.Apply {
		if err := rep.Time(pipeline.StageApply, func() error {
			_, err := r.callOK(ctx, pipeline.ApplyArgs(t, planFile))
			return err
		}); err != nil {
			return rep, err
		}
	} else {
		rep.Skip(pipeline.StageApply, decision.Skipped[pipeline.StageApply])
	}

	// The outputs, read once after apply: repository, service, task environment.
	raw, err := r.callOK(ctx, pipeline.OutputsArgs(t, ""))
	if err != nil {
		return rep, err
	}
	outs, err := pipeline.ParseOutputs(raw)
	if err != nil {
		return rep, err
	}
	svc, err := pipeline.ServiceFromOutputs(outs)
	if err != nil {
		return rep, err
	}

	// Publish: no image without an engine. The reference pins the backend source's
	// content hash, so rollout registers a revision exactly as with a real digest.
	contentDigest, err := dirDigest(r.backendDir)
	if err != nil {
		return rep, err
	}
	commit, dirty := r.gitCommit()
	tag := pipeline.ImageTag(commit, dirty, contentDigest)
	version := pipeline.Version(tag)
	rep.Image = pipeline.Pinned(outs["ecr_repository_url"], contentDigest)
	rep.Skip(pipeline.StagePublish, "no container engine: nothing pushed, rollout uses the source content digest")

	reportJSON := filepath.Join(work, "rollout.json")
	if err := rep.Time(pipeline.StageRollout, func() error {
		out, err := r.callOK(ctx, pipeline.RolloutArgs(t, pipeline.RolloutOptions{Image: rep.Image, Version: version, Timeout: 5 * time.Minute, ReportJSON: reportJSON, Service: svc}))
		if b, rerr := os.ReadFile(reportJSON); rerr == nil {
			out = string(b)
		}
		if res, ok := pipeline.ParseRollout(out); ok {
			rep.Rollout = res
		}
		return err
	}); err != nil {
		return rep, err
	}

	// Smoke: the backend under python3 with the task definition's environment.
	smokeErr := rep.Time(pipeline.StageSmoke, func() error {
		vars, err := pipeline.BackendVars(outs)
		if err != nil {
			return err
		}
		url, stop, err := r.startBackend(ctx, backendEnv(vars, version, t.Endpoint))
		if err != nil {
			return err
		}
		defer stop()
		_, err = r.callOK(ctx, pipeline.SmokeArgs(url, version, 2*time.Minute))
		return err
	})
	if smokeErr != nil {
		rbErr := rep.Time(pipeline.StageRollback, func() error {
			_, err := r.callOK(ctx, pipeline.RollbackArgs(t, svc, 0, ""))
			return err
		})
		rep.RolledBack = rbErr == nil
		return rep, smokeErr
	}
	return rep, nil
}

// backendEnv is the backend's process environment: the infrastructure's
// backend_environment_variables, the version, the emulator and test credentials.
func backendEnv(vars map[string]string, version, endpoint string) []string {
	all := map[string]string{}
	for k, v := range vars {
		all[k] = v
	}
	all["APP_VERSION"] = version
	all["AWS_ENDPOINT_URL"] = endpoint
	all["AWS_ACCESS_KEY_ID"] = "test"
	all["AWS_SECRET_ACCESS_KEY"] = "test"
	env := make([]string, 0, len(all))
	for k, v := range all {
		env = append(env, k+"="+v)
	}
	sort.Strings(env)
	return env
}

// dirDigest hashes a directory's regular files (paths and contents, sorted),
// skipping caches, as "sha256:<hex>".
func dirDigest(dir string) (string, error) {
	h := sha256.New()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch d.Name() {
		case "__pycache__", ".pytest_cache", ".venv", "venv":
			if d.IsDir() {
				return filepath.SkipDir
			}
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, _ := filepath.Rel(dir, path)
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", filepath.ToSlash(rel), len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("hash %s: %w", dir, err)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

// copyTree copies src to dst, leaving out terraform's working files and state.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		name := d.Name()
		if d.IsDir() {
			if name == ".terraform" {
				return filepath.SkipDir
			}
			return os.MkdirAll(target, 0o755)
		}
		if strings.HasSuffix(name, ".tfstate") || strings.Contains(name, ".tfstate.") || strings.HasSuffix(name, ".tfplan") || !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}

// startEmulator starts moto through the repository's launcher with running ECS tasks
// (so a rollout completes), points terraform at the offline provider mirror when
// there is one and no existing CLI config names another, and sets the emulator's test credentials for the in-process commands.
func startEmulator() (string, func(), error) {
	m, err := emulator.Start(emulator.Options{Env: []string{"MOTO_ECS_SERVICE_RUNNING=2"}})
	if err != nil {
		return "", nil, err
	}
	var cleanup []func()
	setenv := func(k, v string) {
		old, had := os.LookupEnv(k)
		os.Setenv(k, v)
		cleanup = append(cleanup, func() {
			if had {
				os.Setenv(k, old)
			} else {
				os.Unsetenv(k)
			}
		})
	}
	setenv("AWS_ENDPOINT_URL", m.URL)
	setenv("AWS_ACCESS_KEY_ID", "test")
	setenv("AWS_SECRET_ACCESS_KEY", "test")
	setenv("TF_IN_AUTOMATION", "1")
	for _, k := range []string{"AWS_SESSION_TOKEN", "AWS_PROFILE"} {
		if old, had := os.LookupEnv(k); had {
			os.Unsetenv(k)
			cleanup = append(cleanup, func() { os.Setenv(k, old) })
		}
	}
	var cfgDir string
	if !fileExists(os.Getenv("TF_CLI_CONFIG_FILE")) {
		if _, err := os.Stat(emulator.ProviderMirrorDir()); err == nil {
			if cfgDir, err = os.MkdirTemp("", "predictor-tfrc-"); err == nil {
				cfg := filepath.Join(cfgDir, "terraformrc")
				if os.WriteFile(cfg, []byte(emulator.CLIConfig(emulator.ProviderMirrorDir())), 0o600) == nil {
					setenv("TF_CLI_CONFIG_FILE", cfg)
				}
			}
		}
	}
	stop := func() {
		for i := len(cleanup) - 1; i >= 0; i-- {
			cleanup[i]()
		}
		if cfgDir != "" {
			os.RemoveAll(cfgDir)
		}
		_ = m.Stop()
	}
	return m.URL, stop, nil
}

// startBackend runs `python -m app` in dir on a free loopback port with env added,
// in its own process group, and returns its URL once the port accepts connections.
func startBackend(ctx context.Context, python, dir string, env []string) (string, func(), error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	logFile, err := os.CreateTemp("", "predictor-backend-*.log")
	if err != nil {
		return "", nil, err
	}
	cmd := exec.Command(python, "-m", "app")
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), env...), fmt.Sprintf("PORT=%d", port), "HOST=127.0.0.1")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return "", nil, fmt.Errorf("start the backend (%s -m app in %s): %w", python, dir, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	stop := func() {
		pid := cmd.Process.Pid
		_ = syscall.Kill(-pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-pid, syscall.SIGKILL)
			<-exited
		}
		logFile.Close()
		os.Remove(logFile.Name())
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			c.Close()
			return "http://" + addr, stop, nil
		}
		select {
		case <-exited:
			out, _ := os.ReadFile(logFile.Name())
			stop()
			return "", nil, fmt.Errorf("the backend exited before listening: %s", strings.TrimSpace(string(out)))
		case <-ctx.Done():
			stop()
			return "", nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			stop()
			return "", nil, errors.New("the backend did not listen within 30s")
		}
	}
}

// gitCommit returns HEAD and whether the working tree has changes; "" without git.
func gitCommit() (string, bool) {
	out, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		return "", false
	}
	status, err := exec.Command("git", "status", "--porcelain").Output()
	return strings.TrimSpace(string(out)), err != nil || len(bytes.TrimSpace(status)) > 0
}

func fileExists(path string) bool {
	if path == "" {
		return false
	}
	_, err := os.Stat(path)
	return err == nil
}
