# dev: cheapest honest setup. Public subnets (tasks get a public IP, no interface
# endpoints, no NAT), everything on FARGATE_SPOT, one task.
environment              = "dev"
network_mode             = "public"
vpc_cidr                 = "10.10.0.0/16"
az_count                 = 2
task_cpu                 = 256
task_memory              = 512
desired_count            = 1
min_capacity             = 1
max_capacity             = 2
fargate_base             = 0
fargate_weight           = 0
log_retention_days       = 14
cors_allow_origins       = ["http://localhost:3000"]
throttling_rate_limit    = 20
throttling_burst_limit   = 40
ecr_keep_images          = 10
kms_deletion_window_days = 7
api_auth                 = "none"
upload_expiration_days   = 7
force_destroy            = true
# Created by infra/github-oidc; the deploy role may create the ECS roles only with it.
app_permissions_boundary = "predictor-github-app-boundary-dev"
