# Partial S3 backend: bucket, key (predictor/<env>/terraform.tfstate), region,
# use_lockfile = true and encrypt = true come from `terraform init -backend-config=FILE`
# (deployctl writes that file; see infra/README.md). One state key per environment.
terraform {
  backend "s3" {}
}
