# iam:PassRole on named roles (or a name prefix), and other IAM reads on "*".

data "aws_caller_identity" "current" {}

locals {
  roles = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:role"
}

resource "aws_iam_policy" "named" {
  name = "passrole-named"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Action    = "iam:PassRole"
        Resource  = ["${local.roles}/predictor-model-dev-ecs-execution", "${local.roles}/predictor-model-dev-ecs-task"]
        Condition = { StringEquals = { "iam:PassedToService" = "ecs-tasks.amazonaws.com" } }
      },
      { Effect = "Allow", Action = "iam:PassRole", Resource = "${local.roles}/predictor-model-dev-*" },
      { Effect = "Allow", Action = ["iam:GetRole", "iam:ListRoles"], Resource = "*" },
      { Effect = "Deny", Action = "iam:PassRole", Resource = "*" },
    ]
  })
}
