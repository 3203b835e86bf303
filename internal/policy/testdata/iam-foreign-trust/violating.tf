# Trust policies that let someone outside the plan's own account assume a role.

data "aws_caller_identity" "current" {}

locals {
  account = data.aws_caller_identity.current.account_id
  # Another AWS account.
  other = "210987654321"
}

resource "aws_iam_role" "other_account_root" {
  name = "other-account-root"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::${local.other}:root" } }]
  })
}

# The own account is fine, the second entry is not.
resource "aws_iam_role" "bare_account_id" {
  name = "bare-account-id"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = [local.account, local.other] } }]
  })
}

resource "aws_iam_role" "other_account_role" {
  name = "other-account-role"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } },
      { Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::${local.other}:role/ci" } },
    ]
  })
}

# A unique ID (what a trust policy shows once the role it named is deleted): its
# account cannot be told.
resource "aws_iam_role" "unique_id" {
  name = "unique-id"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "AROAEXAMPLEEXAMPLE123" } }]
  })
}

resource "aws_iam_role" "saml" {
  name = "saml"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRoleWithSAML", Principal = { Federated = "arn:aws:iam::${local.account}:saml-provider/corp" } }]
  })
}

resource "aws_iam_role" "cognito" {
  name = "cognito"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRoleWithWebIdentity", Principal = { Federated = "cognito-identity.amazonaws.com" } }]
  })
}

# GitHub's issuer, but the provider of another account.
resource "aws_iam_role" "foreign_oidc" {
  name = "foreign-oidc"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = "arn:aws:iam::${local.other}:oidc-provider/token.actions.githubusercontent.com" }
      Condition = { StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com" } }
    }]
  })
}

# A document built by the data source, read during the plan.
data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${local.other}:user/someone"]
    }
  }
}

resource "aws_iam_role" "from_document" {
  name               = "from-document"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}
