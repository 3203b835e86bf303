# Policies that let their holder pass any role (an administrator's too) to a service.

data "aws_caller_identity" "current" {}

resource "aws_iam_policy" "star" {
  name = "passrole-star"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = "*" }]
  })
}

# A condition on the service still lets any role be passed to it.
resource "aws_iam_role_policy" "ecs_any_role" {
  name = "ecs-any-role"
  role = "deploy"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["ecs:RegisterTaskDefinition"], Resource = "*" },
      {
        Effect    = "Allow"
        Action    = ["iam:GetRole", "iam:PassRole"]
        Resource  = "*"
        Condition = { StringEquals = { "iam:PassedToService" = "ecs-tasks.amazonaws.com" } }
      },
    ]
  })
}

resource "aws_iam_user_policy" "pattern" {
  name = "pattern"
  user = "ci"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "IAM:Pass*", Resource = "arn:aws:iam::*:role/*" }]
  })
}

resource "aws_iam_role" "inline" {
  name = "inline"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
  inline_policy {
    name = "pass"
    policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:role/*" }]
    })
  }
}

# iam:* and * on "*" are caught as wildcard actions.
resource "aws_iam_group_policy" "iam_star" {
  name  = "iam-star"
  group = "ops"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "iam:*", Resource = "*" },
      { Effect = "Allow", Action = "*", Resource = "*" },
    ]
  })
}

data "aws_iam_policy_document" "pass" {
  statement {
    actions   = ["iam:PassRole"]
    resources = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:role*"]
  }
}

resource "aws_iam_policy" "from_document" {
  name   = "from-document"
  policy = data.aws_iam_policy_document.pass.json
}
