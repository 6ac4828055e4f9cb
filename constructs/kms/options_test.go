package kms_test

import (
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
	"github.com/cdktf-kms/cdktf-kms/internal/testutil/synthtest"
)

// synthKey creates one key with id "kms" in a new stack and returns the
// synthesized stack.
func synthKey(t *testing.T, cfg *kms.KmsKeyConfig) (*kms.KmsKey, *synthtest.Doc) {
	t.Helper()
	stack := synthtest.NewStack(t)
	k := mustKey(t, stack, "kms", cfg)
	return k, synthtest.Synth(t, stack)
}

func TestEachKeyOptionSetsOnlyItsArgument(t *testing.T) {
	off := false
	cases := []struct {
		name   string
		mutate func(*kms.KmsKeyConfig)
		want   map[string]any // arguments that differ from the original module's
	}{
		{"description", func(c *kms.KmsKeyConfig) { c.Description = "Logs key" }, map[string]any{"description": "Logs key"}},
		{"deletion window", func(c *kms.KmsKeyConfig) { c.DeletionWindowInDays = 7 }, map[string]any{"deletion_window_in_days": 7.0}},
		{"rotation period", func(c *kms.KmsKeyConfig) { c.RotationPeriodInDays = 90 }, map[string]any{"rotation_period_in_days": 90.0}},
		{"multi-region", func(c *kms.KmsKeyConfig) { c.MultiRegion = true }, map[string]any{"multi_region": true}},
		{"disabled", func(c *kms.KmsKeyConfig) { c.IsEnabled = &off }, map[string]any{"is_enabled": false}},
		{"bypass lockout check", func(c *kms.KmsKeyConfig) { c.BypassPolicyLockoutSafetyCheck = true }, map[string]any{"bypass_policy_lockout_safety_check": true}},
		{"prevent destroy", func(c *kms.KmsKeyConfig) { c.PreventDestroy = true }, map[string]any{"lifecycle": map[string]any{"prevent_destroy": true}}},
		{"explicit symmetric spec", func(c *kms.KmsKeyConfig) {
			c.KeyUsage, c.CustomerMasterKeySpec = "ENCRYPT_DECRYPT", "SYMMETRIC_DEFAULT"
		}, map[string]any{"key_usage": "ENCRYPT_DECRYPT", "customer_master_key_spec": "SYMMETRIC_DEFAULT"}},
		{"hmac key does not rotate", func(c *kms.KmsKeyConfig) {
			c.KeyUsage, c.CustomerMasterKeySpec = "GENERATE_VERIFY_MAC", "HMAC_384"
		}, map[string]any{"key_usage": "GENERATE_VERIFY_MAC", "customer_master_key_spec": "HMAC_384", "enable_key_rotation": false}},
		{"extra tags", func(c *kms.KmsKeyConfig) { c.Tags = map[string]string{"Team": "platform"} },
			map[string]any{"tags": map[string]any{"Name": "dev-general-encryption-key", "Environment": "dev", "Team": "platform"}}},
		{"overridden name tag", func(c *kms.KmsKeyConfig) {
			c.Tags, c.OverrideStandardTags = map[string]string{"Name": "legacy"}, true
		}, map[string]any{"tags": map[string]any{"Name": "legacy", "Environment": "dev"}}},
	}
	_, base := synthKey(t, usageExample())
	baseArgs := base.Resource(t, "aws_kms_key", "kms")
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := usageExample()
			tc.mutate(cfg)
			_, doc := synthKey(t, cfg)
			got := doc.Resource(t, "aws_kms_key", "kms")
			want := map[string]any{}
			for k, v := range baseArgs {
				want[k] = v
			}
			for k, v := range tc.want {
				want[k] = v
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("arguments:\n got %v\nwant %v", got, want)
			}
		})
	}
}

func TestAliasesTargetTheKeyWithOutputsAndAccessors(t *testing.T) {
	cfg := usageExample()
	cfg.Aliases = []string{"dev-general-encryption-key", "alias/team/logs"}
	k, doc := synthKey(t, cfg)

	if got, want := k.Aliases(), []string{"alias/dev-general-encryption-key", "alias/team/logs"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Aliases() = %v, want %v", got, want)
	}
	if n := len(k.AliasArns()); n != 2 {
		t.Errorf("AliasArns() has %d tokens, want 2", n)
	}
	aliases := doc.Resources("aws_kms_alias")
	want := map[string]map[string]any{
		"kms_alias_dev-general-encryption-key": {"name": "alias/dev-general-encryption-key", "target_key_id": synthtest.Ref("aws_kms_key.kms", "key_id")},
		"kms_alias_team_logs":                  {"name": "alias/team/logs", "target_key_id": synthtest.Ref("aws_kms_key.kms", "key_id")},
	}
	if !reflect.DeepEqual(aliases, want) {
		t.Errorf("aliases:\n got %v\nwant %v", aliases, want)
	}
	names := doc.Output(t, "kms_alias_names")["value"]
	arns := doc.Output(t, "kms_alias_arns")["value"]
	wantNames := []any{synthtest.Ref("aws_kms_alias.kms_alias_dev-general-encryption-key", "name"), synthtest.Ref("aws_kms_alias.kms_alias_team_logs", "name")}
	wantArns := []any{synthtest.Ref("aws_kms_alias.kms_alias_dev-general-encryption-key", "arn"), synthtest.Ref("aws_kms_alias.kms_alias_team_logs", "arn")}
	if !reflect.DeepEqual(names, wantNames) || !reflect.DeepEqual(arns, wantArns) {
		t.Errorf("alias outputs: names %v, arns %v", names, arns)
	}
}

func TestCollisionsBetweenKeysInAStackAreRefused(t *testing.T) {
	stack := synthtest.NewStack(t)
	first := usageExample()
	first.Aliases = []string{"shared"}
	if _, err := kms.NewKmsKey(stack, "first", first); err != nil {
		t.Fatal(err)
	}

	sameAlias := usageExample()
	sameAlias.OutputPrefix = "second"
	sameAlias.Aliases = []string{"alias/shared"}
	_, err := kms.NewKmsKey(stack, "second", sameAlias)
	if err == nil || !strings.Contains(err.Error(), `Aliases[0]: "alias/shared": alias alias/shared in account 123456789012, region eu-west-1 is already created by aws_kms_key.first`) {
		t.Errorf("duplicate alias: %v", err)
	}

	sameOutput := usageExample()
	_, err = kms.NewKmsKey(stack, "third", sameOutput)
	if err == nil || !strings.Contains(err.Error(), `output kms_key_arn is already created by aws_kms_key.first`) || !strings.Contains(err.Error(), "give each key of a stack its own OutputPrefix (output_prefix") {
		t.Errorf("duplicate output: %v", err)
	}

	if got := synthtest.Synth(t, stack).Addresses(); !reflect.DeepEqual(got, []string{"aws_kms_alias.first_alias_shared", "aws_kms_key.first"}) {
		t.Errorf("refused keys added resources: %v", got)
	}
}

func policyOf(t *testing.T, doc *synthtest.Doc) []any {
	t.Helper()
	return synthtest.JSONArg(t, doc.Resource(t, "aws_kms_key", "kms"), "policy").(map[string]any)["Statement"].([]any)
}

func TestServicePrincipalsGetTheUsageActionsInOneStatement(t *testing.T) {
	cfg := usageExample()
	cfg.ServicePrincipals = []string{"s3.amazonaws.com", "delivery.logs.amazonaws.com"}
	_, doc := synthKey(t, cfg)
	statements := policyOf(t, doc)
	if len(statements) != 5 {
		t.Fatalf("%d statements, want the original 4 and one for the services", len(statements))
	}
	want := map[string]any{
		"Sid": "AllowAWSServicesToUseTheKey", "Effect": "Allow", "Resource": "*",
		"Principal": map[string]any{"Service": []any{"s3.amazonaws.com", "delivery.logs.amazonaws.com"}},
		"Action":    usageActions,
	}
	if !reflect.DeepEqual(statements[4], want) {
		t.Errorf("service statement:\n got %v\nwant %v", statements[4], want)
	}
}

func TestKeyAdministratorsManageButCannotUseTheKey(t *testing.T) {
	cfg := usageExample()
	cfg.KeyAdministrators = []string{"arn:aws:iam::123456789012:role/kms-admin"}
	_, doc := synthKey(t, cfg)
	statements := policyOf(t, doc)
	admin := statements[len(statements)-1].(map[string]any)
	if admin["Sid"] != "AllowKeyAdministration" || !reflect.DeepEqual(admin["Principal"], map[string]any{"AWS": "arn:aws:iam::123456789012:role/kms-admin"}) {
		t.Fatalf("administrators statement: %v", admin)
	}
	var actions []string
	for _, a := range admin["Action"].([]any) {
		actions = append(actions, a.(string))
	}
	// AWS's documented key administrator actions, and nothing that encrypts,
	// decrypts or makes data keys (no wildcard that would match them either).
	want := []string{"kms:CancelKeyDeletion", "kms:Create*", "kms:Delete*", "kms:Describe*", "kms:Disable*", "kms:Enable*", "kms:Get*",
		"kms:List*", "kms:Put*", "kms:Revoke*", "kms:RotateKeyOnDemand", "kms:ScheduleKeyDeletion", "kms:TagResource", "kms:UntagResource", "kms:Update*"}
	sorted := append([]string(nil), actions...)
	sort.Strings(sorted)
	if !reflect.DeepEqual(sorted, want) {
		t.Errorf("administrator actions %v, want %v", sorted, want)
	}
	for _, a := range actions {
		for _, use := range []string{"kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:Sign"} {
			if a == "kms:*" || (strings.HasSuffix(a, "*") && strings.HasPrefix(use, strings.TrimSuffix(a, "*"))) || a == use {
				t.Errorf("administrator action %s allows %s", a, use)
			}
		}
	}
}

func TestExtraStatementsComeLast(t *testing.T) {
	cfg := usageExample()
	cfg.KeyAdministrators = []string{"arn:aws:iam::123456789012:role/kms-admin"}
	cfg.ExtraPolicyStatements = mustStatements(`{"Sid": "DenyDeletionOutsideBreakGlass", "Effect": "Deny", "Principal": "*",
		"Action": "kms:ScheduleKeyDeletion", "Resource": "*",
		"Condition": {"StringNotEquals": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/break-glass"}}}`)
	_, doc := synthKey(t, cfg)
	statements := policyOf(t, doc)
	last := statements[len(statements)-1]
	want := map[string]any{
		"Sid": "DenyDeletionOutsideBreakGlass", "Effect": "Deny", "Principal": map[string]any{"AWS": "*"},
		"Action": "kms:ScheduleKeyDeletion", "Resource": "*",
		"Condition": map[string]any{"StringNotEquals": map[string]any{"aws:PrincipalArn": "arn:aws:iam::123456789012:role/break-glass"}},
	}
	if !reflect.DeepEqual(last, want) {
		t.Errorf("extra statement:\n got %v\nwant %v", last, want)
	}
	if statements[len(statements)-2].(map[string]any)["Sid"] != "AllowKeyAdministration" {
		t.Errorf("the administrators statement is not right before the extra one")
	}
}

func TestMovedBlocksForEveryKeyOfTheStack(t *testing.T) {
	stack := synthtest.NewStack(t)
	a := usageExample()
	a.MovedFrom = "module.kms.aws_kms_key.general_encryption_key"
	if _, err := kms.NewKmsKey(stack, "general_encryption_key", a); err != nil {
		t.Fatal(err)
	}
	b := usageExample()
	b.OutputPrefix = "logs"
	b.MovedFrom = "module.logs_kms.aws_kms_key.general_encryption_key"
	if _, err := kms.NewKmsKey(stack, "logs", b); err != nil {
		t.Fatal(err)
	}
	moved := synthtest.Synth(t, stack).Tree()["moved"]
	want := []any{
		map[string]any{"from": "module.kms.aws_kms_key.general_encryption_key", "to": "aws_kms_key.general_encryption_key"},
		map[string]any{"from": "module.logs_kms.aws_kms_key.general_encryption_key", "to": "aws_kms_key.logs"},
	}
	if !reflect.DeepEqual(moved, want) {
		t.Errorf("moved blocks:\n got %v\nwant %v", moved, want)
	}
}

func TestMovedFromTheKeysOwnAddressIsRefused(t *testing.T) {
	stack := synthtest.NewStack(t)
	cfg := usageExample()
	cfg.MovedFrom = "aws_kms_key.kms"
	if _, err := kms.NewKmsKey(stack, "kms", cfg); err == nil || !strings.Contains(err.Error(), "MovedFrom") {
		t.Errorf("moved onto itself: %v", err)
	}
}

func TestImportBlockUsesTheKeyId(t *testing.T) {
	for _, given := range []string{
		"1234abcd-12ab-34cd-56ef-1234567890ab",
		"arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
	} {
		cfg := usageExample()
		cfg.ImportKeyId = given
		_, doc := synthKey(t, cfg)
		want := []any{map[string]any{"id": "1234abcd-12ab-34cd-56ef-1234567890ab", "to": "aws_kms_key.kms"}}
		if got := doc.Tree()["import"]; !reflect.DeepEqual(got, want) {
			t.Errorf("import for %s:\n got %v\nwant %v", given, got, want)
		}
	}
}

func TestTheSameIdTwiceIsAnErrorNotAPanic(t *testing.T) {
	stack := synthtest.NewStack(t)
	if _, err := kms.NewKmsKey(stack, "kms", usageExample()); err != nil {
		t.Fatal(err)
	}
	second := usageExample()
	second.OutputPrefix = "other"
	_, err := kms.NewKmsKey(stack, "kms", second)
	if err == nil || !strings.Contains(err.Error(), `id: "kms": aws_kms_key.kms is already the address of another key`) {
		t.Errorf("second key with id kms: %v", err)
	}
}
