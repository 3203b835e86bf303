package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"dagger/predictor/internal/awsx"
	"dagger/predictor/internal/bootstrap"
	"dagger/predictor/internal/envcfg"
	"dagger/predictor/internal/exitcode"
	"dagger/predictor/internal/tf"
)

func init() {
	register(command{name: "destroy", summary: "destroy all of an environment's resources and the data in its buckets (--confirm ENV; a protected one such as prod also --break-glass)", run: runDestroy})
}

// bucketOutputs are the outputs naming the buckets destroy empties first: terraform
// cannot delete a bucket that still holds objects, versions or delete markers.
var bucketOutputs = []string{"s3_files_bucket_name", "s3_data_bucket_name"}

// errNoSuchBucket: the bucket named by an output is gone already.
var errNoSuchBucket = errors.New("no such bucket")

// runDestroy checks the confirmation, then saves a destroy plan (which takes the state
// lock: a run holding it stops destroy here, before any data is deleted), empties the
// buckets, and applies exactly that plan.
func runDestroy(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	sub := newCmd("destroy", withTerraform)
	fs, g, tfl := sub.fs, sub.g, sub.tfl
	confirm := fs.String("confirm", "", "the environment name again; destroy refuses anything else")
	breakGlass := fs.Bool("break-glass", false, "also required to destroy a protected environment (prod), on top of --confirm ENV: it deletes production data for good")
	if code, ok := sub.parse(args, stderr); !ok {
		return code
	}
	// Refused before anything touches AWS or terraform.
	if err := checkConfirm(g.env, *confirm, *breakGlass); err != nil {
		return fail(stderr, fs, err)
	}
	s, cleanup, err := g.terraform(ctx, tfl, stderr)
	defer cleanup()
	if err != nil {
		return fail(stderr, fs, err)
	}
	planFile := filepath.Join(filepath.Dir(s.tf.Config.DataDir), "destroy.tfplan")
	defer os.Remove(planFile)
	if _, err := s.tf.DestroyPlan(ctx, planFile); err != nil {
		if errors.Is(err, tf.ErrStateLocked) {
			err = fmt.Errorf("nothing was deleted: %w; wait for that run to finish, or if it died, `terraform force-unlock` that lock ID", err)
		}
		return fail(stderr, fs, err)
	}
	outs, err := s.tf.Outputs(ctx)
	if err != nil {
		return fail(stderr, fs, err)
	}
	cfg, err := g.awsConfig(ctx)
	if err != nil {
		return fail(stderr, fs, err)
	}
	client := bootstrap.NewS3(cfg, g.endpoint)
	for _, name := range bucketOutputs {
		o, ok := outs[name]
		bucket := ""
		if ok {
			bucket = rawValue(o.Value)
		}
		if bucket == "" {
			fmt.Fprintf(stdout, "bucket %s: not in the outputs, nothing to empty\n", name)
			continue
		}
		versions, markers, err := emptyBucket(ctx, client, bucket, 1000)
		switch {
		case errors.Is(err, errNoSuchBucket):
			fmt.Fprintf(stdout, "bucket %s: gone already\n", bucket)
		case err != nil:
			return fail(stderr, fs, awsx.Explain(err, g.endpoint))
		default:
			fmt.Fprintf(stdout, "bucket %s: emptied (%d object versions, %d delete markers)\n", bucket, versions, markers)
		}
	}
	if err := s.tf.Apply(ctx, planFile); err != nil {
		return fail(stderr, fs, fmt.Errorf("terraform destroy: %w", err))
	}
	fmt.Fprintf(stdout, "destroyed every resource of %s\n", g.env)
	return exitcode.OK
}

// checkConfirm requires --confirm to repeat --env, and --break-glass for a protected
// environment (prod): one typed name is not enough to delete production data.
func checkConfirm(env, confirm string, breakGlass bool) error {
	what := fmt.Sprintf("destroy deletes every resource of %s and the data in its buckets", env)
	switch {
	case confirm == "":
		return fmt.Errorf("no --confirm given: %s; pass --confirm %s", what, env)
	case confirm != env:
		return fmt.Errorf("--confirm %q does not match --env %s: %s; pass --confirm %s", confirm, env, what, env)
	case envcfg.Protected(env) && !breakGlass:
		return fmt.Errorf("%s is protected: %s for good; pass --break-glass as well as --confirm %s", env, what, env)
	}
	return nil
}

// s3EmptyAPI lists the S3 calls emptying a bucket uses.
type s3EmptyAPI interface {
	ListObjectVersions(context.Context, *s3.ListObjectVersionsInput, ...func(*s3.Options)) (*s3.ListObjectVersionsOutput, error)
	DeleteObjects(context.Context, *s3.DeleteObjectsInput, ...func(*s3.Options)) (*s3.DeleteObjectsOutput, error)
}

// emptyBucket deletes every object version and delete marker of bucket, pageSize
// (at most 1000, DeleteObjects' limit) at a time. Each round lists from the start
// and deletes what it got, until a listing comes back empty: no pagination markers
// to go stale under the deletions, and objects written meanwhile go too. A listing
// that repeats the previous one exactly means the deletions do not take: it stops
// there rather than loop.
func emptyBucket(ctx context.Context, c s3EmptyAPI, bucket string, pageSize int32) (versions, markers int, err error) {
	var previous []s3types.ObjectIdentifier
	for {
		page, err := c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(bucket), MaxKeys: aws.Int32(pageSize)})
		if err != nil {
			var api smithy.APIError
			if errors.As(err, &api) && api.ErrorCode() == "NoSuchBucket" {
				return versions, markers, fmt.Errorf("list object versions of %s: %w", bucket, errNoSuchBucket)
			}
			return versions, markers, fmt.Errorf("list object versions of %s: %w", bucket, err)
		}
		ids := make([]s3types.ObjectIdentifier, 0, len(page.Versions)+len(page.DeleteMarkers))
		for _, v := range page.Versions {
			ids = append(ids, s3types.ObjectIdentifier{Key: v.Key, VersionId: v.VersionId})
		}
		for _, m := range page.DeleteMarkers {
			ids = append(ids, s3types.ObjectIdentifier{Key: m.Key, VersionId: m.VersionId})
		}
		if len(ids) == 0 {
			return versions, markers, nil
		}
		if sameIdentifiers(ids, previous) {
			return versions, markers, fmt.Errorf("empty bucket %s: %s (version %s) is still listed after its deletion", bucket, aws.ToString(ids[0].Key), aws.ToString(ids[0].VersionId))
		}
		if err := deleteObjects(ctx, c, bucket, ids); err != nil {
			return versions, markers, err
		}
		versions += len(page.Versions)
		markers += len(page.DeleteMarkers)
		previous = ids
	}
}

func sameIdentifiers(a, b []s3types.ObjectIdentifier) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if aws.ToString(a[i].Key) != aws.ToString(b[i].Key) || aws.ToString(a[i].VersionId) != aws.ToString(b[i].VersionId) {
			return false
		}
	}
	return true
}

// deleteObjects deletes ids (object versions and delete markers) in one request.
func deleteObjects(ctx context.Context, c s3EmptyAPI, bucket string, ids []s3types.ObjectIdentifier) error {
	out, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String(bucket), Delete: &s3types.Delete{Objects: ids, Quiet: aws.Bool(true)}})
	if err != nil {
		return fmt.Errorf("delete %d object versions from %s: %w", len(ids), bucket, err)
	}
	if len(out.Errors) > 0 {
		e := out.Errors[0]
		return fmt.Errorf("delete %s (version %s) from %s: %s: %s (and %d more errors)", aws.ToString(e.Key), aws.ToString(e.VersionId), bucket,
			aws.ToString(e.Code), aws.ToString(e.Message), len(out.Errors)-1)
	}
	return nil
}
