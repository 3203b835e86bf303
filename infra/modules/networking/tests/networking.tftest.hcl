mock_provider "aws" {}

variables {
  environment        = "dev"
  network_mode       = "public"
  vpc_cidr           = "10.10.0.0/16"
  availability_zones = ["us-east-1a", "us-east-1b"]
  region             = "us-east-1"
}

run "public_mode_has_internet_route_and_no_interface_endpoints" {
  command = plan

  assert {
    condition     = aws_vpc.this.tags["Name"] == "predictor-model-dev-vpc"
    error_message = "VPC name must follow predictor-model-<env>-vpc."
  }
  assert {
    condition     = length(aws_internet_gateway.this) == 1 && length(aws_route.internet) == 1
    error_message = "public mode needs an internet gateway and a default route."
  }
  assert {
    condition     = aws_route.internet[0].destination_cidr_block == "0.0.0.0/0"
    error_message = "public mode routes 0.0.0.0/0 to the internet gateway."
  }
  assert {
    condition     = length(aws_vpc_endpoint.interface) == 0
    error_message = "public mode must not create interface endpoints (they cost $7.30/month each per AZ)."
  }
  assert {
    condition     = aws_vpc_endpoint.s3.vpc_endpoint_type == "Gateway" && aws_vpc_endpoint.s3.service_name == "com.amazonaws.us-east-1.s3"
    error_message = "the free S3 gateway endpoint exists in both modes."
  }
  assert {
    condition     = [for az in var.availability_zones : aws_subnet.this[az].cidr_block] == ["10.10.0.0/20", "10.10.16.0/20"]
    error_message = "one /20 subnet per availability zone, carved in order."
  }
  assert {
    condition     = alltrue([for s in aws_subnet.this : s.map_public_ip_on_launch == false])
    error_message = "subnets never hand out public IPs; the ECS service assigns them in public mode."
  }
  assert {
    condition     = output.assign_public_ip == true
    error_message = "tasks need a public IP in public mode."
  }
}

run "private_mode_has_endpoints_and_no_internet_route" {
  # apply (against the mock) so subnet IDs are known.
  command = apply

  variables {
    environment                 = "prod"
    network_mode                = "private"
    vpc_cidr                    = "10.20.0.0/16"
    availability_zones          = ["us-east-1a", "us-east-1b", "us-east-1c"]
    endpoint_security_group_ids = ["sg-0123456789abcdef0"]
  }

  assert {
    condition     = length(aws_internet_gateway.this) == 0 && length(aws_route.internet) == 0
    error_message = "private mode has no route to the internet (and no NAT gateway)."
  }
  assert {
    condition     = toset(keys(aws_vpc_endpoint.interface)) == toset(["ecr.api", "ecr.dkr", "logs"])
    error_message = "private mode needs interface endpoints for ecr.api, ecr.dkr and logs."
  }
  assert {
    condition     = alltrue([for k, e in aws_vpc_endpoint.interface : e.private_dns_enabled && e.vpc_endpoint_type == "Interface" && e.service_name == "com.amazonaws.us-east-1.${k}"])
    error_message = "interface endpoints use private DNS and the regional service names."
  }
  assert {
    condition     = alltrue([for e in aws_vpc_endpoint.interface : length(e.subnet_ids) == 3 && e.security_group_ids == toset(["sg-0123456789abcdef0"])])
    error_message = "each interface endpoint spans every subnet and uses the given security group."
  }
  assert {
    condition     = aws_subnet.this["us-east-1c"].tags["Name"] == "predictor-model-prod-private-us-east-1c"
    error_message = "subnet names carry the environment, the mode and the zone."
  }
  assert {
    condition     = output.assign_public_ip == false
    error_message = "tasks get no public IP in private mode."
  }
}

run "malformed_environment_is_rejected" {
  command = plan

  variables {
    environment = "QA_nope"
  }

  expect_failures = [var.environment]
}

run "unparsable_cidr_is_rejected" {
  command = plan

  variables {
    vpc_cidr = "10.10.0.300/16"
  }

  expect_failures = [var.vpc_cidr]
}

run "too_small_cidr_is_rejected" {
  command = plan

  variables {
    vpc_cidr = "10.10.0.0/28"
  }

  expect_failures = [var.vpc_cidr]
}

run "unknown_network_mode_is_rejected" {
  command = plan

  variables {
    network_mode = "nat"
  }

  expect_failures = [var.network_mode]
}

run "single_availability_zone_is_rejected" {
  command = plan

  variables {
    availability_zones = ["us-east-1a"]
  }

  expect_failures = [var.availability_zones]
}
