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

  # The emulator's address reaches the provider as AWS_ENDPOINT_URL (deployctl sets it
  # from --aws-endpoint), not as an endpoints block: the block alone costs ~1.8 CPU-s in
  # every provider process that validates or configures it (a plan starts two), about
  # half of a plan's CPU. Without AWS_ENDPOINT_URL the calls would go to the account
  # of the caller's credentials, so an emulator run accepts the emulator's account only.
  allowed_account_ids = local.emulator ? ["123456789012"] : null
}
