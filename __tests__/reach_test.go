package tests

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
	"github.com/cdktf-kms/cdktf-kms/internal/testutil/synthtest"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// TestReferencesMeetTheReachRulesAtPlan lets the real terraform evaluate the
// preconditions the construct adds for principals given by reference: each
// variable set to a value the literal path accepts plans; set to a value it
// refuses (a wildcard, a group, management to an untrusted account, an
// untrusted service, a role ARN of another account for an IAM grant), the
// plan stops with the message that names the field. The preconditions are
// copied onto terraform_data resources (with the same for_each), so no
// provider is needed: the conditions read only the variables.
func TestReferencesMeetTheReachRulesAtPlan(t *testing.T) {
	terraformBinary(t)
	stack := synthtest.NewStack(t)
	variable := func(name, typ string) cdktf.TerraformVariable {
		return cdktf.NewTerraformVariable(stack, jsii.String(name), &cdktf.TerraformVariableConfig{Type: jsii.String(typ)})
	}
	reader, admins := variable("reader", "string"), variable("admins", "list(string)")
	grantee, retiring := variable("grantee", "string"), variable("retiring", "string")
	user := variable("user", "string")
	roleArn, roleArns := variable("role_arn", "string"), variable("role_arns", "list(string)")
	alias := variable("alias", "string")
	cfg := &kms.KmsKeyConfig{
		AwsAccountId: "123456789012", AwsRegion: "eu-west-1", NamePrefix: "refs", Environment: "test",
		AdditionalPrincipals: []string{*reader.StringValue()},
		KeyAdministrators:    []string{*(*admins.ListValue())[0]},
		TrustedAccountIds:    []string{"210987654321"},
		Aliases:              []string{"alias/refs-literal", *alias.StringValue()},
		KmsGrants: []kms.KmsGrantSpec{{Name: "g", GranteePrincipal: *grantee.StringValue(), RetiringPrincipal: *retiring.StringValue(),
			Operations: []string{"Decrypt", "CreateGrant"}},
			// usage only: any account, or a service of the partition
			{Name: "u", GranteePrincipal: *user.StringValue(), Operations: []string{"Decrypt"}}},
	}
	key, err := kms.NewKmsKey(stack, "refs", cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := key.GrantDecrypt(kms.RoleGrantee(*roleArn.StringValue())); err != nil {
		t.Fatal(err)
	}
	if _, err := key.GrantDecrypt(kms.RoleGrantee(*(*roleArns.ListValue())[0])); err != nil {
		t.Fatal(err)
	}
	// A key created elsewhere (its ARN a reference): the inline policy
	// lands in the account Terraform deploys to, whatever the key's, so a
	// grantee's ARN, a reference or a literal, is compared with the
	// caller's account at plan.
	keyArn, importedRole := variable("key_arn", "string"), variable("imported_role", "string")
	imported, err := kms.FromKeyArn(stack, "imported", *keyArn.StringValue())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := imported.GrantDecrypt(kms.RoleGrantee(*importedRole.StringValue())); err != nil {
		t.Fatal(err)
	}
	if _, err := imported.GrantEncrypt(kms.RoleGrantee("arn:aws:iam::444455556666:role/writer")); err != nil {
		t.Fatal(err)
	}
	doc := synthtest.Synth(t, stack)

	// The preconditions of every resource, on terraform_data stand-ins.
	checks := map[string]any{}
	for _, typ := range []string{"aws_kms_key", "aws_kms_grant", "aws_iam_role_policy", "aws_kms_alias"} {
		for name, r := range doc.Resources(typ) {
			lc, _ := r["lifecycle"].(map[string]any)
			if lc == nil || lc["precondition"] == nil {
				continue
			}
			stand := map[string]any{"lifecycle": map[string]any{"precondition": lc["precondition"]}}
			if fe, ok := r["for_each"]; ok {
				stand["for_each"] = fe
			}
			checks[typ+"_"+name] = stand
		}
	}
	if len(checks) != 8 {
		t.Fatalf("want preconditions on the key, the native grant, the four inline policies and the alias given by reference; got %v", slices.Sorted(maps.Keys(checks)))
	}
	// The caller's account comes from data.aws_caller_identity; here, a
	// variable stands in for it.
	caller := "data.aws_caller_identity.imported_caller_identity.account_id"
	if _, ok := doc.Data("aws_caller_identity")["imported_caller_identity"]; !ok {
		t.Fatalf("no data.aws_caller_identity.imported_caller_identity for the key created elsewhere")
	}
	standIns, _ := json.Marshal(checks)
	if !strings.Contains(string(standIns), caller) {
		t.Fatalf("no precondition reads %s", caller)
	}
	checks = nil
	if err := json.Unmarshal([]byte(strings.ReplaceAll(string(standIns), caller, "var.caller_account")), &checks); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	config := map[string]any{
		"variable": map[string]any{
			"reader": map[string]any{"type": "string"}, "admins": map[string]any{"type": "list(string)"},
			"grantee": map[string]any{"type": "string"}, "retiring": map[string]any{"type": "string"}, "user": map[string]any{"type": "string"},
			"role_arn": map[string]any{"type": "string"}, "role_arns": map[string]any{"type": "list(string)"},
			"key_arn": map[string]any{"type": "string"}, "imported_role": map[string]any{"type": "string"},
			"caller_account": map[string]any{"type": "string"}, "alias": map[string]any{"type": "string"},
		},
		"resource": map[string]any{"terraform_data": checks},
	}
	raw, _ := json.MarshalIndent(config, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, "main.tf.json"), raw, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := terraform(t, dir, "init", "-backend=false"); err != nil {
		t.Fatal(err)
	}
	good := map[string]any{
		"reader":    "arn:aws:iam::999999999999:role/reader", // usage: any account
		"admins":    []string{"arn:aws:iam::123456789012:role/admin", "arn:aws:iam::210987654321:root"},
		"grantee":   "arn:aws:iam::210987654321:role/app", // CreateGrant: a trusted account
		"retiring":  "arn:aws:iam::123456789012:role/ops",
		"user":      "s3.amazonaws.com",
		"role_arn":  "arn:aws:iam::123456789012:role/team/app",
		"role_arns": []string{"worker", "arn:aws:iam::123456789012:role/batch"},
		// A key of another account than the one Terraform deploys to.
		"key_arn":        "arn:aws:kms:eu-west-1:777788889999:key/1234abcd-12ab-34cd-56ef-1234567890ab",
		"imported_role":  "arn:aws:iam::444455556666:role/reader",
		"caller_account": "444455556666",
		"alias":          "alias/team/app-key_2",
	}
	plan := func(vars map[string]any) error {
		path := filepath.Join(dir, "vars.tfvars.json")
		b, _ := json.Marshal(vars)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := terraform(t, dir, "plan", "-no-color", "-lock=false", "-var-file="+path)
		return err
	}
	if err := plan(good); err != nil {
		t.Fatalf("accepted values do not plan: %v", err)
	}
	byName := maps.Clone(good)
	byName["imported_role"] = "reader"
	if err := plan(byName); err != nil {
		t.Errorf("a role name for the key of unknown account does not plan: %v", err)
	}
	longest := maps.Clone(good)
	longest["alias"] = "alias/" + strings.Repeat("a", 250) // 256 characters, AWS's most
	if err := plan(longest); err != nil {
		t.Errorf("an alias of 256 characters does not plan: %v", err)
	}
	refused := []struct {
		name, variable string
		value          any
		want           string
	}{
		{"a wildcard reader", "reader", "*", "additional_principals[0]: the reference ${var.reader}"},
		{"a group", "reader", "arn:aws:iam::123456789012:group/devs", "additional_principals[0]: the reference ${var.reader}"},
		{"a bare account id where an ARN is taken", "reader", "123456789012", "additional_principals[0]: the reference ${var.reader}"},
		{"a service of another partition", "user", "s3.amazonaws.com.cn", `kms_grants[1].grantee_principal`},
		{"a wildcard service", "user", "*.amazonaws.com", `kms_grants[1].grantee_principal`},
		{"an administrator of an untrusted account", "admins", []string{"arn:aws:iam::123456789012:role/admin", "arn:aws:iam::999999999999:role/admin"}, "key_administrators: the reference ${var.admins}"},
		{"a wildcard among administrators", "admins", []string{"*"}, "key_administrators: the reference ${var.admins}"},
		{"CreateGrant to an untrusted account", "grantee", "arn:aws:iam::999999999999:role/app", `kms_grants[0].grantee_principal`},
		{"a grantee that is an account id", "grantee", "123456789012", `kms_grants[0].grantee_principal`},
		{"a service that is not trusted", "grantee", "s3.amazonaws.com", `kms_grants[0].grantee_principal`},
		{"a retiring principal of an untrusted account", "retiring", "arn:aws:iam::999999999999:role/ops", `kms_grants[0].retiring_principal`},
		{"an IAM grant to a namesake role of another account", "role_arn", "arn:aws:iam::999999999999:role/team/app", "grantee: the reference ${var.role_arn} must name an IAM role of the key's account, 123456789012"},
		{"an IAM grant to a user ARN as a role", "role_arn", "arn:aws:iam::123456789012:user/app", "grantee: the reference ${var.role_arn}"},
		{"an IAM grant on a key created elsewhere to another account than the deploying one", "imported_role", "arn:aws:iam::123456789012:role/reader", "grantee: the reference ${var.imported_role} must name an IAM role of the account Terraform deploys to"},
		{"an IAM grant on a key created elsewhere to the key's account, not the deploying one", "imported_role", "arn:aws:iam::777788889999:role/reader", "grantee: the reference ${var.imported_role} must name an IAM role of the account Terraform deploys to"},
		{"a literal grantee ARN of another account than the deploying one", "caller_account", "999999999999", "grantee: arn:aws:iam::444455556666:role/writer is in account 444455556666, but Terraform deploys to another account"},
		{"an IAM grant in a list to another account", "role_arns", []string{"worker", "arn:aws:iam::999999999999:role/batch"}, "grantee: the reference ${var.role_arns}"},
		{"an alias without the prefix", "alias", "app-key", "aliases[1]: the reference ${var.alias} is an alias name of aws_kms_key.refs"},
		{"an alias under alias/aws/", "alias", "alias/AWS/ebs", "aliases[1]: the reference ${var.alias}"},
		{"an alias with a space", "alias", "alias/app key", "aliases[1]: the reference ${var.alias}"},
		{"an alias of 257 characters", "alias", "alias/" + strings.Repeat("a", 251), "aliases[1]: the reference ${var.alias}"},
	}
	for _, c := range refused {
		vars := maps.Clone(good)
		vars[c.variable] = c.value
		err := plan(vars)
		if err == nil {
			t.Errorf("%s: %s = %v plans", c.name, c.variable, c.value)
			continue
		}
		// Terraform wraps long messages: compare without line breaks.
		if flat := strings.Join(strings.Fields(err.Error()), " "); !strings.Contains(flat, c.want) {
			t.Errorf("%s: the plan fails, but not with %q:\n%v", c.name, c.want, err)
		}
	}
}
