// Package iam is cdktf-kms's one model of AWS IAM: ARNs and IAM names
// (arn.go), policy documents with every element of the policy grammar
// (policy.go), IAM's matching of actions, resources and condition values
// (match.go, condition.go), and the evaluator that decides a request to a
// KMS key from the key policy, the principal's IAM policies, its
// permissions boundary and the key's native grants (evaluate.go). The
// construct's validation, the key-policy linter, the grants and the access
// report all read policies and ask questions through it.
package iam
