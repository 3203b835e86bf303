package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/hashicorp/terraform-exec/tfexec"

	"dagger/predictor/internal/awsx"
	"dagger/predictor/internal/bootstrap"
	"dagger/predictor/internal/exitcode"
	"dagger/predictor/internal/tf"
)

func init() {
	register(command{name: "destroy", summary: "empty an environment's buckets (every version) and destroy all of its resources (--confirm ENV)", run: runDestroy})
}

// bucketOutputs are the outputs naming the buckets destroy empties first: terraform
// cannot delete a bucket that still holds objects, versions or delete markers.
var bucketOutputs = []string{"s3_files_bucket_name", "s3_data_bucket_name"}

// errNoSuchBucket: the bucket named by an output is gone already.
var errNoSuchBucket = errors.New("no such bucket")

func runDestroy(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("destroy")
	g := addGlobals(fs)
	tfl := addTFFlags(fs)
	confirm := fs.String("confirm", "", "the environment name again; destroy refuses anything else")
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	if err := g.validate(); err != nil {
		return fail(stderr, fs, err)
	}
	// Refused before anything touches AWS or terraform.
	if err := checkConfirm(g.env, *confirm); err != nil {
		return fail(stderr, fs, err)
	}
	s, cleanup, err := g.terraform(ctx, tfl, stderr)
	defer cleanup()
	if err != nil {
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
	if err := destroy(ctx, s.tf, stderr); err != nil {
		return fail(stderr, fs, err)
	}
	fmt.Fprintf(stdout, "destroyed every resource of %s\n", g.env)
	return exitcode.OK
}

// checkConfirm requires --confirm to repeat --env.
func checkConfirm(env, confirm string) error {
	if confirm == env {
		return nil
	}
	if confirm == "" {
		return fmt.Errorf("no --confirm given: destroy deletes every resource of %s and the data in its buckets; pass --confirm %s", env, env)
	}
	return fmt.Errorf("--confirm %q does not match --env %s: destroy deletes every resource of %s and the data in its buckets; pass --confirm %s", confirm, env, env, env)
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

// destroy runs terraform destroy through terraform-exec (internal/tf has no destroy)
// in the working directory t was initialized in: the same root module, data
// directory (hence backend), variable file, variables and lock timeout as plan.
func destroy(ctx context.Context, t *tf.Terraform, log io.Writer) error {
	tfx, err := tfexec.NewTerraform(t.Config.Dir, t.Bin)
	if err != nil {
		return fmt.Errorf("prepare terraform in %s: %w", t.Config.Dir, err)
	}
	env := destroyEnv(t.Config, os.Environ())
	if err := tfx.SetEnv(env); err != nil {
		return fmt.Errorf("prepare terraform environment: %w", err)
	}
	if log != nil {
		tfx.SetStdout(log)
		tfx.SetStderr(log)
	}
	if err := tfx.Destroy(ctx, destroyOptions(t.Config)...); err != nil {
		return fmt.Errorf("terraform destroy: %s", firstErrorLine(err.Error()))
	}
	return nil
}

// destroyEnv is the inherited environment plus the working directory's TF_DATA_DIR
// and plugin cache, without the variables terraform-exec manages itself.
func destroyEnv(c tf.Config, environ []string) map[string]string {
	env := map[string]string{}
	for _, kv := range environ {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	if c.DataDir != "" {
		env["TF_DATA_DIR"] = c.DataDir
	}
	if c.PluginCacheDir != "" {
		env["TF_PLUGIN_CACHE_DIR"] = c.PluginCacheDir
	}
	return tfexec.CleanEnv(maps.Clone(env))
}

// destroyOptions are plan's variable file, variables and lock timeout.
func destroyOptions(c tf.Config) []tfexec.DestroyOption {
	lock := c.LockTimeout
	if lock <= 0 {
		lock = tf.DefaultLockTimeout
	}
	opts := []tfexec.DestroyOption{tfexec.LockTimeout(lock.String())}
	if c.VarFile != "" {
		opts = append(opts, tfexec.VarFile(c.VarFile))
	}
	for _, v := range c.Vars {
		opts = append(opts, tfexec.Var(v.Name+"="+v.Value))
	}
	return opts
}

// firstErrorLine is terraform's first "Error: ..." line in msg, else msg's last line.
func firstErrorLine(msg string) string {
	last := ""
	for line := range strings.Lines(msg) {
		s := strings.TrimSpace(strings.TrimLeft(line, "│╷╵ \t"))
		if strings.HasPrefix(s, "Error: ") {
			return s
		}
		if s != "" {
			last = s
		}
	}
	return last
}
