# Lets GitHub Actions assume AWS roles through GitHub's OIDC provider, so workflows
# hold no long-lived AWS keys:
#   plan       pull requests of the repository         read-only + state read + lock
#   readonly   jobs in the `readonly` GitHub environment (drift, manual plans): same
#   deploy-E   jobs in the GitHub environment E (dev, prod): read + change E only
# Every trust policy checks both the audience and the exact subject of the token; a
# role that checks only the audience can be assumed from any repository on GitHub.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  issuer   = "token.actions.githubusercontent.com"
  audience = "sts.amazonaws.com"
  account  = data.aws_caller_identity.current.account_id
  arn      = "arn:${data.aws_partition.current.partition}"
  region   = var.aws_region

  oidc_provider_arn = var.create_oidc_provider ? aws_iam_openid_connect_provider.github[0].arn : data.aws_iam_openid_connect_provider.github[0].arn

  # Exact subjects (`sub` claims) of GitHub's default claim template, by role key.
  subjects = merge(
    {
      plan     = "repo:${var.github_repository}:pull_request"
      readonly = "repo:${var.github_repository}:environment:${var.readonly_environment}"
    },
    { for e in var.environments : "deploy-${e}" => "repo:${var.github_repository}:environment:${e}" },
  )

  trust_policies = {
    for role, subject in local.subjects : role => jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Sid       = "GitHubActionsOIDC"
        Effect    = "Allow"
        Principal = { Federated = local.oidc_provider_arn }
        Action    = "sts:AssumeRoleWithWebIdentity"
        Condition = {
          StringEquals = {
            "${local.issuer}:aud" = local.audience
            "${local.issuer}:sub" = subject
          }
        }
      }]
    })
  }

  state_bucket = coalesce(var.state_bucket_name, "predictor-tfstate-${local.account}-${local.region}")

  # Names of infra/'s resources per environment (see infra/modules/*).
  apps = {
    for e in var.environments : e => {
      state      = "${local.arn}:s3:::${local.state_bucket}/predictor/${e}/terraform.tfstate"
      lock       = "${local.arn}:s3:::${local.state_bucket}/predictor/${e}/terraform.tfstate.tflock"
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
    }
  }

  # API Gateway IDs are generated, so its ARNs cannot name one environment's API.
  apigateway = [for p in ["/apis", "/apis/*", "/vpclinks", "/vpclinks/*", "/tags/*"] : "${local.arn}:apigateway:${local.region}::${p}"]

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

  # What `terraform plan` and `drift` need for one environment: its state (read, and
  # the lock file written and removed), and reads of its resources.
  read_policies = {
    for e, app in local.apps : e => jsonencode({
      Version = "2012-10-17"
      Statement = [
        { Sid = "StateList", Effect = "Allow", Action = ["s3:ListBucket"], Resource = ["${local.arn}:s3:::${local.state_bucket}"] },
        { Sid = "StateRead", Effect = "Allow", Action = ["s3:GetObject"], Resource = [app.state, app.lock] },
        { Sid = "StateLock", Effect = "Allow", Action = ["s3:PutObject", "s3:DeleteObject"], Resource = [app.lock] },
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
      ]
    })
  }

  # What `deploy`, `rollback` and `destroy` change in one environment, on top of the
  # read policy; two policies, because one managed policy holds at most 6,144
  # characters. IAM is limited to the environment's two ECS roles, the one managed
  # policy the execution role uses, and passing those roles to ECS tasks only.
  write_policies = merge(
    {
      for e, app in local.apps : "${e}-network" => jsonencode({
        Version = "2012-10-17"
        Statement = [
          {
            # EC2 creates resources with generated IDs: no name to scope to.
            Sid       = "Network", Effect = "Allow", Resource = ["*"]
            Condition = { StringEquals = { "aws:RequestedRegion" = local.region } }
            Action = [
              "ec2:AssociateRouteTable", "ec2:AttachInternetGateway", "ec2:AuthorizeSecurityGroupEgress", "ec2:AuthorizeSecurityGroupIngress",
              "ec2:CreateInternetGateway", "ec2:CreateRoute", "ec2:CreateRouteTable", "ec2:CreateSecurityGroup", "ec2:CreateSubnet",
              "ec2:CreateTags", "ec2:CreateVpc", "ec2:CreateVpcEndpoint", "ec2:DeleteInternetGateway", "ec2:DeleteRoute",
              "ec2:DeleteRouteTable", "ec2:DeleteSecurityGroup", "ec2:DeleteSubnet", "ec2:DeleteTags", "ec2:DeleteVpc",
              "ec2:DeleteVpcEndpoints", "ec2:DetachInternetGateway", "ec2:DisassociateRouteTable", "ec2:ModifySecurityGroupRules",
              "ec2:ModifySubnetAttribute", "ec2:ModifyVpcAttribute", "ec2:ModifyVpcEndpoint", "ec2:ReplaceRoute",
              "ec2:RevokeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress",
              "ec2:UpdateSecurityGroupRuleDescriptionsEgress", "ec2:UpdateSecurityGroupRuleDescriptionsIngress",
            ]
          },
          # API Gateway access logging: log deliveries and resource policies are account-wide.
          {
            Sid    = "AccessLogDelivery", Effect = "Allow", Resource = ["*"]
            Action = ["logs:CreateLogDelivery", "logs:DeleteLogDelivery", "logs:DescribeResourcePolicies", "logs:GetLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:UpdateLogDelivery"]
          },
          { Sid = "APIGateway", Effect = "Allow", Action = ["apigateway:DELETE", "apigateway:PATCH", "apigateway:POST", "apigateway:PUT"], Resource = local.apigateway },
          # Cloud Map namespaces and their private hosted zones get generated IDs.
          {
            Sid = "ServiceDiscovery", Effect = "Allow", Resource = ["*"]
            Action = [
              "route53:CreateHostedZone", "route53:DeleteHostedZone", "route53:ListHostedZonesByName",
              "servicediscovery:CreatePrivateDnsNamespace", "servicediscovery:CreateService", "servicediscovery:DeleteNamespace",
              "servicediscovery:DeleteService", "servicediscovery:TagResource", "servicediscovery:UntagResource",
              "servicediscovery:UpdatePrivateDnsNamespace", "servicediscovery:UpdateService",
            ]
          },
        ]
      })
    },
    {
      for e, app in local.apps : "${e}-app" => jsonencode({
        Version = "2012-10-17"
        Statement = [
          { Sid = "StateWrite", Effect = "Allow", Action = ["s3:PutObject"], Resource = [app.state] },
          {
            Sid    = "Cluster", Effect = "Allow", Resource = [app.cluster, app.service, app.task_family]
            Action = ["ecs:CreateCluster", "ecs:CreateService", "ecs:DeleteCluster", "ecs:DeleteService", "ecs:PutClusterCapacityProviders", "ecs:TagResource", "ecs:UntagResource", "ecs:UpdateCluster", "ecs:UpdateClusterSettings", "ecs:UpdateService"]
          },
          # Task definition registration does not support resource-level permissions.
          { Sid = "TaskDefinitions", Effect = "Allow", Action = ["ecs:DeregisterTaskDefinition", "ecs:RegisterTaskDefinition"], Resource = ["*"] },
          {
            Sid = "Repository", Effect = "Allow", Resource = [app.repository]
            Action = [
              "ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:CompleteLayerUpload", "ecr:CreateRepository", "ecr:DeleteLifecyclePolicy",
              "ecr:DeleteRepository", "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:PutImageScanningConfiguration",
              "ecr:PutImageTagMutability", "ecr:PutLifecyclePolicy", "ecr:TagResource", "ecr:UntagResource", "ecr:UploadLayerPart",
            ]
          },
          # The registry login token is account-wide by design.
          { Sid = "RegistryLogin", Effect = "Allow", Action = ["ecr:GetAuthorizationToken"], Resource = ["*"] },
          {
            Sid = "Buckets", Effect = "Allow", Resource = app.buckets
            Action = [
              "s3:CreateBucket", "s3:DeleteBucket", "s3:DeleteBucketPolicy", "s3:ListBucketVersions", "s3:PutBucketOwnershipControls",
              "s3:PutBucketPolicy", "s3:PutBucketPublicAccessBlock", "s3:PutBucketTagging", "s3:PutBucketVersioning",
              "s3:PutEncryptionConfiguration", "s3:PutLifecycleConfiguration",
            ]
          },
          # Emptying the buckets before destroy needs the objects of exactly these buckets.
          { Sid = "BucketObjects", Effect = "Allow", Action = ["s3:DeleteObject", "s3:DeleteObjectVersion"], Resource = [for b in app.buckets : "${b}/*"] },
          {
            Sid    = "LogGroups", Effect = "Allow", Resource = app.log_groups
            Action = ["logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:DeleteRetentionPolicy", "logs:PutRetentionPolicy", "logs:TagLogGroup", "logs:TagResource", "logs:UntagLogGroup", "logs:UntagResource"]
          },
          # Scalable targets are addressed by generated IDs.
          {
            Sid    = "Autoscaling", Effect = "Allow", Resource = ["*"]
            Action = ["application-autoscaling:DeleteScalingPolicy", "application-autoscaling:DeregisterScalableTarget", "application-autoscaling:PutScalingPolicy", "application-autoscaling:RegisterScalableTarget", "application-autoscaling:TagResource", "application-autoscaling:UntagResource"]
          },
          { Sid = "ScalingAlarms", Effect = "Allow", Action = ["cloudwatch:DeleteAlarms", "cloudwatch:PutMetricAlarm"], Resource = [app.alarms] },
          {
            Sid    = "Roles", Effect = "Allow", Resource = app.roles
            Action = ["iam:CreateRole", "iam:DeleteRole", "iam:DeleteRolePolicy", "iam:PutRolePolicy", "iam:TagRole", "iam:UntagRole", "iam:UpdateAssumeRolePolicy", "iam:UpdateRole", "iam:UpdateRoleDescription"]
          },
          {
            Sid       = "ExecutionPolicy", Effect = "Allow", Resource = [app.execution_role]
            Action    = ["iam:AttachRolePolicy", "iam:DetachRolePolicy"]
            Condition = { ArnEquals = { "iam:PolicyARN" = "${local.arn}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy" } }
          },
          {
            Sid       = "PassRolesToTasks", Effect = "Allow", Action = ["iam:PassRole"], Resource = app.roles
            Condition = { StringEquals = { "iam:PassedToService" = "ecs-tasks.amazonaws.com" } }
          },
          {
            Sid       = "ServiceLinkedRoles", Effect = "Allow", Action = ["iam:CreateServiceLinkedRole"], Resource = ["${local.arn}:iam::${local.account}:role/aws-service-role/*"]
            Condition = { StringEquals = { "iam:AWSServiceName" = ["ecs.amazonaws.com", "ecs.application-autoscaling.amazonaws.com", "ops.apigateway.amazonaws.com"] } }
          },
        ]
      })
    },
  )
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
  description          = "GitHub Actions (${var.github_repository}): ${local.subjects[each.key]}"
  assume_role_policy   = each.value
  max_session_duration = var.max_session_duration

  tags = { Name = "${var.role_name_prefix}-${each.key}" }
}

resource "aws_iam_policy" "read" {
  for_each = local.read_policies

  name        = "${var.role_name_prefix}-read-${each.key}"
  description = "Plan and drift of ${each.key}: state read and lock, reads of its resources."
  policy      = each.value
}

resource "aws_iam_policy" "write" {
  for_each = local.write_policies

  name        = "${var.role_name_prefix}-write-${each.key}"
  description = "Deploy, rollback and destroy of ${each.key}."
  policy      = each.value
}

locals {
  # role key => policy keys: the read-only roles read every environment; a deploy role
  # reads and changes its own environment only.
  attachments = merge(
    { for k in ["plan", "readonly"] : k => [for e in var.environments : "read-${e}"] },
    { for e in var.environments : "deploy-${e}" => ["read-${e}", "write-${e}-network", "write-${e}-app"] },
  )
  policy_arns = merge(
    { for e, p in aws_iam_policy.read : "read-${e}" => p.arn },
    { for k, p in aws_iam_policy.write : "write-${k}" => p.arn },
  )
}

resource "aws_iam_role_policy_attachment" "this" {
  for_each = merge([for role, policies in local.attachments : { for p in policies : "${role}/${p}" => { role = role, policy = p } }]...)

  role       = aws_iam_role.this[each.value.role].name
  policy_arn = local.policy_arns[each.value.policy]
}
