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

variable "vpc_id" {
  description = "VPC of the Cloud Map private DNS namespace."
  type        = string
  nullable    = false
}

variable "subnet_ids" {
  description = "Subnets of the VPC Link (the tasks' subnets)."
  type        = list(string)
  nullable    = false

  validation {
    condition     = length(var.subnet_ids) > 0
    error_message = "The subnet_ids must list at least one subnet."
  }
}

variable "security_group_ids" {
  description = "Security groups of the VPC Link."
  type        = list(string)
  nullable    = false
}

variable "cors_allow_origins" {
  description = "Origins allowed by CORS (such as https://app.example.com); empty disables CORS."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for o in var.cors_allow_origins : o == "*" || can(regex("^https?://[^/*]+$", o))])
    error_message = "Each of cors_allow_origins must be an origin like https://app.example.com (scheme and host, no path) or *."
  }
}

variable "throttling_rate_limit" {
  description = "Steady-state requests per second of the default route."
  type        = number
  nullable    = false

  validation {
    condition     = var.throttling_rate_limit > 0
    error_message = "The throttling_rate_limit must be positive."
  }
}

variable "throttling_burst_limit" {
  description = "Burst of requests of the default route."
  type        = number
  nullable    = false

  validation {
    condition     = var.throttling_burst_limit > 0 && floor(var.throttling_burst_limit) == var.throttling_burst_limit
    error_message = "The throttling_burst_limit must be a positive whole number."
  }
}

variable "log_retention_days" {
  description = "Retention of the access log group, in days (a value CloudWatch Logs accepts)."
  type        = number
  nullable    = false

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "The log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "jwt_issuer" {
  description = "Issuer URL of the JWTs every route but GET /health requires (https://cognito-idp.<region>.amazonaws.com/<pool id> for Cognito); null leaves the API without authentication."
  type        = string
  default     = null

  validation {
    condition     = var.jwt_issuer == null || can(regex("^https://[^/?#]+(/[^?#]*)?$", var.jwt_issuer))
    error_message = "The jwt_issuer must be an https:// URL (such as https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc), or null."
  }
}

variable "jwt_audience" {
  description = "Accepted JWT audiences (the aud claim; for Cognito access tokens, the app client IDs); required with jwt_issuer."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for a in var.jwt_audience : length(trimspace(a)) > 0])
    error_message = "Each of jwt_audience must be a non-empty string."
  }

  validation {
    condition     = var.jwt_issuer == null || length(var.jwt_audience) > 0
    error_message = "The jwt_audience must list at least one audience when jwt_issuer is set: API Gateway accepts only tokens issued for it."
  }
}

variable "tags" {
  description = "Tags added to every resource of the module (a Name tag is added per resource)."
  type        = map(string)
  default     = {}
  nullable    = false
}
