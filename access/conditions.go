package access

import (
	"regexp"
	"strings"
)

// facts are condition keys whose value the report knows for every request
// of a principal: AWS sets them from the request itself.
type facts map[string]string

// knownFacts returns what AWS puts in every request context of a principal
// (IAM User Guide, "AWS global condition context keys"; AWS KMS Developer
// Guide, "AWS KMS condition keys"):
//   - aws:SecureTransport is "true": AWS KMS accepts only TLS requests (AWS
//     KMS Developer Guide, "Infrastructure security": "AWS KMS requires TLS
//     1.2"), so a Deny on aws:SecureTransport false never applies;
//   - aws:PrincipalAccount and kms:CallerAccount are the principal's
//     account, aws:PrincipalArn its ARN (a role's for a role), and
//     aws:PrincipalIsAWSService false, for IAM principals;
//   - aws:PrincipalIsAWSService is true for a service principal.
func knownFacts(p *row) facts {
	f := facts{"aws:securetransport": "true"}
	switch p.Kind {
	case KindAccount, KindAnyone, KindRole, KindUser, KindAssumedRole, KindGroup:
		f["aws:principalisawsservice"] = "false"
		if p.acct != "" {
			f["aws:principalaccount"] = p.acct
			f["kms:calleraccount"] = p.acct
		}
		if (p.Kind == KindRole || p.Kind == KindUser) && p.arnKnown {
			f["aws:principalarn"] = p.ID
		}
	case KindService:
		f["aws:principalisawsservice"] = "true"
	}
	return f
}

// truth is what the report knows about a condition for a request.
type truth int

const (
	depends truth = iota
	holds
	fails
)

// evaluate decides a policy condition for an action and principal: holds
// or fails when the key's value is known (facts) or the key is never in a
// request for the action, depends otherwise. Values that hold a reference
// or a policy variable make it depend.
func evaluate(c Condition, action string, f facts) truth {
	if c.Kind != CondPolicy {
		return depends
	}
	for _, v := range c.Values {
		if isReference(v) {
			return depends
		}
	}
	key := strings.ToLower(c.Key)
	value, known := f[key]
	absent := !known && neverInRequest(action, c.Key)
	if !known && !absent {
		return depends
	}
	op := c.Operator
	qualifier := ""
	for _, q := range []string{"ForAnyValue:", "ForAllValues:"} {
		if rest, ok := strings.CutPrefix(op, q); ok {
			qualifier, op = q, rest
		}
	}
	ifExists := false
	if op != "Null" {
		if rest, ok := strings.CutSuffix(op, "IfExists"); ok {
			op, ifExists = rest, true
		}
	}
	if absent {
		switch {
		case op == "Null":
			return boolTruth(len(c.Values) == 1 && strings.EqualFold(c.Values[0], "true"))
		case ifExists, qualifier == "ForAllValues:":
			return holds
		case qualifier == "ForAnyValue:":
			return fails
		case negatedOf[op] != "":
			return holds
		case absentFails[op]:
			return fails
		}
		return depends
	}
	if op == "Null" {
		return boolTruth(len(c.Values) == 1 && strings.EqualFold(c.Values[0], "false"))
	}
	if positive := negatedOf[op]; positive != "" {
		if _, ok := matchers[positive]; !ok {
			return depends
		}
		return boolTruth(!anyMatch(positive, c.Values, value))
	}
	if _, ok := matchers[op]; !ok {
		return depends
	}
	return boolTruth(anyMatch(op, c.Values, value))
}

func boolTruth(b bool) truth {
	if b {
		return holds
	}
	return fails
}

// matchers match a policy value against a request value for the
// operators the report evaluates.
var matchers = map[string]func(policy, request string) bool{
	"StringEquals":           func(p, r string) bool { return p == r },
	"StringEqualsIgnoreCase": strings.EqualFold,
	"StringLike":             wildcardMatch,
	// ArnEquals and ArnLike both take wildcards (IAM User Guide,
	// "Amazon Resource Name (ARN) condition operators").
	"ArnEquals": wildcardMatch,
	"ArnLike":   wildcardMatch,
	"Bool":      strings.EqualFold,
}

// negatedOf maps each negated operator to its positive form: it holds when
// no value matches, and when the key is absent.
var negatedOf = map[string]string{
	"StringNotEquals": "StringEquals", "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
	"StringNotLike": "StringLike", "ArnNotEquals": "ArnEquals", "ArnNotLike": "ArnLike",
	"NumericNotEquals": "NumericEquals", "DateNotEquals": "DateEquals", "NotIpAddress": "IpAddress",
}

// absentFails are the positive operators, which fail when the key is not
// in the request (IAM User Guide, "Condition operators").
var absentFails = map[string]bool{
	"StringEquals": true, "StringEqualsIgnoreCase": true, "StringLike": true, "ArnEquals": true, "ArnLike": true,
	"Bool": true, "BinaryEquals": true, "IpAddress": true,
	"NumericEquals": true, "NumericLessThan": true, "NumericLessThanEquals": true, "NumericGreaterThan": true, "NumericGreaterThanEquals": true,
	"DateEquals": true, "DateLessThan": true, "DateLessThanEquals": true, "DateGreaterThan": true, "DateGreaterThanEquals": true,
}

func anyMatch(op string, values []string, value string) bool {
	match, ok := matchers[op]
	if !ok {
		return false
	}
	for _, v := range values {
		if match(v, value) {
			return true
		}
	}
	return false
}

// wildcardMatch matches IAM's * and ? wildcards, case-sensitively.
func wildcardMatch(pattern, s string) bool {
	if !strings.ContainsAny(pattern, "*?") {
		return pattern == s
	}
	re := "^" + strings.NewReplacer(`\*`, ".*", `\?`, ".").Replace(regexp.QuoteMeta(pattern)) + "$"
	ok, _ := regexp.MatchString(re, s)
	return ok
}

// actionMatches says whether a policy's action pattern (kms:*, kms:Get*,
// *) covers an action, case-insensitively as IAM compares actions.
func actionMatches(pattern, action string) bool {
	return wildcardMatch(strings.ToLower(pattern), strings.ToLower(action))
}
