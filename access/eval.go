package access

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
	"github.com/cdktf-kms/cdktf-kms/internal/iam"
)

// PlaceholderKeyID is the key id of the ARN the report evaluates policies
// against: a key's real id is known only after it is created.
const PlaceholderKeyID = "00000000-0000-0000-0000-000000000000"

// KeyARN returns the ARN the report uses for a key.
func KeyARN(partition, region, account string) string {
	return fmt.Sprintf("arn:%s:kms:%s:%s:key/%s", partition, region, account, PlaceholderKeyID)
}

// row is a principal under evaluation.
type row struct {
	Principal
	// match identifies an IAM identity: kind, account, name (and session).
	match identity
	// arnKnown is false when the ARN's path is a guess (a role named only
	// by name in an IAM policy's role argument).
	arnKnown bool
	// acct is the account the row is evaluated in: the principal's, and
	// the key's for anyone (Principal "*").
	acct string
	// policies are the IAM policies of the stack attached to the identity.
	policies []*identityPolicy
	fromSet  map[string]bool
	roleSet  map[string]bool
}

// identity is what identifies a principal across the places that name
// it. For an assumed role, name is the role's name and session the
// session's.
type identity struct {
	kind, account, name, session string
	// value is the service principal, or the reference of a reference.
	value string
}

func (r *row) from(s string) {
	if !r.fromSet[s] {
		r.fromSet[s] = true
		r.From = append(r.From, s)
	}
}

func (r *row) role(s string) {
	if s != "" && !r.roleSet[s] {
		r.roleSet[s] = true
		r.Roles = append(r.Roles, s)
	}
}

// evaluator evaluates one key.
type evaluator struct {
	st                 *stackDoc
	key                *keyRes
	account, partition string
	arn                string
	rows               map[string]*row
	notes              []string
	// dropped collects paths a condition rules out for some actions, for
	// notes: source and condition -> actions.
	dropped map[string][]string
}

// evaluateKey builds the rows of one key.
func evaluateKey(st *stackDoc, k *keyRes) Key {
	e := &evaluator{st: st, key: k, rows: map[string]*row{}, dropped: map[string][]string{}}
	e.account, e.partition = rootAccount(k.policy)
	if e.partition == "" {
		e.partition = "aws"
	}
	e.arn = KeyARN(e.partition, k.region, e.account)
	if e.account == "" {
		e.notes = append(e.notes, "the key policy names no account root, so the key's account is unknown; IAM policies of the stack are taken to be in no known account")
	}
	e.collectRows()
	out := Key{Address: k.address, Primary: k.primary, Region: k.region, Account: e.account, Partition: e.partition, KeySpec: k.spec, KeyUsage: k.usage}
	for _, r := range e.sortedRows() {
		p := r.Principal
		for _, a := range Actions() {
			if c, ok := e.cell(r, a); ok {
				p.Cells = append(p.Cells, c)
			}
		}
		if p.Cells == nil {
			p.Cells = []Cell{}
		}
		out.Principals = append(out.Principals, p)
	}
	for _, k := range slices.Sorted(maps.Keys(e.dropped)) {
		parts := strings.Split(k, "\x00")
		actions := strings.Join(e.dropped[k], ", ")
		e.notes = append(e.notes, fmt.Sprintf("%s allows %s only if %s, but those requests never carry %s (Service Authorization Reference), so it does not allow them", parts[0], actions, parts[1], parts[2]))
	}
	out.Notes = sortedNotes(e.notes)
	return out
}

// rootAccount finds the key's account: the account whose root (or id) an
// Allow statement names with kms:PutKeyPolicy, as the construct's first
// statement does; failing that, any account root the policy names.
func rootAccount(p *policyDoc) (account, partition string) {
	var fallback [2]string
	for _, s := range p.statements {
		for _, v := range s.aws {
			pr, msg := iam.ParsePrincipal(v, "")
			if msg != "" || pr.Kind != "root" {
				continue
			}
			if s.effect == "Allow" && coversAction(s.actions, "kms:PutKeyPolicy") && len(s.conds) == 0 {
				return pr.Account(), pr.ARN.Partition
			}
			if fallback[0] == "" {
				fallback = [2]string{pr.Account(), pr.ARN.Partition}
			}
		}
	}
	return fallback[0], fallback[1]
}

func coversAction(patterns []string, action string) bool {
	for _, p := range patterns {
		if actionMatches(p, action) {
			return true
		}
	}
	return false
}

// resolve turns a principal value (of a key policy, a grant, or an IAM
// policy's identity argument with kind role, user or group) into the
// identity it names.
func (e *evaluator) resolve(value, kind string) identity {
	if value == "*" {
		return identity{kind: KindAnyone}
	}
	if iam.IsAccountID(value) {
		return identity{kind: KindAccount, account: value}
	}
	if isReference(value) {
		if m := referenceTo.FindStringSubmatch(value); m != nil {
			if res, ok := e.st.iam[m[1]+"."+m[2]]; ok && res.name != "" {
				return identity{kind: res.kind, account: e.account, name: res.name, value: m[1] + "." + m[2]}
			}
			if strings.HasPrefix(m[1], "aws_iam_") {
				return identity{kind: KindReference, value: "${" + m[1] + "." + m[2] + "}"}
			}
		}
		return identity{kind: KindReference, value: value}
	}
	if strings.HasPrefix(value, "arn:") {
		if pr, msg := iam.ParsePrincipal(value, ""); msg == "" {
			switch pr.Kind {
			case "root":
				return identity{kind: KindAccount, account: pr.Account()}
			case "assumed-role":
				parts := strings.Split(pr.ARN.Resource, "/")
				return identity{kind: KindAssumedRole, account: pr.Account(), name: pr.Name, session: parts[len(parts)-1]}
			default:
				return identity{kind: pr.Kind, account: pr.Account(), name: pr.Name}
			}
		}
		if id, msg := iam.ParseIdentity(value, ""); msg == "" {
			return identity{kind: id.Kind, account: id.ARN.AccountID, name: id.Name}
		}
		return identity{kind: KindReference, value: value}
	}
	if kind != "" {
		// A name in an IAM policy's role, user or group argument: an
		// identity of the stack's account.
		return identity{kind: kind, account: e.account, name: value}
	}
	if strings.Contains(value, ".") {
		return identity{kind: KindService, value: value}
	}
	return identity{kind: KindReference, value: value}
}

// rowFor returns the row of an identity, creating it; arn is the ARN a
// literal value gave (for its path), "" otherwise.
func (e *evaluator) rowFor(id identity, arn string) *row {
	key := id.kind + "|" + id.account + "|" + id.name + "|" + id.session + "|" + id.value
	if id.kind == KindRole || id.kind == KindUser || id.kind == KindGroup {
		key = id.kind + "|" + id.account + "|" + id.name
	}
	if r, ok := e.rows[key]; ok {
		if arn != "" && !r.arnKnown {
			r.ID, r.arnKnown = arn, true
			r.Label = labelOf(r.Kind, arn, r.Account, e.account)
		}
		return r
	}
	r := &row{match: id, fromSet: map[string]bool{}, roleSet: map[string]bool{}}
	r.Kind, r.Account, r.acct = id.kind, id.account, id.account
	switch id.kind {
	case KindAccount:
		r.ID = "account:" + id.account
		r.Label = "account " + id.account + " (through its IAM policies)"
		r.arnKnown = true
	case KindAnyone:
		r.ID, r.Label, r.acct = "*", "anyone (*)", e.account
	case KindService:
		r.ID, r.Label = id.value, id.value
	case KindReference:
		r.ID, r.Label = "reference:"+id.value, "reference: "+id.value
	case KindAssumedRole:
		r.ID = fmt.Sprintf("arn:%s:sts::%s:assumed-role/%s/%s", e.partitionOr(), id.account, id.name, id.session)
		r.arnKnown = true
	default:
		r.arnKnown = arn != ""
		if arn == "" {
			path := "/"
			if res, ok := e.st.iam[id.value]; ok {
				path = res.path
				r.arnKnown = true
			}
			arn = fmt.Sprintf("arn:%s:iam::%s:%s%s%s", e.partitionOr(), id.account, id.kind, path, id.name)
		}
		r.ID = arn
	}
	if r.Label == "" {
		r.Label = labelOf(r.Kind, r.ID, r.Account, e.account)
	}
	e.rows[key] = r
	return r
}

func (e *evaluator) partitionOr() string { return e.partition }

// labelOf names an IAM principal shortly: role/path/name, with its
// account when it is not the key's.
func labelOf(kind, arn, account, keyAccount string) string {
	a, ok := iam.Parse(arn)
	if !ok {
		return arn
	}
	label := a.Resource
	if account != keyAccount {
		label += " (account " + account + ")"
	}
	return label
}

// collectRows finds every principal that a statement, IAM policy or grant
// of the key names.
func (e *evaluator) collectRows() {
	if e.account != "" {
		e.rowFor(identity{kind: KindAccount, account: e.account}, "")
	}
	src := func(s statement) string {
		return Source{Type: "key_policy", Resource: e.key.address, Statement: s.index, Sid: s.sid}.String()
	}
	for _, s := range e.key.policy.statements {
		if len(s.unsupported) > 0 {
			e.notes = append(e.notes, fmt.Sprintf("%s uses %s, which the report does not model: it is left out", src(s), strings.Join(s.unsupported, ", ")))
			continue
		}
		if s.effect != "Allow" {
			continue
		}
		if s.anyone {
			r := e.rowFor(identity{kind: KindAnyone}, "")
			r.from(src(s))
			// A wildcard pinned to other accounts reaches their IAM
			// identities: give each such account a row.
			for _, c := range s.conds {
				if base := strings.TrimSuffix(c.Operator, "IfExists"); base == "StringEquals" && (strings.EqualFold(c.Key, "aws:PrincipalAccount") || strings.EqualFold(c.Key, "kms:CallerAccount")) {
					for _, v := range c.Values {
						if iam.IsAccountID(v) {
							e.rowFor(identity{kind: KindAccount, account: v}, "").from(src(s))
						}
					}
				}
			}
		}
		for _, v := range s.aws {
			arn := ""
			if strings.HasPrefix(v, "arn:") {
				arn = v
			}
			id := e.resolve(v, "")
			r := e.rowFor(id, arnIfIdentity(id, arn))
			r.from(src(s))
			r.role(roleOf(s, id, e.account))
		}
		for _, v := range s.service {
			r := e.rowFor(identity{kind: KindService, value: v}, "")
			r.from(src(s))
			r.role(roleOf(s, identity{kind: KindService, value: v}, e.account))
		}
	}
	for _, ip := range e.st.identityPolicies {
		if !e.policyNamesKey(ip.policy) {
			continue
		}
		id := e.resolve(ip.target, ip.kind)
		if id.kind == KindAccount || id.kind == KindAnyone || id.kind == KindService {
			id = identity{kind: KindReference, value: ip.target}
		}
		r := e.rowFor(id, "")
		r.policies = append(r.policies, ip)
		r.from(ip.address)
		if id.value != "" && id.kind != KindReference {
			r.from(id.value)
		}
		if strings.HasSuffix(ip.address, "_kms") && strings.Contains(ip.address, "_role_") {
			r.role("predefined role")
		} else {
			r.role("IAM policy on the key")
		}
		if id.kind != KindReference && !r.arnKnown {
			e.notes = append(e.notes, fmt.Sprintf("%s names its %s by name (%s): the report assumes the path / in the ARN %s", ip.address, ip.kind, ip.target, r.ID))
		}
	}
	for _, g := range e.grants() {
		for _, p := range []struct{ value, role string }{{g.grantee, "grantee"}, {g.retiring, "retiring principal"}} {
			if p.value == "" {
				continue
			}
			id := e.resolve(p.value, "")
			arn := ""
			if strings.HasPrefix(p.value, "arn:") {
				arn = p.value
			}
			r := e.rowFor(id, arnIfIdentity(id, arn))
			r.from(g.address + " (" + p.role + ")")
			r.role(p.role + " of a native grant")
		}
	}
}

func arnIfIdentity(id identity, arn string) string {
	if id.kind == KindRole || id.kind == KindUser || id.kind == KindGroup {
		return arn
	}
	return ""
}

// sidRoles say what the construct's statements make a principal, by the
// construct's own Sids.
var sidRoles = map[string]string{
	kms.SidServicePrincipals:                  "service principal",
	kms.SidKeyAdministrators:                  "key administrator",
	kms.SidKeyUsers:                           "key user",
	kms.SidKeySymmetricEncryptionUsers:        "symmetric encryption user",
	kms.SidKeyAsymmetricPublicEncryptionUsers: "asymmetric encryption user",
	kms.SidKeyAsymmetricSignVerifyUsers:       "sign and verify user",
	kms.SidKeyHmacUsers:                       "HMAC user",
	kms.SidKeyServiceUsers:                    "service user (grants for AWS resources)",
	kms.SidKeyServiceRolesForAutoscaling:      "Auto Scaling service role",
	kms.SidKeyServiceRolesForAutoscalingGrant: "Auto Scaling service role",
	kms.SidCloudWatchAlarms:                   "CloudWatch alarms (alarm topic)",
}

// roleOf says what a statement makes the principal it names.
func roleOf(s statement, id identity, keyAccount string) string {
	if r, ok := sidRoles[s.sid]; ok {
		return r
	}
	switch {
	case s.sid == "" && id.kind == KindAccount && id.account == keyAccount:
		return "account root (delegates to IAM)"
	case s.sid == "" && id.kind == KindService && strings.HasPrefix(id.value, "logs."):
		return "CloudWatch Logs"
	case s.sid == "" && id.kind != KindService:
		return "additional principal"
	case strings.HasPrefix(s.sid, "Grant"):
		return "grantee (key policy statement of a grant)"
	}
	return "extra statement " + s.sid
}

// grants returns the native grants on this key.
func (e *evaluator) grants() []*grantRes {
	var out []*grantRes
	for _, g := range e.st.grants {
		if m := referenceTo.FindStringSubmatch(g.keyRef); m != nil && m[1]+"."+m[2] == e.key.address && (m[3] == "key_id" || m[3] == "arn" || m[3] == "id") {
			out = append(out, g)
		}
	}
	return out
}

// policyNamesKey says whether an IAM policy has a statement whose
// Resource covers the key.
func (e *evaluator) policyNamesKey(p *policyDoc) bool {
	for _, s := range p.statements {
		if e.resourceCovers(s.resource, true) {
			return true
		}
	}
	return false
}

// resourceCovers says whether a statement's Resource covers the key: "*",
// a reference to the key's ARN, or a literal pattern that matches its ARN
// whatever its id (key/*). identityPolicy selects the IAM policy reading
// (references); a key policy's Resource is "*".
func (e *evaluator) resourceCovers(resources []string, identityPolicy bool) bool {
	for _, r := range resources {
		switch {
		case r == "*":
			return true
		case isReference(r):
			if m := referenceTo.FindStringSubmatch(r); identityPolicy && m != nil && m[1]+"."+m[2] == e.key.address && m[3] == "arn" {
				return true
			}
		case e.account != "" && wildcardMatch(r, e.arn) && wildcardMatch(r, strings.TrimSuffix(e.arn, PlaceholderKeyID)+"another-key"):
			return true
		}
	}
	return false
}

// sortedRows returns the rows in report order.
func (e *evaluator) sortedRows() []*row {
	rows := slices.Collect(maps.Values(e.rows))
	slices.SortFunc(rows, func(a, b *row) int {
		if d := slices.Index(kindOrder, a.Kind) - slices.Index(kindOrder, b.Kind); d != 0 {
			return d
		}
		// The key's own account first among the accounts.
		if a.Kind == KindAccount && (a.Account == e.account) != (b.Account == e.account) {
			if a.Account == e.account {
				return -1
			}
			return 1
		}
		return strings.Compare(a.ID, b.ID)
	})
	return rows
}

// principalMatch says how a key policy statement's principals reach a row:
// directly (the row's principal, "*", the role of an assumed-role
// session), through its account (the account's root or id: delegation to
// IAM), or not.
func (e *evaluator) principalMatch(s statement, r *row) (direct, account bool) {
	if s.anyone {
		direct = true
	}
	for _, v := range s.aws {
		id := e.resolve(v, "")
		switch {
		case id.kind == KindAccount:
			if r.acct == id.account && r.Kind != KindService && r.Kind != KindReference && r.Kind != KindAnyone {
				account = true
			}
		case sameIdentity(id, r.match), sessionOf(id, r):
			direct = true
		}
	}
	for _, v := range s.service {
		if r.Kind == KindService && v == r.match.value {
			direct = true
		}
	}
	return direct, account
}

// deniesRow says whether a Deny statement's principals cover a row: "*",
// the row, the role of a session, or the row's account.
func (e *evaluator) deniesRow(s statement, r *row) bool {
	direct, account := e.principalMatch(s, r)
	if !direct && !account && r.Kind == KindAnyone {
		for _, v := range s.aws {
			if id := e.resolve(v, ""); id.kind == KindAccount && id.account == r.acct {
				return true
			}
		}
	}
	return direct || account
}

// sameIdentity compares identities: roles, users and groups by kind,
// account and name (their paths and the places that name them aside).
func sameIdentity(a, b identity) bool {
	switch a.kind {
	case KindRole, KindUser, KindGroup:
		return a.kind == b.kind && a.account == b.account && a.name == b.name
	}
	return a == b
}

// sessionOf says whether a role identity is the role of an assumed-role
// row: a policy or grant that names a role serves its sessions.
func sessionOf(id identity, r *row) bool {
	return id.kind == KindRole && r.Kind == KindAssumedRole && id.account == r.match.account && id.name == r.match.name
}

// cell evaluates one action for one row; ok is false when the action is
// not allowed and no Deny names it (an implicit deny, left out of the
// report).
func (e *evaluator) cell(r *row, action string) (Cell, bool) {
	capability, _ := capabilityOf(action)
	c := Cell{Action: action, Capability: capability.Name}
	f := knownFacts(r)
	var paths []Path
	addPath := func(via []Source, conds []Condition) {
		conds, ok := e.simplify(conds, action, f, via)
		if ok {
			paths = append(paths, Path{Via: via, Conditions: conds})
		}
	}
	// Denies: the key policy's and the identity's IAM policies'.
	for _, s := range e.key.policy.statements {
		if s.effect != "Deny" || len(s.unsupported) > 0 || !coversAction(s.actions, action) || !e.resourceCovers(s.resource, false) || !e.deniesRow(s, r) {
			continue
		}
		via := []Source{{Type: "key_policy", Resource: e.key.address, Statement: s.index, Sid: s.sid}}
		conds, ok := e.simplify(s.conds, action, f, nil)
		if !ok {
			continue
		}
		if len(conds) == 0 {
			return Cell{Action: action, Capability: capability.Name, Access: Denied, Paths: []Path{{Via: via}}}, true
		}
		c.Unless = append(c.Unless, Path{Via: via, Conditions: conds})
	}
	for _, ip := range r.policies {
		for _, s := range ip.policy.statements {
			if s.effect != "Deny" || len(s.unsupported) > 0 || !coversAction(s.actions, action) || !e.resourceCovers(s.resource, true) {
				continue
			}
			via := []Source{{Type: "identity_policy", Resource: ip.address, Statement: s.index, Sid: s.sid}}
			conds, ok := e.simplify(s.conds, action, f, nil)
			if !ok {
				continue
			}
			if len(conds) == 0 {
				return Cell{Action: action, Capability: capability.Name, Access: Denied, Paths: []Path{{Via: via}}}, true
			}
			c.Unless = append(c.Unless, Path{Via: via, Conditions: conds})
		}
	}
	// Allows of the key policy: directly, or through the account's IAM.
	for _, s := range e.key.policy.statements {
		if s.effect != "Allow" || len(s.unsupported) > 0 || !coversAction(s.actions, action) || !e.resourceCovers(s.resource, false) {
			continue
		}
		direct, account := e.principalMatch(s, r)
		via := Source{Type: "key_policy", Resource: e.key.address, Statement: s.index, Sid: s.sid}
		crossAccount := r.acct != "" && e.account != "" && r.acct != e.account
		if direct {
			conds := slices.Clone(s.conds)
			if crossAccount {
				// Cross-account access needs the principal's own IAM
				// policy as well (AWS KMS Developer Guide, "Allowing users
				// in other accounts to use a KMS key").
				conds = append(conds, Condition{Kind: CondIAMPolicy, Account: r.Account})
			}
			addPath([]Source{via}, conds)
		}
		if !account {
			continue
		}
		switch {
		case r.Kind == KindAccount || crossAccount:
			addPath([]Source{via}, append(slices.Clone(s.conds), Condition{Kind: CondIAMPolicy, Account: r.Account}))
		default:
			// An identity of the key's account: its IAM policies of the
			// stack decide.
			for _, ip := range r.policies {
				for _, is := range ip.policy.statements {
					if is.effect != "Allow" || len(is.unsupported) > 0 || !coversAction(is.actions, action) || !e.resourceCovers(is.resource, true) {
						continue
					}
					addPath([]Source{via, {Type: "identity_policy", Resource: ip.address, Statement: is.index, Sid: is.sid}},
						append(slices.Clone(s.conds), is.conds...))
				}
			}
		}
	}
	// Native grants.
	for _, g := range e.grants() {
		grantee := e.grantMatches(g.grantee, r)
		retiring := g.retiring != "" && e.grantMatches(g.retiring, r)
		via := []Source{{Type: "grant", Resource: g.address}}
		if grantee && slices.Contains(g.operations, action) {
			var conds []Condition
			if r.Kind == KindAccount {
				conds = append(conds, Condition{Kind: CondIAMPolicy, Account: r.Account})
			}
			switch {
			case action == "kms:RetireGrant":
				conds = append(conds, Condition{Kind: CondThisGrant, Resource: g.address})
			case slices.Contains(grantConstrainedOperations, action):
				conds = append(conds, grantConstraint(g)...)
			case action == "kms:CreateGrant" && (len(g.equals) > 0 || len(g.subset) > 0):
				conds = append(conds, Condition{Kind: CondGrantsAsStrict, Resource: g.address})
			}
			addPath(via, conds)
		}
		if retiring && action == "kms:RetireGrant" && !(grantee && slices.Contains(g.operations, action)) {
			addPath(via, []Condition{{Kind: CondThisGrant, Resource: g.address}})
		}
	}
	if len(paths) == 0 {
		return c, false
	}
	// One path without conditions makes the others moot.
	var unconditional []Path
	for _, p := range paths {
		if len(p.Conditions) == 0 {
			unconditional = append(unconditional, p)
		}
	}
	if len(unconditional) > 0 {
		paths = unconditional
	}
	c.Paths = dedupe(paths)
	c.Access = Conditional
	if len(unconditional) > 0 && len(c.Unless) == 0 {
		c.Access = Allowed
	}
	return c, true
}

// grantMatches says whether a grant's grantee or retiring principal is the
// row (a role's grant also serves its sessions; an account root's serves
// the account's identities through their IAM policies).
func (e *evaluator) grantMatches(value string, r *row) bool {
	id := e.resolve(value, "")
	return sameIdentity(id, r.match) || sessionOf(id, r)
}

func grantConstraint(g *grantRes) []Condition {
	switch {
	case len(g.equals) > 0:
		return []Condition{{Kind: CondEncryptionContextEquals, Context: maps.Clone(g.equals), Resource: g.address}}
	case len(g.subset) > 0:
		return []Condition{{Kind: CondEncryptionContextSubset, Context: maps.Clone(g.subset), Resource: g.address}}
	}
	return nil
}

// simplify drops the conditions that hold and reports (ok false) a path
// that a condition rules out, noting why when the cause is that the
// request never carries the key.
func (e *evaluator) simplify(conds []Condition, action string, f facts, via []Source) ([]Condition, bool) {
	var out []Condition
	for _, c := range conds {
		switch evaluate(c, action, f) {
		case holds:
			continue
		case fails:
			if via != nil {
				if _, known := f[strings.ToLower(c.Key)]; !known && neverInRequest(action, c.Key) {
					var names []string
					for _, v := range via {
						names = append(names, v.String())
					}
					k := strings.Join(names, " + ") + "\x00" + c.String() + "\x00" + c.Key
					if !slices.Contains(e.dropped[k], action) {
						e.dropped[k] = append(e.dropped[k], action)
					}
				}
			}
			return nil, false
		}
		if !slices.ContainsFunc(out, func(o Condition) bool { return o.key() == c.key() }) {
			out = append(out, c)
		}
	}
	return out, true
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
