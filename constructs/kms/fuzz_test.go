package kms_test

import (
	"strings"
	"testing"

	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
	"github.com/cdktf-kms/cdktf-kms/internal/policylint"
	"github.com/cdktf-kms/cdktf-kms/internal/testutil/synthtest"
	"github.com/cdktf-kms/cdktf-kms/internal/tfrender"
	"github.com/cdktf-kms/cdktf-kms/internal/tftemplate"
)

// FuzzNewKmsKey builds a key from fuzzed values in the places users put
// strings (a principal, the description, an alias, a tag value, an extra
// statement's condition, the region): NewKmsKey either returns an error, or
// a key whose policy the linter accepts and whose synthesized policy and
// description evaluate (as Terraform evaluates templates) to exactly what
// the construct rendered. It never panics.
func FuzzNewKmsKey(f *testing.F) {
	f.Add("arn:aws:iam::123456789012:role/app", "General key", "app", "platform", "${aws:username}", "eu-west-1")
	f.Add("arn:aws:iam::123456789012:role/${x}/%{y}/r", "desc ${upper(\"x\")} %{ if true }y%{ endif } $", "a/b_c", "v", "$${z}", "cn-north-1")
	f.Add("arn:aws:iam::999999999999:root", "q\"\\\n", "alias/aws/x", "T-${TfToken[TOKEN.1]}", "%%{", "us-isob-east-1")
	f.Add("*", "e\u0301", "", "", "", "xx-west-1")
	f.Fuzz(func(t *testing.T, principal, description, alias, tagValue, condition, region string) {
		cfg := usageExample()
		cfg.AwsRegion = region
		cfg.AdditionalPrincipals = []string{principal}
		cfg.Description = description
		cfg.Aliases = []string{alias}
		cfg.Tags = map[string]string{"Team": tagValue}
		cfg.ExtraPolicyStatements = []kms.PolicyStatement{{
			Effect:    "Allow",
			Principal: map[string]kms.OneOrMany{"AWS": {"arn:aws:iam::123456789012:role/reader"}},
			Action:    kms.OneOrMany{"kms:Decrypt"},
			Resource:  kms.OneOrMany{"*"},
			Condition: map[string]map[string]any{"StringEquals": {"kms:EncryptionContext:user": condition}},
		}}
		k, err := kms.NewKmsKey(synthtest.NewStack(t), "fuzz", cfg)
		if err != nil {
			if len(kms.FieldErrors(err)) == 0 {
				t.Fatalf("an error without a field: %v", err)
			}
			return
		}
		rendered := k.Policy().Render()
		if tftemplate.IsUnresolved(rendered) {
			return // a token in the input: its value is not known here
		}
		if findings := policylint.Lint(rendered, policylint.Context{Partition: k.Partition(), Account: cfg.AwsAccountId}); len(findings) != 0 {
			t.Fatalf("the linter refuses a policy the construct accepted: %v\n%s", findings, rendered)
		}
		for name, pair := range map[string][2]string{
			"policy":      {*k.Key().PolicyInput(), rendered},
			"description": {*k.Key().DescriptionInput(), description},
		} {
			got, err := tfrender.Evaluate(pair[0], tftemplate.JSON)
			if err != nil {
				t.Fatalf("the synthesized %s is not a template Terraform reads: %v\n%s", name, err, pair[0])
			}
			if name == "description" && pair[1] == "" {
				continue
			}
			if got != pair[1] {
				t.Fatalf("Terraform would send another %s than the construct rendered:\n got  %q\n want %q", name, got, pair[1])
			}
		}
		if strings.Contains(*k.Key().PolicyInput(), "TfToken") {
			t.Fatalf("a token marker reached the policy: %s", *k.Key().PolicyInput())
		}
	})
}
