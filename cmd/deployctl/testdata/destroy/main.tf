provider "aws" {
  region                      = var.aws_region
  skip_credentials_validation = var.aws_endpoint != null
  skip_metadata_api_check     = var.aws_endpoint != null
  skip_region_validation      = var.aws_endpoint != null
  skip_requesting_account_id  = false
  s3_use_path_style           = var.aws_endpoint != null
  max_retries                 = 3

  # Like infra/providers.tf: the emulator's address comes from AWS_ENDPOINT_URL.
  allowed_account_ids = var.aws_endpoint != null ? ["123456789012"] : null
}

# No force_destroy, like infra/modules/s3: terraform cannot delete them while they
# hold anything, so destroy has to empty them first.
resource "aws_s3_bucket" "this" {
  for_each = toset(["files", "data"])
  bucket   = "destroy-${var.environment}-${each.key}"
}

resource "aws_s3_bucket_versioning" "this" {
  for_each = aws_s3_bucket.this
  bucket   = each.value.id
  versioning_configuration {
    status = "Enabled"
  }
}
