# Trust policies that stay within the plan's own account and the GitHub OIDC provider.

data "aws_caller_identity" "current" {}

locals {
  account = data.aws_caller_identity.current.account_id
}

resource "aws_iam_role" "service" {
  name = "service"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
      Condition = { StringEquals = { "aws:SourceAccount" = local.account } }
    }]
  })
}

resource "aws_iam_role" "own_account" {
  name = "own-account"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::${local.account}:root" } },
      { Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = ["arn:aws:iam::${local.account}:role/admin", local.account] } },
    ]
  })
}

resource "aws_iam_role" "github" {
  name = "github"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = "arn:aws:iam::${local.account}:oidc-provider/token.actions.githubusercontent.com" }
      Condition = {
        StringEquals = {
          "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com"
          "token.actions.githubusercontent.com:sub" = "repo:octo-org/predictor:environment:dev"
        }
      }
    }]
  })
}

# A Deny naming another account grants nothing.
resource "aws_iam_role" "deny_other" {
  name = "deny-other"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } },
      { Effect = "Deny", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::210987654321:root" } },
    ]
  })
}
