# The infra/ contract destroy relies on: the two bucket outputs.

# No force_destroy, like infra/modules/s3: terraform cannot delete them while they
# hold anything, so destroy has to empty them first.
resource "aws_s3_bucket" "this" {
  for_each = toset(["files", "data"])
  bucket   = "destroy-${var.environment}-${each.key}"
}

resource "aws_s3_bucket_versioning" "this" {
  for_each = aws_s3_bucket.this
  bucket   = each.value.id
  versioning_configuration {
    status = "Enabled"
  }
}
