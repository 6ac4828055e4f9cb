// Package kms provides KmsKey, a CDK for Terraform construct for a
// customer-managed AWS KMS key for general encryption (CloudWatch Logs, S3 and
// other services).
//
// With only the five original inputs set (AwsAccountId, AwsRegion, NamePrefix,
// Environment, AdditionalPrincipals) the construct synthesizes exactly what the
// original Terraform HCL module did: one aws_kms_key with rotation on, a key
// policy that delegates to IAM through the account root, lets CloudWatch Logs
// of the region use the key and lets each additional principal use it, the
// Name and Environment tags, and a kms_key_arn output.
//
// # Terraform addresses
//
// A KMS key's Terraform address identifies real state: when it changes,
// Terraform destroys the key and creates a new one, and data encrypted under
// the destroyed key is lost after its deletion window. The construct therefore
// does not use cdktf's hashed logical ids. The key is always at
//
//	aws_kms_key.<name>
//
// where <name> is the construct's path below its stack with "/" replaced by
// "_": NewKmsKey(stack, "general_encryption_key", ...) gives
// aws_kms_key.general_encryption_key, and a KmsKey with id "kms" inside a
// construct "platform" gives aws_kms_key.platform_kms. Every id on that path
// must be a valid Terraform name (a letter or "_" first, then letters,
// digits, "_" or "-"). Options never change this address; see TerraformName.
//
// The other resources' names start with the key's: aliases are
// aws_kms_alias.<name>_alias_<alias>, roles aws_iam_role.<name>_role_<role
// name>, monitoring resources <name>_<alarm>. Outputs are named
// <OutputPrefix>_key_arn (kms_key_arn by default), ...
//
// # Beyond the original module
//
// Every other field of KmsKeyConfig is off by default: aliases, key options
// (description, deletion window, rotation period, key spec and usage,
// multi-Region, tags), service principals and key administrators in the key
// policy, the lockout-check bypass as an explicit opt-in, prevent_destroy,
// moved and import blocks for migrating from the HCL module, predefined
// least-privilege IAM roles (Roles) and grants on existing roles
// (KmsKey.Grant*), key-usage monitoring with CloudWatch alarms
// (Monitoring), and extra key policy statements.
//
// # Validation
//
// NewKmsKey validates the whole configuration before it creates anything. On
// error it returns every problem at once (errors.Join of *FieldError values,
// each naming the field, the value and what is allowed) and adds nothing to
// the scope.
package kms
