// Package simcheck holds the access report's independent check: its tests
// synthesize the shipped stacks, security/all-features.json,
// examples/environments and generated random environments, take generated
// hand-written Terraform JSON stacks as they are, build the report, and
// decide every cell again with the IAM policy simulator
// @cloud-copilot/iam-simulate (internal/testutil/iamsim, run with node; pinned in
// package.json and installed by npm ci). See docs/access/README.md for
// what the check covers and what it does not.
package simcheck
