# The variables of infra/'s contract that deployctl sets or reads: every root has
# them, with envs/<env>.tfvars and a partial S3 backend (versions.tf).
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
