// Package policylint checks AWS KMS key policies beyond what generic IaC
// scanners know: real KMS actions (read as IAM reads them, without regard
// to case), well-formed principals of the key's
// partition, known condition operators and keys, unique Sids, AWS's size
// limit, who can reach the key (a wildcard principal only under a condition
// that pins the caller to this account or organization, management actions
// to other accounts only when they are trusted), and that the policy keeps
// the key manageable (no Deny that could lock the account out). The
// construct runs it on every policy it builds, and the scan step
// (tools/scan) runs it on every aws_kms_key and aws_kms_replica_key
// of the synthesized stacks.
//
// Statements are read with the one IAM model (internal/iam), actions with
// the KMS catalogue (internal/kmscat), and who could still change the key
// policy is decided by the evaluator (iam.Decide) and its condition
// evaluation, so that the linter, the construct and the access report read
// a policy the same way.
//
// Values that hold a cdktf token marker (a reference to another resource,
// unknown until apply) are not checked for form or account; a condition
// value that is a reference does not count as concrete.
package policylint

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/cdktf-kms/cdktf-kms/internal/iam"
	"github.com/cdktf-kms/cdktf-kms/internal/kmscat"
	"github.com/cdktf-kms/cdktf-kms/internal/tftemplate"
)

// MaxBytes is AWS's limit on a key policy (32 KB).
const MaxBytes = 32768

// IsUsageAction says whether a KMS action (with "kms:", any case) only
// uses the key: a cryptographic operation, describing the key or reading
// its public key (the catalogue's Use).
func IsUsageAction(action string) bool {
	a, ok := kmscat.Lookup(action)
	return ok && a.Use
}

// governed keeps the actions a key policy governs (the catalogue's OnKey):
// an account-level action such as kms:CreateKey in a key policy has no
// effect, so it is neither given nor refused by one.
func governed(actions []string) []string {
	var out []string
	for _, a := range actions {
		if c, ok := kmscat.Lookup(a); ok && c.OnKey && !slices.Contains(out, c.IAMName()) {
			out = append(out, c.IAMName())
		}
	}
	return out
}

// ServicePrincipalPattern is the form of an AWS service principal: DNS
// labels ending in a partition's service principal suffix (amazonaws.com;
// amazonaws.com.cn, c2s.ic.gov, sc2s.sgov.gov for some services in aws-cn,
// aws-iso and aws-iso-b). The construct checks its service principals with
// it too.
var ServicePrincipalPattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.(amazonaws\.com(\.cn)?|c2s\.ic\.gov|sc2s\.sgov\.gov)$`)

// ServicePrincipalPatternFor is ServicePrincipalPattern for the service
// principals of one partition ("" for any): amazonaws.com, and the suffix
// only that partition uses (ServicePrincipalProblem's rule).
func ServicePrincipalPatternFor(partition string) string {
	suffixes := []string{`amazonaws\.com`}
	for p, suffix := range ServicePrincipalSuffixes {
		if partition == "" || partition == p {
			suffixes = append(suffixes, regexp.QuoteMeta(suffix[1:]))
		}
	}
	slices.Sort(suffixes)
	return `^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.(` + strings.Join(suffixes, "|") + `)$`
}

// ServicePrincipalSuffixes maps a partition to the service principal
// suffix that only it uses.
var ServicePrincipalSuffixes = map[string]string{
	"aws-cn":    ".amazonaws.com.cn",
	"aws-iso":   ".c2s.ic.gov",
	"aws-iso-b": ".sc2s.sgov.gov",
}

// ServicePrincipalProblem says what is wrong with a service principal in a
// partition ("" for any partition), or returns "".
func ServicePrincipalProblem(sp, partition string) string {
	switch {
	case strings.ContainsAny(sp, "*?"):
		return "wildcards are not allowed in principals; name the service, like s3.amazonaws.com"
	case !ServicePrincipalPattern.MatchString(sp):
		return "must be an AWS service principal like s3.amazonaws.com or delivery.logs.amazonaws.com"
	}
	for p, suffix := range ServicePrincipalSuffixes {
		if strings.HasSuffix(sp, suffix) && partition != "" && partition != p {
			return fmt.Sprintf("principals ending in %s exist only in the %s partition, not in %q", suffix, p, partition)
		}
	}
	return ""
}

// Context is what the linter knows about the key.
type Context struct {
	// Partition of the key ("aws", "aws-cn", ...).
	Partition string
	// Account owning the key (12 digits).
	Account string
	// TrustedAccounts are other accounts that may get more than the usage
	// actions (kms.KmsKeyConfig.TrustedAccountIds).
	TrustedAccounts []string
	// TrustedServices are service principals that may get more than the
	// usage actions (kms.KmsKeyConfig.TrustedServicePrincipals).
	TrustedServices []string
}

func (c Context) trusted(account string) bool {
	return account == c.Account || slices.Contains(c.TrustedAccounts, account)
}

// ReachProblem is the one rule that decides whether a principal may get
// actions on the key, whatever gives them (a key policy statement of any
// origin, a native grant, a replica's policy): usage actions go to anyone
// the policy names, but anything more (managing the key, its policy,
// rotation, deletion, tags or aliases, and making, listing, retiring or
// revoking grants) goes only to principals of the key's account or of a
// trusted account, and to service principals named in TrustedServices.
// kind is "AWS" or "Service"; actions are KMS actions with the kms: prefix
// (any case; account-level actions, which a key policy does not govern,
// are left out). A reference or "*" (whose account is not known here)
// returns "": lintReach checks wildcards with their conditions. The result
// is "" or the problem.
func ReachProblem(ctx Context, kind, principal string, actions []string) string {
	management := ManagementActions(actions)
	if len(management) == 0 || tftemplate.IsUnresolved(principal) || tftemplate.HasComplexMarker(principal) {
		return ""
	}
	switch kind {
	case "AWS":
		account := principalAccount(principal)
		if account == "" || ctx.trusted(account) {
			return ""
		}
		return fmt.Sprintf("gives %s in account %s %s; list %s in trusted_account_ids (TrustedAccountIds) to allow that", principal, account, describeManagement(management), account)
	case "Service":
		if slices.Contains(ctx.TrustedServices, principal) {
			return ""
		}
		return fmt.Sprintf("gives the service principal %s %s; AWS services get the usage actions unless you name the service in trusted_service_principals (TrustedServicePrincipals) to allow more", principal, describeManagement(management))
	}
	return ""
}

// ManagementActions returns the actions a key policy governs that do more than
// use the key, in the catalogue's spelling.
func ManagementActions(actions []string) []string {
	var out []string
	for _, a := range governed(actions) {
		if !IsUsageAction(a) {
			out = append(out, a)
		}
	}
	return out
}

// Finding is one problem in one statement.
type Finding struct {
	// Statement is the 1-based index of the statement, 0 for the document.
	Statement int
	// Sid is the statement's Sid, if any.
	Sid string
	// Principal is the principal the finding is about, if any.
	Principal string
	// Problem says what is wrong.
	Problem string
}

func (f Finding) String() string {
	switch {
	case f.Statement == 0:
		return f.Problem
	case f.Sid != "":
		return fmt.Sprintf("statement %d (Sid %q): %s", f.Statement, f.Sid, f.Problem)
	default:
		return fmt.Sprintf("statement %d: %s", f.Statement, f.Problem)
	}
}

// allowedElements are the elements a key policy statement of ours may
// use: NotPrincipal, NotAction and NotResource give the key to whoever or
// whatever they do not name, which no rule here could bound.
var allowedElements = map[string]bool{"Sid": true, "Effect": true, "Principal": true, "Action": true, "Resource": true, "Condition": true}

// linter holds one run's state.
type linter struct {
	ctx      Context
	findings []Finding
}

func (l *linter) add(i int, sid, principal, format string, args ...any) {
	l.findings = append(l.findings, Finding{Statement: i, Sid: sid, Principal: principal, Problem: fmt.Sprintf(format, args...)})
}

// parsed is one statement as the rules see it.
type parsed struct {
	statement iam.Statement
	// raw are the statement's elements as written.
	raw        map[string]json.RawMessage
	principals map[string][]string
	actions    []string // the KMS actions the statement covers
}

// Lint checks a key policy document and returns every finding. The
// findings of the last documents it checked are kept (see lintCache): the
// app checks each environment's policy when it reads cdktf.json, again
// when it builds the stack and a third time in NewKmsKey, and linting is
// most of that work.
func Lint(policy string, ctx Context) []Finding {
	key := fmt.Sprintf("%#v\x00%s", ctx, policy)
	if f, ok := lintCache.get(key); ok {
		return f
	}
	f := lint(policy, ctx)
	lintCache.put(key, f) // keeps a copy
	return f
}

// lintCache holds the findings of up to lintCacheSize documents (with their
// contexts). Lint is a pure function of the two, so a hit is what a new
// run would return; when full, the cache starts over.
var lintCache = findingsCache{m: map[string][]Finding{}}

const lintCacheSize = 4096

type findingsCache struct {
	mu sync.Mutex
	m  map[string][]Finding
}

func (c *findingsCache) get(key string) ([]Finding, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f, ok := c.m[key]
	return slices.Clone(f), ok
}

func (c *findingsCache) put(key string, f []Finding) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= lintCacheSize {
		clear(c.m)
	}
	c.m[key] = slices.Clone(f)
}

// lint is Lint without the cache.
func lint(policy string, ctx Context) []Finding {
	l := &linter{ctx: ctx}
	if n := len(policy); n > MaxBytes {
		l.add(0, "", "", "the policy is %d bytes, over AWS's limit of %d", n, MaxBytes)
	}
	var doc struct {
		Version   string            `json:"Version"`
		Statement []json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal([]byte(policy), &doc); err != nil {
		l.add(0, "", "", "not a JSON policy document: %v", err)
		return l.findings
	}
	if doc.Version != "2012-10-17" {
		l.add(0, "", "", "Version %q must be 2012-10-17", doc.Version)
	}
	if len(doc.Statement) == 0 {
		l.add(0, "", "", "the policy has no statements")
	}
	sids := map[string]int{}
	var statements []parsed
	for i, raw := range doc.Statement {
		n := i + 1
		var elements map[string]json.RawMessage
		if err := json.Unmarshal(raw, &elements); err != nil || elements == nil {
			l.add(n, "", "", "is not a JSON object")
			continue
		}
		var sid string
		_ = json.Unmarshal(elements["Sid"], &sid)
		if sid != "" {
			if other, dup := sids[sid]; dup {
				l.add(n, sid, "", "duplicates the Sid of statement %d", other)
			}
			sids[sid] = n
		}
		known := map[string]json.RawMessage{}
		for _, el := range slices.Sorted(maps.Keys(elements)) {
			if !allowedElements[el] {
				l.add(n, sid, "", "element %s is not supported here (use Principal, Action, Resource)", el)
				continue
			}
			known[el] = elements[el]
		}
		text, _ := json.Marshal(known)
		s, err := iam.ParseStatement(text)
		if err != nil {
			l.add(n, sid, "", "%v", err)
			continue
		}
		s.Index = n
		p := parsed{statement: s, raw: elements, principals: l.principals(s)}
		for _, a := range s.Action {
			for _, x := range iam.ExpandKMSActions(a) {
				if !slices.Contains(p.actions, x) {
					p.actions = append(p.actions, x)
				}
			}
		}
		l.lintStatement(p)
		statements = append(statements, p)
	}
	l.lintManageable(statements)
	return l.findings
}

// principals returns a statement's principals by type ("*" as AWS "*").
func (l *linter) principals(s iam.Statement) map[string][]string {
	if s.Principal == nil {
		l.add(s.Index, s.Sid, "", "has no Principal (a key policy statement must name one)")
		return nil
	}
	out := map[string][]string{}
	ps := s.Principal
	if ps.Any && !slices.Contains(ps.AWS, "*") {
		out["AWS"] = []string{"*"}
	}
	for kind, list := range map[string][]string{"AWS": ps.AWS, "Service": ps.Service, "Federated": ps.Federated, "CanonicalUser": ps.CanonicalUser} {
		if len(list) > 0 {
			out[kind] = append(out[kind], list...)
		}
	}
	return out
}

func (l *linter) lintStatement(p parsed) {
	s, n := p.statement, p.statement.Index
	if len(s.Action) == 0 {
		l.add(n, s.Sid, "", "has no Action")
	}
	for _, a := range s.Action {
		if msg := actionProblem(a); msg != "" {
			l.add(n, s.Sid, "", "%s", msg)
		}
	}
	if len(s.Resource) != 1 || s.Resource[0] != "*" {
		l.add(n, s.Sid, "", `Resource %v must be "*" (this key) in a key policy`, s.Resource)
	}
	for _, kind := range slices.Sorted(maps.Keys(p.principals)) {
		for _, v := range p.principals[kind] {
			if msg := l.principalProblem(kind, v); msg != "" {
				l.add(n, s.Sid, v, "%s", msg)
			}
		}
	}
	reported := map[string]bool{}
	for _, c := range s.Conditions {
		if !iam.ParseOperator(c.Operator).Known && !reported[c.Operator] {
			reported[c.Operator] = true
			l.add(n, s.Sid, "", "condition operator %q is not an IAM condition operator", c.Operator)
		}
		if !knownConditionKey(c.Key) {
			l.add(n, s.Sid, "", "condition key %q is not a known KMS or AWS global condition key", c.Key)
		}
	}
	if s.Effect == "Allow" {
		l.lintReach(p)
	}
}

// actionProblem checks one action: a KMS action of the catalogue, or a
// wildcard that matches at least one, read without regard to case.
func actionProblem(a string) string {
	service, name, ok := strings.Cut(a, ":")
	switch {
	case a == "*":
		return `action "*" covers every service's actions; a key policy governs only this key: write "kms:*"`
	case !ok || !strings.EqualFold(service, "kms"):
		return fmt.Sprintf("action %q is not a KMS action (a key policy governs only this key)", a)
	case strings.ContainsAny(name, "*?"):
		if len(iam.ExpandKMSActions(a)) > 0 {
			return ""
		}
		return fmt.Sprintf("action %q matches no KMS action", a)
	}
	c, ok := kmscat.Lookup(a)
	switch {
	case !ok:
		return fmt.Sprintf("action %q is not a KMS action", a)
	case !c.OnKey:
		return fmt.Sprintf("action %q acts on the account, not on a key (its resource is \"*\" in an IAM policy), so a key policy that allows it has no effect; allow it in an IAM policy", a)
	}
	return ""
}

// principalProblem checks the form of one principal.
func (l *linter) principalProblem(kind, v string) string {
	switch {
	case tftemplate.IsReference(v):
		return "" // a reference (or a whole list): its value is known only at apply
	case v == "*" && kind == "AWS":
		return "" // checked with the statement's conditions (lintReach)
	case kind == "AWS":
		if iam.IsAccountID(v) {
			return ""
		}
		if _, msg := iam.ParsePrincipal(v, l.ctx.Partition); msg != "" {
			return fmt.Sprintf("Principal AWS %q: %s", v, msg)
		}
	case kind == "Service":
		if msg := ServicePrincipalProblem(v, l.ctx.Partition); msg != "" {
			return fmt.Sprintf("Principal Service %q: %s", v, msg)
		}
	default:
		return fmt.Sprintf("Principal type %q is not used in key policies here (AWS or Service)", kind)
	}
	return ""
}

// principalAccount returns the account of an AWS principal, "" when it is
// unknown (a reference or "*").
func principalAccount(v string) string {
	if iam.IsAccountID(v) {
		return v
	}
	if p, msg := iam.ParsePrincipal(v, ""); msg == "" {
		return p.Account()
	}
	return ""
}

// pinningKeys are the condition keys that can pin a wildcard principal to
// accounts (or an organization). aws:SourceAccount pins the account a
// service acts for, not the caller: it is "source".
var pinningKeys = map[string]string{
	"aws:principalaccount": "account",
	"kms:calleraccount":    "account",
	"aws:sourceaccount":    "source",
	"aws:principalorgid":   "org",
}

// pinnedTo returns what a statement's conditions pin the caller to: the
// accounts, whether an organization pins it, and whether only
// aws:SourceAccount does (then the callers are any AWS service acting for
// those accounts). A key counts only with StringEquals (no IfExists, no set
// qualifier) and concrete values (no wildcard, no reference); a pinning
// key whose concrete values are not account (or organization) ids gets a
// finding that says so.
func (l *linter) pinnedTo(p parsed) (accounts []string, org, onlySource, pinned bool) {
	var byCaller bool
	s := p.statement
	for _, c := range s.Conditions {
		op := iam.ParseOperator(c.Operator)
		if op.Base != "StringEquals" || op.Set != "" || op.IfExists {
			continue
		}
		kind, ok := pinningKeys[strings.ToLower(c.Key)]
		if !ok || len(c.Values) == 0 || !concrete(c.Values) {
			continue
		}
		valid, what := iam.IsAccountID, "an account ID (12 digits, written as a string)"
		if kind == "org" {
			valid, what = iam.IsOrgID, "an organization ID (o- and 10 to 32 lower-case letters or digits)"
		}
		if bad := slices.DeleteFunc(slices.Clone(c.Values), valid); len(bad) > 0 {
			l.add(s.Index, s.Sid, "", "condition %s %s: %s is not %s%s, so it pins the caller to nothing", c.Operator, c.Key, quoteAll(bad), what, jsonTypeNote(p.raw["Condition"], c))
			continue
		}
		switch kind {
		case "org":
			org, pinned = true, true
		case "account", "source":
			accounts, pinned = append(accounts, c.Values...), true
			byCaller = byCaller || kind == "account"
		}
	}
	return accounts, org, pinned && !org && !byCaller, pinned
}

// jsonTypeNote says, for a condition whose values are written as JSON
// numbers or booleans, that IAM compares them as strings: a number loses
// an account id's leading zeros.
func jsonTypeNote(raw json.RawMessage, c iam.Condition) string {
	var ops map[string]map[string]json.RawMessage
	if json.Unmarshal(raw, &ops) != nil {
		return ""
	}
	v := bytes.TrimSpace(ops[c.Operator][c.Key])
	if len(v) > 0 && v[0] == '[' {
		v = bytes.TrimSpace(v[1:])
	}
	if len(v) == 0 || v[0] == '"' {
		return ""
	}
	return " (it is written as a JSON number or boolean; write the id as a string, with its leading zeros)"
}

func quoteAll(values []string) string {
	var out []string
	for _, v := range values {
		out = append(out, fmt.Sprintf("%q", v))
	}
	return strings.Join(out, ", ")
}

// concrete says whether condition values are all literal: no reference, no
// variable and no wildcard.
func concrete(values []string) bool {
	for _, v := range values {
		if tftemplate.IsReference(v) || strings.ContainsAny(v, "*?") || strings.Contains(v, "${") {
			return false
		}
	}
	return true
}

// lintReach checks who an Allow statement lets reach the key: a wildcard
// principal only when pinned to trusted accounts (or an organization, for
// usage actions), and management actions only to trusted accounts.
func (l *linter) lintReach(p parsed) {
	s, n := p.statement, p.statement.Index
	management := ManagementActions(p.actions)
	for _, v := range p.principals["AWS"] {
		if v == "*" {
			accounts, org, onlySource, pinned := l.pinnedTo(p)
			if !pinned {
				l.add(n, s.Sid, v, `Principal AWS "*" in an Allow needs a condition that pins the caller to this account or organization: StringEquals on aws:PrincipalAccount, aws:PrincipalOrgID, kms:CallerAccount or aws:SourceAccount with concrete values (this account is %s); other conditions restrict nobody`, l.ctx.Account)
				continue
			}
			for _, a := range accounts {
				if !l.ctx.trusted(a) {
					l.add(n, s.Sid, v, `Principal AWS "*" is pinned to account %s, which is neither the key's account nor in trusted_account_ids (TrustedAccountIds)`, a)
				}
			}
			if org && len(accounts) == 0 && len(management) > 0 {
				l.add(n, s.Sid, v, `Principal AWS "*" pinned only to an organization gets %s; pin it to accounts with aws:PrincipalAccount or kms:CallerAccount, or allow only usage actions`, describeManagement(management))
			}
			if onlySource && len(management) > 0 {
				// Only a service acting for an account sends aws:SourceAccount:
				// this reaches every AWS service, and services get more than
				// usage only by name (ReachProblem).
				l.add(n, s.Sid, v, `Principal AWS "*" pinned only by aws:SourceAccount reaches any AWS service acting for the account and gets %s; services get more than usage only when a statement names them and trusted_service_principals (TrustedServicePrincipals) lists them: name the service, or allow only usage actions`, describeManagement(management))
			}
			continue
		}
		if msg := ReachProblem(l.ctx, "AWS", v, p.actions); msg != "" {
			l.add(n, s.Sid, v, "%s", msg)
		}
	}
	for _, v := range p.principals["Service"] {
		if msg := ReachProblem(l.ctx, "Service", v, p.actions); msg != "" {
			l.add(n, s.Sid, v, "%s", msg)
		}
	}
}

func describeManagement(actions []string) string {
	const show = 4
	if len(actions) > show {
		return fmt.Sprintf("management actions (%s and %d more), not only key usage", strings.Join(actions[:show], ", "), len(actions)-show)
	}
	return fmt.Sprintf("management actions (%s), not only key usage", strings.Join(actions, ", "))
}

func knownConditionKey(key string) bool {
	if strings.HasPrefix(strings.ToLower(key), "aws:") {
		return iam.IsGlobalConditionKey(key)
	}
	_, ok := kmscat.LookupConditionKey(key)
	return ok
}
