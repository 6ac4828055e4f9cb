package kms_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
)

// dnssecKey is a Route 53 DNSSEC key-signing key as Route 53 requires it.
func dnssecKey() *kms.KmsKeyConfig {
	cfg := usageExample()
	cfg.AwsRegion, cfg.CustomerMasterKeySpec, cfg.KeyUsage = "us-east-1", kms.KeySpecEccNistP256, kms.KeyUsageSignVerify
	cfg.ServicePrincipals = []string{"dnssec-route53.amazonaws.com"}
	return cfg
}

// The Route 53 DNSSEC preset writes the statements the Route 53 Developer
// Guide gives ("Working with customer managed keys for DNSSEC"), instead
// of the usage actions of a symmetric key, and trusts Route 53 with the
// grants for AWS resources it documents.
func TestRoute53DNSSECPreset(t *testing.T) {
	_, doc := synthKey(t, dnssecKey())
	statements := policyOf(t, doc)
	want := []any{
		map[string]any{
			"Sid": "Allow Route 53 DNSSEC Service", "Effect": "Allow", "Resource": "*",
			"Principal": map[string]any{"Service": "dnssec-route53.amazonaws.com"},
			"Action":    []any{"kms:DescribeKey", "kms:GetPublicKey", "kms:Sign"},
			"Condition": map[string]any{
				"StringEquals": map[string]any{"aws:SourceAccount": "123456789012"},
				"ArnLike":      map[string]any{"aws:SourceArn": "arn:aws:route53:::hostedzone/*"},
			},
		},
		map[string]any{
			"Sid": "Allow Route 53 DNSSEC to CreateGrant", "Effect": "Allow", "Resource": "*",
			"Principal": map[string]any{"Service": "dnssec-route53.amazonaws.com"},
			"Action":    "kms:CreateGrant",
			"Condition": map[string]any{"Bool": map[string]any{"kms:GrantIsForAWSResource": "true"}},
		},
	}
	var got []any
	for _, s := range statements {
		m := s.(map[string]any)
		if m["Sid"] == kms.SidServicePrincipals {
			t.Errorf("Route 53 is in the generic services statement too: %v", m)
		}
		if p, _ := m["Principal"].(map[string]any); p["Service"] == "dnssec-route53.amazonaws.com" {
			got = append(got, m)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Route 53 statements:\n got %v\nwant %v", got, want)
	}

	refused := map[string]struct {
		mutate func(*kms.KmsKeyConfig)
		want   string
	}{
		"outside us-east-1":   {func(c *kms.KmsKeyConfig) { c.AwsRegion = "eu-west-1" }, "region us-east-1 (aws_region), not eu-west-1"},
		"an RSA key":          {func(c *kms.KmsKeyConfig) { c.CustomerMasterKeySpec = kms.KeySpecRsa2048 }, "key spec ECC_NIST_P256 (customer_master_key_spec), not RSA_2048"},
		"a symmetric key":     {func(c *kms.KmsKeyConfig) { c.CustomerMasterKeySpec, c.KeyUsage = "", "" }, "key spec ECC_NIST_P256 (customer_master_key_spec), not SYMMETRIC_DEFAULT"},
		"a key agreement key": {func(c *kms.KmsKeyConfig) { c.KeyUsage = kms.KeyUsageKeyAgreement }, "key usage SIGN_VERIFY (key_usage), not KEY_AGREEMENT"},
	}
	for name, tc := range refused {
		cfg := dnssecKey()
		tc.mutate(cfg)
		err := cfg.Validate()
		if err == nil || !strings.Contains(err.Error(), `ServicePrincipals[0]: "dnssec-route53.amazonaws.com": can use only a key with`) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
	}
}

// A service principal gets the operations the key's usage allows, and
// kms:DescribeKey: never the symmetric encryption actions on a signing key.
func TestServicePrincipalsGetTheActionsOfTheKeyUsage(t *testing.T) {
	for _, c := range []struct {
		spec  kms.KeySpec
		usage kms.KeyUsage
		want  []any
	}{
		{kms.KeySpecEccNistP384, kms.KeyUsageSignVerify, []any{"kms:Sign", "kms:Verify", "kms:GetPublicKey", "kms:DescribeKey"}},
		{kms.KeySpecHmac256, kms.KeyUsageGenerateVerifyMac, []any{"kms:GenerateMac", "kms:VerifyMac", "kms:DescribeKey"}},
		{kms.KeySpecRsa2048, kms.KeyUsageEncryptDecrypt, []any{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GetPublicKey", "kms:DescribeKey"}},
		{kms.KeySpecEccNistP256, kms.KeyUsageKeyAgreement, []any{"kms:DeriveSharedSecret", "kms:GetPublicKey", "kms:DescribeKey"}},
	} {
		cfg := usageExample()
		cfg.CustomerMasterKeySpec, cfg.KeyUsage = c.spec, c.usage
		cfg.ServicePrincipals = []string{"s3.amazonaws.com"}
		_, doc := synthKey(t, cfg)
		for _, s := range policyOf(t, doc) {
			if m := s.(map[string]any); m["Sid"] == kms.SidServicePrincipals && !reflect.DeepEqual(m["Action"], c.want) {
				t.Errorf("%s %s: service actions %v, want %v", c.spec, c.usage, m["Action"], c.want)
			}
		}
	}
}
