# A role with two inline policies: one names a topic created in the same plan (its
# document is unknown until apply), the other is known and allows "*".

resource "aws_sns_topic" "new" {
  name = "unknown-inline-policy"
}

resource "aws_iam_role" "reader" {
  name = "reader"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
  inline_policy {
    name = "publish-new-topic"
    policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", Action = "sns:Publish", Resource = aws_sns_topic.new.arn }]
    })
  }
  inline_policy {
    name = "everything"
    policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
    })
  }
}
