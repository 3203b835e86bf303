# Lets GitHub Actions assume AWS roles through GitHub's OIDC provider, so workflows
# hold no long-lived AWS keys:
#   plan       pull requests of the repository         read-only + state read (no lock)
#   readonly   jobs in the `readonly` GitHub environment (drift, manual plans): same
#   deploy-E   jobs in the GitHub environment E (dev, prod): read + change E only
# Every trust policy checks both the audience and the exact subject of the token; a
# role that checks only the audience can be assumed from any repository on GitHub.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

# The environments and their properties come from ../envs/<name>.tfvars, the one list
# internal/envcfg reads too (its tests check these line patterns agree with its parser).
locals {
  env_files = { for f in fileset("${path.module}/../envs", "*.tfvars") : trimsuffix(f, ".tfvars") => file("${path.module}/../envs/${f}") }
  environments = var.environments != null ? var.environments : [
    for e, body in local.env_files : e if !can(regex("(?m)^\\s*emulator\\s*=\\s*true", body))
  ]
  protected_environments = var.protected_environments != null ? var.protected_environments : [
    for e, body in local.env_files : e if can(regex("(?m)^\\s*protected\\s*=\\s*true", body))
  ]
  # promote_from: the environment whose released images this one ships (prod: dev).
  promote_from = {
    for e, body in local.env_files : e => regex("(?m)^\\s*promote_from\\s*=\\s*\"([a-z][a-z0-9-]*)\"", body)[0]
    if can(regex("(?m)^\\s*promote_from\\s*=\\s*\"([a-z][a-z0-9-]*)\"", body))
  }
}

locals {
  issuer   = "token.actions.githubusercontent.com"
  audience = "sts.amazonaws.com"
  account  = data.aws_caller_identity.current.account_id
  arn      = "arn:${data.aws_partition.current.partition}"
  region   = var.aws_region

  oidc_provider_arn = var.create_oidc_provider ? aws_iam_openid_connect_provider.github[0].arn : data.aws_iam_openid_connect_provider.github[0].arn

  # The token's `sub` claim each role trusts, by role key. GitHub's default template is
  # repo:R:<context>, where context is environment:E for a job with an environment and
  # pull_request for a pull request's job: any workflow file of the repository that names
  # the environment gets the same subject. With pin_workflows the repository's template
  # (README: "Pinning the workflow") adds the file that defines the job,
  # repo:R:<context>:job_workflow_ref:R/.github/workflows/F@REF, and each role trusts only
  # the files in role_workflows on workflow_ref. A pull request runs on its merge ref
  # refs/pull/N/merge: its number is the plan role's one wildcard (StringLike).
  contexts = merge(
    { plan = "pull_request", readonly = "environment:${var.readonly_environment}" },
    { for e in local.environments : "deploy-${e}" => "environment:${e}" },
  )
  workflow_ref = { for role in keys(local.contexts) : role => role == "plan" ? "refs/pull/*/merge" : var.workflow_ref }
  subjects = {
    for role, context in local.contexts : role => var.pin_workflows ? [
      for f in var.role_workflows[startswith(role, "deploy-") ? "deploy" : role] :
      "repo:${var.github_repository}:${context}:job_workflow_ref:${var.github_repository}/.github/workflows/${f}@${local.workflow_ref[role]}"
    ] : ["repo:${var.github_repository}:${context}"]
  }

  trust_statement = {
    Sid       = "GitHubActionsOIDC"
    Effect    = "Allow"
    Principal = { Federated = local.oidc_provider_arn }
    Action    = "sts:AssumeRoleWithWebIdentity"
  }
  # StringLike only where a subject holds the pull request number's wildcard.
  trust_policies = {
    for role, subjects in local.subjects : role => anytrue([for s in subjects : strcontains(s, "*")]) ? jsonencode({
      Version = "2012-10-17"
      Statement = [merge(local.trust_statement, { Condition = {
        StringEquals = { "${local.issuer}:aud" = local.audience }
        StringLike   = { "${local.issuer}:sub" = subjects }
      } })]
      }) : jsonencode({
      Version = "2012-10-17"
      Statement = [merge(local.trust_statement, { Condition = {
        StringEquals = { "${local.issuer}:aud" = local.audience, "${local.issuer}:sub" = subjects }
      } })]
    })
  }

  state_bucket = coalesce(var.state_bucket_name, "predictor-tfstate-${local.account}-${local.region}")

  # Names of infra/'s resources per environment (see infra/modules/*).
  apps = {
    for e in local.environments : e => {
      state = "${local.arn}:s3:::${local.state_bucket}/predictor/${e}/terraform.tfstate"
      lock  = "${local.arn}:s3:::${local.state_bucket}/predictor/${e}/terraform.tfstate.tflock"
      # Reviewed plans (`plan --save`), applied by ID (internal/planstore).
      plans      = "${local.arn}:s3:::${local.state_bucket}/plans/${e}/*"
      buckets    = [for b in ["files", "data"] : "${local.arn}:s3:::${var.project}-${e}-${b}-${local.account}"]
      repository = "${local.arn}:ecr:${local.region}:${local.account}:repository/${var.project}-${e}-backend"
      log_groups = flatten([
        for g in ["/ecs/${var.project}-${e}-backend", "/aws/apigateway/${var.project}-${e}-http-api"] :
        ["${local.arn}:logs:${local.region}:${local.account}:log-group:${g}", "${local.arn}:logs:${local.region}:${local.account}:log-group:${g}:*"]
      ])
      roles          = [for r in ["execution", "task"] : "${local.arn}:iam::${local.account}:role/${var.project}-${e}-ecs-${r}"]
      execution_role = "${local.arn}:iam::${local.account}:role/${var.project}-${e}-ecs-execution"
      cluster        = "${local.arn}:ecs:${local.region}:${local.account}:cluster/${var.project}-${e}-cluster"
      service        = "${local.arn}:ecs:${local.region}:${local.account}:service/${var.project}-${e}-cluster/${var.project}-${e}-backend"
      task_family    = "${local.arn}:ecs:${local.region}:${local.account}:task-definition/${var.project}-${e}-backend:*"
      alarms         = "${local.arn}:cloudwatch:${local.region}:${local.account}:alarm:TargetTracking-service/${var.project}-${e}-cluster/${var.project}-${e}-backend-*"
      state_bucket   = "${local.arn}:s3:::${local.state_bucket}"
      # KMS key IDs are generated: keys are matched by their Environment tag (infra/ tags
      # every resource with it), the alias by name.
      kms_keys  = "${local.arn}:kms:${local.region}:${local.account}:key/*"
      kms_alias = "${local.arn}:kms:${local.region}:${local.account}:alias/${var.project}-${e}-s3"
      # Cognito user pool IDs are generated too (prod's JWT authorizer): by tag.
      user_pools = "${local.arn}:cognito-idp:${local.region}:${local.account}:userpool/*"
      # The permissions boundary every application role of E must carry (see below).
      boundary  = "${local.arn}:iam::${local.account}:policy/${var.role_name_prefix}-app-boundary-${e}"
      protected = contains(local.protected_environments, e)
      # Build once, promote: an environment with promote_from pulls (read only) the image
      # its source environment released, from that one repository and no other.
      promoted_from = [for src in compact([lookup(local.promote_from, e, "")]) : "${local.arn}:ecr:${local.region}:${local.account}:repository/${var.project}-${src}-backend"]
      # ABAC: an existing resource must carry Environment = E; a resource being created
      # must be tagged Environment = E in the same request, and whatever existing
      # resource the create call also touches (the VPC of a subnet) must be E's.
      own_resource = { StringEquals = { "aws:ResourceTag/Environment" = e } }
      own_create   = { StringEquals = { "aws:RequestTag/Environment" = e }, StringEqualsIfExists = { "aws:ResourceTag/Environment" = e } }
    }
  }

  # Every policy of this stack: no CI role may change one (the boundaries above all).
  own_policies = "${local.arn}:iam::${local.account}:policy/${var.role_name_prefix}-*"

  # API Gateway IDs are generated, so its ARNs cannot name one environment's API.
  apigateway             = [for p in ["/apis", "/apis/*", "/vpclinks", "/vpclinks/*", "/tags/*"] : "${local.arn}:apigateway:${local.region}::${p}"]
  apigateway_collections = [for p in ["/apis", "/vpclinks"] : "${local.arn}:apigateway:${local.region}::${p}"]

  # The EC2 create calls whose tags (TagSpecifications) CreateTags may apply.
  ec2_create_actions = ["AuthorizeSecurityGroupEgress", "AuthorizeSecurityGroupIngress", "CreateInternetGateway", "CreateRouteTable", "CreateSecurityGroup", "CreateSubnet", "CreateVpc", "CreateVpcEndpoint"]

  # Read-only calls that AWS authorizes only on Resource "*" (Describe/List of EC2,
  # task definitions, Cloud Map, Application Auto Scaling, CloudWatch alarms, log groups).
  describe_actions = [
    "application-autoscaling:DescribeScalableTargets",
    "application-autoscaling:DescribeScalingPolicies",
    "application-autoscaling:ListTagsForResource",
    "cloudwatch:DescribeAlarms",
    "ec2:DescribeAvailabilityZones",
    "ec2:DescribeInternetGateways",
    "ec2:DescribeNetworkAcls",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribePrefixLists",
    "ec2:DescribeRouteTables",
    "ec2:DescribeSecurityGroupRules",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSubnets",
    "ec2:DescribeVpcAttribute",
    "ec2:DescribeVpcEndpointServices",
    "ec2:DescribeVpcEndpoints",
    "ec2:DescribeVpcs",
    "ecs:DescribeCapacityProviders",
    "ecs:DescribeServiceDeployments",
    "ecs:DescribeTaskDefinition",
    "ecs:DescribeTasks",
    "ecs:ListServiceDeployments",
    "ecs:ListTaskDefinitions", # rollback finds the previous revision of the family
    "ecs:ListTasks",
    "kms:ListAliases", # the alias of the buckets' key is read by listing
    "logs:DescribeLogGroups",
    "route53:GetHostedZone",
    "servicediscovery:GetNamespace",
    "servicediscovery:GetOperation",
    "servicediscovery:GetService",
    "servicediscovery:ListNamespaces",
    "servicediscovery:ListServices",
    "servicediscovery:ListTagsForResource",
  ]

  s3_bucket_read_actions = [
    "s3:GetAccelerateConfiguration",
    "s3:GetBucketAcl",
    "s3:GetBucketCORS",
    "s3:GetBucketLocation",
    "s3:GetBucketLogging",
    "s3:GetBucketObjectLockConfiguration",
    "s3:GetBucketOwnershipControls",
    "s3:GetBucketPolicy",
    "s3:GetBucketPublicAccessBlock",
    "s3:GetBucketRequestPayment",
    "s3:GetBucketTagging",
    "s3:GetBucketVersioning",
    "s3:GetBucketWebsite",
    "s3:GetEncryptionConfiguration",
    "s3:GetLifecycleConfiguration",
    "s3:GetReplicationConfiguration",
    "s3:ListBucket",
  ]

  # What `terraform plan -lock=false`, `drift` and bootstrap's check need for one
  # environment: its state read (never written: review plans take no lock), the state
  # bucket's settings, and reads of its resources.
  read_policies = {
    for e, app in local.apps : e => jsonencode({
      Version = "2012-10-17"
      Statement = [
        { Sid = "StateList", Effect = "Allow", Action = ["s3:ListBucket"], Resource = [app.state_bucket] },
        {
          Sid    = "StateBucketRead", Effect = "Allow", Resource = [app.state_bucket]
          Action = ["s3:GetBucketPolicy", "s3:GetBucketPublicAccessBlock", "s3:GetBucketVersioning", "s3:GetEncryptionConfiguration"]
        },
        { Sid = "StateRead", Effect = "Allow", Action = ["s3:GetObject"], Resource = [app.state, app.lock, app.plans] },
        { Sid = "Describe", Effect = "Allow", Action = local.describe_actions, Resource = ["*"] },
        { Sid = "BucketsRead", Effect = "Allow", Action = local.s3_bucket_read_actions, Resource = app.buckets },
        {
          Sid    = "RepositoryRead", Effect = "Allow", Resource = [app.repository]
          Action = ["ecr:DescribeImages", "ecr:DescribeRepositories", "ecr:GetLifecyclePolicy", "ecr:GetRepositoryPolicy", "ecr:ListImages", "ecr:ListTagsForResource"]
        },
        { Sid = "LogsRead", Effect = "Allow", Action = ["logs:ListTagsForResource", "logs:ListTagsLogGroup"], Resource = app.log_groups },
        {
          Sid    = "RolesRead", Effect = "Allow", Resource = app.roles
          Action = ["iam:GetRole", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole", "iam:ListRolePolicies"]
        },
        { Sid = "ECSRead", Effect = "Allow", Action = ["ecs:DescribeClusters", "ecs:DescribeServices", "ecs:ListTagsForResource"], Resource = [app.cluster, app.service, app.task_family] },
        { Sid = "APIGatewayRead", Effect = "Allow", Action = ["apigateway:GET"], Resource = local.apigateway },
        {
          Sid    = "KeyRead", Effect = "Allow", Resource = [app.kms_keys], Condition = app.own_resource
          Action = ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"]
        },
        {
          Sid    = "UserPoolRead", Effect = "Allow", Resource = [app.user_pools], Condition = app.own_resource
          Action = ["cognito-idp:DescribeUserPool", "cognito-idp:DescribeUserPoolClient", "cognito-idp:GetUserPoolMfaConfig", "cognito-idp:ListTagsForResource"]
        },
      ]
    })
  }

  # Attached to the plan and readonly roles: even if a read policy grew a write by
  # mistake, they can never write or delete a state object or its lock file.
  review_guard = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "NoStateWrites", Effect = "Deny", Resource = ["${local.arn}:s3:::${local.state_bucket}/*"]
        Action = ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObject", "s3:PutObjectAcl", "s3:RestoreObject"]
      },
    ]
  })

  # The readonly role plans prod on merge and stores that plan for the gated apply
  # (`plan --env prod --save`): it may add objects under plans/ and nothing else; its
  # guard denies every other object write.
  # A plan is stored under its SHA-256, so overwriting a saved plan can only replace it
  # with bytes that no longer match its ID, which blocks the deploy that approved it:
  # writes must be conditional (If-None-Match: *, condition key s3:if-none-match), so
  # S3 refuses them on an existing key.
  save_plans = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "SavePlans", Effect = "Allow", Action = ["s3:PutObject"], Resource = [for e, app in local.apps : app.plans] },
      {
        Sid       = "NoPlanOverwrite", Effect = "Deny", Action = ["s3:PutObject"], Resource = ["${local.arn}:s3:::${local.state_bucket}/plans/*"]
        Condition = { StringNotEquals = { "s3:if-none-match" = "*" } }
      },
    ]
  })
  readonly_guard = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "NoStateWrites", Effect = "Deny", NotResource = ["${local.arn}:s3:::${local.state_bucket}/plans/*"]
        Action = ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObject", "s3:PutObjectAcl", "s3:RestoreObject"]
      },
    ]
  })

  # What `deploy`, `rollback` and `destroy` change in one environment, on top of the
  # read policy; several policies, because one managed policy holds at most 6,144
  # characters. Every mutating statement names E's resources by ARN or requires the
  # Environment tag E (`aws:ResourceTag`, `aws:RequestTag` on creation); the few AWS
  # authorizes on neither say so where they are.
  write_policies = merge(
    {
      for e, app in local.apps : "${e}-network" => jsonencode({
        Version = "2012-10-17"
        Statement = [
          {
            # Tag on create: the new VPC, subnet, group, rule, route table, gateway or
            # endpoint is tagged Environment = E in the request, and the VPC it goes
            # into is E's. CreateTags on an existing resource needs that resource
            # untagged or already E's, so a prod resource cannot be re-tagged as dev.
            Sid       = "NetworkCreate", Effect = "Allow", Resource = ["*"]
            Condition = merge(app.own_create, { StringEquals = { "aws:RequestTag/Environment" = e, "aws:RequestedRegion" = local.region } })
            Action = [
              "ec2:AuthorizeSecurityGroupEgress", "ec2:AuthorizeSecurityGroupIngress", "ec2:CreateInternetGateway", "ec2:CreateRouteTable",
              "ec2:CreateSecurityGroup", "ec2:CreateSubnet", "ec2:CreateVpc", "ec2:CreateVpcEndpoint",
            ]
          },
          {
            # Tags only as part of a create call (ec2:CreateAction): CreateTags alone on
            # an existing untagged resource would adopt it as E's.
            Sid       = "TagOnCreate", Effect = "Allow", Action = ["ec2:CreateTags"], Resource = ["*"]
            Condition = { StringEquals = { "aws:RequestTag/Environment" = e, "ec2:CreateAction" = local.ec2_create_actions } }
          },
          {
            # The VPC's default security group exists before Terraform tags it; it is
            # the one untagged resource E may tag, and only under its own Name.
            Sid       = "DefaultGroupTags", Effect = "Allow", Action = ["ec2:CreateTags"], Resource = ["${local.arn}:ec2:${local.region}:${local.account}:security-group/*"]
            Condition = { StringEquals = { "aws:RequestTag/Environment" = e, "aws:RequestTag/Name" = "${var.project}-${e}-default" }, Null = { "aws:ResourceTag/Environment" = "true" } }
          },
          {
            Sid       = "NetworkChange", Effect = "Allow", Resource = ["*"]
            Condition = { StringEquals = { "aws:ResourceTag/Environment" = e, "aws:RequestedRegion" = local.region } }
            Action = [
              "ec2:AssociateRouteTable", "ec2:AttachInternetGateway", "ec2:CreateRoute", "ec2:DeleteInternetGateway", "ec2:DeleteRoute",
              "ec2:DeleteRouteTable", "ec2:DeleteSecurityGroup", "ec2:DeleteSubnet", "ec2:DeleteTags", "ec2:DeleteVpc",
              "ec2:DeleteVpcEndpoints", "ec2:DetachInternetGateway", "ec2:DisassociateRouteTable", "ec2:ModifySecurityGroupRules",
              "ec2:ModifySubnetAttribute", "ec2:ModifyVpcAttribute", "ec2:ModifyVpcEndpoint", "ec2:ReplaceRoute",
              "ec2:RevokeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress",
              "ec2:UpdateSecurityGroupRuleDescriptionsEgress", "ec2:UpdateSecurityGroupRuleDescriptionsIngress",
            ]
          },
        ]
      })
    },
    {
      for e, app in local.apps : "${e}-edge" => jsonencode({
        Version = "2012-10-17"
        Statement = [
          # API Gateway access logging: CloudWatch Logs authorizes log deliveries and its
          # resource policy on "*" only (no resource ARN, no tag condition). Residual
          # risk: a deploy role can change the account's log deliveries (not an API, not
          # data); with prod in its own account, none of prod's.
          {
            Sid    = "AccessLogDelivery", Effect = "Allow", Resource = ["*"]
            Action = ["logs:CreateLogDelivery", "logs:DeleteLogDelivery", "logs:DescribeResourcePolicies", "logs:GetLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:UpdateLogDelivery"]
          },
          # API IDs are generated: creation needs the Environment tag in the request,
          # every later call the API's (or VPC link's) tag, which its children inherit.
          # Creation on the collections only: a POST to /tags/<arn> of an untagged API
          # would adopt it.
          { Sid = "APIGatewayCreate", Effect = "Allow", Action = ["apigateway:POST"], Resource = local.apigateway_collections, Condition = { StringEquals = { "aws:RequestTag/Environment" = e } } },
          { Sid = "APIGatewayChange", Effect = "Allow", Action = ["apigateway:DELETE", "apigateway:PATCH", "apigateway:POST", "apigateway:PUT"], Resource = local.apigateway, Condition = app.own_resource },
          # Cloud Map namespaces and services get generated IDs: tags again.
          {
            Sid    = "ServiceDiscoveryCreate", Effect = "Allow", Resource = ["*"], Condition = app.own_create
            Action = ["servicediscovery:CreatePrivateDnsNamespace", "servicediscovery:CreateService"]
          },
          {
            Sid = "ServiceDiscoveryChange", Effect = "Allow", Resource = ["*"], Condition = app.own_resource
            Action = [
              "servicediscovery:DeleteNamespace", "servicediscovery:DeleteService", "servicediscovery:TagResource",
              "servicediscovery:UntagResource", "servicediscovery:UpdatePrivateDnsNamespace", "servicediscovery:UpdateService",
            ]
          },
          # Cloud Map creates and deletes the namespace's private hosted zone with the
          # caller's permissions; Route 53 has no tag conditions and the zone ID is
          # generated. Residual risk: deleting another environment's zone, which AWS
          # refuses while the zone holds Cloud Map's records.
          { Sid = "HostedZones", Effect = "Allow", Action = ["route53:CreateHostedZone", "route53:ListHostedZonesByName"], Resource = ["*"] },
          { Sid = "HostedZoneDelete", Effect = "Allow", Action = ["route53:DeleteHostedZone"], Resource = ["${local.arn}:route53:::hostedzone/*"] },
          # The user pool of the JWT authorizer (api_auth = "cognito"): created tagged
          # Environment = E, changed only while it carries that tag (no TagResource on an
          # untagged pool).
          { Sid = "UserPoolCreate", Effect = "Allow", Action = ["cognito-idp:CreateUserPool"], Resource = ["*"], Condition = { StringEquals = { "aws:RequestTag/Environment" = e } } },
          {
            Sid = "UserPoolChange", Effect = "Allow", Resource = [app.user_pools], Condition = app.own_resource
            Action = concat(app.protected ? [] : ["cognito-idp:DeleteUserPool"], [
              "cognito-idp:CreateUserPoolClient", "cognito-idp:DeleteUserPoolClient", "cognito-idp:SetUserPoolMfaConfig", "cognito-idp:TagResource",
              "cognito-idp:UntagResource", "cognito-idp:UpdateUserPool", "cognito-idp:UpdateUserPoolClient",
            ])
          },
        ]
      })
    },
    {
      for e, app in local.apps : "${e}-app" => jsonencode({
        Version = "2012-10-17"
        Statement = concat([
          { Sid = "StateWrite", Effect = "Allow", Action = ["s3:PutObject"], Resource = [app.state] },
          { Sid = "StateLock", Effect = "Allow", Action = ["s3:DeleteObject", "s3:PutObject"], Resource = [app.lock] },
          {
            Sid    = "Cluster", Effect = "Allow", Resource = [app.cluster, app.service, app.task_family]
            Action = ["ecs:CreateCluster", "ecs:DeleteCluster", "ecs:DeleteService", "ecs:PutClusterCapacityProviders", "ecs:TagResource", "ecs:UntagResource", "ecs:UpdateCluster", "ecs:UpdateClusterSettings"]
          },
          # The service runs E's task definitions only (ecs:task-definition): never a
          # revision of another family, with another environment's roles and buckets.
          # IfExists: an UpdateService that changes only the count names none.
          {
            Sid       = "Service", Effect = "Allow", Resource = [app.service], Action = ["ecs:CreateService", "ecs:UpdateService"]
            Condition = { ArnLikeIfExists = { "ecs:task-definition" = app.task_family } }
          },
          # ECS authorizes task definition (de)registration on "*" only. A revision in
          # another family runs nowhere: services are E's only, roles passable are E's only.
          { Sid = "TaskDefinitions", Effect = "Allow", Action = ["ecs:DeregisterTaskDefinition", "ecs:RegisterTaskDefinition"], Resource = ["*"] },
          {
            Sid = "Repository", Effect = "Allow", Resource = [app.repository]
            Action = [
              "ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:CompleteLayerUpload", "ecr:CreateRepository", "ecr:DeleteLifecyclePolicy",
              "ecr:DeleteRepository", "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:PutImageScanningConfiguration",
              "ecr:PutImageTagMutability", "ecr:PutLifecyclePolicy", "ecr:TagResource", "ecr:UntagResource", "ecr:UploadLayerPart",
            ]
          },
          # Promotion: an environment with promote_from reads (never writes) the image its
          # source environment released; elsewhere this repeats the own repository's reads.
          { Sid = "PromotionPull", Effect = "Allow", Resource = length(app.promoted_from) > 0 ? app.promoted_from : [app.repository], Action = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:DescribeImages", "ecr:GetDownloadUrlForLayer"] },
          # The registry login token is account-wide by design (pushes still need the
          # repository permissions above).
          { Sid = "RegistryLogin", Effect = "Allow", Action = ["ecr:GetAuthorizationToken"], Resource = ["*"] },
          {
            Sid = "Buckets", Effect = "Allow", Resource = app.buckets
            Action = concat(app.protected ? [] : ["s3:DeleteBucket"], [
              "s3:CreateBucket", "s3:DeleteBucketPolicy", "s3:ListBucketVersions", "s3:PutBucketOwnershipControls",
              "s3:PutBucketPolicy", "s3:PutBucketPublicAccessBlock", "s3:PutBucketTagging", "s3:PutBucketVersioning",
              "s3:PutEncryptionConfiguration", "s3:PutLifecycleConfiguration",
            ])
          },
          {
            Sid    = "LogGroups", Effect = "Allow", Resource = app.log_groups
            Action = ["logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:DeleteRetentionPolicy", "logs:PutRetentionPolicy", "logs:TagLogGroup", "logs:TagResource", "logs:UntagLogGroup", "logs:UntagResource"]
          },
          # Application Auto Scaling: target IDs are generated and the module's target
          # is untagged, so any target of the account and region. What it changes is
          # still E's only: registering a target calls ecs:UpdateService on the service,
          # scaling policies create and delete their CloudWatch alarms, both limited to
          # E by ARN. Residual risk: deregistering another environment's target stops
          # its autoscaling (the service keeps running).
          {
            Sid    = "Autoscaling", Effect = "Allow", Resource = ["${local.arn}:application-autoscaling:${local.region}:${local.account}:scalable-target/*"]
            Action = ["application-autoscaling:DeleteScalingPolicy", "application-autoscaling:DeregisterScalableTarget", "application-autoscaling:PutScalingPolicy", "application-autoscaling:RegisterScalableTarget", "application-autoscaling:TagResource", "application-autoscaling:UntagResource"]
          },
          { Sid = "ScalingAlarms", Effect = "Allow", Action = ["cloudwatch:DeleteAlarms", "cloudwatch:PutMetricAlarm"], Resource = [app.alarms] },
          ],
          # Emptying the buckets before destroy: never in a protected environment,
          # whose data only an administrator can delete (versioning protects it).
          # Object Lock (governance, infra's object_lock_days) keeps every version for
          # its retention whatever lifecycle rule is written; no CI role may bypass or
          # shorten it, nor delete the key, the logs or the user pool.
          app.protected ? [
            {
              Sid = "KeepProtectedData", Effect = "Deny", Resource = concat(app.buckets, [for b in app.buckets : "${b}/*"])
              Action = [
                "s3:BypassGovernanceRetention", "s3:DeleteBucket", "s3:DeleteObjectVersion", "s3:PutObjectLegalHold", "s3:PutObjectRetention",
              ]
            },
            { Sid = "KeepProtectedKeys", Effect = "Deny", Resource = [app.kms_keys], Action = ["kms:DisableKey", "kms:ScheduleKeyDeletion"] },
            { Sid = "KeepProtectedLogs", Effect = "Deny", Resource = app.log_groups, Action = ["logs:DeleteLogGroup", "logs:DeleteRetentionPolicy"] },
            { Sid = "KeepProtectedUsers", Effect = "Deny", Resource = [app.user_pools], Action = ["cognito-idp:DeleteUserPool"] },
            ] : [
            { Sid = "BucketObjects", Effect = "Allow", Action = ["s3:DeleteObject", "s3:DeleteObjectVersion"], Resource = [for b in app.buckets : "${b}/*"] },
        ])
      })
    },
    {
      for e, app in local.apps : "${e}-iam" => jsonencode({
        Version = "2012-10-17"
        Statement = [
          # No escalation: E's two application roles can be created, and given
          # policies, only while they carry E's permissions boundary, which caps them
          # at what the application needs in E whatever policy is written into them.
          {
            Sid       = "BoundedRoles", Effect = "Allow", Resource = app.roles
            Action    = ["iam:CreateRole", "iam:DeleteRolePolicy", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy"]
            Condition = { StringEquals = { "iam:PermissionsBoundary" = app.boundary } }
          },
          {
            Sid    = "ExecutionPolicy", Effect = "Allow", Resource = [app.execution_role]
            Action = ["iam:AttachRolePolicy", "iam:DetachRolePolicy"]
            Condition = {
              ArnEquals    = { "iam:PolicyARN" = "${local.arn}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy" }
              StringEquals = { "iam:PermissionsBoundary" = app.boundary }
            }
          },
          # These actions have no iam:PermissionsBoundary condition key and grant nothing.
          # DeleteRole has no boundary key: a deleted role could be created again with
          # any trust (CreateRole cannot constrain it). In a protected environment the
          # roles are never deleted by CI, so their trust stays the one the reviewed
          # first apply created.
          { Sid = "Roles", Effect = "Allow", Resource = app.roles, Action = concat(app.protected ? [] : ["iam:DeleteRole"], ["iam:TagRole", "iam:UntagRole", "iam:UpdateRole", "iam:UpdateRoleDescription"]) },
          # IAM has no condition key on a trust policy's content, so no CI role may
          # change one (a role is created with infra/'s ecs-tasks trust; changing it
          # is an administrator's job), nor remove a boundary, nor edit this stack's
          # policies (the boundaries among them).
          {
            Sid    = "NoTrustOrBoundaryChanges", Effect = "Deny", Resource = ["*"]
            Action = ["iam:DeleteRolePermissionsBoundary", "iam:UpdateAssumeRolePolicy"]
          },
          {
            Sid    = "NoPolicyChanges", Effect = "Deny", Resource = [local.own_policies]
            Action = ["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:TagPolicy", "iam:UntagPolicy"]
          },
          {
            Sid       = "PassRolesToTasks", Effect = "Allow", Action = ["iam:PassRole"], Resource = app.roles
            Condition = { StringEquals = { "iam:PassedToService" = "ecs-tasks.amazonaws.com" } }
          },
          {
            Sid       = "ServiceLinkedRoles", Effect = "Allow", Action = ["iam:CreateServiceLinkedRole"], Resource = ["${local.arn}:iam::${local.account}:role/aws-service-role/*"]
            Condition = { StringEquals = { "iam:AWSServiceName" = ["ecs.amazonaws.com", "ecs.application-autoscaling.amazonaws.com", "ops.apigateway.amazonaws.com"] } }
          },
          # The buckets' KMS key (infra/modules/s3): created tagged Environment = E,
          # then managed only while it carries that tag; its alias by name. No
          # Encrypt/Decrypt: the pipeline never reads or writes the buckets' objects.
          {
            Sid = "KeyCreate", Effect = "Allow", Resource = ["*"], Action = ["kms:CreateKey", "kms:TagResource"]
            # Null: TagResource only on a key being created, never to re-tag an existing one.
            Condition = { StringEquals = { "aws:RequestTag/Environment" = e }, Null = { "aws:ResourceTag/Environment" = "true" } }
          },
          {
            Sid = "KeyManage", Effect = "Allow", Resource = [app.kms_keys], Condition = app.own_resource
            Action = concat(app.protected ? [] : ["kms:ScheduleKeyDeletion"], [
              "kms:CreateAlias", "kms:DeleteAlias", "kms:EnableKeyRotation", "kms:TagResource",
              "kms:UntagResource", "kms:UpdateAlias", "kms:UpdateKeyDescription",
            ])
          },
          { Sid = "KeyAlias", Effect = "Allow", Resource = [app.kms_alias], Action = ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"] },
        ]
      })
    },
  )

  # The permissions boundary of E's application roles (infra/modules/iam sets it): the
  # most either role can ever do, whatever policy a deploy role writes into it. The
  # task role's own policy and AmazonECSTaskExecutionRolePolicy fit inside.
  boundary_policies = {
    for e, app in local.apps : e => jsonencode({
      Version = "2012-10-17"
      Statement = [
        { Sid = "Buckets", Effect = "Allow", Action = ["s3:GetBucketLocation", "s3:ListBucket"], Resource = app.buckets },
        { Sid = "Objects", Effect = "Allow", Action = ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"], Resource = [for b in app.buckets : "${b}/*"] },
        {
          Sid       = "BucketKey", Effect = "Allow", Action = ["kms:Decrypt", "kms:GenerateDataKey"], Resource = [app.kms_keys]
          Condition = merge(app.own_resource, { StringEquals = { "aws:ResourceTag/Environment" = e, "kms:ViaService" = "s3.${local.region}.amazonaws.com" } })
        },
        { Sid = "RegistryLogin", Effect = "Allow", Action = ["ecr:GetAuthorizationToken"], Resource = ["*"] },
        { Sid = "ImagePull", Effect = "Allow", Action = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], Resource = [app.repository] },
        { Sid = "ContainerLogs", Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents"], Resource = app.log_groups },
      ]
    })
  }
}

resource "aws_iam_openid_connect_provider" "github" {
  count = var.create_oidc_provider ? 1 : 0

  url            = "https://${local.issuer}"
  client_id_list = [local.audience]
  # AWS trusts GitHub's certificate authority for this issuer; the thumbprints are
  # GitHub's published ones, kept because older tooling still requires the field.
  thumbprint_list = ["6938fd4d98bab03faadb97b34396831e3780aea1", "1c58a3a8518e8759bf075b76b750d4f2df264fcd"]

  tags = { Name = "github-actions" }
}

data "aws_iam_openid_connect_provider" "github" {
  count = var.create_oidc_provider ? 0 : 1

  url = "https://${local.issuer}"
}

resource "aws_iam_role" "this" {
  for_each = local.trust_policies

  name                 = "${var.role_name_prefix}-${each.key}"
  description          = "GitHub Actions (${var.github_repository}): ${local.contexts[each.key]}${var.pin_workflows ? " in ${join(", ", var.role_workflows[startswith(each.key, "deploy-") ? "deploy" : each.key])}" : ""}"
  assume_role_policy   = each.value
  max_session_duration = var.max_session_duration

  tags = { Name = "${var.role_name_prefix}-${each.key}" }
}

resource "aws_iam_policy" "read" {
  #checkov:skip=CKV_AWS_355:Describe/List reads on "*": several authorize on "*" only, the rest on generated IDs; they show configuration, never data or state of another environment.
  for_each = local.read_policies

  name        = "${var.role_name_prefix}-read-${each.key}"
  description = "Plan and drift of ${each.key}: state read (no lock), reads of its resources."
  policy      = each.value
}

resource "aws_iam_policy" "write" {
  for_each = local.write_policies

  name        = "${var.role_name_prefix}-write-${each.key}"
  description = "Deploy, rollback and destroy of ${each.key}."
  policy      = each.value
}

resource "aws_iam_policy" "review_guard" {
  name        = "${var.role_name_prefix}-review-guard"
  description = "Plan and readonly roles: never write or delete a state object or lock file."
  policy      = local.review_guard
}

resource "aws_iam_policy" "save_plans" {
  name        = "${var.role_name_prefix}-save-plans"
  description = "Readonly role: store reviewed plans under plans/ in the state bucket."
  policy      = local.save_plans
}

resource "aws_iam_policy" "readonly_guard" {
  name        = "${var.role_name_prefix}-readonly-guard"
  description = "Readonly role: never write or delete a state object or lock file (plans/ aside)."
  policy      = local.readonly_guard
}

resource "aws_iam_policy" "boundary" {
  for_each = local.boundary_policies

  name        = "${var.role_name_prefix}-app-boundary-${each.key}"
  description = "Permissions boundary of the ${each.key} application roles (ECS task and execution)."
  policy      = each.value
}

locals {
  # role key => policy keys: the read-only roles read every environment; a deploy role
  # reads and changes its own environment only.
  attachments = merge(
    { plan = concat([for e in local.environments : "read-${e}"], ["review-guard"]) },
    { readonly = concat([for e in local.environments : "read-${e}"], ["readonly-guard", "save-plans"]) },
    { for e in local.environments : "deploy-${e}" => ["read-${e}", "write-${e}-network", "write-${e}-edge", "write-${e}-app", "write-${e}-iam"] },
  )
  policy_arns = merge(
    { for e, p in aws_iam_policy.read : "read-${e}" => p.arn },
    { for k, p in aws_iam_policy.write : "write-${k}" => p.arn },
    { "review-guard" = aws_iam_policy.review_guard.arn, "readonly-guard" = aws_iam_policy.readonly_guard.arn, "save-plans" = aws_iam_policy.save_plans.arn },
  )
}

resource "aws_iam_role_policy_attachment" "this" {
  for_each = merge([for role, policies in local.attachments : { for p in policies : "${role}/${p}" => { role = role, policy = p } }]...)

  role       = aws_iam_role.this[each.value.role].name
  policy_arn = local.policy_arns[each.value.policy]
}
