# The original module's one resource (SPEC section 2).

resource "aws_kms_key" "general_encryption_key" {
  description         = "General KMS key for encrypting CloudWatch logs, S3 buckets, and other resources"
  enable_key_rotation = true

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          Effect = "Allow"
          Principal = {
            AWS = "arn:aws:iam::${var.aws_account_id}:root"
          }
          Action   = "kms:*"
          Resource = "*"
        },
        {
          Effect = "Allow"
          Principal = {
            Service = "logs.${var.aws_region}.amazonaws.com"
          }
          Action = [
            "kms:Encrypt",
            "kms:Decrypt",
            "kms:ReEncryptFrom",
            "kms:ReEncryptTo",
            "kms:GenerateDataKey*",
            "kms:DescribeKey"
          ]
          Resource = "*"
        }
      ],
      [
        for principal in var.additional_principals : {
          Effect = "Allow"
          Principal = {
            AWS = principal
          }
          Action = [
            "kms:Encrypt",
            "kms:Decrypt",
            "kms:ReEncryptFrom",
            "kms:ReEncryptTo",
            "kms:GenerateDataKey*",
            "kms:DescribeKey"
          ]
          Resource = "*"
        }
      ]
    )
  })

  tags = {
    Name        = "${var.name_prefix}-general-encryption-key"
    Environment = var.environment
  }
}
