locals {
  name = "${var.project}-${var.environment}"
}

# One customer-managed key for both buckets ($1/month); S3 Bucket Keys keep KMS request
# charges negligible.
resource "aws_kms_key" "this" {
  description             = "${local.name}: S3 buckets ${join(", ", sort(tolist(var.buckets)))}"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_days

  tags = merge(var.tags, { Name = "${local.name}-s3" })
}

resource "aws_kms_alias" "this" {
  name          = "alias/${local.name}-s3"
  target_key_id = aws_kms_key.this.key_id
}

# Server access logging would need a third bucket and its storage; CloudTrail data events are the audit trail when needed.
#trivy:ignore:AVD-AWS-0089 (aws-s3-enable-bucket-logging)
resource "aws_s3_bucket" "this" {
  for_each = var.buckets

  bucket        = "${local.name}-${each.key}-${var.account_id}"
  force_destroy = var.force_destroy

  tags = merge(var.tags, { Name = "${local.name}-${each.key}", Purpose = each.key })
}

resource "aws_s3_bucket_ownership_controls" "this" {
  for_each = var.buckets

  bucket = aws_s3_bucket.this[each.key].id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  for_each = var.buckets

  bucket                  = aws_s3_bucket.this[each.key].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "this" {
  for_each = var.buckets

  bucket = aws_s3_bucket.this[each.key].id

  versioning_configuration {
    status = "Enabled"
  }
}

# Object Lock in governance mode (protected environments): every new version is
# retained object_lock_days, so neither a deploy role nor a lifecycle rule it writes can
# delete it before then; only a principal allowed s3:BypassGovernanceRetention can (no
# CI role is). Enabled on the existing, versioned bucket (no replacement); S3 then
# refuses to suspend its versioning, and Object Lock can never be turned off.
resource "aws_s3_bucket_object_lock_configuration" "this" {
  for_each = var.object_lock_days > 0 ? var.buckets : toset([])

  bucket = aws_s3_bucket.this[each.key].id

  rule {
    default_retention {
      mode = "GOVERNANCE"
      days = var.object_lock_days
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  for_each = var.buckets

  bucket = aws_s3_bucket.this[each.key].id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.this.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  for_each = var.lifecycle_rules ? var.buckets : toset([])

  bucket = aws_s3_bucket.this[each.key].id

  rule {
    id     = "expire-noncurrent-versions"
    status = "Enabled"

    # Whole bucket. `prefix = ""` rather than an empty block: S3 returns an empty prefix,
    # and the provider would otherwise wait for a configuration that never reads back equal.
    filter {
      prefix = ""
    }

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  # Uploaded files expire: the current version becomes noncurrent (a delete marker)
  # after upload_expiration_days, and the rule above deletes it for good
  # noncurrent_version_expiration_days later.
  dynamic "rule" {
    for_each = each.key == var.uploads_bucket ? [var.uploads_prefix] : []
    content {
      id     = "expire-uploads"
      status = "Enabled"

      filter {
        prefix = rule.value
      }

      expiration {
        days = var.upload_expiration_days
      }
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

resource "aws_s3_bucket_policy" "this" {
  for_each = var.buckets

  bucket = aws_s3_bucket.this[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.this[each.key].arn, "${aws_s3_bucket.this[each.key].arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })

  depends_on = [aws_s3_bucket_public_access_block.this]
}
