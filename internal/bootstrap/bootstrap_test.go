package bootstrap

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"

	"dagger/predictor/internal/awsx"
	"dagger/predictor/internal/testsupport/testenv"
)

func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }

func client(t *testing.T, region string) (*s3.Client, aws.Config) {
	t.Helper()
	moto := testenv.SharedMoto(t)
	cfg, err := awsx.Load(t.Context(), awsx.Options{Region: region, Endpoint: moto.URL, Credentials: awsx.StaticCredentials("test", "test")})
	if err != nil {
		t.Fatal(err)
	}
	return NewS3(cfg, moto.URL), cfg
}

// TestRunIdempotent: the first run creates and configures the bucket, the second
// finds everything in place; an existing policy statement is kept.
func TestRunIdempotent(t *testing.T) {
	tests := map[string]struct {
		region string
		bucket string
	}{
		"us-east-1": {region: "us-east-1", bucket: "tfstate-idem-use1"},
		"eu-west-1": {region: "eu-west-1", bucket: "tfstate-idem-euw1"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, _ := client(t, tc.region)
			b := New(c, tc.region)
			first, err := b.Run(t.Context(), tc.bucket)
			if err != nil {
				t.Fatal(err)
			}
			want := Result{Bucket: tc.bucket, Created: true, Changed: []string{"public access block", "versioning", "encryption", "saved plans expire", "TLS-only policy"}}
			if diff := cmp.Diff(want, first); diff != "" {
				t.Errorf("first run (-want +got):\n%s", diff)
			}
			second, err := b.Run(t.Context(), tc.bucket)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(Result{Bucket: tc.bucket, Changed: []string{}}, second); diff != "" {
				t.Errorf("second run (-want +got):\n%s", diff)
			}
			assertSettings(t, c, tc.bucket)
			if tc.region != "us-east-1" {
				loc, err := c.GetBucketLocation(t.Context(), &s3.GetBucketLocationInput{Bucket: aws.String(tc.bucket)})
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(s3types.BucketLocationConstraint(tc.region), loc.LocationConstraint); diff != "" {
					t.Errorf("location (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestRunKeepsExistingPolicy(t *testing.T) {
	t.Parallel()
	c, _ := client(t, "us-east-1")
	bucket := "tfstate-existing-policy"
	if _, err := c.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	other := `{"Version":"2012-10-17","Statement":{"Sid":"Other","Effect":"Deny","Principal":"*","Action":"s3:DeleteBucket","Resource":"arn:aws:s3:::` + bucket + `"}}`
	if _, err := c.PutBucketPolicy(t.Context(), &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(other)}); err != nil {
		t.Fatal(err)
	}
	res, err := New(c, "us-east-1").Run(t.Context(), bucket)
	if err != nil {
		t.Fatal(err)
	}
	if res.Created {
		t.Error("Created = true for an existing bucket")
	}
	sids := policySids(t, c, bucket)
	if diff := cmp.Diff([]string{"Other", tlsOnlySid}, sids); diff != "" {
		t.Errorf("policy Sids (-want +got):\n%s", diff)
	}
}

func TestDefaultBucket(t *testing.T) {
	t.Parallel()
	_, cfg := client(t, "us-east-1")
	got, err := DefaultBucket(t.Context(), cfg, "us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("predictor-tfstate-123456789012-us-east-1", got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func policySids(t *testing.T, c *s3.Client, bucket string) []string {
	t.Helper()
	out, err := c.GetBucketPolicy(t.Context(), &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Statement []map[string]any
	}
	if err := json.Unmarshal([]byte(aws.ToString(out.Policy)), &doc); err != nil {
		t.Fatal(err)
	}
	var sids []string
	for _, s := range doc.Statement {
		sid, _ := s["Sid"].(string)
		sids = append(sids, sid)
	}
	return sids
}

// assertSettings checks the bucket's settings through the S3 API.
func assertSettings(t *testing.T, c *s3.Client, bucket string) {
	t.Helper()
	ctx := t.Context()
	v, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(bucket)})
	if err != nil || v.Status != s3types.BucketVersioningStatusEnabled {
		t.Errorf("versioning: %v %v", v.Status, err)
	}
	e, err := c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(bucket)})
	if err != nil || len(e.ServerSideEncryptionConfiguration.Rules) == 0 ||
		e.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm != s3types.ServerSideEncryptionAes256 {
		t.Errorf("encryption: %+v %v", e, err)
	}
	p, err := c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatalf("public access block: %v", err)
	}
	pc := p.PublicAccessBlockConfiguration
	if !aws.ToBool(pc.BlockPublicAcls) || !aws.ToBool(pc.BlockPublicPolicy) || !aws.ToBool(pc.IgnorePublicAcls) || !aws.ToBool(pc.RestrictPublicBuckets) {
		t.Errorf("public access block: %+v", pc)
	}
	out, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Statement []map[string]any
	}
	if err := json.Unmarshal([]byte(aws.ToString(out.Policy)), &doc); err != nil {
		t.Fatal(err)
	}
	want := tlsOnlyStatement(bucket)
	got := doc.Statement[len(doc.Statement)-1]
	// Round-trip the wanted statement through JSON so types compare equal.
	data, _ := json.Marshal(want)
	var wantJSON map[string]any
	_ = json.Unmarshal(data, &wantJSON)
	if diff := cmp.Diff(wantJSON, got); diff != "" {
		t.Errorf("TLS-only statement (-want +got):\n%s", diff)
	}
}

func TestRunSkipTLSOnly(t *testing.T) {
	t.Parallel()
	c, _ := client(t, "us-east-1")
	b := New(c, "us-east-1")
	b.SkipTLSOnly = true
	res, err := b.Run(t.Context(), "tfstate-plain-http")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"public access block", "versioning", "encryption", "saved plans expire"}, res.Changed); diff != "" {
		t.Errorf("changed (-want +got):\n%s", diff)
	}
	if _, err := c.GetBucketPolicy(t.Context(), &s3.GetBucketPolicyInput{Bucket: aws.String("tfstate-plain-http")}); err == nil {
		t.Error("bucket policy set despite SkipTLSOnly")
	}
}

// TestPlanExpiryKeepsOtherRules: the saved-plan rule is added next to a rule the
// bucket already has, once.
func TestPlanExpiryKeepsOtherRules(t *testing.T) {
	t.Parallel()
	c, _ := client(t, "us-east-1")
	bucket := "tfstate-with-rules"
	if _, err := New(c, "us-east-1").Run(t.Context(), bucket); err != nil {
		t.Fatal(err)
	}
	other := s3types.LifecycleRule{ID: aws.String("keep-mine"), Status: s3types.ExpirationStatusEnabled, Filter: &s3types.LifecycleRuleFilter{Prefix: aws.String("logs/")}, Expiration: &s3types.LifecycleExpiration{Days: aws.Int32(7)}}
	if _, err := c.PutBucketLifecycleConfiguration(t.Context(), &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String(bucket), LifecycleConfiguration: &s3types.BucketLifecycleConfiguration{Rules: []s3types.LifecycleRule{other}}}); err != nil {
		t.Fatal(err)
	}
	res, err := New(c, "us-east-1").Run(t.Context(), bucket)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"saved plans expire"}, res.Changed); diff != "" {
		t.Errorf("changed (-want +got):\n%s", diff)
	}
	out, err := c.GetBucketLifecycleConfiguration(t.Context(), &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range out.Rules {
		ids = append(ids, aws.ToString(r.ID))
	}
	if diff := cmp.Diff([]string{"keep-mine", planExpiryRule}, ids); diff != "" {
		t.Errorf("lifecycle rules (-want +got):\n%s", diff)
	}
}
