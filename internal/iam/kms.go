package iam

import (
	"slices"
	"strings"
	"sync"

	"github.com/cdktf-kms/cdktf-kms/internal/kmscat"
)

// ExpandKMSActions returns the KMS actions of the catalogue (with "kms:",
// sorted) that an Action pattern covers, read as IAM reads it: "kms:*",
// "KMS:Get*", "kms:decrypt" and "*" all expand; a pattern of another
// service expands to none. The caller owns the slice.
//
// It runs for every action of every statement of every key, so a name
// without wildcards is one lookup and a wildcard pattern is matched once
// and remembered.
func ExpandKMSActions(pattern string) []string {
	if pattern == "*" {
		return slices.Clone(kmsNames)
	}
	service, name, ok := strings.Cut(pattern, ":")
	if !ok || !strings.EqualFold(service, "kms") {
		return nil
	}
	if !strings.ContainsAny(name, "*?") {
		if c := kmscat.Canonical(pattern); c != "" {
			return []string{c}
		}
		return nil
	}
	expansions.Lock()
	out, ok := expansions.m[pattern]
	expansions.Unlock()
	if !ok {
		lower := strings.ToLower(name)
		for i, n := range lowerKMSNames {
			if wildcard(lower, n, false) {
				out = append(out, kmsNames[i])
			}
		}
		expansions.Lock()
		if len(expansions.m) < maxExpansions {
			expansions.m[pattern] = out
		}
		expansions.Unlock()
	}
	return slices.Clone(out)
}

// kmsNames are the catalogue's actions ("kms:Decrypt", sorted) and
// lowerKMSNames their names without the prefix in lower case ("decrypt").
var kmsNames, lowerKMSNames = func() ([]string, []string) {
	names := kmscat.Names()
	lower := make([]string, len(names))
	for i, n := range names {
		_, lower[i], _ = strings.Cut(strings.ToLower(n), ":")
	}
	return names, lower
}()

// expansions remembers the expansion of wildcard patterns (a few per
// application; bounded so that a long-running caller fed arbitrary
// patterns does not grow without end).
var expansions = struct {
	sync.Mutex
	m map[string][]string
}{m: map[string][]string{}}

const maxExpansions = 4096
