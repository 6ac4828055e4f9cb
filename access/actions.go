package access

import (
	"slices"

	"github.com/cdktf-kms/cdktf-kms/internal/kmscat"
)

// Level is an access level of AWS's Service Authorization Reference, which
// classes every IAM action (and so IAM Access Analyzer and the console's
// policy summaries) as List, Read, Write, Permissions management or Tagging.
// Where the reference names two levels ("Permissions management, Write" for
// CreateGrant, PutKeyPolicy, RetireGrant and RevokeGrant; "Tagging, Write"
// for TagResource and UntagResource) the report groups the action under the
// first, the more specific one. The levels come from the KMS catalogue
// (internal/kmscat), which a test holds to the reference.
type Level = kmscat.Level

// The access levels, in the order the report shows them.
const (
	LevelList                  = kmscat.List
	LevelRead                  = kmscat.Read
	LevelWrite                 = kmscat.Write
	LevelPermissionsManagement = kmscat.PermissionsManagement
	LevelTagging               = kmscat.Tagging
)

// Levels returns the access levels in report order.
func Levels() []Level { return kmscat.Levels() }

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
	column("list grants", "grants", "kms:ListGrants"),
	column("list key policies", "manage", "kms:ListKeyPolicies"),
	column("list tags", "manage", "kms:ListResourceTags"),
	column("list rotations", "manage", "kms:ListKeyRotations"),

	column("describe", "use", "kms:DescribeKey"),
	column("get public key", "use", "kms:GetPublicKey"),
	column("read policy", "manage", "kms:GetKeyPolicy"),
	column("rotation status", "manage", "kms:GetKeyRotationStatus"),
	column("last usage", "manage", "kms:GetKeyLastUsage"),
	column("import parameters", "manage", "kms:GetParametersForImport"),

	column("encrypt", "use", "kms:Encrypt"),
	column("decrypt", "use", "kms:Decrypt"),
	column("re-encrypt", "use", "kms:ReEncryptFrom", "kms:ReEncryptTo"),
	column("generate data keys", "use", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:GenerateDataKeyPair", "kms:GenerateDataKeyPairWithoutPlaintext"),
	column("sign", "use", "kms:Sign"),
	column("verify", "use", "kms:Verify"),
	column("generate MAC", "use", "kms:GenerateMac"),
	column("verify MAC", "use", "kms:VerifyMac"),
	column("derive shared secret", "use", "kms:DeriveSharedSecret"),
	column("enable/disable", "manage", "kms:EnableKey", "kms:DisableKey"),
	column("rotation", "manage", "kms:EnableKeyRotation", "kms:DisableKeyRotation", "kms:RotateKeyOnDemand"),
	column("deletion", "manage", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion"),
	column("aliases", "manage", "kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"),
	column("description", "manage", "kms:UpdateKeyDescription"),
	column("key material", "manage", "kms:ImportKeyMaterial", "kms:DeleteImportedKeyMaterial"),
	column("multi-Region", "manage", "kms:ReplicateKey", "kms:UpdatePrimaryRegion", "kms:SynchronizeMultiRegionKey"),

	column("change policy", "manage", "kms:PutKeyPolicy"),
	column("create grants", "grants", "kms:CreateGrant"),
	column("revoke grants", "grants", "kms:RevokeGrant"),
	column("retire grants", "grants", "kms:RetireGrant"),

	column("tags", "manage", "kms:TagResource", "kms:UntagResource"),
}

// column makes a capability whose level is its actions' (the catalogue's;
// all actions of a column share one).
func column(name, group string, actions ...string) Capability {
	a, ok := kmscat.Lookup(actions[0])
	if !ok {
		panic("access: " + actions[0] + " is not in the KMS catalogue")
	}
	return Capability{Name: name, Level: a.Level(), Group: group, Actions: actions}
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

// neverInRequest says whether a request for the action can never carry
// the condition key: a KMS key (or aws:RequestTag/, aws:TagKeys) that the
// Service Authorization Reference does not list for the action (the
// catalogue's Carries). A condition on such a key is evaluated as if the
// key were absent (false for StringEquals, ArnLike, Bool, ...; true for the
// negated operators, ...IfExists and Null true).
func neverInRequest(action, key string) bool {
	a, ok := kmscat.Lookup(action)
	return ok && !kmscat.Carries(a, key)
}
