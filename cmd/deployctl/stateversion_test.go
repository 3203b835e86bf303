package main

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"dagger/predictor/internal/awsx"
	"dagger/predictor/internal/envcfg"
	"dagger/predictor/internal/testsupport/testenv"
)

// TestStateVersionCommand runs `deployctl state-version` against the emulator: a
// missing bucket points at bootstrap, a missing state prints "none", each write of
// the state prints a new identity (version ID, or ETag in an unversioned bucket).
func TestStateVersionCommand(t *testing.T) {
	t.Parallel()
	bin := testenv.Deployctl(t)
	moto := testenv.NewMoto(t, testenv.MotoOptions{})
	cfg, err := awsx.Load(t.Context(), awsx.Options{Region: testenv.Region, Endpoint: moto.URL, Credentials: awsx.StaticCredentials(testKeyID, testSecret)})
	if err != nil {
		t.Fatal(err)
	}
	c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	version := func(bucket string) runResult {
		t.Helper()
		return runDeployctl(t, bin, false, "state-version", "--env", "dev", "--aws-endpoint", moto.URL, "--state-bucket", bucket)
	}
	put := func(bucket, body string) {
		t.Helper()
		if _, err := c.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(envcfg.StateKey("dev")), Body: strings.NewReader(body)}); err != nil {
			t.Fatal(err)
		}
	}

	r := version("missing-state-bucket")
	if r.code != 1 || !strings.HasPrefix(r.stderr, "deployctl state-version: ") || !strings.Contains(r.stderr, "deployctl bootstrap --env dev") || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("missing bucket: exit %d, stderr %q", r.code, r.stderr)
	}

	for name, versioned := range map[string]bool{"versioned": true, "unversioned": false} {
		t.Run(name, func(t *testing.T) {
			bucket := "state-version-" + name
			if _, err := c.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
				t.Fatal(err)
			}
			if versioned {
				if _, err := c.PutBucketVersioning(t.Context(), &s3.PutBucketVersioningInput{Bucket: aws.String(bucket),
					VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}}); err != nil {
					t.Fatal(err)
				}
			}
			r := version(bucket)
			if r.code != 0 || r.stdout != "none\n" {
				t.Fatalf("no state: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
			}
			put(bucket, `{"serial": 1}`)
			first := version(bucket)
			put(bucket, `{"serial": 2}`)
			second := version(bucket)
			again := version(bucket)
			for _, r := range []runResult{first, second, again} {
				if r.code != 0 || strings.Count(r.stdout, "\n") != 1 || strings.ContainsAny(strings.TrimSpace(r.stdout), " \"") || r.stdout == "none\n" {
					t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
				}
			}
			if first.stdout == second.stdout {
				t.Errorf("the identity did not change with the state: %q", first.stdout)
			}
			if second.stdout != again.stdout {
				t.Errorf("the identity changed without a write: %q then %q", second.stdout, again.stdout)
			}
			if versioned {
				head, err := c.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(envcfg.StateKey("dev"))})
				if err != nil {
					t.Fatal(err)
				}
				if want := aws.ToString(head.VersionId) + "\n"; second.stdout != want {
					t.Errorf("versioned bucket: printed %q, want the version ID %q", second.stdout, want)
				}
			}
		})
	}
}
