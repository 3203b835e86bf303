locals {
  name    = "${var.project}-${var.environment}"
  public  = var.network_mode == "public"
  subnets = { for i, az in var.availability_zones : az => cidrsubnet(var.vpc_cidr, 4, i) }

  # Interface endpoints the tasks need when they have no route to the internet:
  # image pulls (ecr.api, ecr.dkr; layers come from S3 through the gateway endpoint) and awslogs.
  interface_endpoints = local.public ? toset([]) : toset(["ecr.api", "ecr.dkr", "logs"])
}

# Flow logs are a per-GB cost this small service does not budget for; traffic is
# limited by security groups that admit only the VPC Link.
#trivy:ignore:AVD-AWS-0178 (aws-ec2-require-vpc-flow-logs-for-all-vpcs)
resource "aws_vpc" "this" {
  cidr_block           = var.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = merge(var.tags, { Name = "${local.name}-vpc" })
}

# The default security group of the VPC gets no rules, so nothing uses it by accident.
resource "aws_default_security_group" "this" {
  vpc_id = aws_vpc.this.id

  tags = merge(var.tags, { Name = "${local.name}-default" })
}

resource "aws_internet_gateway" "this" {
  count = local.public ? 1 : 0

  vpc_id = aws_vpc.this.id

  tags = merge(var.tags, { Name = "${local.name}-igw" })
}

resource "aws_subnet" "this" {
  for_each = local.subnets

  vpc_id            = aws_vpc.this.id
  availability_zone = each.key
  cidr_block        = each.value
  # Tasks get a public IP from the ECS service (assign_public_ip), not from the subnet.
  map_public_ip_on_launch = false

  tags = merge(var.tags, { Name = "${local.name}-${var.network_mode}-${each.key}", Tier = var.network_mode })
}

resource "aws_route_table" "this" {
  vpc_id = aws_vpc.this.id

  tags = merge(var.tags, { Name = "${local.name}-${var.network_mode}" })
}

resource "aws_route" "internet" {
  count = local.public ? 1 : 0

  route_table_id         = aws_route_table.this.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this[0].id
}

resource "aws_route_table_association" "this" {
  for_each = aws_subnet.this

  subnet_id      = each.value.id
  route_table_id = aws_route_table.this.id
}

# S3 gateway endpoint: free, in both modes; ECR image layers and the app's buckets go through it.
resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.this.id
  service_name      = "com.amazonaws.${var.region}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.this.id]

  tags = merge(var.tags, { Name = "${local.name}-s3" })
}

resource "aws_vpc_endpoint" "interface" {
  for_each = local.interface_endpoints

  vpc_id              = aws_vpc.this.id
  service_name        = "com.amazonaws.${var.region}.${each.key}"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = [for s in aws_subnet.this : s.id]
  security_group_ids  = var.endpoint_security_group_ids

  tags = merge(var.tags, { Name = "${local.name}-${replace(each.key, ".", "-")}" })
}
