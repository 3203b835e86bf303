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

variable "vpc_cidr" {
  description = "IPv4 CIDR block of the VPC, a /16 to /24."
  type        = string
  nullable    = false

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && can(regex("^[0-9.]+/(1[6-9]|2[0-4])$", var.vpc_cidr))
    error_message = "The vpc_cidr must be a valid IPv4 CIDR block with a prefix length between /16 and /24, such as 10.10.0.0/16."
  }
}

variable "availability_zones" {
  description = "Availability zones to spread subnets over (one subnet per zone), two or three."
  type        = list(string)
  nullable    = false

  validation {
    condition     = length(var.availability_zones) >= 2 && length(var.availability_zones) <= 3 && length(distinct(var.availability_zones)) == length(var.availability_zones)
    error_message = "The availability_zones must list two or three distinct zones."
  }
}

variable "region" {
  description = "AWS region, used in the VPC endpoint service names."
  type        = string
  nullable    = false
}

variable "endpoint_security_group_ids" {
  description = "Security groups attached to the interface endpoints (private mode only)."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "tags" {
  description = "Tags added to every resource of the module (a Name tag is added per resource)."
  type        = map(string)
  default     = {}
  nullable    = false
}
