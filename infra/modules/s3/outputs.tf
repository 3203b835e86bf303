output "bucket_names" {
  description = "Bucket names keyed by purpose."
  value       = { for k, b in aws_s3_bucket.this : k => b.id }
}

output "bucket_arns" {
  description = "Bucket ARNs keyed by purpose."
  value       = { for k, b in aws_s3_bucket.this : k => b.arn }
}
