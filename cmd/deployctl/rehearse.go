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
	"time"

	"dagger/predictor/internal/ctl"
	"dagger/predictor/internal/emulator"
	"dagger/predictor/internal/envcfg"
	"dagger/predictor/internal/exitcode"
	"dagger/predictor/internal/imageref"
	"dagger/predictor/internal/pipeline"
	"dagger/predictor/internal/procgroup"
	"dagger/predictor/internal/tfstate"
)

func init() {
	register(command{name: "rehearse", summary: "rehearse the whole deploy against the AWS emulator, without a container engine (make local)", run: runRehearse})
}

func runRehearse(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	sub := newCmd("rehearse", noTerraform)
	fs, g := sub.fs, sub.g
	backendDir := fs.String("backend-dir", "backend", "backend source directory (started with PYTHON -m app)")
	python := fs.String("python", "", "Python that runs the backend (default: BACKEND-DIR/.venv/bin/python, built by `make -C backend deps` from the locks)")
	maxUSD := fs.Float64("max-monthly-usd", 0, "fail the gate when the monthly estimate exceeds this (0: no budget)")
	markdown := fs.Bool("markdown", false, "print the report as Markdown")
	if code, ok := sub.parse(args, stderr); !ok {
		return code
	}
	if !envcfg.Emulator(g.env) {
		return fail(stderr, fs, fmt.Errorf("rehearse runs against the emulator only: pass --env local (use `dagger call deploy --env %s` for a real deploy)", g.env))
	}
	py, err := backendPython(*python, *backendDir)
	if err != nil {
		return fail(stderr, fs, err)
	}
	*python = py
	r := &rehearsal{
		target:        ctl.Target{Env: g.env, Region: g.region, StateBucket: g.stateBucket},
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
		var ee *ctl.ExitError
		if errors.As(err, &ee) && ee.Code != exitcode.OK {
			return ee.Code
		}
		return exitcode.Error
	}
	return exitcode.OK
}

// rehearsal implements pipeline.Stages with local processes: the emulator, deployctl
// subcommands in-process and the backend under Python. Its collaborators are
// replaced by fakes in tests.
type rehearsal struct {
	target        ctl.Target
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

	// t is the target with the emulator's endpoint and the working copy, set by Prepare.
	t    ctl.Target
	work string
}

// call runs a deployctl argument list (from internal/ctl) in-process and
// returns its stdout (also echoed to the log, with stderr) and exit status.
func (r *rehearsal) call(ctx context.Context, args []string) (string, int) {
	out, _, code := r.call3(ctx, args)
	return out, code
}

// call3 is call that also returns the stderr.
func (r *rehearsal) call3(ctx context.Context, args []string) (string, string, int) {
	var out, errOut bytes.Buffer
	fmt.Fprintf(r.log, "==> %s\n", strings.Join(args, " "))
	code := r.deployctl(ctx, args[1:], io.MultiWriter(&out, r.log), io.MultiWriter(&errOut, r.log))
	return out.String(), errOut.String(), code
}

// callOK is call with the status mapped to an error (the stderr is in the log).
func (r *rehearsal) callOK(ctx context.Context, args []string) (string, error) {
	out, code := r.call(ctx, args)
	return out, ctl.Check(args[1], code, "")
}

// run drives the one deploy sequence (pipeline.Deploy) with the rehearsal's stages.
func (r *rehearsal) run(ctx context.Context) (*pipeline.Report, error) {
	commit, dirty := r.gitCommit()
	if dirty && commit != "" {
		commit += " (uncommitted changes)"
	}
	return pipeline.Deploy(ctx, r, pipeline.DeployOptions{Env: r.target.Env, RolloutTimeout: 5 * time.Minute, Commit: commit})
}

// Prepare starts the emulator, copies the infrastructure to a working directory
// and bootstraps the state bucket.
func (r *rehearsal) Prepare(ctx context.Context) (func(), error) {
	url, stopEmu, err := r.startEmulator()
	if err != nil {
		return nil, err
	}
	work, err := os.MkdirTemp("", "predictor-rehearse-")
	if err != nil {
		stopEmu()
		return nil, err
	}
	stop := func() { os.RemoveAll(work); stopEmu() }
	infra := filepath.Join(work, "infra")
	if err := copyTree(r.infraDir, infra); err != nil {
		stop()
		return nil, fmt.Errorf("copy %s: %w", r.infraDir, err)
	}
	r.t, r.work = r.target, work
	r.t.Endpoint, r.t.InfraDir, r.t.Workdir = url, infra, work
	if _, err := r.callOK(ctx, ctl.BootstrapArgs(r.t)); err != nil {
		stop()
		return nil, err
	}
	return stop, nil
}

// Plan saves a plan with the gate and reads its counts and cost.
func (r *rehearsal) Plan(ctx context.Context) (pipeline.PlanResult, error) {
	o := ctl.PlanFiles(r.work, r.maxMonthlyUSD, false)
	out, code := r.call(ctx, ctl.PlanArgs(r.t, o))
	res := pipeline.PlanResult{Summary: out, MonthlyUSD: -1}
	changes, err := ctl.PlanStatus(code, "")
	res.HasChanges = changes
	if b, rerr := os.ReadFile(o.SummaryJSON); rerr == nil {
		if counts, cost, perr := ctl.ParsePlanSummaryJSON(string(b)); perr == nil {
			res.Counts, res.MonthlyUSD = counts, cost
		}
		if delta, ok, perr := ctl.ParsePlanCostChange(string(b)); perr == nil {
			res.MonthlyDeltaUSD, res.HasDelta = delta, ok
		}
		res.ChangeSet = ctl.ParsePlanChangeSet(string(b))
	}
	return res, err
}

// Build cannot run here: building the image needs a container engine.
func (r *rehearsal) Build(context.Context) error {
	return pipeline.Skip("no container engine here: `dagger call deploy --env local` builds the image")
}

// Apply applies the saved plan.
func (r *rehearsal) Apply(ctx context.Context, p pipeline.PlanResult) error {
	args := ctl.ApplyArgs(r.t, ctl.PlanFiles(r.work, 0, false).Out)
	if p.ID != "" {
		args = ctl.ApplyIDArgs(r.t, p.ID)
	}
	_, stderr, code := r.call3(ctx, args)
	return tfstate.Parse(ctl.Check(args[1], code, ""), stderr)
}

// Outputs reads the terraform outputs.
func (r *rehearsal) Outputs(ctx context.Context) (map[string]string, error) {
	raw, err := r.callOK(ctx, ctl.OutputsArgs(r.t, ""))
	if err != nil {
		return nil, err
	}
	return ctl.ParseOutputs(raw)
}

// Verify checks the release's prerequisites on the emulator.
func (r *rehearsal) Verify(ctx context.Context) error {
	args := ctl.VerifyArgs(r.t, "")
	out, stderr, code := r.call3(ctx, args)
	return ctl.VerifyStatus(code, out, stderr)
}

// Publish pushes nothing (no engine): the reference pins the backend source's
// content hash, so rollout registers a revision exactly as with a real digest.
func (r *rehearsal) Publish(_ context.Context, outs map[string]string) (pipeline.Published, error) {
	contentDigest, err := dirDigest(r.backendDir)
	if err != nil {
		return pipeline.Published{}, err
	}
	commit, dirty := r.gitCommit()
	return pipeline.Published{
		Image:   imageref.Pin(outs["ecr_repository_url"], contentDigest),
		Version: pipeline.Version(pipeline.ImageTag(commit, dirty, contentDigest)),
		Skipped: "no container engine: nothing pushed, rollout uses the source content digest",
	}, nil
}

// Pick finds the release an environment that promotes ships (the emulator's local
// builds, so a rehearsal never calls it; kept for the one sequence's sake).
func (r *rehearsal) Pick(ctx context.Context, o ctl.PromoteOptions) (ctl.Promotion, error) {
	out, err := r.callOK(ctx, ctl.PromoteArgs(r.t, o))
	p, _ := ctl.ParsePromotion(out)
	return p, err
}

// Promote copies the picked release's image into the environment's repository.
func (r *rehearsal) Promote(ctx context.Context, outs map[string]string, p ctl.Promotion) (ctl.Promotion, error) {
	out, err := r.callOK(ctx, ctl.PromoteArgs(r.t, ctl.PromoteOptions{Digest: p.Digest, BreakGlass: p.BreakGlass, RepositoryURL: outs["ecr_repository_url"]}))
	got, _ := ctl.ParsePromotion(out)
	return got, err
}

// Record adds the smoke result and timings to the release's record.
func (r *rehearsal) Record(ctx context.Context, taskDef, smoke, timings string) error {
	_, err := r.callOK(ctx, ctl.RecordArgs(r.t, taskDef, smoke, timings))
	return err
}

// Rollout registers the release and watches it; the result comes from --report-json.
func (r *rehearsal) Rollout(ctx context.Context, o ctl.RolloutOptions) (ctl.RolloutResult, error) {
	o.ReportJSON = filepath.Join(r.work, "rollout.json")
	out, err := r.callOK(ctx, ctl.RolloutArgs(r.t, o))
	if b, rerr := os.ReadFile(o.ReportJSON); rerr == nil {
		out = string(b)
	}
	res, _ := ctl.ParseRollout(out)
	return res, err
}

// Smoke starts the backend with the task definition's environment and checks /health.
func (r *rehearsal) Smoke(ctx context.Context, outs map[string]string, version string) error {
	vars, err := ctl.BackendVars(outs)
	if err != nil {
		return err
	}
	url, stop, err := r.startBackend(ctx, backendEnv(vars, version, r.t.Endpoint))
	if err != nil {
		return err
	}
	defer stop()
	_, err = r.callOK(ctx, ctl.SmokeArgs(url, version, 2*time.Minute))
	return err
}

// Rollback returns the service to its previous release.
func (r *rehearsal) Rollback(ctx context.Context, svc ctl.Service) error {
	_, err := r.callOK(ctx, ctl.RollbackArgs(r.t, svc, 0, ""))
	return err
}

// backendPython is the interpreter that runs the backend: flag, else the backend's
// venv (built by `make -C backend deps`), as an absolute path, since the backend
// starts in its own directory where a relative path would be read from there.
func backendPython(flag, backendDir string) (string, error) {
	py := flag
	if py == "" {
		py = filepath.Join(backendDir, ".venv", "bin", "python")
	}
	if _, err := os.Stat(py); err != nil {
		return "", fmt.Errorf("the backend's Python %s is missing: run `make -C backend deps` (or pass --python)", py)
	}
	return filepath.Abs(py)
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
	procgroup.Setup(cmd)
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return "", nil, fmt.Errorf("start the backend (%s -m app in %s): %w", python, dir, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	stop := func() {
		pid := cmd.Process.Pid
		_ = procgroup.Terminate(pid)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = procgroup.Kill(pid)
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
