locals {
  name = "${var.project}-${var.environment}"
  # aws, aws-cn or aws-us-gov, from the bucket ARNs.
  partition = split(":", var.bucket_arns[0])[1]

  permissions_boundary = var.permissions_boundary_name == null ? null : "arn:${local.partition}:iam::${var.account_id}:policy/${var.permissions_boundary_name}"

  roles = {
    execution = "ECS agent: pulls the image and writes the container logs"
    task      = "Backend container: reads and writes the files and data buckets"
  }

  assume_role_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Action    = "sts:AssumeRole"
        Principal = { Service = "ecs-tasks.amazonaws.com" }
        # Confused-deputy guard: only ECS tasks of this account.
        Condition = { StringEquals = { "aws:SourceAccount" = var.account_id } }
      },
    ]
  }

  # Exactly the two buckets (and their key, through S3 only): no wildcard action, no "*" resource.
  task_policy = {
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          Sid      = "ListBuckets"
          Effect   = "Allow"
          Action   = ["s3:GetBucketLocation", "s3:ListBucket"]
          Resource = var.bucket_arns
        },
        {
          # Object ARNs need the key part; the bucket part is exact.
          Sid      = "ReadWriteObjects"
          Effect   = "Allow"
          Action   = ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"]
          Resource = [for a in var.bucket_arns : "${a}/*"]
        },
      ],
      length(var.kms_key_arns) == 0 ? [] : [
        {
          Sid       = "BucketKeys"
          Effect    = "Allow"
          Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
          Resource  = var.kms_key_arns
          Condition = { StringEquals = { "kms:ViaService" = "s3.${var.region}.amazonaws.com" } }
        },
      ],
    )
  }
}

resource "aws_iam_role" "this" {
  for_each = local.roles

  name               = "${local.name}-ecs-${each.key}"
  description        = each.value
  assume_role_policy = jsonencode(local.assume_role_policy)
  # Caps the role whatever policy it is given: the CI deploy roles may create and
  # change these roles only while they carry this boundary (infra/github-oidc).
  permissions_boundary = local.permissions_boundary

  tags = merge(var.tags, { Name = "${local.name}-ecs-${each.key}" })
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.this["execution"].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_iam_role_policy" "task" {
  name   = "${local.name}-buckets"
  role   = aws_iam_role.this["task"].id
  policy = jsonencode(local.task_policy)
}
