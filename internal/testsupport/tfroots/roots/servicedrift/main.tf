# The infra/ contract drift relies on: the service outputs (service_outputs.tf).

# One resource, so that the test can also drift the infrastructure itself.
resource "aws_s3_bucket" "this" {
  bucket = "servicedrift-${var.environment}-files"
}
