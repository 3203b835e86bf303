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

variable "access_token_minutes" {
  description = "Lifetime of access and ID tokens, in minutes (5-1440); the refresh token lasts 30 days."
  type        = number
  default     = 60
  nullable    = false

  validation {
    condition     = var.access_token_minutes >= 5 && var.access_token_minutes <= 1440 && floor(var.access_token_minutes) == var.access_token_minutes
    error_message = "The access_token_minutes must be a whole number between 5 and 1440."
  }
}

variable "tags" {
  description = "Tags added to every resource of the module (a Name tag is added per resource)."
  type        = map(string)
  default     = {}
  nullable    = false
}
