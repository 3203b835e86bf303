# A small stand-in for infra/ with the same contract: environment, aws_region,
# aws_endpoint, envs/<env>.tfvars and a partial S3 backend.
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

variable "name_prefix" {
  description = "Prefix of resource names, so tests sharing an emulator do not collide (TF_VAR_name_prefix)."
  type        = string
  default     = "mini"
}

variable "sg_description" {
  description = "Description of the security group."
  type        = string
}

variable "break_state_save" {
  description = "Test hook (TF_VAR_break_state_save): wipe the emulator during apply, so terraform cannot save the state and writes errored.tfstate."
  type        = bool
  default     = false
}

variable "deny_state_save" {
  description = "Test hook (TF_VAR_deny_state_save): deny every emulator request for a few seconds at the end of apply, so the state save fails once and errored.tfstate can be pushed back."
  type        = bool
  default     = false
}
