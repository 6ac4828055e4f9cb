package kms

import (
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/cdktf-kms/cdktf-kms/internal/kmscat"
)

// KeySpec is a KMS key spec, as AWS and the provider's
// customer_master_key_spec name it (AWS KMS Developer Guide, "Key spec
// reference": https://docs.aws.amazon.com/kms/latest/developerguide/key-spec-reference.html).
type KeySpec string

// The key specs.
const (
	KeySpecSymmetricDefault KeySpec = "SYMMETRIC_DEFAULT"
	KeySpecRsa2048          KeySpec = "RSA_2048"
	KeySpecRsa3072          KeySpec = "RSA_3072"
	KeySpecRsa4096          KeySpec = "RSA_4096"
	KeySpecEccNistP256      KeySpec = "ECC_NIST_P256"
	KeySpecEccNistP384      KeySpec = "ECC_NIST_P384"
	KeySpecEccNistP521      KeySpec = "ECC_NIST_P521"
	KeySpecEccSecgP256k1    KeySpec = "ECC_SECG_P256K1"
	KeySpecHmac224          KeySpec = "HMAC_224"
	KeySpecHmac256          KeySpec = "HMAC_256"
	KeySpecHmac384          KeySpec = "HMAC_384"
	KeySpecHmac512          KeySpec = "HMAC_512"
	KeySpecSm2              KeySpec = "SM2"
	// Post-quantum ML-DSA signing keys and Ed25519 signing keys: they need
	// a later AWS provider than the bindings' 5.84.0 (see
	// SetAwsProviderConstraint).
	KeySpecMlDsa44             KeySpec = "ML_DSA_44"
	KeySpecMlDsa65             KeySpec = "ML_DSA_65"
	KeySpecMlDsa87             KeySpec = "ML_DSA_87"
	KeySpecEccNistEdwards25519 KeySpec = "ECC_NIST_EDWARDS25519"
)

// KeyUsage is what a KMS key is for, as AWS and the provider's key_usage
// name it.
type KeyUsage string

// The key usages.
const (
	KeyUsageEncryptDecrypt    KeyUsage = "ENCRYPT_DECRYPT"
	KeyUsageSignVerify        KeyUsage = "SIGN_VERIFY"
	KeyUsageGenerateVerifyMac KeyUsage = "GENERATE_VERIFY_MAC"
	KeyUsageKeyAgreement      KeyUsage = "KEY_AGREEMENT"
)

// keySpecUsages lists, for each key spec, the key usages AWS allows with it
// (the KMS catalogue's key specs: AWS KMS Developer Guide, "Key spec
// reference"). SM2 exists only in the China Regions.
var keySpecUsages = func() map[string][]string {
	out := map[string][]string{}
	for _, s := range kmscat.KeySpecs() {
		out[s.Name] = s.Usages
	}
	return out
}()

var keyUsages = kmscat.KeyUsages()

func keySpecNames() string { return strings.Join(slices.Sorted(maps.Keys(keySpecUsages)), ", ") }

// validateKeyType checks key usage, key spec, their pairing, rotation and
// the rotation period.
func (c *KmsKeyConfig) validateKeyType(p *problems, partition string) {
	fUsage := field{"KeyUsage", "key_usage"}
	fSpec := field{"CustomerMasterKeySpec", "customer_master_key_spec"}
	usageOK, specOK := true, true
	if c.KeyUsage != "" && !slices.Contains(keyUsages, string(c.KeyUsage)) {
		p.add(fUsage, c.KeyUsage, "must be one of %s", strings.Join(keyUsages, ", "))
		usageOK = false
	}
	if c.CustomerMasterKeySpec != "" {
		if _, ok := keySpecUsages[string(c.CustomerMasterKeySpec)]; !ok {
			p.add(fSpec, c.CustomerMasterKeySpec, "must be one of %s", keySpecNames())
			specOK = false
		} else if c.CustomerMasterKeySpec == KeySpecSm2 && partition != "" && partition != "aws-cn" {
			p.add(fSpec, c.CustomerMasterKeySpec, "SM2 keys exist only in the China Regions (cn-*)")
		}
	}
	if usageOK && specOK {
		if allowed := keySpecUsages[c.keySpec()]; !slices.Contains(allowed, c.keyUsage()) {
			what := string(c.CustomerMasterKeySpec)
			f := fSpec
			if c.CustomerMasterKeySpec == "" {
				what, f = "SYMMETRIC_DEFAULT (the default key spec)", fUsage
			}
			p.add(f, nil, "key usage %s does not go with key spec %s; that spec allows %s",
				c.keyUsage(), what, strings.Join(allowed, ", "))
		}
	}

	if c.PublicKeyOutput && usageOK && specOK {
		if t := kmscat.TypeOf(c.keySpec(), c.keyUsage()); t == kmscat.Symmetric || t == kmscat.HMAC {
			p.add(field{"PublicKeyOutput", "public_key_output"}, true, "only asymmetric keys have a public key (AWS KMS API Reference, GetPublicKey); this key is %s with usage %s", c.keySpec(), c.keyUsage())
		}
	}
	if c.PublicKeyOutput && c.IsEnabled != nil && !*c.IsEnabled {
		p.add(field{"PublicKeyOutput", "public_key_output"}, true, "the key is disabled (is_enabled false), and GetPublicKey refuses a disabled key (DisabledException; AWS KMS API Reference, GetPublicKey): the apply would fail after creating the key")
	}
	c.validateCustomKeyStore(p)
	c.validateOrigin(p)
	fRotation := field{"EnableKeyRotation", "enable_key_rotation"}
	if specOK && c.CustomKeyStoreId == "" && !c.external() && c.EnableKeyRotation != nil && *c.EnableKeyRotation != c.rotationEnabled() {
		if c.rotationEnabled() {
			p.add(fRotation, false, "rotation stays on for symmetric encryption keys (SYMMETRIC_DEFAULT); AWS supports it and the security baseline requires it")
		} else {
			p.add(fRotation, true, "AWS does not rotate %s keys; leave enable_key_rotation unset or false", c.keySpec())
		}
	}
	fPeriod := field{"RotationPeriodInDays", "rotation_period_in_days"}
	if c.RotationPeriodInDays != 0 && c.CustomKeyStoreId == "" && !c.external() {
		switch {
		case specOK && !c.rotationEnabled():
			p.add(fPeriod, c.RotationPeriodInDays, "only applies with rotation on, and %s keys do not rotate", c.keySpec())
		case c.RotationPeriodInDays < 90 || c.RotationPeriodInDays > 2560:
			p.add(fPeriod, c.RotationPeriodInDays, "must be 90 to 2560 days")
		}
	}
}

var (
	customKeyStorePattern = regexp.MustCompile(`^cks-[A-Za-z0-9]{1,60}$`)
	xksKeyIDPattern       = regexp.MustCompile(`^[A-Za-z0-9._-]{1,128}$`)
)

// validateCustomKeyStore checks a key in a custom key store: AWS creates
// only symmetric encryption keys in a single Region there, and an external
// key store's key needs its external key (AWS KMS API Reference, CreateKey:
// CustomKeyStoreId, XksKeyId).
func (c *KmsKeyConfig) validateCustomKeyStore(p *problems) {
	fStore := field{"CustomKeyStoreId", "custom_key_store_id"}
	fXks := field{"XksKeyId", "xks_key_id"}
	if c.XksKeyId != "" {
		if c.CustomKeyStoreId == "" {
			p.add(fXks, c.XksKeyId, "only with custom_key_store_id (an external key store)")
		}
		validateReference(p, fXks, c.XksKeyId, func(v string) string {
			if !xksKeyIDPattern.MatchString(v) {
				return "must be 1 to 128 letters, digits and - _ . (AWS KMS API Reference, CreateKey, XksKeyId)"
			}
			return ""
		})
	}
	if c.CustomKeyStoreId == "" {
		return
	}
	validateReference(p, fStore, c.CustomKeyStoreId, func(v string) string {
		if !customKeyStorePattern.MatchString(v) {
			return "must be a custom key store id like cks-1234567890abcdef0 (DescribeCustomKeyStores)"
		}
		return ""
	})
	const rule = "AWS creates only symmetric encryption keys in a single Region in a custom key store (AWS KMS API Reference, CreateKey, CustomKeyStoreId)"
	if c.keySpec() != "SYMMETRIC_DEFAULT" || c.keyUsage() != usageEncryptDecrypt {
		p.add(fStore, c.CustomKeyStoreId, "%s; this key is %s with usage %s", rule, c.keySpec(), c.keyUsage())
	}
	if c.MultiRegion {
		p.add(field{"MultiRegion", "multi_region"}, true, "%s", rule)
	}
	if c.EnableKeyRotation != nil && *c.EnableKeyRotation {
		p.add(field{"EnableKeyRotation", "enable_key_rotation"}, true, "AWS does not rotate keys in a custom key store (AWS KMS API Reference, EnableKeyRotation); leave enable_key_rotation unset or false")
	}
	if c.RotationPeriodInDays != 0 {
		p.add(field{"RotationPeriodInDays", "rotation_period_in_days"}, c.RotationPeriodInDays, "only applies with rotation on, and AWS does not rotate keys in a custom key store")
	}
}
