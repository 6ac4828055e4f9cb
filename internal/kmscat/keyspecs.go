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
}

// keySpecs are the key specs the AWS provider 5.84 accepts, sorted.
var keySpecs = []KeySpec{
	{Name: "ECC_NIST_P256", Usages: []string{UsageSignVerify, UsageKeyAgreement}},
	{Name: "ECC_NIST_P384", Usages: []string{UsageSignVerify, UsageKeyAgreement}},
	{Name: "ECC_NIST_P521", Usages: []string{UsageSignVerify, UsageKeyAgreement}},
	{Name: "ECC_SECG_P256K1", Usages: []string{UsageSignVerify}},
	{Name: "HMAC_224", Usages: []string{UsageGenerateVerifyMac}},
	{Name: "HMAC_256", Usages: []string{UsageGenerateVerifyMac}},
	{Name: "HMAC_384", Usages: []string{UsageGenerateVerifyMac}},
	{Name: "HMAC_512", Usages: []string{UsageGenerateVerifyMac}},
	{Name: "RSA_2048", Usages: []string{UsageEncryptDecrypt, UsageSignVerify}},
	{Name: "RSA_3072", Usages: []string{UsageEncryptDecrypt, UsageSignVerify}},
	{Name: "RSA_4096", Usages: []string{UsageEncryptDecrypt, UsageSignVerify}},
	{Name: "SM2", Usages: []string{UsageEncryptDecrypt, UsageSignVerify, UsageKeyAgreement}, ChinaOnly: true},
	{Name: "SYMMETRIC_DEFAULT", Usages: []string{UsageEncryptDecrypt}},
}

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
