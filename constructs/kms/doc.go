// Package kms provides KmsKey, a CDK for Terraform construct for a
// customer-managed AWS KMS key, and references to keys created elsewhere
// (FromKeyArn, FromAlias).
//
// With only the five original inputs set (AwsAccountId, AwsRegion, NamePrefix,
// Environment, AdditionalPrincipals) the construct synthesizes exactly what the
// original Terraform HCL module did: one aws_kms_key with rotation on, a key
// policy that delegates to IAM through the account root, lets CloudWatch Logs
// of the region use the key and lets each additional principal use it, the
// Name and Environment tags, and a kms_key_arn output. Every other field of
// KmsKeyConfig is off by default and only adds: aliases, replicas, key
// administrators and users by key type, service users, native grants,
// confused-deputy conditions, predefined roles, monitoring, migration blocks.
//
// # The construct tree
//
// NewKmsKey adds one node with the given id under the scope (Construct);
// everything the key creates is its child. The aws_kms_key has the id
// "Default", which cdktf leaves out of logical ids. Only the AWS providers for
// replica regions live in the stack itself, shared by its keys.
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
// digits, "_" or "-"). Options never change this address, except Origin: a
// key with imported key material is an aws_kms_external_key.<name> (its
// replicas aws_kms_replica_external_key), so switching Origin replaces the
// key; see TerraformName.
// The names of the other resources start with <name> (aliases
// aws_kms_alias.<name>_alias_<alias>, replicas
// aws_kms_replica_key.<name>_replica_<region>, roles
// aws_iam_role.<name>_role_<role name>, ...). MovedFrom moves the key and
// everything it owns from another name.
//
// # Names
//
// Every name the construct creates is checked before anything is added:
// Terraform addresses, outputs and provider aliases per stack, and names
// that AWS keeps per account (IAM role names, aliases per region, inline
// grant policy names) across every stack of the app. A clash is an error
// that names both sides; a check at synth catches elements added later.
//
// # References and literals
//
// Fields whose doc comment says "Takes references" accept unresolved cdktf
// tokens (for example *role.Arn()): the checks that need the concrete value
// are skipped for a token, every other check still runs. Every other string
// is a literal and reaches AWS unchanged: "${" and "%{" are escaped for
// Terraform in every argument and inside the policy JSON, and strings
// Terraform would alter (invalid UTF-8, not in Unicode NFC, a carriage return
// without a line feed) are refused.
//
// # After construction
//
// AddAlias, AddToResourcePolicy and the Grant methods (Grant, GrantActions,
// GrantEncrypt, GrantDecrypt, ...) work until the app synthesizes, validated
// like the constructor's inputs. A grantee is a Grantee: an IAM role, user
// or group resource (IamRoleGrantee, ...), or a name or ARN (RoleGrantee,
// ArnGrantee, ...; literal or reference); in the key's account the grant is
// an inline IAM policy on the grantee, in another account a key policy
// statement.
//
// # Alarms
//
// KeyAlarms watches a key's use through CloudTrail (metric filters, alarms,
// an SNS topic): the Monitoring field makes one inside the key, with the
// key's names; NewKeyAlarms makes one of its own for a key.
//
// # Keys made elsewhere
//
// FromKeyArn and FromAlias refer to a key this app does not create. Both
// it and a KmsKey are an IKey, with the same grant methods, so a function
// of yours can take either.
//
// # Validation
//
// NewKmsKey validates the whole configuration before it creates anything. On
// error it returns every problem at once (errors.Join of *FieldError values,
// each naming the field, the value and what is allowed; see FieldErrors) and
// adds nothing to the scope. The key policy it builds is checked by the
// key-policy linter: who can reach the key (wildcard principals only when
// pinned to trusted accounts, management actions to other accounts only
// with TrustedAccountIds) and that the account cannot be locked out.
// Configurations that are accepted but risky add cdktf warning annotations
// (see KmsKey.Warnings).
package kms
