package kms_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
	"github.com/cdktf-kms/cdktf-kms/internal/testutil/synthtest"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
)

// key_policy_resource writes the same policy, byte for byte, as
// aws_kms_key_policy.<name>_policy (and each replica's as its own), and
// the key (and its replicas) without one; everything else stays.
func TestKeyPolicyResource(t *testing.T) {
	cfg := usageExample()
	cfg.MultiRegion, cfg.ReplicaRegions = true, []string{"us-east-1"}
	cfg.BypassPolicyLockoutSafetyCheck = true
	_, inline := synthKey(t, cfg)
	cfg = usageExample()
	cfg.MultiRegion, cfg.ReplicaRegions = true, []string{"us-east-1"}
	cfg.BypassPolicyLockoutSafetyCheck = true
	cfg.KeyPolicyResource = true
	_, separate := synthKey(t, cfg)

	key := separate.Resource(t, "aws_kms_key", "kms")
	if _, has := key["policy"]; has {
		t.Errorf("the key still has a policy argument")
	}
	p := separate.Resource(t, "aws_kms_key_policy", "kms_policy")
	if p["policy"] != inline.Resource(t, "aws_kms_key", "kms")["policy"] {
		t.Errorf("the policy resource's policy differs from the inline one:\n%v\n%v", p["policy"], inline.Resource(t, "aws_kms_key", "kms")["policy"])
	}
	if p["key_id"] != synthtest.Ref("aws_kms_key.kms", "key_id") || p["bypass_policy_lockout_safety_check"] != true {
		t.Errorf("policy resource %v", p)
	}
	replica := separate.Resource(t, "aws_kms_replica_key", "kms_replica_us_east_1")
	if _, has := replica["policy"]; has {
		t.Errorf("the replica still has a policy argument")
	}
	rp := separate.Resource(t, "aws_kms_key_policy", "kms_replica_us_east_1_policy")
	if rp["policy"] != inline.Resource(t, "aws_kms_replica_key", "kms_replica_us_east_1")["policy"] || rp["provider"] != replica["provider"] ||
		rp["key_id"] != synthtest.Ref("aws_kms_replica_key.kms_replica_us_east_1", "key_id") {
		t.Errorf("replica policy resource %v", rp)
	}
	// Nothing else differs: the key's other arguments and every other
	// resource.
	delete(key, "policy")
	want := inline.Resource(t, "aws_kms_key", "kms")
	delete(want, "policy")
	if mustJSONText(key) != mustJSONText(want) {
		t.Errorf("the key's other arguments changed:\n%v\n%v", key, want)
	}
	want2 := append(inline.Addresses(), "aws_kms_key_policy.kms_policy", "aws_kms_key_policy.kms_replica_us_east_1_policy")
	slices.Sort(want2)
	if got := separate.Addresses(); !slices.Equal(got, want2) {
		t.Errorf("addresses %v, want %v", got, want2)
	}
}

// With the policy a resource of its own, a key user that is a role whose
// policy names the key does not make the key depend on the role: the
// cycle Terraform refuses with the inline policy is gone, and the checks
// of the reference go with the policy resource.
func TestKeyPolicyResourceBreaksTheCycle(t *testing.T) {
	stack := synthtest.NewStack(t)
	role := iamrole.NewIamRole(stack, jsii.String("worker"), &iamrole.IamRoleConfig{AssumeRolePolicy: jsii.String("{}")})
	cfg := usageExample()
	cfg.KeyUsers = []string{*role.Arn()}
	cfg.KeyPolicyResource = true
	key := mustKey(t, stack, "kms", cfg)
	if _, err := key.GrantDecrypt(kms.IamRoleGrantee(role)); err != nil {
		t.Fatal(err)
	}
	doc := synthtest.Synth(t, stack)
	if s := mustJSONText(doc.Resource(t, "aws_kms_key", "kms")); strings.Contains(s, "aws_iam_role") {
		t.Errorf("the key refers to the role, which uses the key: a cycle\n%s", s)
	}
	p := doc.Resource(t, "aws_kms_key_policy", "kms_policy")
	if !strings.Contains(p["policy"].(string), "${aws_iam_role.worker.arn}") {
		t.Errorf("the policy does not name the role: %v", p["policy"])
	}
	if lc, _ := p["lifecycle"].(map[string]any); lc == nil || lc["precondition"] == nil {
		t.Errorf("the reference's checks are not on the policy resource: %v", p)
	}
}

func mustJSONText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// public_key_output reads an asymmetric key's public key with a data
// source and outputs it; a symmetric key has none.
func TestPublicKeyOutput(t *testing.T) {
	cfg := usageExample()
	cfg.AdditionalPrincipals = nil
	cfg.CustomerMasterKeySpec, cfg.KeyUsage = kms.KeySpecEccNistP256, kms.KeyUsageSignVerify
	cfg.PublicKeyOutput = true
	_, doc := synthKey(t, cfg)
	d, _ := doc.Tree()["data"].(map[string]any)["aws_kms_public_key"].(map[string]any)["kms_public_key"].(map[string]any)
	if d["key_id"] != synthtest.Ref("aws_kms_key.kms", "arn") {
		t.Errorf("data source %v", d)
	}
	if o := doc.Output(t, "kms_public_key_pem"); o["value"] != synthtest.Ref("data.aws_kms_public_key.kms_public_key", "public_key_pem") {
		t.Errorf("output %v", o)
	}
	sym := usageExample()
	sym.PublicKeyOutput = true
	if err := sym.Validate(); err == nil || !strings.Contains(err.Error(), "PublicKeyOutput: true: only asymmetric keys have a public key") {
		t.Errorf("a symmetric key's public key: %v", err)
	}
}

// A key in a custom key store: symmetric, single-Region, without rotation,
// an external key store's key with its external key.
func TestCustomKeyStore(t *testing.T) {
	cfg := usageExample()
	cfg.CustomKeyStoreId, cfg.XksKeyId = "cks-1234567890abcdef0", "ext-key.1"
	_, doc := synthKey(t, cfg)
	k := doc.Resource(t, "aws_kms_key", "kms")
	if k["custom_key_store_id"] != "cks-1234567890abcdef0" || k["xks_key_id"] != "ext-key.1" || k["enable_key_rotation"] != false {
		t.Errorf("key %v", k)
	}
	for _, c := range []struct {
		mutate func(*kms.KmsKeyConfig)
		want   string
	}{
		{func(c *kms.KmsKeyConfig) {
			c.CustomerMasterKeySpec, c.KeyUsage = kms.KeySpecRsa2048, kms.KeyUsageEncryptDecrypt
		}, "AWS creates only symmetric encryption keys in a single Region in a custom key store"},
		{func(c *kms.KmsKeyConfig) { c.MultiRegion = true }, "MultiRegion: true: AWS creates only symmetric encryption keys in a single Region"},
		{func(c *kms.KmsKeyConfig) { on := true; c.EnableKeyRotation = &on }, "AWS does not rotate keys in a custom key store"},
		{func(c *kms.KmsKeyConfig) { c.RotationPeriodInDays = 365 }, "RotationPeriodInDays: 365: only applies with rotation on"},
		{func(c *kms.KmsKeyConfig) { c.CustomKeyStoreId = "store" }, `CustomKeyStoreId: "store": must be a custom key store id`},
		{func(c *kms.KmsKeyConfig) { c.CustomKeyStoreId = "" }, `XksKeyId: "ext-key.1": only with custom_key_store_id`},
		{func(c *kms.KmsKeyConfig) { c.XksKeyId = "a b" }, `XksKeyId: "a b": must be 1 to 128 letters`},
	} {
		cfg := usageExample()
		cfg.CustomKeyStoreId, cfg.XksKeyId = "cks-1234567890abcdef0", "ext-key.1"
		c.mutate(cfg)
		if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v, want %q", err, c.want)
		}
	}
}

// prevent_destroy protects the policy resources too: destroying one puts
// AWS's default policy on the key.
func TestKeyPolicyResourceKeepsPreventDestroy(t *testing.T) {
	cfg := usageExample()
	cfg.MultiRegion, cfg.ReplicaRegions = true, []string{"us-east-1"}
	cfg.KeyPolicyResource, cfg.PreventDestroy = true, true
	_, doc := synthKey(t, cfg)
	for _, name := range []string{"kms_policy", "kms_replica_us_east_1_policy"} {
		lc, _ := doc.Resource(t, "aws_kms_key_policy", name)["lifecycle"].(map[string]any)
		if lc["prevent_destroy"] != true {
			t.Errorf("aws_kms_key_policy.%s has no prevent_destroy: %v", name, lc)
		}
	}
	off := false
	cfg = usageExample()
	cfg.AdditionalPrincipals = nil
	cfg.CustomerMasterKeySpec, cfg.KeyUsage, cfg.PublicKeyOutput, cfg.IsEnabled = kms.KeySpecEccNistP256, kms.KeyUsageSignVerify, true, &off
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "GetPublicKey refuses a disabled key") {
		t.Errorf("a public key output of a disabled key: %v", err)
	}
}
