# The infra/ contract release-diff relies on: the service outputs (service_outputs.tf)
# and task definition inputs a change of which the release diff shows (inputs.tf).

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
