package iam

import (
	"slices"
	"strings"
	"testing"

	"github.com/cdktf-kms/cdktf-kms/internal/kmscat"
)

func TestExpandKMSActions(t *testing.T) {
	for pattern, want := range map[string]string{
		"kms:ReEncrypt*": "kms:ReEncryptFrom,kms:ReEncryptTo",
		"KMS:reencrypt*": "kms:ReEncryptFrom,kms:ReEncryptTo",
		"kms:Decrypt":    "kms:Decrypt",
		"kms:DECRYPT":    "kms:Decrypt",
		"kms:?ign":       "kms:Sign",
		"s3:*":           "",
		"kms:Frob*":      "",
	} {
		if got := strings.Join(ExpandKMSActions(pattern), ","); got != want {
			t.Errorf("ExpandKMSActions(%q) = %q, want %q", pattern, got, want)
		}
	}
	for _, all := range []string{"kms:*", "*", "KMS:*"} {
		if n := len(ExpandKMSActions(all)); n != len(kmscat.Names()) {
			t.Errorf("%s expands to %d actions, want all %d", all, n, len(kmscat.Names()))
		}
	}
}

// ExpandKMSActions (a lookup, or a remembered match) is what matching
// every action of the catalogue with ActionMatches gives, for names in
// any case, wildcards, other services and malformed patterns.
func TestExpandKMSActionsIsActionMatches(t *testing.T) {
	patterns := []string{"*", "kms:*", "KMS:*", "kms:Get*", "kms:get*", "kms:*Key", "kms:*key*", "kms:Decrypt", "kms:decrypt",
		"KMS:CreateGrant", "kms:ReEncrypt*", "kms:?ecrypt", "kms:Re?ncrypt*", "kms:", "kms", "Decrypt", "s3:*", "s3:GetObject",
		"kms:*:*", "kms:Nope", "kms:**", "kms:Generate*Pair*", ":*", "*:*", "kms:List*", "kms:list*"}
	for _, name := range kmscat.Names() {
		patterns = append(patterns, name, strings.ToUpper(name), name[:len(name)-2]+"*", "kms:*"+name[6:])
	}
	for _, p := range patterns {
		var want []string
		for _, name := range kmscat.Names() {
			if ActionMatches(p, name) {
				want = append(want, name)
			}
		}
		for range 2 { // computed, then remembered
			got := ExpandKMSActions(p)
			if !slices.Equal(got, want) {
				t.Errorf("ExpandKMSActions(%q) = %v, want %v", p, got, want)
			}
			if len(got) > 0 {
				got[0] = "changed" // the caller's own slice
			}
		}
	}
}
