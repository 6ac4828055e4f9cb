// Package stacks builds the app's Terraform stacks: one stack per
// environment of cdktf.json, named kms-<environment>, holding the AWS
// provider for the environment's region, one KmsKey (id
// general_encryption_key) and the stack's backend: local state at
// LocalStatePath by default (a path relative to the stack's folder, so that
// the synthesized JSON is the same on every machine), or S3.
//
// The environments object of cdktf.json maps onto Environment strictly
// (config.go): duplicate keys at any depth, keys in another case, unknown
// keys (reported with their path and the keys allowed there), fractions or
// out-of-range numbers where whole numbers are wanted and cdktf token markers
// are errors, as are two environments sharing an S3 state or stack names
// that differ only in case. Values from cdktf.json are data, never
// references.
package stacks
