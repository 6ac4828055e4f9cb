package kms

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// stmts parses statements written as JSON.
func stmts(raw ...string) []PolicyStatement {
	out := make([]PolicyStatement, len(raw))
	for i, r := range raw {
		s, err := ParsePolicyStatement(r)
		if err != nil {
			panic(fmt.Sprintf("test statement %d: %v", i, err))
		}
		out[i] = s
	}
	return out
}

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
		"two-digit region number":         func(c *KmsKeyConfig) { c.AwsRegion = "ap-southeast-7" },
		"mixed case names":                func(c *KmsKeyConfig) { c.NamePrefix = "Team_A-1"; c.Environment = "QA_2" },
		"longest name prefix":             func(c *KmsKeyConfig) { c.NamePrefix = strings.Repeat("p", maxNamePrefixLen) },
		"longest environment":             func(c *KmsKeyConfig) { c.Environment = strings.Repeat("e", maxEnvironmentLen) },
		"output prefix":                   func(c *KmsKeyConfig) { c.OutputPrefix = "logs" },
		"aliases with and without prefix": func(c *KmsKeyConfig) { c.Aliases = []string{"dev-key", "alias/team/app_key-1"} },
		"longest alias":                   func(c *KmsKeyConfig) { c.Aliases = []string{strings.Repeat("a", 250)} },
		"key options": func(c *KmsKeyConfig) {
			c.Description = "d"
			c.DeletionWindowInDays = 7
			c.RotationPeriodInDays = 2560
			c.MultiRegion = true
			c.IsEnabled = new(bool)
		},
		"rotation stated on": func(c *KmsKeyConfig) { on := true; c.EnableKeyRotation = &on },
		"hmac key":           func(c *KmsKeyConfig) { c.KeyUsage = "GENERATE_VERIFY_MAC"; c.CustomerMasterKeySpec = "HMAC_256" },
		"rsa signing, rotation off stated": func(c *KmsKeyConfig) {
			off := false
			c.KeyUsage, c.CustomerMasterKeySpec, c.EnableKeyRotation = "SIGN_VERIFY", "RSA_4096", &off
		},
		"rsa encryption without usage": func(c *KmsKeyConfig) { c.CustomerMasterKeySpec = "RSA_2048" },
		"ecc key agreement":            func(c *KmsKeyConfig) { c.KeyUsage, c.CustomerMasterKeySpec = "KEY_AGREEMENT", "ECC_NIST_P384" },
		"sm2 in china": func(c *KmsKeyConfig) {
			c.AwsRegion, c.AdditionalPrincipals, c.CustomerMasterKeySpec, c.KeyUsage = "cn-north-1", nil, "SM2", "SIGN_VERIFY"
		},
		"tags": func(c *KmsKeyConfig) {
			c.Tags = map[string]string{"Team": "platform", "cost-center": "42 / a+b=c@d:e.f_g-h", "Empty": ""}
		},
		"override standard tags": func(c *KmsKeyConfig) { c.Tags, c.OverrideStandardTags = map[string]string{"Name": "legacy-name"}, true },
		"service principals": func(c *KmsKeyConfig) {
			c.ServicePrincipals = []string{"s3.amazonaws.com", "delivery.logs.amazonaws.com"}
		},
		"key administrators":        func(c *KmsKeyConfig) { c.KeyAdministrators = []string{"arn:aws:iam::123456789012:role/kms-admin"} },
		"lifecycle":                 func(c *KmsKeyConfig) { c.PreventDestroy, c.BypassPolicyLockoutSafetyCheck = true, true },
		"moved from module":         func(c *KmsKeyConfig) { c.MovedFrom = "module.kms.aws_kms_key.general_encryption_key" },
		"moved from indexed module": func(c *KmsKeyConfig) { c.MovedFrom = `module.keys["dev"].aws_kms_key.this[0]` },
		"import by id":              func(c *KmsKeyConfig) { c.ImportKeyId = "1234abcd-12ab-34cd-56ef-1234567890ab" },
		"import multi-region id":    func(c *KmsKeyConfig) { c.ImportKeyId = "mrk-1234abcd12ab34cd56ef1234567890ab" },
		"import by arn": func(c *KmsKeyConfig) {
			c.ImportKeyId = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
		},
		"extra statements": func(c *KmsKeyConfig) {
			c.ExtraPolicyStatements = stmts(
				`{"Sid": "AllowAuditRead", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/audit"}, "Action": ["kms:DescribeKey", "kms:GetKeyPolicy"], "Resource": "*"}`,
				`{"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}`,
				`{"Effect": "Allow", "Principal": {"AWS": "210987654321"}, "Action": "kms:Decrypt", "Resource": "*"}`,
			)
		},
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
		{"empty alias", func(c *KmsKeyConfig) { c.Aliases = []string{""} }, "Aliases[0]", "aliases[0]", "required"},
		{"bare alias prefix", func(c *KmsKeyConfig) { c.Aliases = []string{"alias/"} }, "Aliases[0]", "aliases[0]", "required"},
		{"alias with space", func(c *KmsKeyConfig) { c.Aliases = []string{"my key"} }, "Aliases[0]", "aliases[0]", "letters, digits, /, _ and -"},
		{"alias with dot", func(c *KmsKeyConfig) { c.Aliases = []string{"alias/my.key"} }, "Aliases[0]", "aliases[0]", "letters, digits, /, _ and -"},
		{"aws alias", func(c *KmsKeyConfig) { c.Aliases = []string{"alias/aws/s3"} }, "Aliases[0]", "aliases[0]", "reserved"},
		{"aws alias without prefix", func(c *KmsKeyConfig) { c.Aliases = []string{"aws/ebs"} }, "Aliases[0]", "aliases[0]", "reserved"},
		{"alias too long", func(c *KmsKeyConfig) { c.Aliases = []string{strings.Repeat("a", 251)} }, "Aliases[0]", "aliases[0]", "at most 256"},
		{"duplicate alias", func(c *KmsKeyConfig) { c.Aliases = []string{"k", "alias/k"} }, "Aliases[1]", "aliases[1]", "duplicates aliases[0]"},
		{"aliases with the same resource name", func(c *KmsKeyConfig) { c.Aliases = []string{"a/b", "a_b"} }, "Aliases[1]", "aliases[1]", "same Terraform name"},
		{"description too long", func(c *KmsKeyConfig) { c.Description = strings.Repeat("d", 8193) }, "Description", "description", "at most 8192"},
		{"deletion window too short", func(c *KmsKeyConfig) { c.DeletionWindowInDays = 6 }, "DeletionWindowInDays", "deletion_window_in_days", "7 to 30"},
		{"deletion window too long", func(c *KmsKeyConfig) { c.DeletionWindowInDays = 31 }, "DeletionWindowInDays", "deletion_window_in_days", "7 to 30"},
		{"negative deletion window", func(c *KmsKeyConfig) { c.DeletionWindowInDays = -1 }, "DeletionWindowInDays", "deletion_window_in_days", "7 to 30"},
		{"rotation period too short", func(c *KmsKeyConfig) { c.RotationPeriodInDays = 89 }, "RotationPeriodInDays", "rotation_period_in_days", "90 to 2560"},
		{"rotation period too long", func(c *KmsKeyConfig) { c.RotationPeriodInDays = 2561 }, "RotationPeriodInDays", "rotation_period_in_days", "90 to 2560"},
		{"rotation off on a symmetric key", func(c *KmsKeyConfig) { off := false; c.EnableKeyRotation = &off }, "EnableKeyRotation", "enable_key_rotation", "stays on for symmetric"},
		{"rotation on for hmac", func(c *KmsKeyConfig) {
			on := true
			c.KeyUsage, c.CustomerMasterKeySpec, c.EnableKeyRotation = "GENERATE_VERIFY_MAC", "HMAC_512", &on
		}, "EnableKeyRotation", "enable_key_rotation", "does not rotate HMAC_512"},
		{"rotation period for rsa", func(c *KmsKeyConfig) {
			c.KeyUsage, c.CustomerMasterKeySpec, c.RotationPeriodInDays = "SIGN_VERIFY", "RSA_2048", 365
		}, "RotationPeriodInDays", "rotation_period_in_days", "only applies with rotation on"},
		{"unknown key usage", func(c *KmsKeyConfig) { c.KeyUsage = "ENCRYPT" }, "KeyUsage", "key_usage", "ENCRYPT_DECRYPT, SIGN_VERIFY"},
		{"unknown key spec", func(c *KmsKeyConfig) { c.CustomerMasterKeySpec = "AES_256" }, "CustomerMasterKeySpec", "customer_master_key_spec", "must be one of"},
		{"signing with the default spec", func(c *KmsKeyConfig) { c.KeyUsage = "SIGN_VERIFY" }, "KeyUsage", "key_usage", "does not go with key spec SYMMETRIC_DEFAULT"},
		{"hmac spec without usage", func(c *KmsKeyConfig) { c.CustomerMasterKeySpec = "HMAC_256" }, "CustomerMasterKeySpec", "customer_master_key_spec", "allows GENERATE_VERIFY_MAC"},
		{"ecc encryption", func(c *KmsKeyConfig) { c.KeyUsage, c.CustomerMasterKeySpec = "ENCRYPT_DECRYPT", "ECC_NIST_P256" }, "CustomerMasterKeySpec", "customer_master_key_spec", "does not go with"},
		{"sm2 outside china", func(c *KmsKeyConfig) { c.KeyUsage, c.CustomerMasterKeySpec = "SIGN_VERIFY", "SM2" }, "CustomerMasterKeySpec", "customer_master_key_spec", "China"},
		{"name tag override by accident", func(c *KmsKeyConfig) { c.Tags = map[string]string{"Name": "x"} }, "Tags.Name", "tags.Name", "override_standard_tags"},
		{"environment tag override by accident", func(c *KmsKeyConfig) { c.Tags = map[string]string{"Environment": "x"} }, "Tags.Environment", "tags.Environment", "override_standard_tags"},
		{"aws tag key", func(c *KmsKeyConfig) { c.Tags = map[string]string{"aws:cloudformation:stack": "x"} }, "Tags.aws:cloudformation:stack", "tags.aws:cloudformation:stack", "reserved"},
		{"tag key too long", func(c *KmsKeyConfig) { c.Tags = map[string]string{strings.Repeat("k", 129): "x"} }, "Tags." + strings.Repeat("k", 129), "tags." + strings.Repeat("k", 129), "1 to 128"},
		{"tag value too long", func(c *KmsKeyConfig) { c.Tags = map[string]string{"k": strings.Repeat("v", 257)} }, "Tags.k", "tags.k", "at most 256"},
		{"tag value with bad character", func(c *KmsKeyConfig) { c.Tags = map[string]string{"k": "a;b"} }, "Tags.k", "tags.k", "letters, digits, spaces"},
		{"too many tags", func(c *KmsKeyConfig) {
			c.Tags = map[string]string{}
			for i := 0; i < 49; i++ {
				c.Tags[fmt.Sprintf("t%d", i)] = "v"
			}
		}, "Tags", "tags", "at most 50"},
		{"wildcard service principal", func(c *KmsKeyConfig) { c.ServicePrincipals = []string{"*.amazonaws.com"} }, "ServicePrincipals[0]", "service_principals[0]", "wildcards"},
		{"service principal without domain", func(c *KmsKeyConfig) { c.ServicePrincipals = []string{"s3"} }, "ServicePrincipals[0]", "service_principals[0]", "s3.amazonaws.com"},
		{"service principal as arn", func(c *KmsKeyConfig) { c.ServicePrincipals = []string{"arn:aws:iam::123456789012:root"} }, "ServicePrincipals[0]", "service_principals[0]", "AWS service principal"},
		{"china service principal outside china", func(c *KmsKeyConfig) { c.ServicePrincipals = []string{"logs.amazonaws.com.cn"} }, "ServicePrincipals[0]", "service_principals[0]", "aws-cn"},
		{"duplicate service principal", func(c *KmsKeyConfig) { c.ServicePrincipals = []string{"s3.amazonaws.com", "s3.amazonaws.com"} }, "ServicePrincipals[1]", "service_principals[1]", "duplicates"},
		{"wildcard administrator", func(c *KmsKeyConfig) { c.KeyAdministrators = []string{"*"} }, "KeyAdministrators[0]", "key_administrators[0]", "wildcards"},
		{"administrator not an arn", func(c *KmsKeyConfig) { c.KeyAdministrators = []string{"admin"} }, "KeyAdministrators[0]", "key_administrators[0]", "IAM or STS ARN"},
		{"administrator in another partition", func(c *KmsKeyConfig) { c.KeyAdministrators = []string{"arn:aws-us-gov:iam::123456789012:role/a"} }, "KeyAdministrators[0]", "key_administrators[0]", "partition"},
		{"moved from another type", func(c *KmsKeyConfig) { c.MovedFrom = "module.kms.aws_kms_alias.a" }, "MovedFrom", "moved_from", "address of an aws_kms_key"},
		{"moved from garbage", func(c *KmsKeyConfig) { c.MovedFrom = "general_encryption_key" }, "MovedFrom", "moved_from", "address of an aws_kms_key"},
		{"import and moved", func(c *KmsKeyConfig) {
			c.MovedFrom, c.ImportKeyId = "module.kms.aws_kms_key.general_encryption_key", "1234abcd-12ab-34cd-56ef-1234567890ab"
		}, "ImportKeyId", "import_key_id", "not both"},
		{"import bad id", func(c *KmsKeyConfig) { c.ImportKeyId = "my-key" }, "ImportKeyId", "import_key_id", "key id"},
		{"import alias", func(c *KmsKeyConfig) { c.ImportKeyId = "alias/dev" }, "ImportKeyId", "import_key_id", "key id"},
		{"import arn in another region", func(c *KmsKeyConfig) {
			c.ImportKeyId = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
		}, "ImportKeyId", "import_key_id", "region us-east-1"},
		{"import arn of another account", func(c *KmsKeyConfig) {
			c.ImportKeyId = "arn:aws:kms:eu-west-1:210987654321:key/1234abcd-12ab-34cd-56ef-1234567890ab"
		}, "ImportKeyId", "import_key_id", "account 210987654321"},
		{"import arn in another partition", func(c *KmsKeyConfig) {
			c.ImportKeyId = "arn:aws-cn:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
		}, "ImportKeyId", "import_key_id", "partition"},
		{"extra statement bad effect", func(c *KmsKeyConfig) {
			c.ExtraPolicyStatements = stmts(`{"Effect": "allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:Decrypt", "Resource": "*"}`)
		}, "ExtraPolicyStatements[0]", "extra_policy_statements[0]", "Allow or Deny"},
		{"extra statement non-kms action", func(c *KmsKeyConfig) {
			c.ExtraPolicyStatements = stmts(`{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "s3:GetObject", "Resource": "*"}`)
		}, "ExtraPolicyStatements[0]", "extra_policy_statements[0]", "KMS action"},
		{"extra statement other resource", func(c *KmsKeyConfig) {
			c.ExtraPolicyStatements = stmts(`{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:Decrypt", "Resource": "arn:aws:s3:::b"}`)
		}, "ExtraPolicyStatements[0]", "extra_policy_statements[0]", `must be "*"`},
		{"extra statement unconditioned wildcard", func(c *KmsKeyConfig) {
			c.ExtraPolicyStatements = stmts(`{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt", "Resource": "*"}`)
		}, "ExtraPolicyStatements[0]", "extra_policy_statements[0]", "needs a condition that pins the caller"},
		{"extra statement without principal", func(c *KmsKeyConfig) {
			c.ExtraPolicyStatements = stmts(`{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}`)
		}, "ExtraPolicyStatements[0]", "extra_policy_statements[0]", "Principal is required"},
		{"extra statement reserved sid", func(c *KmsKeyConfig) {
			c.ExtraPolicyStatements = stmts(`{"Sid": "AllowKeyAdministration", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:Decrypt", "Resource": "*"}`)
		}, "ExtraPolicyStatements[0]", "extra_policy_statements[0]", "already used"},
		{"extra statement bad principal", func(c *KmsKeyConfig) {
			c.ExtraPolicyStatements = stmts(`{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123:root"}, "Action": "kms:Decrypt", "Resource": "*"}`)
		}, "ExtraPolicyStatements[0]", "extra_policy_statements[0]", "12 digits"},
		{"extra statement misspelt action", func(c *KmsKeyConfig) {
			c.ExtraPolicyStatements = stmts(`{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/a"}, "Action": "kms:Decrpyt", "Resource": "*"}`)
		}, "ExtraPolicyStatements[0]", "extra_policy_statements[0]", `statement 5: action "kms:Decrpyt" is not a KMS action`},
		{"extra statement unknown condition key", func(c *KmsKeyConfig) {
			c.ExtraPolicyStatements = stmts(`{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/a"}, "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringEquals": {"kms:ViaServce": "s3.eu-west-1.amazonaws.com"}}}`)
		}, "ExtraPolicyStatements[0]", "extra_policy_statements[0]", `condition key "kms:ViaServce"`},
		{"extra statement federated principal", func(c *KmsKeyConfig) {
			c.ExtraPolicyStatements = stmts(`{"Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"}, "Action": "kms:Decrypt", "Resource": "*"}`)
		}, "ExtraPolicyStatements[0]", "extra_policy_statements[0]", "use AWS or Service"},
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
		s := c.buildPolicy("aws", c.AwsRegion, nil).doc.render()
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
	// What the principals add: the policy with them minus the policy
	// without them.
	without := validConfig()
	without.AdditionalPrincipals = nil
	added := len(c.buildPolicy("aws", c.AwsRegion, nil).doc.render()) - len(without.buildPolicy("aws", c.AwsRegion, nil).doc.render())
	msg := err.Error()
	for _, want := range []string{
		"AdditionalPrincipals: the key policy would be",
		fmt.Sprintf("additional_principals %d bytes (%d principals)", added, fit+40),
		"AWS's limit of 32768 bytes",
		fmt.Sprintf("%d of the %d principals of additional_principals fit with everything else unchanged", fit, fit+40),
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("size error %q does not say %q", msg, want)
		}
	}
}

// TestPolicySizeErrorNamesTheFieldsThatCauseIt: 690 key users (or 700
// administrators) make the policy too large; the error names that field,
// not additional_principals, with how much it adds and how many fit.
func TestPolicySizeErrorNamesTheFieldsThatCauseIt(t *testing.T) {
	for _, tc := range []struct {
		key  string
		n    int
		set  func(*KmsKeyConfig, []string)
		goNm string
	}{
		{"key_users", 690, func(c *KmsKeyConfig, p []string) { c.KeyUsers = p }, "KeyUsers"},
		{"key_administrators", 700, func(c *KmsKeyConfig, p []string) { c.KeyAdministrators = p }, "KeyAdministrators"},
	} {
		t.Run(tc.key, func(t *testing.T) {
			principals := make([]string, tc.n)
			for i := range principals {
				principals[i] = fmt.Sprintf("arn:aws:iam::123456789012:role/team-%03d-reader", i)
			}
			c := &KmsKeyConfig{AwsAccountId: "123456789012", AwsRegion: "eu-west-1", NamePrefix: "app", Environment: "app"}
			tc.set(c, principals)
			errs := FieldErrors(c.Validate())
			if len(errs) != 1 || errs[0].Field != tc.goNm {
				t.Fatalf("want one error on %s, got %v", tc.goNm, errs)
			}
			// The most that fit, found by rendering.
			fit := 0
			for n := 1; n <= tc.n; n++ {
				trial := *c
				tc.set(&trial, principals[:n])
				if len(trial.buildPolicy("aws", "eu-west-1", nil).doc.render()) > MaxKeyPolicyBytes {
					break
				}
				fit = n
			}
			msg := errs[0].Error()
			for _, want := range []string{tc.key + " ", fmt.Sprintf("(%d principals)", tc.n), fmt.Sprintf("%d of the %d principals of %s fit", fit, tc.n, tc.key)} {
				if !strings.Contains(msg, want) {
					t.Errorf("%q does not say %q", msg, want)
				}
			}
			if strings.Contains(msg, "additional_principals") {
				t.Errorf("%q names additional_principals, which is not set", msg)
			}
		})
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
