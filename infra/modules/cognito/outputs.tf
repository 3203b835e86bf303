output "user_pool_id" {
  description = "ID of the user pool (Amplify Auth's userPoolId)."
  value       = aws_cognito_user_pool.this.id
}

output "client_id" {
  description = "ID of the web app client (Amplify Auth's userPoolClientId; the audience the API accepts)."
  value       = aws_cognito_user_pool_client.this.id
}

output "issuer" {
  description = "Issuer URL of the pool's tokens (https://cognito-idp.<region>.amazonaws.com/<pool id>), for the API's JWT authorizer."
  value       = "https://${aws_cognito_user_pool.this.endpoint}"
}
