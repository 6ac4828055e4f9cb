package kms

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func validConfig() KmsKeyConfig {
	return KmsKeyConfig{
		AwsAccountId: "123456789012",
		AwsRegion:    "eu-west-1",
		NamePrefix:   "dev",
		Environment:  "dev",
		AdditionalPrincipals: []string{
			"arn:aws:iam::123456789012:role/example-role",
			"arn:aws:iam::123456789012:role/another-role",
		},
	}
}

func TestValidConfigurationsAreAccepted(t *testing.T) {
	cases := map[string]func(*KmsKeyConfig){
		"usage example":          func(*KmsKeyConfig) {},
		"no principals":          func(c *KmsKeyConfig) { c.AdditionalPrincipals = nil },
		"account root principal": func(c *KmsKeyConfig) { c.AdditionalPrincipals = []string{"arn:aws:iam::210987654321:root"} },
		"user with path": func(c *KmsKeyConfig) {
			c.AdditionalPrincipals = []string{"arn:aws:iam::123456789012:user/team/ops/alice"}
		},
		"role with path": func(c *KmsKeyConfig) {
			c.AdditionalPrincipals = []string{"arn:aws:iam::123456789012:role/service-role/app+x=y,z.w@v-1"}
		},
		"assumed role": func(c *KmsKeyConfig) {
			c.AdditionalPrincipals = []string{"arn:aws:sts::123456789012:assumed-role/deployer/session-1"}
		},
		"china region": func(c *KmsKeyConfig) {
			c.AwsRegion = "cn-north-1"
			c.AdditionalPrincipals = []string{"arn:aws-cn:iam::123456789012:role/r"}
		},
		"govcloud region": func(c *KmsKeyConfig) {
			c.AwsRegion = "us-gov-west-1"
			c.AdditionalPrincipals = []string{"arn:aws-us-gov:iam::123456789012:role/r"}
		},
		"two-digit region number":  func(c *KmsKeyConfig) { c.AwsRegion = "ap-southeast-7" },
		"mixed case names":         func(c *KmsKeyConfig) { c.NamePrefix = "Team_A-1"; c.Environment = "QA_2" },
		"longest name prefix":      func(c *KmsKeyConfig) { c.NamePrefix = strings.Repeat("p", maxNamePrefixLen) },
		"longest environment":      func(c *KmsKeyConfig) { c.Environment = strings.Repeat("e", maxEnvironmentLen) },
		"output prefix":            func(c *KmsKeyConfig) { c.OutputPrefix = "logs" },
		"underscore output prefix": func(c *KmsKeyConfig) { c.OutputPrefix = "_k" },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			c := validConfig()
			mutate(&c)
			if err := c.Validate(); err != nil {
				t.Fatalf("Validate() = %v, want nil", err)
			}
		})
	}
}

func TestEachInvalidValueIsRefusedNamingTheField(t *testing.T) {
	cases := []struct {
		name     string
		mutate   func(*KmsKeyConfig)
		field    string // Go field name in the error
		key      string // cdktf.json key in the error
		mentions string // part of what the message must say
	}{
		{"empty account", func(c *KmsKeyConfig) { c.AwsAccountId = "" }, "AwsAccountId", "aws_account_id", "12 digits"},
		{"short account", func(c *KmsKeyConfig) { c.AwsAccountId = "12345678901" }, "AwsAccountId", "aws_account_id", "12 digits"},
		{"long account", func(c *KmsKeyConfig) { c.AwsAccountId = "1234567890123" }, "AwsAccountId", "aws_account_id", "12 digits"},
		{"letters in account", func(c *KmsKeyConfig) { c.AwsAccountId = "12345678901a" }, "AwsAccountId", "aws_account_id", "12 digits"},
		{"account with dashes", func(c *KmsKeyConfig) { c.AwsAccountId = "1234-5678-9012" }, "AwsAccountId", "aws_account_id", "12 digits"},
		{"empty region", func(c *KmsKeyConfig) { c.AwsRegion = "" }, "AwsRegion", "aws_region", "region name"},
		{"upper-case region", func(c *KmsKeyConfig) { c.AwsRegion = "EU-WEST-1" }, "AwsRegion", "aws_region", "region name"},
		{"availability zone", func(c *KmsKeyConfig) { c.AwsRegion = "eu-west-1a" }, "AwsRegion", "aws_region", "region name"},
		{"region without number", func(c *KmsKeyConfig) { c.AwsRegion = "eu-west" }, "AwsRegion", "aws_region", "region name"},
		{"misspelt direction", func(c *KmsKeyConfig) { c.AwsRegion = "eu-wset-1" }, "AwsRegion", "aws_region", "region name"},
		{"unknown geography", func(c *KmsKeyConfig) { c.AwsRegion = "xx-west-1" }, "AwsRegion", "aws_region", "prefix one of"},
		{"region with spaces", func(c *KmsKeyConfig) { c.AwsRegion = " eu-west-1" }, "AwsRegion", "aws_region", "region name"},
		{"empty name prefix", func(c *KmsKeyConfig) { c.NamePrefix = "" }, "NamePrefix", "name_prefix", "empty value: required"},
		{"name prefix with space", func(c *KmsKeyConfig) { c.NamePrefix = "my app" }, "NamePrefix", "name_prefix", "letters, digits, - and _"},
		{"name prefix with slash", func(c *KmsKeyConfig) { c.NamePrefix = "team/app" }, "NamePrefix", "name_prefix", "letters, digits, - and _"},
		{"name prefix starting with dash", func(c *KmsKeyConfig) { c.NamePrefix = "-dev" }, "NamePrefix", "name_prefix", "start with a letter or digit"},
		{"name prefix too long", func(c *KmsKeyConfig) { c.NamePrefix = strings.Repeat("p", maxNamePrefixLen+1) }, "NamePrefix", "name_prefix", "at most 233"},
		{"empty environment", func(c *KmsKeyConfig) { c.Environment = "" }, "Environment", "environment", "required"},
		{"environment with dot", func(c *KmsKeyConfig) { c.Environment = "dev.1" }, "Environment", "environment", "letters, digits, - and _"},
		{"environment too long", func(c *KmsKeyConfig) { c.Environment = strings.Repeat("e", 65) }, "Environment", "environment", "at most 64"},
		{"wildcard principal", func(c *KmsKeyConfig) { c.AdditionalPrincipals = []string{"*"} }, "AdditionalPrincipals[0]", "additional_principals[0]", "wildcards"},
		{"wildcard in role name", func(c *KmsKeyConfig) { c.AdditionalPrincipals = []string{"arn:aws:iam::123456789012:role/app-*"} }, "AdditionalPrincipals[0]", "additional_principals[0]", "wildcards"},
		{"question mark wildcard", func(c *KmsKeyConfig) { c.AdditionalPrincipals = []string{"arn:aws:iam::123456789012:user/b?b"} }, "AdditionalPrincipals[0]", "additional_principals[0]", "wildcards"},
		{"not an arn", func(c *KmsKeyConfig) { c.AdditionalPrincipals = []string{"example-role"} }, "AdditionalPrincipals[0]", "additional_principals[0]", "IAM or STS ARN"},
		{"bare account id", func(c *KmsKeyConfig) { c.AdditionalPrincipals = []string{"123456789012"} }, "AdditionalPrincipals[0]", "additional_principals[0]", "IAM or STS ARN"},
		{"s3 arn", func(c *KmsKeyConfig) { c.AdditionalPrincipals = []string{"arn:aws:s3:::bucket"} }, "AdditionalPrincipals[0]", "additional_principals[0]", "IAM or STS ARN"},
		{"iam group", func(c *KmsKeyConfig) { c.AdditionalPrincipals = []string{"arn:aws:iam::123456789012:group/admins"} }, "AdditionalPrincipals[0]", "additional_principals[0]", "IAM or STS ARN"},
		{"iam arn with region", func(c *KmsKeyConfig) { c.AdditionalPrincipals = []string{"arn:aws:iam:eu-west-1:123456789012:role/r"} }, "AdditionalPrincipals[0]", "additional_principals[0]", "IAM or STS ARN"},
		{"short account in arn", func(c *KmsKeyConfig) { c.AdditionalPrincipals = []string{"arn:aws:iam::12345:role/r"} }, "AdditionalPrincipals[0]", "additional_principals[0]", "12 digits"},
		{"role without name", func(c *KmsKeyConfig) { c.AdditionalPrincipals = []string{"arn:aws:iam::123456789012:role/"} }, "AdditionalPrincipals[0]", "additional_principals[0]", "IAM or STS ARN"},
		{"role name too long", func(c *KmsKeyConfig) {
			c.AdditionalPrincipals = []string{"arn:aws:iam::123456789012:role/" + strings.Repeat("r", 65)}
		}, "AdditionalPrincipals[0]", "additional_principals[0]", "IAM or STS ARN"},
		{"assumed role without session", func(c *KmsKeyConfig) {
			c.AdditionalPrincipals = []string{"arn:aws:sts::123456789012:assumed-role/deployer"}
		}, "AdditionalPrincipals[0]", "additional_principals[0]", "IAM or STS ARN"},
		{"sts role", func(c *KmsKeyConfig) { c.AdditionalPrincipals = []string{"arn:aws:sts::123456789012:role/deployer"} }, "AdditionalPrincipals[0]", "additional_principals[0]", "IAM or STS ARN"},
		{"other partition", func(c *KmsKeyConfig) { c.AdditionalPrincipals = []string{"arn:aws-cn:iam::123456789012:role/r"} }, "AdditionalPrincipals[0]", "additional_principals[0]", `partition "aws"`},
		{"commercial principal in china", func(c *KmsKeyConfig) {
			c.AwsRegion = "cn-northwest-1"
			c.AdditionalPrincipals = c.AdditionalPrincipals[:1]
		}, "AdditionalPrincipals[0]", "additional_principals[0]", `partition "aws-cn"`},
		{"second principal bad", func(c *KmsKeyConfig) { c.AdditionalPrincipals[1] = "arn:aws:iam::123456789012:role/*" }, "AdditionalPrincipals[1]", "additional_principals[1]", "wildcards"},
		{"duplicate principal", func(c *KmsKeyConfig) { c.AdditionalPrincipals[1] = c.AdditionalPrincipals[0] }, "AdditionalPrincipals[1]", "additional_principals[1]", "duplicates additional_principals[0]"},
		{"bad output prefix", func(c *KmsKeyConfig) { c.OutputPrefix = "key arn" }, "OutputPrefix", "output_prefix", "Terraform name"},
		{"output prefix starting with digit", func(c *KmsKeyConfig) { c.OutputPrefix = "1kms" }, "OutputPrefix", "output_prefix", "Terraform name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := validConfig()
			tc.mutate(&c)
			err := c.Validate()
			if err == nil {
				t.Fatalf("Validate() = nil, want an error for %s", tc.field)
			}
			fes := FieldErrors(err)
			if len(fes) != 1 {
				t.Fatalf("want exactly one field error, got %d: %v", len(fes), err)
			}
			fe := fes[0]
			if fe.Field != tc.field || fe.Key != tc.key {
				t.Errorf("error names %s (%s), want %s (%s): %v", fe.Field, fe.Key, tc.field, tc.key, err)
			}
			if !strings.HasPrefix(err.Error(), tc.field+": ") {
				t.Errorf("message %q does not start with the field name %s", err, tc.field)
			}
			if !strings.HasPrefix(fe.ConfigError(), tc.key+": ") {
				t.Errorf("config message %q does not start with the key %s", fe.ConfigError(), tc.key)
			}
			if !strings.Contains(err.Error(), tc.mentions) {
				t.Errorf("message %q does not say %q", err, tc.mentions)
			}
		})
	}
}

func TestAllProblemsAreReportedAtOnce(t *testing.T) {
	c := KmsKeyConfig{
		AwsAccountId:         "42",
		AwsRegion:            "mars-1",
		NamePrefix:           "",
		Environment:          "has space",
		AdditionalPrincipals: []string{"*", "arn:aws:iam::123456789012:role/ok", "nope"},
	}
	got := map[string]bool{}
	for _, fe := range FieldErrors(c.Validate()) {
		got[fe.Field] = true
	}
	for _, want := range []string{"AwsAccountId", "AwsRegion", "NamePrefix", "Environment", "AdditionalPrincipals[0]", "AdditionalPrincipals[2]"} {
		if !got[want] {
			t.Errorf("no error for %s; got %v", want, got)
		}
	}
	if got["AdditionalPrincipals[1]"] {
		t.Errorf("the valid principal was reported")
	}
}

func TestValueIsQuotedInTheMessage(t *testing.T) {
	c := validConfig()
	c.AwsAccountId = "1234"
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), `"1234"`) {
		t.Fatalf("message %v does not show the value", err)
	}
}

func TestNilConfigIsRefused(t *testing.T) {
	var c *KmsKeyConfig
	var fe *FieldError
	if err := c.Validate(); !errors.As(err, &fe) {
		t.Fatalf("Validate() on nil = %v, want a *FieldError", err)
	}
}

// principalsOfLength returns n distinct role ARNs.
func principalsOfLength(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("arn:aws:iam::123456789012:role/application-role-with-a-long-name-%04d", i)
	}
	return out
}

func TestPolicySizeLimit(t *testing.T) {
	// Find the largest number of principals that fits by rendering, then
	// check that it is accepted and one more is refused with that number.
	c := validConfig()
	fit := 0
	for n := 1; ; n++ {
		c.AdditionalPrincipals = principalsOfLength(n)
		s, err := c.policyDocument("aws").render()
		if err != nil {
			t.Fatal(err)
		}
		if len(s) > MaxKeyPolicyBytes {
			break
		}
		fit = n
	}
	if fit < 100 || fit > 300 {
		t.Fatalf("%d principals fit in 32 KB; expected a few hundred for ~180-byte statements", fit)
	}

	c.AdditionalPrincipals = principalsOfLength(fit)
	if err := c.Validate(); err != nil {
		t.Fatalf("%d principals (policy at the limit) refused: %v", fit, err)
	}

	c.AdditionalPrincipals = principalsOfLength(fit + 40)
	err := c.Validate()
	if err == nil {
		t.Fatalf("%d principals accepted, want the size error", fit+40)
	}
	msg := err.Error()
	for _, want := range []string{"AdditionalPrincipals", fmt.Sprintf("%d principals", fit+40), "32768", fmt.Sprintf("%d of them fit", fit)} {
		if !strings.Contains(msg, want) {
			t.Errorf("size error %q does not say %q", msg, want)
		}
	}
}

func TestPartitionOf(t *testing.T) {
	cases := map[string]string{
		"eu-west-1":      "aws",
		"us-east-1":      "aws",
		"ap-southeast-7": "aws",
		"il-central-1":   "aws",
		"mx-central-1":   "aws",
		"cn-north-1":     "aws-cn",
		"cn-northwest-1": "aws-cn",
		"us-gov-west-1":  "aws-us-gov",
		"us-gov-east-1":  "aws-us-gov",
		"us-iso-east-1":  "aws-iso",
		"us-isob-east-1": "aws-iso-b",
	}
	for region, want := range cases {
		if got, ok := PartitionOf(region); !ok || got != want {
			t.Errorf("PartitionOf(%q) = %q, %v; want %q", region, got, ok, want)
		}
	}
	for _, bad := range []string{"", "eu", "eu-west", "eu-west-0", "eu-west-100", "EU-WEST-1", "gov-west-1", "us-gov-1"} {
		if got, ok := PartitionOf(bad); ok {
			t.Errorf("PartitionOf(%q) = %q, want not a region", bad, got)
		}
	}
}
