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
