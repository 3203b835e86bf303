# Root module: wires the modules; modules never reference each other.

data "aws_caller_identity" "current" {}

data "aws_availability_zones" "available" {
  state = "available"

  filter {
    name   = "zone-type"
    values = ["availability-zone"]
  }
}

locals {
  account_id = data.aws_caller_identity.current.account_id
  azs        = slice(sort(data.aws_availability_zones.available.names), 0, var.az_count)

  tags = {
    Project     = var.project
    Environment = var.environment
    ManagedBy   = "terraform"
  }
}

module "networking" {
  source = "./modules/networking"

  project                     = var.project
  environment                 = var.environment
  tags                        = local.tags
  network_mode                = var.network_mode
  vpc_cidr                    = var.vpc_cidr
  availability_zones          = local.azs
  region                      = var.aws_region
  endpoint_security_group_ids = module.security.endpoint_security_group_ids
}

module "security" {
  source = "./modules/security"

  project           = var.project
  environment       = var.environment
  tags              = local.tags
  network_mode      = var.network_mode
  vpc_id            = module.networking.vpc_id
  s3_prefix_list_id = module.networking.s3_prefix_list_id
}

module "s3" {
  source = "./modules/s3"

  project                            = var.project
  environment                        = var.environment
  tags                               = local.tags
  account_id                         = local.account_id
  noncurrent_version_expiration_days = var.noncurrent_version_expiration_days
  upload_expiration_days             = var.upload_expiration_days
  lifecycle_rules                    = var.s3_lifecycle_rules
  force_destroy                      = var.force_destroy
  kms_deletion_window_days           = var.kms_deletion_window_days
  object_lock_days                   = var.object_lock_days
}

module "ecr" {
  source = "./modules/ecr"

  project      = var.project
  environment  = var.environment
  tags         = local.tags
  keep_images  = var.ecr_keep_images
  force_delete = var.force_destroy
}

module "iam" {
  source = "./modules/iam"

  project      = var.project
  environment  = var.environment
  tags         = local.tags
  account_id   = local.account_id
  bucket_arns  = [module.s3.bucket_arns["files"], module.s3.bucket_arns["data"]]
  kms_key_arns = [module.s3.kms_key_arn]
  region       = var.aws_region

  permissions_boundary_name = var.app_permissions_boundary
}

module "cognito" {
  source = "./modules/cognito"
  count  = var.api_auth == "cognito" ? 1 : 0

  project     = var.project
  environment = var.environment
  tags        = local.tags
}

locals {
  # The API's JWT authorizer: the Cognito pool's tokens, another issuer's, or none.
  jwt_issuer   = var.api_auth == "cognito" ? one(module.cognito[*].issuer) : var.api_auth == "jwt" ? var.api_jwt_issuer : null
  jwt_audience = var.api_auth == "cognito" ? module.cognito[*].client_id : var.api_auth == "jwt" ? var.api_jwt_audience : []
}

module "api_gateway" {
  source = "./modules/api-gateway"

  project                = var.project
  environment            = var.environment
  tags                   = local.tags
  vpc_id                 = module.networking.vpc_id
  subnet_ids             = module.networking.subnet_ids
  security_group_ids     = [module.security.vpc_link_security_group_id]
  cors_allow_origins     = var.cors_allow_origins
  throttling_rate_limit  = var.throttling_rate_limit
  throttling_burst_limit = var.throttling_burst_limit
  log_retention_days     = var.log_retention_days
  jwt_issuer             = local.jwt_issuer
  jwt_audience           = local.jwt_audience
}

locals {
  backend_environment_variables = {
    AWS_REGION      = var.aws_region
    S3_FILES_BUCKET = module.s3.bucket_names["files"]
    S3_DATA_BUCKET  = module.s3.bucket_names["data"]
    APP_ENV         = var.environment
    ACCESS_LOG      = tostring(var.access_log)
  }
}

module "ecs" {
  source = "./modules/ecs"

  project               = var.project
  environment           = var.environment
  tags                  = local.tags
  region                = var.aws_region
  task_cpu              = var.task_cpu
  task_memory           = var.task_memory
  image                 = "${module.ecr.repository_url}:bootstrap"
  environment_variables = local.backend_environment_variables
  execution_role_arn    = module.iam.execution_role_arn
  task_role_arn         = module.iam.task_role_arn
  subnet_ids            = module.networking.subnet_ids
  security_group_ids    = [module.security.tasks_security_group_id]
  assign_public_ip      = module.networking.assign_public_ip
  service_registry_arn  = module.api_gateway.service_discovery_service_arn
  log_retention_days    = var.log_retention_days
  fargate_base          = var.fargate_base
  fargate_weight        = var.fargate_weight
  min_capacity          = var.min_capacity
  max_capacity          = var.max_capacity
}
