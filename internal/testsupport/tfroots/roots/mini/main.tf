# A small stand-in for infra/ (tests of deployctl's own mechanics: state recovery,
# saved plans, drift, cost and policy): a bucket, a VPC with a security group and a
# log group, and test hooks that break the state save.

locals {
  name = "${var.name_prefix}-${var.environment}"
}

resource "aws_s3_bucket" "files" {
  bucket        = "${local.name}-files"
  force_destroy = true
  tags          = { Environment = var.environment }
}

resource "aws_s3_bucket_public_access_block" "files" {
  bucket                  = aws_s3_bucket.files.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "files" {
  bucket = aws_s3_bucket.files.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_vpc" "this" {
  cidr_block = "10.42.0.0/16"
  tags       = { Name = local.name }
}

resource "aws_security_group" "tasks" {
  name        = "${local.name}-tasks"
  description = var.sg_description
  vpc_id      = aws_vpc.this.id
  tags        = { Name = "${local.name}-tasks" }
}

resource "aws_vpc_security_group_ingress_rule" "tasks_from_vpc" {
  security_group_id = aws_security_group.tasks.id
  ip_protocol       = "tcp"
  from_port         = 8000
  to_port           = 8000
  cidr_ipv4         = aws_vpc.this.cidr_block
}

resource "aws_cloudwatch_log_group" "app" {
  name              = "/mini/${local.name}/app"
  retention_in_days = 1
}

resource "terraform_data" "break_state_save" {
  count = var.break_state_save ? 1 : 0
  # Runs after everything else exists; the emulator reset removes the state bucket.
  depends_on = [aws_vpc_security_group_ingress_rule.tasks_from_vpc, aws_s3_bucket_server_side_encryption_configuration.files]
  provisioner "local-exec" {
    command = "curl -fsS -X POST ${var.aws_endpoint}/moto-api/reset"
  }
}

resource "terraform_data" "deny_state_save" {
  count = var.deny_state_save ? 1 : 0
  # Runs after everything else exists: turns on the emulator's IAM enforcement (the
  # test credentials belong to no IAM user, so the state save is denied) and turns it
  # off again a few seconds later, in the background: a transient failure.
  depends_on = [aws_vpc_security_group_ingress_rule.tasks_from_vpc, aws_s3_bucket_server_side_encryption_configuration.files]
  provisioner "local-exec" {
    command = "sh ${path.module}/deny-for-a-while.sh ${var.aws_endpoint} 6"
  }
}
