// Package policylint checks AWS KMS key policies beyond what generic IaC
// scanners know: real KMS actions, well-formed principals of the key's
// partition, known condition operators and keys, unique Sids, AWS's size
// limit, who can reach the key (a wildcard principal only under a condition
// that pins the caller to this account or organization, management actions
// to other accounts only when they are trusted), and that the policy keeps
// the key manageable (no Deny that could lock the account out). The
// construct runs it on every policy it builds, and the scan step
// (tools/scan) runs it on every aws_kms_key and aws_kms_replica_key
// of the synthesized stacks.
//
// Values that hold a cdktf token marker (a reference to another resource,
// unknown until apply) are not checked for form or account; a condition
// value that is a reference does not count as concrete.
package policylint

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/cdktf-kms/cdktf-kms/internal/iam"
	"github.com/cdktf-kms/cdktf-kms/internal/tftemplate"
)

// MaxBytes is AWS's limit on a key policy (32 KB).
const MaxBytes = 32768

var (
	//go:embed kms_actions.txt
	kmsActionsData string
	//go:embed kms_condition_keys.txt
	kmsConditionKeysData string
)

// The data files, parsed once; the lower-case forms serve the matching.
var (
	kmsActions            = dataLines(kmsActionsData)
	kmsConditionKeys      = dataLines(kmsConditionKeysData)
	kmsActionsLower       = lowerAll(kmsActions)
	kmsActionSet          = setOf(kmsActionsLower)
	kmsActionIndex        = indexOf(kmsActionsLower)
	kmsConditionKeysLower = lowerAll(kmsConditionKeys)
)

func indexOf(list []string) map[string]int {
	out := make(map[string]int, len(list))
	for i, s := range list {
		out[s] = i
	}
	return out
}

func setOf(list []string) map[string]bool {
	out := make(map[string]bool, len(list))
	for _, s := range list {
		out[s] = true
	}
	return out
}

func lowerAll(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = strings.ToLower(s)
	}
	return out
}

// KMSActions returns the documented KMS action names (without "kms:"),
// in the order of kms_actions.txt.
func KMSActions() []string { return append([]string(nil), kmsActions...) }

// KMSConditionKeys returns the documented KMS condition keys; those ending
// in ":" are families followed by a name.
func KMSConditionKeys() []string { return append([]string(nil), kmsConditionKeys...) }

func dataLines(data string) []string {
	var out []string
	for _, line := range strings.Split(data, "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	return out
}

// ExpandAction returns the documented KMS actions (with "kms:") that an
// action or action wildcard matches, in the order of kms_actions.txt.
func ExpandAction(action string) []string {
	name, ok := strings.CutPrefix(action, "kms:")
	if !ok {
		if action == "*" {
			name = "*"
		} else {
			return nil
		}
	}
	pattern := strings.ToLower(name)
	if !strings.ContainsAny(pattern, "*?[\\") {
		// No wildcard: one lookup instead of a match against every action.
		if i, ok := kmsActionIndex[pattern]; ok {
			return []string{"kms:" + kmsActions[i]}
		}
		return nil
	}
	var out []string
	for i, known := range kmsActionsLower {
		if matched, _ := path.Match(pattern, known); matched {
			out = append(out, "kms:"+kmsActions[i])
		}
	}
	return out
}

// usageActions are the actions that use the key without managing it:
// cryptographic operations, describing it and reading its public key.
// AdditionalPrincipals of any account may get these; anything else to
// another account needs the account to be trusted.
var usageActions = setOf(lowerAll([]string{
	"Decrypt", "DeriveSharedSecret", "DescribeKey", "Encrypt", "GenerateDataKey", "GenerateDataKeyPair",
	"GenerateDataKeyPairWithoutPlaintext", "GenerateDataKeyWithoutPlaintext", "GenerateMac", "GetPublicKey",
	"ReEncryptFrom", "ReEncryptTo", "Sign", "Verify", "VerifyMac",
}))

// IsUsageAction says whether a documented action (with "kms:") only uses
// the key.
func IsUsageAction(action string) bool {
	name, ok := strings.CutPrefix(action, "kms:")
	return ok && usageActions[strings.ToLower(name)]
}

// globalConditionKeys are AWS global condition keys (IAM User Guide, "AWS
// global condition context keys"), lower-cased; a trailing "/" marks a
// family followed by a tag key.
var globalConditionKeys = setOf(lowerAll([]string{
	"aws:CalledVia", "aws:CalledViaFirst", "aws:CalledViaLast", "aws:CurrentTime", "aws:EpochTime",
	"aws:FederatedProvider", "aws:MultiFactorAuthAge", "aws:MultiFactorAuthPresent", "aws:PrincipalAccount",
	"aws:PrincipalArn", "aws:PrincipalIsAWSService", "aws:PrincipalOrgID", "aws:PrincipalOrgPaths",
	"aws:PrincipalServiceName", "aws:PrincipalServiceNamesList", "aws:PrincipalTag/", "aws:PrincipalType",
	"aws:referer", "aws:RequestedRegion", "aws:RequestTag/", "aws:ResourceAccount", "aws:ResourceOrgID",
	"aws:ResourceOrgPaths", "aws:ResourceTag/", "aws:SecureTransport", "aws:SourceAccount", "aws:SourceArn",
	"aws:SourceIdentity", "aws:SourceIp", "aws:SourceOrgID", "aws:SourceOrgPaths", "aws:SourceVpc",
	"aws:SourceVpcArn", "aws:SourceVpce", "aws:TagKeys", "aws:TokenIssueTime", "aws:UserAgent", "aws:userid",
	"aws:username", "aws:ViaAWSService", "aws:VpcSourceIp", "aws:VpceAccount", "aws:VpceOrgID", "aws:VpceOrgPaths",
	"aws:Ec2InstanceSourceVpc", "aws:Ec2InstanceSourcePrivateIPv4",
}))

// conditionOperators are IAM's condition operators; IfExists and the set
// qualifiers are handled separately.
var conditionOperators = map[string]bool{
	"StringEquals": true, "StringNotEquals": true, "StringEqualsIgnoreCase": true, "StringNotEqualsIgnoreCase": true,
	"StringLike": true, "StringNotLike": true,
	"NumericEquals": true, "NumericNotEquals": true, "NumericLessThan": true, "NumericLessThanEquals": true,
	"NumericGreaterThan": true, "NumericGreaterThanEquals": true,
	"DateEquals": true, "DateNotEquals": true, "DateLessThan": true, "DateLessThanEquals": true,
	"DateGreaterThan": true, "DateGreaterThanEquals": true,
	"Bool": true, "BinaryEquals": true, "IpAddress": true, "NotIpAddress": true,
	"ArnEquals": true, "ArnLike": true, "ArnNotEquals": true, "ArnNotLike": true, "Null": true,
}

// ServicePrincipalPattern is the form of an AWS service principal: DNS
// labels ending in a partition's service principal suffix (amazonaws.com;
// amazonaws.com.cn, c2s.ic.gov, sc2s.sgov.gov for some services in aws-cn,
// aws-iso and aws-iso-b). The construct checks its service principals with
// it too.
var ServicePrincipalPattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.(amazonaws\.com(\.cn)?|c2s\.ic\.gov|sc2s\.sgov\.gov)$`)

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
// kind is "AWS" or "Service"; actions are documented actions with the
// kms: prefix (ExpandAction). A reference or "*" (whose account is not
// known here) returns "": lintReach checks wildcards with their
// conditions. The result is "" or the problem.
func ReachProblem(ctx Context, kind, principal string, actions []string) string {
	var management []string
	for _, a := range actions {
		if !IsUsageAction(a) && !slices.Contains(management, a) {
			management = append(management, a)
		}
	}
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

type statement struct {
	Sid       string                    `json:"Sid"`
	Effect    string                    `json:"Effect"`
	Principal json.RawMessage           `json:"Principal"`
	Action    stringList                `json:"Action"`
	Resource  stringList                `json:"Resource"`
	Condition map[string]map[string]any `json:"Condition"`
}

type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*l = stringList{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("want a string or a list of strings")
	}
	*l = many
	return nil
}

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
	index      int
	statement  statement
	principals map[string][]string
	actions    []string // the documented actions the statement covers
}

// Lint checks a key policy document and returns every finding.
func Lint(policy string, ctx Context) []Finding {
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
		var s statement
		if err := json.Unmarshal(raw, &elements); err != nil {
			l.add(n, "", "", "is not a JSON object")
			continue
		}
		if err := json.Unmarshal(raw, &s); err != nil {
			l.add(n, "", "", "malformed: %v", err)
			continue
		}
		if s.Sid != "" {
			if other, dup := sids[s.Sid]; dup {
				l.add(n, s.Sid, "", "duplicates the Sid of statement %d", other)
			}
			sids[s.Sid] = n
		}
		for _, el := range slices.Sorted(maps.Keys(elements)) {
			if !allowedElements[el] {
				l.add(n, s.Sid, "", "element %s is not supported here (use Principal, Action, Resource)", el)
			}
		}
		p := parsed{index: n, statement: s}
		p.principals = l.principals(n, s)
		for _, a := range s.Action {
			p.actions = append(p.actions, ExpandAction(a)...)
		}
		l.lintStatement(p)
		statements = append(statements, p)
	}
	l.lintManageable(statements)
	return l.findings
}

// principals reads "*" or {"AWS": ..., "Service": ...}.
func (l *linter) principals(n int, s statement) map[string][]string {
	raw := s.Principal
	if len(raw) == 0 {
		l.add(n, s.Sid, "", "has no Principal (a key policy statement must name one)")
		return nil
	}
	var star string
	if err := json.Unmarshal(raw, &star); err == nil {
		if star != "*" {
			l.add(n, s.Sid, "", "Principal %q must be \"*\" or an object", star)
			return nil
		}
		return map[string][]string{"AWS": {"*"}}
	}
	var obj map[string]stringList
	if err := json.Unmarshal(raw, &obj); err != nil {
		l.add(n, s.Sid, "", "Principal must be \"*\" or an object of principal lists")
		return nil
	}
	out := map[string][]string{}
	for k, v := range obj {
		out[k] = v
	}
	return out
}

func (l *linter) lintStatement(p parsed) {
	s, n := p.statement, p.index
	if s.Effect != "Allow" && s.Effect != "Deny" {
		l.add(n, s.Sid, "", "Effect %q must be Allow or Deny", s.Effect)
	}
	if len(s.Action) == 0 {
		l.add(n, s.Sid, "", "has no Action")
	}
	for _, a := range s.Action {
		if msg := actionProblem(a); msg != "" {
			l.add(n, s.Sid, "", "%s", msg)
		}
	}
	if len(s.Resource) != 1 || s.Resource[0] != "*" {
		l.add(n, s.Sid, "", `Resource %v must be "*" (this key) in a key policy`, []string(s.Resource))
	}
	for _, kind := range slices.Sorted(maps.Keys(p.principals)) {
		for _, v := range p.principals[kind] {
			if msg := l.principalProblem(kind, v); msg != "" {
				l.add(n, s.Sid, v, "%s", msg)
			}
		}
	}
	for _, op := range slices.Sorted(maps.Keys(s.Condition)) {
		if !knownOperator(op) {
			l.add(n, s.Sid, "", "condition operator %q is not an IAM condition operator", op)
		}
		for _, key := range slices.Sorted(maps.Keys(s.Condition[op])) {
			if !knownConditionKey(key) {
				l.add(n, s.Sid, "", "condition key %q is not a known KMS or AWS global condition key", key)
			}
		}
	}
	if s.Effect == "Allow" {
		l.lintReach(p)
	}
}

// actionProblem checks one action: a documented KMS action, or a wildcard
// that matches at least one.
func actionProblem(a string) string {
	name, ok := strings.CutPrefix(a, "kms:")
	if !ok {
		return fmt.Sprintf("action %q is not a KMS action (a key policy governs only this key)", a)
	}
	if kmsActionSet[strings.ToLower(name)] || len(ExpandAction(a)) > 0 {
		return ""
	}
	if strings.ContainsAny(name, "*?") {
		return fmt.Sprintf("action %q matches no KMS action", a)
	}
	return fmt.Sprintf("action %q is not a KMS action", a)
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
// those accounts). A key counts only with StringEquals and concrete values
// (no wildcard, no reference).
func (l *linter) pinnedTo(s statement) (accounts []string, org, onlySource, pinned bool) {
	var byCaller bool
	for op, keys := range s.Condition {
		if op != "StringEquals" {
			continue
		}
		for key, raw := range keys {
			kind, ok := pinningKeys[strings.ToLower(key)]
			if !ok {
				continue
			}
			values, concrete := conditionValues(raw)
			if !concrete || len(values) == 0 {
				continue
			}
			switch kind {
			case "org":
				if allMatch(values, iam.IsOrgID) {
					org, pinned = true, true
				}
			case "account", "source":
				if allMatch(values, iam.IsAccountID) {
					accounts, pinned = append(accounts, values...), true
					byCaller = byCaller || kind == "account"
				}
			}
		}
	}
	return accounts, org, pinned && !org && !byCaller, pinned
}

func allMatch(values []string, f func(string) bool) bool {
	for _, v := range values {
		if !f(v) {
			return false
		}
	}
	return true
}

// conditionValues reads a condition's value (a string or a list of
// strings); concrete is false when any value is a reference or holds a
// wildcard.
func conditionValues(raw any) (values []string, concrete bool) {
	var list []any
	switch v := raw.(type) {
	case []any:
		list = v
	default:
		list = []any{v}
	}
	concrete = true
	for _, item := range list {
		s, ok := item.(string)
		if !ok {
			s = fmt.Sprint(item)
		}
		if tftemplate.IsReference(s) || strings.ContainsAny(s, "*?") || strings.Contains(s, "${") {
			concrete = false
		}
		values = append(values, s)
	}
	return values, concrete
}

// lintReach checks who an Allow statement lets reach the key: a wildcard
// principal only when pinned to trusted accounts (or an organization, for
// usage actions), and management actions only to trusted accounts.
func (l *linter) lintReach(p parsed) {
	s, n := p.statement, p.index
	management := p.managementActions()
	for _, v := range p.principals["AWS"] {
		if v == "*" {
			accounts, org, onlySource, pinned := l.pinnedTo(s)
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

// managementActions returns the statement's documented actions that do
// more than use the key.
func (p parsed) managementActions() []string {
	var out []string
	for _, a := range p.actions {
		if !IsUsageAction(a) && !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}

func knownOperator(op string) bool {
	for _, q := range []string{"ForAllValues:", "ForAnyValue:"} {
		op = strings.TrimPrefix(op, q)
	}
	if op != "Null" {
		op = strings.TrimSuffix(op, "IfExists")
	}
	return conditionOperators[op]
}

func knownConditionKey(key string) bool {
	lower := strings.ToLower(key)
	if strings.HasPrefix(lower, "aws:") {
		if globalConditionKeys[lower] {
			return true
		}
		if i := strings.Index(lower, "/"); i > 0 {
			return globalConditionKeys[lower[:i+1]]
		}
		return false
	}
	for _, k := range kmsConditionKeysLower {
		if lower == k || (strings.HasSuffix(k, ":") && strings.HasPrefix(lower, k) && len(lower) > len(k)) {
			return true
		}
	}
	return false
}

// coversPutKeyPolicy says whether the statement's actions include
// kms:PutKeyPolicy, the action without which nobody can repair the policy.
func (p parsed) coversPutKeyPolicy() bool { return slices.Contains(p.actions, "kms:PutKeyPolicy") }

// lintManageable checks that some statement keeps the key manageable and
// that no Deny locks the account out.
func (l *linter) lintManageable(statements []parsed) {
	root := iam.RootArn(l.ctx.Partition, l.ctx.Account)
	// Who can change the policy: principals of the key's account allowed
	// kms:PutKeyPolicy without a condition.
	var managers []string
	for _, p := range statements {
		s := p.statement
		if s.Effect != "Allow" || len(s.Condition) > 0 || !p.coversPutKeyPolicy() {
			continue
		}
		for _, v := range p.principals["AWS"] {
			if v == l.ctx.Account {
				v = root
			}
			if pr, msg := iam.ParsePrincipal(v, l.ctx.Partition); msg == "" && pr.Account() == l.ctx.Account {
				managers = append(managers, v)
			}
		}
	}
	if len(statements) > 0 && len(managers) == 0 {
		l.add(0, "", "", "no statement keeps the key manageable: allow the account root (%s) kms:*, or allow administrators kms:PutKeyPolicy without a condition; otherwise a deploy can lock everyone out", root)
	}
	for _, p := range statements {
		s := p.statement
		if s.Effect != "Deny" || !p.coversPutKeyPolicy() || !deniesAccount(p.principals["AWS"], l.ctx.Account, root) {
			continue
		}
		if len(s.Condition) == 0 {
			l.add(p.index, s.Sid, "", "denies kms:PutKeyPolicy to everyone or to the account root without a condition: nobody could change the key policy again")
			continue
		}
		if !exempts(s.Condition, append([]string{root}, managers...), l.ctx.Account) {
			l.add(p.index, s.Sid, "", "denies kms:PutKeyPolicy to everyone or to the account root under a condition (%s) that does not demonstrably exempt the account root or an administrator, so it may lock everyone out of the key; exempt them with StringNotEquals or ArnNotEquals on aws:PrincipalArn listing %s, or leave kms:PutKeyPolicy out of the Deny", conditionSummary(s.Condition), root)
		}
	}
}

// deniesAccount says whether a Deny's principals include everyone or the
// account root.
func deniesAccount(principals []string, account, root string) bool {
	for _, v := range principals {
		if v == "*" || v == account || v == root {
			return true
		}
	}
	return false
}

// exempts says whether some condition of a Deny is false for at least one
// of the managers (the root first), so that the Deny does not apply to them.
// Conditions are ANDed: one that is false for a manager lifts the Deny for
// that manager. Only forms that can be proven are accepted.
func exempts(conditions map[string]map[string]any, managers []string, account string) bool {
	for op, keys := range conditions {
		base := strings.TrimSuffix(op, "IfExists")
		for key, raw := range keys {
			values, concrete := conditionValues(raw)
			if !concrete {
				// Wildcards are fine in *Like operators; references never.
				values, concrete = likeValues(raw)
				if !concrete {
					continue
				}
			}
			k := strings.ToLower(key)
			switch {
			case k == "aws:principalarn" && (base == "StringNotEquals" || base == "ArnNotEquals" || base == "StringNotEqualsIgnoreCase"):
				for _, m := range managers {
					if containsFold(values, m, base == "StringNotEqualsIgnoreCase") {
						return true
					}
				}
			case k == "aws:principalarn" && (base == "StringNotLike" || base == "ArnNotLike"):
				for _, m := range managers {
					for _, pattern := range values {
						if wildcardMatch(pattern, m) {
							return true
						}
					}
				}
			case (k == "aws:principalaccount" || k == "kms:calleraccount") && base == "StringNotEquals":
				if slices.Contains(values, account) {
					return true
				}
			case k == "aws:securetransport" && op == "Bool":
				// Denied only over plain HTTP: every caller can still use TLS.
				if len(values) == 1 && strings.EqualFold(values[0], "false") {
					return true
				}
			}
		}
	}
	return false
}

// likeValues reads condition values that may hold IAM wildcards but no
// references.
func likeValues(raw any) ([]string, bool) {
	values, _ := conditionValues(raw)
	for _, v := range values {
		if tftemplate.IsReference(v) || strings.Contains(v, "${") {
			return nil, false
		}
	}
	return values, true
}

func containsFold(values []string, v string, fold bool) bool {
	for _, x := range values {
		if x == v || fold && strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

// wildcardMatch matches IAM's StringLike wildcards (* and ?).
func wildcardMatch(pattern, s string) bool {
	re := "^" + strings.NewReplacer(`\*`, ".*", `\?`, ".").Replace(regexp.QuoteMeta(pattern)) + "$"
	ok, _ := regexp.MatchString(re, s)
	return ok
}

// conditionSummary renders a condition block compactly for a message.
func conditionSummary(c map[string]map[string]any) string {
	b, _ := json.Marshal(c)
	s := string(b)
	if len(s) > 160 {
		s = s[:160] + "..."
	}
	return s
}
