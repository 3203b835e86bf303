package e2e

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"dagger/predictor/internal/testsupport/testenv"
)

// TestBadInput: each mistake ends with exit 1 and one line on standard error, before
// terraform runs or anything changes.
func TestBadInput(t *testing.T) {
	t.Parallel()
	f := newFixture(t, testenv.SharedMoto(t))
	noCreds := []string{"AWS_ACCESS_KEY_ID=", "AWS_SECRET_ACCESS_KEY=", "AWS_PROFILE=", "AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE=" + filepath.Join(f.dir, "none"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(f.dir, "none")}
	tests := map[string]struct {
		env  []string
		args []string
		want string
		// prefix: want is the start of the line (the rest is the SDK's error).
		prefix bool
	}{
		"unknown env":       {args: []string{"plan", "--env", "qa", "--out", "p"}, want: `deployctl plan: unknown environment "qa": use one of dev, prod, local`},
		"no env":            {args: []string{"apply", "--plan", "p"}, want: "deployctl apply: no environment given: pass --env with one of dev, prod, local"},
		"no out":            {args: []string{"plan", "--env", "local"}, want: "deployctl plan: no --out given: pass the file to save the plan in, such as --out dev.tfplan"},
		"unknown flag":      {args: []string{"drift", "--env", "local", "--bogus"}, want: "deployctl drift: flag provided but not defined: -bogus: run `deployctl drift -h` for the flags"},
		"missing plan":      {args: []string{"apply", "--env", "local", "--plan", "nope.tfplan"}, want: "deployctl apply: plan file " + filepath.Join(f.work, "nope.tfplan") + " not found: run `deployctl plan --env local --out FILE` first"},
		"no credentials":    {env: noCreds, args: []string{"plan", "--env", "local", "--out", "p"}, want: "deployctl plan: no AWS credentials: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (with AWS_SESSION_TOKEN for temporary ones), or run in a role"},
		"no state bucket":   {args: []string{"plan", "--env", "local", "--out", "p"}, want: "deployctl plan: state bucket not found: " + f.bucket + ": run `deployctl bootstrap --env local` first"},
		"bad endpoint":      {args: []string{"outputs", "--env", "local", "--aws-endpoint", "localhost:4566"}, want: `deployctl outputs: invalid --aws-endpoint "localhost:4566": use a URL such as http://127.0.0.1:5000, or leave it empty for real AWS`},
		"cost without plan": {args: []string{"cost"}, want: "deployctl cost: no --plan given: pass a saved plan file or its JSON"},
		"unreachable endpoint": {args: []string{"plan", "--env", "local", "--out", "p", "--aws-endpoint", "http://127.0.0.1:1"}, prefix: true,
			want: "deployctl plan: cannot reach http://127.0.0.1:1 (check --aws-endpoint, AWS_ENDPOINT_URL and the network): check state bucket "},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r := f.run(tc.env, tc.args...)
			if r.code != 1 {
				t.Errorf("exit %d, want 1; stderr:\n%s", r.code, r.stderr)
			}
			if tc.prefix {
				if !strings.HasPrefix(r.stderr, tc.want) || strings.Count(r.stderr, "\n") != 1 {
					t.Errorf("stderr:\n%q\nwant one line starting:\n%q", r.stderr, tc.want)
				}
				return
			}
			if r.stderr != tc.want+"\n" {
				t.Errorf("stderr:\n%q\nwant one line:\n%q", r.stderr, tc.want+"\n")
			}
		})
	}
	if strings.Contains(f.bucket, "_") {
		t.Fatal("bucket name")
	}
}

// TestBootstrapDefaultBucket: without --state-bucket the name comes from the account
// and region; a second run changes nothing; the settings are there.
func TestBootstrapDefaultBucket(t *testing.T) {
	t.Parallel()
	f := newFixture(t, testenv.SharedMoto(t))
	const bucket = "predictor-tfstate-123456789012-us-east-1"
	r := f.exec(nil, "bootstrap", "--env", "dev")
	f.want(r, 0)
	if !strings.HasPrefix(r.stdout, "state bucket "+bucket+": created with public access block, versioning, encryption, saved plans expire\n") {
		t.Errorf("first run said:\n%s", r.stdout)
	}
	r = f.exec(nil, "bootstrap", "--env", "prod")
	f.want(r, 0)
	if !strings.HasPrefix(r.stdout, "state bucket "+bucket+": already set up\n") || !strings.Contains(r.stdout, "state key for prod: predictor/prod/terraform.tfstate") {
		t.Errorf("second run said:\n%s", r.stdout)
	}
	c := f.s3(t)
	v, err := c.GetBucketVersioning(t.Context(), &s3.GetBucketVersioningInput{Bucket: aws.String(bucket)})
	if err != nil || v.Status != s3types.BucketVersioningStatusEnabled {
		t.Errorf("versioning %v %v", v.Status, err)
	}
	e, err := c.GetBucketEncryption(t.Context(), &s3.GetBucketEncryptionInput{Bucket: aws.String(bucket)})
	if err != nil || e.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm != s3types.ServerSideEncryptionAes256 {
		t.Errorf("encryption %+v %v", e, err)
	}
	p, err := c.GetPublicAccessBlock(t.Context(), &s3.GetPublicAccessBlockInput{Bucket: aws.String(bucket)})
	if err != nil || !aws.ToBool(p.PublicAccessBlockConfiguration.RestrictPublicBuckets) || !aws.ToBool(p.PublicAccessBlockConfiguration.BlockPublicAcls) {
		t.Errorf("public access block %+v %v", p, err)
	}
}
