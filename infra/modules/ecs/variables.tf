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

variable "region" {
  description = "AWS region, for the awslogs driver."
  type        = string
  nullable    = false
}

variable "task_cpu" {
  description = "Task CPU units (256 = 0.25 vCPU); the root module checks it and task_memory against Fargate's sizes (infra/variables.tf)."
  type        = number
  nullable    = false
}

variable "task_memory" {
  description = "Task memory in MiB, a size Fargate accepts with task_cpu (checked by the root module)."
  type        = number
  nullable    = false
}

variable "image" {
  description = "Image of the first task definition; the pipeline registers later revisions with digest-pinned images."
  type        = string
  nullable    = false

  validation {
    condition     = length(var.image) > 0
    error_message = "The image must not be empty."
  }
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

variable "health_check_path" {
  description = "HTTP path of the container health check."
  type        = string
  default     = "/health"
  nullable    = false

  validation {
    condition     = startswith(var.health_check_path, "/")
    error_message = "The health_check_path must start with /."
  }
}

variable "container_user" {
  description = "Non-root user the container runs as (UID or UID:GID)."
  type        = string
  default     = "10001"
  nullable    = false

  validation {
    condition     = can(regex("^[1-9][0-9]*(:[0-9]+)?$", var.container_user))
    error_message = "The container_user must be a numeric, non-zero UID (optionally UID:GID)."
  }
}

variable "environment_variables" {
  description = "Environment variables of the backend container."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "execution_role_arn" {
  description = "Task execution role (image pull, logs)."
  type        = string
  nullable    = false
}

variable "task_role_arn" {
  description = "Task role of the backend container."
  type        = string
  nullable    = false
}

variable "subnet_ids" {
  description = "Subnets the tasks run in."
  type        = list(string)
  nullable    = false

  validation {
    condition     = length(var.subnet_ids) > 0
    error_message = "The subnet_ids must list at least one subnet."
  }
}

variable "security_group_ids" {
  description = "Security groups of the tasks."
  type        = list(string)
  nullable    = false
}

variable "assign_public_ip" {
  description = "Give tasks a public IP (public network mode)."
  type        = bool
  nullable    = false
}

variable "service_registry_arn" {
  description = "Cloud Map service the tasks register in (the API Gateway VPC Link integration resolves it)."
  type        = string
  nullable    = false
}

variable "log_retention_days" {
  description = "Retention of the container log group, in days (a value CloudWatch Logs accepts)."
  type        = number
  nullable    = false

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "The log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "fargate_base" {
  description = "Tasks always placed on on-demand FARGATE (Spot has no fallback to on-demand); 0 runs everything on Spot."
  type        = number
  default     = 0
  nullable    = false

  validation {
    condition     = var.fargate_base >= 0 && var.fargate_base <= 100000 && floor(var.fargate_base) == var.fargate_base
    error_message = "The fargate_base must be a whole number between 0 and 100000."
  }
}

variable "fargate_weight" {
  description = "Weight of FARGATE for tasks beyond fargate_base (FARGATE_SPOT has fargate_spot_weight)."
  type        = number
  default     = 0
  nullable    = false

  validation {
    condition     = var.fargate_weight >= 0 && var.fargate_weight <= 1000 && floor(var.fargate_weight) == var.fargate_weight
    error_message = "The fargate_weight must be a whole number between 0 and 1000."
  }
}

variable "fargate_spot_weight" {
  description = "Weight of FARGATE_SPOT for tasks beyond fargate_base."
  type        = number
  default     = 1
  nullable    = false

  validation {
    condition     = var.fargate_spot_weight >= 0 && var.fargate_spot_weight <= 1000 && floor(var.fargate_spot_weight) == var.fargate_spot_weight
    error_message = "The fargate_spot_weight must be a whole number between 0 and 1000."
  }
}

variable "min_capacity" {
  description = "Minimum task count of the autoscaling target."
  type        = number
  nullable    = false

  validation {
    condition     = var.min_capacity >= 0 && floor(var.min_capacity) == var.min_capacity
    error_message = "The min_capacity must be a whole number, at least 0."
  }
}

variable "max_capacity" {
  description = "Maximum task count of the autoscaling target."
  type        = number
  nullable    = false

  validation {
    condition     = var.max_capacity >= 1 && var.max_capacity >= var.min_capacity && floor(var.max_capacity) == var.max_capacity
    error_message = "The max_capacity must be a whole number, at least 1 and at least min_capacity."
  }
}

variable "cpu_target" {
  description = "Target average CPU utilization (percent) of the target tracking policy."
  type        = number
  default     = 70
  nullable    = false

  validation {
    condition     = var.cpu_target > 0 && var.cpu_target <= 100
    error_message = "The cpu_target must be a percentage in (0, 100]."
  }
}

variable "memory_target" {
  description = "Target average memory utilization (percent) of the target tracking policy."
  type        = number
  default     = 80
  nullable    = false

  validation {
    condition     = var.memory_target > 0 && var.memory_target <= 100
    error_message = "The memory_target must be a percentage in (0, 100]."
  }
}

variable "tags" {
  description = "Tags added to every resource of the module (a Name tag is added per resource)."
  type        = map(string)
  default     = {}
  nullable    = false
}
