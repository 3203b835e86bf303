variable "project" {
  description = "Project prefix of every resource name."
  type        = string
  default     = "predictor-model"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.project))
    error_message = "The project must be 3-32 lowercase letters, digits or hyphens."
  }
}

variable "environment" {
  description = "Environment name (the root checks it against infra/envs; this checks only its shape)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,15}$", var.environment))
    error_message = "The environment must be 1-16 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "buckets" {
  description = "Buckets to create, keyed by purpose (files, data); each name is <project>-<environment>-<purpose>-<account_id>."
  type        = set(string)
  default     = ["files", "data"]
  nullable    = false

  validation {
    condition     = alltrue([for b in var.buckets : can(regex("^[a-z][a-z0-9-]{0,15}$", b))])
    error_message = "Each entry of buckets must be 1-16 lowercase letters, digits or hyphens."
  }
}

variable "account_id" {
  description = "AWS account ID, appended to bucket names to keep them globally unique."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "The account_id must be 12 digits."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days after which noncurrent object versions are deleted."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1 && floor(var.noncurrent_version_expiration_days) == var.noncurrent_version_expiration_days
    error_message = "The noncurrent_version_expiration_days must be a whole number of days, at least 1."
  }
}

variable "uploads_bucket" {
  description = "Purpose key (one of buckets) of the bucket the API stores uploaded files in; their objects expire."
  type        = string
  default     = "files"
  nullable    = false
}

variable "lifecycle_rules" {
  description = "Create the buckets' lifecycle rules (noncurrent versions, incomplete uploads and uploaded files expire). The root turns them off only for the emulator."
  type        = bool
  default     = true
  nullable    = false
}

variable "uploads_prefix" {
  description = "Key prefix of uploaded files in the uploads bucket (the backend writes uploads/<sha256>.csv)."
  type        = string
  default     = "uploads/"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.*'()-]+/$", var.uploads_prefix))
    error_message = "The uploads_prefix must be a non-empty key prefix ending in /, such as uploads/ (an empty prefix would expire the whole bucket)."
  }
}

variable "upload_expiration_days" {
  description = "Days after which uploaded files expire (then noncurrent_version_expiration_days more until they are deleted for good)."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.upload_expiration_days >= 1 && var.upload_expiration_days <= 3650 && floor(var.upload_expiration_days) == var.upload_expiration_days
    error_message = "The upload_expiration_days must be a whole number of days between 1 and 3650."
  }
}

variable "force_destroy" {
  description = "Allow destroying buckets that still hold objects (dev and local only)."
  type        = bool
  default     = false
  nullable    = false
}

variable "tags" {
  description = "Tags added to every resource of the module (a Name tag is added per resource)."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "kms_deletion_window_days" {
  description = "Waiting period before the buckets' KMS key is deleted after a destroy (7-30 days)."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30 && floor(var.kms_deletion_window_days) == var.kms_deletion_window_days
    error_message = "The kms_deletion_window_days must be a whole number between 7 and 30."
  }
}

variable "object_lock_days" {
  description = "Default Object Lock retention, in days, in governance mode on both buckets (0: no Object Lock). Each new object version can then be deleted, or its retention shortened, only by a principal allowed s3:BypassGovernanceRetention; S3 lifecycle rules do not expire locked versions, and a bucket with Object Lock cannot suspend versioning."
  type        = number
  default     = 0
  nullable    = false

  validation {
    condition     = var.object_lock_days >= 0 && var.object_lock_days <= 3650 && floor(var.object_lock_days) == var.object_lock_days
    error_message = "The object_lock_days must be a whole number of days between 0 and 3650."
  }
}
