variable "github_repository" {
  description = "The GitHub repository allowed to assume the roles, as owner/name (no wildcards)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$", var.github_repository)) && !can(regex("^[^/]+/\\.\\.?$", var.github_repository))
    error_message = "The github_repository must be owner/name, such as octo-org/predictor: letters, digits and hyphens for the owner; letters, digits, '.', '_' and '-' for the name; no wildcards."
  }
}

# The environments are the files ../envs/<name>.tfvars (the one list; see the README's
# "add an environment"). Null derives this from them: every one but the emulator's.
variable "environments" {
  description = "Environments that get a deploy role, each one of ../envs/<name>.tfvars other than the emulator's; each is also the name of the GitHub environment whose jobs may assume it. Null (the default): every such environment."
  type        = list(string)
  default     = null
  nullable    = true

  validation {
    # null (derived) passes; a list must be distinct names of non-emulator files. try():
    # Terraform's || does not short-circuit, and a for over null fails.
    condition = try(length(var.environments) > 0 && length(distinct(var.environments)) == length(var.environments) && alltrue([
      for e in var.environments : can(regex("^[a-z][a-z0-9-]{0,15}$", e)) && fileexists("${path.module}/../envs/${e}.tfvars") && !can(regex("(?m)^\\s*emulator\\s*=\\s*true", file("${path.module}/../envs/${e}.tfvars")))
    ]), var.environments == null)
    error_message = "The environments must be null or a non-empty list of distinct names of ../envs/<name>.tfvars files, none of them the emulator's."
  }
}

variable "readonly_environment" {
  description = "GitHub environment whose jobs (scheduled drift checks, manual plans) may assume the read-only role; restrict its deployment branches to main."
  type        = string
  default     = "readonly"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{1,255}$", var.readonly_environment)) && !fileexists("${path.module}/../envs/${var.readonly_environment}.tfvars")
    error_message = "The readonly_environment must be a GitHub environment name (letters, digits, '.', '_', '-') other than the environments' (../envs/<name>.tfvars)."
  }
}

variable "project" {
  description = "Name prefix of the application's resources, as in infra/ (predictor-model gives predictor-model-<env>-...)."
  type        = string
  default     = "predictor-model"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.project))
    error_message = "The project must be 3-32 lowercase letters, digits or hyphens."
  }
}

variable "role_name_prefix" {
  description = "Prefix of the IAM roles and policies this root creates."
  type        = string
  default     = "predictor-github"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,40}$", var.role_name_prefix))
    error_message = "The role_name_prefix must be 1-40 characters valid in IAM role names."
  }
}

variable "state_bucket_name" {
  description = "S3 bucket holding the Terraform state of infra/ (keys predictor/<env>/terraform.tfstate); null means deployctl's default, predictor-tfstate-<account>-<region>."
  type        = string
  default     = null
  nullable    = true

  validation {
    condition     = var.state_bucket_name == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.state_bucket_name))
    error_message = "The state_bucket_name must be null or a valid S3 bucket name."
  }
}

variable "create_oidc_provider" {
  description = "Create the account's OIDC provider for token.actions.githubusercontent.com; false uses the one that already exists (an account holds one per URL)."
  type        = bool
  default     = true
  nullable    = false
}

variable "max_session_duration" {
  description = "Longest session, in seconds, a workflow can request for any of the roles."
  type        = number
  default     = 3600
  nullable    = false

  validation {
    condition     = var.max_session_duration >= 3600 && var.max_session_duration <= 43200
    error_message = "The max_session_duration must be between 3600 and 43200 seconds."
  }
}

variable "aws_region" {
  description = "AWS region of the application (ARNs in the policies) and of the provider."
  type        = string
  default     = "us-east-1"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.aws_region))
    error_message = "The aws_region must be a region name such as us-east-1."
  }
}

variable "aws_endpoint" {
  description = "Endpoint URL of an AWS emulator (such as http://127.0.0.1:5000); null targets real AWS. The provider reaches it through AWS_ENDPOINT_URL, which must hold the same URL."
  type        = string
  default     = null
  nullable    = true

  validation {
    condition     = var.aws_endpoint == null || can(regex("^https?://[^/]+/?$", var.aws_endpoint))
    error_message = "The aws_endpoint must be null or a URL like http://127.0.0.1:5000."
  }
}

variable "protected_environments" {
  description = "Environments whose data no CI role may destroy: their deploy role cannot delete object versions or the buckets (an explicit Deny); only an administrator can. Null (the default): those whose ../envs/<name>.tfvars sets protected = true (prod)."
  type        = list(string)
  default     = null
  nullable    = true

  validation {
    condition     = try(alltrue([for e in var.protected_environments : fileexists("${path.module}/../envs/${e}.tfvars")]), var.protected_environments == null)
    error_message = "The protected_environments must be null or names of ../envs/<name>.tfvars files."
  }
}

variable "pin_workflows" {
  description = "Trust each role only from the workflow files in role_workflows on workflow_ref (the job_workflow_ref in the token's subject). Needs the repository's OIDC subject template set to repo, context, job_workflow_ref first (README: \"Pinning the workflow\"); false trusts GitHub's default subject (repository and environment, any workflow file)."
  type        = bool
  default     = true
  nullable    = false
}

variable "workflow_ref" {
  description = "The branch whose workflow files may assume the readonly and deploy roles (pin_workflows): a workflow dispatched from another branch is refused."
  type        = string
  default     = "refs/heads/main"
  nullable    = false

  validation {
    condition     = can(regex("^refs/heads/[A-Za-z0-9._/-]+$", var.workflow_ref)) && !strcontains(var.workflow_ref, "..")
    error_message = "The workflow_ref must be a branch ref such as refs/heads/main, without wildcards."
  }
}

variable "role_workflows" {
  description = "With pin_workflows: the files in .github/workflows whose jobs assume each role: plan (pull requests), readonly, and deploy (every deploy-E role). Name the file that defines the job: for a reusable workflow, its own file, not its caller's."
  type = object({
    plan     = list(string)
    readonly = list(string)
    deploy   = list(string)
  })
  default = {
    plan     = ["pull-request.yml"]
    readonly = ["deploy.yml", "dispatch.yml", "drift.yml"]
    deploy   = ["environment.yml"]
  }
  nullable = false

  validation {
    condition = alltrue([for files in values(var.role_workflows) : length(files) > 0 && alltrue([
      for f in files : can(regex("^[A-Za-z0-9_.-]+\\.ya?ml$", f))
    ])])
    error_message = "Each role needs at least one workflow file name such as deploy.yml (no path, no wildcards)."
  }
}
