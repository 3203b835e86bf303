# Output names are a contract with deployctl and the Dagger module: do not rename.

output "api_gateway_url" {
  description = "Base URL of the HTTP API, no trailing slash (the smoke test calls <url>/health)."
  value       = module.api_gateway.api_endpoint
}

output "ecr_repository_url" {
  description = "URL of the backend's ECR repository."
  value       = module.ecr.repository_url
}

output "s3_files_bucket_name" {
  description = "Bucket for uploaded files."
  value       = module.s3.bucket_names["files"]
}

output "s3_data_bucket_name" {
  description = "Bucket for processed data."
  value       = module.s3.bucket_names["data"]
}

output "ecs_cluster_name" {
  description = "Name of the ECS cluster."
  value       = module.ecs.cluster_name
}

output "ecs_service_name" {
  description = "Name of the ECS service."
  value       = module.ecs.service_name
}

output "ecs_task_family" {
  description = "Task definition family the pipeline registers new revisions in."
  value       = module.ecs.task_family
}

output "ecs_task_definition_arn" {
  description = "ARN of the task definition revision Terraform manages: the base of every release (the pipeline registers each release from it, replacing only the image and APP_VERSION)."
  value       = module.ecs.task_definition_arn
}

output "ecs_container_name" {
  description = "Name of the backend container in the task definition."
  value       = module.ecs.container_name
}

output "ecs_desired_count" {
  description = "Task count the pipeline's first rollout sets (the service starts at 0)."
  value       = var.desired_count
}

output "backend_environment_variables" {
  description = "Environment of the backend container: AWS_REGION, S3_FILES_BUCKET, S3_DATA_BUCKET, APP_ENV."
  value       = local.backend_environment_variables
}

output "aws_region" {
  description = "Region of the deployment."
  value       = var.aws_region
}

output "log_group_name" {
  description = "CloudWatch Logs group of the backend container."
  value       = module.ecs.log_group_name
}

output "network_mode" {
  description = "Network mode of the environment (public or private)."
  value       = var.network_mode
}

output "cognito_user_pool_id" {
  description = "User pool of the web frontend (Amplify Auth's userPoolId); null unless api_auth is cognito."
  value       = one(module.cognito[*].user_pool_id)
}

output "cognito_user_pool_client_id" {
  description = "App client of the web frontend (Amplify Auth's userPoolClientId); null unless api_auth is cognito."
  value       = one(module.cognito[*].client_id)
}

output "api_jwt_issuer" {
  description = "Issuer whose JWTs the API requires on every route but GET /health; null when the API has no authentication."
  value       = local.jwt_issuer
}

# Preflight (`deployctl verify`): what the live service is compared with. The roles,
# log group, subnets and security groups are read from the service and its task
# definition themselves, so they need no outputs.

output "api_gateway_id" {
  description = "ID of the HTTP API whose integration must point at the service's Cloud Map service."
  value       = module.api_gateway.api_id
}

output "ecs_fargate_base" {
  description = "On-demand FARGATE tasks the service's capacity provider strategy keeps (the rest run on FARGATE_SPOT)."
  value       = var.fargate_base
}
