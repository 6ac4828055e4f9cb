package iam

import "github.com/cdktf-kms/cdktf-kms/internal/kmscat"

// ExpandKMSActions returns the KMS actions of the catalogue (with "kms:",
// sorted) that an Action pattern covers, read as IAM reads it: "kms:*",
// "KMS:Get*", "kms:decrypt" and "*" all expand; a pattern of another
// service expands to none.
func ExpandKMSActions(pattern string) []string {
	var out []string
	for _, name := range kmscat.Names() {
		if ActionMatches(pattern, name) {
			out = append(out, name)
		}
	}
	return out
}
