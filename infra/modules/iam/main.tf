locals {
  name = "${var.project}-${var.environment}"

  roles = {
    execution = "ECS agent: pulls the image and writes the container logs"
    task      = "Backend container: reads and writes the files and data buckets"
  }
}

data "aws_partition" "current" {}

data "aws_region" "current" {}

data "aws_iam_policy_document" "assume_ecs_tasks" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }

    # Confused-deputy guard: only ECS tasks of this account.
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.account_id]
    }
  }
}

resource "aws_iam_role" "this" {
  for_each = local.roles

  name               = "${local.name}-ecs-${each.key}"
  description        = each.value
  assume_role_policy = data.aws_iam_policy_document.assume_ecs_tasks.json

  tags = merge(var.tags, { Name = "${local.name}-ecs-${each.key}" })
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.this["execution"].name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

data "aws_iam_policy_document" "task" {
  statement {
    sid       = "ListBuckets"
    actions   = ["s3:ListBucket", "s3:GetBucketLocation"]
    resources = var.bucket_arns
  }

  # Object ARNs need the key wildcard; the bucket part is exact.
  #tfsec:ignore:aws-iam-no-policy-wildcards
  statement {
    sid       = "ReadWriteObjects"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = [for a in var.bucket_arns : "${a}/*"]
  }

  dynamic "statement" {
    for_each = length(var.kms_key_arns) > 0 ? [var.kms_key_arns] : []
    content {
      sid       = "BucketKeys"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = statement.value

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["s3.${data.aws_region.current.name}.amazonaws.com"]
      }
    }
  }
}

resource "aws_iam_role_policy" "task" {
  name   = "${local.name}-buckets"
  role   = aws_iam_role.this["task"].id
  policy = data.aws_iam_policy_document.task.json
}
