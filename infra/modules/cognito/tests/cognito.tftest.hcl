mock_provider "aws" {
  mock_resource "aws_cognito_user_pool" {
    defaults = {
      id       = "us-east-1_Abc"
      endpoint = "cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc"
    }
  }
}

variables {
  environment = "prod"
}

run "invitation_only_pool_and_a_public_web_client" {
  command = apply

  assert {
    condition     = aws_cognito_user_pool.this.name == "predictor-model-prod-users" && one(aws_cognito_user_pool.this.admin_create_user_config).allow_admin_create_user_only
    error_message = "the pool is predictor-model-<env>-users and has no self sign-up."
  }
  assert {
    condition     = one(aws_cognito_user_pool.this.password_policy).minimum_length >= 12
    error_message = "passwords of at least 12 characters."
  }
  assert {
    condition     = aws_cognito_user_pool_client.this.generate_secret == false && toset(aws_cognito_user_pool_client.this.explicit_auth_flows) == toset(["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    error_message = "a browser client: no secret, SRP and refresh only (no plain password flow)."
  }
  assert {
    condition     = output.issuer == "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc" && output.user_pool_id == "us-east-1_Abc"
    error_message = "the issuer is https://<pool endpoint>."
  }
  assert {
    condition     = aws_cognito_user_pool_client.this.access_token_validity == 60
    error_message = "access tokens last access_token_minutes."
  }
}

run "bad_token_lifetime_is_rejected" {
  command = plan

  variables {
    access_token_minutes = 2
  }

  expect_failures = [var.access_token_minutes]
}
