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
	// policies are the IAM policies of the stack that apply to the
	// identity (inline, attached, a group's for its members).
	policies []*identityPolicy
	// external are policies attached to it that the stack does not define;
	// boundary its permissions boundary (known: boundaryDoc).
	external    []string
	boundary    string
	boundaryDoc *identityPolicy
	fromSet     map[string]bool
	roleSet     map[string]bool
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
	// undecided are statements the evaluator could not decide for a
	// request (CondUndecided), for notes.
	undecided map[string]bool
	// refused collects the key policy statements that allow a principal
	// of another account actions AWS KMS refuses across accounts, for
	// notes: source and account -> actions.
	refused map[string][]string
}

// evaluateKey builds the rows of one key.
func evaluateKey(st *stackDoc, k *keyRes) Key {
	e := &evaluator{st: st, key: k, rows: map[string]*row{}, dropped: map[string][]string{}, undecided: map[string]bool{}, refused: map[string][]string{}}
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
	e.noteIdleDenies(out.Principals)
	for _, k := range slices.Sorted(maps.Keys(e.dropped)) {
		parts := strings.Split(k, "\x00")
		actions := strings.Join(e.dropped[k], ", ")
		e.notes = append(e.notes, fmt.Sprintf("%s allows %s only if %s, but those requests never carry %s (Service Authorization Reference), so it does not allow them", parts[0], actions, parts[1], parts[2]))
	}
	for _, k := range slices.Sorted(maps.Keys(e.refused)) {
		parts := strings.Split(k, "\x00")
		e.notes = append(e.notes, fmt.Sprintf("%s allows principals of account %s %s, which AWS KMS refuses to another account's principals whatever the policies say (AWS KMS permissions, \"Cross-account use\": No), so no row of that account shows them", parts[0], parts[1], strings.Join(e.refused[k], ", ")))
	}
	for _, s := range slices.Sorted(maps.Keys(e.undecided)) {
		e.notes = append(e.notes, fmt.Sprintf("%s: the report cannot decide whom it names (a NotPrincipal that names an account but not the principal itself, or a NotPrincipal in an Allow, which AWS does not support): the cells it may change are conditional on it", s))
	}
	out.Notes = sortedNotes(e.notes)
	return out
}

// rootAccount finds the key's account: the account whose root (or id) an
// Allow statement names with kms:PutKeyPolicy, as the construct's first
// statement does; failing that, any account root the policy names.
func rootAccount(p *iam.Document) (account, partition string) {
	var fallback [2]string
	for _, s := range p.Statements {
		if s.Principal == nil {
			continue
		}
		for _, v := range s.Principal.AWS {
			pr, msg := iam.ParsePrincipal(v, "")
			if msg != "" || pr.Kind != "root" {
				continue
			}
			if s.Effect == "Allow" && !s.NotActionSet && iam.ActionsMatch(s.Action, "kms:PutKeyPolicy") && len(s.Conditions) == 0 {
				return pr.Account(), pr.ARN.Partition
			}
			if fallback[0] == "" {
				fallback = [2]string{pr.Account(), pr.ARN.Partition}
			}
		}
	}
	return fallback[0], fallback[1]
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
		r.ID = fmt.Sprintf("arn:%s:sts::%s:assumed-role/%s/%s", e.partition, id.account, id.name, id.session)
		r.arnKnown = true
	default:
		r.arnKnown = arn != ""
		if arn == "" {
			path := "/"
			if res, ok := e.st.iam[id.value]; ok {
				path = res.path
				r.arnKnown = true
			}
			arn = fmt.Sprintf("arn:%s:iam::%s:%s%s%s", e.partition, id.account, id.kind, path, id.name)
		}
		r.ID = arn
	}
	if r.Label == "" {
		r.Label = labelOf(r.Kind, r.ID, r.Account, e.account)
	}
	e.rows[key] = r
	return r
}

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

// keySource names a key policy statement.
func (e *evaluator) keySource(s iam.Statement) string {
	return Source{Type: "key_policy", Resource: e.key.address, Statement: s.Index, Sid: s.Sid}.String()
}

// collectRows finds every principal that a statement (Allow or Deny), IAM
// policy or grant of the key names.
func (e *evaluator) collectRows() {
	if e.account != "" {
		e.rowFor(identity{kind: KindAccount, account: e.account}, "")
	}
	for _, s := range e.key.policy.Statements {
		if s.Principal == nil {
			// A NotPrincipal names everyone but whom it lists: the rows
			// that exist show it.
			continue
		}
		p := s.Principal
		if len(p.Federated) > 0 || len(p.CanonicalUser) > 0 {
			e.notes = append(e.notes, fmt.Sprintf("%s names Federated or CanonicalUser principals, which the report does not show as rows (it decides the others)", e.keySource(s)))
		}
		if p.Any {
			r := e.rowFor(identity{kind: KindAnyone}, "")
			r.from(e.keySource(s))
			if s.Effect == "Deny" {
				r.role("named in a Deny")
			} else {
				// A wildcard pinned to other accounts reaches their IAM
				// identities: give each such account a row.
				for _, c := range s.Conditions {
					if op := iam.ParseOperator(c.Operator); op.Base == "StringEquals" && op.Set == "" && (strings.EqualFold(c.Key, "aws:PrincipalAccount") || strings.EqualFold(c.Key, "kms:CallerAccount")) {
						for _, v := range c.Values {
							if iam.IsAccountID(v) {
								e.rowFor(identity{kind: KindAccount, account: v}, "").from(e.keySource(s))
							}
						}
					}
				}
			}
		}
		for _, v := range p.AWS {
			if v == "*" {
				continue
			}
			arn := ""
			if strings.HasPrefix(v, "arn:") {
				arn = v
			}
			id := e.resolve(v, "")
			r := e.rowFor(id, arnIfIdentity(id, arn))
			r.from(e.keySource(s))
			if s.Effect == "Allow" {
				r.role(roleOf(s, id, e.account))
			} else {
				r.role("named in a Deny")
			}
		}
		for _, v := range p.Service {
			r := e.rowFor(identity{kind: KindService, value: v}, "")
			r.from(e.keySource(s))
			if s.Effect == "Allow" {
				r.role(roleOf(s, identity{kind: KindService, value: v}, e.account))
			} else {
				r.role("named in a Deny")
			}
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
	// Roles, users and groups of the stack whose other policies name the
	// key: inline_policy blocks, managed policies of the stack attached by
	// managed_policy_arns or attachments.
	for _, addr := range slices.Sorted(maps.Keys(e.st.iam)) {
		x := e.st.iam[addr]
		if x.name == "" {
			continue
		}
		for _, src := range e.stackPoliciesOf(addr, x) {
			if !e.policyNamesKey(src.policy) {
				continue
			}
			id := identity{kind: x.kind, account: e.account, name: x.name, value: addr}
			r := e.rowFor(id, "")
			r.from(src.address)
			r.role("IAM policy on the key")
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
	for _, r := range e.rows {
		e.attachPolicies(r)
	}
}

// stackPoliciesOf returns the policies of the stack that a role, user or
// group of the stack has besides aws_iam_*_policy resources: its
// inline_policy blocks, and the stack's managed policies attached to it
// (managed_policy_arns, attachments).
func (e *evaluator) stackPoliciesOf(addr string, x *iamResource) []*identityPolicy {
	out := slices.Clone(x.inline)
	arns := slices.Clone(x.managed)
	for _, a := range e.st.attachments {
		if a.kind != x.kind {
			continue
		}
		if m := referenceTo.FindStringSubmatch(a.target); m != nil && m[1]+"."+m[2] == addr || a.target == x.name {
			arns = append(arns, a.policyArn)
		}
	}
	for _, arn := range arns {
		if m := referenceTo.FindStringSubmatch(arn); m != nil && m[3] == "arn" {
			if mp, ok := e.st.managed[m[1]+"."+m[2]]; ok {
				out = append(out, &identityPolicy{address: mp.address, kind: x.kind, policy: mp.policy})
			}
		}
	}
	return out
}

// attachPolicies finds what applies to a row's identity: the stack's
// inline and attached policies (a group's for its members), policies
// attached that the stack does not define, and its permissions boundary.
func (e *evaluator) attachPolicies(r *row) {
	switch r.Kind {
	case KindRole, KindUser, KindGroup, KindAssumedRole, KindReference:
	default:
		return
	}
	kind := r.Kind
	if kind == KindAssumedRole {
		kind = KindRole
	}
	same := func(target, k string) bool {
		if k != kind {
			return false
		}
		id := e.resolve(target, k)
		if r.Kind == KindReference {
			return id.kind == KindReference && id.value == r.match.value
		}
		return id.kind == kind && id.account == r.match.account && id.name == r.match.name
	}
	for _, ip := range e.st.identityPolicies {
		if same(ip.target, ip.kind) {
			r.policies = append(r.policies, ip)
		}
	}
	var res *iamResource
	for _, addr := range slices.Sorted(maps.Keys(e.st.iam)) {
		x := e.st.iam[addr]
		if r.Kind != KindReference && x.kind == kind && x.name != "" && x.name == r.match.name && r.match.account == e.account {
			res = x
		}
		if r.Kind == KindReference && "${"+addr+"}" == r.match.value {
			res = x
		}
	}
	var managed []string
	if res != nil {
		r.policies = append(r.policies, res.inline...)
		managed = append(managed, res.managed...)
		if res.boundary != "" {
			r.boundary = res.boundary
			if m := referenceTo.FindStringSubmatch(res.boundary); m != nil && m[3] == "arn" {
				if mp, ok := e.st.managed[m[1]+"."+m[2]]; ok {
					r.boundaryDoc = &identityPolicy{address: mp.address, policy: mp.policy}
				}
			}
		}
	}
	for _, a := range e.st.attachments {
		if same(a.target, a.kind) {
			managed = append(managed, a.policyArn)
		}
	}
	for _, arn := range managed {
		if m := referenceTo.FindStringSubmatch(arn); m != nil && m[3] == "arn" {
			if mp, ok := e.st.managed[m[1]+"."+m[2]]; ok {
				r.policies = append(r.policies, &identityPolicy{address: mp.address, kind: kind, policy: mp.policy})
				continue
			}
		}
		if grantsNoKMS(arn) {
			continue
		}
		r.external = append(r.external, arn)
	}
}

// awsManagedWithoutKMS are AWS managed policies the construct attaches
// that allow no KMS action (their documents, AWS Managed Policy Reference
// Guide): a role with only these needs no condition on them.
var awsManagedWithoutKMS = []string{
	"service-role/AWSLambdaBasicExecutionRole", "service-role/AWSLambdaVPCAccessExecutionRole",
	"service-role/AmazonECSTaskExecutionRolePolicy", "AWSXRayDaemonWriteAccess",
}

// grantsNoKMS says whether a managed policy ARN is one that allows no KMS
// action.
func grantsNoKMS(arn string) bool {
	a, ok := iam.Parse(arn)
	if !ok || a.AccountID != "aws" {
		return false
	}
	return slices.Contains(awsManagedWithoutKMS, strings.TrimPrefix(a.Resource, "policy/"))
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
	kms.SidRoute53DNSSECService:               "Route 53 DNSSEC (signing)",
	kms.SidRoute53DNSSECCreateGrant:           "Route 53 DNSSEC (grants for AWS resources)",
}

// roleOf says what a statement makes the principal it names.
func roleOf(s iam.Statement, id identity, keyAccount string) string {
	if r, ok := sidRoles[s.Sid]; ok {
		return r
	}
	switch {
	case s.Sid == "" && id.kind == KindAccount && id.account == keyAccount:
		return "account root (delegates to IAM)"
	case s.Sid == "" && id.kind == KindService && strings.HasPrefix(id.value, "logs."):
		return "CloudWatch Logs"
	case s.Sid == "" && id.kind != KindService:
		return "additional principal"
	case strings.HasPrefix(s.Sid, "Grant"):
		return "grantee (key policy statement of a grant)"
	}
	return "extra statement " + s.Sid
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
func (e *evaluator) policyNamesKey(p *iam.Document) bool {
	for _, s := range p.Statements {
		if s.NotResourceSet {
			if !e.resourceCovers(s.NotResource) {
				return true
			}
			continue
		}
		if e.resourceCovers(s.Resource) {
			return true
		}
	}
	return false
}

// resourceCovers says whether resources cover the key: "*", a reference
// to the key's ARN, or a literal pattern that matches its ARN whatever its
// id (key/*).
func (e *evaluator) resourceCovers(resources []string) bool {
	for _, r := range resources {
		switch {
		case r == "*":
			return true
		case isReference(r):
			if m := referenceTo.FindStringSubmatch(r); m != nil && m[1]+"."+m[2] == e.key.address && m[3] == "arn" {
				return true
			}
		case e.account != "" && iam.ResourceMatches(r, e.arn) && iam.ResourceMatches(r, strings.TrimSuffix(e.arn, PlaceholderKeyID)+"another-key"):
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

// noteIdleDenies notes the key policy's Deny statements that apply to no
// cell of the report: their principals, actions or conditions never meet
// a request it shows (a Deny on aws:SecureTransport false, say, since AWS
// KMS accepts only TLS requests).
func (e *evaluator) noteIdleDenies(principals []Principal) {
	cited := map[int]bool{}
	for _, p := range principals {
		for _, c := range p.Cells {
			for _, path := range slices.Concat(c.Paths, c.Unless) {
				for _, v := range path.Via {
					if v.Type == "key_policy" {
						cited[v.Statement] = true
					}
				}
			}
		}
	}
	for _, s := range e.key.policy.Statements {
		if s.Effect == "Deny" && !cited[s.Index] {
			e.notes = append(e.notes, fmt.Sprintf("%s is a Deny that applies to no request of this report: its principals, actions or conditions never meet one (aws:SecureTransport, for one, is true in every request: AWS KMS accepts only TLS)", e.keySource(s)))
		}
	}
}
