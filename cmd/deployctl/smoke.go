package main

import (
	"context"
	"errors"
	"io"

	"dagger/predictor/internal/exitcode"
	"dagger/predictor/internal/smoke"
)

func init() {
	register(command{name: "smoke", summary: "GET URL/health until it reports the expected version", run: runSmoke})
}

func runSmoke(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	sub := newCmd("smoke", noTerraform).envOptional()
	fs := sub.fs
	url := fs.String("url", "", "API base URL (terraform output api_gateway_url); /health is appended")
	want := fs.String("expect-version", "", `the "version" /health must report`)
	timeout := fs.Duration("timeout", smoke.DefaultTimeout, "overall deadline")
	if code, ok := sub.parse(args, stderr); !ok {
		return code
	}
	if *url == "" || *want == "" {
		return fail(stderr, fs, errors.New("pass --url URL and --expect-version V"))
	}
	_, err := smoke.Check(ctx, smoke.Options{URL: *url, ExpectVersion: *want, Timeout: *timeout, Out: stdout})
	switch {
	case err == nil:
		return exitcode.OK
	case errors.Is(err, smoke.ErrFailed):
		return failCode(stderr, fs, err, exitcode.SmokeFailed)
	}
	return fail(stderr, fs, err)
}
