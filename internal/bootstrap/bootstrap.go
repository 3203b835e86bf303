// Package bootstrap creates the terraform state bucket of an account and region and
// keeps its settings: versioning, default encryption, a public access block, and a
// bucket policy that denies requests without TLS. Running it again changes nothing
// that is already right.
package bootstrap

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"dagger/predictor/internal/envcfg"
	"dagger/predictor/internal/planstore"
)

// Sentinel errors, checked with errors.Is.
var (
	// ErrNoBucket: the state bucket does not exist.
	ErrNoBucket = errors.New("state bucket not found")
	// ErrForeignBucket: the bucket name exists but this account may not use it.
	ErrForeignBucket = errors.New("state bucket exists but is not accessible to this account (it belongs to another account, or access is denied): pick another name with --state-bucket")
)

// tlsOnlySid is the Sid of the statement denying requests without TLS.
const tlsOnlySid = "DenyInsecureTransport"

// s3API lists the S3 calls bootstrap makes.
type s3API interface {
	HeadBucket(context.Context, *s3.HeadBucketInput, ...func(*s3.Options)) (*s3.HeadBucketOutput, error)
	CreateBucket(context.Context, *s3.CreateBucketInput, ...func(*s3.Options)) (*s3.CreateBucketOutput, error)
	GetBucketVersioning(context.Context, *s3.GetBucketVersioningInput, ...func(*s3.Options)) (*s3.GetBucketVersioningOutput, error)
	PutBucketVersioning(context.Context, *s3.PutBucketVersioningInput, ...func(*s3.Options)) (*s3.PutBucketVersioningOutput, error)
	GetBucketEncryption(context.Context, *s3.GetBucketEncryptionInput, ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error)
	PutBucketEncryption(context.Context, *s3.PutBucketEncryptionInput, ...func(*s3.Options)) (*s3.PutBucketEncryptionOutput, error)
	GetPublicAccessBlock(context.Context, *s3.GetPublicAccessBlockInput, ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error)
	PutPublicAccessBlock(context.Context, *s3.PutPublicAccessBlockInput, ...func(*s3.Options)) (*s3.PutPublicAccessBlockOutput, error)
	GetBucketPolicy(context.Context, *s3.GetBucketPolicyInput, ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error)
	PutBucketPolicy(context.Context, *s3.PutBucketPolicyInput, ...func(*s3.Options)) (*s3.PutBucketPolicyOutput, error)
	GetBucketLifecycleConfiguration(context.Context, *s3.GetBucketLifecycleConfigurationInput, ...func(*s3.Options)) (*s3.GetBucketLifecycleConfigurationOutput, error)
	PutBucketLifecycleConfiguration(context.Context, *s3.PutBucketLifecycleConfigurationInput, ...func(*s3.Options)) (*s3.PutBucketLifecycleConfigurationOutput, error)
}

// stsAPI lists the STS call used to name the default bucket.
type stsAPI interface {
	GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

// NewS3 returns an S3 client for cfg; against an emulator (endpoint set) it uses
// path-style addressing.
func NewS3(cfg aws.Config, endpoint string) *s3.Client {
	return s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = endpoint != "" })
}

// DefaultBucket names the state bucket of the caller's account in region.
func DefaultBucket(ctx context.Context, cfg aws.Config, region string) (string, error) {
	return defaultBucket(ctx, sts.NewFromConfig(cfg), region)
}

func defaultBucket(ctx context.Context, c stsAPI, region string) (string, error) {
	out, err := c.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", fmt.Errorf("get caller identity for the default state bucket name: %w", err)
	}
	return envcfg.DefaultStateBucket(aws.ToString(out.Account), region), nil
}

// Result says what Run found and did.
type Result struct {
	Bucket  string   `json:"bucket"`
	Created bool     `json:"created"`
	Changed []string `json:"changed"`
	// Notes are settings left as they are, and why.
	Notes []string `json:"notes,omitempty"`
}

// Bootstrapper sets up a state bucket.
type Bootstrapper struct {
	s3     s3API
	region string
	// SkipTLSOnly leaves out the TLS-only bucket policy: against an emulator served
	// over plain HTTP it would deny every request, terraform's included.
	SkipTLSOnly bool
}

// New returns a Bootstrapper using client in region.
func New(client *s3.Client, region string) *Bootstrapper {
	return &Bootstrapper{s3: client, region: region}
}

// Run creates bucket if missing and brings its settings to the wanted state.
func (b *Bootstrapper) Run(ctx context.Context, bucket string) (Result, error) {
	res := Result{Bucket: bucket, Changed: []string{}}
	exists, err := b.exists(ctx, bucket)
	if err != nil {
		return res, err
	}
	if !exists {
		if err := b.create(ctx, bucket); err != nil {
			return res, err
		}
		res.Created = true
	}
	steps := []struct {
		name string
		fn   func(context.Context, string) (bool, error)
	}{
		{"public access block", b.publicAccessBlock},
		{"versioning", b.versioning},
		{"encryption", b.encryption},
		{"saved plans expire", b.planExpiry},
		{"TLS-only policy", b.tlsOnly},
	}
	for _, s := range steps {
		if s.name == "TLS-only policy" && b.SkipTLSOnly {
			continue
		}
		changed, err := s.fn(ctx, bucket)
		var left *leftAlone
		if errors.As(err, &left) {
			res.Notes = append(res.Notes, left.note)
			continue
		}
		if err != nil {
			return res, err
		}
		if changed {
			res.Changed = append(res.Changed, s.name)
		}
	}
	return res, nil
}

func status(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func (b *Bootstrapper) exists(ctx context.Context, bucket string) (bool, error) {
	_, err := b.s3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)})
	switch {
	case err == nil:
		return true, nil
	case status(err) == http.StatusNotFound:
		return false, nil
	case status(err) == http.StatusForbidden:
		return false, fmt.Errorf("check state bucket %s: %w", bucket, ErrForeignBucket)
	}
	return false, fmt.Errorf("check state bucket %s: %w", bucket, err)
}

func (b *Bootstrapper) create(ctx context.Context, bucket string) error {
	in := &s3.CreateBucketInput{Bucket: aws.String(bucket)}
	// us-east-1 rejects an explicit location constraint.
	if b.region != "us-east-1" {
		in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(b.region)}
	}
	_, err := b.s3.CreateBucket(ctx, in)
	switch {
	case err == nil, code(err) == "BucketAlreadyOwnedByYou":
		return nil
	case code(err) == "BucketAlreadyExists":
		return fmt.Errorf("create state bucket %s: %w", bucket, ErrForeignBucket)
	}
	return fmt.Errorf("create state bucket %s: %w", bucket, err)
}

func (b *Bootstrapper) publicAccessBlock(ctx context.Context, bucket string) (bool, error) {
	out, err := b.s3.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String(bucket)})
	if err == nil && out.PublicAccessBlockConfiguration != nil {
		c := out.PublicAccessBlockConfiguration
		if aws.ToBool(c.BlockPublicAcls) && aws.ToBool(c.BlockPublicPolicy) && aws.ToBool(c.IgnorePublicAcls) && aws.ToBool(c.RestrictPublicBuckets) {
			return false, nil
		}
	} else if err != nil && code(err) != "NoSuchPublicAccessBlockConfiguration" && status(err) != http.StatusNotFound {
		return false, fmt.Errorf("get public access block of %s: %w", bucket, err)
	}
	_, err = b.s3.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{
		Bucket: aws.String(bucket),
		PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
			BlockPublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true),
			IgnorePublicAcls: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true),
		},
	})
	if err != nil {
		return false, fmt.Errorf("put public access block on %s: %w", bucket, err)
	}
	return true, nil
}

func (b *Bootstrapper) versioning(ctx context.Context, bucket string) (bool, error) {
	out, err := b.s3.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(bucket)})
	if err != nil {
		return false, fmt.Errorf("get versioning of %s: %w", bucket, err)
	}
	if out.Status == s3types.BucketVersioningStatusEnabled {
		return false, nil
	}
	_, err = b.s3.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{
		Bucket:                  aws.String(bucket),
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled},
	})
	if err != nil {
		return false, fmt.Errorf("enable versioning on %s: %w", bucket, err)
	}
	return true, nil
}

// encryption keeps an existing SSE-S3 or SSE-KMS default and sets SSE-S3 otherwise.
func (b *Bootstrapper) encryption(ctx context.Context, bucket string) (bool, error) {
	out, err := b.s3.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(bucket)})
	if err == nil && out.ServerSideEncryptionConfiguration != nil {
		for _, r := range out.ServerSideEncryptionConfiguration.Rules {
			if d := r.ApplyServerSideEncryptionByDefault; d != nil && slices.Contains(
				[]s3types.ServerSideEncryption{s3types.ServerSideEncryptionAes256, s3types.ServerSideEncryptionAwsKms, s3types.ServerSideEncryptionAwsKmsDsse}, d.SSEAlgorithm) {
				return false, nil
			}
		}
	} else if err != nil && code(err) != "ServerSideEncryptionConfigurationNotFoundError" && status(err) != http.StatusNotFound {
		return false, fmt.Errorf("get encryption of %s: %w", bucket, err)
	}
	_, err = b.s3.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{
		Bucket: aws.String(bucket),
		ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAes256},
		}}},
	})
	if err != nil {
		return false, fmt.Errorf("set encryption on %s: %w", bucket, err)
	}
	return true, nil
}

// planExpiryRule is the lifecycle rule's ID that expires saved plans (planstore).
const planExpiryRule = "expire-saved-plans"

// planExpiryDays is how long a saved plan waits for its apply.
const planExpiryDays = 30

// leftAlone is a step that left a setting as it is on purpose; note says why.
type leftAlone struct{ note string }

func (e *leftAlone) Error() string { return e.note }

// planExpiry adds a lifecycle rule expiring saved plans (and their old versions),
// keeping any other rules of the bucket. CI's deploy roles may not change the shared
// state bucket's lifecycle (a rule could expire another environment's state): then
// the administrator's bootstrap sets it, and this one leaves it with a note.
func (b *Bootstrapper) planExpiry(ctx context.Context, bucket string) (changed bool, err error) {
	defer func() {
		if status(err) == http.StatusForbidden {
			err = &leftAlone{"saved-plan expiry not checked: this identity may not read or set the bucket's lifecycle (run bootstrap once as an administrator)"}
		}
	}()
	var rules []s3types.LifecycleRule
	out, err := b.s3.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String(bucket)})
	switch {
	case err == nil:
		for _, r := range out.Rules {
			if aws.ToString(r.ID) == planExpiryRule {
				return false, nil
			}
		}
		rules = out.Rules
	case code(err) != "NoSuchLifecycleConfiguration" && status(err) != http.StatusNotFound:
		return false, fmt.Errorf("get lifecycle of %s: %w", bucket, err)
	}
	rules = append(rules, s3types.LifecycleRule{
		ID:                          aws.String(planExpiryRule),
		Status:                      s3types.ExpirationStatusEnabled,
		Filter:                      &s3types.LifecycleRuleFilter{Prefix: aws.String(planstore.Prefix)},
		Expiration:                  &s3types.LifecycleExpiration{Days: aws.Int32(planExpiryDays)},
		NoncurrentVersionExpiration: &s3types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(1)},
	})
	_, err = b.s3.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{
		Bucket:                 aws.String(bucket),
		LifecycleConfiguration: &s3types.BucketLifecycleConfiguration{Rules: rules},
	})
	if err != nil {
		return false, fmt.Errorf("set the saved-plan expiry on %s: %w", bucket, err)
	}
	return true, nil
}

// tlsOnlyStatement is the statement denying every request made without TLS.
func tlsOnlyStatement(bucket string) map[string]any {
	return map[string]any{
		"Sid":       tlsOnlySid,
		"Effect":    "Deny",
		"Principal": "*",
		"Action":    "s3:*",
		"Resource":  []string{"arn:aws:s3:::" + bucket, "arn:aws:s3:::" + bucket + "/*"},
		"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
	}
}

// tlsOnly adds the TLS-only statement to the bucket policy, keeping any other
// statements already there.
func (b *Bootstrapper) tlsOnly(ctx context.Context, bucket string) (bool, error) {
	doc := map[string]any{"Version": "2012-10-17", "Statement": []any{}}
	out, err := b.s3.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
	switch {
	case err == nil && aws.ToString(out.Policy) != "":
		if err := json.Unmarshal([]byte(aws.ToString(out.Policy)), &doc); err != nil {
			return false, fmt.Errorf("decode bucket policy of %s: %w", bucket, err)
		}
	case err != nil && code(err) != "NoSuchBucketPolicy" && status(err) != http.StatusNotFound:
		return false, fmt.Errorf("get bucket policy of %s: %w", bucket, err)
	}
	stmts, ok := doc["Statement"].([]any)
	if !ok && doc["Statement"] != nil {
		stmts = []any{doc["Statement"]}
	}
	for _, s := range stmts {
		if m, ok := s.(map[string]any); ok && m["Sid"] == tlsOnlySid {
			return false, nil
		}
	}
	doc["Statement"] = append(stmts, tlsOnlyStatement(bucket))
	data, err := json.Marshal(doc)
	if err != nil {
		return false, fmt.Errorf("encode bucket policy of %s: %w", bucket, err)
	}
	if _, err := b.s3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(string(data))}); err != nil {
		return false, fmt.Errorf("put TLS-only bucket policy on %s: %w", bucket, err)
	}
	return true, nil
}

// Exists checks that the state bucket exists and is usable by this account.
func Exists(ctx context.Context, client *s3.Client, bucket string) error {
	ok, err := (&Bootstrapper{s3: client}).exists(ctx, bucket)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%w: %s", ErrNoBucket, bucket)
	}
	return nil
}
