package workflows

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

const (
	prodData     = "predictor-model-prod-data-" + motoAccount
	prodTaskRole = "arn:aws:iam::" + motoAccount + ":role/predictor-model-prod-ecs-task"
)

// crossEnvironmentNegatives: after both legs, with prod's resources real, nothing in dev
// and no review role can change prod, and a saved plan cannot be replaced.
func (e *enforced) crossEnvironmentNegatives(t *testing.T) {
	ctx := t.Context()
	dS3, pS3, rS3 := s3Client(e.moto, e.deploy), s3Client(e.moto, e.plan), s3Client(e.moto, e.ronly)
	saved := savedPlanKey(t, s3Client(e.moto, e.admin))
	prodRevision := `{"cluster":"predictor-model-dev-cluster","service":"predictor-model-dev-backend","taskDefinition":"predictor-model-prod-backend:1"}`
	stolenRole := `{"family":"predictor-model-dev-backend","taskRoleArn":"` + prodTaskRole + `","containerDefinitions":[{"name":"backend","image":"x","memory":512}]}`
	e.deny(t, []negative{
		{"deploy-dev reads prod's state", func() error { return get(ctx, dS3, stateBucket, "predictor/prod/terraform.tfstate") }},
		{"deploy-dev writes prod's state", func() error { return putErr(ctx, dS3, stateBucket, "predictor/prod/terraform.tfstate", "{}") }},
		{"deploy-dev takes prod's lock", func() error { return putErr(ctx, dS3, stateBucket, "predictor/prod/terraform.tfstate.tflock", "{}") }},
		{"deploy-dev updates prod's ECS service", func() error {
			return ecsCall(ctx, e.moto, e.deploy, "UpdateService", `{"cluster":"predictor-model-prod-cluster","service":"predictor-model-prod-backend","desiredCount":0}`)
		}},
		{"deploy-dev points dev's service at a prod task definition", func() error { return ecsCall(ctx, e.moto, e.deploy, "UpdateService", prodRevision) }},
		{"deploy-dev registers a task definition with prod's task role (iam:PassRole)", func() error {
			return ecsCall(ctx, e.moto, e.deploy, "RegisterTaskDefinition", stolenRole)
		}},
		{"plan writes dev's lock", func() error { return putErr(ctx, pS3, stateBucket, "predictor/dev/terraform.tfstate.tflock", "{}") }},
		{"plan writes dev's state", func() error { return putErr(ctx, pS3, stateBucket, "predictor/dev/terraform.tfstate", "{}") }},
		{"plan saves a plan", func() error {
			return putErr(ctx, pS3, stateBucket, "plans/dev/"+strings.Repeat("0", 64)+".tfplan", "x")
		}},
		{"readonly writes prod's lock", func() error { return putErr(ctx, rS3, stateBucket, "predictor/prod/terraform.tfstate.tflock", "{}") }},
		{"readonly writes prod's state", func() error { return putErr(ctx, rS3, stateBucket, "predictor/prod/terraform.tfstate", "{}") }},
		{"readonly overwrites the saved prod plan", func() error { return putErr(ctx, rS3, stateBucket, saved, "forged") }},
		{"readonly pushes to prod's repository", func() error {
			return jsonCall(ctx, e.moto, e.ronly, "ecr", "AmazonEC2ContainerRegistry_V20150921.PutImage", `{"repositoryName":"predictor-model-prod-backend","imageManifest":"{}","imageTag":"x"}`)
		}},
	})
	e.promotionNegatives(t)
	// A conditional write (the one the role may make) cannot replace it either.
	_, err := rS3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(stateBucket), Key: aws.String(saved), Body: strings.NewReader("forged"), IfNoneMatch: aws.String("*")})
	var api smithy.APIError
	if !errors.As(err, &api) || api.ErrorCode() != "PreconditionFailed" {
		t.Errorf("readonly replaces the saved plan with If-None-Match: got %v, want PreconditionFailed", err)
	}
}

// promotionNegatives: deploy-prod reads dev's repository (its promote_from, the
// promotion's source) and writes none of it; nothing of dev reads or writes prod's.
func (e *enforced) promotionNegatives(t *testing.T) {
	ctx := t.Context()
	ecr := func(c roleCreds, action, repo, extra string) func() error {
		return func() error {
			return jsonCall(ctx, e.moto, c, "ecr", "AmazonEC2ContainerRegistry_V20150921."+action, `{"repositoryName":"predictor-model-`+repo+`-backend"`+extra+`}`)
		}
	}
	layers := `,"layerDigests":["sha256:` + strings.Repeat("0", 64) + `"]`
	image := `,"imageIds":[{"imageTag":"x"}]`
	for _, read := range []struct{ action, extra string }{{"DescribeImages", ""}, {"BatchGetImage", image}, {"BatchCheckLayerAvailability", layers}} {
		if err := ecr(e.deployProd, read.action, "dev", read.extra)(); isAccessDenied(err) {
			t.Errorf("deploy-prod %s on dev's repository (the promotion's source): %v", read.action, err)
		} else {
			e.steps.Add(1)
		}
	}
	e.deny(t, []negative{
		{"deploy-dev reads prod's repository (DescribeImages)", ecr(e.deploy, "DescribeImages", "prod", "")},
		{"deploy-dev pulls from prod's repository (BatchGetImage)", ecr(e.deploy, "BatchGetImage", "prod", image)},
		{"deploy-dev pushes to prod's repository (PutImage)", ecr(e.deploy, "PutImage", "prod", `,"imageManifest":"{}","imageTag":"x"`)},
		{"deploy-prod pushes to dev's repository (PutImage)", ecr(e.deployProd, "PutImage", "dev", `,"imageManifest":"{}","imageTag":"x"`)},
		{"deploy-prod uploads a layer to dev's repository", ecr(e.deployProd, "InitiateLayerUpload", "dev", "")},
		{"deploy-prod deletes dev's repository", ecr(e.deployProd, "DeleteRepository", "dev", "")},
	})
}

// savedPlanKey is the key of the plan the prod leg saved.
func savedPlanKey(t *testing.T, admin *s3.Client) string {
	t.Helper()
	out, err := admin.ListObjectsV2(t.Context(), &s3.ListObjectsV2Input{Bucket: aws.String(stateBucket), Prefix: aws.String("plans/prod/")})
	if err != nil || len(out.Contents) == 0 {
		t.Fatalf("list saved prod plans: %v (%d)", err, len(out.Contents))
	}
	return aws.ToString(out.Contents[0].Key)
}

// prodDataNegatives: prod's data survives a stolen deploy-prod credential. Object
// deletion and key deletion are refused on the emulator; lifecycle expiration and
// suspending versioning are what S3 itself refuses on Object Lock buckets (the
// emulator runs no lifecycle and allows the suspension), so the test proves the lock
// that makes S3 refuse: every new version carries a governance retention.
func (e *enforced) prodDataNegatives(t *testing.T) {
	ctx := t.Context()
	admin, pS3 := s3Client(e.moto, e.admin), s3Client(e.moto, e.deployProd)
	// The emulator serves plain HTTP, and it applies the bucket's TLS-only Deny to every
	// such call: without it here, IAM and Object Lock alone decide.
	if _, err := admin.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: aws.String(prodData)}); err != nil {
		t.Fatalf("remove prod data's TLS-only bucket policy: %v", err)
	}
	// S3 requires a checksum on uploads into a bucket with a default retention.
	obj, err := admin.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(prodData), Key: aws.String("results/a.csv"), Body: strings.NewReader("a"), ChecksumAlgorithm: s3types.ChecksumAlgorithmSha256})
	if err != nil {
		t.Fatal(err)
	}
	checkRetention(t, admin, obj.VersionId)
	deleteVersion := func(c *s3.Client, bypass bool) func() error {
		in := &s3.DeleteObjectInput{Bucket: aws.String(prodData), Key: aws.String("results/a.csv"), VersionId: obj.VersionId}
		if bypass {
			// Only when asked: the emulator takes the header's presence, even "false", as a bypass.
			in.BypassGovernanceRetention = aws.Bool(true)
		}
		return func() error {
			_, err := c.DeleteObject(ctx, in)
			return err
		}
	}
	keyID := prodKeyID(t, ctx, e)
	e.deny(t, []negative{
		{"the lock refuses even an administrator without the bypass", deleteVersion(admin, false)},
		{"deploy-prod deletes a prod object version", deleteVersion(pS3, false)},
		{"deploy-prod deletes a prod object version bypassing governance", deleteVersion(pS3, true)},
		{"deploy-dev deletes a prod object version", deleteVersion(s3Client(e.moto, e.deploy), false)},
		{"deploy-prod shortens a version's retention", func() error {
			_, err := pS3.PutObjectRetention(ctx, &s3.PutObjectRetentionInput{Bucket: aws.String(prodData), Key: aws.String("results/a.csv"), VersionId: obj.VersionId, BypassGovernanceRetention: aws.Bool(true),
				Retention: &s3types.ObjectLockRetention{Mode: s3types.ObjectLockRetentionModeGovernance, RetainUntilDate: aws.Time(time.Now().Add(time.Hour))}})
			return err
		}},
		{"deploy-prod deletes a prod bucket", func() error {
			_, err := pS3.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(prodData)})
			return err
		}},
		{"deploy-prod schedules deletion of prod's key", func() error {
			return jsonCall(ctx, e.moto, e.deployProd, "kms", "TrentService.ScheduleKeyDeletion", `{"KeyId":"`+keyID+`","PendingWindowInDays":7}`)
		}},
		{"deploy-prod disables prod's key", func() error {
			return jsonCall(ctx, e.moto, e.deployProd, "kms", "TrentService.DisableKey", `{"KeyId":"`+keyID+`"}`)
		}},
		{"deploy-prod deletes prod's log group", func() error {
			return jsonCall(ctx, e.moto, e.deployProd, "logs", "Logs_20140328.DeleteLogGroup", `{"logGroupName":"/ecs/predictor-model-prod-backend"}`)
		}},
		{"deploy-prod deletes prod's task role (to recreate it with another trust)", func() error {
			return signedIAM{url: e.moto, creds: e.deployProd}.do(ctx, "DeleteRole", url.Values{"RoleName": {"predictor-model-prod-ecs-task"}})
		}},
	})
	if err := get(ctx, admin, prodData, "results/a.csv"); err != nil {
		t.Errorf("prod's object after the attempts: %v", err)
	}
}

// checkRetention: the version is locked in governance mode for object_lock_days (35),
// and both prod buckets have Object Lock on (S3 then refuses to suspend versioning).
func checkRetention(t *testing.T, admin *s3.Client, version *string) {
	t.Helper()
	ctx := t.Context()
	// HeadObject, not GetObjectRetention: the emulator answers the latter with an error.
	h, err := admin.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(prodData), Key: aws.String("results/a.csv"), VersionId: version})
	if err != nil {
		t.Fatalf("read the retention of a new prod version: %v", err)
	}
	if until := aws.ToTime(h.ObjectLockRetainUntilDate); h.ObjectLockMode != s3types.ObjectLockModeGovernance || until.Before(time.Now().Add(34*24*time.Hour)) {
		t.Errorf("new prod version: retention %s until %s, want GOVERNANCE for 35 days", h.ObjectLockMode, until)
	}
	for _, b := range []string{prodData, "predictor-model-prod-files-" + motoAccount} {
		c, err := admin.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: aws.String(b)})
		if err != nil || c.ObjectLockConfiguration.ObjectLockEnabled != s3types.ObjectLockEnabledEnabled {
			t.Errorf("%s: Object Lock not enabled: %v", b, err)
		}
	}
}

// prodKeyID finds prod's bucket key through its alias, as an administrator.
func prodKeyID(t *testing.T, ctx context.Context, e *enforced) string {
	t.Helper()
	body, err := jsonCallBody(ctx, e.moto, e.admin, "kms", "TrentService.DescribeKey", `{"KeyId":"alias/predictor-model-prod-s3"}`)
	if err != nil {
		t.Fatalf("describe prod's key: %v", err)
	}
	var out struct{ KeyMetadata struct{ KeyId string } }
	if err := json.Unmarshal([]byte(body), &out); err != nil || out.KeyMetadata.KeyId == "" {
		t.Fatalf("describe prod's key: %v: %s", err, body)
	}
	return out.KeyMetadata.KeyId
}

// jsonCall sends one signed request of a JSON protocol (KMS, Logs, ECR, ...).
func jsonCall(ctx context.Context, endpoint string, c roleCreds, service, target, body string) error {
	_, err := jsonCallBody(ctx, endpoint, c, service, target, body)
	return err
}

func jsonCallBody(ctx context.Context, endpoint string, c roleCreds, service, target, body string) (string, error) {
	return signedPostBody(ctx, endpoint, c, service, target, map[string]string{
		"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": target,
	}, body)
}
