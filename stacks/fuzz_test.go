package stacks

import (
	"strings"
	"testing"
)

// FuzzParseEnvironments feeds the cdktf.json reader arbitrary bytes: it
// must return environments that validate again, or an error whose lines are
// readable (each names what is wrong and none echoes a huge value), and
// never panic.
func FuzzParseEnvironments(f *testing.F) {
	for _, seed := range []string{
		`{"dev": ` + devEnv + `}`,
		`{"dev": ` + devEnv + `, "dev": ` + devEnv + `}`,
		`{"dev": {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "dev", "monitoring": {"cloudtrail_log_group_name": "t", "evaluation_periods": 307445734561825861, "period_seconds": 60}}}`,
		`{"dev": {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "dev", "extra_policy_statements": [{"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*", "Condition": {"Null": {"aws:PrincipalArn": "false"}}}]}}`,
		`{"dev": {"aws_account_id": "123456789012", "aws_region": "cn-north-1", "name_prefix": "dev", "additional_principals": ["arn:aws-cn:iam::123456789012:role/${x}"], "tags": {"A": "T-${TfToken[TOKEN.1]}"}}}`,
		`{"a": {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "a", "backend": {"s3": {"bucket": "b-bucket", "key": "k"}}}, "A": {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "a", "backend": {"s3": {"bucket": "b-bucket", "key": "k"}}}}`,
		`[]`, `{}`, `{"dev": 1}`, `{"dev": {"deletion_window_in_days": 7.5}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		envs, err := ParseEnvironments(data)
		if err != nil {
			for _, line := range ErrorLines(err) {
				if strings.TrimSpace(line) == "" {
					t.Fatalf("an empty error line in %q", err)
				}
				if len(line) > 2000 {
					t.Fatalf("an error line of %d bytes: values must be cut", len(line))
				}
			}
			return
		}
		if len(envs) == 0 {
			t.Fatal("no error and no environment")
		}
		for _, e := range envs {
			if err := e.Validate(); err != nil {
				t.Fatalf("environment %s was returned but does not validate: %v", e.Name, err)
			}
		}
	})
}
