# The original module's inputs (SPEC section 2). Kept here, unchanged, as the
# reference that __tests__/equivalence_test.go evaluates.

variable "aws_account_id" {
  description = "AWS account ID"
  type        = string
}

variable "aws_region" {
  description = "AWS region"
  type        = string
}

variable "name_prefix" {
  description = "Prefix for resource names"
  type        = string
}

variable "environment" {
  description = "Environment name"
  type        = string
}

variable "additional_principals" {
  description = "Additional IAM principals (ARNs) allowed to use the key"
  type        = list(string)
  default     = []
}
