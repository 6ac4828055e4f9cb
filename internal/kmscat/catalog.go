package kmscat

import (
	"slices"
	"strings"
)

// Level is an access level of the Service Authorization Reference.
type Level string

// The access levels, in the order reports show them.
const (
	List                  Level = "List"
	Read                  Level = "Read"
	Write                 Level = "Write"
	PermissionsManagement Level = "Permissions management"
	Tagging               Level = "Tagging"
)

// Levels returns the access levels in report order.
func Levels() []Level { return []Level{List, Read, Write, PermissionsManagement, Tagging} }

// KeyType is a kind of KMS key, as its key spec and key usage make it; a
// set of kinds is their union (Symmetric | HMAC).
type KeyType uint8

// The key types.
const (
	// Symmetric: SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT.
	Symmetric KeyType = 1 << iota
	// AsymmetricEncryption: RSA or SM2, ENCRYPT_DECRYPT.
	AsymmetricEncryption
	// Signing: SIGN_VERIFY (RSA, ECC, ML-DSA, SM2).
	Signing
	// HMAC: HMAC_*, GENERATE_VERIFY_MAC.
	HMAC
	// KeyAgreement: ECC or SM2, KEY_AGREEMENT.
	KeyAgreement

	// AllKeyTypes is every key type.
	AllKeyTypes = Symmetric | AsymmetricEncryption | Signing | HMAC | KeyAgreement
)

// Key usages, as AWS and the provider's key_usage name them.
const (
	UsageEncryptDecrypt    = "ENCRYPT_DECRYPT"
	UsageSignVerify        = "SIGN_VERIFY"
	UsageGenerateVerifyMac = "GENERATE_VERIFY_MAC"
	UsageKeyAgreement      = "KEY_AGREEMENT"
)

// DefaultKeySpec is the key spec of a key created without one.
const DefaultKeySpec = "SYMMETRIC_DEFAULT"

// TypeOf returns the key type of a key spec and usage ("" for AWS's
// defaults: SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT). The pair is not checked
// (KeySpecAllows does that).
func TypeOf(keySpec, keyUsage string) KeyType {
	if keySpec == "" {
		keySpec = DefaultKeySpec
	}
	switch keyUsage {
	case UsageSignVerify:
		return Signing
	case UsageGenerateVerifyMac:
		return HMAC
	case UsageKeyAgreement:
		return KeyAgreement
	}
	if strings.HasPrefix(keySpec, "HMAC_") {
		return HMAC
	}
	if keySpec == DefaultKeySpec {
		return Symmetric
	}
	return AsymmetricEncryption
}

// Has says whether a set of key types includes t.
func (s KeyType) Has(t KeyType) bool { return s&t != 0 }

func (t KeyType) String() string {
	names := []string{"symmetric encryption", "asymmetric encryption", "signing", "HMAC", "key agreement"}
	var out []string
	for i, n := range names {
		if t&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	return strings.Join(out, ", ")
}

// Action is one IAM action of AWS KMS.
type Action struct {
	// Name is the action without the kms: prefix, as the reference spells
	// it ("Decrypt").
	Name string
	// Levels are its access levels; the first is the one reports group it
	// under ("Permissions management, Write" for CreateGrant).
	Levels []Level
	// OnKey says a key is its resource, so a key policy governs it; an
	// action that is not on a key (CreateKey, ListKeys, the custom key
	// store actions, ...) takes Resource "*" in an IAM policy, and a key
	// policy that allows it has no effect.
	OnKey bool
	// Use says it uses the key without managing it: a cryptographic
	// operation, describing the key or reading its public key.
	Use bool
	// KeyTypes are the key types whose keys it applies to (0 when not
	// OnKey).
	KeyTypes KeyType
	// Grant are the key types for which it is a grant operation (0: never).
	Grant KeyType
	// ContextConstraint says a grant's encryption context constraint
	// applies to it: it takes an encryption context.
	ContextConstraint bool
	// CrossAccount says a principal of another account can call it on the
	// key when both the key policy and its own IAM policies allow; for the
	// other key actions AWS KMS refuses such requests whatever the policies
	// say (AWS KMS Developer Guide, "AWS KMS permissions", column
	// "Cross-account use";
	// https://docs.aws.amazon.com/kms/latest/developerguide/kms-api-permissions-reference.html).
	CrossAccount bool
	// ConditionKeys are the condition keys a request for it can carry
	// beyond the key's own resource keys (ResourceConditionKeys); a family
	// ends in ":" or "/" (kms:EncryptionContext:, aws:RequestTag/).
	ConditionKeys []string
}

// IAMName returns the action with its prefix, "kms:Decrypt".
func (a Action) IAMName() string { return "kms:" + a.Name }

// Level returns the access level reports group it under.
func (a Action) Level() Level { return a.Levels[0] }

// actions is the catalogue, sorted by name.
var actions = []Action{
	{Name: "CancelKeyDeletion", Levels: []Level{Write}, OnKey: true, KeyTypes: AllKeyTypes, ConditionKeys: []string{"kms:CallerAccount", "kms:ViaService"}},
	{Name: "ConnectCustomKeyStore", Levels: []Level{Write}, ConditionKeys: []string{"kms:CallerAccount"}},
	{Name: "CreateAlias", Levels: []Level{Write}, OnKey: true, KeyTypes: AllKeyTypes, ConditionKeys: []string{"kms:CallerAccount", "kms:ViaService"}},
	{Name: "CreateCustomKeyStore", Levels: []Level{Write}, ConditionKeys: []string{"kms:CallerAccount"}},
	{Name: "CreateGrant", Levels: []Level{PermissionsManagement, Write}, OnKey: true, KeyTypes: AllKeyTypes, Grant: AllKeyTypes, CrossAccount: true, ConditionKeys: []string{"kms:CallerAccount", "kms:EncryptionContext:", "kms:EncryptionContextKeys", "kms:GrantConstraintSourceArn", "kms:GrantConstraintType", "kms:GrantIsForAWSResource", "kms:GrantOperations", "kms:GranteePrincipal", "kms:GranteeServicePrincipal", "kms:RetiringPrincipal", "kms:RetiringServicePrincipal", "kms:ViaService"}},
	{Name: "CreateKey", Levels: []Level{Write}, ConditionKeys: []string{"aws:RequestTag/", "aws:ResourceTag/", "aws:TagKeys", "kms:BypassPolicyLockoutSafetyCheck", "kms:CallerAccount", "kms:KeySpec", "kms:KeyUsage", "kms:KeyOrigin", "kms:MultiRegion", "kms:MultiRegionKeyType", "kms:ViaService"}},
	{Name: "Decrypt", Levels: []Level{Write}, OnKey: true, Use: true, KeyTypes: Symmetric | AsymmetricEncryption, Grant: Symmetric | AsymmetricEncryption, ContextConstraint: true, CrossAccount: true, ConditionKeys: []string{"kms:CallerAccount", "kms:EncryptionAlgorithm", "kms:EncryptionContext:", "kms:EncryptionContextKeys", "kms:RecipientAttestation:", "kms:RequestAlias", "kms:ViaService"}},
	{Name: "DeleteAlias", Levels: []Level{Write}, OnKey: true, KeyTypes: AllKeyTypes, ConditionKeys: []string{"kms:CallerAccount", "kms:ViaService"}},
	{Name: "DeleteCustomKeyStore", Levels: []Level{Write}, ConditionKeys: []string{"kms:CallerAccount"}},
	{Name: "DeleteImportedKeyMaterial", Levels: []Level{Write}, OnKey: true, KeyTypes: AllKeyTypes, ConditionKeys: []string{"kms:CallerAccount", "kms:ViaService"}},
	{Name: "DeriveSharedSecret", Levels: []Level{Write}, OnKey: true, Use: true, KeyTypes: KeyAgreement, Grant: KeyAgreement, CrossAccount: true, ConditionKeys: []string{"kms:CallerAccount", "kms:KeyAgreementAlgorithm", "kms:RecipientAttestation:", "kms:RequestAlias", "kms:ViaService"}},
	{Name: "DescribeCustomKeyStores", Levels: []Level{Read}, ConditionKeys: []string{"kms:CallerAccount"}},
	{Name: "DescribeKey", Levels: []Level{Read}, OnKey: true, Use: true, KeyTypes: AllKeyTypes, Grant: AllKeyTypes, CrossAccount: true, ConditionKeys: []string{"kms:CallerAccount", "kms:RequestAlias", "kms:ViaService"}},
	{Name: "DisableKey", Levels: []Level{Write}, OnKey: true, KeyTypes: AllKeyTypes, ConditionKeys: []string{"kms:CallerAccount", "kms:TrailingDaysWithoutKeyUsage", "kms:ViaService"}},
	{Name: "DisableKeyRotation", Levels: []Level{Write}, OnKey: true, KeyTypes: Symmetric, ConditionKeys: []string{"kms:CallerAccount", "kms:ViaService"}},
	{Name: "DisconnectCustomKeyStore", Levels: []Level{Write}, ConditionKeys: []string{"kms:CallerAccount"}},
	{Name: "EnableKey", Levels: []Level{Write}, OnKey: true, KeyTypes: AllKeyTypes, ConditionKeys: []string{"kms:CallerAccount", "kms:ViaService"}},
	{Name: "EnableKeyRotation", Levels: []Level{Write}, OnKey: true, KeyTypes: Symmetric, ConditionKeys: []string{"kms:CallerAccount", "kms:RotationPeriodInDays", "kms:ViaService"}},
	{Name: "Encrypt", Levels: []Level{Write}, OnKey: true, Use: true, KeyTypes: Symmetric | AsymmetricEncryption, Grant: Symmetric | AsymmetricEncryption, ContextConstraint: true, CrossAccount: true, ConditionKeys: []string{"kms:CallerAccount", "kms:EncryptionAlgorithm", "kms:EncryptionContext:", "kms:EncryptionContextKeys", "kms:RequestAlias", "kms:ViaService"}},
	{Name: "GenerateDataKey", Levels: []Level{Write}, OnKey: true, Use: true, KeyTypes: Symmetric, Grant: Symmetric, ContextConstraint: true, CrossAccount: true, ConditionKeys: []string{"kms:CallerAccount", "kms:EncryptionAlgorithm", "kms:EncryptionContext:", "kms:EncryptionContextKeys", "kms:RecipientAttestation:", "kms:RequestAlias", "kms:ViaService"}},
	{Name: "GenerateDataKeyPair", Levels: []Level{Write}, OnKey: true, Use: true, KeyTypes: Symmetric, Grant: Symmetric, ContextConstraint: true, CrossAccount: true, ConditionKeys: []string{"kms:CallerAccount", "kms:DataKeyPairSpec", "kms:EncryptionAlgorithm", "kms:EncryptionContext:", "kms:EncryptionContextKeys", "kms:RecipientAttestation:", "kms:RequestAlias", "kms:ViaService"}},
	{Name: "GenerateDataKeyPairWithoutPlaintext", Levels: []Level{Write}, OnKey: true, Use: true, KeyTypes: Symmetric, Grant: Symmetric, ContextConstraint: true, CrossAccount: true, ConditionKeys: []string{"kms:CallerAccount", "kms:DataKeyPairSpec", "kms:EncryptionAlgorithm", "kms:EncryptionContext:", "kms:EncryptionContextKeys", "kms:RequestAlias", "kms:ViaService"}},
	{Name: "GenerateDataKeyWithoutPlaintext", Levels: []Level{Write}, OnKey: true, Use: true, KeyTypes: Symmetric, Grant: Symmetric, ContextConstraint: true, CrossAccount: true, ConditionKeys: []string{"kms:CallerAccount", "kms:EncryptionAlgorithm", "kms:EncryptionContext:", "kms:EncryptionContextKeys", "kms:RequestAlias", "kms:ViaService"}},
	{Name: "GenerateMac", Levels: []Level{Write}, OnKey: true, Use: true, KeyTypes: HMAC, Grant: HMAC, CrossAccount: true, ConditionKeys: []string{"kms:CallerAccount", "kms:MacAlgorithm", "kms:RequestAlias", "kms:ViaService"}},
	{Name: "GenerateRandom", Levels: []Level{Write}, ConditionKeys: []string{"kms:RecipientAttestation:"}},
	{Name: "GetKeyLastUsage", Levels: []Level{Read}, OnKey: true, KeyTypes: AllKeyTypes, ConditionKeys: []string{"kms:CallerAccount", "kms:ViaService"}},
	{Name: "GetKeyPolicy", Levels: []Level{Read}, OnKey: true, KeyTypes: AllKeyTypes, ConditionKeys: []string{"kms:CallerAccount", "kms:ViaService"}},
	{Name: "GetKeyRotationStatus", Levels: []Level{Read}, OnKey: true, KeyTypes: AllKeyTypes, CrossAccount: true, ConditionKeys: []string{"kms:CallerAccount", "kms:ViaService"}},
	{Name: "GetParametersForImport", Levels: []Level{Read}, OnKey: true, KeyTypes: AllKeyTypes, ConditionKeys: []string{"kms:CallerAccount", "kms:ViaService", "kms:WrappingAlgorithm", "kms:WrappingKeySpec"}},
	{Name: "GetPublicKey", Levels: []Level{Read}, OnKey: true, Use: true, KeyTypes: AsymmetricEncryption | Signing | KeyAgreement, Grant: AsymmetricEncryption | Signing | KeyAgreement, CrossAccount: true, ConditionKeys: []string{"kms:CallerAccount", "kms:RequestAlias", "kms:ViaService"}},
	{Name: "ImportKeyMaterial", Levels: []Level{Write}, OnKey: true, KeyTypes: AllKeyTypes, ConditionKeys: []string{"kms:CallerAccount", "kms:ExpirationModel", "kms:ValidTo", "kms:ViaService"}},
	{Name: "ListAliases", Levels: []Level{List}},
	{Name: "ListGrants", Levels: []Level{List}, OnKey: true, KeyTypes: AllKeyTypes, CrossAccount: true, ConditionKeys: []string{"kms:CallerAccount", "kms:GrantIsForAWSResource", "kms:ViaService"}},
	{Name: "ListKeyPolicies", Levels: []Level{List}, OnKey: true, KeyTypes: AllKeyTypes, ConditionKeys: []string{"kms:CallerAccount", "kms:ViaService"}},
	{Name: "ListKeyRotations", Levels: []Level{List}, OnKey: true, KeyTypes: AllKeyTypes, ConditionKeys: []string{"kms:CallerAccount", "kms:ViaService"}},
	{Name: "ListKeys", Levels: []Level{List}},
	{Name: "ListResourceTags", Levels: []Level{List}, OnKey: true, KeyTypes: AllKeyTypes, ConditionKeys: []string{"kms:CallerAccount", "kms:ViaService"}},
	{Name: "ListRetirableGrants", Levels: []Level{List}},
	{Name: "PutKeyPolicy", Levels: []Level{PermissionsManagement, Write}, OnKey: true, KeyTypes: AllKeyTypes, ConditionKeys: []string{"kms:BypassPolicyLockoutSafetyCheck", "kms:CallerAccount", "kms:ViaService"}},
	{Name: "ReEncryptFrom", Levels: []Level{Write}, OnKey: true, Use: true, KeyTypes: Symmetric | AsymmetricEncryption, Grant: Symmetric | AsymmetricEncryption, ContextConstraint: true, CrossAccount: true, ConditionKeys: []string{"kms:CallerAccount", "kms:EncryptionAlgorithm", "kms:EncryptionContext:", "kms:EncryptionContextKeys", "kms:ReEncryptOnSameKey", "kms:RequestAlias", "kms:ViaService"}},
	{Name: "ReEncryptTo", Levels: []Level{Write}, OnKey: true, Use: true, KeyTypes: Symmetric | AsymmetricEncryption, Grant: Symmetric | AsymmetricEncryption, ContextConstraint: true, CrossAccount: true, ConditionKeys: []string{"kms:CallerAccount", "kms:EncryptionAlgorithm", "kms:EncryptionContext:", "kms:EncryptionContextKeys", "kms:ReEncryptOnSameKey", "kms:RequestAlias", "kms:ViaService"}},
	{Name: "ReplicateKey", Levels: []Level{Write}, OnKey: true, KeyTypes: AllKeyTypes, ConditionKeys: []string{"kms:CallerAccount", "kms:ReplicaRegion", "kms:ViaService"}},
	{Name: "RetireGrant", Levels: []Level{PermissionsManagement, Write}, OnKey: true, KeyTypes: AllKeyTypes, Grant: AllKeyTypes, CrossAccount: true, ConditionKeys: []string{"kms:CallerAccount", "kms:EncryptionContext:", "kms:EncryptionContextKeys", "kms:GrantConstraintType", "kms:ViaService"}},
	{Name: "RevokeGrant", Levels: []Level{PermissionsManagement, Write}, OnKey: true, KeyTypes: AllKeyTypes, CrossAccount: true, ConditionKeys: []string{"kms:CallerAccount", "kms:GrantIsForAWSResource", "kms:ViaService"}},
	{Name: "RotateKeyOnDemand", Levels: []Level{Write}, OnKey: true, KeyTypes: Symmetric, ConditionKeys: []string{"kms:CallerAccount", "kms:ViaService"}},
	{Name: "ScheduleKeyDeletion", Levels: []Level{Write}, OnKey: true, KeyTypes: AllKeyTypes, ConditionKeys: []string{"kms:CallerAccount", "kms:ScheduleKeyDeletionPendingWindowInDays", "kms:TrailingDaysWithoutKeyUsage", "kms:ViaService"}},
	{Name: "Sign", Levels: []Level{Write}, OnKey: true, Use: true, KeyTypes: Signing, Grant: Signing, CrossAccount: true, ConditionKeys: []string{"kms:CallerAccount", "kms:MessageType", "kms:RequestAlias", "kms:SigningAlgorithm", "kms:ViaService"}},
	{Name: "SynchronizeMultiRegionKey", Levels: []Level{Write}, OnKey: true, KeyTypes: AllKeyTypes},
	{Name: "TagResource", Levels: []Level{Tagging, Write}, OnKey: true, KeyTypes: AllKeyTypes, ConditionKeys: []string{"aws:RequestTag/", "aws:TagKeys", "kms:CallerAccount", "kms:ViaService"}},
	{Name: "UntagResource", Levels: []Level{Tagging, Write}, OnKey: true, KeyTypes: AllKeyTypes, ConditionKeys: []string{"aws:TagKeys", "kms:CallerAccount", "kms:ViaService"}},
	{Name: "UpdateAlias", Levels: []Level{Write}, OnKey: true, KeyTypes: AllKeyTypes, ConditionKeys: []string{"kms:CallerAccount", "kms:ViaService"}},
	{Name: "UpdateCustomKeyStore", Levels: []Level{Write}, ConditionKeys: []string{"kms:CallerAccount"}},
	{Name: "UpdateKeyDescription", Levels: []Level{Write}, OnKey: true, KeyTypes: AllKeyTypes, ConditionKeys: []string{"kms:CallerAccount", "kms:ViaService"}},
	{Name: "UpdatePrimaryRegion", Levels: []Level{Write}, OnKey: true, KeyTypes: AllKeyTypes, ConditionKeys: []string{"kms:CallerAccount", "kms:PrimaryRegion", "kms:ViaService"}},
	{Name: "Verify", Levels: []Level{Write}, OnKey: true, Use: true, KeyTypes: Signing, Grant: Signing, CrossAccount: true, ConditionKeys: []string{"kms:CallerAccount", "kms:MessageType", "kms:RequestAlias", "kms:SigningAlgorithm", "kms:ViaService"}},
	{Name: "VerifyMac", Levels: []Level{Write}, OnKey: true, Use: true, KeyTypes: HMAC, Grant: HMAC, CrossAccount: true, ConditionKeys: []string{"kms:CallerAccount", "kms:MacAlgorithm", "kms:RequestAlias", "kms:ViaService"}},
}

// byLowerName indexes the catalogue by lower-case name.
var byLowerName = func() map[string]int {
	out := make(map[string]int, len(actions))
	for i, a := range actions {
		out[strings.ToLower(a.Name)] = i
	}
	return out
}()

// Actions returns every action, sorted by name (a fresh copy).
func Actions() []Action {
	out := make([]Action, len(actions))
	for i := range actions {
		out[i] = actionCopy(i)
	}
	return out
}

// actionCopy returns action i with slices of its own (the callers may
// change them).
func actionCopy(i int) Action {
	a := actions[i]
	a.Levels = slices.Clone(a.Levels)
	a.ConditionKeys = slices.Clone(a.ConditionKeys)
	return a
}

// Names returns every action's IAM name ("kms:Decrypt"), sorted.
func Names() []string {
	out := make([]string, len(actions))
	for i, a := range actions {
		out[i] = a.IAMName()
	}
	return out
}

// Lookup finds an action by name as IAM reads it: "kms:Decrypt",
// "KMS:decrypt" and "Decrypt" all name Decrypt. Wildcards are not
// expanded here (internal/iam matches them).
func Lookup(name string) (Action, bool) {
	if i := strings.IndexByte(name, ':'); i >= 0 {
		if !strings.EqualFold(name[:i], "kms") {
			return Action{}, false
		}
		name = name[i+1:]
	}
	i, ok := byLowerName[strings.ToLower(name)]
	if !ok {
		return Action{}, false
	}
	return actionCopy(i), true
}

// Canonical returns the reference's spelling of an action name with the
// kms: prefix ("KMS:creategrant" -> "kms:CreateGrant"), or "" when it
// names no KMS action.
func Canonical(name string) string {
	if a, ok := Lookup(name); ok {
		return a.IAMName()
	}
	return ""
}

// KeyActions returns the IAM names of the actions a key policy governs
// (OnKey), sorted.
func KeyActions() []string {
	var out []string
	for _, a := range actions {
		if a.OnKey {
			out = append(out, a.IAMName())
		}
	}
	return out
}

// GrantOperations returns the grant operations (without kms:, as
// CreateGrant's Operations take them) for a key type, sorted.
func GrantOperations(t KeyType) []string {
	var out []string
	for _, a := range actions {
		if a.Grant.Has(t) {
			out = append(out, a.Name)
		}
	}
	return out
}

// UsageActions returns the IAM names of the actions that use a key of the
// type without managing it, sorted.
func UsageActions(t KeyType) []string {
	var out []string
	for _, a := range actions {
		if a.Use && a.KeyTypes.Has(t) {
			out = append(out, a.IAMName())
		}
	}
	return out
}

// CrossAccountActions returns the IAM names of the key actions a principal
// of another account can be allowed (CrossAccount), sorted.
func CrossAccountActions() []string {
	var out []string
	for _, a := range actions {
		if a.CrossAccount {
			out = append(out, a.IAMName())
		}
	}
	return out
}
