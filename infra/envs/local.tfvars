# local: the AWS emulator (`make local`, tests); deployctl adds -var aws_endpoint=URL.
# emulator: test credentials and account; each Dagger call starts its own emulator.
environment              = "local"
emulator                 = true
network_mode             = "public"
vpc_cidr                 = "10.30.0.0/16"
az_count                 = 2
task_cpu                 = 256
task_memory              = 512
desired_count            = 1
min_capacity             = 1
max_capacity             = 2
fargate_base             = 0
fargate_weight           = 0
log_retention_days       = 1
cors_allow_origins       = ["*"]
throttling_rate_limit    = 50
throttling_burst_limit   = 100
ecr_keep_images          = 5
kms_deletion_window_days = 7
api_auth                 = "none"
upload_expiration_days   = 1
force_destroy            = true
# The emulator never expires objects, and each lifecycle configuration costs ~55 s of the
# provider's settle wait per apply: dev and prod keep the rules (infra_test pins both).
s3_lifecycle_rules = false
