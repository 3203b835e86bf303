output "oidc_provider_arn" {
  description = "ARN of the account's OIDC provider for token.actions.githubusercontent.com."
  value       = local.oidc_provider_arn
}

output "plan_role_arn" {
  description = "Role for pull-request plans: set it as the repository variable AWS_PLAN_ROLE_ARN."
  value       = aws_iam_role.this["plan"].arn
}

output "readonly_role_arn" {
  description = "Read-only role for drift checks and manual plans (GitHub environment readonly_environment): set it as the repository variable AWS_READONLY_ROLE_ARN."
  value       = aws_iam_role.this["readonly"].arn
}

output "deploy_role_arns" {
  description = "Deploy role per environment: set each as the variable AWS_DEPLOY_ROLE_ARN of the GitHub environment of the same name."
  value       = { for e in local.environments : e => aws_iam_role.this["deploy-${e}"].arn }
}

output "subjects" {
  description = "The token subjects each role trusts, by role key (the plan role's hold the pull request number's wildcard when pin_workflows is on)."
  value       = local.subjects
}

output "oidc_subject_claim_keys" {
  description = "The repository's OIDC subject template these subjects need: set it with the command in the README (\"Pinning the workflow\") before applying; null when pin_workflows is off (GitHub's default template)."
  value       = var.pin_workflows ? ["repo", "context", "job_workflow_ref"] : null
}

output "state_bucket_name" {
  description = "The state bucket of infra/ the roles may use."
  value       = local.state_bucket
}

output "app_permissions_boundaries" {
  description = "Permissions boundary policy name per environment: infra/'s app_permissions_boundary in envs/<env>.tfvars must name it."
  value       = { for e, p in aws_iam_policy.boundary : e => p.name }
}
