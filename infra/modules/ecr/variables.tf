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

variable "keep_images" {
  description = "How many images the lifecycle policy keeps (the newest); older ones expire."
  type        = number
  default     = 20
  nullable    = false

  validation {
    condition     = var.keep_images >= 1 && var.keep_images <= 1000 && floor(var.keep_images) == var.keep_images
    error_message = "The keep_images must be a whole number between 1 and 1000."
  }
}

variable "untagged_expiration_days" {
  description = "Days after which untagged images expire."
  type        = number
  default     = 7
  nullable    = false

  validation {
    condition     = var.untagged_expiration_days >= 1 && floor(var.untagged_expiration_days) == var.untagged_expiration_days
    error_message = "The untagged_expiration_days must be a whole number of days, at least 1."
  }
}

variable "force_delete" {
  description = "Allow deleting the repository while it still holds images (dev and local only)."
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
