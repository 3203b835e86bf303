# Trust and permission policies, with a mocked provider (no AWS calls).

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_iam_openid_connect_provider" {
    defaults = { arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com/existing" }
  }
  mock_resource "aws_iam_openid_connect_provider" {
    defaults = { arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/mocked" }
  }
  mock_resource "aws_iam_policy" {
    defaults = { arn = "arn:aws:iam::123456789012:policy/mocked" }
  }
}

variables {
  github_repository = "octo-org/predictor"
}

run "every_role_checks_audience_and_exact_subject" {
  assert {
    condition     = toset(keys(aws_iam_role.this)) == toset(["plan", "readonly", "deploy-dev", "deploy-prod"])
    error_message = "Expected exactly the plan, readonly, deploy-dev and deploy-prod roles."
  }

  assert {
    condition = alltrue([for r in aws_iam_role.this :
      length(jsondecode(r.assume_role_policy).Statement) == 1 &&
      jsondecode(r.assume_role_policy).Statement[0].Effect == "Allow" &&
      jsondecode(r.assume_role_policy).Statement[0].Action == "sts:AssumeRoleWithWebIdentity" &&
      jsondecode(r.assume_role_policy).Statement[0].Principal.Federated == "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    ])
    error_message = "Each role must trust only the GitHub OIDC provider, for AssumeRoleWithWebIdentity."
  }

  # Only StringEquals: no StringLike that could carry a wildcard.
  assert {
    condition     = alltrue([for r in aws_iam_role.this : keys(jsondecode(r.assume_role_policy).Statement[0].Condition) == ["StringEquals"]])
    error_message = "Trust conditions must be StringEquals only."
  }

  assert {
    condition = alltrue([for r in aws_iam_role.this :
      keys(jsondecode(r.assume_role_policy).Statement[0].Condition.StringEquals) == ["token.actions.githubusercontent.com:aud", "token.actions.githubusercontent.com:sub"]
    ])
    error_message = "Every trust policy must check both aud and sub."
  }

  assert {
    condition     = alltrue([for r in aws_iam_role.this : jsondecode(r.assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:aud"] == "sts.amazonaws.com"])
    error_message = "The audience must be sts.amazonaws.com."
  }

  assert {
    condition = {
      for k, r in aws_iam_role.this : k => jsondecode(r.assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"]
      } == {
      "plan"        = "repo:octo-org/predictor:pull_request"
      "readonly"    = "repo:octo-org/predictor:environment:readonly"
      "deploy-dev"  = "repo:octo-org/predictor:environment:dev"
      "deploy-prod" = "repo:octo-org/predictor:environment:prod"
    }
    error_message = "The subjects must be exactly the repository's pull requests, readonly environment and deploy environments."
  }

  assert {
    condition     = alltrue([for r in aws_iam_role.this : !strcontains(r.assume_role_policy, "*")])
    error_message = "No wildcard anywhere in a trust policy."
  }

  assert {
    condition     = output.subjects["plan"] == "repo:octo-org/predictor:pull_request" && output.deploy_role_arns["prod"] == aws_iam_role.this["deploy-prod"].arn
    error_message = "Outputs must expose the subjects and deploy role ARNs."
  }
}

run "permissions_are_least_privilege" {
  # No action "*" or "service:*" and no action wildcards at all.
  assert {
    condition = alltrue(flatten([for p in concat(values(aws_iam_policy.read), values(aws_iam_policy.write)) : [
      for s in jsondecode(p.policy).Statement : [for a in flatten([s.Action]) : !strcontains(a, "*")]
    ]]))
    error_message = "Policies must name every action (no wildcards)."
  }

  # Managed policies hold at most 6,144 characters (whitespace excluded).
  assert {
    condition     = alltrue([for p in concat(values(aws_iam_policy.read), values(aws_iam_policy.write)) : length(jsonencode(jsondecode(p.policy))) <= 6144])
    error_message = "A policy is over IAM's 6,144-character limit."
  }

  # The read policies only read, except the state lock file.
  assert {
    condition = alltrue(flatten([for p in values(aws_iam_policy.read) : [
      for s in jsondecode(p.policy).Statement : [
        for a in flatten([s.Action]) : can(regex("^[a-z0-9-]+:(Get|List|Describe)", a)) || a == "apigateway:GET" || (contains(["s3:PutObject", "s3:DeleteObject"], a) && alltrue([for r in s.Resource : endswith(r, ".tflock")]))
      ]
    ]]))
    error_message = "A read policy allows a change other than the state lock file."
  }

  # The plan and readonly roles get the read policies only; a deploy role gets its own
  # environment's policies only.
  assert {
    condition = toset(keys(aws_iam_role_policy_attachment.this)) == toset([
      "plan/read-dev", "plan/read-prod", "readonly/read-dev", "readonly/read-prod",
      "deploy-dev/read-dev", "deploy-dev/write-dev-network", "deploy-dev/write-dev-app",
      "deploy-prod/read-prod", "deploy-prod/write-prod-network", "deploy-prod/write-prod-app",
    ])
    error_message = "Unexpected role/policy attachments."
  }

  assert {
    condition     = !strcontains(aws_iam_policy.read["dev"].policy, "/predictor/prod/") && !strcontains(aws_iam_policy.write["dev-app"].policy, "predictor-model-prod")
    error_message = "The dev policies must not reach prod's state or resources."
  }

  assert {
    condition     = strcontains(aws_iam_policy.read["prod"].policy, "arn:aws:s3:::predictor-tfstate-123456789012-us-east-1/predictor/prod/terraform.tfstate.tflock")
    error_message = "The read policy must cover the state lock file in deployctl's default bucket."
  }

  assert {
    condition = [for s in jsondecode(aws_iam_policy.write["prod-app"].policy).Statement :
    s.Condition.StringEquals["iam:PassedToService"] if s.Sid == "PassRolesToTasks"] == ["ecs-tasks.amazonaws.com"]
    error_message = "iam:PassRole must be limited to ECS tasks."
  }
}

run "existing_oidc_provider" {
  variables {
    create_oidc_provider = false
    state_bucket_name    = "my-state"
  }

  assert {
    condition     = length(aws_iam_openid_connect_provider.github) == 0
    error_message = "No provider is created when one exists."
  }

  assert {
    condition     = jsondecode(aws_iam_role.this["plan"].assume_role_policy).Statement[0].Principal.Federated == "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com/existing"
    error_message = "Roles must trust the existing provider."
  }

  assert {
    condition     = strcontains(aws_iam_policy.read["dev"].policy, "arn:aws:s3:::my-state/predictor/dev/terraform.tfstate")
    error_message = "The state bucket variable must be used."
  }
}

run "one_environment" {
  variables {
    environments = ["dev"]
  }

  assert {
    condition     = toset(keys(aws_iam_role.this)) == toset(["plan", "readonly", "deploy-dev"])
    error_message = "Only the listed environments get deploy roles."
  }
}

run "repository_wildcard_rejected" {
  command = plan
  variables {
    github_repository = "octo-org/*"
  }
  expect_failures = [var.github_repository]
}

run "repository_without_owner_rejected" {
  command = plan
  variables {
    github_repository = "predictor"
  }
  expect_failures = [var.github_repository]
}

run "repository_with_extra_path_rejected" {
  command = plan
  variables {
    github_repository = "octo-org/predictor/x"
  }
  expect_failures = [var.github_repository]
}

run "repository_subject_syntax_rejected" {
  command = plan
  variables {
    github_repository = "repo:octo-org/predictor:pull_request"
  }
  expect_failures = [var.github_repository]
}

run "unknown_environment_rejected" {
  command = plan
  variables {
    environments = ["dev", "staging"]
  }
  expect_failures = [var.environments]
}

run "duplicate_environment_rejected" {
  command = plan
  variables {
    environments = ["dev", "dev"]
  }
  expect_failures = [var.environments]
}

run "readonly_environment_cannot_be_a_deploy_environment" {
  command = plan
  variables {
    readonly_environment = "prod"
  }
  expect_failures = [var.readonly_environment]
}
