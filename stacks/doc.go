// Package stacks builds the app's Terraform stacks: one stack per
// environment of cdktf.json, named kms-<environment>, holding the AWS
// provider for the environment's region, one KmsKey and the stack's backend.
//
// The environments object of cdktf.json maps onto Environment in this
// package's config.go, strictly: an unknown key is an error, never ignored.
package stacks
