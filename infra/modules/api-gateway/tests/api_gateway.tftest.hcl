mock_provider "aws" {
  # The stage validates its access log destination as an ARN.
  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/apigateway/predictor-model-dev-http-api"
    }
  }
}

variables {
  environment            = "dev"
  vpc_id                 = "vpc-0a"
  subnet_ids             = ["subnet-0a", "subnet-0b"]
  security_group_ids     = ["sg-0a"]
  cors_allow_origins     = ["http://localhost:3000"]
  throttling_rate_limit  = 20
  throttling_burst_limit = 40
  log_retention_days     = 14
}

run "http_api_reaches_cloud_map_through_the_vpc_link" {
  command = plan

  assert {
    condition     = aws_apigatewayv2_api.this.name == "predictor-model-dev-http-api" && aws_apigatewayv2_api.this.protocol_type == "HTTP"
    error_message = "an HTTP API named predictor-model-<env>-http-api."
  }
  assert {
    condition     = aws_apigatewayv2_vpc_link.this.name == "predictor-model-dev-vpc-link" && aws_apigatewayv2_vpc_link.this.security_group_ids == toset(["sg-0a"])
    error_message = "the VPC Link uses the given group."
  }
  assert {
    condition     = aws_apigatewayv2_integration.this.connection_type == "VPC_LINK" && aws_apigatewayv2_integration.this.integration_type == "HTTP_PROXY"
    error_message = "the integration is an HTTP proxy through the VPC Link (no load balancer)."
  }
  assert {
    condition     = aws_service_discovery_private_dns_namespace.this.name == "predictor-model-dev.internal"
    error_message = "the Cloud Map namespace is predictor-model-<env>.internal."
  }
  assert {
    condition     = one(one(aws_service_discovery_service.this.dns_config).dns_records).type == "SRV"
    error_message = "Cloud Map registers SRV records (IP and port) for the integration."
  }
  assert {
    condition     = aws_apigatewayv2_route.this.route_key == "$default"
    error_message = "one $default route."
  }
  assert {
    condition     = aws_apigatewayv2_stage.this.name == "$default" && aws_apigatewayv2_stage.this.auto_deploy
    error_message = "a $default stage with auto-deploy."
  }
  assert {
    condition     = aws_apigatewayv2_stage.this.default_route_settings[0].throttling_rate_limit == 20 && aws_apigatewayv2_stage.this.default_route_settings[0].throttling_burst_limit == 40
    error_message = "default route throttling."
  }
  assert {
    condition     = jsondecode(one(aws_apigatewayv2_stage.this.access_log_settings).format).requestId == "$context.requestId"
    error_message = "access logs are JSON."
  }
  assert {
    condition     = aws_cloudwatch_log_group.access.name == "/aws/apigateway/predictor-model-dev-http-api" && aws_cloudwatch_log_group.access.retention_in_days == 14
    error_message = "the access log group has the given retention."
  }
  assert {
    condition     = one(aws_apigatewayv2_api.this.cors_configuration).allow_origins == toset(["http://localhost:3000"])
    error_message = "CORS allows the environment's origins."
  }
}

run "no_origins_means_no_cors" {
  command = plan

  variables {
    cors_allow_origins = []
  }

  assert {
    condition     = length(aws_apigatewayv2_api.this.cors_configuration) == 0
    error_message = "no CORS configuration without origins."
  }
}

run "malformed_environment_is_rejected" {
  command = plan

  variables {
    environment = "QA_nope"
  }

  expect_failures = [var.environment]
}

run "origin_with_path_is_rejected" {
  command = plan

  variables {
    cors_allow_origins = ["https://app.example.com/path"]
  }

  expect_failures = [var.cors_allow_origins]
}

run "bad_retention_is_rejected" {
  command = plan

  variables {
    log_retention_days = 0
  }

  expect_failures = [var.log_retention_days]
}

run "without_issuer_the_api_has_no_authorizer" {
  command = apply

  assert {
    condition     = length(aws_apigatewayv2_authorizer.jwt) == 0 && output.authorizer_id == null
    error_message = "no JWT authorizer without jwt_issuer (dev and local)."
  }
  assert {
    condition     = aws_apigatewayv2_route.this.authorization_type == "NONE" && aws_apigatewayv2_route.this.authorizer_id == null
    error_message = "the $default route is open without jwt_issuer."
  }
  assert {
    condition     = aws_apigatewayv2_route.health.route_key == "GET /health" && aws_apigatewayv2_route.health.authorization_type == "NONE"
    error_message = "GET /health has its own public route."
  }
}

run "with_issuer_every_route_but_health_needs_a_jwt" {
  command = apply

  variables {
    jwt_issuer   = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc"
    jwt_audience = ["client-1"]
  }

  assert {
    condition     = aws_apigatewayv2_authorizer.jwt[0].authorizer_type == "JWT" && aws_apigatewayv2_authorizer.jwt[0].identity_sources == toset(["$request.header.Authorization"])
    error_message = "a JWT authorizer reading the Authorization header."
  }
  assert {
    condition     = one(aws_apigatewayv2_authorizer.jwt[0].jwt_configuration).issuer == "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc" && one(aws_apigatewayv2_authorizer.jwt[0].jwt_configuration).audience == toset(["client-1"])
    error_message = "the authorizer checks the given issuer and audience."
  }
  assert {
    condition     = aws_apigatewayv2_route.this.authorization_type == "JWT" && aws_apigatewayv2_route.this.authorizer_id == aws_apigatewayv2_authorizer.jwt[0].id && output.authorizer_id == aws_apigatewayv2_authorizer.jwt[0].id
    error_message = "the $default route (every path but /health) requires a JWT."
  }
  assert {
    condition     = aws_apigatewayv2_route.health.route_key == "GET /health" && aws_apigatewayv2_route.health.authorization_type == "NONE" && aws_apigatewayv2_route.health.authorizer_id == null
    error_message = "GET /health stays public with the authorizer on (smoke test, uptime checks)."
  }
  assert {
    condition     = aws_apigatewayv2_route.health.target == aws_apigatewayv2_route.this.target
    error_message = "GET /health reaches the same integration."
  }
}

run "issuer_without_audience_is_rejected" {
  command = plan

  variables {
    jwt_issuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc"
  }

  expect_failures = [var.jwt_audience]
}

run "plain_http_issuer_is_rejected" {
  command = plan

  variables {
    jwt_issuer   = "http://issuer.example.com"
    jwt_audience = ["client-1"]
  }

  expect_failures = [var.jwt_issuer]
}
