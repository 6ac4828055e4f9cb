package iam

import (
	"slices"
	"strings"

	"github.com/cdktf-kms/cdktf-kms/internal/kmscat"
)

// The evaluator decides a request to a KMS key the way AWS does (IAM User
// Guide, "Policy evaluation logic" and "Cross-account policy evaluation
// logic"; AWS KMS Developer Guide, "Determining access to an AWS KMS key"):
//
//   - an explicit Deny that applies (in the key policy, an identity policy or
//     the permissions boundary) denies;
//   - a service principal is allowed only by a key policy statement that
//     names it (or "*");
//   - in the key's account, a key policy statement that names the principal
//     (its ARN, the role of its session, or "*") allows; the principal's IAM
//     policies allow only when the key policy gives the account (its root or
//     id) the action, as KMS requires;
//   - from another account, both sides must allow: a key policy statement
//     that names the principal or its account, and the principal's own IAM
//     policies; and only the actions AWS KMS accepts across accounts
//     (kmscat's CrossAccount: the cryptographic operations, DescribeKey,
//     GetPublicKey, GetKeyRotationStatus and the grant actions) can be
//     allowed so: the key's management is its own account's;
//   - a permissions boundary limits the IAM policies to what it allows too,
//     and a key policy statement that names a user or session (not a role's
//     ARN) is not limited by it;
//   - a native grant allows its operations to its grantee.
//
// Conditions that depend on the request stay with the path that needs them,
// so a decision is "allowed", "allowed under these conditions" or "not".

// Principal kinds.
const (
	PrincipalRole    = "role"
	PrincipalUser    = "user"
	PrincipalSession = "assumed-role"
	PrincipalService = "service"
)

// Requester is the principal who makes a request.
type Requester struct {
	// Kind is PrincipalRole, PrincipalUser, PrincipalSession or
	// PrincipalService.
	Kind string
	// ARN is the IAM or STS ARN, or the service principal.
	ARN string
	// Account is the principal's account ("" for a service).
	Account string
	// Role is the ARN of a session's role (PrincipalSession).
	Role string
}

// IsService says whether the principal is an AWS service.
func (p Requester) IsService() bool { return p.Kind == PrincipalService }

// Policies are what decides requests to one key.
type Policies struct {
	// Key is the key policy; KeyARN the key's ARN and KeyAccount its account.
	Key                *Document
	KeyARN, KeyAccount string
	// Identity are the principal's IAM policies that are known (its inline
	// and attached policies).
	Identity []Named
	// UnknownIdentity says the principal may have IAM policies not known
	// here (a principal of another account, an account's identities): they
	// may allow anything, under the condition CondIAMPolicy.
	UnknownIdentity bool
	// External are policies attached to the principal that are not known
	// here (a managed policy the stack attaches but does not define): each
	// may allow anything, under the condition CondExternalPolicy.
	External []string
	// Boundary is the principal's permissions boundary when it is known;
	// BoundaryExternal names one that is not known here (its ARN): it may
	// allow anything, under the condition CondBoundary.
	Boundary         *Named
	BoundaryExternal string
	// Grants are the key's native grants.
	Grants []Grant
}

// Named is a policy with a name for the decision's paths.
type Named struct {
	Name string
	Doc  *Document
}

// Grant is a native KMS grant (AWS KMS Developer Guide, "Grants in AWS
// KMS").
type Grant struct {
	Name string
	// Grantee and Retiring are principal values as written (an ARN, an
	// account, a service principal); Retiring may be "".
	Grantee, Retiring string
	// Operations are actions with the kms: prefix.
	Operations []string
	// EncryptionContextEquals and EncryptionContextSubset are the grant's
	// constraints.
	EncryptionContextEquals, EncryptionContextSubset map[string]string
}

// Request is one request to decide.
type Request struct {
	Principal Requester
	// Action with its service prefix ("kms:Decrypt").
	Action string
	// Context is what is known of the request's condition keys.
	Context Context
}

// Result is the outcome of a decision.
type Result int

const (
	// NotAllowed: no statement or grant allows the request (an implicit
	// deny).
	NotAllowed Result = iota
	// Allowed: allowed whatever the request carries.
	Allowed
	// Conditional: allowed only under the conditions of a path, or unless
	// a conditional Deny applies.
	Conditional
	// Denied: an explicit Deny applies whatever the request carries.
	Denied
)

func (r Result) String() string {
	return [...]string{"not allowed", "allowed", "conditional", "denied"}[r]
}

// Ref names a statement or grant a path goes through.
type Ref struct {
	// Kind is "key policy", "identity policy", "boundary" or "grant".
	Kind string
	// Policy is the policy's or the grant's name ("" for the key policy).
	Policy string
	// Statement is the statement's index (from 1) and Sid its Sid.
	Statement int
	Sid       string
}

// Condition kinds of a path.
const (
	// CondPolicy is a policy condition that depends on the request.
	CondPolicy = "policy"
	// CondIAMPolicy: the principal's own IAM policies (not known here)
	// allow the action.
	CondIAMPolicy = "iam_policy"
	// CondExternalPolicy: a policy attached to the principal but not known
	// here allows the action.
	CondExternalPolicy = "external_policy"
	// CondBoundary: the principal's permissions boundary, not known here,
	// allows the action.
	CondBoundary = "boundary"
	// CondUndecided: the model cannot decide a statement for this request
	// (a NotPrincipal that names only the principal's account, a
	// NotPrincipal in an Allow): it may apply.
	CondUndecided = "undecided"
	// CondEncryptionContextEquals and CondEncryptionContextSubset: the
	// request's encryption context meets a grant's constraint.
	CondEncryptionContextEquals = "encryption_context_equals"
	CondEncryptionContextSubset = "encryption_context_subset"
	// CondThisGrant: the request retires this grant (RetireGrant acts on
	// one grant).
	CondThisGrant = "this_grant"
	// CondGrantsAsStrict: the grants the request creates are at least as
	// strict as this grant's constraints.
	CondGrantsAsStrict = "grants_as_strict"
)

// Cond is one condition of a path.
type Cond struct {
	Kind string
	// Condition is the policy condition (CondPolicy).
	Condition Condition
	// Name names the policy, boundary, statement or grant it is about.
	Name string
	// Account is the account whose IAM policies decide (CondIAMPolicy).
	Account string
	// Context is a grant's encryption context constraint.
	Context map[string]string
}

// Path is one way a request is allowed (or denied): the statements or grant
// it goes through and the conditions it still needs.
type Path struct {
	Via   []Ref
	Conds []Cond
}

// Decision is the evaluator's answer.
type Decision struct {
	Result Result
	// Allows are the ways the request is allowed (none when Denied or
	// NotAllowed).
	Allows []Path
	// Denies are the Deny statements that apply: one without conditions
	// makes the decision Denied (and Denies then lists only those); the
	// others are conditional Denies the allowed paths are subject to or,
	// when NotAllowed, the Denies that would apply under their conditions.
	Denies []Path
	// CrossAccountRefused says the principal is of another account than
	// the key's and AWS KMS refuses the action across accounts, whatever
	// the policies say (no key policy statement or IAM policy allows it).
	CrossAccountRefused bool
}

// RefusedAcrossAccounts says whether AWS KMS refuses a key action to a
// principal of another account whatever the policies say (AWS KMS
// Developer Guide, "AWS KMS permissions", column "Cross-account use"). It
// is false for actions that are not KMS key actions, and when either
// account is unknown ("").
func RefusedAcrossAccounts(action, principalAccount, keyAccount string) bool {
	if principalAccount == "" || keyAccount == "" || principalAccount == keyAccount {
		return false
	}
	a, ok := kmscat.Lookup(action)
	return ok && a.OnKey && !a.CrossAccount
}

// statement analysis: how one statement meets a request.
type hit struct {
	ref   Ref
	conds []Cond
	// match is how the statement's principal element names the principal
	// (key policy only).
	match principalMatch
	// wildcard: matched by "*".
	wildcard bool
}

type principalMatch int

const (
	noMatch principalMatch = iota
	// directMatch names the principal (its ARN, or "*").
	directMatch
	// sessionMatch names the role of the principal's session.
	sessionMatch
	// accountMatch names the principal's account (root or id).
	accountMatch
	// undecidedMatch: the model cannot tell (CondUndecided).
	undecidedMatch
)

// Decide decides a request to the key.
func Decide(req Request, pol Policies) Decision {
	p := req.Principal
	var denies []Path
	var deniedOutright bool
	addDeny := func(h hit) {
		if len(h.conds) == 0 {
			deniedOutright = true
		}
		denies = append(denies, Path{Via: []Ref{h.ref}, Conds: h.conds})
	}
	hasBoundary := pol.Boundary != nil || pol.BoundaryExternal != ""

	// The key policy.
	var direct, account []hit
	if pol.Key != nil {
		for _, s := range pol.Key.Statements {
			h, ok := matchStatement(s, req, pol.KeyARN, true, hasBoundary)
			if !ok {
				continue
			}
			h.ref = Ref{Kind: "key policy", Statement: s.Index, Sid: s.Sid}
			switch {
			case s.Effect == "Deny":
				addDeny(h)
			case h.match == accountMatch:
				account = append(account, h)
			default:
				direct = append(direct, h)
			}
		}
	}
	// The identity policies and the boundary.
	var identity []hit
	for _, n := range pol.Identity {
		for _, s := range n.Doc.Statements {
			h, ok := matchStatement(s, req, pol.KeyARN, false, false)
			if !ok {
				continue
			}
			h.ref = Ref{Kind: "identity policy", Policy: n.Name, Statement: s.Index, Sid: s.Sid}
			if s.Effect == "Deny" {
				addDeny(h)
			} else {
				identity = append(identity, h)
			}
		}
	}
	if !p.IsService() {
		if pol.UnknownIdentity {
			identity = append(identity, hit{ref: Ref{Kind: "identity policy", Policy: "its IAM policies"}, conds: []Cond{{Kind: CondIAMPolicy, Account: p.Account}}})
		}
		for _, name := range pol.External {
			identity = append(identity, hit{ref: Ref{Kind: "identity policy", Policy: name}, conds: []Cond{{Kind: CondExternalPolicy, Name: name}}})
		}
	}
	var boundary []hit
	if pol.Boundary != nil && !p.IsService() {
		for _, s := range pol.Boundary.Doc.Statements {
			h, ok := matchStatement(s, req, pol.KeyARN, false, false)
			if !ok {
				continue
			}
			h.ref = Ref{Kind: "boundary", Policy: pol.Boundary.Name, Statement: s.Index, Sid: s.Sid}
			if s.Effect == "Deny" {
				addDeny(h)
			} else {
				boundary = append(boundary, h)
			}
		}
	}
	if pol.BoundaryExternal != "" && !p.IsService() {
		boundary = append(boundary, hit{ref: Ref{Kind: "boundary", Policy: pol.BoundaryExternal}, conds: []Cond{{Kind: CondBoundary, Name: pol.BoundaryExternal}}})
	}

	// The ways the request is allowed.
	var allows []Path
	sameAccount := !p.IsService() && p.Account != "" && p.Account == pol.KeyAccount
	// limitedByBoundary says whether a path through a key policy statement
	// needs the boundary too: always for IAM policies; for a statement
	// that names a role's ARN (a role's requests are its sessions', and a
	// boundary limits what names the role); a statement that names a user
	// or a session, or "*", is not limited (IAM User Guide, "Permissions
	// boundaries for IAM entities": resource-based policies).
	keyStatementBypasses := func(h hit) bool {
		switch {
		case h.wildcard:
			return true
		case p.Kind == PrincipalUser || p.Kind == PrincipalSession:
			return h.match == directMatch
		}
		return false
	}
	withBoundary := func(path Path, bypass bool) []Path {
		if !hasBoundary || bypass {
			return []Path{path}
		}
		var out []Path
		for _, b := range boundary {
			out = append(out, Path{Via: append(slices.Clone(path.Via), b.ref), Conds: joinConds(path.Conds, b.conds)})
		}
		return out
	}
	switch {
	case p.IsService():
		for _, h := range direct {
			allows = append(allows, Path{Via: []Ref{h.ref}, Conds: h.conds})
		}
	case RefusedAcrossAccounts(req.Action, p.Account, pol.KeyAccount):
		// Neither policy can allow it; a native grant cannot either (its
		// operations are all cross-account ones).
	case sameAccount:
		for _, h := range direct {
			allows = append(allows, withBoundary(Path{Via: []Ref{h.ref}, Conds: h.conds}, keyStatementBypasses(h))...)
		}
		// KMS trusts the account's IAM policies only through a key policy
		// statement that names the account.
		for _, a := range account {
			for _, i := range identity {
				allows = append(allows, withBoundary(Path{Via: []Ref{a.ref, i.ref}, Conds: joinConds(a.conds, i.conds)}, false)...)
			}
		}
	default:
		for _, k := range append(slices.Clone(direct), account...) {
			for _, i := range identity {
				allows = append(allows, withBoundary(Path{Via: []Ref{k.ref, i.ref}, Conds: joinConds(k.conds, i.conds)}, false)...)
			}
		}
	}
	// Native grants: the grantee's requests for the grant's operations, the
	// retiring principal's RetireGrant of it.
	for _, g := range pol.Grants {
		grantee := grantNames(g.Grantee, p)
		if grantee && slices.ContainsFunc(g.Operations, func(op string) bool { return strings.EqualFold(op, req.Action) }) {
			var conds []Cond
			if awsAccount(g.Grantee) != "" {
				// A grant to an account: its identities act through their IAM
				// policies.
				conds = append(conds, Cond{Kind: CondIAMPolicy, Account: p.Account})
			}
			conds = append(conds, grantConstraints(g, req.Action)...)
			allows = append(allows, Path{Via: []Ref{{Kind: "grant", Policy: g.Name}}, Conds: conds})
		}
		if g.Retiring != "" && strings.EqualFold(req.Action, "kms:RetireGrant") && grantNames(g.Retiring, p) &&
			!(grantee && slices.ContainsFunc(g.Operations, func(op string) bool { return strings.EqualFold(op, "kms:RetireGrant") })) {
			allows = append(allows, Path{Via: []Ref{{Kind: "grant", Policy: g.Name}}, Conds: []Cond{{Kind: CondThisGrant, Name: g.Name}}})
		}
	}

	d := Decision{Denies: denies, CrossAccountRefused: RefusedAcrossAccounts(req.Action, p.Account, pol.KeyAccount)}
	switch {
	case deniedOutright:
		d.Result = Denied
		var outright []Path
		for _, dp := range denies {
			if len(dp.Conds) == 0 {
				outright = append(outright, dp)
			}
		}
		d.Denies = outright
	case len(allows) == 0:
		d.Result = NotAllowed
	default:
		d.Allows = allows
		d.Result = Conditional
		if len(denies) == 0 && slices.ContainsFunc(allows, func(a Path) bool { return len(a.Conds) == 0 }) {
			d.Result = Allowed
		}
	}
	return d
}

// matchStatement says whether a statement meets the request (its action,
// resource, principal and conditions), with the conditions that depend on
// the request. keyPolicy selects the Principal element's reading.
func matchStatement(s Statement, req Request, keyARN string, keyPolicy, hasBoundary bool) (hit, bool) {
	var h hit
	if !s.CoversAction(req.Action) {
		return h, false
	}
	switch {
	case s.NotResourceSet:
		if ResourcesMatch(s.NotResource, keyARN) {
			return h, false
		}
	case s.Resource != nil:
		if !ResourcesMatch(s.Resource, keyARN) {
			return h, false
		}
	case !keyPolicy:
		// An identity policy statement without a Resource applies to
		// nothing.
		return h, false
	}
	if keyPolicy {
		switch {
		case s.NotPrincipal != nil:
			m := principalsMatch(s.NotPrincipal, req.Principal)
			switch {
			case s.Effect == "Deny" && hasBoundary:
				// A Deny with NotPrincipal denies every principal with a
				// permissions boundary, whatever it names (IAM User Guide,
				// "AWS JSON policy elements: NotPrincipal").
				h.match = directMatch
			case s.Effect == "Allow":
				// NotPrincipal with Allow is not supported by AWS.
				h.match = undecidedMatch
			case m == directMatch || m == sessionMatch:
				return h, false
			case m == accountMatch:
				// Only the account is named: AWS may check the account
				// first (ibid.), so the model cannot tell.
				h.match = undecidedMatch
			default:
				h.match = directMatch
			}
		case s.Principal != nil:
			h.match = principalsMatch(s.Principal, req.Principal)
			h.wildcard = s.Principal.Any
			if h.match == noMatch {
				return h, false
			}
		default:
			return h, false
		}
		if h.match == undecidedMatch {
			h.conds = append(h.conds, Cond{Kind: CondUndecided, Name: statementName(s)})
			h.match = directMatch
		}
	}
	for _, c := range s.Conditions {
		switch c.Evaluate(req.Context) {
		case Fails:
			return h, false
		case Depends:
			h.conds = append(h.conds, Cond{Kind: CondPolicy, Condition: c})
		}
	}
	return h, true
}

// statementName names a statement in a condition.
func statementName(s Statement) string {
	if s.Sid != "" {
		return "statement " + itoa(s.Index) + " (" + s.Sid + ")"
	}
	return "statement " + itoa(s.Index)
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

// principalsMatch says how a Principal element names the principal.
func principalsMatch(ps *Principals, p Requester) principalMatch {
	best := noMatch
	if ps.Any {
		return directMatch
	}
	if p.IsService() {
		for _, s := range ps.Service {
			if s == p.ARN {
				return directMatch
			}
		}
		return noMatch
	}
	// A name of the principal counts before its session's role, and that
	// before its account.
	for _, v := range ps.AWS {
		switch {
		case v == p.ARN:
			return directMatch
		case p.Kind == PrincipalSession && v == p.Role:
			best = sessionMatch
		case awsAccount(v) != "" && awsAccount(v) == p.Account && best == noMatch:
			best = accountMatch
		}
	}
	return best
}

// awsAccount returns the account an AWS principal value names as a whole
// (an account id or root ARN), or "".
func awsAccount(v string) string {
	if IsAccountID(v) {
		return v
	}
	if pr, msg := ParsePrincipal(v, ""); msg == "" && pr.Kind == "root" {
		return pr.Account()
	}
	return ""
}

// grantNames says whether a grant's grantee or retiring principal is the
// principal: its ARN, the role of its session, or the service.
func grantNames(v string, p Requester) bool {
	switch {
	case v == "":
		return false
	case p.IsService():
		return v == p.ARN
	case v == p.ARN, p.Kind == PrincipalSession && v == p.Role:
		return true
	}
	return awsAccount(v) != "" && awsAccount(v) == p.Account
}

// grantConstraints are the conditions a grant's constraints put on an
// operation (AWS KMS API Reference, GrantConstraints: they apply to the
// cryptographic operations that take an encryption context; CreateGrant
// must create grants at least as strict; RetireGrant retires this grant).
func grantConstraints(g Grant, action string) []Cond {
	switch {
	case strings.EqualFold(action, "kms:RetireGrant"):
		return []Cond{{Kind: CondThisGrant, Name: g.Name}}
	case contextConstrained(action):
		switch {
		case len(g.EncryptionContextEquals) > 0:
			return []Cond{{Kind: CondEncryptionContextEquals, Name: g.Name, Context: g.EncryptionContextEquals}}
		case len(g.EncryptionContextSubset) > 0:
			return []Cond{{Kind: CondEncryptionContextSubset, Name: g.Name, Context: g.EncryptionContextSubset}}
		}
	case strings.EqualFold(action, "kms:CreateGrant") && (len(g.EncryptionContextEquals) > 0 || len(g.EncryptionContextSubset) > 0):
		return []Cond{{Kind: CondGrantsAsStrict, Name: g.Name}}
	}
	return nil
}

// contextConstrained says whether a grant's encryption context
// constraint applies to the action (the catalogue's ContextConstraint).
func contextConstrained(action string) bool {
	a, ok := kmscat.Lookup(action)
	return ok && a.ContextConstraint
}

// joinConds is the conditions of both, without repeats.
func joinConds(a, b []Cond) []Cond {
	out := slices.Clone(a)
	for _, c := range b {
		if !slices.ContainsFunc(out, func(o Cond) bool { return sameCond(o, c) }) {
			out = append(out, c)
		}
	}
	return out
}

func sameCond(a, b Cond) bool {
	return a.Kind == b.Kind && a.Name == b.Name && a.Account == b.Account &&
		a.Condition.Operator == b.Condition.Operator && strings.EqualFold(a.Condition.Key, b.Condition.Key) &&
		slices.Equal(a.Condition.Values, b.Condition.Values)
}

// NamesPrincipal says whether a key policy statement's Principal element
// names the requester: itself, its session's role, its account, or "*".
func NamesPrincipal(s Statement, p Requester) bool {
	return s.Principal != nil && principalsMatch(s.Principal, p) != noMatch
}
