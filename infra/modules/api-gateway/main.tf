locals {
  name = "${var.project}-${var.environment}"
}

# Cloud Map: ECS registers each task (IP and port, SRV record); the VPC Link integration
# discovers them, so no load balancer is needed.
resource "aws_service_discovery_private_dns_namespace" "this" {
  name        = "${local.name}.internal"
  description = "Service discovery for ${local.name}"
  vpc         = var.vpc_id

  tags = merge(var.tags, { Name = "${local.name}.internal" })
}

resource "aws_service_discovery_service" "this" {
  name = "backend"

  dns_config {
    namespace_id   = aws_service_discovery_private_dns_namespace.this.id
    routing_policy = "MULTIVALUE"

    dns_records {
      type = "SRV"
      ttl  = 10
    }
  }

  # ECS reports container health: tasks stay unhealthy until the health check passes.
  health_check_custom_config {
    failure_threshold = 1
  }

  tags = merge(var.tags, { Name = "${local.name}-backend" })
}

resource "aws_apigatewayv2_vpc_link" "this" {
  name               = "${local.name}-vpc-link"
  subnet_ids         = var.subnet_ids
  security_group_ids = var.security_group_ids

  tags = merge(var.tags, { Name = "${local.name}-vpc-link" })
}

resource "aws_apigatewayv2_api" "this" {
  name          = "${local.name}-http-api"
  protocol_type = "HTTP"
  description   = "Public entry point of the ${local.name} backend"

  dynamic "cors_configuration" {
    for_each = length(var.cors_allow_origins) > 0 ? [var.cors_allow_origins] : []
    content {
      allow_origins = cors_configuration.value
      allow_methods = ["GET", "POST", "OPTIONS"]
      allow_headers = ["authorization", "content-type"]
      max_age       = 3600
    }
  }

  tags = merge(var.tags, { Name = "${local.name}-http-api" })
}

resource "aws_apigatewayv2_integration" "this" {
  api_id                 = aws_apigatewayv2_api.this.id
  description            = "Backend tasks through the VPC Link and Cloud Map"
  integration_type       = "HTTP_PROXY"
  integration_method     = "ANY"
  integration_uri        = aws_service_discovery_service.this.arn
  connection_type        = "VPC_LINK"
  connection_id          = aws_apigatewayv2_vpc_link.this.id
  payload_format_version = "1.0"
  timeout_milliseconds   = 29000
}

# Optional JWT authorizer (Cognito or any OIDC issuer): API Gateway checks the token's
# signature, issuer, audience and expiry before a request reaches a task.
resource "aws_apigatewayv2_authorizer" "jwt" {
  count = var.jwt_issuer == null ? 0 : 1

  api_id           = aws_apigatewayv2_api.this.id
  name             = "${local.name}-jwt"
  authorizer_type  = "JWT"
  identity_sources = ["$request.header.Authorization"]

  jwt_configuration {
    issuer   = var.jwt_issuer
    audience = var.jwt_audience
  }
}

# Every path but /health; it needs a token when the authorizer is on.
resource "aws_apigatewayv2_route" "this" {
  api_id             = aws_apigatewayv2_api.this.id
  route_key          = "$default"
  target             = "integrations/${aws_apigatewayv2_integration.this.id}"
  authorization_type = var.jwt_issuer == null ? "NONE" : "JWT"
  authorizer_id      = var.jwt_issuer == null ? null : aws_apigatewayv2_authorizer.jwt[0].id
}

# /health stays public: load balancers of the world, the smoke test and uptime checks
# call it without a token, and it reveals only the version.
resource "aws_apigatewayv2_route" "health" {
  api_id             = aws_apigatewayv2_api.this.id
  route_key          = "GET /health"
  target             = "integrations/${aws_apigatewayv2_integration.this.id}"
  authorization_type = "NONE"
}

# CloudWatch Logs encrypts at rest with service keys; the access log holds no secrets.
#trivy:ignore:AVD-AWS-0017 (aws-cloudwatch-log-group-customer-key)
resource "aws_cloudwatch_log_group" "access" {
  name              = "/aws/apigateway/${local.name}-http-api"
  retention_in_days = var.log_retention_days

  tags = merge(var.tags, { Name = "/aws/apigateway/${local.name}-http-api" })
}

resource "aws_apigatewayv2_stage" "this" {
  api_id      = aws_apigatewayv2_api.this.id
  name        = "$default"
  auto_deploy = true

  default_route_settings {
    throttling_rate_limit  = var.throttling_rate_limit
    throttling_burst_limit = var.throttling_burst_limit
  }

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format = jsonencode({
      requestId          = "$context.requestId"
      requestTime        = "$context.requestTime"
      ip                 = "$context.identity.sourceIp"
      httpMethod         = "$context.httpMethod"
      path               = "$context.path"
      routeKey           = "$context.routeKey"
      protocol           = "$context.protocol"
      status             = "$context.status"
      responseLength     = "$context.responseLength"
      responseLatency    = "$context.responseLatency"
      integrationStatus  = "$context.integrationStatus"
      integrationLatency = "$context.integrationLatency"
      integrationError   = "$context.integrationErrorMessage"
    })
  }

  tags = merge(var.tags, { Name = "${local.name}-default" })
}
