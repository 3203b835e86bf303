locals {
  name    = "${var.project}-${var.environment}"
  private = var.network_mode == "private"

  groups = merge(
    {
      tasks    = "Backend ECS tasks: ingress only from the API Gateway VPC Link"
      vpc-link = "API Gateway VPC Link: egress only to the backend tasks"
    },
    local.private ? { endpoints = "Interface VPC endpoints: HTTPS from the backend tasks" } : {},
  )
}

resource "aws_security_group" "this" {
  for_each = local.groups

  name        = "${local.name}-${each.key}"
  description = each.value
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${local.name}-${each.key}" })

  lifecycle {
    create_before_destroy = true
  }
}

# No description: moto drops it on rules that reference a group or prefix list, so the
# next plan would never be empty; the Name tag says what the rule is for.
#trivy:ignore:AVD-AWS-0124 (aws-ec2-add-description-to-security-group-rule)
resource "aws_vpc_security_group_ingress_rule" "tasks_from_vpc_link" {
  security_group_id            = aws_security_group.this["tasks"].id
  ip_protocol                  = "tcp"
  from_port                    = var.container_port
  to_port                      = var.container_port
  referenced_security_group_id = aws_security_group.this["vpc-link"].id

  tags = merge(var.tags, { Name = "${local.name}-tasks-tasks-from-vpc-link" })
}

# No description: moto drops it on rules that reference a group or prefix list, so the
# next plan would never be empty; the Name tag says what the rule is for.
#trivy:ignore:AVD-AWS-0124 (aws-ec2-add-description-to-security-group-rule)
resource "aws_vpc_security_group_egress_rule" "vpc_link_to_tasks" {
  security_group_id            = aws_security_group.this["vpc-link"].id
  ip_protocol                  = "tcp"
  from_port                    = var.container_port
  to_port                      = var.container_port
  referenced_security_group_id = aws_security_group.this["tasks"].id

  tags = merge(var.tags, { Name = "${local.name}-vpc-link-vpc-link-to-tasks" })
}

# Both modes: S3 (ECR image layers, the app's buckets) through the gateway endpoint.
# No description: moto drops it on rules that reference a group or prefix list, so the
# next plan would never be empty; the Name tag says what the rule is for.
#trivy:ignore:AVD-AWS-0124 (aws-ec2-add-description-to-security-group-rule)
resource "aws_vpc_security_group_egress_rule" "tasks_to_s3" {
  security_group_id = aws_security_group.this["tasks"].id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  prefix_list_id    = var.s3_prefix_list_id

  tags = merge(var.tags, { Name = "${local.name}-tasks-tasks-to-s3" })
}

# Public mode has no interface endpoints: the ECR and CloudWatch Logs APIs are reached
# over the internet gateway, whose addresses have no prefix list to narrow this to.
#trivy:ignore:AVD-AWS-0104 (aws-ec2-no-public-egress-sgr)
resource "aws_vpc_security_group_egress_rule" "tasks_to_internet" {
  count = local.private ? 0 : 1

  security_group_id = aws_security_group.this["tasks"].id
  description       = "HTTPS to the ECR and CloudWatch Logs APIs (public mode)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"

  tags = merge(var.tags, { Name = "${local.name}-tasks-tasks-to-internet" })
}

resource "aws_vpc_security_group_egress_rule" "tasks_to_endpoints" {
  count = local.private ? 1 : 0

  security_group_id            = aws_security_group.this["tasks"].id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.this["endpoints"].id

  tags = merge(var.tags, { Name = "${local.name}-tasks-tasks-to-endpoints" })
}

resource "aws_vpc_security_group_ingress_rule" "endpoints_from_tasks" {
  count = local.private ? 1 : 0

  security_group_id            = aws_security_group.this["endpoints"].id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.this["tasks"].id

  tags = merge(var.tags, { Name = "${local.name}-endpoints-endpoints-from-tasks" })
}
