package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"dagger/predictor/internal/awsx"
	"dagger/predictor/internal/bootstrap"
	"dagger/predictor/internal/envcfg"
	"dagger/predictor/internal/exitcode"
)

func init() {
	register(command{name: "state-version", summary: "print the identity of an environment's state object (S3 version ID or ETag; \"none\" without state)", run: runStateVersion})
}

// noState is printed when the environment has no state object yet.
const noState = "none"

// headObjectAPI lists the S3 call state-version uses.
type headObjectAPI interface {
	HeadObject(context.Context, *s3.HeadObjectInput, ...func(*s3.Options)) (*s3.HeadObjectOutput, error)
}

// runStateVersion prints one token that changes whenever the state changes: the
// Dagger module feeds it into the plan step, so a plan is reused only for the state
// it was made from. It only reads.
func runStateVersion(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	// The terraform flags are accepted like on plan, unused: no terraform runs.
	sub := newCmd("state-version", withTerraform)
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
		return fail(stderr, fs, awsx.Explain(err, g.endpoint))
	}
	client := bootstrap.NewS3(cfg, g.endpoint)
	if err := bootstrap.Exists(ctx, client, bucket); err != nil {
		return fail(stderr, fs, fmt.Errorf("%w: run `deployctl bootstrap --env %s` first", awsx.Explain(err, g.endpoint), g.env))
	}
	v, err := stateVersion(ctx, client, bucket, envcfg.StateKey(g.env))
	if err != nil {
		return fail(stderr, fs, awsx.Explain(err, g.endpoint))
	}
	fmt.Fprintln(stdout, v)
	return exitcode.OK
}

// stateVersion is the state object's version ID in a versioned bucket, else its ETag
// (without quotes), or noState when there is no object.
func stateVersion(ctx context.Context, c headObjectAPI, bucket, key string) (string, error) {
	out, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		var nf *s3types.NotFound
		var api smithy.APIError
		if errors.As(err, &nf) || (errors.As(err, &api) && (api.ErrorCode() == "NotFound" || api.ErrorCode() == "NoSuchKey")) {
			return noState, nil
		}
		return "", fmt.Errorf("read state object s3://%s/%s: %w", bucket, key, err)
	}
	if v := aws.ToString(out.VersionId); v != "" && v != "null" {
		return v, nil
	}
	if e := strings.Trim(aws.ToString(out.ETag), `"`); e != "" {
		return e, nil
	}
	return "", fmt.Errorf("read state object s3://%s/%s: neither a version ID nor an ETag", bucket, key)
}
