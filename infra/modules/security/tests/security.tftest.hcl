mock_provider "aws" {}

variables {
  environment       = "dev"
  network_mode      = "public"
  vpc_id            = "vpc-0123456789abcdef0"
  s3_prefix_list_id = "pl-63a5400a"
}

run "public_mode_tasks_admit_only_the_vpc_link" {
  command = apply

  assert {
    condition     = toset(keys(aws_security_group.this)) == toset(["tasks", "vpc-link"])
    error_message = "public mode has a tasks group and a VPC Link group, no endpoint group."
  }
  assert {
    condition     = aws_security_group.this["tasks"].name == "predictor-model-dev-tasks"
    error_message = "group names follow predictor-model-<env>-<role>."
  }
  assert {
    condition     = aws_vpc_security_group_ingress_rule.tasks_from_vpc_link.referenced_security_group_id == aws_security_group.this["vpc-link"].id
    error_message = "the tasks admit only the VPC Link's group."
  }
  assert {
    condition     = aws_vpc_security_group_ingress_rule.tasks_from_vpc_link.from_port == 8000 && aws_vpc_security_group_ingress_rule.tasks_from_vpc_link.to_port == 8000
    error_message = "the tasks admit only the container port."
  }
  assert {
    condition     = aws_vpc_security_group_egress_rule.vpc_link_to_tasks.referenced_security_group_id == aws_security_group.this["tasks"].id
    error_message = "the VPC Link may only reach the tasks."
  }
  assert {
    condition     = length(aws_vpc_security_group_egress_rule.tasks_to_internet) == 1 && aws_vpc_security_group_egress_rule.tasks_to_internet[0].from_port == 443
    error_message = "public mode: tasks reach the ECR and Logs APIs over HTTPS."
  }
  assert {
    condition     = length(aws_vpc_security_group_egress_rule.tasks_to_endpoints) == 0 && length(aws_vpc_security_group_ingress_rule.endpoints_from_tasks) == 0
    error_message = "public mode has no endpoint rules."
  }
  assert {
    condition     = aws_vpc_security_group_egress_rule.tasks_to_s3.prefix_list_id == "pl-63a5400a"
    error_message = "tasks reach S3 through the gateway endpoint's prefix list."
  }
  assert {
    condition     = output.endpoint_security_group_ids == []
    error_message = "no endpoint group in public mode."
  }
}

run "private_mode_has_no_internet_egress" {
  command = apply

  variables {
    environment  = "prod"
    network_mode = "private"
  }

  assert {
    condition     = toset(keys(aws_security_group.this)) == toset(["tasks", "vpc-link", "endpoints"])
    error_message = "private mode adds the endpoint group."
  }
  assert {
    condition     = length(aws_vpc_security_group_egress_rule.tasks_to_internet) == 0
    error_message = "private mode must not open egress to 0.0.0.0/0."
  }
  assert {
    condition     = aws_vpc_security_group_egress_rule.tasks_to_endpoints[0].referenced_security_group_id == aws_security_group.this["endpoints"].id
    error_message = "tasks reach the endpoints' group on 443."
  }
  assert {
    condition     = aws_vpc_security_group_ingress_rule.endpoints_from_tasks[0].referenced_security_group_id == aws_security_group.this["tasks"].id
    error_message = "the endpoints admit only the tasks."
  }
  assert {
    condition     = output.endpoint_security_group_ids == [aws_security_group.this["endpoints"].id]
    error_message = "the endpoint group is exported for the networking module."
  }
}

run "malformed_environment_is_rejected" {
  command = plan

  variables {
    environment = "QA_nope"
  }

  expect_failures = [var.environment]
}

run "bad_container_port_is_rejected" {
  command = plan

  variables {
    container_port = 70000
  }

  expect_failures = [var.container_port]
}
