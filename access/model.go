package access

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Format is the version of the JSON form (Report.Format). It changes only
// when a field changes meaning or goes away; new fields may appear in the
// same version.
const Format = 1

// Report is who can do what with every key of a set of synthesized stacks.
// It is the JSON form of `go run . -access -format json` (docs/access/README.md):
// sorted, no timestamps, no paths.
type Report struct {
	// Format is the version of this form: 1.
	Format int `json:"format"`
	// Source says where the documents came from: an argument of the tool
	// that made the report ("cdktf.json", a file name), never a path.
	Source string `json:"source,omitempty"`
	// Capabilities are the report's columns, in order.
	Capabilities []Capability `json:"capabilities"`
	// Stacks are sorted by name.
	Stacks []Stack `json:"stacks"`
}

// Stack is one synthesized stack.
type Stack struct {
	// Name is the stack's name (kms-<environment>).
	Name string `json:"name"`
	// Keys are the stack's keys and replicas (aws_kms_key,
	// aws_kms_external_key, aws_kms_replica_key,
	// aws_kms_replica_external_key), sorted by address.
	Keys []Key `json:"keys"`
	// Notes are what the report could not read or decide for the stack.
	Notes []string `json:"notes,omitempty"`
}

// Key is one KMS key or replica and who can do what with it.
type Key struct {
	// Address is the Terraform address: aws_kms_key.<name>,
	// aws_kms_external_key.<name>, aws_kms_replica_key.<name> or
	// aws_kms_replica_external_key.<name>.
	Address string `json:"address"`
	// Primary is the address of a replica's primary key.
	Primary string `json:"primary,omitempty"`
	// Region is the key's region (its provider's).
	Region string `json:"region"`
	// Account is the key's account, from the account root of its key
	// policy ("" when the policy names none).
	Account string `json:"account"`
	// Partition is the ARN partition of the key's account principal.
	Partition string `json:"partition"`
	// KeySpec and KeyUsage are the key's (the defaults when unset).
	KeySpec  string `json:"key_spec"`
	KeyUsage string `json:"key_usage"`
	// Principals are the rows, in report order (see Principal.Kind).
	Principals []Principal `json:"principals"`
	// Notes say what the report assumed or could not decide for this key.
	Notes []string `json:"notes,omitempty"`
}

// Kinds of principals, in report order.
const (
	// KindAccount is an account's identities through IAM: the key policy
	// names the account (its root or id) and so delegates to that
	// account's IAM policies. Its cells hold for any identity of the
	// account whose IAM policy allows the action (condition iam_policy).
	KindAccount = "account"
	// KindAnyone is Principal "*": any principal, evaluated as an identity
	// of the key's account that no other row names and that has no IAM
	// policy for the key (a principal of another account also needs an IAM
	// policy of its own account).
	KindAnyone = "anyone"
	// KindRole, KindUser, KindAssumedRole and KindGroup are IAM identities.
	// A group stands for its members (key policies cannot name groups).
	KindRole        = "role"
	KindUser        = "user"
	KindAssumedRole = "assumed-role"
	KindGroup       = "group"
	// KindService is an AWS service principal.
	KindService = "service"
	// KindReference is a value known only at apply (a Terraform reference
	// the report does not resolve); its ID is the reference.
	KindReference = "reference"
)

var kindOrder = []string{KindAccount, KindAnyone, KindRole, KindUser, KindAssumedRole, KindGroup, KindService, KindReference}

// Principal is one row: a principal and what it can do with the key.
type Principal struct {
	// ID identifies the principal: an IAM or STS ARN, "account:<id>", "*",
	// a service principal (cloudtrail.amazonaws.com), or
	// "reference:${...}".
	ID string `json:"id"`
	// Kind is one of account, anyone, role, user, assumed-role, group,
	// service, reference.
	Kind string `json:"kind"`
	// Account is the principal's account ("" for services and references).
	Account string `json:"account,omitempty"`
	// Label is a short name for tables and diagrams.
	Label string `json:"label"`
	// Roles say what the configuration made the principal ("key
	// administrator", "key user", ...), from the statements that name it.
	Roles []string `json:"roles,omitempty"`
	// From lists where the principal appears: key policy statements, IAM
	// policies, grants, the IAM resource of the stack it is.
	From []string `json:"from"`
	// Cells are the actions the principal can perform (allowed or
	// conditional) or is explicitly denied, in column order. An action
	// that is not listed is not allowed (no statement or grant allows it).
	Cells []Cell `json:"cells"`
}

// Access values of a cell.
const (
	// Allowed: a statement or grant allows the action without a condition
	// and no Deny can apply.
	Allowed = "allowed"
	// Conditional: allowed only under conditions (Cell.Paths) or unless a
	// conditional Deny applies (Cell.Unless).
	Conditional = "conditional"
	// Denied: not allowed. In Cells only when a Deny names the principal
	// and the action (Cell.Paths then name it): without conditions, or
	// with conditions when nothing allows the action anyway; every action
	// that is not in Cells is denied because nothing allows it.
	Denied = "denied"
)

// Cell is what one principal can do with one action.
type Cell struct {
	// Action is the KMS action, like kms:Decrypt.
	Action string `json:"action"`
	// Capability is the action's column.
	Capability string `json:"capability"`
	// Access is allowed, conditional or denied.
	Access string `json:"access"`
	// Paths are the ways the action is allowed: each names the statements
	// or grant that give it (all of them together) and the conditions
	// under which it does (all of them). Any one path suffices. For an
	// allowed cell the paths have no conditions; for a denied cell the
	// paths name the Deny statements (with their conditions, if any).
	Paths []Path `json:"paths,omitempty"`
	// Unless are conditional Deny statements: the action is denied when
	// all conditions of one of them hold.
	Unless []Path `json:"unless,omitempty"`
}

// Path is one way to an action: its sources together, under all its
// conditions.
type Path struct {
	Via        []Source    `json:"via"`
	Conditions []Condition `json:"conditions,omitempty"`
}

// Source is a statement or grant.
type Source struct {
	// Type is key_policy, identity_policy, boundary (a permissions
	// boundary of the stack) or grant.
	Type string `json:"type"`
	// Resource is the Terraform address of the key (for key_policy), the
	// IAM policy resource or the grant.
	Resource string `json:"resource"`
	// Statement is the 1-based index of the statement in its policy (0 for
	// a grant).
	Statement int `json:"statement,omitempty"`
	// Sid is the statement's Sid, if any.
	Sid string `json:"sid,omitempty"`
}

func (s Source) String() string {
	switch s.Type {
	case "grant":
		return s.Resource
	case "key_policy":
		if s.Sid != "" {
			return fmt.Sprintf("key policy statement %d (%s)", s.Statement, s.Sid)
		}
		return fmt.Sprintf("key policy statement %d", s.Statement)
	}
	if s.Sid != "" {
		return fmt.Sprintf("%s statement %d (%s)", s.Resource, s.Statement, s.Sid)
	}
	return fmt.Sprintf("%s statement %d", s.Resource, s.Statement)
}

// Condition kinds.
const (
	// CondPolicy is an IAM policy condition: Operator, Key, Values.
	CondPolicy = "policy"
	// CondIAMPolicy: an IAM policy of Account (attached to the identity)
	// must allow the action on the key too. For the account's own row this
	// is the key policy's delegation to IAM; for a principal of another
	// account it is what cross-account access always needs.
	CondIAMPolicy = "iam_policy"
	// CondEncryptionContextEquals and CondEncryptionContextSubset are a
	// native grant's constraint: the request's encryption context must be
	// exactly (or include) Context.
	CondEncryptionContextEquals = "encryption_context_equals"
	CondEncryptionContextSubset = "encryption_context_subset"
	// CondThisGrant: only for the grant named in Resource (retiring a grant
	// is decided by the grant itself).
	CondThisGrant = "this_grant"
	// CondGrantsAsStrict: grants created through a grant with an
	// encryption context constraint must be at least as strict
	// (Resource names the grant).
	CondGrantsAsStrict = "grants_as_strict"
	// CondExternalPolicy: a policy attached to the principal that the stack
	// does not define (Resource: its ARN) must allow the action.
	CondExternalPolicy = "external_policy"
	// CondBoundary: the principal's permissions boundary, which the stack
	// does not define (Resource: its ARN), must allow the action too (IAM
	// User Guide, "Permissions boundaries for IAM entities").
	CondBoundary = "boundary"
	// CondUndecided: the report cannot decide whether a statement
	// (Resource names it) applies to the principal; see the key's notes.
	CondUndecided = "undecided"
)

// Condition is one condition of a path.
type Condition struct {
	Kind     string            `json:"kind"`
	Operator string            `json:"operator,omitempty"`
	Key      string            `json:"key,omitempty"`
	Values   []string          `json:"values,omitempty"`
	Account  string            `json:"account,omitempty"`
	Context  map[string]string `json:"context,omitempty"`
	Resource string            `json:"resource,omitempty"`
}

func (c Condition) String() string {
	switch c.Kind {
	case CondPolicy:
		values := make([]string, len(c.Values))
		for i, v := range c.Values {
			if isReference(v) {
				values[i] = "reference: " + v
			} else {
				values[i] = v
			}
		}
		return fmt.Sprintf("%s %s %s", c.Operator, c.Key, strings.Join(values, " or "))
	case CondIAMPolicy:
		return fmt.Sprintf("an IAM policy in account %s allows it", orUnknown(c.Account))
	case CondEncryptionContextEquals, CondEncryptionContextSubset:
		var pairs []string
		for _, k := range slices.Sorted(maps.Keys(c.Context)) {
			pairs = append(pairs, k+"="+c.Context[k])
		}
		word := "is exactly"
		if c.Kind == CondEncryptionContextSubset {
			word = "includes"
		}
		return fmt.Sprintf("the encryption context %s %s", word, strings.Join(pairs, ", "))
	case CondExternalPolicy:
		return fmt.Sprintf("the attached policy %s, which the stack does not define, allows it", c.Resource)
	case CondBoundary:
		return fmt.Sprintf("the permissions boundary %s, which the stack does not define, allows it", c.Resource)
	case CondUndecided:
		return fmt.Sprintf("%s does not apply to it (the report cannot decide)", c.Resource)
	case CondThisGrant:
		return "only that grant"
	case CondGrantsAsStrict:
		return "the new grant's encryption context constraint is at least as strict"
	}
	return c.Kind
}

func orUnknown(s string) string {
	if s == "" {
		return "(unknown)"
	}
	return s
}

// key returns a stable text form of a condition, for comparisons.
func (c Condition) key() string { return c.Kind + "|" + c.String() }

// signature is a stable text form of a cell's meaning (access, paths,
// unless), for grouping cells that say the same.
func (c Cell) signature() string {
	var b strings.Builder
	b.WriteString(c.Access)
	for _, p := range c.Paths {
		b.WriteString(" | " + p.String())
	}
	for _, p := range c.Unless {
		b.WriteString(" | unless " + p.String())
	}
	return b.String()
}

// conditionSignature is the cell's meaning without its sources: what a
// reviewer compares across revisions.
func (c Cell) conditionSignature() string {
	var alts []string
	for _, p := range c.Paths {
		var conds []string
		for _, cond := range p.Conditions {
			conds = append(conds, cond.String())
		}
		alts = append(alts, strings.Join(conds, " and "))
	}
	slices.Sort(alts)
	var unless []string
	for _, p := range c.Unless {
		var conds []string
		for _, cond := range p.Conditions {
			conds = append(conds, cond.String())
		}
		unless = append(unless, strings.Join(conds, " and "))
	}
	slices.Sort(unless)
	return c.Access + " if " + strings.Join(alts, " or ") + " unless " + strings.Join(unless, " or ")
}

func (p Path) String() string {
	var via []string
	for _, s := range p.Via {
		via = append(via, s.String())
	}
	out := strings.Join(via, " + ")
	if len(p.Conditions) > 0 {
		var conds []string
		for _, c := range p.Conditions {
			conds = append(conds, c.String())
		}
		out += ", if " + strings.Join(conds, " and ")
	}
	return out
}
