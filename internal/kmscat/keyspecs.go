package kmscat

import "slices"

// KeySpec is a key spec with the key usages AWS allows with it (AWS KMS
// Developer Guide, "Key spec reference",
// https://docs.aws.amazon.com/kms/latest/developerguide/key-spec-reference.html).
type KeySpec struct {
	Name   string
	Usages []string
	// ChinaOnly: the spec exists only in the China Regions (SM2).
	ChinaOnly bool
	// Provider is the first AWS provider release that accepts the spec in
	// aws_kms_key.customer_master_key_spec ("" for the provider 5.84.0 the
	// bindings pin), and ProviderSource where that is said.
	Provider, ProviderSource string
}

// keySpecs are the key specs, sorted: those the AWS provider 5.84.0
// accepts, and those a later release added.
var keySpecs = []KeySpec{
	{Name: "ECC_NIST_P256", Usages: []string{UsageSignVerify, UsageKeyAgreement}},
	{Name: "ECC_NIST_P384", Usages: []string{UsageSignVerify, UsageKeyAgreement}},
	{Name: "ECC_NIST_P521", Usages: []string{UsageSignVerify, UsageKeyAgreement}},
	{Name: "ECC_NIST_EDWARDS25519", Usages: []string{UsageSignVerify}, Provider: "6.21.0",
		ProviderSource: "the provider validates the spec against the AWS SDK for Go v2's KeySpec enum, which has ECC_NIST_EDWARDS25519 from service/kms v1.48.0 (2025-11-07); 6.21.0 (2025-11-13) is the first release with that SDK (hashicorp/terraform-provider-aws#45015, #45007)"},
	{Name: "ECC_SECG_P256K1", Usages: []string{UsageSignVerify}},
	{Name: "HMAC_224", Usages: []string{UsageGenerateVerifyMac}},
	{Name: "HMAC_256", Usages: []string{UsageGenerateVerifyMac}},
	{Name: "HMAC_384", Usages: []string{UsageGenerateVerifyMac}},
	{Name: "HMAC_512", Usages: []string{UsageGenerateVerifyMac}},
	{Name: "ML_DSA_44", Usages: []string{UsageSignVerify}, Provider: "6.2.0", ProviderSource: mlDSASource},
	{Name: "ML_DSA_65", Usages: []string{UsageSignVerify}, Provider: "6.2.0", ProviderSource: mlDSASource},
	{Name: "ML_DSA_87", Usages: []string{UsageSignVerify}, Provider: "6.2.0", ProviderSource: mlDSASource},
	{Name: "RSA_2048", Usages: []string{UsageEncryptDecrypt, UsageSignVerify}},
	{Name: "RSA_3072", Usages: []string{UsageEncryptDecrypt, UsageSignVerify}},
	{Name: "RSA_4096", Usages: []string{UsageEncryptDecrypt, UsageSignVerify}},
	{Name: "SM2", Usages: []string{UsageEncryptDecrypt, UsageSignVerify, UsageKeyAgreement}, ChinaOnly: true},
	{Name: "SYMMETRIC_DEFAULT", Usages: []string{UsageEncryptDecrypt}},
}

// mlDSASource is where the provider says it added the ML-DSA key specs.
const mlDSASource = "the provider's CHANGELOG for 6.2.0: resource/aws_kms_key supports ML_DSA_44, ML_DSA_65 and ML_DSA_87 (hashicorp/terraform-provider-aws#43128)"

// KeyUsages are the key usages, in AWS's order.
func KeyUsages() []string {
	return []string{UsageEncryptDecrypt, UsageSignVerify, UsageGenerateVerifyMac, UsageKeyAgreement}
}

// KeySpecs returns the key specs, sorted by name (a fresh copy).
func KeySpecs() []KeySpec {
	out := slices.Clone(keySpecs)
	for i := range out {
		out[i].Usages = slices.Clone(out[i].Usages)
	}
	return out
}

// LookupKeySpec finds a key spec by its exact name.
func LookupKeySpec(name string) (KeySpec, bool) {
	for _, s := range KeySpecs() {
		if s.Name == name {
			return s, true
		}
	}
	return KeySpec{}, false
}
