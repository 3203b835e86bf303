package tf

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"
	tfjson "github.com/hashicorp/terraform-json"

	"dagger/predictor/internal/procgroup"
	"dagger/predictor/internal/tfstate"
)

// LookPath finds terraform: $TERRAFORM_PATH, else terraform on PATH.
func LookPath() (string, error) {
	if p := os.Getenv("TERRAFORM_PATH"); p != "" {
		return p, nil
	}
	p, err := exec.LookPath("terraform")
	if err != nil {
		return "", ErrNoTerraform
	}
	return p, nil
}

// Terraform runs terraform commands for one environment.
type Terraform struct {
	// Bin is the terraform executable.
	Bin string
	// Config describes the environment's working directory, backend and variables.
	Config Config
	// KeepDir receives files terraform leaves behind for recovery (errored.tfstate).
	KeepDir string
	// Log receives terraform's own output (stdout and stderr); nil discards it.
	Log io.Writer

	tfx *tfexec.Terraform
}

// exitError is a terraform run that ended with a non-zero status.
type exitError struct {
	code int
	// first is the first "Error: ..." line terraform printed, if any.
	first string
}

func (e *exitError) Error() string {
	if e.first != "" {
		return fmt.Sprintf("terraform exited with status %d: %s", e.code, e.first)
	}
	return fmt.Sprintf("terraform exited with status %d (see its output above)", e.code)
}

// GCPercent is GOGC for terraform and the provider it starts, unless the caller's
// environment sets one. The AWS provider allocates heavily while it builds its schema:
// at Go's default (100) a plan of infra/ spends about a third of its CPU collecting;
// at 400 it uses ~30% less CPU and peaks ~150 MB higher (make bench:
// BenchmarkTerraformGC). CPU is what a 2-core CI runner or laptop runs short of.
const GCPercent = "400"

// processEnv is the environment terraform runs with: base (the caller's), then extra,
// then GOGC=GCPercent unless one of them sets GOGC.
func processEnv(base, extra []string) []string {
	env := append(slices.Clone(base), extra...)
	for _, kv := range env {
		if strings.HasPrefix(kv, "GOGC=") {
			return env
		}
	}
	return append(env, "GOGC="+GCPercent)
}

// run executes c in the root module directory, streaming terraform's output to Log.
// It returns the exit status and the captured standard error.
func (t *Terraform) run(ctx context.Context, c command) (int, string, error) {
	cmd := exec.CommandContext(ctx, t.Bin, c.Args...)
	cmd.Dir = t.Config.Dir
	cmd.Env = processEnv(os.Environ(), c.Env)
	log := t.Log
	if log == nil {
		log = io.Discard
	}
	var errBuf bytes.Buffer
	cmd.Stdout = log
	cmd.Stderr = io.MultiWriter(log, &errBuf)
	procgroup.Setup(cmd)
	// On cancellation terraform gets SIGINT, so it stops gracefully and releases the
	// state lock; it is killed if it has not exited a minute later. (Windows cannot
	// interrupt a child: there it is killed at once.)
	cmd.Cancel = func() error { return procgroup.Interrupt(cmd.Process) }
	cmd.WaitDelay = time.Minute
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, errBuf.String(), nil
	case ctx.Err() != nil:
		return -1, errBuf.String(), fmt.Errorf("run terraform %s: %w", c.Args[0], ctx.Err())
	case errors.As(err, &ee) && ee.ExitCode() > 0:
		return ee.ExitCode(), errBuf.String(), nil
	default:
		return -1, errBuf.String(), fmt.Errorf("run terraform %s: %w", c.Args[0], err)
	}
}

// firstError returns the first "Error: ..." line of terraform's standard error,
// without the diagnostic box drawing.
func firstError(stderr string) string {
	for line := range strings.Lines(stderr) {
		if s := strings.TrimSpace(strings.TrimLeft(line, "│╷╵ \t")); strings.HasPrefix(s, "Error: ") {
			return s
		}
	}
	return ""
}

// Init initializes the working directory (backend, modules, providers). When the
// data directory was initialized by an earlier Init with the same init arguments,
// backend config, configuration files and dependency lock file, it is left as is:
// terraform init would only repeat itself.
func (t *Terraform) Init(ctx context.Context) error {
	c := initCmd(t.Config)
	stamp, stampErr := initStamp(t.Config, c)
	stampFile := ""
	if t.Config.DataDir != "" && stampErr == nil {
		stampFile = filepath.Join(t.Config.DataDir, "deployctl-init.stamp")
		if old, err := os.ReadFile(stampFile); err == nil && string(old) == stamp {
			if _, err := os.Stat(filepath.Join(t.Config.DataDir, "terraform.tfstate")); err == nil {
				return nil
			}
		}
		_ = os.Remove(stampFile)
	}
	code, stderr, err := t.run(ctx, c)
	if err != nil {
		return err
	}
	if code != 0 {
		return fmt.Errorf("terraform init in %s: %w", t.Config.Dir, &exitError{code, firstError(stderr)})
	}
	// Digested after init: init may write the dependency lock file (a root without
	// one, or a lock missing this platform's hashes), and the next run compares what
	// it finds with what init left.
	if stampFile != "" {
		if stamp, err := initStamp(t.Config, c); err == nil {
			_ = os.WriteFile(stampFile, []byte(stamp), 0o644)
		}
	}
	return nil
}

// initStamp digests what terraform init depends on: its arguments and environment,
// the backend config file, every .tf file of the root module and the modules below
// it, and the dependency lock file.
func initStamp(cfg Config, c command) (string, error) {
	h := sha256.New()
	// The backend config file lives in a fresh temporary directory each run: its
	// content counts, not its path.
	args := slices.Clone(c.Args)
	for i, a := range args {
		if strings.HasPrefix(a, "-backend-config=") {
			args[i] = "-backend-config=FILE"
		}
	}
	fmt.Fprintf(h, "%q %q\n", args, c.Env)
	backend, err := os.ReadFile(cfg.BackendConfigFile)
	if err != nil {
		return "", err
	}
	fmt.Fprintf(h, "backend %d\n", len(backend))
	h.Write(backend)
	err = filepath.WalkDir(cfg.Dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".terraform") {
			return filepath.SkipDir
		}
		if d.IsDir() || !(strings.HasSuffix(path, ".tf") || strings.HasSuffix(path, ".tf.json") || d.Name() == ".terraform.lock.hcl") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %d\n", path, len(data))
		h.Write(data)
		return nil
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Plan saves a plan to out and reports whether it has changes.
func (t *Terraform) Plan(ctx context.Context, out string) (changes bool, err error) {
	return t.detailed(ctx, "terraform plan", planCmd(t.Config, out))
}

// Drift saves a refresh-only plan to out and reports whether anything drifted.
func (t *Terraform) Drift(ctx context.Context, out string) (drift bool, err error) {
	return t.detailed(ctx, "terraform plan -refresh-only", driftCmd(t.Config, out))
}

// DestroyPlan saves a plan destroying everything to out (destroyPlanCmd) and reports
// whether there is anything to destroy. A held state lock is ErrStateLocked.
func (t *Terraform) DestroyPlan(ctx context.Context, out string) (changes bool, err error) {
	return t.detailed(ctx, "terraform plan -destroy", destroyPlanCmd(t.Config, out))
}

func (t *Terraform) detailed(ctx context.Context, what string, c command) (bool, error) {
	code, stderr, err := t.run(ctx, c)
	if err != nil {
		return false, err
	}
	switch code {
	case 0:
		return false, nil
	case 2:
		return true, nil
	}
	if lock := lockHolder(stderr); lock != "" {
		return false, fmt.Errorf("%s: %w (%s)", what, ErrStateLocked, lock)
	}
	return false, fmt.Errorf("%s: %w", what, &exitError{code, firstError(stderr)})
}

// lockHolder describes the lock from terraform's "Error acquiring the state lock"
// message ("ID ..., held by WHO for OPERATION"), or returns "" for any other error.
func lockHolder(stderr string) string {
	if !strings.Contains(stderr, "Error acquiring the state lock") {
		return ""
	}
	info := map[string]string{}
	for line := range strings.Lines(stderr) {
		s := strings.TrimSpace(strings.TrimLeft(line, "│╷╵ \t"))
		if k, v, ok := strings.Cut(s, ":"); ok && slices.Contains([]string{"ID", "Who", "Operation"}, k) && info[k] == "" {
			info[k] = strings.TrimSpace(v)
		}
	}
	if info["ID"] == "" {
		return "lock details not shown"
	}
	return fmt.Sprintf("lock ID %s, held by %s for %s", info["ID"], cmp.Or(info["Who"], "unknown"), cmp.Or(info["Operation"], "unknown"))
}

// SyncState records the real infrastructure in the state (syncStateCmd).
func (t *Terraform) SyncState(ctx context.Context) error {
	code, stderr, err := t.run(ctx, syncStateCmd(t.Config))
	if err != nil {
		return err
	}
	if code != 0 {
		return fmt.Errorf("terraform apply -refresh-only: %w", &exitError{code, firstError(stderr)})
	}
	return nil
}

// Apply applies exactly the saved plan file. A stale plan is ErrStalePlan; a failure
// that left errored.tfstate is a *tfstate.ErroredStateError naming where it is kept.
func (t *Terraform) Apply(ctx context.Context, plan string) error {
	code, stderr, runErr := t.run(ctx, applyCmd(t.Config, plan))
	if runErr == nil && code == 0 {
		return nil
	}
	if strings.Contains(stderr, "Saved plan is stale") {
		return fmt.Errorf("apply %s: %w", plan, ErrStalePlan)
	}
	err := runErr
	if err == nil {
		err = fmt.Errorf("apply %s: %w", plan, &exitError{code, firstError(stderr)})
	}
	kept, keepErr := t.keepErroredState()
	if keepErr != nil {
		return errors.Join(err, keepErr)
	}
	if kept != "" {
		return &tfstate.ErroredStateError{Path: kept, Err: err}
	}
	return err
}

// keepErroredState moves errored.tfstate from the root module directory (where
// terraform writes it) to KeepDir and returns its path, or "" when there is none.
func (t *Terraform) keepErroredState() (string, error) {
	src := filepath.Join(t.Config.Dir, "errored.tfstate")
	if _, err := os.Stat(src); err != nil {
		return "", nil
	}
	dir := t.KeepDir
	if dir == "" {
		dir = t.Config.Dir
	}
	dst, err := filepath.Abs(filepath.Join(dir, "errored.tfstate"))
	if err != nil {
		return "", fmt.Errorf("keep errored state: %w", err)
	}
	srcAbs, _ := filepath.Abs(src)
	if srcAbs == dst {
		return dst, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("keep errored state in %s: %w", dir, err)
	}
	if err := os.Rename(src, dst); err != nil {
		data, rerr := os.ReadFile(src)
		if rerr != nil {
			return "", fmt.Errorf("keep errored state %s: %w", src, rerr)
		}
		if werr := os.WriteFile(dst, data, 0o600); werr != nil {
			return "", fmt.Errorf("keep errored state in %s: %w (it is still in %s)", dst, werr, src)
		}
		_ = os.Remove(src)
	}
	return dst, nil
}

// exec returns the terraform-exec handle used for the read-only JSON commands.
func (t *Terraform) exec() (*tfexec.Terraform, error) {
	if t.tfx != nil {
		return t.tfx, nil
	}
	tfx, err := tfexec.NewTerraform(t.Config.Dir, t.Bin)
	if err != nil {
		return nil, fmt.Errorf("prepare terraform in %s: %w", t.Config.Dir, err)
	}
	env := map[string]string{}
	for _, kv := range processEnv(os.Environ(), t.Config.env()) {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	if err := tfx.SetEnv(tfexec.CleanEnv(env)); err != nil {
		return nil, fmt.Errorf("prepare terraform environment: %w", err)
	}
	t.tfx = tfx
	return tfx, nil
}

// ShowPlan decodes a saved plan file (terraform show -json). The result is kept
// next to the plan (showCachePath) with the plan's SHA-256, and read from there
// while the plan file has the same bytes: terraform show starts the provider to
// load its schema (~2 CPU-s), and apply shows the plan that plan has just shown.
func (t *Terraform) ShowPlan(ctx context.Context, plan string) (*tfjson.Plan, error) {
	sum, err := fileSHA256(plan)
	if err != nil {
		return nil, fmt.Errorf("show plan %s: %w", plan, err)
	}
	if p, ok := readShowCache(plan, sum); ok {
		return p, nil
	}
	tfx, err := t.exec()
	if err != nil {
		return nil, err
	}
	p, err := tfx.ShowPlanFile(ctx, plan)
	if err != nil {
		return nil, fmt.Errorf("show plan %s: %w", plan, err)
	}
	// Only a cache: a plan directory that cannot be written costs a show next time.
	_ = writeShowCache(plan, sum, p)
	return p, nil
}

// showCachePath is where ShowPlan keeps what terraform show -json printed for plan.
func showCachePath(plan string) string { return plan + ".show.json" }

// showCache binds a shown plan to the bytes of the plan file it came from. It holds
// the plan's values, sensitive ones included, as the plan file does.
type showCache struct {
	PlanSHA256 string          `json:"plan_sha256"`
	Plan       json.RawMessage `json:"plan"`
}

func readShowCache(plan, sum string) (*tfjson.Plan, bool) {
	data, err := os.ReadFile(showCachePath(plan))
	if err != nil {
		return nil, false
	}
	var c showCache
	if json.Unmarshal(data, &c) != nil || c.PlanSHA256 != sum {
		return nil, false
	}
	// Numbers as json.Number, as tfexec decodes terraform show's output.
	p := &tfjson.Plan{}
	p.UseJSONNumber(true)
	if p.UnmarshalJSON(c.Plan) != nil {
		return nil, false
	}
	return p, true
}

func writeShowCache(plan, sum string, p *tfjson.Plan) error {
	shown, err := json.Marshal(p)
	if err != nil {
		return err
	}
	data, err := json.Marshal(showCache{PlanSHA256: sum, Plan: shown})
	if err != nil {
		return err
	}
	// Written whole or not at all: a torn file would only fail to decode, but a
	// rename keeps a reader from ever seeing one.
	tmp, err := os.CreateTemp(filepath.Dir(plan), filepath.Base(plan)+".show-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), showCachePath(plan))
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Outputs returns the root module's outputs from the state.
func (t *Terraform) Outputs(ctx context.Context) (map[string]tfexec.OutputMeta, error) {
	tfx, err := t.exec()
	if err != nil {
		return nil, err
	}
	out, err := tfx.Output(ctx)
	if err != nil {
		return nil, fmt.Errorf("read outputs: %w", err)
	}
	return out, nil
}

// planEnvironment is the value of the root variable "environment" recorded in a plan,
// or "" when the plan has none.
func planEnvironment(p *tfjson.Plan) string {
	if p == nil || p.Variables == nil {
		return ""
	}
	v, ok := p.Variables["environment"]
	if !ok || v == nil {
		return ""
	}
	s, _ := v.Value.(string)
	return s
}

// CheckPlanEnvironment returns ErrPlanEnv when the plan was made for another
// environment than env.
func CheckPlanEnvironment(p *tfjson.Plan, path, env string) error {
	got := planEnvironment(p)
	if got != env {
		if got == "" {
			got = "an unknown environment"
		}
		return fmt.Errorf("%w: %s was made for %s, not %s: plan again with `deployctl plan --env %s`", ErrPlanEnv, path, got, env, env)
	}
	return nil
}

// PushState writes the state file at path to the backend after terraform's lineage
// and serial check (statePushCmd).
func (t *Terraform) PushState(ctx context.Context, path string) error {
	return t.runOK(ctx, "terraform state push "+path, statePushCmd(t.Config, path))
}

// ForceUnlock releases the state lock with id (forceUnlockCmd).
func (t *Terraform) ForceUnlock(ctx context.Context, id string) error {
	return t.runOK(ctx, "terraform force-unlock "+id, forceUnlockCmd(t.Config, id))
}

func (t *Terraform) runOK(ctx context.Context, what string, c command) error {
	code, stderr, err := t.run(ctx, c)
	if err != nil {
		return err
	}
	if code != 0 {
		return fmt.Errorf("%s: %w", what, &exitError{code, firstError(stderr)})
	}
	return nil
}
