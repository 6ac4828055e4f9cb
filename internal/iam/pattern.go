package iam

import (
	"regexp"
	"strings"
)

// Patterns of principals for checks Terraform evaluates: where a principal
// is a reference, known only at plan, the stack carries a precondition
// that matches the value with one of these (Terraform's regex function
// takes the same RE2 syntax as Go's regexp), so that the value meets the
// rules a literal meets (ParsePrincipal, ParseIdentity). A test holds each
// pattern to its parser.

const (
	// namePattern is an IAM user or role name (iamNamePattern).
	namePattern = `[A-Za-z0-9+=,.@_-]{1,64}`
	// sessionPattern is an STS role session name.
	sessionNamePattern = `[A-Za-z0-9+=,.@_-]{2,64}`
	// pathPattern is an IAM path between the kind and the name, without
	// the wildcards * and ? (printable ASCII without spaces).
	pathPattern = `(?:[!-)+->@-~]+/)?`
	// anyPartition is any partition, as the ARN parser reads one.
	anyPartition = `[^:]+`
)

func partitionPattern(partition string) string {
	if partition == "" {
		return anyPartition
	}
	return regexp.QuoteMeta(partition)
}

func accountsPattern(accounts []string) string {
	if len(accounts) == 0 {
		return `[0-9]{12}`
	}
	quoted := make([]string, len(accounts))
	for i, a := range accounts {
		quoted[i] = regexp.QuoteMeta(a)
	}
	return "(?:" + strings.Join(quoted, "|") + ")"
}

// PrincipalPattern is an anchored pattern of the principals a key policy
// can name (ParsePrincipal: an account root, role, user or assumed-role
// session ARN) in partition ("" for any), of the accounts given (any when
// none), and, when accountIDs is set, of bare account ids. No wildcard, no
// group, no other service matches.
func PrincipalPattern(partition string, accounts []string, accountIDs bool) string {
	part, acct := partitionPattern(partition), accountsPattern(accounts)
	alts := []string{
		`arn:` + part + `:iam::` + acct + `:(?:root|(?:role|user)/` + pathPattern + namePattern + `)`,
		`arn:` + part + `:sts::` + acct + `:assumed-role/` + namePattern + `/` + sessionNamePattern,
	}
	if accountIDs {
		alts = append(alts, acct)
	}
	return `^(?:` + strings.Join(alts, "|") + `)$`
}

// IdentityPattern is an anchored pattern of an IAM identity of one kind
// ("role", "user" or "group") named by its name, or by its ARN in
// partition ("" for any) and one of the accounts (any when none): the
// values whose last path segment names that identity in those accounts.
func IdentityPattern(kind, partition string, accounts []string) string {
	return `^(?:` + namePattern + `|arn:` + partitionPattern(partition) + `:iam::` + accountsPattern(accounts) + `:` + regexp.QuoteMeta(kind) + `/` + pathPattern + namePattern + `)$`
}
