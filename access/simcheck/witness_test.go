package simcheck

import (
	"maps"
	"strconv"
	"strings"

	"github.com/cdktf-kms/cdktf-kms/access"
)

// ctx is a request context under construction: values by key, and the
// keys a purpose has fixed (lower-cased), which another purpose must not
// change. Keys that are absent on purpose map to nil.
type ctx struct {
	values map[string]any
	fixed  map[string]bool
}

func newCtx(base map[string]any) ctx {
	return ctx{values: maps.Clone(base), fixed: map[string]bool{}}
}

func (c ctx) clone() ctx {
	return ctx{values: maps.Clone(c.values), fixed: maps.Clone(c.fixed)}
}

// set fixes key to v (nil: absent); false when another purpose fixed it
// otherwise.
func (c ctx) set(key string, v any) bool {
	lower := strings.ToLower(key)
	for k, old := range c.values {
		if strings.ToLower(k) == lower {
			if c.fixed[lower] && !same(old, v) {
				return false
			}
			delete(c.values, k)
		}
	}
	if c.fixed[lower] && v != nil {
		return false
	}
	if v != nil {
		c.values[key] = v
	}
	c.fixed[lower] = true
	return true
}

func same(a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return strings.EqualFold(strings.TrimSpace(toString(a)), strings.TrimSpace(toString(b)))
}

func toString(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case []string:
		return strings.Join(t, ",")
	}
	return ""
}

// parts splits an operator into its set qualifier, base and IfExists.
func parts(op string) (qualifier, base string, ifExists bool) {
	for _, q := range []string{"ForAnyValue:", "ForAllValues:"} {
		if rest, ok := strings.CutPrefix(op, q); ok {
			qualifier, op = q, rest
		}
	}
	if op != "Null" {
		if rest, ok := strings.CutSuffix(op, "IfExists"); ok {
			op, ifExists = rest, true
		}
	}
	return qualifier, op, ifExists
}

var negatedBase = map[string]string{
	"StringNotEquals": "StringEquals", "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase", "StringNotLike": "StringLike",
	"ArnNotEquals": "ArnEquals", "ArnNotLike": "ArnLike", "NumericNotEquals": "NumericEquals",
}

// instance turns a policy value (maybe with IAM wildcards) into a value
// it matches.
func instance(v string) string { return strings.NewReplacer("*", "x", "?", "x").Replace(v) }

const noMatch = "access-report-no-match"

// wrap gives a set-qualified key its list form.
func wrap(qualifier, v string) any {
	if qualifier != "" {
		return []string{v}
	}
	return v
}

// satisfyOne makes one policy condition hold in c.
func satisfyOne(c ctx, cond access.Condition) bool {
	if len(cond.Values) == 0 {
		return false
	}
	for _, v := range cond.Values {
		if strings.Contains(v, "${") {
			return false
		}
	}
	q, base, _ := parts(cond.Operator)
	v := cond.Values[0]
	switch base {
	case "StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike", "Bool":
		return c.set(cond.Key, wrap(q, instance(v)))
	case "Null":
		if strings.EqualFold(v, "true") {
			return c.set(cond.Key, nil)
		}
		return c.set(cond.Key, wrap(q, "x"))
	case "NumericEquals", "NumericLessThanEquals", "NumericGreaterThanEquals":
		return c.set(cond.Key, wrap(q, v))
	case "NumericLessThan", "NumericGreaterThan":
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return false
		}
		if base == "NumericLessThan" {
			f--
		} else {
			f++
		}
		return c.set(cond.Key, wrap(q, strconv.FormatFloat(f, 'f', -1, 64)))
	}
	if _, ok := negatedBase[base]; ok {
		for _, x := range cond.Values {
			if x == "*" {
				return false
			}
		}
		return c.set(cond.Key, wrap(q, noMatch))
	}
	return false
}

// violateOne makes one policy condition fail in c.
func violateOne(c ctx, cond access.Condition) bool {
	if len(cond.Values) == 0 {
		return false
	}
	for _, v := range cond.Values {
		if strings.Contains(v, "${") || v == "*" {
			return false
		}
	}
	q, base, _ := parts(cond.Operator)
	if q == "ForAllValues:" {
		return false
	}
	v := cond.Values[0]
	switch base {
	case "StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike":
		return c.set(cond.Key, wrap(q, noMatch))
	case "Bool":
		if strings.EqualFold(v, "true") {
			return c.set(cond.Key, wrap(q, "false"))
		}
		return c.set(cond.Key, wrap(q, "true"))
	case "Null":
		if strings.EqualFold(v, "true") {
			return c.set(cond.Key, wrap(q, "x"))
		}
		return c.set(cond.Key, nil)
	}
	if _, ok := negatedBase[base]; ok {
		return c.set(cond.Key, wrap(q, instance(v)))
	}
	return false
}

// satisfy makes every condition of a path hold, starting from base; an
// iam_policy condition becomes an IAM policy that allows the action on the
// key.
func satisfy(conds []access.Condition, base ctx, action, keyARN string) (ctx, []identityPolicyJ, bool) {
	c := base.clone()
	var policies []identityPolicyJ
	for _, cond := range conds {
		switch cond.Kind {
		case access.CondPolicy:
			if !satisfyOne(c, cond) {
				return ctx{}, nil, false
			}
		case access.CondIAMPolicy:
			policies = append(policies, identityPolicyJ{Name: "access-report-witness", Policy: map[string]any{
				"Version":   "2012-10-17",
				"Statement": []any{map[string]any{"Effect": "Allow", "Action": action, "Resource": keyARN}},
			}})
		default:
			return ctx{}, nil, false
		}
	}
	return c, policies, true
}

// avoidDenies makes one condition of every conditional Deny fail.
func avoidDenies(unless []access.Path, base map[string]any) (ctx, bool) {
	c := newCtx(base)
	ok := true
	for _, d := range unless {
		done := false
		for _, cond := range d.Conditions {
			if cond.Kind == access.CondPolicy && violateOne(c, cond) {
				done = true
				break
			}
		}
		ok = ok && done
	}
	return c, ok
}

// violateAll makes one condition of every path fail (an iam_policy
// condition fails when no IAM policy is added).
func violateAll(paths []access.Path, base ctx) (map[string]any, bool) {
	c := base.clone()
	for _, p := range paths {
		done := false
		for _, cond := range p.Conditions {
			if cond.Kind == access.CondIAMPolicy {
				done = true
				break
			}
		}
		for _, cond := range p.Conditions {
			if done {
				break
			}
			if cond.Kind == access.CondPolicy && violateOne(c, cond) {
				done = true
			}
		}
		if !done {
			return nil, false
		}
	}
	return c.values, true
}
