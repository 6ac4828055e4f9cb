// Package policylint checks AWS KMS key policies beyond what generic IaC
// scanners know: real KMS actions, well-formed principals of the key's
// partition, known condition operators and keys, unique Sids, AWS's size
// limit, and that the policy keeps the key manageable. The construct runs it
// on every policy it builds, and the scan step (internal/tools/policylint)
// runs it on every aws_kms_key of the synthesized stacks.
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
	kmsConditionKeysLower = lowerAll(kmsConditionKeys)
)

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

// globalConditionKeys are AWS global condition keys (IAM User Guide, "AWS
// global condition context keys"), lower-cased; a trailing "/" marks a
// family followed by a tag key.
var globalConditionKeys = map[string]bool{}

func init() {
	for _, k := range []string{
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
	} {
		globalConditionKeys[strings.ToLower(k)] = true
	}
}

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
// labels ending in .amazonaws.com (or .amazonaws.com.cn, valid only in the
// aws-cn partition). The construct checks its service principals with it
// too.
var ServicePrincipalPattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.amazonaws\.com(\.cn)?$`)

// Context is what the linter knows about the key.
type Context struct {
	// Partition of the key ("aws", "aws-cn", ...).
	Partition string
	// Account owning the key (12 digits).
	Account string
}

// Finding is one problem in one statement ("" for the whole document).
type Finding struct {
	Statement string
	Problem   string
}

func (f Finding) String() string {
	if f.Statement == "" {
		return f.Problem
	}
	return f.Statement + ": " + f.Problem
}

type statement struct {
	Sid       string                     `json:"Sid"`
	Effect    string                     `json:"Effect"`
	Principal json.RawMessage            `json:"Principal"`
	Action    stringList                 `json:"Action"`
	Resource  stringList                 `json:"Resource"`
	Condition map[string]map[string]any  `json:"Condition"`
	Extra     map[string]json.RawMessage `json:"-"`
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

var (
	accountPattern  = regexp.MustCompile(`^[0-9]{12}$`)
	iamArnPattern   = regexp.MustCompile(`^arn:([a-z-]+):(iam|sts)::([0-9]{12}):(root|(?:role|user)(?:/[!-~]*)?/[A-Za-z0-9_+=,.@-]{1,64}|assumed-role/[A-Za-z0-9_+=,.@-]{1,64}/[A-Za-z0-9_+=,.@-]{2,64})$`)
	allowedElements = map[string]bool{"Sid": true, "Effect": true, "Principal": true, "Action": true, "Resource": true, "Condition": true}
)

// Lint checks a key policy document and returns every finding.
func Lint(policy string, ctx Context) []Finding {
	var out []Finding
	if n := len(policy); n > MaxBytes {
		out = append(out, Finding{"", fmt.Sprintf("the policy is %d bytes, over AWS's limit of %d", n, MaxBytes)})
	}
	var doc struct {
		Version   string            `json:"Version"`
		Statement []json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal([]byte(policy), &doc); err != nil {
		return append(out, Finding{"", fmt.Sprintf("not a JSON policy document: %v", err)})
	}
	if doc.Version != "2012-10-17" {
		out = append(out, Finding{"", fmt.Sprintf("Version %q must be 2012-10-17", doc.Version)})
	}
	if len(doc.Statement) == 0 {
		out = append(out, Finding{"", "the policy has no statements"})
	}
	sids := map[string]string{}
	manageable := false
	for i, raw := range doc.Statement {
		name := fmt.Sprintf("statement %d", i+1)
		var elements map[string]json.RawMessage
		var s statement
		if err := json.Unmarshal(raw, &elements); err != nil {
			out = append(out, Finding{name, "is not a JSON object"})
			continue
		}
		if err := json.Unmarshal(raw, &s); err != nil {
			out = append(out, Finding{name, fmt.Sprintf("malformed: %v", err)})
			continue
		}
		if s.Sid != "" {
			name = fmt.Sprintf("statement %d (Sid %q)", i+1, s.Sid)
			if other, dup := sids[s.Sid]; dup {
				out = append(out, Finding{name, fmt.Sprintf("duplicates the Sid of %s", other)})
			}
			sids[s.Sid] = fmt.Sprintf("statement %d", i+1)
		}
		for _, el := range slices.Sorted(maps.Keys(elements)) {
			if !allowedElements[el] {
				out = append(out, Finding{name, fmt.Sprintf("element %s is not supported here (use Principal, Action, Resource)", el)})
			}
		}
		principals, principalMsg := parsePrincipal(s.Principal)
		for _, p := range lintStatement(s, principals, principalMsg, ctx) {
			out = append(out, Finding{name, p})
		}
		if keepsManageable(s, principals, ctx) {
			manageable = true
		}
		if locksOut(s, principals, ctx) {
			out = append(out, Finding{name, "denies kms:PutKeyPolicy to everyone or to the account root without a condition: nobody could change the key policy again"})
		}
	}
	if len(doc.Statement) > 0 && !manageable {
		out = append(out, Finding{"", fmt.Sprintf("no statement keeps the key manageable: allow the account root (arn:%s:iam::%s:root) kms:*, or allow administrators kms:PutKeyPolicy without a condition; otherwise a deploy can lock everyone out", ctx.Partition, ctx.Account)})
	}
	return out
}

func lintStatement(s statement, principals map[string][]string, principalMsg string, ctx Context) []string {
	var out []string
	if s.Effect != "Allow" && s.Effect != "Deny" {
		out = append(out, fmt.Sprintf("Effect %q must be Allow or Deny", s.Effect))
	}
	if len(s.Action) == 0 {
		out = append(out, "has no Action")
	}
	for _, a := range s.Action {
		if msg := actionProblem(a); msg != "" {
			out = append(out, msg)
		}
	}
	if len(s.Resource) != 1 || s.Resource[0] != "*" {
		out = append(out, fmt.Sprintf(`Resource %v must be "*" (this key) in a key policy`, []string(s.Resource)))
	}
	if principalMsg != "" {
		out = append(out, principalMsg)
	}
	for _, kind := range slices.Sorted(maps.Keys(principals)) {
		for _, v := range principals[kind] {
			if msg := principalProblem(kind, v, len(s.Condition) > 0 || s.Effect == "Deny", ctx); msg != "" {
				out = append(out, msg)
			}
		}
	}
	for _, op := range slices.Sorted(maps.Keys(s.Condition)) {
		if !knownOperator(op) {
			out = append(out, fmt.Sprintf("condition operator %q is not an IAM condition operator", op))
		}
		for _, key := range slices.Sorted(maps.Keys(s.Condition[op])) {
			if !knownConditionKey(key) {
				out = append(out, fmt.Sprintf("condition key %q is not a known KMS or AWS global condition key", key))
			}
		}
	}
	return out
}

// actionProblem checks one action: a documented KMS action, or a wildcard
// that matches at least one.
func actionProblem(a string) string {
	name, ok := strings.CutPrefix(a, "kms:")
	if !ok {
		return fmt.Sprintf("action %q is not a KMS action (a key policy governs only this key)", a)
	}
	pattern := strings.ToLower(name)
	if kmsActionSet[pattern] {
		return ""
	}
	for _, known := range kmsActionsLower {
		if matched, _ := path.Match(pattern, known); matched {
			return ""
		}
	}
	if strings.ContainsAny(name, "*?") {
		return fmt.Sprintf("action %q matches no KMS action", a)
	}
	return fmt.Sprintf("action %q is not a KMS action", a)
}

// parsePrincipal reads "*" or {"AWS": ..., "Service": ...}.
func parsePrincipal(raw json.RawMessage) (map[string][]string, string) {
	if len(raw) == 0 {
		return nil, "has no Principal (a key policy statement must name one)"
	}
	var star string
	if err := json.Unmarshal(raw, &star); err == nil {
		if star != "*" {
			return nil, fmt.Sprintf("Principal %q must be \"*\" or an object", star)
		}
		return map[string][]string{"AWS": {"*"}}, ""
	}
	var obj map[string]stringList
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, "Principal must be \"*\" or an object of principal lists"
	}
	out := map[string][]string{}
	for k, v := range obj {
		out[k] = v
	}
	return out, ""
}

// principalProblem checks one principal; limited says the statement is a
// Deny or has a Condition, which makes "*" acceptable.
func principalProblem(kind, v string, limited bool, ctx Context) string {
	switch {
	case v == "*":
		if !limited {
			return fmt.Sprintf("Principal %s \"*\" without a Condition allows everyone", kind)
		}
		return ""
	case strings.ContainsAny(v, "*?"):
		return fmt.Sprintf("Principal %s %q: wildcards are not allowed in principals", kind, v)
	case kind == "AWS":
		if accountPattern.MatchString(v) {
			return ""
		}
		m := iamArnPattern.FindStringSubmatch(v)
		switch {
		case m == nil:
			return fmt.Sprintf("Principal AWS %q is not an IAM or STS ARN with a 12-digit account", v)
		case ctx.Partition != "" && m[1] != ctx.Partition:
			return fmt.Sprintf("Principal AWS %q is in partition %q, not the key's %q", v, m[1], ctx.Partition)
		}
	case kind == "Service":
		if !ServicePrincipalPattern.MatchString(v) {
			return fmt.Sprintf("Principal Service %q is not a service principal ending in .amazonaws.com", v)
		}
		if strings.HasSuffix(v, ".amazonaws.com.cn") && ctx.Partition != "aws-cn" {
			return fmt.Sprintf("Principal Service %q ends in .amazonaws.com.cn outside the aws-cn partition", v)
		}
	default:
		return fmt.Sprintf("Principal type %q is not used in key policies here (AWS or Service)", kind)
	}
	return ""
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

// keepsManageable says whether a statement keeps the key manageable: an
// unconditioned Allow of kms:PutKeyPolicy (directly or by wildcard) to the
// account root or to a principal of the key's account.
func keepsManageable(s statement, principals map[string][]string, ctx Context) bool {
	if s.Effect != "Allow" || len(s.Condition) > 0 {
		return false
	}
	if !coversPutKeyPolicy(s.Action) {
		return false
	}
	for _, v := range principals["AWS"] {
		if v == ctx.Account {
			return true
		}
		if m := iamArnPattern.FindStringSubmatch(v); m != nil && m[1] == ctx.Partition && m[3] == ctx.Account {
			return true
		}
	}
	return false
}

// locksOut says whether a statement denies kms:PutKeyPolicy, without a
// condition, to everyone or to the account root.
func locksOut(s statement, principals map[string][]string, ctx Context) bool {
	if s.Effect != "Deny" || len(s.Condition) > 0 || !coversPutKeyPolicy(s.Action) {
		return false
	}
	for _, v := range principals["AWS"] {
		if v == "*" || v == ctx.Account || v == fmt.Sprintf("arn:%s:iam::%s:root", ctx.Partition, ctx.Account) {
			return true
		}
	}
	return false
}

func coversPutKeyPolicy(actions []string) bool {
	for _, a := range actions {
		if matched, _ := path.Match(strings.ToLower(a), "kms:putkeypolicy"); matched {
			return true
		}
	}
	return false
}
