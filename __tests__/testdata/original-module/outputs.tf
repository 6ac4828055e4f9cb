output "kms_key_arn" {
  value       = aws_kms_key.general_encryption_key.arn
}
