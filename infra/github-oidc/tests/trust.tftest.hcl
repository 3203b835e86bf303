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

  # StringEquals only, but for the plan role's subject: a pull request's merge ref
  # carries its number, the one wildcard (StringLike).
  assert {
    condition     = alltrue([for k, r in aws_iam_role.this : join(",", keys(jsondecode(r.assume_role_policy).Statement[0].Condition)) == (k == "plan" ? "StringEquals,StringLike" : "StringEquals")])
    error_message = "Trust conditions must be StringEquals only (and StringLike on the plan role's subject)."
  }

  assert {
    condition = alltrue([for k, r in aws_iam_role.this :
      join(",", keys(jsondecode(r.assume_role_policy).Statement[0].Condition.StringEquals)) == (k == "plan" ? "token.actions.githubusercontent.com:aud" : "token.actions.githubusercontent.com:aud,token.actions.githubusercontent.com:sub") &&
      join(",", keys(try(jsondecode(r.assume_role_policy).Statement[0].Condition.StringLike, {}))) == (k == "plan" ? "token.actions.githubusercontent.com:sub" : "")
    ])
    error_message = "Every trust policy must check both aud and sub."
  }

  assert {
    condition     = alltrue([for r in aws_iam_role.this : jsondecode(r.assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:aud"] == "sts.amazonaws.com"])
    error_message = "The audience must be sts.amazonaws.com."
  }

  # pin_workflows (the default): each role trusts the files that define its jobs, on
  # main (pull requests: on their merge ref).
  assert {
    condition = {
      for k, r in aws_iam_role.this : k => try(jsondecode(r.assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"], jsondecode(r.assume_role_policy).Statement[0].Condition.StringLike["token.actions.githubusercontent.com:sub"])
      } == {
      "plan" = ["repo:octo-org/predictor:pull_request:job_workflow_ref:octo-org/predictor/.github/workflows/pull-request.yml@refs/pull/*/merge"]
      "readonly" = [
        "repo:octo-org/predictor:environment:readonly:job_workflow_ref:octo-org/predictor/.github/workflows/deploy.yml@refs/heads/main",
        "repo:octo-org/predictor:environment:readonly:job_workflow_ref:octo-org/predictor/.github/workflows/dispatch.yml@refs/heads/main",
        "repo:octo-org/predictor:environment:readonly:job_workflow_ref:octo-org/predictor/.github/workflows/drift.yml@refs/heads/main",
      ]
      "deploy-dev"  = ["repo:octo-org/predictor:environment:dev:job_workflow_ref:octo-org/predictor/.github/workflows/environment.yml@refs/heads/main"]
      "deploy-prod" = ["repo:octo-org/predictor:environment:prod:job_workflow_ref:octo-org/predictor/.github/workflows/environment.yml@refs/heads/main"]
    }
    error_message = "The subjects must be exactly each role's context (pull request, readonly or deploy environment) and the workflow files that run it, on main."
  }

  # One wildcard in all the trust policies: the plan role's pull request number.
  assert {
    condition     = alltrue([for k, r in aws_iam_role.this : length(split("*", r.assume_role_policy)) == (k == "plan" ? 2 : 1)]) && strcontains(aws_iam_role.this["plan"].assume_role_policy, "@refs/pull/*/merge")
    error_message = "No wildcard in a trust policy but the pull request number of the plan role's merge ref."
  }

  assert {
    condition     = output.subjects["deploy-prod"] == ["repo:octo-org/predictor:environment:prod:job_workflow_ref:octo-org/predictor/.github/workflows/environment.yml@refs/heads/main"] && output.deploy_role_arns["prod"] == aws_iam_role.this["deploy-prod"].arn
    error_message = "Outputs must expose the subjects and deploy role ARNs."
  }

  assert {
    condition     = output.oidc_subject_claim_keys == ["repo", "context", "job_workflow_ref"]
    error_message = "The output must name the subject template the pinned subjects need."
  }
}

# Without pinning, GitHub's default subjects: repository and context, exact.
run "default_subjects_without_pinning" {
  variables {
    pin_workflows = false
  }

  assert {
    condition = {
      for k, r in aws_iam_role.this : k => jsondecode(r.assume_role_policy).Statement[0].Condition
      } == {
      "plan"        = { StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com", "token.actions.githubusercontent.com:sub" = ["repo:octo-org/predictor:pull_request"] } }
      "readonly"    = { StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com", "token.actions.githubusercontent.com:sub" = ["repo:octo-org/predictor:environment:readonly"] } }
      "deploy-dev"  = { StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com", "token.actions.githubusercontent.com:sub" = ["repo:octo-org/predictor:environment:dev"] } }
      "deploy-prod" = { StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com", "token.actions.githubusercontent.com:sub" = ["repo:octo-org/predictor:environment:prod"] } }
    }
    error_message = "Without pin_workflows the subjects must be GitHub's default ones, exact."
  }

  assert {
    condition     = alltrue([for r in aws_iam_role.this : !strcontains(r.assume_role_policy, "*")]) && output.oidc_subject_claim_keys == null
    error_message = "No wildcard in a trust policy without pinning, and no subject template to set."
  }
}

run "workflow_ref_wildcard_rejected" {
  command = plan
  variables {
    workflow_ref = "refs/heads/*"
  }
  expect_failures = [var.workflow_ref]
}

run "workflow_path_rejected" {
  command = plan
  variables {
    role_workflows = { plan = ["pull-request.yml"], readonly = ["../evil.yml"], deploy = ["environment.yml"] }
  }
  expect_failures = [var.role_workflows]
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

  # The read policies only read: review plans run with -lock=false, so not even the
  # state lock file is written.
  assert {
    condition = alltrue(flatten([for p in values(aws_iam_policy.read) : [
      for s in jsondecode(p.policy).Statement : [
        for a in flatten([s.Action]) : can(regex("^[a-z0-9-]+:(Get|List|Describe)", a)) || a == "apigateway:GET"
      ]
    ]]))
    error_message = "A read policy allows a change (the plan and readonly roles must not write, not even the lock file)."
  }

  # The plan and readonly roles get the read policies only; a deploy role gets its own
  # environment's policies only.
  assert {
    condition = toset(keys(aws_iam_role_policy_attachment.this)) == toset([
      "plan/read-dev", "plan/read-prod", "plan/review-guard", "readonly/read-dev", "readonly/read-prod", "readonly/readonly-guard", "readonly/save-plans",
      "deploy-dev/read-dev", "deploy-dev/write-dev-network", "deploy-dev/write-dev-edge", "deploy-dev/write-dev-app", "deploy-dev/write-dev-iam",
      "deploy-prod/read-prod", "deploy-prod/write-prod-network", "deploy-prod/write-prod-edge", "deploy-prod/write-prod-app", "deploy-prod/write-prod-iam",
    ])
    error_message = "Unexpected role/policy attachments."
  }

  assert {
    condition     = !strcontains(aws_iam_policy.read["dev"].policy, "/predictor/prod/") && alltrue([for p in ["dev-network", "dev-edge", "dev-app", "dev-iam"] : !strcontains(aws_iam_policy.write[p].policy, "prod")])
    error_message = "The dev policies must not reach prod's state or resources."
  }

  assert {
    condition     = strcontains(aws_iam_policy.read["prod"].policy, "arn:aws:s3:::predictor-tfstate-123456789012-us-east-1/predictor/prod/terraform.tfstate.tflock")
    error_message = "The read policy must cover the state lock file (read) in deployctl's default bucket."
  }

  assert {
    condition = [for s in jsondecode(aws_iam_policy.write["prod-iam"].policy).Statement :
    s.Condition.StringEquals["iam:PassedToService"] if s.Sid == "PassRolesToTasks"] == ["ecs-tasks.amazonaws.com"]
    error_message = "iam:PassRole must be limited to ECS tasks."
  }
}

# No escalation: a deploy role writes policies into, or creates, only roles that carry
# its environment's permissions boundary, never changes a trust policy or a boundary.
run "no_privilege_escalation" {
  assert {
    condition = alltrue(flatten([for k, p in aws_iam_policy.write : [
      for s in jsondecode(p.policy).Statement : try(s.Condition.StringEquals["iam:PermissionsBoundary"], "") == "arn:aws:iam::123456789012:policy/predictor-github-app-boundary-${split("-", k)[0]}"
      if s.Effect == "Allow" && length(setintersection(toset(flatten([s.Action])), toset(["iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:DeleteRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePermissionsBoundary"]))) > 0
    ]]))
    error_message = "Every role-policy change must require the environment's permissions boundary (iam:PermissionsBoundary)."
  }

  assert {
    condition = alltrue(flatten([for p in concat(values(aws_iam_policy.read), values(aws_iam_policy.write)) : [
      for s in jsondecode(p.policy).Statement : length(setintersection(toset(flatten([s.Action])), toset([
        "iam:UpdateAssumeRolePolicy", "iam:DeleteRolePermissionsBoundary", "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion",
        "iam:AttachUserPolicy", "iam:PutUserPolicy", "iam:CreateUser", "iam:CreateAccessKey", "iam:CreatePolicy",
      ]))) == 0 if s.Effect == "Allow"
    ]]))
    error_message = "No CI role may change a trust policy, remove a boundary, edit a policy or touch users."
  }

  assert {
    condition = alltrue([for e in ["dev", "prod"] : contains(
      flatten([for s in jsondecode(aws_iam_policy.write["${e}-iam"].policy).Statement : flatten([s.Action]) if s.Effect == "Deny"]),
      "iam:UpdateAssumeRolePolicy"
    )])
    error_message = "Each deploy role must carry an explicit Deny of iam:UpdateAssumeRolePolicy."
  }

  assert {
    condition = [for s in jsondecode(aws_iam_policy.write["dev-iam"].policy).Statement : s.Condition.ArnEquals["iam:PolicyARN"] if s.Sid == "ExecutionPolicy"] == [
      "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
    ]
    error_message = "AttachRolePolicy must be limited to AmazonECSTaskExecutionRolePolicy."
  }

  assert {
    condition     = toset(keys(aws_iam_policy.boundary)) == toset(["dev", "prod"]) && output.app_permissions_boundaries["dev"] == "predictor-github-app-boundary-dev"
    error_message = "Each environment needs its permissions boundary policy, named as infra/ expects."
  }

  assert {
    condition = alltrue(flatten([for p in values(aws_iam_policy.boundary) : [
      for s in jsondecode(p.policy).Statement : [for a in flatten([s.Action]) : !startswith(a, "iam:") && !strcontains(a, "*")]
    ]]))
    error_message = "A boundary must not allow IAM or wildcard actions."
  }
}

# Environment isolation: a mutating statement on Resource "*" carries an Environment
# tag condition, except the few AWS authorizes on neither ARN nor tag (commented in main.tf).
run "environment_isolation" {
  assert {
    condition = alltrue(flatten([for p in values(aws_iam_policy.write) : [
      for s in jsondecode(p.policy).Statement :
      can(s.Condition.StringEquals["aws:ResourceTag/Environment"]) || can(s.Condition.StringEquals["aws:RequestTag/Environment"]) ||
      contains(["AccessLogDelivery", "HostedZones", "TaskDefinitions", "RegistryLogin"], s.Sid)
      if s.Effect == "Allow" && contains(flatten([s.Resource]), "*")
    ]]))
    error_message = "A write statement on Resource \"*\" lacks an Environment tag condition (and is not one of the documented exceptions)."
  }

  assert {
    condition = alltrue(flatten([for k, p in aws_iam_policy.write : [
      for s in jsondecode(p.policy).Statement : [
        for op, c in try(s.Condition, {}) : [for key, v in c : v == split("-", k)[0] if strcontains(key, "/Environment")] if op != "Null"
      ]
    ]]))
    error_message = "Every Environment tag condition must name the policy's own environment."
  }

  # KMS: what terraform needs on the bucket key, never a data-plane action.
  assert {
    condition = alltrue([for e in ["dev", "prod"] : alltrue([for a in concat(["kms:CreateKey", "kms:EnableKeyRotation", "kms:CreateAlias"], e == "prod" ? [] : ["kms:ScheduleKeyDeletion"]) :
    contains(flatten([for s in jsondecode(aws_iam_policy.write["${e}-iam"].policy).Statement : flatten([s.Action]) if s.Effect == "Allow"]), a)])])
    error_message = "The deploy roles need the KMS actions infra/modules/s3 uses (a protected environment's key is never deleted by CI)."
  }

  assert {
    condition = alltrue(flatten([for p in concat(values(aws_iam_policy.read), values(aws_iam_policy.write)) : [
      for s in jsondecode(p.policy).Statement : [for a in flatten([s.Action]) : !contains(["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:PutKeyPolicy", "kms:CreateGrant"], a)]
    ]]))
    error_message = "No CI role needs KMS data-plane actions, grants or key policy changes."
  }
}

# Review plans: the plan and readonly roles can never write a state object.
run "review_roles_cannot_write_state" {
  assert {
    condition = [for s in jsondecode(aws_iam_policy.review_guard.policy).Statement : s if s.Effect == "Deny" &&
      contains(s.Action, "s3:PutObject") && contains(s.Action, "s3:DeleteObject") &&
    s.Resource == ["arn:aws:s3:::predictor-tfstate-123456789012-us-east-1/*"]] != []
    error_message = "The review guard must deny writing and deleting every object of the state bucket."
  }
  # The readonly role stores reviewed plans (plans/ only) and writes nothing else.
  assert {
    condition = [for s in jsondecode(aws_iam_policy.readonly_guard.policy).Statement : s if s.Effect == "Deny" &&
      contains(s.Action, "s3:PutObject") && contains(s.Action, "s3:DeleteObject") &&
    s.NotResource == ["arn:aws:s3:::predictor-tfstate-123456789012-us-east-1/plans/*"]] != []
    error_message = "The readonly guard must deny every object write outside plans/."
  }
  assert {
    condition     = jsondecode(aws_iam_policy.save_plans.policy).Statement[0].Resource == ["arn:aws:s3:::predictor-tfstate-123456789012-us-east-1/plans/dev/*", "arn:aws:s3:::predictor-tfstate-123456789012-us-east-1/plans/prod/*"]
    error_message = "The readonly role may add plans under plans/<env>/ only."
  }
}

# No CI role can delete object versions (or the buckets) of a protected environment.
run "prod_data_protected" {
  assert {
    condition = alltrue(flatten([for p in values(aws_iam_policy.write) : [
      for s in jsondecode(p.policy).Statement : !anytrue([for r in flatten([s.Resource]) : strcontains(r, "predictor-model-prod-")])
      if s.Effect == "Allow" && length(setintersection(toset(flatten([s.Action])), toset(["s3:DeleteObjectVersion", "s3:DeleteObject", "s3:DeleteBucket"]))) > 0
    ]]))
    error_message = "No role may delete objects, object versions or buckets of prod's data."
  }

  assert {
    condition = alltrue([for pair in [["KeepProtectedData", "s3:BypassGovernanceRetention"], ["KeepProtectedData", "s3:PutObjectRetention"], ["KeepProtectedKeys", "kms:ScheduleKeyDeletion"], ["KeepProtectedLogs", "logs:DeleteLogGroup"]] :
    anytrue([for s in jsondecode(aws_iam_policy.write["prod-app"].policy).Statement : s.Effect == "Deny" && s.Sid == pair[0] && contains(s.Action, pair[1])])])
    error_message = "prod's deploy role must be denied bypassing Object Lock, deleting its key and its log groups."
  }

  assert {
    condition     = [for s in jsondecode(aws_iam_policy.write["prod-app"].policy).Statement : s.Effect if s.Sid == "KeepProtectedData"] == ["Deny"]
    error_message = "prod's deploy role must carry an explicit Deny of s3:DeleteObjectVersion on its buckets."
  }

  assert {
    condition     = [for s in jsondecode(aws_iam_policy.write["dev-app"].policy).Statement : s.Effect if s.Sid == "BucketObjects"] == ["Allow"]
    error_message = "dev's deploy role keeps emptying its own buckets for destroy."
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

# Promotion: the deploy role of an environment with promote_from (prod: dev, in
# ../envs/prod.tfvars) pulls from that environment's repository and no other, whatever
# is protected; an environment without promote_from reads only its own repository.
run "promotion_pull_follows_promote_from" {
  variables {
    protected_environments = []
  }

  assert {
    condition     = [for s in jsondecode(aws_iam_policy.write["prod-app"].policy).Statement : s.Resource if s.Sid == "PromotionPull"] == [["arn:aws:ecr:us-east-1:123456789012:repository/predictor-model-dev-backend"]]
    error_message = "deploy-prod must pull from dev's repository (its promote_from) only, protected or not."
  }

  assert {
    condition     = [for s in jsondecode(aws_iam_policy.write["dev-app"].policy).Statement : s.Resource if s.Sid == "PromotionPull"] == [["arn:aws:ecr:us-east-1:123456789012:repository/predictor-model-dev-backend"]]
    error_message = "deploy-dev (no promote_from) must read its own repository only."
  }
}

run "promotion_pull_ignores_protection" {
  variables {
    protected_environments = ["dev", "prod"]
  }

  assert {
    condition     = [for s in jsondecode(aws_iam_policy.write["prod-app"].policy).Statement : s.Resource if s.Sid == "PromotionPull"] == [["arn:aws:ecr:us-east-1:123456789012:repository/predictor-model-dev-backend"]]
    error_message = "deploy-prod must pull from dev's repository (its promote_from) even when dev is protected too."
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
    environments = ["dev", "qa-nope"]
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
