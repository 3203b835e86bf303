output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr" {
  description = "CIDR block of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "subnet_ids" {
  description = "Subnets of the tasks and the VPC Link, one per availability zone (public or private per network_mode)."
  value       = [for az in var.availability_zones : aws_subnet.this[az].id]
}

output "assign_public_ip" {
  description = "Whether tasks need a public IP (true in public mode)."
  value       = var.network_mode == "public"
}

output "s3_prefix_list_id" {
  description = "Prefix list of the S3 gateway endpoint, for security group egress rules."
  value       = aws_vpc_endpoint.s3.prefix_list_id
}

output "interface_endpoint_ids" {
  description = "Interface endpoint IDs keyed by service (empty in public mode)."
  value       = { for k, e in aws_vpc_endpoint.interface : k => e.id }
}
