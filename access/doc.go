// Package access builds the app's access report (go run . -access): who
// can do what with each KMS key of a set of synthesized stacks, from the key
// policies, the IAM policies the stacks create and the native grants, with
// its text, Markdown, JSON and diff forms. It reads the Terraform JSON the
// app synthesizes, never the configuration, so it cannot disagree with what
// AWS receives. It is a feature of the app, above the stacks and the
// construct: docs/access/README.md describes the report.
package access
