package kms_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
	"github.com/cdktf-kms/cdktf-kms/internal/testutil/synthtest"
)

func externalExample() *kms.KmsKeyConfig {
	cfg := usageExample()
	cfg.Origin = kms.OriginExternal
	return cfg
}

// A key with imported key material, the material imported outside
// Terraform: an aws_kms_external_key with the module's policy, description
// and tags, no rotation argument (AWS rotates no such key), no material;
// the outputs, Address and the escape hatches follow the resource.
func TestExternalKeyWithoutMaterial(t *testing.T) {
	k, doc := synthKey(t, externalExample())
	if got := doc.Addresses(); !slices.Equal(got, []string{"aws_kms_external_key.kms"}) {
		t.Fatalf("addresses %v, want only aws_kms_external_key.kms", got)
	}
	r := doc.Resource(t, "aws_kms_external_key", "kms")
	if got := synthtest.JSONArg(t, r, "policy"); !jsonEqual(got, specPolicy("aws", "123456789012", "eu-west-1",
		"arn:aws:iam::123456789012:role/example-role", "arn:aws:iam::123456789012:role/another-role")) {
		t.Errorf("policy %v", got)
	}
	if r["description"] != kms.KeyDescription {
		t.Errorf("description %v", r["description"])
	}
	tags, _ := r["tags"].(map[string]any)
	if tags["Name"] != "dev-general-encryption-key" || tags["Environment"] != "dev" {
		t.Errorf("tags %v", tags)
	}
	for _, arg := range []string{"enable_key_rotation", "key_material_base64", "valid_to", "key_spec", "key_usage", "lifecycle"} {
		if _, ok := r[arg]; ok {
			t.Errorf("%s is set: %v", arg, r[arg])
		}
	}
	if o := doc.Output(t, "kms_key_arn"); o["value"] != synthtest.Ref("aws_kms_external_key.kms", "arn") {
		t.Errorf("output %v", o)
	}
	if k.Address() != "aws_kms_external_key.kms" || k.Key() != nil || k.ExternalKey() == nil {
		t.Errorf("Address %s, Key %v, ExternalKey %v", k.Address(), k.Key(), k.ExternalKey())
	}
	if w := strings.Join(k.Warnings(), "\n"); strings.Contains(w, "plain text") {
		t.Errorf("a key whose material Terraform never sees warns about the state: %s", w)
	}
}

// Material through a sensitive variable the key declares, an expiry,
// multi-Region with a replica and an alias: the replica is an
// aws_kms_replica_external_key with the same material and expiry; the
// alias of the key targets its id (aws_kms_external_key has no key_id),
// the replica's its key_id; the state warning is given.
func TestExternalKeyWithMaterialVariable(t *testing.T) {
	cfg := externalExample()
	cfg.KeyMaterialVariable = "dev_key_material"
	cfg.ValidTo = "2027-06-30T00:00:00Z"
	cfg.MultiRegion, cfg.ReplicaRegions = true, []string{"us-east-1"}
	cfg.Aliases = []string{"alias/dev"}
	cfg.KeyIdOutput = true
	k, doc := synthKey(t, cfg)
	v, _ := doc.Tree()["variable"].(map[string]any)["dev_key_material"].(map[string]any)
	if v["sensitive"] != true || v["type"] != "string" || v["nullable"] != false {
		t.Errorf("variable %v", v)
	}
	r := doc.Resource(t, "aws_kms_external_key", "kms")
	if r["key_material_base64"] != "${var.dev_key_material}" || r["valid_to"] != "2027-06-30T00:00:00Z" || r["multi_region"] != true {
		t.Errorf("key %v", r)
	}
	pre := preconditions(t, r)
	if len(pre) != 1 || !strings.Contains(pre[0]["condition"].(string), "var.dev_key_material") ||
		!strings.Contains(pre[0]["error_message"].(string), "key_material_variable: the key material of aws_kms_external_key.kms must be 256 bits") {
		t.Errorf("preconditions %v", pre)
	}
	rep := doc.Resource(t, "aws_kms_replica_external_key", "kms_replica_us_east_1")
	if rep["primary_key_arn"] != synthtest.Ref("aws_kms_external_key.kms", "arn") || rep["key_material_base64"] != "${var.dev_key_material}" ||
		rep["valid_to"] != "2027-06-30T00:00:00Z" || rep["policy"] == nil {
		t.Errorf("replica %v", rep)
	}
	if len(preconditions(t, rep)) != 1 {
		t.Errorf("replica preconditions %v", rep["lifecycle"])
	}
	if a := doc.Resource(t, "aws_kms_alias", "kms_alias_dev"); a["target_key_id"] != synthtest.Ref("aws_kms_external_key.kms", "id") {
		t.Errorf("alias %v", a)
	}
	if a := doc.Resource(t, "aws_kms_alias", "kms_alias_dev_us_east_1"); a["target_key_id"] != synthtest.Ref("aws_kms_replica_external_key.kms_replica_us_east_1", "key_id") {
		t.Errorf("replica alias %v", a)
	}
	if o := doc.Output(t, "kms_key_id"); o["value"] != synthtest.Ref("aws_kms_external_key.kms", "id") {
		t.Errorf("key id output %v", o)
	}
	if _, ok := doc.Resources("aws_kms_replica_key")["kms_replica_us_east_1"]; ok {
		t.Error("an aws_kms_replica_key for an external key")
	}
	if len(k.Replicas()) != 1 || k.Replicas()[0].Resource != nil || k.Replicas()[0].ExternalResource == nil {
		t.Errorf("replicas %+v", k.Replicas())
	}
	if w := strings.Join(k.Warnings(), "\n"); !strings.Contains(w, "stored in plain text in the Terraform state") {
		t.Errorf("warnings %s", w)
	}
}

// Material given by reference; grants of every kind name the external
// key: a native grant by its id, an IAM grant by its ARN.
func TestExternalKeyWithMaterialReferenceAndGrants(t *testing.T) {
	stack := synthtest.NewStack(t)
	material := cdktf.NewTerraformVariable(stack, jsii.String("material"), &cdktf.TerraformVariableConfig{Type: jsii.String("string"), Sensitive: jsii.Bool(true)})
	cfg := externalExample()
	cfg.KeyMaterialBase64 = *material.StringValue()
	cfg.KmsGrants = []kms.KmsGrantSpec{{Name: "app", GranteePrincipal: "arn:aws:iam::123456789012:role/app", Operations: []string{"Decrypt"}}}
	k := mustKey(t, stack, "kms", cfg)
	role := iamrole.NewIamRole(stack, jsii.String("reader"), &iamrole.IamRoleConfig{
		Name:             jsii.String("reader"),
		AssumeRolePolicy: jsii.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`),
	})
	if _, err := k.GrantDecrypt(kms.IamRoleGrantee(role)); err != nil {
		t.Fatal(err)
	}
	doc := synthtest.Synth(t, stack)
	r := doc.Resource(t, "aws_kms_external_key", "kms")
	if r["key_material_base64"] != "${var.material}" {
		t.Errorf("key material %v", r["key_material_base64"])
	}
	if g := doc.Resource(t, "aws_kms_grant", "kms_kms_grant_app"); g["key_id"] != synthtest.Ref("aws_kms_external_key.kms", "id") {
		t.Errorf("native grant %v", g)
	}
	found := false
	for _, p := range doc.Resources("aws_iam_role_policy") {
		raw, _ := json.Marshal(p["policy"])
		found = found || strings.Contains(string(raw), "aws_kms_external_key.kms.arn")
	}
	if !found {
		t.Errorf("no inline policy names aws_kms_external_key.kms.arn: %v", doc.Resources("aws_iam_role_policy"))
	}
}

// An asymmetric key with imported material writes key_spec and key_usage
// (overrides: the bindings lack them), and needs the provider 6.11.0,
// which the stack's constraint must require; the public key output needs
// the material given to Terraform.
func TestExternalAsymmetricKeyNeedsProvider6_11(t *testing.T) {
	cfg := externalExample()
	cfg.AdditionalPrincipals = nil
	cfg.CustomerMasterKeySpec, cfg.KeyUsage = kms.KeySpecEccNistP256, kms.KeyUsageSignVerify
	_, err := kms.NewKmsKey(synthtest.NewStack(t), "kms", cfg)
	if err == nil || !strings.Contains(err.Error(), `Origin: "EXTERNAL": a key with imported key material of key spec ECC_NIST_P256 and usage SIGN_VERIFY needs the AWS provider 6.11.0 or later`) {
		t.Fatalf("with the bindings' constraint: %v", err)
	}
	stack := synthtest.NewStack(t)
	if err := kms.SetAwsProviderConstraint(stack, ">= 6.11.0, < 7.0.0"); err != nil {
		t.Fatal(err)
	}
	mustKey(t, stack, "kms", cfg)
	r := synthtest.Synth(t, stack).Resource(t, "aws_kms_external_key", "kms")
	if r["key_spec"] != "ECC_NIST_P256" || r["key_usage"] != "SIGN_VERIFY" {
		t.Errorf("key %v", r)
	}
	cfg.PublicKeyOutput = true
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "PublicKeyOutput: true: the key waits in PendingImport") {
		t.Errorf("public key of a key waiting for its material: %v", err)
	}
	// A symmetric key at the defaults writes neither, and needs nothing.
	sym := externalExample()
	sym.CustomerMasterKeySpec, sym.KeyUsage = kms.KeySpecSymmetricDefault, kms.KeyUsageEncryptDecrypt
	_, doc := synthKey(t, sym)
	if r := doc.Resource(t, "aws_kms_external_key", "kms"); r["key_spec"] != nil || r["key_usage"] != nil {
		t.Errorf("symmetric key %v", r)
	}
}

// What AWS forbids for keys with imported material, and what would put the
// material in the repository, is refused with the field and the rule.
func TestExternalKeyRules(t *testing.T) {
	on := true
	for _, c := range []struct {
		mutate func(*kms.KmsKeyConfig)
		want   string
	}{
		{func(c *kms.KmsKeyConfig) { c.KeyMaterialBase64 = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" }, "KeyMaterialBase64: is a literal: key material written in the code"},
		{func(c *kms.KmsKeyConfig) { c.KeyMaterialBase64, c.KeyMaterialVariable = "${TfToken[TOKEN.1]}", "m" }, "KeyMaterialBase64: set key_material_base64 or key_material_variable"},
		{func(c *kms.KmsKeyConfig) { c.KeyMaterialVariable = "count" }, `KeyMaterialVariable: "count": must be a Terraform variable name`},
		{func(c *kms.KmsKeyConfig) { c.KeyMaterialVariable = "1m" }, `KeyMaterialVariable: "1m": must be a Terraform variable name`},
		{func(c *kms.KmsKeyConfig) { c.ValidTo = "2027-06-30T00:00:00Z" }, `ValidTo: "2027-06-30T00:00:00Z": only with key material given to Terraform`},
		{func(c *kms.KmsKeyConfig) { c.KeyMaterialVariable, c.ValidTo = "m", "2027-06-30" }, `ValidTo: "2027-06-30": must be an RFC 3339 date and time`},
		{func(c *kms.KmsKeyConfig) { c.EnableKeyRotation = &on }, "EnableKeyRotation: true: AWS does not rotate keys with imported key material automatically"},
		{func(c *kms.KmsKeyConfig) { c.RotationPeriodInDays = 365 }, "RotationPeriodInDays: 365: only applies with rotation on, and AWS does not rotate keys with imported key material"},
		{func(c *kms.KmsKeyConfig) { c.CustomKeyStoreId = "cks-1234567890abcdef0" }, `Origin: "EXTERNAL": you cannot import key material into a key in a custom key store`},
		{func(c *kms.KmsKeyConfig) { c.Origin = "AWS_CLOUDHSM" }, `Origin: "AWS_CLOUDHSM": a key in a custom key store takes its origin from custom_key_store_id`},
		{func(c *kms.KmsKeyConfig) { c.Origin = "external" }, `Origin: "external": must be AWS_KMS or EXTERNAL`},
		{func(c *kms.KmsKeyConfig) { c.Origin, c.KeyMaterialVariable = kms.OriginAwsKms, "m" }, `KeyMaterialVariable: "m": only with origin EXTERNAL`},
		{func(c *kms.KmsKeyConfig) { c.MovedFrom = "module.kms.aws_kms_key.general_encryption_key" }, "MovedFrom: \"module.kms.aws_kms_key.general_encryption_key\": must be the Terraform address of an aws_kms_external_key"},
	} {
		cfg := externalExample()
		c.mutate(cfg)
		err := cfg.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v, want %q", err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "AAAAAAAAAAAAAAAA") {
			t.Errorf("the error shows the key material: %v", err)
		}
	}
	// Rotation false is what AWS does anyway, and accepted; moving from an
	// external key's old address emits the moved block.
	off := false
	cfg := externalExample()
	cfg.EnableKeyRotation = &off
	cfg.MovedFrom = "module.kms.aws_kms_external_key.general_encryption_key"
	_, doc := synthKey(t, cfg)
	moved, _ := json.Marshal(doc.Tree()["moved"])
	if !strings.Contains(string(moved), `"from":"module.kms.aws_kms_external_key.general_encryption_key"`) || !strings.Contains(string(moved), `"to":"aws_kms_external_key.kms"`) {
		t.Errorf("moved %s", moved)
	}
}

// Two keys of a stack cannot declare the same material variable, and a
// variable the user declared with that name is a clash too.
func TestExternalKeyMaterialVariableIsClaimed(t *testing.T) {
	stack := synthtest.NewStack(t)
	cfg := externalExample()
	cfg.KeyMaterialVariable = "material"
	mustKey(t, stack, "a", cfg)
	cfg.OutputPrefix = "b"
	if _, err := kms.NewKmsKey(stack, "b", cfg); err == nil || !strings.Contains(err.Error(), "variable material is already created by aws_kms_external_key.a") {
		t.Errorf("second key: %v", err)
	}
	stack = synthtest.NewStack(t)
	cdktf.NewTerraformVariable(stack, jsii.String("material"), &cdktf.TerraformVariableConfig{Type: jsii.String("string")})
	if _, err := kms.NewKmsKey(stack, "a", cfg); err == nil || !strings.Contains(err.Error(), `(cdktf.TerraformVariable) already has the construct id "material" in the stack`) {
		t.Errorf("user's variable: %v", err)
	}
}

func preconditions(t *testing.T, r map[string]any) []map[string]any {
	t.Helper()
	lc, _ := r["lifecycle"].(map[string]any)
	raw, _ := json.Marshal(lc["precondition"])
	var out []map[string]any
	_ = json.Unmarshal(raw, &out)
	return out
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// Found by trying to break the feature: grants and roles on an external
// key with replicas name every replica's ARN (a nil replica resource
// crashed them); the material is never shown, also when origin is not
// EXTERNAL; material with literal text beside the reference is refused;
// the variable's name cannot take a construct id the stack (or the key)
// already has, nor Default, which cdktf leaves out of names.
func TestExternalKeyEdges(t *testing.T) {
	cfg := externalExample()
	cfg.KeyMaterialVariable = "mat"
	cfg.MultiRegion, cfg.ReplicaRegions = true, []string{"us-east-1"}
	cfg.Roles = []kms.RoleSpec{{Service: "lambda"}}
	stack := synthtest.NewStack(t)
	k := mustKey(t, stack, "kms", cfg)
	if _, err := k.GrantDecrypt(kms.RoleGrantee("arn:aws:iam::123456789012:role/app")); err != nil {
		t.Fatal(err)
	}
	doc := synthtest.Synth(t, stack)
	replicaArn := synthtest.Ref("aws_kms_replica_external_key.kms_replica_us_east_1", "arn")
	policies := 0
	for name, p := range doc.Resources("aws_iam_role_policy") {
		raw, _ := json.Marshal(p["policy"])
		if !strings.Contains(string(raw), replicaArn) {
			t.Errorf("%s does not name the replica: %s", name, raw)
		}
		policies++
	}
	if policies != 2 {
		t.Errorf("%d inline policies, want the role's and the grant's", policies)
	}

	const secret = "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI="
	plain := usageExample()
	plain.KeyMaterialBase64 = secret
	if err := plain.Validate(); err == nil || !strings.Contains(err.Error(), "KeyMaterialBase64: only with origin EXTERNAL") || strings.Contains(err.Error(), "c2VjcmV0") {
		t.Errorf("material without origin EXTERNAL: %v", err)
	}
	mixed := externalExample()
	v := cdktf.NewTerraformVariable(synthtest.NewStack(t), jsii.String("m"), &cdktf.TerraformVariableConfig{Type: jsii.String("string")})
	mixed.KeyMaterialBase64 = "c2VjcmV0" + *v.StringValue()
	if err := mixed.Validate(); err == nil || !strings.Contains(err.Error(), "KeyMaterialBase64: holds literal text beside a reference") || strings.Contains(err.Error(), "c2VjcmV0") {
		t.Errorf("material with literal text: %v", err)
	}

	named := externalExample()
	named.KeyMaterialVariable = "Default"
	if err := named.Validate(); err == nil || !strings.Contains(err.Error(), `KeyMaterialVariable: "Default": cannot be Default`) {
		t.Errorf("a variable named Default: %v", err)
	}
	named.KeyMaterialVariable = "kms"
	if _, err := kms.NewKmsKey(synthtest.NewStack(t), "kms", named); err == nil || !strings.Contains(err.Error(), `KeyMaterialVariable: "kms": is the key's own construct id`) {
		t.Errorf("a variable named as the key: %v", err)
	}
	stack = synthtest.NewStack(t)
	mustKey(t, stack, "team", usageExample())
	named.KeyMaterialVariable, named.OutputPrefix = "team", "byok"
	if _, err := kms.NewKmsKey(stack, "byok", named); err == nil || !strings.Contains(err.Error(), `KeyMaterialVariable: "team": variable team:`) || !strings.Contains(err.Error(), `already has the construct id "team"`) {
		t.Errorf("a variable named as another construct of the stack: %v", err)
	}
}
