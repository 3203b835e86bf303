# The service is created by the test through the SDK; the outputs name it as
# infra/outputs.tf does, which is where drift finds the service to compare.
output "ecs_cluster_name" {
  description = "ECS cluster."
  value       = "predictor-model-${var.environment}-cluster"
}

output "ecs_service_name" {
  description = "ECS service."
  value       = "predictor-model-${var.environment}-service"
}

output "ecs_container_name" {
  description = "The container the pipeline releases."
  value       = "backend"
}

output "ecs_desired_count" {
  description = "Tasks the service runs when it has no scalable target."
  value       = 1
}
