# A small root with the infra/ contract release-diff relies on: environment,
# aws_region, aws_endpoint, envs/<env>.tfvars, a partial S3 backend, the service
# outputs, and task definition inputs a change of which the release diff shows.
variable "environment" {
  description = "Environment name."
  type        = string
}

variable "aws_region" {
  description = "AWS region."
  type        = string
  default     = "us-east-1"
}

variable "aws_endpoint" {
  description = "Emulator endpoint; null for real AWS."
  type        = string
  default     = null
}

variable "cpu" {
  description = "Task CPU units."
  type        = string
  default     = "256"
}

variable "memory" {
  description = "Task memory (MiB)."
  type        = string
  default     = "512"
}

variable "log_level" {
  description = "LOG_LEVEL of the container: a plain variable, its value shown."
  type        = string
  default     = "info"
}

variable "model_token" {
  description = "MODEL_TOKEN of the container: its name marks it secret, its value never shown."
  type        = string
  default     = "token-one"
}
