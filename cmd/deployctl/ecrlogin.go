package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/aws/aws-sdk-go-v2/service/ecr"

	"dagger/predictor/internal/awsx"
	"dagger/predictor/internal/ecrlogin"
	"dagger/predictor/internal/exitcode"
)

func init() {
	register(command{name: "ecr-login", summary: "write the ECR registry, username and password files (password never printed)", run: runECRLogin})
}

func runECRLogin(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	sub := newCmd("ecr-login", withTerraform)
	fs, g, tfl := sub.fs, sub.g, sub.tfl
	out := fs.String("out", "", "directory receiving registry, username and password (mode 0600)")
	repoURL := fs.String("repository-url", "", "ECR repository URL (default: terraform output ecr_repository_url)")
	// --env names whose terraform outputs hold the repository URL: optional with the URL.
	sub.envNeeded = func() bool { return *repoURL == "" }
	if code, ok := sub.parse(args, stderr); !ok {
		return code
	}
	if *out == "" {
		return fail(stderr, fs, errors.New("no --out given: pass the directory for the registry, username and password files"))
	}
	cfg, err := g.awsConfig(ctx)
	if err != nil {
		return fail(stderr, fs, err)
	}
	if *repoURL == "" {
		outs, err := terraformOutputs(ctx, g, tfl)
		if err != nil {
			return fail(stderr, fs, fmt.Errorf("read terraform outputs of %s (or pass --repository-url): %w", g.env, err))
		}
		if *repoURL = outs["ecr_repository_url"]; *repoURL == "" {
			return fail(stderr, fs, fmt.Errorf("terraform outputs of %s lack ecr_repository_url: apply the infrastructure first, or pass --repository-url", g.env))
		}
	}
	creds, err := ecrlogin.New(ecr.NewFromConfig(cfg)).Login(ctx, *repoURL)
	if err != nil {
		return fail(stderr, fs, awsx.Explain(err, g.endpoint))
	}
	if err := ecrlogin.Write(*out, creds); err != nil {
		return fail(stderr, fs, err)
	}
	fmt.Fprintf(stdout, "registry=%s username=%s\nwrote %s, %s and %s\n", creds.Registry, creds.Username,
		filepath.Join(*out, "registry"), filepath.Join(*out, "username"), filepath.Join(*out, "password"))
	return exitcode.OK
}
