package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/service/ecr"

	"dagger/predictor/internal/awsx"
	"dagger/predictor/internal/ecrimage"
	"dagger/predictor/internal/exitcode"
)

func init() {
	register(command{name: "image-digest", summary: "print the digest an ECR tag holds (nothing when the tag does not exist)", run: runImageDigest})
}

func runImageDigest(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	sub := newCmd("image-digest", noTerraform).envOptional()
	fs, g := sub.fs, sub.g
	repoURL := fs.String("repository-url", "", "ECR repository URL (ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME)")
	tag := fs.String("tag", "", "image tag to look up")
	if code, ok := sub.parse(args, stderr); !ok {
		return code
	}
	if *repoURL == "" || *tag == "" {
		return fail(stderr, fs, errors.New("pass --repository-url and --tag (terraform output ecr_repository_url and the image tag)"))
	}
	cfg, err := g.awsConfig(ctx)
	if err != nil {
		return fail(stderr, fs, err)
	}
	digest, err := ecrimage.New(ecr.NewFromConfig(cfg)).TagDigest(ctx, *repoURL, *tag)
	if err != nil {
		return fail(stderr, fs, awsx.Explain(err, g.endpoint))
	}
	fmt.Fprintln(stdout, digest)
	return exitcode.OK
}
