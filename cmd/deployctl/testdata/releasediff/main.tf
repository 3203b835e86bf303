provider "aws" {
  region                      = var.aws_region
  skip_credentials_validation = var.aws_endpoint != null
  skip_metadata_api_check     = var.aws_endpoint != null
  skip_region_validation      = var.aws_endpoint != null
  skip_requesting_account_id  = false
  s3_use_path_style           = var.aws_endpoint != null
  max_retries                 = 3

  allowed_account_ids = var.aws_endpoint != null ? ["123456789012"] : null
}

# The task definition as infra/modules/ecs registers it: the service (made by the test
# through the SDK) starts on this revision, and a release registers a copy of it with
# the release's image.
resource "aws_ecs_task_definition" "this" {
  family                   = "predictor-model-${var.environment}-backend"
  cpu                      = var.cpu
  memory                   = var.memory
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  container_definitions = jsonencode([{
    name      = "backend"
    image     = "bootstrap:latest"
    essential = true
    environment = [
      { name = "LOG_LEVEL", value = var.log_level },
      { name = "MODEL_TOKEN", value = var.model_token },
    ]
  }])
}
