# prod: private subnets with interface endpoints (ecr.api, ecr.dkr, logs) and the S3
# gateway endpoint, no internet route; one task always on on-demand FARGATE (base = 1),
# the rest on FARGATE_SPOT. The API requires tokens of the Cognito pool the web frontend
# signs users in with (GET /health stays public).
# protected: applies need a reviewed plan (or --confirm prod), destroy --break-glass, and
# no CI role may delete its data (deployctl, infra/github-oidc).
# promote_from: prod builds no image; its deploy ships the image digest of a completed
# dev release, copied by digest from dev's repository.
environment              = "prod"
protected                = true
promote_from             = "dev"
network_mode             = "private"
vpc_cidr                 = "10.20.0.0/16"
az_count                 = 2
task_cpu                 = 512
task_memory              = 1024
desired_count            = 2
min_capacity             = 2
max_capacity             = 6
fargate_base             = 1
fargate_weight           = 0
log_retention_days       = 90
cors_allow_origins       = ["https://predictor.example.com"]
throttling_rate_limit    = 100
throttling_burst_limit   = 200
ecr_keep_images          = 30
kms_deletion_window_days = 30
api_auth                 = "cognito"
upload_expiration_days   = 30
force_destroy            = false
# Object Lock (governance) on the data buckets: every version is kept 35 days (longer
# than noncurrent versions live), whatever a deploy role or a lifecycle rule does.
object_lock_days = 35
# API Gateway's access log has every request already; per-request lines from the
# backend too would double the log volume.
access_log = false
# Created by infra/github-oidc; the deploy role may create the ECS roles only with it.
app_permissions_boundary = "predictor-github-app-boundary-prod"
