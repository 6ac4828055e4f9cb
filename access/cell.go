package access

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cdktf-kms/cdktf-kms/internal/iam"
	"github.com/cdktf-kms/cdktf-kms/internal/kmscat"
)

// The report's cells are decided by the one evaluator (internal/iam): the
// report turns each row into a request from that principal, with what the
// stack knows of its IAM policies and boundary, and the conditions AWS puts
// in its requests, and reads the decision back as a cell.

// requester is the row as the evaluator's principal.
func (e *evaluator) requester(r *row) iam.Requester {
	switch r.Kind {
	case KindService:
		return iam.Requester{Kind: iam.PrincipalService, ARN: r.match.value}
	case KindAccount, KindAnyone:
		// An identity of the account that no statement names.
		return iam.Requester{Kind: iam.PrincipalRole, Account: r.acct}
	case KindUser:
		return iam.Requester{Kind: iam.PrincipalUser, ARN: r.ID, Account: r.Account}
	case KindGroup:
		// A member of the group: a user the key policy cannot name.
		return iam.Requester{Kind: iam.PrincipalUser, Account: r.Account}
	case KindAssumedRole:
		role := fmt.Sprintf("arn:%s:iam::%s:role/%s", e.partition, r.Account, r.match.name)
		for _, o := range e.rows {
			if o.Kind == KindRole && o.match.account == r.match.account && o.match.name == r.match.name {
				role = o.ID
			}
		}
		return iam.Requester{Kind: iam.PrincipalSession, ARN: r.ID, Account: r.Account, Role: role}
	case KindReference:
		// A value known at apply: evaluated as an identity of the key's
		// account named by that value (plan-time checks hold it to the
		// rules a literal meets).
		return iam.Requester{Kind: iam.PrincipalRole, ARN: r.match.value, Account: e.account}
	}
	return iam.Requester{Kind: iam.PrincipalRole, ARN: r.ID, Account: r.Account}
}

// context is what the report knows of every request of a row for an
// action (knownFacts), and the keys such a request never carries.
func (e *evaluator) context(r *row, action string) iam.Context {
	var c iam.Context
	for k, v := range knownFacts(r) {
		// A KMS key the action's requests never carry is not a fact of
		// them (kms:CallerAccount of kms:SynchronizeMultiRegionKey).
		if !neverInRequest(action, k) {
			c.Set(k, v)
		}
	}
	if r.Kind == KindService {
		c.Set("aws:PrincipalServiceName", r.match.value)
		c.SetAbsent(iam.PrincipalConditionKeys...)
	} else {
		c.SetAbsent(iam.ServiceConditionKeys...)
	}
	// Request keys the action's requests never carry (the catalogue's).
	for _, k := range kmscat.ConditionKeys() {
		probe := k.Name
		if strings.HasSuffix(probe, ":") || strings.HasSuffix(probe, "/") {
			probe += "x" // a key of the family
		}
		if neverInRequest(action, probe) {
			c.SetAbsent(k.Name)
		}
	}
	return c
}

// policies are what decides requests of a row.
func (e *evaluator) policies(r *row) iam.Policies {
	pol := iam.Policies{Key: e.localize(e.key.policy), KeyARN: e.arn, KeyAccount: e.account}
	if e.account == "" {
		// The key's account is unknown (its policy names no account root):
		// every principal is taken to be in it, so that what names it
		// directly counts as it does in the key's account (see the note).
		pol.KeyAccount = e.requester(r).Account
	}
	for _, ip := range r.policies {
		pol.Identity = append(pol.Identity, iam.Named{Name: ip.address, Doc: e.localize(ip.policy)})
	}
	pol.External = r.external
	switch {
	case r.boundaryDoc != nil:
		pol.Boundary = &iam.Named{Name: r.boundaryDoc.address, Doc: e.localize(r.boundaryDoc.policy)}
	case r.boundary != "":
		pol.BoundaryExternal = r.boundary
	}
	// The IAM policies of an account's identities, and of a principal of
	// another account, are not the stack's: they may allow anything.
	if r.Kind == KindAccount || (r.acct != "" && e.account != "" && r.acct != e.account && r.Kind != KindService) {
		pol.UnknownIdentity = true
	}
	for _, g := range e.grants() {
		pol.Grants = append(pol.Grants, iam.Grant{Name: g.address, Grantee: e.principalValue(g.grantee), Retiring: e.principalValue(g.retiring),
			Operations: g.operations, EncryptionContextEquals: g.equals, EncryptionContextSubset: g.subset})
	}
	return pol
}

// principalValue is a principal value with a reference to a role, user or
// group of the stack (with a literal name) written as the ARN the rows use.
func (e *evaluator) principalValue(v string) string {
	if m := referenceTo.FindStringSubmatch(v); m != nil && m[3] == "arn" {
		if res, ok := e.st.iam[m[1]+"."+m[2]]; ok && res.name != "" {
			return fmt.Sprintf("arn:%s:iam::%s:%s%s%s", e.partition, e.account, res.kind, res.path, res.name)
		}
	}
	return v
}

// localize returns a policy whose references the evaluator can compare:
// this key's ARN and the ARNs of the stack's roles, users and groups in
// place of references to them.
func (e *evaluator) localize(d *iam.Document) *iam.Document {
	out := &iam.Document{Version: d.Version}
	key := func(list []string) []string {
		var res []string
		for _, v := range list {
			if m := referenceTo.FindStringSubmatch(v); m != nil && m[1]+"."+m[2] == e.key.address && m[3] == "arn" {
				v = e.arn
			}
			res = append(res, v)
		}
		return res
	}
	for _, s := range d.Statements {
		if s.Resource != nil {
			s.Resource = key(s.Resource)
		}
		if s.NotResource != nil {
			s.NotResource = key(s.NotResource)
		}
		for _, ps := range []**iam.Principals{&s.Principal, &s.NotPrincipal} {
			if *ps == nil {
				continue
			}
			p := **ps
			p.AWS = slices.Clone(p.AWS)
			for i, v := range p.AWS {
				p.AWS[i] = e.principalValue(v)
			}
			*ps = &p
		}
		out.Statements = append(out.Statements, s)
	}
	return out
}

// cell evaluates one action for one row; ok is false when the action is
// not allowed and no Deny names it (an implicit deny, left out of the
// report). A Deny that names the row makes a denied cell even when nothing
// allows the action: the row shows the Deny, with its conditions.
func (e *evaluator) cell(r *row, action string) (Cell, bool) {
	capability, _ := capabilityOf(action)
	req := iam.Request{Principal: e.requester(r), Action: action, Context: e.context(r, action)}
	d := iam.Decide(req, e.policies(r))
	e.noteDropped(r, req)
	if d.CrossAccountRefused {
		e.noteRefused(req)
	}
	c := Cell{Action: action, Capability: capability.Name}
	switch d.Result {
	case iam.NotAllowed:
		if len(d.Denies) == 0 {
			return c, false
		}
		fallthrough
	case iam.Denied:
		c.Access = Denied
		for _, p := range d.Denies {
			c.Paths = append(c.Paths, e.path(p))
		}
		c.Paths = dedupe(c.Paths)
		return c, true
	}
	var paths, unconditional []Path
	for _, p := range d.Allows {
		path := e.path(p)
		paths = append(paths, path)
		if len(path.Conditions) == 0 {
			unconditional = append(unconditional, path)
		}
	}
	// One path without conditions makes the others moot.
	if len(unconditional) > 0 {
		paths = unconditional
	}
	c.Paths = dedupe(paths)
	for _, p := range d.Denies {
		c.Unless = append(c.Unless, e.path(p))
	}
	c.Unless = dedupe(c.Unless)
	c.Access = Conditional
	if len(unconditional) > 0 && len(c.Unless) == 0 {
		c.Access = Allowed
	}
	return c, true
}

// path reads one of the evaluator's paths as the report's.
func (e *evaluator) path(p iam.Path) Path {
	var out Path
	for _, ref := range p.Via {
		switch ref.Kind {
		case "key policy":
			out.Via = append(out.Via, Source{Type: "key_policy", Resource: e.key.address, Statement: ref.Statement, Sid: ref.Sid})
		case "identity policy":
			if ref.Statement > 0 {
				out.Via = append(out.Via, Source{Type: "identity_policy", Resource: ref.Policy, Statement: ref.Statement, Sid: ref.Sid})
			}
		case "boundary":
			if ref.Statement > 0 {
				out.Via = append(out.Via, Source{Type: "boundary", Resource: ref.Policy, Statement: ref.Statement, Sid: ref.Sid})
			}
		case "grant":
			out.Via = append(out.Via, Source{Type: "grant", Resource: ref.Policy})
		}
	}
	for _, c := range p.Conds {
		out.Conditions = append(out.Conditions, e.condition(c))
	}
	return out
}

// condition reads one of the evaluator's conditions as the report's.
func (e *evaluator) condition(c iam.Cond) Condition {
	switch c.Kind {
	case iam.CondPolicy:
		return Condition{Kind: CondPolicy, Operator: c.Condition.Operator, Key: c.Condition.Key, Values: c.Condition.Values}
	case iam.CondIAMPolicy:
		return Condition{Kind: CondIAMPolicy, Account: c.Account}
	case iam.CondExternalPolicy:
		return Condition{Kind: CondExternalPolicy, Resource: c.Name}
	case iam.CondBoundary:
		return Condition{Kind: CondBoundary, Resource: c.Name}
	case iam.CondUndecided:
		e.undecided[c.Name] = true
		return Condition{Kind: CondUndecided, Resource: c.Name}
	case iam.CondEncryptionContextEquals:
		return Condition{Kind: CondEncryptionContextEquals, Context: c.Context, Resource: c.Name}
	case iam.CondEncryptionContextSubset:
		return Condition{Kind: CondEncryptionContextSubset, Context: c.Context, Resource: c.Name}
	case iam.CondThisGrant:
		return Condition{Kind: CondThisGrant, Resource: c.Name}
	case iam.CondGrantsAsStrict:
		return Condition{Kind: CondGrantsAsStrict, Resource: c.Name}
	}
	return Condition{Kind: c.Kind, Resource: c.Name}
}

// noteDropped notes the key policy statements that name the row and the
// action but that a condition rules out because requests for the action
// never carry its key.
func (e *evaluator) noteDropped(r *row, req iam.Request) {
	for _, s := range e.key.policy.Statements {
		if s.Effect != "Allow" || s.NotActionSet || !iam.ActionsMatch(s.Action, req.Action) || !iam.NamesPrincipal(s, req.Principal) {
			continue
		}
		for _, c := range s.Conditions {
			if _, _, known := req.Context.Value(c.Key); !known || !neverInRequest(req.Action, c.Key) {
				continue
			}
			if c.Evaluate(req.Context) != iam.Fails {
				continue
			}
			cond := Condition{Kind: CondPolicy, Operator: c.Operator, Key: c.Key, Values: c.Values}
			k := e.keySource(s) + "\x00" + cond.String() + "\x00" + c.Key
			if !slices.Contains(e.dropped[k], req.Action) {
				e.dropped[k] = append(e.dropped[k], req.Action)
			}
		}
	}
}

// noteRefused notes the key policy statements that allow the request's
// principal an action AWS KMS refuses across accounts.
func (e *evaluator) noteRefused(req iam.Request) {
	for _, s := range e.key.policy.Statements {
		if s.Effect != "Allow" || !s.CoversAction(req.Action) || !iam.NamesPrincipal(s, req.Principal) {
			continue
		}
		k := e.keySource(s) + "\x00" + req.Principal.Account
		if !slices.Contains(e.refused[k], req.Action) {
			e.refused[k] = append(e.refused[k], req.Action)
		}
	}
}

// dedupe removes paths that say the same.
func dedupe(paths []Path) []Path {
	var out []Path
	seen := map[string]bool{}
	for _, p := range paths {
		if k := p.String(); !seen[k] {
			seen[k] = true
			out = append(out, p)
		}
	}
	return out
}
