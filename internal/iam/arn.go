package iam

// ARNs and IAM names: principals of key policies, IAM roles, users, groups
// and managed policies, KMS keys and SNS topics. ARNs are split with the
// AWS SDK's parser (as the AWS provider does), with the rules IAM and KMS
// apply to each kind added.
//
// Functions return a problem ("" when the value is fine) in words that say
// what is allowed, so that callers can prefix the field they checked.

import (
	"fmt"
	"regexp"
	"strings"

	sdkarn "github.com/aws/aws-sdk-go-v2/aws/arn"
)

// ARN is a parsed Amazon Resource Name.
type ARN = sdkarn.ARN

var (
	accountPattern = regexp.MustCompile(`^[0-9]{12}$`)
	// IAM user, role and group names (IAM API reference, CreateRole etc.).
	iamNamePattern = regexp.MustCompile(`^[A-Za-z0-9+=,.@_-]{1,64}$`)
	// STS role session names.
	sessionPattern = regexp.MustCompile(`^[A-Za-z0-9+=,.@_-]{2,64}$`)
	// Managed policy names.
	policyNamePattern = regexp.MustCompile(`^[A-Za-z0-9+=,.@_-]{1,128}$`)
	// IAM paths: "/" or "/a/b/", printable ASCII without spaces, at most 512.
	iamPathPattern = regexp.MustCompile(`^/(?:[!-~]+/)?$`)
	// Organization ids (AWS Organizations API reference).
	orgIDPattern = regexp.MustCompile(`^o-[a-z0-9]{10,32}$`)
)

// maxPathLen is IAM's limit on a path.
const maxPathLen = 512

// Parse splits an ARN. ok is false when s is not arn:<partition>:<service>:
// <region>:<account>:<resource>.
func Parse(s string) (ARN, bool) {
	a, err := sdkarn.Parse(s)
	return a, err == nil
}

// IsAccountID says whether s is a 12-digit AWS account id.
func IsAccountID(s string) bool { return accountPattern.MatchString(s) }

// IsOrgID says whether s is an AWS Organizations id (o-...).
func IsOrgID(s string) bool { return orgIDPattern.MatchString(s) }

// ValidIAMName says whether s is a valid IAM user, role or group name.
func ValidIAMName(s string) bool { return iamNamePattern.MatchString(s) }

// PathProblem checks an IAM path.
func PathProblem(path string) string {
	if len(path) > maxPathLen || !iamPathPattern.MatchString(path) {
		return `must be "/" or "/a/b/": start and end with /, printable characters without spaces, at most 512`
	}
	return ""
}

// Principal is an IAM or STS principal that a key policy can name.
type Principal struct {
	ARN ARN
	// Kind is "root", "role", "user" or "assumed-role".
	Kind string
	// Path is the IAM path of a role or user ("/" when there is none).
	Path string
	// Name is the role or user name (the role name for assumed-role).
	Name string
}

// Account returns the principal's account id.
func (p Principal) Account() string { return p.ARN.AccountID }

// RootArn is the ARN of an account's root principal in a partition.
func RootArn(partition, account string) string {
	return fmt.Sprintf("arn:%s:iam::%s:root", partition, account)
}

// principalForms says which principals a key policy can name.
const principalForms = "must be an IAM or STS ARN: arn:<partition>:iam::<12-digit account>:root, ...:role/[path/]name, ...:user/[path/]name or arn:<partition>:sts::<account>:assumed-role/<role>/<session>"

// ParsePrincipal reads an IAM or STS principal ARN. partition, when not
// empty, is the partition the principal must be in. It returns the
// principal or what is wrong with s.
func ParsePrincipal(s, partition string) (Principal, string) {
	if strings.ContainsAny(s, "*?") {
		return Principal{}, "wildcards are not allowed in principals; name a specific account, role or user"
	}
	a, ok := Parse(s)
	if !ok || (a.Service != "iam" && a.Service != "sts") || a.Region != "" {
		return Principal{}, principalForms
	}
	if !IsAccountID(a.AccountID) {
		return Principal{}, fmt.Sprintf("account id %q must be exactly 12 digits", a.AccountID)
	}
	if partition != "" && a.Partition != partition {
		return Principal{}, fmt.Sprintf("is in partition %q but the key's region is in partition %q", a.Partition, partition)
	}
	p := Principal{ARN: a}
	switch {
	case a.Service == "iam" && a.Resource == "root":
		p.Kind = "root"
		return p, ""
	case a.Service == "iam":
		kind, path, name, ok := splitIAMResource(a.Resource)
		if !ok || (kind != "role" && kind != "user") || !iamNamePattern.MatchString(name) {
			return Principal{}, principalForms
		}
		p.Kind, p.Path, p.Name = kind, path, name
		return p, ""
	default: // sts
		parts := strings.Split(a.Resource, "/")
		if len(parts) != 3 || parts[0] != "assumed-role" || !iamNamePattern.MatchString(parts[1]) {
			return Principal{}, principalForms
		}
		if !sessionPattern.MatchString(parts[2]) {
			// AWS STS API Reference, AssumeRole, RoleSessionName.
			return Principal{}, "the session name after the role must be 2 to 64 letters, digits and + = , . @ _ - (AWS STS, RoleSessionName)"
		}
		p.Kind, p.Path, p.Name = "assumed-role", "/", parts[1]
		return p, ""
	}
}

// splitIAMResource splits "role/path/to/name" into its type, path
// ("/path/to/") and name.
func splitIAMResource(resource string) (kind, path, name string, ok bool) {
	kind, rest, found := strings.Cut(resource, "/")
	if !found || rest == "" {
		return "", "", "", false
	}
	i := strings.LastIndex(rest, "/")
	path, name = "/"+rest[:i+1], rest[i+1:]
	if i < 0 {
		path = "/"
	}
	if path != "/" && PathProblem(path) != "" {
		return "", "", "", false
	}
	return kind, path, name, true
}

// Identity is an IAM role, user or group named by ARN.
type Identity struct {
	ARN  ARN
	Kind string // "role", "user" or "group"
	Path string
	Name string
}

// ParseIdentity reads the ARN of an IAM role, user or group in partition
// (any partition when empty).
func ParseIdentity(s, partition string) (Identity, string) {
	const forms = "must be a role, user or group name, or an ARN: arn:<partition>:iam::<12-digit account>:role/[path/]name (or user/..., group/...)"
	if strings.ContainsAny(s, "*?") {
		return Identity{}, "wildcards are not allowed; name one role, user or group"
	}
	a, ok := Parse(s)
	if !ok || a.Service != "iam" || a.Region != "" {
		return Identity{}, forms
	}
	if !IsAccountID(a.AccountID) {
		return Identity{}, fmt.Sprintf("account id %q must be exactly 12 digits", a.AccountID)
	}
	if partition != "" && a.Partition != partition {
		return Identity{}, fmt.Sprintf("is in partition %q but the key is in %q", a.Partition, partition)
	}
	kind, path, name, ok := splitIAMResource(a.Resource)
	if !ok || (kind != "role" && kind != "user" && kind != "group") || !iamNamePattern.MatchString(name) {
		return Identity{}, forms
	}
	return Identity{ARN: a, Kind: kind, Path: path, Name: name}, ""
}

// ManagedPolicyProblem checks the ARN of an IAM managed policy (an AWS
// managed one, arn:<partition>:iam::aws:policy/..., or a customer managed
// one) in partition (any when empty).
func ManagedPolicyProblem(s, partition string) string {
	const forms = "must be a managed policy ARN: arn:<partition>:iam::aws:policy/<name> or arn:<partition>:iam::<account>:policy/[path/]<name>"
	if strings.Contains(s, "*") {
		return "wildcards are not allowed; name one managed policy"
	}
	a, ok := Parse(s)
	if !ok || a.Service != "iam" || a.Region != "" || (a.AccountID != "aws" && !IsAccountID(a.AccountID)) {
		return forms
	}
	kind, _, name, ok := splitIAMResource(a.Resource)
	if !ok || kind != "policy" || !policyNamePattern.MatchString(name) {
		return forms
	}
	if partition != "" && a.Partition != partition {
		return fmt.Sprintf("is in partition %q but the key's region is in partition %q", a.Partition, partition)
	}
	return ""
}

// snsTopicName is SNS's rule for topic names.
var snsTopicName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}(\.fifo)?$`)

// ParseTopic reads an SNS topic ARN.
func ParseTopic(s string) (ARN, string) {
	a, ok := Parse(s)
	if !ok || a.Service != "sns" || a.Region == "" || !IsAccountID(a.AccountID) || !snsTopicName.MatchString(a.Resource) {
		return ARN{}, "must be an SNS topic ARN: arn:<partition>:sns:<region>:<12-digit account>:<name>"
	}
	return a, ""
}

// keyIDPattern is the form of a KMS key id: a UUID, or mrk- and 32 hex
// digits for a multi-Region key.
var keyIDPattern = regexp.MustCompile(`^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$`)

// IsKeyID says whether s is a KMS key id.
func IsKeyID(s string) bool { return keyIDPattern.MatchString(s) }

// ParseKey reads a KMS key ARN (arn:<partition>:kms:<region>:<account>:
// key/<key id>).
func ParseKey(s string) (a ARN, keyID string, problem string) {
	a, ok := Parse(s)
	id, isKey := strings.CutPrefix(a.Resource, "key/")
	if !ok || a.Service != "kms" || a.Region == "" || !IsAccountID(a.AccountID) || !isKey || !IsKeyID(id) {
		return ARN{}, "", "must be a KMS key ARN: arn:<partition>:kms:<region>:<12-digit account>:key/<key id>"
	}
	return a, id, ""
}
