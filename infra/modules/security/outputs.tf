output "tasks_security_group_id" {
  description = "Security group of the backend ECS tasks."
  value       = aws_security_group.this["tasks"].id
}

output "vpc_link_security_group_id" {
  description = "Security group of the API Gateway VPC Link."
  value       = aws_security_group.this["vpc-link"].id
}

output "endpoint_security_group_ids" {
  description = "Security groups for the interface endpoints (empty in public mode)."
  value       = [for k, g in aws_security_group.this : g.id if k == "endpoints"]
}
