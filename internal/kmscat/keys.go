package kmscat

import (
	"slices"
	"strings"
)

// ValueType is the type of a condition key's values, as the reference
// gives it; it says which condition operators fit (IAM User Guide, "IAM
// JSON policy elements: Condition operators").
type ValueType string

// The condition key types.
const (
	String        ValueType = "String"
	ArrayOfString ValueType = "ArrayOfString"
	Bool          ValueType = "Bool"
	Numeric       ValueType = "Numeric"
	Date          ValueType = "Date"
	ARN           ValueType = "ARN"
)

// ConditionKey is a condition key of AWS KMS (or a global key KMS actions
// list); a family ends in ":" or "/" and is followed by a name.
type ConditionKey struct {
	Name string
	Type ValueType
}

// conditionKeys are the keys of the reference's "Condition keys for AWS
// Key Management Service" table, families collapsed, sorted
// case-insensitively. kms:CustomerMasterKeySpec and
// kms:CustomerMasterKeyUsage are deprecated (use kms:KeySpec and
// kms:KeyUsage) but still honoured.
var conditionKeys = []ConditionKey{
	{"aws:RequestTag/", String},
	{"aws:ResourceTag/", String},
	{"aws:TagKeys", ArrayOfString},
	{"kms:BypassPolicyLockoutSafetyCheck", Bool},
	{"kms:CallerAccount", String},
	{"kms:CustomerMasterKeySpec", String},
	{"kms:CustomerMasterKeyUsage", String},
	{"kms:DataKeyPairSpec", String},
	{"kms:EncryptionAlgorithm", String},
	{"kms:EncryptionContext:", String},
	{"kms:EncryptionContextKeys", ArrayOfString},
	{"kms:ExpirationModel", String},
	{"kms:GrantConstraintSourceArn", ARN},
	{"kms:GrantConstraintType", String},
	{"kms:GranteePrincipal", String},
	{"kms:GranteeServicePrincipal", String},
	{"kms:GrantIsForAWSResource", Bool},
	{"kms:GrantOperations", ArrayOfString},
	{"kms:KeyAgreementAlgorithm", String},
	{"kms:KeyOrigin", String},
	{"kms:KeySpec", String},
	{"kms:KeyUsage", String},
	{"kms:MacAlgorithm", String},
	{"kms:MessageType", String},
	{"kms:MultiRegion", Bool},
	{"kms:MultiRegionKeyType", String},
	{"kms:PrimaryRegion", String},
	{"kms:RecipientAttestation:", String},
	{"kms:ReEncryptOnSameKey", Bool},
	{"kms:ReplicaRegion", String},
	{"kms:RequestAlias", String},
	{"kms:ResourceAliases", ArrayOfString},
	{"kms:RetiringPrincipal", String},
	{"kms:RetiringServicePrincipal", String},
	{"kms:RotationPeriodInDays", Numeric},
	{"kms:ScheduleKeyDeletionPendingWindowInDays", Numeric},
	{"kms:SigningAlgorithm", String},
	{"kms:TrailingDaysWithoutKeyUsage", Numeric},
	{"kms:ValidTo", Date},
	{"kms:ViaService", String},
	{"kms:WrappingAlgorithm", String},
	{"kms:WrappingKeySpec", String},
}

// resourceConditionKeys are the key's own condition keys (the reference's
// "key" resource type): every request on a key carries them.
var resourceConditionKeys = []string{"aws:ResourceTag/", "kms:KeyOrigin", "kms:KeySpec", "kms:KeyUsage", "kms:MultiRegion", "kms:MultiRegionKeyType", "kms:ResourceAliases"}

// ConditionKeys returns the condition keys of the service (a fresh copy).
func ConditionKeys() []ConditionKey { return slices.Clone(conditionKeys) }

// ResourceConditionKeys returns the key resource's own condition keys.
func ResourceConditionKeys() []string { return slices.Clone(resourceConditionKeys) }

// LookupConditionKey finds a condition key, case-insensitively as IAM
// reads them; a name in a family (kms:EncryptionContext:Team) finds the
// family, whose name (after the prefix) must not be empty.
func LookupConditionKey(key string) (ConditionKey, bool) {
	k := strings.ToLower(key)
	for _, c := range conditionKeys {
		n := strings.ToLower(c.Name)
		if family(n) {
			if strings.HasPrefix(k, n) && len(k) > len(n) {
				return c, true
			}
		} else if n == k {
			return c, true
		}
	}
	return ConditionKey{}, false
}

func family(name string) bool { return strings.HasSuffix(name, ":") || strings.HasSuffix(name, "/") }

// InFamily says whether key is the condition key name, or a member of the
// family name, case-insensitively.
func InFamily(name, key string) bool {
	n, k := strings.ToLower(name), strings.ToLower(key)
	if family(n) {
		return strings.HasPrefix(k, n) && len(k) > len(n)
	}
	return n == k
}

// Carries says whether a request for the action can carry the condition
// key: a key of the action's list or of the key resource (for an action on
// a key). A KMS key (kms:...) that neither lists is never in such a
// request (AWS KMS Developer Guide, "AWS KMS condition keys": each key
// applies to the operations the reference lists). Keys of other services
// and global keys are not KMS's to say: Carries answers true for them.
func Carries(a Action, key string) bool {
	if !strings.HasPrefix(strings.ToLower(key), "kms:") {
		if _, ok := LookupConditionKey(key); !ok {
			return true
		}
	}
	for _, k := range a.ConditionKeys {
		if InFamily(k, key) {
			return true
		}
	}
	if a.OnKey {
		for _, k := range resourceConditionKeys {
			if InFamily(k, key) {
				return true
			}
		}
	}
	return false
}
