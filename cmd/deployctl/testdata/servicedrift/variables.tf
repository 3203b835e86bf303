# A small root with the infra/ contract drift relies on: environment, aws_region,
# aws_endpoint, envs/<env>.tfvars, a partial S3 backend and the service outputs.
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
