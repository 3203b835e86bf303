package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"dagger/predictor/internal/bootstrap"
	"dagger/predictor/internal/envcfg"
	"dagger/predictor/internal/exitcode"
)

func init() {
	register(command{name: "bootstrap", summary: "create the terraform state bucket if missing (idempotent)", run: runBootstrap})
}

func runBootstrap(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	sub := newCmd("bootstrap", noTerraform)
	fs, g := sub.fs, sub.g
	if code, ok := sub.parse(args, stderr); !ok {
		return code
	}
	cfg, err := g.awsConfig(ctx)
	if err != nil {
		return fail(stderr, fs, err)
	}
	bucket, err := g.bucket(ctx, cfg)
	if err != nil {
		return fail(stderr, fs, err)
	}
	b := bootstrap.New(bootstrap.NewS3(cfg, g.endpoint), g.region)
	b.SkipTLSOnly = strings.HasPrefix(g.endpoint, "http://")
	res, err := b.Run(ctx, bucket)
	if err != nil {
		return fail(stderr, fs, g.unreachable(err))
	}
	switch {
	case res.Created:
		fmt.Fprintf(stdout, "state bucket %s: created with %s\n", bucket, strings.Join(res.Changed, ", "))
	case len(res.Changed) > 0:
		fmt.Fprintf(stdout, "state bucket %s: existed; set %s\n", bucket, strings.Join(res.Changed, ", "))
	default:
		fmt.Fprintf(stdout, "state bucket %s: already set up\n", bucket)
	}
	if b.SkipTLSOnly {
		fmt.Fprintf(stdout, "state bucket %s: TLS-only policy left out: the endpoint %s is plain HTTP and the policy would deny every request\n", bucket, g.endpoint)
	}
	for _, n := range res.Notes {
		fmt.Fprintf(stdout, "state bucket %s: %s\n", bucket, n)
	}
	fmt.Fprintf(stdout, "state key for %s: %s\n", g.env, envcfg.StateKey(g.env))
	return exitcode.OK
}
