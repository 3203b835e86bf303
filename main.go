// Predictor deploys the AI Predictor FastAPI backend to AWS: terraform plan and apply,
// the backend image build, the push to ECR and a watched ECS rollout, in one pipeline.
//
// Credentials come from the constructor (--aws-access-key-id env://AWS_ACCESS_KEY_ID
// ..., or --aws-credentials file://$HOME/.aws/credentials --aws-profile NAME). Put them
// once in a .env file next to dagger.json (values use the CLI syntax, names are the
// argument names, case-insensitive), for example:
//
//	awsAccessKeyId=env://AWS_ACCESS_KEY_ID
//	awsSecretAccessKey=env://AWS_SECRET_ACCESS_KEY
//	region=eu-west-1
//
// and `dagger call plan --env dev` needs nothing else: it prints the plan's summary.
// Each call plans afresh (a cached plan is a stale plan); the plan object's views
// chain after tf-plan (`tf-plan --env dev markdown`, `tf-plan --env prod file -o
// prod.tfplan`), all from one terraform run. `--env local` runs against an
// AWS emulator started as a service for that call alone, without an AWS account.
package main

import (
	"dagger/predictor/internal/dagger"
)

// Predictor is the deployment pipeline.
type Predictor struct {
	// Repository source.
	Source *dagger.Directory
	// AWS region.
	Region string
	// Terraform version.
	TerraformVersion string

	// +private
	AwsAccessKeyId *dagger.Secret
	// +private
	AwsSecretAccessKey *dagger.Secret
	// +private
	AwsSessionToken *dagger.Secret
	// +private
	AwsCredentials *dagger.Secret
	// +private
	AwsProfile string
	// +private
	Git *dagger.GitRepository
}

// Create the pipeline for a source tree and an AWS account.
func New(
	// Repository source.
	// +defaultPath="/"
	// +ignore=[".git", "**/.terraform", "**/*.tfstate", "**/*.tfstate.*", "**/*.tfplan", "**/*.tfplan.*", "**/errored.tfstate", "**/__pycache__", "**/.pytest_cache", "**/.venv", "**/venv", "**/.tools", ".bin", "out", ".env"]
	source *dagger.Directory,
	// AWS region.
	// +default="us-east-1"
	region string,
	// AWS access key ID (env://AWS_ACCESS_KEY_ID).
	// +optional
	awsAccessKeyId *dagger.Secret,
	// AWS secret access key (env://AWS_SECRET_ACCESS_KEY).
	// +optional
	awsSecretAccessKey *dagger.Secret,
	// AWS session token, for temporary credentials (env://AWS_SESSION_TOKEN).
	// +optional
	awsSessionToken *dagger.Secret,
	// AWS shared credentials file, used with --aws-profile (file://$HOME/.aws/credentials).
	// +optional
	awsCredentials *dagger.Secret,
	// Profile to use from the credentials file.
	// +optional
	awsProfile string,
	// Terraform version; 1.11.4 is pinned by digest, others use the image tag.
	// +default="1.11.4"
	terraformVersion string,
	// Git repository, for the image tag (the commit); a content hash is used without it.
	// +optional
	// +defaultPath="/"
	git *dagger.GitRepository,
) *Predictor {
	return &Predictor{
		Source:             source,
		Region:             region,
		TerraformVersion:   terraformVersion,
		AwsAccessKeyId:     awsAccessKeyId,
		AwsSecretAccessKey: awsSecretAccessKey,
		AwsSessionToken:    awsSessionToken,
		AwsCredentials:     awsCredentials,
		AwsProfile:         awsProfile,
		Git:                git,
	}
}
