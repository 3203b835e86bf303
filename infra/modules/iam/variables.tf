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

variable "account_id" {
  description = "AWS account ID; the roles trust ECS tasks of this account only."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "The account_id must be 12 digits."
  }
}

variable "bucket_arns" {
  description = "ARNs of the buckets the backend reads and writes (the task role gets these and nothing else)."
  type        = list(string)
  nullable    = false

  validation {
    condition     = length(var.bucket_arns) > 0 && alltrue([for a in var.bucket_arns : can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9.-]+$", a))])
    error_message = "The bucket_arns must be S3 bucket ARNs (arn:aws:s3:::name), without wildcards."
  }
}

variable "tags" {
  description = "Tags added to every resource of the module (a Name tag is added per resource)."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "kms_key_arns" {
  description = "ARNs of the KMS keys encrypting those buckets (the task role may use them for S3 only)."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for a in var.kms_key_arns : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+$", a))])
    error_message = "The kms_key_arns must be KMS key ARNs (arn:aws:kms:<region>:<account>:key/<id>)."
  }
}

variable "region" {
  description = "AWS region of the buckets (the KMS permission holds only through S3 in this region)."
  type        = string
  nullable    = false
}

variable "permissions_boundary_name" {
  description = "Name of the customer managed policy set as permissions boundary of both roles (infra/github-oidc creates <role_name_prefix>-app-boundary-<env>); null sets none (the emulator's `local`)."
  type        = string
  default     = null
  nullable    = true

  validation {
    condition     = var.permissions_boundary_name == null || can(regex("^[A-Za-z0-9+=,.@_-]{1,128}$", var.permissions_boundary_name))
    error_message = "The permissions_boundary_name must be null or an IAM policy name."
  }
}
