package iam

import "strings"

// Matching as IAM does it (IAM User Guide, "IAM JSON policy elements:
// Action", "Resource", and "Condition operators"):
//
//   - actions: "service:name", with the wildcards * (any run of characters)
//     and ? (one character), compared without regard to case;
//   - resources: ARNs compared segment by segment (partition, service,
//     region, account, resource), each segment with * and ?, "*" alone
//     matching everything;
//   - StringLike values: * and ?, case-sensitive.

// wildcard matches s against a pattern with * and ?; fold compares without
// regard to case.
func wildcard(pattern, s string, fold bool) bool {
	if fold {
		pattern, s = strings.ToLower(pattern), strings.ToLower(s)
	}
	// Iterative matching with backtracking on the last *.
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]) && pattern[p] != '*':
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// ActionMatches says whether an Action pattern ("kms:*", "kms:Get*", "*",
// "KMS:decrypt") covers an action ("kms:Decrypt"): the service prefix and
// the name compared without regard to case, with wildcards.
func ActionMatches(pattern, action string) bool {
	if pattern == "*" {
		return true
	}
	pService, pName, ok := strings.Cut(pattern, ":")
	if !ok {
		return false
	}
	aService, aName, ok := strings.Cut(action, ":")
	if !ok {
		return false
	}
	return strings.EqualFold(pService, aService) && wildcard(pName, aName, true)
}

// ActionsMatch says whether any pattern covers the action.
func ActionsMatch(patterns []string, action string) bool {
	for _, p := range patterns {
		if ActionMatches(p, action) {
			return true
		}
	}
	return false
}

// CoversAction says whether a statement's Action (or NotAction) element
// covers an action ("kms:Decrypt").
func (s Statement) CoversAction(action string) bool {
	if s.NotActionSet {
		return !ActionsMatch(s.NotAction, action)
	}
	return ActionsMatch(s.Action, action)
}

// ResourceMatches says whether a Resource pattern covers an ARN: "*", or
// an ARN pattern whose segments match the ARN's, each with wildcards (a *
// in the last segment may span the resource's own colons and slashes).
func ResourceMatches(pattern, arn string) bool {
	if pattern == "*" {
		return true
	}
	ps := strings.SplitN(pattern, ":", 6)
	as := strings.SplitN(arn, ":", 6)
	if len(ps) != 6 || len(as) != 6 {
		return pattern == arn
	}
	for i := range ps {
		if !wildcard(ps[i], as[i], false) {
			return false
		}
	}
	return true
}

// ResourcesMatch says whether any pattern covers the ARN.
func ResourcesMatch(patterns []string, arn string) bool {
	for _, p := range patterns {
		if ResourceMatches(p, arn) {
			return true
		}
	}
	return false
}

// StringLike matches a StringLike value (with * and ?) against a string,
// case-sensitively.
func StringLike(pattern, s string) bool { return wildcard(pattern, s, false) }

// ArnLike matches an ArnLike (or ArnEquals: both take wildcards) value
// against an ARN, segment by segment; a value that is not an ARN matches
// nothing (IAM User Guide, "Amazon Resource Name (ARN) condition
// operators").
func ArnLike(pattern, arn string) bool {
	ps := strings.SplitN(pattern, ":", 6)
	as := strings.SplitN(arn, ":", 6)
	if len(ps) != 6 || len(as) != 6 {
		return false
	}
	for i := range ps {
		if !wildcard(ps[i], as[i], false) {
			return false
		}
	}
	return true
}

// HasVariable says whether a policy value holds a policy variable
// (${aws:username}) or a Terraform reference left in a rendered template
// (${aws_iam_role.x.arn}): its value is known only when the request is made
// or the stack applied.
func HasVariable(s string) bool { return strings.Contains(s, "${") }
