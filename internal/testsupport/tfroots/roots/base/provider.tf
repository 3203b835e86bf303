# The provider set up as infra/providers.tf sets it for the emulator, whose address
# comes from AWS_ENDPOINT_URL.
provider "aws" {
  region                      = var.aws_region
  skip_credentials_validation = var.aws_endpoint != null
  skip_metadata_api_check     = var.aws_endpoint != null
  skip_region_validation      = var.aws_endpoint != null
  skip_requesting_account_id  = false
  s3_use_path_style           = var.aws_endpoint != null
  max_retries                 = 3

  allowed_account_ids = var.aws_endpoint != null ? ["123456789012"] : null
}
