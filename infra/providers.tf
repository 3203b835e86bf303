locals {
  # Set when the target is an AWS emulator (tests, `make local`); null for real AWS.
  emulator = var.aws_endpoint != null
}

provider "aws" {
  region = var.aws_region

  # Emulator switches: all false/default against AWS.
  skip_credentials_validation = local.emulator
  skip_metadata_api_check     = local.emulator
  skip_region_validation      = local.emulator
  s3_use_path_style           = local.emulator
  # With true, security group rules that reference another group drift on the emulator.
  skip_requesting_account_id = false
  # The default (25) turns one emulator 500 into an hour of retries.
  max_retries = local.emulator ? 3 : null

  # Every service this configuration calls.
  dynamic "endpoints" {
    for_each = local.emulator ? [var.aws_endpoint] : []
    content {
      apigatewayv2           = endpoints.value
      applicationautoscaling = endpoints.value
      cloudwatch             = endpoints.value
      cognitoidp             = endpoints.value
      ec2                    = endpoints.value
      ecr                    = endpoints.value
      ecs                    = endpoints.value
      iam                    = endpoints.value
      kms                    = endpoints.value
      logs                   = endpoints.value
      s3                     = endpoints.value
      servicediscovery       = endpoints.value
      sts                    = endpoints.value
    }
  }
}
