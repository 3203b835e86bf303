// Package rehearsal runs the deploy's stages without a container engine against the
// AWS emulator (`deployctl rehearse`, `make local`): moto through the repository's
// launcher, bootstrap, plan with the policy and cost gate, apply, rollout, the backend
// under a local Python for the smoke test, rollback when it fails, and the report. It
// drives the one deploy sequence (pipeline.Deploy) with the same deployctl calls as
// the Dagger module's deploy; only the image build and push are skipped, since they
// need an engine.
package rehearsal

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"dagger/predictor/internal/ctl"
	"dagger/predictor/internal/pipeline"
)

// Config is a rehearsal's inputs and the collaborators that start processes; tests
// replace the collaborators with fakes.
type Config struct {
	Target        ctl.Target
	InfraDir      string
	BackendDir    string
	MaxMonthlyUSD float64
	// Log receives every deployctl call and its output.
	Log io.Writer
	// Deployctl runs one subcommand in-process (deployctl's own dispatcher).
	Deployctl func(ctx context.Context, args []string, stdout, stderr io.Writer) int
	// StartEmulator starts moto and returns its URL and a stop function (StartEmulator).
	StartEmulator func() (string, func(), error)
	// StartBackend starts the backend with env added and returns its base URL
	// (BackendStarter).
	StartBackend func(ctx context.Context, env []string) (string, func(), error)
	// GitCommit returns HEAD and whether the tree is dirty, "" without git (GitCommit).
	GitCommit func() (string, bool)
}

// rehearsal implements pipeline.Stages with local processes: the emulator, deployctl
// subcommands in-process and the backend under Python.
type rehearsal struct {
	Config
	// t is the target with the emulator's endpoint and the working copy, set by Prepare.
	t    ctl.Target
	work string
	// diff and diffNote are the release diff, read by Rollout before it changes anything.
	diff     *releaseDiff
	diffNote string
}

// Run drives the one deploy sequence (pipeline.Deploy) with the rehearsal's stages.
// The report adds the release diff to the deploy's.
func Run(ctx context.Context, c Config) (*Report, error) {
	r := &rehearsal{Config: c}
	commit, dirty := r.GitCommit()
	if dirty && commit != "" {
		commit += " (uncommitted changes)"
	}
	rep, err := pipeline.Deploy(ctx, r, pipeline.DeployOptions{Env: r.Target.Env, RolloutTimeout: 5 * time.Minute, Commit: commit})
	return &Report{Report: rep, diff: r.diff, diffNote: r.diffNote}, err
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
	fmt.Fprintf(r.Log, "==> %s\n", strings.Join(args, " "))
	code := r.Deployctl(ctx, args[1:], io.MultiWriter(&out, r.Log), io.MultiWriter(&errOut, r.Log))
	return out.String(), errOut.String(), code
}

// callOK is call with the status mapped to an error (the stderr is in the log).
func (r *rehearsal) callOK(ctx context.Context, args []string) (string, error) {
	out, code := r.call(ctx, args)
	return out, ctl.Check(args[1], code, "")
}
