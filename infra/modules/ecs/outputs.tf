output "cluster_name" {
  description = "Name of the ECS cluster."
  value       = aws_ecs_cluster.this.name
}

output "cluster_arn" {
  description = "ARN of the ECS cluster."
  value       = aws_ecs_cluster.this.arn
}

output "service_name" {
  description = "Name of the ECS service."
  value       = aws_ecs_service.this.name
}

output "task_family" {
  description = "Family of the backend task definition (the pipeline registers new revisions in it)."
  value       = aws_ecs_task_definition.this.family
}

output "task_definition_arn" {
  description = "ARN of the task definition revision Terraform manages (size, roles, environment, security settings; bootstrap image). Each release is registered from it with only the image and APP_VERSION replaced."
  value       = aws_ecs_task_definition.this.arn
}

output "container_name" {
  description = "Name of the backend container in the task definition."
  value       = local.container_name
}

output "log_group_name" {
  description = "CloudWatch Logs group of the container."
  value       = aws_cloudwatch_log_group.this.name
}

output "capacity_provider_strategy" {
  description = "Capacity provider strategy of the service (provider, base, weight)."
  value       = local.capacity_provider_strategy
}

output "autoscaling_min_capacity" {
  description = "Minimum of the scalable target now: 0 until the service runs an image other than the bootstrap one, then min_capacity."
  value       = aws_appautoscaling_target.this.min_capacity
}
