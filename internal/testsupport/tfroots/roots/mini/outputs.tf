output "s3_files_bucket_name" {
  description = "Files bucket."
  value       = aws_s3_bucket.files.bucket
}

output "security_group_id" {
  description = "Security group of the tasks."
  value       = aws_security_group.tasks.id
}

output "backend_environment_variables" {
  description = "Environment of the backend."
  value = {
    AWS_REGION      = var.aws_region
    APP_ENV         = var.environment
    S3_FILES_BUCKET = aws_s3_bucket.files.bucket
  }
}
