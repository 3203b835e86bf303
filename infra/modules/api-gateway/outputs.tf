output "api_endpoint" {
  description = "Base URL of the HTTP API (https://<id>.execute-api.<region>.amazonaws.com), no trailing slash."
  value       = aws_apigatewayv2_api.this.api_endpoint
}

output "api_id" {
  description = "ID of the HTTP API."
  value       = aws_apigatewayv2_api.this.id
}

output "service_discovery_service_arn" {
  description = "Cloud Map service the ECS service registers its tasks in."
  value       = aws_service_discovery_service.this.arn
}

output "service_discovery_namespace_name" {
  description = "Private DNS namespace of the Cloud Map service."
  value       = aws_service_discovery_private_dns_namespace.this.name
}

output "vpc_link_id" {
  description = "ID of the VPC Link."
  value       = aws_apigatewayv2_vpc_link.this.id
}

output "access_log_group_name" {
  description = "CloudWatch Logs group of the access log."
  value       = aws_cloudwatch_log_group.access.name
}

output "authorizer_id" {
  description = "ID of the JWT authorizer; null when the API has no authentication."
  value       = one(aws_apigatewayv2_authorizer.jwt[*].id)
}
