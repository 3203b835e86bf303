output "execution_role_arn" {
  description = "ARN of the task execution role (image pull, logs)."
  value       = aws_iam_role.this["execution"].arn
}

output "task_role_arn" {
  description = "ARN of the task role (the two buckets only)."
  value       = aws_iam_role.this["task"].arn
}

output "execution_role_name" {
  description = "Name of the task execution role."
  value       = aws_iam_role.this["execution"].name
}

output "task_role_name" {
  description = "Name of the task role."
  value       = aws_iam_role.this["task"].name
}
