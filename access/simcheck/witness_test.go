package simcheck

import (
	"maps"
	"slices"
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
	// present are keys (lower-cased) every request carries with some
	// value, which a witness may choose but not leave out.
	present map[string]bool
}

// The names of the policies a witness decides in ctx.allows.
const unknownIAM = "iam"

func externalPolicy(arn string) string   { return "external|" + arn }
func externalBoundary(arn string) string { return "boundary|" + arn }

// newCtx starts a witness from what AWS puts in every request of the
// principal: those keys are fixed.
func newCtx(base map[string]any) ctx {
	c := ctx{values: map[string]any{}, fixed: map[string]bool{}, allows: map[string]bool{}, present: map[string]bool{}}
	for k, v := range base {
		c.values[k] = v
		c.fixed[strings.ToLower(k)] = true
	}
	return c
}

func (c ctx) clone() ctx {
	return ctx{values: maps.Clone(c.values), fixed: maps.Clone(c.fixed), allows: maps.Clone(c.allows), present: maps.Clone(c.present)}
}

// loose gives key a value a witness may change (not to absent).
func (c ctx) loose(key string, v any) {
	c.values[key] = v
	c.present[strings.ToLower(key)] = true
}

// set fixes key to v (nil: absent); false when another purpose fixed it
// otherwise.
func (c ctx) set(key string, v any) bool {
	lower := strings.ToLower(key)
	if v == nil && c.present[lower] {
		return false
	}
	if c.fixed[lower] {
		for k, old := range c.values {
			if strings.ToLower(k) == lower {
				return same(old, v)
			}
		}
		return v == nil
	}
	for k := range c.values {
		if strings.ToLower(k) == lower {
			delete(c.values, k)
		}
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

// holds evaluates a policy condition against a value of its key (nil:
// absent), as IAM does (IAM User Guide, "IAM JSON policy elements:
// Condition operators" and "Single-valued vs. multivalued context keys"):
// the test's own reading, used only to pick witnesses, which the simulator
// then decides.
func holds(cond access.Condition, v any) bool {
	q, base, ifExists := parts(cond.Operator)
	if base == "Null" {
		return strings.EqualFold(cond.Values[0], "true") == (v == nil)
	}
	positive, negated := negatedBase[base]
	if !negated {
		positive = base
	}
	if v == nil {
		return ifExists || negated || q == "ForAllValues:"
	}
	var values []string
	switch t := v.(type) {
	case string:
		values = []string{t}
	case []string:
		values = t
	}
	one := func(x string) bool {
		for _, p := range cond.Values {
			if matches(positive, p, x) {
				return true
			}
		}
		return false
	}
	switch q {
	case "ForAnyValue:":
		for _, x := range values {
			if one(x) != negated {
				return true
			}
		}
		return false
	case "ForAllValues:":
		for _, x := range values {
			if one(x) == negated {
				return false
			}
		}
		return true
	}
	return len(values) == 1 && one(values[0]) != negated
}

// matches compares a value with a policy value under a positive operator.
func matches(op, policy, value string) bool {
	switch op {
	case "StringEquals":
		return policy == value
	case "StringEqualsIgnoreCase", "Bool":
		return strings.EqualFold(policy, value)
	case "StringLike", "ArnLike", "ArnEquals":
		return glob(policy, value)
	case "NumericEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals":
		p, err1 := strconv.ParseFloat(policy, 64)
		x, err2 := strconv.ParseFloat(value, 64)
		if err1 != nil || err2 != nil {
			return false
		}
		switch op {
		case "NumericEquals":
			return x == p
		case "NumericLessThan":
			return x < p
		case "NumericLessThanEquals":
			return x <= p
		case "NumericGreaterThan":
			return x > p
		}
		return x >= p
	}
	return false
}

// glob matches IAM's * and ? wildcards.
func glob(pattern, s string) bool {
	if pattern == "" {
		return s == ""
	}
	switch pattern[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if glob(pattern[1:], s[i:]) {
				return true
			}
		}
		return false
	case '?':
		return s != "" && glob(pattern[1:], s[1:])
	}
	return s != "" && s[0] == pattern[0] && glob(pattern[1:], s[1:])
}

// candidates are values a witness tries for a condition's key: instances
// of the policy's values, neighbours of numbers, a value no policy names,
// and absent (nil).
func candidates(cond access.Condition) []any {
	q, _, _ := parts(cond.Operator)
	var out []any
	for _, v := range cond.Values {
		out = append(out, wrap(q, instance(v)))
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			out = append(out, wrap(q, strconv.FormatFloat(f-1, 'f', -1, 64)), wrap(q, strconv.FormatFloat(f+1, 'f', -1, 64)))
		}
	}
	out = append(out, wrap(q, "true"), wrap(q, "false"), wrap(q, noMatch), nil)
	return out
}

// options are the ways to make a condition hold (want) or fail (!want) in
// a context: each changes a clone of it. A condition the test cannot
// decide (a reference among its values, an undecided statement) has none.
func options(c ctx, cond access.Condition, want bool) []ctx {
	one := func(f func(ctx) bool) []ctx {
		next := c.clone()
		if f(next) {
			return []ctx{next}
		}
		return nil
	}
	switch cond.Kind {
	case access.CondIAMPolicy:
		return one(func(n ctx) bool { return n.allow(unknownIAM, want) })
	case access.CondExternalPolicy:
		return one(func(n ctx) bool { return n.allow(externalPolicy(cond.Resource), want) })
	case access.CondBoundary:
		return one(func(n ctx) bool { return n.allow(externalBoundary(cond.Resource), want) })
	case access.CondPolicy:
	default:
		return nil
	}
	if len(cond.Values) == 0 || slices.ContainsFunc(cond.Values, func(v string) bool { return strings.Contains(v, "${") }) {
		return nil
	}
	if v, fixed := c.value(cond.Key); fixed {
		if holds(cond, v) == want {
			return []ctx{c}
		}
		return nil
	}
	var out []ctx
	for _, v := range candidates(cond) {
		if holds(cond, v) == want {
			out = append(out, one(func(n ctx) bool { return n.set(cond.Key, v) })...)
		}
	}
	return out
}

// value is the value a context fixed for a key (nil: absent).
func (c ctx) value(key string) (any, bool) {
	lower := strings.ToLower(key)
	if !c.fixed[lower] {
		return nil, false
	}
	for k, v := range c.values {
		if strings.ToLower(k) == lower {
			return v, true
		}
	}
	return nil, true
}

// goal is what a witness must do with a set of conditions: make all of
// them hold, or one of them fail.
type goal struct {
	conds []access.Condition
	hold  bool
}

func holdAll(conds []access.Condition) goal { return goal{conds: conds, hold: true} }

func failOne(paths []access.Path) []goal {
	var out []goal
	for _, p := range paths {
		out = append(out, goal{conds: p.Conditions})
	}
	return out
}

// searchBudget bounds the witness search of one request.
const searchBudget = 20000

// solve finds a context, from base, that meets every goal, trying the
// options of each condition in turn (for a condition to fail, the
// policies the stack does not define first).
func solve(base ctx, goals ...goal) (ctx, bool) {
	budget := searchBudget
	var search func(c ctx, goals []goal) (ctx, bool)
	search = func(c ctx, goals []goal) (ctx, bool) {
		if len(goals) == 0 {
			return c, true
		}
		g, rest := goals[0], goals[1:]
		if g.hold {
			if len(g.conds) == 0 {
				return search(c, rest)
			}
			for _, next := range options(c, g.conds[0], true) {
				if budget--; budget < 0 {
					return ctx{}, false
				}
				if out, ok := search(next, append([]goal{holdAll(g.conds[1:])}, rest...)); ok {
					return out, true
				}
			}
			return ctx{}, false
		}
		conds := slices.Clone(g.conds)
		slices.SortStableFunc(conds, func(a, b access.Condition) int {
			return boolInt(a.Kind == access.CondPolicy) - boolInt(b.Kind == access.CondPolicy)
		})
		for _, cond := range conds {
			for _, next := range options(c, cond, false) {
				if budget--; budget < 0 {
					return ctx{}, false
				}
				if out, ok := search(next, rest); ok {
					return out, true
				}
			}
		}
		return ctx{}, false
	}
	return search(base.clone(), goals)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// satisfy makes every condition of a path hold, starting from base: a
// policy condition by the context; iam_policy by an IAM policy of the
// principal that allows the action on the key; external_policy by the
// attached policy the stack does not define, standing in as one that
// allows it; boundary by the permissions boundary the stack does not
// define, standing in as one that allows it. An undecided condition (the
// report cannot tell whether a statement applies) has no witness.
func satisfy(conds []access.Condition, base ctx) (ctx, bool) { return solve(base, holdAll(conds)) }

// violateAll makes one condition of every path fail: a policy the stack
// does not define by its not allowing the action (the IAM policy left
// out, the boundary standing in as one that allows nothing relevant),
// failing that a policy condition by the context.
func violateAll(paths []access.Path, base ctx) (ctx, bool) { return solve(base, failOne(paths)...) }
