package simcheck

import (
	"maps"
	"strconv"
	"strings"

	"github.com/cdktf-kms/cdktf-kms/access"
)

// ctx is a witness under construction: a request context (values by key)
// and what the policies the stack does not define do. fixed holds the
// context keys a purpose has fixed (lower-cased), which another purpose
// must not change; keys that are absent on purpose map to nil. allows says
// whether such a policy allows the action (true) or not (false), by
// unknownIAM, externalPolicy(arn) or externalBoundary(arn); a policy not in
// it takes the check's default (see simulated.request).
type ctx struct {
	values map[string]any
	fixed  map[string]bool
	allows map[string]bool
}

// The names of the policies a witness decides in ctx.allows.
const unknownIAM = "iam"

func externalPolicy(arn string) string   { return "external|" + arn }
func externalBoundary(arn string) string { return "boundary|" + arn }

func newCtx(base map[string]any) ctx {
	return ctx{values: maps.Clone(base), fixed: map[string]bool{}, allows: map[string]bool{}}
}

func (c ctx) clone() ctx {
	return ctx{values: maps.Clone(c.values), fixed: maps.Clone(c.fixed), allows: maps.Clone(c.allows)}
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

// allow fixes whether the policy name allows the action; false when
// another purpose fixed it otherwise.
func (c ctx) allow(name string, v bool) bool {
	if old, ok := c.allows[name]; ok && old != v {
		return false
	}
	c.allows[name] = v
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

// satisfy makes every condition of a path hold, starting from base: a
// policy condition by the context; iam_policy by an IAM policy of the
// principal that allows the action on the key; external_policy by the
// attached policy the stack does not define, standing in as one that
// allows it; boundary by the permissions boundary the stack does not
// define, standing in as one that allows it. An undecided condition (the
// report cannot tell whether a statement applies) has no witness.
func satisfy(conds []access.Condition, base ctx) (ctx, bool) {
	c := base.clone()
	for _, cond := range conds {
		ok := false
		switch cond.Kind {
		case access.CondPolicy:
			ok = satisfyOne(c, cond)
		case access.CondIAMPolicy:
			ok = c.allow(unknownIAM, true)
		case access.CondExternalPolicy:
			ok = c.allow(externalPolicy(cond.Resource), true)
		case access.CondBoundary:
			ok = c.allow(externalBoundary(cond.Resource), true)
		}
		if !ok {
			return ctx{}, false
		}
	}
	return c, true
}

// violate makes one condition of a path fail in c: a policy the stack does
// not define by its not allowing the action (the IAM policy left out, the
// boundary standing in as one that allows nothing relevant), failing that a
// policy condition by the context.
func violate(c ctx, p access.Path) bool {
	for _, cond := range p.Conditions {
		switch cond.Kind {
		case access.CondIAMPolicy:
			if c.allow(unknownIAM, false) {
				return true
			}
		case access.CondExternalPolicy:
			if c.allow(externalPolicy(cond.Resource), false) {
				return true
			}
		case access.CondBoundary:
			if c.allow(externalBoundary(cond.Resource), false) {
				return true
			}
		}
	}
	for _, cond := range p.Conditions {
		if cond.Kind == access.CondPolicy && violateOne(c, cond) {
			return true
		}
	}
	return false
}

// avoidDenies makes one condition of every conditional Deny fail.
func avoidDenies(unless []access.Path, base map[string]any) (ctx, bool) {
	c := newCtx(base)
	ok := true
	for _, d := range unless {
		ok = violate(c, d) && ok
	}
	return c, ok
}

// violateAll makes one condition of every path fail.
func violateAll(paths []access.Path, base ctx) (ctx, bool) {
	c := base.clone()
	for _, p := range paths {
		if !violate(c, p) {
			return ctx{}, false
		}
	}
	return c, true
}
