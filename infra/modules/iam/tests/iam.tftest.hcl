mock_provider "aws" {}

variables {
  environment  = "dev"
  account_id   = "123456789012"
  region       = "us-east-1"
  bucket_arns  = ["arn:aws:s3:::predictor-model-dev-files-123456789012", "arn:aws:s3:::predictor-model-dev-data-123456789012"]
  kms_key_arns = ["arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"]
}

run "roles_are_least_privilege" {
  command = plan

  assert {
    condition     = aws_iam_role.this["execution"].name == "predictor-model-dev-ecs-execution" && aws_iam_role.this["task"].name == "predictor-model-dev-ecs-task"
    error_message = "role names follow predictor-model-<env>-ecs-<role>."
  }
  assert {
    condition     = aws_iam_role_policy_attachment.execution.policy_arn == "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
    error_message = "the execution role gets the managed ECS execution policy."
  }
  assert {
    condition     = jsondecode(aws_iam_role.this["task"].assume_role_policy).Statement[0].Principal.Service == "ecs-tasks.amazonaws.com"
    error_message = "only ECS tasks assume the roles."
  }
  assert {
    condition     = jsondecode(aws_iam_role.this["task"].assume_role_policy).Statement[0].Condition.StringEquals["aws:SourceAccount"] == "123456789012"
    error_message = "the trust policy is limited to this account."
  }
  assert {
    condition = alltrue(flatten([
      for s in jsondecode(aws_iam_role_policy.task.policy).Statement : [for a in s.Action : !strcontains(a, "*")]
    ]))
    error_message = "no wildcard action in the task policy."
  }
  assert {
    condition = alltrue(flatten([
      for s in jsondecode(aws_iam_role_policy.task.policy).Statement : [for r in s.Resource : r != "*" && !startswith(r, "arn:aws:s3:::*")]
    ]))
    error_message = "no wildcard resource in the task policy."
  }
  assert {
    condition = toset(flatten([
      for s in jsondecode(aws_iam_role_policy.task.policy).Statement : [for r in s.Resource : trimsuffix(r, "/*") if startswith(r, "arn:aws:s3")]
    ])) == toset(var.bucket_arns)
    error_message = "the task policy covers exactly the two buckets."
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.task.policy).Statement[2].Condition.StringEquals["kms:ViaService"] == "s3.us-east-1.amazonaws.com"
    error_message = "the bucket key is usable through S3 only."
  }
}

run "malformed_environment_is_rejected" {
  command = plan

  variables {
    environment = "QA_nope"
  }

  expect_failures = [var.environment]
}

run "wildcard_bucket_arn_is_rejected" {
  command = plan

  variables {
    bucket_arns = ["arn:aws:s3:::*"]
  }

  expect_failures = [var.bucket_arns]
}

run "roles_carry_the_permissions_boundary" {
  variables {
    permissions_boundary_name = "predictor-github-app-boundary-dev"
  }

  assert {
    condition     = alltrue([for r in aws_iam_role.this : r.permissions_boundary == "arn:aws:iam::123456789012:policy/predictor-github-app-boundary-dev"])
    error_message = "Both roles must carry the permissions boundary the CI deploy roles require."
  }
}

run "no_boundary_on_the_emulator" {
  assert {
    condition     = alltrue([for r in aws_iam_role.this : r.permissions_boundary == null])
    error_message = "Without a boundary name the roles carry none."
  }
}
