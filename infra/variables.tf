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

# The environments are the files infra/envs/<name>.tfvars: this is the only check of
# the name, and it reads that list (internal/envcfg reads the same files).
variable "environment" {
  description = "Environment name: one of infra/envs/<name>.tfvars (dev, prod, local, ...)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,15}$", var.environment)) && fileexists("${path.module}/envs/${var.environment}.tfvars")
    error_message = "The environment must be the name of a file infra/envs/<name>.tfvars: ${join(", ", [for f in fileset("${path.module}/envs", "*.tfvars") : trimsuffix(f, ".tfvars")])}."
  }
}

variable "protected" {
  description = "A protected environment (prod): deployctl applies only a reviewed plan or an explicit --confirm, and destroys only with --break-glass; its data is never force-destroyed."
  type        = bool
  default     = false
  nullable    = false
}

variable "emulator" {
  description = "The environment runs on the AWS emulator (local): deployctl uses its test credentials and account, and every service needs aws_endpoint."
  type        = bool
  default     = false
  nullable    = false
}

# Read by deployctl (internal/envcfg) from the environment's tfvars, not by any
# resource: declared so terraform accepts that file, and validated here too.
# tflint-ignore: terraform_unused_declarations
variable "promote_from" {
  description = "Environment whose completed releases this one ships (prod: dev): deployctl builds no image for it and copies the image of such a release by digest. Null: the deploy builds the image."
  type        = string
  default     = null

  validation {
    condition     = var.promote_from == null || (var.promote_from != var.environment && can(regex("^[a-z][a-z0-9-]*$", var.promote_from)))
    error_message = "promote_from names another environment (a file of infra/envs), never this one."
  }
}

variable "aws_region" {
  description = "AWS region of every resource."
  type        = string
  default     = "us-east-1"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.aws_region))
    error_message = "The aws_region must be a region name such as us-east-1."
  }
}

variable "aws_endpoint" {
  description = "Endpoint URL of an AWS emulator (such as http://127.0.0.1:5000); null targets real AWS. The provider reaches it through AWS_ENDPOINT_URL, which must hold the same URL (deployctl sets both)."
  type        = string
  default     = null
  nullable    = true

  validation {
    condition     = var.aws_endpoint == null || can(regex("^https?://[^/]+/?$", var.aws_endpoint))
    error_message = "The aws_endpoint must be null or a URL like http://127.0.0.1:5000."
  }

  validation {
    condition     = var.aws_endpoint != null || !var.emulator
    error_message = "An emulator environment (emulator = true) needs aws_endpoint (deployctl passes --aws-endpoint); without it the test credentials would go to real AWS."
  }
}

variable "network_mode" {
  description = "public: tasks in public subnets with a public IP and no interface endpoints (cheapest). private: private subnets, interface endpoints for ecr.api, ecr.dkr and logs, no internet route."
  type        = string
  nullable    = false

  validation {
    condition     = contains(["public", "private"], var.network_mode)
    error_message = "The network_mode must be public or private."
  }
}

variable "vpc_cidr" {
  description = "IPv4 CIDR block of the VPC, a /16 to /24; one /20-equivalent subnet (prefix + 4) per availability zone."
  type        = string
  nullable    = false

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && can(regex("^[0-9.]+/(1[6-9]|2[0-4])$", var.vpc_cidr))
    error_message = "The vpc_cidr must be a valid IPv4 CIDR block with a prefix length between /16 and /24, such as 10.10.0.0/16."
  }
}

variable "az_count" {
  description = "Number of availability zones (one subnet each, and one interface endpoint ENI each in private mode)."
  type        = number
  default     = 2
  nullable    = false

  validation {
    condition     = contains([2, 3], var.az_count)
    error_message = "The az_count must be 2 or 3."
  }
}

# Fargate's task sizes, the one table: each CPU size (units) and the memory sizes
# (MiB) it accepts. The ECS module takes task_cpu and task_memory as given.
locals {
  fargate_memory_by_cpu = {
    "256"   = [512, 1024, 2048]
    "512"   = [for m in range(1, 5) : m * 1024]
    "1024"  = [for m in range(2, 9) : m * 1024]
    "2048"  = [for m in range(4, 17) : m * 1024]
    "4096"  = [for m in range(8, 31) : m * 1024]
    "8192"  = [for m in range(16, 61, 4) : m * 1024]
    "16384" = [for m in range(32, 121, 8) : m * 1024]
  }
}

variable "task_cpu" {
  description = "Task CPU units (256 = 0.25 vCPU): a Fargate CPU size."
  type        = number
  default     = 256
  nullable    = false

  validation {
    condition     = contains(keys(local.fargate_memory_by_cpu), tostring(var.task_cpu))
    error_message = "The task_cpu must be one of the Fargate CPU sizes 256, 512, 1024, 2048, 4096, 8192, 16384."
  }
}

variable "task_memory" {
  description = "Task memory in MiB; it must form a pair with task_cpu that Fargate accepts."
  type        = number
  default     = 512
  nullable    = false

  validation {
    condition     = contains(lookup(local.fargate_memory_by_cpu, tostring(var.task_cpu), []), var.task_memory)
    error_message = "The task_memory is not a memory size Fargate accepts with this task_cpu (256: 512/1024/2048; 512: 1024-4096; 1024: 2048-8192; 2048: 4096-16384; 4096: 8192-30720, in 1024 steps; 8192: 16384-61440 in 4096 steps; 16384: 32768-122880 in 8192 steps)."
  }
}

variable "desired_count" {
  description = "Task count the pipeline's first rollout sets (Terraform creates the service at 0 and then ignores the count)."
  type        = number
  nullable    = false

  validation {
    condition     = var.desired_count >= 1 && floor(var.desired_count) == var.desired_count
    error_message = "The desired_count must be a whole number, at least 1."
  }
}

variable "min_capacity" {
  description = "Minimum task count of the autoscaling target."
  type        = number
  nullable    = false

  validation {
    condition     = var.min_capacity >= 1 && floor(var.min_capacity) == var.min_capacity
    error_message = "The min_capacity must be a whole number, at least 1."
  }
}

variable "max_capacity" {
  description = "Maximum task count of the autoscaling target."
  type        = number
  nullable    = false

  validation {
    condition     = var.max_capacity >= var.min_capacity && floor(var.max_capacity) == var.max_capacity
    error_message = "The max_capacity must be a whole number, at least min_capacity."
  }
}

variable "fargate_base" {
  description = "Tasks always on on-demand FARGATE (Spot has no automatic fallback); 0 runs everything on FARGATE_SPOT."
  type        = number
  default     = 0
  nullable    = false

  validation {
    condition     = var.fargate_base >= 0 && floor(var.fargate_base) == var.fargate_base
    error_message = "The fargate_base must be a whole number, at least 0."
  }
}

variable "fargate_weight" {
  description = "Weight of on-demand FARGATE for tasks beyond fargate_base (FARGATE_SPOT has weight 1)."
  type        = number
  default     = 0
  nullable    = false

  validation {
    condition     = var.fargate_weight >= 0 && floor(var.fargate_weight) == var.fargate_weight
    error_message = "The fargate_weight must be a whole number, at least 0."
  }
}

variable "log_retention_days" {
  description = "Retention of the container and access log groups, in days (a value CloudWatch Logs accepts)."
  type        = number
  nullable    = false

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "The log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "cors_allow_origins" {
  description = "Origins the HTTP API allows by CORS; empty disables CORS."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for o in var.cors_allow_origins : o == "*" || can(regex("^https?://[^/*]+$", o))])
    error_message = "Each of cors_allow_origins must be an origin like https://app.example.com (scheme and host, no path) or *."
  }
}

variable "throttling_rate_limit" {
  description = "Steady-state requests per second of the API's default route."
  type        = number
  nullable    = false

  validation {
    condition     = var.throttling_rate_limit > 0
    error_message = "The throttling_rate_limit must be positive."
  }
}

variable "throttling_burst_limit" {
  description = "Request burst of the API's default route."
  type        = number
  nullable    = false

  validation {
    condition     = var.throttling_burst_limit > 0 && floor(var.throttling_burst_limit) == var.throttling_burst_limit
    error_message = "The throttling_burst_limit must be a positive whole number."
  }
}

variable "ecr_keep_images" {
  description = "Images the ECR lifecycle policy keeps (the newest)."
  type        = number
  default     = 20
  nullable    = false

  validation {
    condition     = var.ecr_keep_images >= 1 && var.ecr_keep_images <= 1000 && floor(var.ecr_keep_images) == var.ecr_keep_images
    error_message = "The ecr_keep_images must be a whole number between 1 and 1000."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days after which noncurrent S3 object versions are deleted."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1 && floor(var.noncurrent_version_expiration_days) == var.noncurrent_version_expiration_days
    error_message = "The noncurrent_version_expiration_days must be a whole number of days, at least 1."
  }
}

variable "api_auth" {
  description = "Authentication of the HTTP API (every route but GET /health): none, cognito (a user pool for the web frontend; its tokens are required) or jwt (tokens of the issuer in api_jwt_issuer)."
  type        = string
  default     = "none"
  nullable    = false

  validation {
    condition     = contains(["none", "cognito", "jwt"], var.api_auth)
    error_message = "The api_auth must be one of none, cognito, jwt."
  }
}

variable "api_jwt_issuer" {
  description = "With api_auth = \"jwt\": issuer URL of the accepted tokens (https://...)."
  type        = string
  default     = null

  validation {
    condition     = var.api_auth != "jwt" || var.api_jwt_issuer != null
    error_message = "The api_jwt_issuer must be set (an https:// issuer URL) when api_auth is jwt."
  }
}

variable "api_jwt_audience" {
  description = "With api_auth = \"jwt\": accepted audiences (the aud claim) of the tokens."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = var.api_auth != "jwt" || length(var.api_jwt_audience) > 0
    error_message = "The api_jwt_audience must list at least one audience when api_auth is jwt."
  }
}

variable "upload_expiration_days" {
  description = "Days after which files uploaded through the API expire (uploads/ in the files bucket); set per environment in envs/<env>.tfvars."
  type        = number
  nullable    = false

  validation {
    condition     = var.upload_expiration_days >= 1 && var.upload_expiration_days <= 3650 && floor(var.upload_expiration_days) == var.upload_expiration_days
    error_message = "The upload_expiration_days must be a whole number of days between 1 and 3650."
  }
}

variable "access_log" {
  description = "The backend logs one line per request (uvicorn's access log; ACCESS_LOG in backend_environment_variables)."
  type        = bool
  default     = true
  nullable    = false
}

variable "s3_lifecycle_rules" {
  description = "Create the buckets' lifecycle rules (noncurrent versions and uploaded files expire). Only an emulator environment (local) turns them off: the emulator never expires objects, and the provider waits about 55 s after creating each configuration for it to settle, which would be most of a rehearsal's apply."
  type        = bool
  default     = true
  nullable    = false

  validation {
    condition     = var.s3_lifecycle_rules || var.emulator
    error_message = "Only an emulator environment (emulator = true, like local) may set s3_lifecycle_rules = false: deployed buckets must expire noncurrent versions and uploaded files."
  }
}

variable "force_destroy" {
  description = "Allow destroying the buckets and the ECR repository while they hold data (never in a protected environment)."
  type        = bool
  default     = false
  nullable    = false

  validation {
    condition     = !(var.force_destroy && var.protected)
    error_message = "A protected environment keeps its data: force_destroy must be false where protected is true."
  }
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

variable "app_permissions_boundary" {
  description = "Name of the permissions boundary policy for the ECS task and execution roles, created by infra/github-oidc (predictor-github-app-boundary-<env>); required for environments deployed by CI roles, null for the emulator."
  type        = string
  default     = null
  nullable    = true

  validation {
    condition     = var.app_permissions_boundary == null || can(regex("^[A-Za-z0-9+=,.@_-]{1,128}$", var.app_permissions_boundary))
    error_message = "The app_permissions_boundary must be null or an IAM policy name such as predictor-github-app-boundary-dev."
  }
}

variable "object_lock_days" {
  description = "Default S3 Object Lock retention (governance mode) of the data buckets, in days; 0 turns Object Lock off. Protected environments set it, so that no CI role can delete a version younger than this (see README.md, threat model)."
  type        = number
  default     = 0
  nullable    = false

  validation {
    condition     = var.object_lock_days >= 0 && var.object_lock_days <= 3650 && floor(var.object_lock_days) == var.object_lock_days
    error_message = "The object_lock_days must be a whole number of days between 0 and 3650."
  }
}
