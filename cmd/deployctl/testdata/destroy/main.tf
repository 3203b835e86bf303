provider "aws" {
  region                      = var.aws_region
  skip_credentials_validation = var.aws_endpoint != null
  skip_metadata_api_check     = var.aws_endpoint != null
  skip_region_validation      = var.aws_endpoint != null
  skip_requesting_account_id  = false
  s3_use_path_style           = var.aws_endpoint != null
  max_retries                 = 3

  dynamic "endpoints" {
    for_each = var.aws_endpoint == null ? [] : [var.aws_endpoint]
    content {
      s3  = endpoints.value
      sts = endpoints.value
      iam = endpoints.value
    }
  }
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
