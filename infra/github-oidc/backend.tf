# Partial S3 backend, like infra/: the bucket and region come from
# `terraform init -backend-config=...`; the key is this root's own,
# predictor/github-oidc/terraform.tfstate (see README.md).
terraform {
  backend "s3" {}
}
