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
