package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"dagger/predictor/internal/ctl"
	"dagger/predictor/internal/envcfg"
	"dagger/predictor/internal/exitcode"
	"dagger/predictor/internal/rehearsal"
)

func init() {
	register(command{name: "rehearse", summary: "rehearse the whole deploy against the AWS emulator, without a container engine (make local)", run: runRehearse})
}

// runRehearse parses rehearse's flags and runs internal/rehearsal with the real
// processes: the emulator, this binary's subcommands in-process and the backend.
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
	py, err := rehearsal.BackendPython(*python, *backendDir)
	if err != nil {
		return fail(stderr, fs, err)
	}
	rep, err := rehearsal.Run(ctx, rehearsal.Config{
		Target:        ctl.Target{Env: g.env, Region: g.region, StateBucket: g.stateBucket},
		InfraDir:      g.infraDir,
		BackendDir:    *backendDir,
		MaxMonthlyUSD: *maxUSD,
		Log:           stderr,
		Deployctl:     run,
		StartEmulator: rehearsal.StartEmulator,
		StartBackend:  rehearsal.BackendStarter(py, *backendDir),
		GitCommit:     rehearsal.GitCommit,
	})
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
