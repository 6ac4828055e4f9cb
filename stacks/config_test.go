package stacks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const devEnv = `{"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "dev"}`

func TestShippedConfigurationParses(t *testing.T) {
	t.Setenv(ContextEnv, "")
	envs, err := LoadEnvironments("../cdktf.json")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range envs {
		names = append(names, e.Name)
		if e.Environment != e.Name {
			t.Errorf("environment %s: Environment = %q, want the default %q", e.Name, e.Environment, e.Name)
		}
	}
	if got := strings.Join(names, ","); got != "dev,prod,stage" {
		t.Errorf("environments %s, want dev,prod,stage", got)
	}
}

func TestEnvironmentDefaultsToTheName(t *testing.T) {
	envs, err := ParseEnvironments([]byte(`{"qa": ` + devEnv + `, "prod": {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "p", "environment": "production"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if envs[0].Name != "prod" || envs[0].Environment != "production" {
		t.Errorf("explicit environment: got %+v", envs[0])
	}
	if envs[1].Name != "qa" || envs[1].Environment != "qa" {
		t.Errorf("default environment: got %+v", envs[1])
	}
}

func TestConfigurationErrors(t *testing.T) {
	cases := []struct {
		name, json string
		want       []string // each must appear in the message
	}{
		{"not an object", `[]`, []string{"environments", "object"}},
		{"empty", `{}`, []string{"environments", "at least one"}},
		{"unknown key", `{"dev": {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "dev", "enable_rotation": true}}`,
			[]string{`environment "dev"`, `unknown key "enable_rotation"`, "allowed keys", "aws_account_id"}},
		{"wrong type", `{"dev": {"aws_account_id": 123456789012, "aws_region": "eu-west-1", "name_prefix": "dev"}}`,
			[]string{`environment "dev"`, "aws_account_id", "got a JSON number, want a string"}},
		{"principals not a list", `{"dev": {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "dev", "additional_principals": "arn:aws:iam::123456789012:root"}}`,
			[]string{`environment "dev"`, "additional_principals", "want a list of strings"}},
		{"environment not an object", `{"dev": "eu-west-1"}`, []string{`environment "dev": must be an object of settings, got a JSON string`}},
		{"principal not a string", `{"dev": {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "dev", "additional_principals": [1]}}`,
			[]string{`environment "dev": additional_principals[0]: got a JSON number, want a string`}},
		{"bad value", `{"dev": {"aws_account_id": "1234", "aws_region": "eu-west-1", "name_prefix": "dev"}}`,
			[]string{`environment "dev": aws_account_id: "1234": must be exactly 12 digits`}},
		{"missing required", `{"dev": {"aws_region": "eu-west-1", "name_prefix": "dev"}}`,
			[]string{`environment "dev": aws_account_id: empty value`}},
		{"bad principal", `{"dev": {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "dev", "additional_principals": ["*"]}}`,
			[]string{`environment "dev": additional_principals[0]: "*": wildcards`}},
		{"empty explicit environment", `{"dev": {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "dev", "environment": ""}}`,
			[]string{`environment "dev": environment: empty value: required`}},
		{"bad environment name", `{"dev env": ` + devEnv + `}`, []string{`environment "dev env"`, "kms-<name>"}},
		{"bad bucket", `{"dev": {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "dev", "backend": {"s3": {"bucket": "My_Bucket", "key": "kms/dev.tfstate"}}}}`,
			[]string{`environment "dev": backend.s3.bucket: "My_Bucket"`, "S3 bucket name"}},
		{"missing state key", `{"dev": {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "dev", "backend": {"s3": {"bucket": "state-bucket"}}}}`,
			[]string{`backend.s3.key: empty value`}},
		{"state key with leading slash", `{"dev": {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "dev", "backend": {"s3": {"bucket": "state-bucket", "key": "/kms.tfstate"}}}}`,
			[]string{`backend.s3.key: "/kms.tfstate": must not start or end with /`}},
		{"bad backend region", `{"dev": {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "dev", "backend": {"s3": {"bucket": "state-bucket", "key": "k", "region": "europe"}}}}`,
			[]string{`backend.s3.region: "europe"`}},
		{"no locking", `{"dev": {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "dev", "backend": {"s3": {"bucket": "state-bucket", "key": "k", "use_lockfile": false}}}}`,
			[]string{`backend.s3.use_lockfile: false: state must be locked`}},
		{"bad lock table", `{"dev": {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "dev", "backend": {"s3": {"bucket": "state-bucket", "key": "k", "dynamodb_table": "x"}}}}`,
			[]string{`backend.s3.dynamodb_table: "x"`}},
		{"key in the wrong case", `{"dev": {"AWS_ACCOUNT_ID": "123456789012", "aws_region": "eu-west-1", "name_prefix": "dev"}}`,
			[]string{`environment "dev": unknown key "AWS_ACCOUNT_ID"`}},
		{"unknown backend", `{"dev": {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "dev", "backend": {"gcs": {}}}}`,
			[]string{`environment "dev": backend.gcs: unknown key; allowed keys in backend: s3`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			envs, err := ParseEnvironments([]byte(tc.json))
			if err == nil {
				t.Fatalf("ParseEnvironments accepted it: %+v", envs)
			}
			for _, want := range tc.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
		})
	}
}

func TestEveryEnvironmentsProblemsAreReported(t *testing.T) {
	_, err := ParseEnvironments([]byte(`{
		"dev":  {"aws_account_id": "1", "aws_region": "mars", "name_prefix": "dev"},
		"prod": {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": ""}}`))
	lines := ErrorLines(err)
	want := []string{
		`environment "dev": aws_account_id: "1"`,
		`environment "dev": aws_region: "mars"`,
		`environment "prod": name_prefix: empty value: required`,
	}
	if len(lines) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(want), strings.Join(lines, "\n"))
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d = %q, want it to start with %q", i, lines[i], w)
		}
	}
}

func TestS3BackendDefaults(t *testing.T) {
	envs, err := ParseEnvironments([]byte(`{"dev": {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "dev",
		"backend": {"s3": {"bucket": "acme.tf-state", "key": "kms/dev.tfstate", "dynamodb_table": "tf-locks"}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	s3 := envs[0].Backend.S3
	if s3.Bucket != "acme.tf-state" || s3.Key != "kms/dev.tfstate" || s3.DynamodbTable != "tf-locks" || s3.Encrypt != nil {
		t.Errorf("decoded %+v", s3)
	}
}

func TestContextFromTheCLIWinsOverTheFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "cdktf.json")
	if err := os.WriteFile(path, []byte(`{"context": {"environments": {"fromfile": `+devEnv+`}}}`), 0o644); err != nil {
		t.Fatal(err)
	}

	t.Setenv(ContextEnv, `{"environments": {"fromcli": `+devEnv+`}, "cdktfRelativeModules": []}`)
	envs, err := LoadEnvironments(path)
	if err != nil || len(envs) != 1 || envs[0].Name != "fromcli" {
		t.Errorf("with the CLI's context: %+v, %v; want the environment fromcli", envs, err)
	}

	t.Setenv(ContextEnv, `{"cdktfRelativeModules": []}`)
	envs, err = LoadEnvironments(path)
	if err != nil || len(envs) != 1 || envs[0].Name != "fromfile" {
		t.Errorf("with a context without environments: %+v, %v; want the file's fromfile", envs, err)
	}

	t.Setenv(ContextEnv, "")
	envs, err = LoadEnvironments(path)
	if err != nil || len(envs) != 1 || envs[0].Name != "fromfile" {
		t.Errorf("without the CLI: %+v, %v; want the file's fromfile", envs, err)
	}
}

func TestMissingOrBrokenConfigFile(t *testing.T) {
	t.Setenv(ContextEnv, "")
	dir := t.TempDir()
	if _, err := LoadEnvironments(filepath.Join(dir, "cdktf.json")); err == nil || !strings.Contains(err.Error(), "cdktf.json") {
		t.Errorf("missing file: %v", err)
	}
	broken := filepath.Join(dir, "broken.json")
	os.WriteFile(broken, []byte(`{"context": `), 0o644)
	if _, err := LoadEnvironments(broken); err == nil || !strings.Contains(err.Error(), "invalid JSON") {
		t.Errorf("broken file: %v", err)
	}
	empty := filepath.Join(dir, "empty.json")
	os.WriteFile(empty, []byte(`{"language": "go"}`), 0o644)
	if _, err := LoadEnvironments(empty); err == nil || !strings.Contains(err.Error(), "context.environments is missing") {
		t.Errorf("no environments: %v", err)
	}
}

func TestEveryOptionDecodesFromCdktfJSON(t *testing.T) {
	envs, err := ParseEnvironments([]byte(`{"prod": {
		"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "prod",
		"additional_principals": ["arn:aws:iam::123456789012:role/app"],
		"output_prefix": "prod_kms", "aliases": ["prod-key"], "description": "Prod key",
		"deletion_window_in_days": 14, "enable_key_rotation": true, "rotation_period_in_days": 180,
		"key_usage": "ENCRYPT_DECRYPT", "customer_master_key_spec": "SYMMETRIC_DEFAULT",
		"multi_region": true, "is_enabled": true, "tags": {"Team": "platform"},
		"service_principals": ["s3.amazonaws.com"], "key_administrators": ["arn:aws:iam::123456789012:role/admin"],
		"bypass_policy_lockout_safety_check": false, "prevent_destroy": true,
		"moved_from": "module.kms.aws_kms_key.general_encryption_key"
	}}`))
	if err != nil {
		t.Fatal(err)
	}
	c := envs[0].KmsKeyConfig
	checks := map[string]bool{
		"output_prefix":            c.OutputPrefix == "prod_kms",
		"aliases":                  len(c.Aliases) == 1 && c.Aliases[0] == "prod-key",
		"description":              c.Description == "Prod key",
		"deletion_window_in_days":  c.DeletionWindowInDays == 14,
		"enable_key_rotation":      c.EnableKeyRotation != nil && *c.EnableKeyRotation,
		"rotation_period_in_days":  c.RotationPeriodInDays == 180,
		"key_usage":                c.KeyUsage == "ENCRYPT_DECRYPT",
		"customer_master_key_spec": c.CustomerMasterKeySpec == "SYMMETRIC_DEFAULT",
		"multi_region":             c.MultiRegion,
		"is_enabled":               c.IsEnabled != nil && *c.IsEnabled,
		"tags":                     c.Tags["Team"] == "platform",
		"service_principals":       len(c.ServicePrincipals) == 1,
		"key_administrators":       len(c.KeyAdministrators) == 1,
		"prevent_destroy":          c.PreventDestroy,
		"moved_from":               c.MovedFrom == "module.kms.aws_kms_key.general_encryption_key",
	}
	for key, ok := range checks {
		if !ok {
			t.Errorf("%s was not decoded: %+v", key, c)
		}
	}
}

func TestExtraPolicyStatementsAreGoOnly(t *testing.T) {
	_, err := ParseEnvironments([]byte(`{"dev": {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "dev", "ExtraPolicyStatements": []}}`))
	if err == nil || !strings.Contains(err.Error(), "unknown key") {
		t.Errorf("ExtraPolicyStatements in cdktf.json: %v", err)
	}
}

func TestRolesDecodeStrictly(t *testing.T) {
	envs, err := ParseEnvironments([]byte(`{"dev": {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "dev",
		"roles": [{"service": "lambda", "access": "decrypt", "managed_policy_arns": ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]}, {"service": "ecs-tasks"}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if r := envs[0].Roles; len(r) != 2 || r[0].Service != "lambda" || r[0].Access != "decrypt" || len(r[0].ManagedPolicyArns) != 1 || r[1].Service != "ecs-tasks" {
		t.Errorf("roles decoded as %+v", r)
	}
	_, err = ParseEnvironments([]byte(`{"dev": {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "dev",
		"roles": [{"service": "lambda", "policy": "x"}]}}`))
	if err == nil || !strings.Contains(err.Error(), `environment "dev": roles[0].policy: unknown key; allowed keys in roles[0]: access, managed_policy_arns, name, path`) {
		t.Errorf("unknown role key: %v", err)
	}
	_, err = ParseEnvironments([]byte(`{"dev": {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "dev",
		"roles": [{"service": "batch"}]}}`))
	if err == nil || !strings.Contains(err.Error(), `environment "dev": roles[0].service: "batch": must be one of ecs-tasks, lambda`) {
		t.Errorf("unknown service: %v", err)
	}
}

func TestMonitoringDecodesStrictly(t *testing.T) {
	envs, err := ParseEnvironments([]byte(`{"prod": {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "prod",
		"monitoring": {"cloudtrail_log_group_name": "trail", "alarm_emails": ["sec@example.com"], "decrypt_threshold": 10,
		               "encrypt_threshold": 20, "period_seconds": 60, "evaluation_periods": 2, "metric_namespace": "Acme/Kms"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	m := envs[0].Monitoring
	if m == nil || m.CloudtrailLogGroupName != "trail" || m.AlarmEmails[0] != "sec@example.com" || m.DecryptThreshold != 10 ||
		m.EncryptThreshold != 20 || m.PeriodSeconds != 60 || m.EvaluationPeriods != 2 || m.MetricNamespace != "Acme/Kms" {
		t.Errorf("monitoring decoded as %+v", m)
	}
	_, err = ParseEnvironments([]byte(`{"prod": {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "prod",
		"monitoring": {"sns_topic_arn": "arn:aws:sns:eu-west-1:123456789012:alerts"}}}`))
	if err == nil || !strings.Contains(err.Error(), `environment "prod": monitoring.cloudtrail_log_group_name: empty value: required`) {
		t.Errorf("missing log group: %v", err)
	}
}

// TestStrictDecoding covers what issue 12 found the reader forgave, each
// refused with the environment and the key's path.
func TestStrictDecoding(t *testing.T) {
	const base = `"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "dev"`
	big := strings.Repeat("x", 30<<20)
	cases := []struct {
		name, json string
		want       []string
	}{
		{"an environment given twice", `{"dev": {` + base + `, "prevent_destroy": true}, "dev": {` + base + `}}`,
			[]string{`environments: environment "dev" is given twice`}},
		{"a key given twice", `{"dev": {` + base + `, "aliases": ["a"], "aliases": ["b"]}}`,
			[]string{`environment "dev": aliases: the key is given twice`}},
		{"a nested key given twice", `{"dev": {` + base + `, "monitoring": {"cloudtrail_log_group_name": "t", "period_seconds": 60, "period_seconds": 120}}}`,
			[]string{`environment "dev": monitoring.period_seconds: the key is given twice`}},
		{"a nested key in another case", `{"dev": {` + base + `, "monitoring": {"cloudtrail_log_group_name": "t", "deCrypt_Threshold": 5}}}`,
			[]string{`environment "dev": monitoring.deCrypt_Threshold: unknown key; allowed keys in monitoring: alarm_emails, cloudtrail_log_group_name, decrypt_threshold`}},
		{"an unknown nested key", `{"dev": {` + base + `, "monitoring": {"cloudtrail_log_group_name": "t", "foo": 1}}}`,
			[]string{`environment "dev": monitoring.foo: unknown key; allowed keys in monitoring:`, "metric_namespace"}},
		{"an integer that overflows the alarm window", `{"dev": {` + base + `, "monitoring": {"cloudtrail_log_group_name": "t", "period_seconds": 60, "evaluation_periods": 307445734561825861}}}`,
			[]string{`environment "dev": monitoring.evaluation_periods: 307445734561825861: 307445734561825861 periods of 60 s are more than one day`}},
		{"an integer out of range", `{"dev": {` + base + `, "deletion_window_in_days": 99999999999999999999}}`,
			[]string{`environment "dev": deletion_window_in_days: the number is out of range`}},
		{"a fraction where a whole number is wanted", `{"dev": {` + base + `, "deletion_window_in_days": 7.5}}`,
			[]string{`environment "dev": deletion_window_in_days: must be a whole number`}},
		{"two environments sharing an S3 state", `{"a": {` + base + `, "backend": {"s3": {"bucket": "state-bucket", "key": "kms.tfstate"}}}, "b": {` + base + `, "backend": {"s3": {"bucket": "state-bucket", "key": "kms.tfstate"}}}}`,
			[]string{`environment "b": backend.s3.key: "kms.tfstate": is the state of environment "a" too`}},
		{"stack names that differ in case", `{"Dev": {` + base + `}, "dev": {` + base + `}}`,
			[]string{`environment "dev": its stack kms-dev differs only in case from kms-Dev of environment "Dev"`}},
		{"a huge value", `{"dev": {` + base + `, "description": "` + big + `"}}`,
			[]string{`environment "dev": description: is 31457280 characters long; at most 8192`}},
		{"a huge bad value is cut", `{"dev": {"aws_account_id": "123456789012", "name_prefix": "dev", "aws_region": "` + big + `"}}`,
			[]string{`environment "dev": aws_region: "xxxxxxxx`, `... (31457280 bytes in all)`}},
		{"a token marker", `{"dev": {` + base + `, "additional_principals": ["T-${TfToken[TOKEN.1]}"]}}`,
			[]string{`environment "dev": additional_principals[0]: "T-${TfToken[TOKEN.1]}" holds a cdktf token marker`, "never references"}},
		{"a list token marker in a nested value", `{"dev": {` + base + `, "tags": {"Team": "#{TfToken[TOKEN.2]}"}}}`,
			[]string{`environment "dev": tags.Team:`, "token marker"}},
		{"an extra statement with an unknown element", `{"dev": {` + base + `, "extra_policy_statements": [{"Effect": "Deny", "NotPrincipal": {"AWS": "x"}, "Action": "kms:*", "Resource": "*"}]}}`,
			[]string{`environment "dev"`, `extra_policy_statements[0]`, `unknown element "NotPrincipal"`}},
		{"an extra statement element in another case", `{"dev": {` + base + `, "extra_policy_statements": [{"effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/a"}, "Action": "kms:Decrypt", "Resource": "*"}]}}`,
			[]string{`unknown element "effect"`}},
		{"an extra statement that reaches everyone", `{"dev": {` + base + `, "extra_policy_statements": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]}}`,
			[]string{`environment "dev": extra_policy_statements[0]:`, `needs a condition that pins the caller`}},
		{"an administrator in another account", `{"dev": {` + base + `, "key_administrators": ["arn:aws:iam::999999999999:root"]}}`,
			[]string{`environment "dev": key_administrators[0]:`, "list 999999999999 in trusted_account_ids"}},
		{"an alarm topic in another account", `{"dev": {` + base + `, "monitoring": {"cloudtrail_log_group_name": "t", "sns_topic_arn": "arn:aws:sns:eu-west-1:999999999999:alerts"}}}`,
			[]string{`environment "dev": monitoring.sns_topic_arn:`, "list 999999999999 in trusted_account_ids"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			envs, err := ParseEnvironments([]byte(tc.json))
			if err == nil {
				t.Fatalf("ParseEnvironments accepted it: %d environments", len(envs))
			}
			msg := err.Error()
			if len(msg) > 4000 {
				t.Errorf("the message is %d bytes long; values must be cut", len(msg))
			}
			for _, want := range tc.want {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not say %q", cutForLog(msg), want)
				}
			}
		})
	}
}

func cutForLog(s string) string {
	if len(s) > 600 {
		return s[:600] + "..."
	}
	return s
}

func TestTrustedAccountsAndExtraStatementsFromCdktfJSON(t *testing.T) {
	envs, err := ParseEnvironments([]byte(`{"dev": {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "dev",
		"trusted_account_ids": ["999999999999"], "key_administrators": ["arn:aws:iam::999999999999:role/kms-admin"],
		"extra_policy_statements": [{"Sid": "OrgUse", "Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
		  "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abcdef1234"}}}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	s := envs[0].ExtraPolicyStatements
	if len(s) != 1 || s[0].Sid != "OrgUse" || s[0].Principal["AWS"][0] != "*" {
		t.Errorf("extra statement decoded as %+v", s)
	}
}

// TestNothingIsSilentlyDefaulted: a null, or an explicit zero that the
// construct could not tell from an unset value (and would replace with
// its default), is an error naming the environment and the key as
// written.
func TestNothingIsSilentlyDefaulted(t *testing.T) {
	base := `"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "dev"`
	for _, tc := range []struct {
		name, env string
		want      string
	}{
		{"null environment", `null`, `environment "dev": is null; an environment is an object of settings`},
		{"deletion window 0", `{` + base + `, "deletion_window_in_days": 0}`, `environment "dev": deletion_window_in_days: 0: 0 is not a value of this setting`},
		{"deletion window -0", `{` + base + `, "deletion_window_in_days": -0}`, `environment "dev": deletion_window_in_days: -0: 0 is not a value of this setting`},
		{"rotation period 0", `{` + base + `, "rotation_period_in_days": 0}`, `environment "dev": rotation_period_in_days: 0: 0 is not`},
		{"threshold 0", `{` + base + `, "monitoring": {"cloudtrail_log_group_name": "trail", "decrypt_threshold": 0}}`, `environment "dev": monitoring.decrypt_threshold: 0: 0 is not`},
		{"empty description", `{` + base + `, "description": ""}`, `environment "dev": description: is empty; leave the key out for the default`},
		{"empty output prefix", `{` + base + `, "output_prefix": ""}`, `environment "dev": output_prefix: is empty`},
		{"empty topic", `{` + base + `, "monitoring": {"cloudtrail_log_group_name": "trail", "sns_topic_arn": ""}}`, `environment "dev": monitoring.sns_topic_arn: is empty`},
		{"empty role name", `{` + base + `, "roles": [{"service": "lambda", "name": ""}]}`, `environment "dev": roles[0].name: is empty`},
		{"null list", `{` + base + `, "additional_principals": null}`, `environment "dev": additional_principals: is null; give a list of strings, or leave the key out`},
		{"null element", `{` + base + `, "aliases": ["a", null]}`, `environment "dev": aliases[1]: is null; give a string`},
		{"null bool", `{` + base + `, "is_enabled": null}`, `environment "dev": is_enabled: is null; give true or false`},
		{"null nested", `{` + base + `, "monitoring": {"cloudtrail_log_group_name": null}}`, `environment "dev": monitoring.cloudtrail_log_group_name: is null; give a string`},
		{"null tag value", `{` + base + `, "tags": {"Team": null}}`, `environment "dev": tags.Team: is null; give a string`},
		{"null backend", `{` + base + `, "backend": null}`, `environment "dev": backend: is null; give an object`},
		{"null required", `{"aws_account_id": null, "aws_region": "eu-west-1", "name_prefix": "dev"}`, `environment "dev": aws_account_id: is null; give a string`},
		// In a policy statement a null Condition would drop the condition.
		{"null condition", `{` + base + `, "extra_policy_statements": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:Decrypt", "Resource": "*", "Condition": null}]}`,
			`environment "dev": extra_policy_statements[0]: Condition is null`},
		{"null principal list", `{` + base + `, "extra_policy_statements": [{"Effect": "Allow", "Principal": {"AWS": null}, "Action": "kms:Decrypt", "Resource": "*"}]}`,
			`environment "dev": extra_policy_statements[0]: Principal.AWS is null`},
		{"null action", `{` + base + `, "extra_policy_statements": [{"Effect": "Allow", "Principal": "*", "Action": ["kms:Decrypt", null], "Resource": "*"}]}`,
			`environment "dev": extra_policy_statements[0]: Action[1] is null`},
		{"statement element of the wrong type", `{` + base + `, "extra_policy_statements": [{"Sid": 5, "Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}]}`,
			`environment "dev": extra_policy_statements[0]: Sid: got a JSON number, want a string`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseEnvironments([]byte(`{"dev": ` + tc.env + `}`))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v\nwant it to say %q", err, tc.want)
			}
			if strings.Contains(err.Error(), `environment ""`) {
				t.Errorf("an error names environment \"\": %v", err)
			}
		})
	}
	// What the documentation gives a meaning stays accepted: false, [], {}.
	if _, err := ParseEnvironments([]byte(`{"dev": {` + base + `, "multi_region": false, "aliases": [], "tags": {}, "prevent_destroy": false}}`)); err != nil {
		t.Errorf("false, [] and {} refused: %v", err)
	}
}

// TestOneRunReportsEveryProblem: decoding problems (an unknown key, a wrong
// type, a null) and validation problems of the other keys come in one run,
// each once.
func TestOneRunReportsEveryProblem(t *testing.T) {
	_, err := ParseEnvironments([]byte(`{"dev": {"aws_account_id": 123, "aws_region": "eu-west-1", "name_prefix": "dev",
		"rotation": false, "additional_principals": ["arn:aws:iam::123456789012:role/*"], "aliases": ["alias/aws/x"],
		"monitoring": {"cloudtrail_log_group_name": "trail", "unknown": 1}}}`))
	lines := ErrorLines(err)
	want := []string{
		`environment "dev": aws_account_id: got a JSON number, want a string`,
		`environment "dev": unknown key "rotation"`,
		`environment "dev": monitoring.unknown: unknown key; allowed keys in monitoring:`,
		`environment "dev": additional_principals[0]: "arn:aws:iam::123456789012:role/*": wildcards`,
		`environment "dev": aliases[0]: "alias/aws/x": alias/aws/ is reserved`,
	}
	for _, w := range want {
		n := 0
		for _, l := range lines {
			if strings.HasPrefix(l, w) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d lines start with %q, want 1:\n%s", n, w, strings.Join(lines, "\n"))
		}
	}
	for _, l := range lines {
		if strings.Contains(l, "aws_account_id: empty value") {
			t.Errorf("the account id that failed to decode is also reported as missing: %s", l)
		}
	}
}

// TestSharedNamesAndOtherProblemsComeInOneRun: names two environments of
// one account would share are reported with the other environments'
// problems, before anything is built.
func TestSharedNamesAndOtherProblemsComeInOneRun(t *testing.T) {
	_, err := ParseEnvironments([]byte(`{
		"a": {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "a", "aliases": ["shared"], "roles": [{"service": "lambda", "name": "Reader"}]},
		"b": {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "b", "aliases": ["alias/shared"], "roles": [{"service": "lambda", "name": "reader"}]},
		"c": {"aws_account_id": "1", "aws_region": "eu-west-1", "name_prefix": "c"},
		"d": {"aws_account_id": "210987654321", "aws_region": "eu-west-1", "name_prefix": "d", "aliases": ["shared"]}}`))
	msg := err.Error()
	for _, want := range []string{
		`environment "b": aliases[0]: "alias/shared": alias alias/shared in account 123456789012, region eu-west-1 is already created by aws_kms_key.general_encryption_key of stack kms-a`,
		`environment "b": roles[0].name: "reader": IAM role name reader in account 123456789012 is already created by aws_kms_key.general_encryption_key of stack kms-a`,
		`environment "c": aws_account_id: "1": must be exactly 12 digits`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not say %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, `environment "d"`) {
		t.Errorf("an alias of another account is reported as shared:\n%s", msg)
	}
}

// TestTwoEnvironmentsCannotCreateOneServiceLinkedRole: a service-linked role
// exists once per account; two environments creating it would fail at
// apply, so the app refuses it up front.
func TestTwoEnvironmentsCannotCreateOneServiceLinkedRole(t *testing.T) {
	env := func(prefix string) string {
		return `{"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "` + prefix + `", "create_service_linked_roles": true,
			"key_service_roles_for_autoscaling": ["arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"]}`
	}
	_, err := ParseEnvironments([]byte(`{"a": ` + env("a") + `, "b": ` + env("b") + `}`))
	if err == nil || !strings.Contains(err.Error(), `environment "b": key_service_roles_for_autoscaling[0]`) || !strings.Contains(err.Error(), "service-linked role AWSServiceRoleForAutoScaling in account 123456789012 (create_service_linked_roles) is already created by aws_kms_key.general_encryption_key of stack kms-a") {
		t.Errorf("got %v", err)
	}
}

// TestAKeyGivenTwiceHidesNothingElse: a duplicate key is reported with
// every other problem, in one run, at any depth and in cdktf.json itself.
func TestAKeyGivenTwiceHidesNothingElse(t *testing.T) {
	envs := `{"dev": {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "dev", "tags": {"a": "1", "a": "2"}, "deletion_window_in_days": 2},
		"prod": {"aws_account_id": "1", "aws_region": "eu-west-1", "name_prefix": "prod"}, "prod": {}}`
	path := filepath.Join(t.TempDir(), "cdktf.json")
	if err := os.WriteFile(path, []byte(`{"language": "go", "context": {"environments": `+envs+`}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, fromFile := LoadEnvironments(path)
	_, direct := ParseEnvironments([]byte(envs))
	for name, err := range map[string]error{"cdktf.json": fromFile, "ParseEnvironments": direct} {
		for _, want := range []string{
			`environments: environment "prod" is given twice`,
			`environment "dev": tags.a: the key is given twice`,
			`environment "dev": deletion_window_in_days: 2: must be 7 to 30 days`,
			`environment "prod": aws_account_id: "1": must be exactly 12 digits`,
		} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s: %v\ndoes not say %q", name, err, want)
			}
		}
	}
}

// aws_provider_version sets the stack's AWS provider constraint; a key
// spec that a later release added needs a constraint that admits only
// such releases, and the message names both keys.
func TestAwsProviderVersion(t *testing.T) {
	const pq = `"customer_master_key_spec": "ML_DSA_65", "key_usage": "SIGN_VERIFY"`
	cases := map[string]string{
		`{"dev": ` + devEnv + `}`: "",
		`{"dev": {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "dev", ` + pq + `}}`:                                              `environment "dev": customer_master_key_spec: "ML_DSA_65": needs the AWS provider 6.2.0 or later`,
		`{"dev": {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "dev", ` + pq + `, "aws_provider_version": ">= 6.2.0, < 7.0.0"}}`: "",
		`{"dev": {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "dev", "aws_provider_version": ">= 9.0"}}`:                        `environment "dev": aws_provider_version: ">= 9.0": admits none of the AWS provider releases the tests prove`,
		`{"dev": {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "dev", "aws_provider_version": "six"}}`:                           `aws_provider_version: "six": is not a version constraint`,
	}
	for config, want := range cases {
		_, err := ParseEnvironments([]byte(config))
		switch {
		case want == "" && err != nil:
			t.Errorf("%s: %v", config, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("%s: %v, want %q", config, err, want)
		}
	}
}

// A key with imported key material from cdktf.json: origin, the material
// through a sensitive variable, its expiry; the stack has the
// aws_kms_external_key at the key's address in place of aws_kms_key, and
// a literal material is refused without being shown.
func TestExternalKeyFromCdktfJSON(t *testing.T) {
	envs, err := ParseEnvironments([]byte(`{"byok": {
		"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "byok",
		"origin": "EXTERNAL", "key_material_variable": "byok_key_material", "valid_to": "2027-06-30T00:00:00Z"
	}}`))
	if err != nil {
		t.Fatal(err)
	}
	c := envs[0].KmsKeyConfig
	if c.Origin != "EXTERNAL" || c.KeyMaterialVariable != "byok_key_material" || c.ValidTo != "2027-06-30T00:00:00Z" {
		t.Errorf("decoded %+v", c)
	}
	if got := envs[0].KeyResourceType(); got != "aws_kms_external_key" {
		t.Errorf("key resource type %s", got)
	}
	_, err = ParseEnvironments([]byte(`{"byok": {
		"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "byok",
		"origin": "EXTERNAL", "key_material_base64": "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI="
	}}`))
	if err == nil || !strings.Contains(err.Error(), "key_material_base64: is a literal") || strings.Contains(err.Error(), "c2VjcmV0") {
		t.Errorf("a literal material: %v", err)
	}
}
