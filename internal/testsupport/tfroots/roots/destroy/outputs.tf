output "s3_files_bucket_name" {
  description = "Files bucket."
  value       = aws_s3_bucket.this["files"].bucket
}

output "s3_data_bucket_name" {
  description = "Data bucket."
  value       = aws_s3_bucket.this["data"].bucket
}
