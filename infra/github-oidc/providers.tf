locals {
  # Set when the target is an AWS emulator (tests); null for real AWS.
  emulator = var.aws_endpoint != null
}

provider "aws" {
  region = var.aws_region

  # Emulator switches: all false/default against AWS.
  skip_credentials_validation = local.emulator
  skip_metadata_api_check     = local.emulator
  skip_region_validation      = local.emulator
  skip_requesting_account_id  = false
  # The default (25) turns one emulator 500 into an hour of retries.
  max_retries = local.emulator ? 3 : null

  # The emulator's address comes from AWS_ENDPOINT_URL, as in ../providers.tf (an
  # endpoints block costs ~1.8 CPU-s per provider process); the emulator's account only.
  allowed_account_ids = local.emulator ? ["123456789012"] : null

  default_tags {
    tags = {
      Project   = var.project
      Component = "github-oidc"
      ManagedBy = "terraform"
    }
  }
}
