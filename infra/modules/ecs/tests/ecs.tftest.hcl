mock_provider "aws" {}

variables {
  environment           = "dev"
  region                = "us-east-1"
  task_cpu              = 256
  task_memory           = 512
  image                 = "123456789012.dkr.ecr.us-east-1.amazonaws.com/predictor-model-dev-backend:bootstrap"
  environment_variables = { AWS_REGION = "us-east-1", S3_FILES_BUCKET = "f", S3_DATA_BUCKET = "d", APP_ENV = "dev" }
  execution_role_arn    = "arn:aws:iam::123456789012:role/predictor-model-dev-ecs-execution"
  task_role_arn         = "arn:aws:iam::123456789012:role/predictor-model-dev-ecs-task"
  subnet_ids            = ["subnet-0a", "subnet-0b"]
  security_group_ids    = ["sg-0a"]
  assign_public_ip      = true
  service_registry_arn  = "arn:aws:servicediscovery:us-east-1:123456789012:service/srv-abc"
  log_retention_days    = 14
  min_capacity          = 1
  max_capacity          = 2
}

run "dev_runs_everything_on_spot_starting_at_zero" {
  command = plan

  assert {
    condition     = aws_ecs_cluster.this.name == "predictor-model-dev-cluster" && aws_ecs_service.this.name == "predictor-model-dev-backend"
    error_message = "cluster and service names follow predictor-model-<env>-..."
  }
  assert {
    condition     = aws_cloudwatch_log_group.this.name == "/ecs/predictor-model-dev-backend" && aws_cloudwatch_log_group.this.retention_in_days == 14
    error_message = "the log group is /ecs/predictor-model-<env>-backend with the given retention."
  }
  assert {
    condition     = one([for s in aws_ecs_cluster.this.setting : s.value if s.name == "containerInsights"]) == "enabled"
    error_message = "Container Insights is enabled."
  }
  assert {
    condition     = aws_ecs_cluster_capacity_providers.this.capacity_providers == toset(["FARGATE", "FARGATE_SPOT"])
    error_message = "the cluster offers FARGATE and FARGATE_SPOT."
  }
  assert {
    condition     = [for s in aws_ecs_service.this.capacity_provider_strategy : s.capacity_provider] == ["FARGATE_SPOT"]
    error_message = "dev runs all tasks on FARGATE_SPOT."
  }
  assert {
    condition     = aws_ecs_service.this.desired_count == 0
    error_message = "the service starts at zero tasks until the first rollout."
  }
  assert {
    condition     = aws_ecs_service.this.deployment_circuit_breaker[0].enable && aws_ecs_service.this.deployment_circuit_breaker[0].rollback
    error_message = "the circuit breaker rolls back."
  }
  assert {
    condition     = aws_ecs_service.this.network_configuration[0].assign_public_ip
    error_message = "public mode gives tasks a public IP."
  }
  assert {
    condition     = one(aws_ecs_service.this.service_registries).container_name == "backend" && one(aws_ecs_service.this.service_registries).container_port == 8000
    error_message = "tasks register in Cloud Map with the container port (SRV)."
  }
  assert {
    condition     = aws_appautoscaling_policy.this["cpu"].target_tracking_scaling_policy_configuration[0].target_value == 70 && aws_appautoscaling_policy.this["memory"].target_tracking_scaling_policy_configuration[0].target_value == 80
    error_message = "target tracking on CPU 70% and memory 80%."
  }
  assert {
    condition     = aws_appautoscaling_policy.this["memory"].target_tracking_scaling_policy_configuration[0].predefined_metric_specification[0].predefined_metric_type == "ECSServiceAverageMemoryUtilization"
    error_message = "the memory policy tracks ECSServiceAverageMemoryUtilization."
  }
}

run "autoscaling_minimum_is_zero_while_the_bootstrap_image_runs" {
  command = apply

  override_data {
    target = data.aws_ecs_container_definition.current
    values = {
      image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/predictor-model-dev-backend:bootstrap"
    }
  }

  assert {
    condition     = aws_appautoscaling_target.this.min_capacity == 0 && aws_appautoscaling_target.this.max_capacity == 2
    error_message = "registering min >= 1 would start tasks on the missing bootstrap image: min is 0 until the first rollout."
  }
}

run "autoscaling_minimum_applies_after_the_first_rollout" {
  command = apply

  override_data {
    target = data.aws_ecs_container_definition.current
    values = {
      image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/predictor-model-dev-backend@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    }
  }

  assert {
    condition     = aws_appautoscaling_target.this.min_capacity == 1 && aws_appautoscaling_target.this.max_capacity == 2
    error_message = "once the pipeline's image runs, autoscaling uses min_capacity and max_capacity."
  }
}

run "task_definition_is_hardened" {
  command = plan

  assert {
    condition     = aws_ecs_task_definition.this.family == "predictor-model-dev-backend" && aws_ecs_task_definition.this.cpu == "256" && aws_ecs_task_definition.this.memory == "512"
    error_message = "family and size."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].name == "backend"
    error_message = "the container is named backend."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].image == var.image
    error_message = "the first revision uses the bootstrap image."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].user == "10001"
    error_message = "the container runs as a non-root user."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].readonlyRootFilesystem
    error_message = "the root filesystem is read-only."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].mountPoints[0].containerPath == "/tmp" && one(aws_ecs_task_definition.this.volume).name == "tmp"
    error_message = "/tmp is a writable volume."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].stopTimeout == 120
    error_message = "stopTimeout uses Spot's two-minute warning."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].portMappings[0].containerPort == 8000
    error_message = "the container listens on 8000."
  }
  assert {
    condition     = strcontains(jsondecode(aws_ecs_task_definition.this.container_definitions)[0].healthCheck.command[1], "http://127.0.0.1:8000/health")
    error_message = "the container health check calls /health."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].logConfiguration.options["awslogs-group"] == "/ecs/predictor-model-dev-backend"
    error_message = "awslogs writes to the environment's log group."
  }
  assert {
    condition     = tomap({ for e in jsondecode(aws_ecs_task_definition.this.container_definitions)[0].environment : e.name => e.value }) == var.environment_variables
    error_message = "the environment comes from environment_variables."
  }
}

run "prod_keeps_one_task_on_demand" {
  command = plan

  variables {
    environment      = "prod"
    task_cpu         = 512
    task_memory      = 1024
    fargate_base     = 1
    assign_public_ip = false
  }

  assert {
    condition     = one([for s in aws_ecs_service.this.capacity_provider_strategy : s if s.capacity_provider == "FARGATE"]).base == 1
    error_message = "prod keeps base = 1 on FARGATE."
  }
  assert {
    condition     = one([for s in aws_ecs_service.this.capacity_provider_strategy : s if s.capacity_provider == "FARGATE_SPOT"]).weight == 1
    error_message = "tasks beyond the base go to FARGATE_SPOT."
  }
  assert {
    condition     = aws_ecs_service.this.network_configuration[0].assign_public_ip == false
    error_message = "private mode gives tasks no public IP."
  }
}

run "malformed_environment_is_rejected" {
  command = plan

  variables {
    environment = "QA_nope"
  }

  expect_failures = [var.environment]
}

run "bad_retention_is_rejected" {
  command = plan

  variables {
    log_retention_days = 10
  }

  expect_failures = [var.log_retention_days]
}

run "max_below_min_is_rejected" {
  command = plan

  variables {
    min_capacity = 3
    max_capacity = 2
  }

  expect_failures = [var.max_capacity]
}

run "root_user_is_rejected" {
  command = plan

  variables {
    container_user = "0"
  }

  expect_failures = [var.container_user]
}
