package iam

import (
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
