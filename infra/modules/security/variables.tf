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

variable "network_mode" {
  description = "public: tasks in public subnets with a public IP, no interface endpoints. private: private subnets, interface endpoints for ecr.api, ecr.dkr and logs, no internet route."
  type        = string
  nullable    = false

  validation {
    condition     = contains(["public", "private"], var.network_mode)
    error_message = "The network_mode must be public or private."
  }
}

variable "vpc_id" {
  description = "ID of the VPC the security groups belong to."
  type        = string
  nullable    = false
}

variable "s3_prefix_list_id" {
  description = "Prefix list of the S3 gateway endpoint; the tasks may reach S3 through it on 443."
  type        = string
  nullable    = false
}

variable "container_port" {
  description = "Port the backend container listens on."
  type        = number
  default     = 8000
  nullable    = false

  validation {
    condition     = var.container_port > 0 && var.container_port < 65536
    error_message = "The container_port must be between 1 and 65535."
  }
}

variable "tags" {
  description = "Tags added to every resource of the module (a Name tag is added per resource)."
  type        = map(string)
  default     = {}
  nullable    = false
}
