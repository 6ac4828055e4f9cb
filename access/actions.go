package access

import (
	"slices"
	"strings"
)

// Level is an access level of AWS's Service Authorization Reference, which
// classes every IAM action (and so IAM Access Analyzer and the console's
// policy summaries) as List, Read, Write, Permissions management or Tagging.
//
// Source: Service Authorization Reference, "Actions, resources, and
// condition keys for AWS Key Management Service",
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_kms.html
// (the "Access level" column). Where that column names two levels
// ("Permissions management, Write" for CreateGrant, PutKeyPolicy,
// RetireGrant and RevokeGrant; "Tagging, Write" for TagResource and
// UntagResource) the report groups the action under the first, the more
// specific one.
type Level string

// The access levels, in the order the report shows them.
const (
	LevelList                  Level = "List"
	LevelRead                  Level = "Read"
	LevelWrite                 Level = "Write"
	LevelPermissionsManagement Level = "Permissions management"
	LevelTagging               Level = "Tagging"
)

// Levels returns the access levels in report order.
func Levels() []Level {
	return []Level{LevelList, LevelRead, LevelWrite, LevelPermissionsManagement, LevelTagging}
}

// Capability is one column of the report: what a principal can do with
// the key, as one or more KMS actions of one access level.
type Capability struct {
	// Name is the column's name, like "decrypt" or "change policy".
	Name string `json:"name"`
	// Level is the access level of its actions.
	Level Level `json:"level"`
	// Group says what the capability is for: "use" (cryptographic
	// operations and reading the key), "manage" or "grants".
	Group string `json:"group"`
	// Actions are the KMS actions (with "kms:"); a principal has the
	// capability when it has every one of them.
	Actions []string `json:"actions"`
}

// capabilities are the report's columns, grouped by access level in the
// order of Levels. Every documented KMS action that acts on a key is in
// exactly one (TestEveryKeyActionHasOneCapability); the actions whose
// resource is the account, not a key (CreateKey, ListKeys, ListAliases,
// GenerateRandom, the custom key store actions, ListRetirableGrants), are
// not: a key policy does not govern them.
var capabilities = []Capability{
	{"list grants", LevelList, "grants", []string{"kms:ListGrants"}},
	{"list key policies", LevelList, "manage", []string{"kms:ListKeyPolicies"}},
	{"list tags", LevelList, "manage", []string{"kms:ListResourceTags"}},
	{"list rotations", LevelList, "manage", []string{"kms:ListKeyRotations"}},

	{"describe", LevelRead, "use", []string{"kms:DescribeKey"}},
	{"get public key", LevelRead, "use", []string{"kms:GetPublicKey"}},
	{"read policy", LevelRead, "manage", []string{"kms:GetKeyPolicy"}},
	{"rotation status", LevelRead, "manage", []string{"kms:GetKeyRotationStatus"}},
	{"last usage", LevelRead, "manage", []string{"kms:GetKeyLastUsage"}},
	{"import parameters", LevelRead, "manage", []string{"kms:GetParametersForImport"}},

	{"encrypt", LevelWrite, "use", []string{"kms:Encrypt"}},
	{"decrypt", LevelWrite, "use", []string{"kms:Decrypt"}},
	{"re-encrypt", LevelWrite, "use", []string{"kms:ReEncryptFrom", "kms:ReEncryptTo"}},
	{"generate data keys", LevelWrite, "use", []string{"kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:GenerateDataKeyPair", "kms:GenerateDataKeyPairWithoutPlaintext"}},
	{"sign", LevelWrite, "use", []string{"kms:Sign"}},
	{"verify", LevelWrite, "use", []string{"kms:Verify"}},
	{"generate MAC", LevelWrite, "use", []string{"kms:GenerateMac"}},
	{"verify MAC", LevelWrite, "use", []string{"kms:VerifyMac"}},
	{"derive shared secret", LevelWrite, "use", []string{"kms:DeriveSharedSecret"}},
	{"enable/disable", LevelWrite, "manage", []string{"kms:EnableKey", "kms:DisableKey"}},
	{"rotation", LevelWrite, "manage", []string{"kms:EnableKeyRotation", "kms:DisableKeyRotation", "kms:RotateKeyOnDemand"}},
	{"deletion", LevelWrite, "manage", []string{"kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion"}},
	{"aliases", LevelWrite, "manage", []string{"kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"}},
	{"description", LevelWrite, "manage", []string{"kms:UpdateKeyDescription"}},
	{"key material", LevelWrite, "manage", []string{"kms:ImportKeyMaterial", "kms:DeleteImportedKeyMaterial"}},
	{"multi-Region", LevelWrite, "manage", []string{"kms:ReplicateKey", "kms:UpdatePrimaryRegion", "kms:SynchronizeMultiRegionKey"}},

	{"change policy", LevelPermissionsManagement, "manage", []string{"kms:PutKeyPolicy"}},
	{"create grants", LevelPermissionsManagement, "grants", []string{"kms:CreateGrant"}},
	{"revoke grants", LevelPermissionsManagement, "grants", []string{"kms:RevokeGrant"}},
	{"retire grants", LevelPermissionsManagement, "grants", []string{"kms:RetireGrant"}},

	{"tags", LevelTagging, "manage", []string{"kms:TagResource", "kms:UntagResource"}},
}

// Capabilities returns the report's columns in order (a fresh copy).
func Capabilities() []Capability {
	out := make([]Capability, len(capabilities))
	for i, c := range capabilities {
		c.Actions = slices.Clone(c.Actions)
		out[i] = c
	}
	return out
}

// Actions returns every KMS action the report evaluates, in column order.
func Actions() []string {
	var out []string
	for _, c := range capabilities {
		out = append(out, c.Actions...)
	}
	return out
}

// capabilityOf returns the capability of an action.
func capabilityOf(action string) (Capability, bool) {
	for _, c := range capabilities {
		if slices.Contains(c.Actions, action) {
			return c, true
		}
	}
	return Capability{}, false
}

// Request-specific KMS condition keys by action: the keys the Service
// Authorization Reference lists for the action beyond kms:CallerAccount and
// kms:ViaService (which every key action has but SynchronizeMultiRegionKey)
// and the key's own resource keys (kms:KeySpec, kms:KeyUsage, kms:KeyOrigin,
// kms:MultiRegion, kms:MultiRegionKeyType, kms:ResourceAliases,
// aws:ResourceTag/*). A request for an action never carries a KMS key that
// its row does not list, so a condition on it is evaluated as if the key
// were absent (false for StringEquals, ArnLike, Bool, ...; true for the
// negated operators, ...IfExists and Null true). The simulator test checks
// this table against the Service Authorization Reference data the simulator
// ships.
var (
	encryptionContextKeys = []string{"kms:EncryptionContext:", "kms:EncryptionContextKeys"}
	attestationKeys       = []string{"kms:RecipientAttestation:"}
	requestKeys           = map[string][]string{
		"kms:CreateGrant": join(encryptionContextKeys, "kms:GrantConstraintSourceArn", "kms:GrantConstraintType", "kms:GrantIsForAWSResource",
			"kms:GrantOperations", "kms:GranteePrincipal", "kms:GranteeServicePrincipal", "kms:RetiringPrincipal", "kms:RetiringServicePrincipal"),
		"kms:Decrypt":                             join(encryptionContextKeys, attestationKeys, "kms:EncryptionAlgorithm", "kms:RequestAlias"),
		"kms:DeriveSharedSecret":                  join(attestationKeys, "kms:KeyAgreementAlgorithm", "kms:RequestAlias"),
		"kms:DescribeKey":                         {"kms:RequestAlias"},
		"kms:DisableKey":                          {"kms:TrailingDaysWithoutKeyUsage"},
		"kms:EnableKeyRotation":                   {"kms:RotationPeriodInDays"},
		"kms:Encrypt":                             join(encryptionContextKeys, "kms:EncryptionAlgorithm", "kms:RequestAlias"),
		"kms:GenerateDataKey":                     join(encryptionContextKeys, attestationKeys, "kms:EncryptionAlgorithm", "kms:RequestAlias"),
		"kms:GenerateDataKeyPair":                 join(encryptionContextKeys, attestationKeys, "kms:DataKeyPairSpec", "kms:EncryptionAlgorithm", "kms:RequestAlias"),
		"kms:GenerateDataKeyPairWithoutPlaintext": join(encryptionContextKeys, "kms:DataKeyPairSpec", "kms:EncryptionAlgorithm", "kms:RequestAlias"),
		"kms:GenerateDataKeyWithoutPlaintext":     join(encryptionContextKeys, "kms:EncryptionAlgorithm", "kms:RequestAlias"),
		"kms:GenerateMac":                         {"kms:MacAlgorithm", "kms:RequestAlias"},
		"kms:GetParametersForImport":              {"kms:WrappingAlgorithm", "kms:WrappingKeySpec"},
		"kms:GetPublicKey":                        {"kms:RequestAlias"},
		"kms:ImportKeyMaterial":                   {"kms:ExpirationModel", "kms:ValidTo"},
		"kms:ListGrants":                          {"kms:GrantIsForAWSResource"},
		"kms:PutKeyPolicy":                        {"kms:BypassPolicyLockoutSafetyCheck"},
		"kms:ReEncryptFrom":                       join(encryptionContextKeys, "kms:EncryptionAlgorithm", "kms:ReEncryptOnSameKey", "kms:RequestAlias"),
		"kms:ReEncryptTo":                         join(encryptionContextKeys, "kms:EncryptionAlgorithm", "kms:ReEncryptOnSameKey", "kms:RequestAlias"),
		"kms:ReplicateKey":                        {"kms:ReplicaRegion"},
		"kms:RetireGrant":                         join(encryptionContextKeys, "kms:GrantConstraintType"),
		"kms:RevokeGrant":                         {"kms:GrantIsForAWSResource"},
		"kms:ScheduleKeyDeletion":                 {"kms:ScheduleKeyDeletionPendingWindowInDays", "kms:TrailingDaysWithoutKeyUsage"},
		"kms:Sign":                                {"kms:MessageType", "kms:RequestAlias", "kms:SigningAlgorithm"},
		"kms:TagResource":                         {"aws:RequestTag/", "aws:TagKeys"},
		"kms:UntagResource":                       {"aws:TagKeys"},
		"kms:UpdatePrimaryRegion":                 {"kms:PrimaryRegion"},
		"kms:Verify":                              {"kms:MessageType", "kms:RequestAlias", "kms:SigningAlgorithm"},
		"kms:VerifyMac":                           {"kms:MacAlgorithm", "kms:RequestAlias"},
	}
	// allRequestKeys are the keys of requestKeys in any action, lower-cased:
	// a key among them is request-specific.
	allRequestKeys = func() []string {
		var out []string
		for _, keys := range requestKeys {
			for _, k := range keys {
				if k := strings.ToLower(k); !slices.Contains(out, k) {
					out = append(out, k)
				}
			}
		}
		slices.Sort(out)
		return out
	}()
)

func join(lists ...any) []string {
	var out []string
	for _, l := range lists {
		switch v := l.(type) {
		case string:
			out = append(out, v)
		case []string:
			out = append(out, v...)
		}
	}
	return out
}

// keyFamily matches a condition key against a key or family ("kms:EncryptionContext:"
// matches kms:EncryptionContext:Department), case-insensitively.
func keyFamily(family, key string) bool {
	f, k := strings.ToLower(family), strings.ToLower(key)
	if strings.HasSuffix(f, ":") || strings.HasSuffix(f, "/") {
		return strings.HasPrefix(k, f) && len(k) > len(f)
	}
	return f == k
}

// neverInRequest says whether a request for action can never carry
// condition key: a request-specific key that the action does not list.
func neverInRequest(action, key string) bool {
	specific := false
	for _, f := range allRequestKeys {
		if keyFamily(f, key) {
			specific = true
			break
		}
	}
	if !specific {
		return false
	}
	for _, f := range requestKeys[action] {
		if keyFamily(f, key) {
			return false
		}
	}
	return true
}

// grantConstrainedOperations are the grant operations that take an
// encryption context, so that a grant's encryption context constraint
// applies to them (AWS KMS API Reference, GrantConstraints: constraints
// apply to the cryptographic operations that support an encryption context,
// not to DescribeKey or RetireGrant; with CreateGrant the constraint
// requires grants it creates to be at least as strict).
var grantConstrainedOperations = []string{
	"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyPair", "kms:GenerateDataKeyPairWithoutPlaintext",
	"kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo",
}

// RequestConditionKeys returns the request-specific condition keys the
// report takes an action's requests to carry (families end in ":" or
// "/"), for the test that compares them with the Service Authorization
// Reference.
func RequestConditionKeys(action string) []string { return slices.Clone(requestKeys[action]) }
