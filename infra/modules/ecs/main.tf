locals {
  name           = "${var.project}-${var.environment}"
  container_name = "backend"

  # FARGATE is listed only when it carries a base or a weight (dev: Spot only).
  capacity_provider_strategy = concat(
    var.fargate_base > 0 || var.fargate_weight > 0 ? [{ provider = "FARGATE", base = var.fargate_base, weight = var.fargate_weight }] : [],
    [{ provider = "FARGATE_SPOT", base = 0, weight = var.fargate_spot_weight }],
  )

  health_check_command = "python3 -c \"import sys,urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:${var.container_port}${var.health_check_path}', timeout=4).status == 200 else 1)\" || exit 1"
}

# CloudWatch Logs encrypts at rest with service keys; a customer-managed KMS key adds
# cost and key policy work for logs that hold no secrets.
#trivy:ignore:AVD-AWS-0017 (aws-cloudwatch-log-group-customer-key)
resource "aws_cloudwatch_log_group" "this" {
  name              = "/ecs/${local.name}-backend"
  retention_in_days = var.log_retention_days

  tags = merge(var.tags, { Name = "/ecs/${local.name}-backend" })
}

resource "aws_ecs_cluster" "this" {
  name = "${local.name}-cluster"

  setting {
    name  = "containerInsights"
    value = "enabled"
  }

  tags = merge(var.tags, { Name = "${local.name}-cluster" })
}

resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = ["FARGATE", "FARGATE_SPOT"]

  dynamic "default_capacity_provider_strategy" {
    for_each = local.capacity_provider_strategy
    content {
      capacity_provider = default_capacity_provider_strategy.value.provider
      base              = default_capacity_provider_strategy.value.base
      weight            = default_capacity_provider_strategy.value.weight
    }
  }
}

resource "aws_ecs_task_definition" "this" {
  family                   = "${local.name}-backend"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = tostring(var.task_cpu)
  memory                   = tostring(var.task_memory)
  execution_role_arn       = var.execution_role_arn
  task_role_arn            = var.task_role_arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  # Writable scratch space under a read-only root filesystem (Fargate task storage).
  volume {
    name = "tmp"
  }

  container_definitions = jsonencode([
    {
      name                   = local.container_name
      image                  = var.image
      essential              = true
      user                   = var.container_user
      readonlyRootFilesystem = true
      # Fargate Spot sends SIGTERM two minutes before reclaiming a task: use all of it.
      stopTimeout = 120
      portMappings = [
        {
          name          = "http"
          containerPort = var.container_port
          hostPort      = var.container_port
          protocol      = "tcp"
        },
      ]
      environment = [for k in sort(keys(var.environment_variables)) : { name = k, value = var.environment_variables[k] }]
      mountPoints = [
        {
          sourceVolume  = "tmp"
          containerPath = "/tmp"
          readOnly      = false
        },
      ]
      healthCheck = {
        command     = ["CMD-SHELL", local.health_check_command]
        interval    = 15
        timeout     = 5
        retries     = 3
        startPeriod = 30
      }
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.this.name
          awslogs-region        = var.region
          awslogs-stream-prefix = local.container_name
        }
      }
    },
  ])

  tags = merge(var.tags, { Name = "${local.name}-backend" })
}

resource "aws_ecs_service" "this" {
  name            = "${local.name}-backend"
  cluster         = aws_ecs_cluster.this.id
  task_definition = aws_ecs_task_definition.this.arn
  # Zero tasks until the pipeline's first rollout: the bootstrap image does not exist yet,
  # and a service started on it would crash-loop. The rollout sets the count.
  desired_count = 0

  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  availability_zone_rebalancing      = "ENABLED"
  propagate_tags                     = "SERVICE"

  dynamic "capacity_provider_strategy" {
    for_each = local.capacity_provider_strategy
    content {
      capacity_provider = capacity_provider_strategy.value.provider
      base              = capacity_provider_strategy.value.base
      weight            = capacity_provider_strategy.value.weight
    }
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = var.security_group_ids
    assign_public_ip = var.assign_public_ip
  }

  service_registries {
    registry_arn   = var.service_registry_arn
    container_name = local.container_name
    container_port = var.container_port
  }

  tags = merge(var.tags, { Name = "${local.name}-backend" })

  # The pipeline registers a task definition revision per deploy and autoscaling owns
  # the count: Terraform must not revert either.
  lifecycle {
    ignore_changes = [task_definition, desired_count]
  }

  depends_on = [aws_ecs_cluster_capacity_providers.this]
}

# The image of the revision the service runs now (the pipeline's after its first rollout).
data "aws_ecs_container_definition" "current" {
  task_definition = aws_ecs_service.this.task_definition
  container_name  = local.container_name
}

locals {
  # RegisterScalableTarget moves the current count into [min, max] at once (Application
  # Auto Scaling User Guide, "Scalable target"): with min >= 1 a first apply would start
  # tasks on the bootstrap image, which does not exist, and crash-loop. So the minimum is
  # 0 while the service still runs the bootstrap image, and min_capacity from the first
  # plan after the pipeline's first rollout on (the rollout itself sets the count).
  rolled_out = data.aws_ecs_container_definition.current.image != var.image
}

# Untagged: a scalable target has no cost to allocate, and moto 5.2.5 drops the tags of
# RegisterScalableTarget (the next plan would want to add them again).
resource "aws_appautoscaling_target" "this" {
  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.this.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = local.rolled_out ? var.min_capacity : 0
  max_capacity       = var.max_capacity
}

resource "aws_appautoscaling_policy" "this" {
  for_each = {
    cpu    = { metric = "ECSServiceAverageCPUUtilization", target = var.cpu_target }
    memory = { metric = "ECSServiceAverageMemoryUtilization", target = var.memory_target }
  }

  name               = "${local.name}-backend-${each.key}"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  resource_id        = aws_appautoscaling_target.this.resource_id
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = each.value.target
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    predefined_metric_specification {
      predefined_metric_type = each.value.metric
    }
  }
}
