mock_provider "aws" {}

variables {
  environment = "dev"
  account_id  = "123456789012"
}

run "buckets_are_named_versioned_encrypted_and_private" {
  command = apply

  assert {
    condition     = output.bucket_names == { files = "predictor-model-dev-files-123456789012", data = "predictor-model-dev-data-123456789012" }
    error_message = "bucket names follow predictor-model-<env>-<purpose>-<account>."
  }
  assert {
    condition     = alltrue([for v in aws_s3_bucket_versioning.this : v.versioning_configuration[0].status == "Enabled"])
    error_message = "versioning is enabled on every bucket."
  }
  assert {
    condition     = alltrue([for e in aws_s3_bucket_server_side_encryption_configuration.this : one(e.rule).apply_server_side_encryption_by_default[0].sse_algorithm == "aws:kms" && one(e.rule).bucket_key_enabled])
    error_message = "buckets use SSE-KMS with a bucket key."
  }
  assert {
    condition     = aws_kms_key.this.enable_key_rotation
    error_message = "the bucket key rotates."
  }
  assert {
    condition     = alltrue([for p in aws_s3_bucket_public_access_block.this : p.block_public_acls && p.block_public_policy && p.ignore_public_acls && p.restrict_public_buckets])
    error_message = "every bucket blocks all public access."
  }
  assert {
    condition     = alltrue([for k, p in aws_s3_bucket_policy.this : jsondecode(p.policy).Statement[0].Effect == "Deny" && jsondecode(p.policy).Statement[0].Condition.Bool["aws:SecureTransport"] == "false"])
    error_message = "bucket policies deny requests without TLS."
  }
  assert {
    condition     = length(aws_s3_bucket_lifecycle_configuration.this) == 2
    error_message = "every bucket has lifecycle rules by default."
  }
  assert {
    condition     = alltrue([for l in aws_s3_bucket_lifecycle_configuration.this : [for r in l.rule : r if r.id == "expire-noncurrent-versions"][0].noncurrent_version_expiration[0].noncurrent_days == 30])
    error_message = "noncurrent versions expire after the configured days."
  }
  assert {
    condition = [
      for r in aws_s3_bucket_lifecycle_configuration.this["files"].rule : [r.filter[0].prefix, r.expiration[0].days] if r.id == "expire-uploads"
    ] == [["uploads/", 30]]
    error_message = "uploaded files (uploads/ in the files bucket) expire after upload_expiration_days."
  }
  assert {
    condition     = length([for r in aws_s3_bucket_lifecycle_configuration.this["data"].rule : r if length(r.expiration) > 0]) == 0
    error_message = "nothing in the data bucket expires."
  }
  assert {
    condition     = alltrue([for b in aws_s3_bucket.this : b.force_destroy == false])
    error_message = "buckets are protected from destroy by default."
  }
}

run "lifecycle_rules_can_be_left_out" {
  command = plan

  variables {
    lifecycle_rules = false
  }

  assert {
    condition     = length(aws_s3_bucket_lifecycle_configuration.this) == 0
    error_message = "lifecycle_rules = false creates no lifecycle configuration."
  }
  assert {
    condition     = length(aws_s3_bucket_versioning.this) == 2
    error_message = "the buckets themselves are unchanged without lifecycle rules."
  }
}

run "malformed_environment_is_rejected" {
  command = plan

  variables {
    environment = "Prod"
  }

  expect_failures = [var.environment]
}

run "bad_account_id_is_rejected" {
  command = plan

  variables {
    account_id = "12345"
  }

  expect_failures = [var.account_id]
}

run "bad_noncurrent_days_is_rejected" {
  command = plan

  variables {
    noncurrent_version_expiration_days = 0
  }

  expect_failures = [var.noncurrent_version_expiration_days]
}

run "upload_expiration_days_is_configurable" {
  command = plan

  variables {
    upload_expiration_days = 7
  }

  assert {
    condition     = [for r in aws_s3_bucket_lifecycle_configuration.this["files"].rule : r.expiration[0].days if r.id == "expire-uploads"] == [7]
    error_message = "upload_expiration_days sets the uploads rule's days."
  }
}

run "bad_upload_expiration_days_is_rejected" {
  command = plan

  variables {
    upload_expiration_days = 0.5
  }

  expect_failures = [var.upload_expiration_days]
}

run "empty_uploads_prefix_is_rejected" {
  command = plan

  variables {
    uploads_prefix = ""
  }

  expect_failures = [var.uploads_prefix]
}

run "bad_kms_window_is_rejected" {
  command = plan

  variables {
    kms_deletion_window_days = 3
  }

  expect_failures = [var.kms_deletion_window_days]
}

# Protected environments: Object Lock in governance mode with a default retention on
# both buckets; none without the variable.
run "object_lock_keeps_versions" {
  command = plan

  variables {
    object_lock_days = 35
  }

  assert {
    condition = alltrue([for b in ["files", "data"] :
      aws_s3_bucket_object_lock_configuration.this[b].rule[0].default_retention[0].mode == "GOVERNANCE" &&
      aws_s3_bucket_object_lock_configuration.this[b].rule[0].default_retention[0].days == 35
    ])
    error_message = "Both buckets must retain every version 35 days in governance mode."
  }
}

run "no_object_lock_by_default" {
  command = plan

  assert {
    condition     = length(aws_s3_bucket_object_lock_configuration.this) == 0
    error_message = "Object Lock is off unless object_lock_days is set."
  }
}

run "bad_object_lock_days_is_rejected" {
  command = plan

  variables {
    object_lock_days = 1.5
  }

  expect_failures = [var.object_lock_days]
}
