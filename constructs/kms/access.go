package kms

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cdktf-kms/cdktf-kms/internal/iam"
	"github.com/cdktf-kms/cdktf-kms/internal/kmscat"
)

// Access is what a role or grant may do with the key. The levels follow the
// key's usage (as AWS CDK's grantEncrypt, grantSign, grantGenerateMac, ...);
// a level that does not fit the key's spec is refused.
type Access string

// Access levels.
const (
	// AccessEncrypt: encrypt (ENCRYPT_DECRYPT keys).
	AccessEncrypt Access = "encrypt"
	// AccessDecrypt: decrypt (ENCRYPT_DECRYPT keys).
	AccessDecrypt Access = "decrypt"
	// AccessEncryptDecrypt: both, and describe the key.
	AccessEncryptDecrypt Access = "encrypt_decrypt"
	// AccessSign: sign (SIGN_VERIFY keys).
	AccessSign Access = "sign"
	// AccessVerify: verify (SIGN_VERIFY keys).
	AccessVerify Access = "verify"
	// AccessSignVerify: sign, verify, read the public key, describe the key.
	AccessSignVerify Access = "sign_verify"
	// AccessGenerateMac: generate MACs (HMAC keys).
	AccessGenerateMac Access = "generate_mac"
	// AccessVerifyMac: verify MACs (HMAC keys).
	AccessVerifyMac Access = "verify_mac"
	// AccessDeriveSharedSecret: derive shared secrets (KEY_AGREEMENT keys).
	AccessDeriveSharedSecret Access = "derive_shared_secret"
	// AccessAdmin: the key administrators' actions (any key).
	AccessAdmin Access = "admin"
)

// Key usages.
const (
	usageEncryptDecrypt = "ENCRYPT_DECRYPT"
	usageSignVerify     = "SIGN_VERIFY"
	usageMac            = "GENERATE_VERIFY_MAC"
	usageKeyAgreement   = "KEY_AGREEMENT"
)

// encryptActions are AWS CDK's grantEncrypt actions, kms:Encrypt,
// kms:ReEncrypt* and kms:GenerateDataKey*, with each wildcard written out as
// the KMS actions it matches (TestAccessActionsAreTheGrantsWrittenOut checks them against the
// documented action list). IaC scanners refuse wildcards in IAM policies
// (tfsec aws-iam-no-policy-wildcards, HIGH), and an explicit list does not
// grow by itself when AWS adds actions.
var encryptActions = []string{
	"kms:Encrypt",
	"kms:ReEncryptFrom",
	"kms:ReEncryptTo",
	"kms:GenerateDataKey",
	"kms:GenerateDataKeyPair",
	"kms:GenerateDataKeyPairWithoutPlaintext",
	"kms:GenerateDataKeyWithoutPlaintext",
}

// accessLevel is what one access level grants.
type accessLevel struct {
	// usage is the key usage the level needs ("" for any key).
	usage string
	// symmetric and asymmetric are the actions for a symmetric key and for
	// an asymmetric key of the usage (the same when only one applies).
	symmetric, asymmetric []string
	// sid names the statement of the level's IAM policy.
	sid string
}

// accessLevels are the actions of each level: for symmetric keys AWS CDK's
// grants (decrypt = kms:Decrypt; encrypt_decrypt = encrypt and decrypt plus
// kms:DescribeKey, which CDK's grantEncryptDecrypt does not include), for
// the others terraform-aws-modules/kms's lists for the key type.
var accessLevels = map[Access]accessLevel{
	AccessEncrypt: {usageEncryptDecrypt, encryptActions,
		[]string{"kms:Encrypt", "kms:GetPublicKey"}, "EncryptWithTheKey"},
	AccessDecrypt: {usageEncryptDecrypt, []string{"kms:Decrypt"}, []string{"kms:Decrypt"}, "DecryptWithTheKey"},
	AccessEncryptDecrypt: {usageEncryptDecrypt, append(slices.Clone(encryptActions), "kms:Decrypt", "kms:DescribeKey"),
		[]string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GetPublicKey", "kms:DescribeKey"}, "EncryptAndDecryptWithTheKey"},
	AccessSign:               {usageSignVerify, nil, []string{"kms:Sign"}, "SignWithTheKey"},
	AccessVerify:             {usageSignVerify, nil, []string{"kms:Verify"}, "VerifyWithTheKey"},
	AccessSignVerify:         {usageSignVerify, nil, []string{"kms:Sign", "kms:Verify", "kms:GetPublicKey", "kms:DescribeKey"}, "SignAndVerifyWithTheKey"},
	AccessGenerateMac:        {usageMac, []string{"kms:GenerateMac"}, nil, "GenerateMacWithTheKey"},
	AccessVerifyMac:          {usageMac, []string{"kms:VerifyMac"}, nil, "VerifyMacWithTheKey"},
	AccessDeriveSharedSecret: {usageKeyAgreement, nil, []string{"kms:DeriveSharedSecret"}, "DeriveSharedSecretWithTheKey"},
	AccessAdmin:              {"", keyAdminIAMActions, keyAdminIAMActions, "AdministerTheKey"},
}

// keyAdminIAMActions are the key administrators' actions written out for
// an IAM policy on the key: no wildcards, nothing that is not about a key.
var keyAdminIAMActions = slices.DeleteFunc(expandActions(keyAdministratorActions), func(a string) bool {
	c, _ := kmscat.Lookup(a)
	return !c.OnKey // its resource is the account: a policy scoped to the key leaves it out
})

// AccessLevels returns every access level, sorted.
func AccessLevels() []Access {
	var out []Access
	for a := range accessLevels {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

func accessNames() string {
	var names []string
	for _, a := range AccessLevels() {
		names = append(names, string(a))
	}
	return strings.Join(names, ", ")
}

// expandActions writes each wildcard out as the documented actions it
// matches, keeping the order and dropping duplicates.
func expandActions(actions []string) []string {
	var out []string
	for _, a := range actions {
		for _, x := range iam.ExpandKMSActions(a) {
			if !slices.Contains(out, x) {
				out = append(out, x)
			}
		}
	}
	return out
}

// AccessActions returns the IAM actions of an access level on a symmetric
// encryption key (the default key), or on a key of the level's usage for
// levels that do not apply to symmetric keys; nil for an unknown level.
func AccessActions(a Access) []string {
	l, ok := accessLevels[a]
	if !ok {
		return nil
	}
	if l.symmetric != nil {
		return slices.Clone(l.symmetric)
	}
	return slices.Clone(l.asymmetric)
}

// AccessActionsFor returns the IAM actions of an access level for a key of
// a spec and usage ("" for the defaults), or why the level does not fit the
// key.
func AccessActionsFor(a Access, keySpec KeySpec, keyUsage KeyUsage) ([]string, error) {
	c := KmsKeyConfig{CustomerMasterKeySpec: keySpec, KeyUsage: keyUsage}
	actions, why := c.kind().actionsFor(a)
	if why != "" {
		return nil, &FieldError{Field: "access", Key: "access", Value: string(a), Rule: why}
	}
	return actions, nil
}

// keyKind is what the access rules need to know about a key.
type keyKind struct {
	spec, usage string
	multiRegion bool
	// known is false for a key created elsewhere (FromKeyArn, FromAlias):
	// every level is allowed and symmetric actions are assumed.
	known bool
}

func (c *KmsKeyConfig) kind() keyKind {
	return keyKind{spec: c.keySpec(), usage: c.keyUsage(), multiRegion: c.MultiRegion, known: true}
}

func (kk keyKind) symmetric() bool {
	return !kk.known || kk.spec == "SYMMETRIC_DEFAULT" || strings.HasPrefix(kk.spec, "HMAC_")
}

// actionsFor returns the IAM actions of an access level for the key, or
// why the level does not fit it.
func (kk keyKind) actionsFor(a Access) ([]string, string) {
	l, ok := accessLevels[a]
	if !ok {
		return nil, fmt.Sprintf("must be one of %s", accessNames())
	}
	if kk.known && l.usage != "" && l.usage != kk.usage {
		return nil, fmt.Sprintf("does not fit the key: %s is for %s keys and this key (%s) is %s; use %s", a, l.usage, kk.spec, kk.usage, strings.Join(levelsFor(kk.usage), ", "))
	}
	actions := l.asymmetric
	if kk.symmetric() && l.symmetric != nil {
		actions = l.symmetric
	}
	if a == AccessAdmin && kk.multiRegion {
		actions = append(slices.Clone(actions), multiRegionAdministratorActions...)
	}
	return slices.Clone(actions), ""
}

// levelsFor lists the access levels that fit a key usage.
func levelsFor(usage string) []string {
	var out []string
	for _, a := range AccessLevels() {
		if u := accessLevels[a].usage; u == "" || u == usage {
			out = append(out, string(a))
		}
	}
	return out
}

// UserActions returns the key policy actions of KeyUsers for a key spec and
// usage ("" for the defaults): what the key can be used for, never its
// management.
func UserActions(keySpec KeySpec, keyUsage KeyUsage) []string {
	c := KmsKeyConfig{CustomerMasterKeySpec: keySpec, KeyUsage: keyUsage}
	return slices.Clone(c.userActions())
}

// Key policy actions of the users of each key type: exactly the key type's
// operations (terraform-aws-modules/kms's key_*_users lists, without
// kms:DescribeKey, which none of the operations needs; grant it with an extra
// statement where a tool asks for it). Symmetric keys keep the original
// module's usage actions, kms:DescribeKey included.
var (
	symmetricUserActions            = keyUsageActions
	asymmetricEncryptionUserActions = []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GetPublicKey"}
	signVerifyUserActions           = []string{"kms:Sign", "kms:Verify", "kms:GetPublicKey"}
	hmacUserActions                 = []string{"kms:GenerateMac", "kms:VerifyMac"}
	keyAgreementUserActions         = []string{"kms:DeriveSharedSecret", "kms:GetPublicKey"}
)

// userActions returns KeyUsers' actions for the key.
func (c *KmsKeyConfig) userActions() []string {
	switch c.keyUsage() {
	case usageSignVerify:
		return signVerifyUserActions
	case usageMac:
		return hmacUserActions
	case usageKeyAgreement:
		return keyAgreementUserActions
	}
	if c.keySpec() == "SYMMETRIC_DEFAULT" {
		return symmetricUserActions
	}
	return asymmetricEncryptionUserActions
}

// serviceActions are the actions ServicePrincipals get: the original
// module's usage actions on a symmetric key; on other keys the operations
// the key's usage allows (userActions) and kms:DescribeKey, which services
// call to learn the key's spec and usage before they use it.
func (c *KmsKeyConfig) serviceActions() []string {
	actions := c.userActions()
	if !slices.Contains(actions, "kms:DescribeKey") {
		actions = append(slices.Clone(actions), "kms:DescribeKey")
	}
	return actions
}

// userList is one list of key users and its statement.
type userList struct {
	field      field
	sid        string
	principals []string
	actions    []string // nil when the list does not fit the key
	unfit      string
}

// userLists returns the key's user lists in policy order.
func (c *KmsKeyConfig) userLists() []userList {
	spec, usage := c.keySpec(), c.keyUsage()
	fits := func(ok bool, actions []string) []string {
		if ok {
			return actions
		}
		return nil
	}
	unfit := func(what string) string {
		return fmt.Sprintf("is for %s keys; this key is %s with usage %s (use key_users, whose actions follow the key)", what, spec, usage)
	}
	return []userList{
		{field{"KeyUsers", "key_users"}, SidKeyUsers, c.KeyUsers, c.userActions(), ""},
		{field{"KeySymmetricEncryptionUsers", "key_symmetric_encryption_users"}, SidKeySymmetricEncryptionUsers, c.KeySymmetricEncryptionUsers,
			fits(spec == "SYMMETRIC_DEFAULT", symmetricUserActions), unfit("symmetric encryption (SYMMETRIC_DEFAULT)")},
		{field{"KeyAsymmetricPublicEncryptionUsers", "key_asymmetric_public_encryption_users"}, SidKeyAsymmetricPublicEncryptionUsers, c.KeyAsymmetricPublicEncryptionUsers,
			fits(spec != "SYMMETRIC_DEFAULT" && usage == usageEncryptDecrypt, asymmetricEncryptionUserActions), unfit("RSA or SM2 ENCRYPT_DECRYPT")},
		{field{"KeyAsymmetricSignVerifyUsers", "key_asymmetric_sign_verify_users"}, SidKeyAsymmetricSignVerifyUsers, c.KeyAsymmetricSignVerifyUsers,
			fits(usage == usageSignVerify, signVerifyUserActions), unfit("SIGN_VERIFY")},
		{field{"KeyHmacUsers", "key_hmac_users"}, SidKeyHmacUsers, c.KeyHmacUsers,
			fits(usage == usageMac, hmacUserActions), unfit("HMAC (GENERATE_VERIFY_MAC)")},
	}
}
