mock_provider "aws" {}

variables {
  environment = "prod"
}

run "repository_is_immutable_scanned_and_pruned" {
  command = plan

  assert {
    condition     = aws_ecr_repository.this.name == "predictor-model-prod-backend"
    error_message = "the repository is named predictor-model-<env>-backend."
  }
  assert {
    condition     = aws_ecr_repository.this.image_tag_mutability == "IMMUTABLE"
    error_message = "tags are immutable."
  }
  assert {
    condition     = aws_ecr_repository.this.image_scanning_configuration[0].scan_on_push
    error_message = "images are scanned on push."
  }
  assert {
    condition     = jsondecode(aws_ecr_lifecycle_policy.this.policy).rules[1].selection.countNumber == 20 && jsondecode(aws_ecr_lifecycle_policy.this.policy).rules[1].selection.tagStatus == "any"
    error_message = "the lifecycle policy keeps the newest keep_images images."
  }
  assert {
    condition     = aws_ecr_repository.this.force_delete == false
    error_message = "the repository is protected by default."
  }
}

run "keep_images_is_configurable" {
  command = plan

  variables {
    keep_images = 5
  }

  assert {
    condition     = jsondecode(aws_ecr_lifecycle_policy.this.policy).rules[1].selection.countNumber == 5
    error_message = "keep_images sets the count."
  }
}

run "malformed_environment_is_rejected" {
  command = plan

  variables {
    environment = "QA_nope"
  }

  expect_failures = [var.environment]
}

run "zero_keep_images_is_rejected" {
  command = plan

  variables {
    keep_images = 0
  }

  expect_failures = [var.keep_images]
}
