package iam

import (
	"math/big"
	"net/netip"
	"slices"
	"strings"
	"time"
)

// Truth is what is known of a condition for a request: it holds, it fails,
// or it depends on what the request carries (a value not known here).
type Truth int

const (
	Depends Truth = iota
	Holds
	Fails
)

func truth(b bool) Truth {
	if b {
		return Holds
	}
	return Fails
}

func (t Truth) String() string {
	return [...]string{"depends", "holds", "fails"}[t]
}

// Context is what is known of a request's condition keys: the keys whose
// values are known (a single value, or the values of a multivalued key),
// and the keys or key families known to be absent. Every other key may be
// there with any value. Keys compare without regard to case, as IAM
// compares condition key names.
type Context struct {
	values map[string][]string
	// absent are lower-case keys, and families ("aws:principaltag/",
	// "kms:encryptioncontext:") that end in "/" or ":".
	absent []string
}

// Set records that the request carries the key with these values.
func (c *Context) Set(key string, values ...string) {
	if c.values == nil {
		c.values = map[string][]string{}
	}
	c.values[strings.ToLower(key)] = values
}

// SetAbsent records keys, or families ending in "/" or ":", that the
// request never carries.
func (c *Context) SetAbsent(keys ...string) {
	for _, k := range keys {
		c.absent = append(c.absent, strings.ToLower(k))
	}
}

// Clone returns a copy that can be changed apart.
func (c Context) Clone() Context {
	out := Context{absent: slices.Clone(c.absent)}
	for k, v := range c.values {
		out.Set(k, v...)
	}
	return out
}

// keyState says whether a key is present (with its values), absent, or
// unknown.
type keyState int

const (
	unknownKey keyState = iota
	presentKey
	absentKey
)

func (c Context) lookup(key string) ([]string, keyState) {
	k := strings.ToLower(key)
	if v, ok := c.values[k]; ok {
		return v, presentKey
	}
	for _, a := range c.absent {
		if a == k || (strings.HasSuffix(a, "/") || strings.HasSuffix(a, ":")) && strings.HasPrefix(k, a) && len(k) > len(a) {
			return nil, absentKey
		}
	}
	return nil, unknownKey
}

// Value returns what the context knows of a key: its values and whether it
// is present, absent, or unknown (known false).
func (c Context) Value(key string) (values []string, present, known bool) {
	v, st := c.lookup(key)
	return v, st == presentKey, st != unknownKey
}

// Evaluate decides one condition for a request (IAM User Guide, "IAM JSON
// policy elements: Condition operators", and "Single-valued vs.
// multivalued context keys"):
//
//   - a key the request does not carry: Null true holds; ...IfExists and a
//     negated operator (StringNotEquals, ArnNotLike, NotIpAddress, ...)
//     hold; ForAllValues holds; everything else fails;
//   - a single value: the operator compares it with the policy's values
//     (any of them for a positive operator, none for a negated one); a
//     multivalued key without a set operator fails;
//   - ForAnyValue: some value of the request satisfies the operator;
//     ForAllValues: every one does.
//
// A policy value that holds a variable (${aws:username}, or a reference
// Terraform fills in at apply) and an operator IAM does not know make the
// condition depend on the request.
func (c Condition) Evaluate(ctx Context) Truth {
	op := ParseOperator(c.Operator)
	if !op.Known {
		return Depends
	}
	for _, v := range c.Values {
		if HasVariable(v) {
			return Depends
		}
	}
	values, state := ctx.lookup(c.Key)
	if state == unknownKey {
		return Depends
	}
	if op.Base == "Null" {
		goal := "false"
		if state == absentKey {
			goal = "true"
		}
		return truth(slices.ContainsFunc(c.Values, func(v string) bool { return strings.EqualFold(v, goal) }))
	}
	if state == absentKey {
		switch {
		case op.Set == "ForAllValues":
			return Holds
		case op.Set == "ForAnyValue":
			return Fails
		}
		return truth(op.IfExists || op.Negated())
	}
	switch op.Set {
	case "ForAnyValue":
		return truth(slices.ContainsFunc(values, func(v string) bool { return op.matches(c.Values, v) }))
	case "ForAllValues":
		return truth(!slices.ContainsFunc(values, func(v string) bool { return !op.matches(c.Values, v) }))
	}
	if len(values) != 1 {
		return Fails
	}
	return truth(op.matches(c.Values, values[0]))
}

// matches applies the base operator to one request value: any policy value
// matches for a positive operator, none for a negated one.
//
// The ARN operators compare ARNs only: a policy or request value that is
// not an ARN (six colon-separated parts) satisfies neither ArnLike nor
// ArnNotLike.
func (o Operator) matches(policy []string, v string) bool {
	positive, negated := positiveOf(o.Base)
	if strings.HasPrefix(positive, "Arn") {
		valid := func(p string) bool { return isARN(p) && isARN(v) }
		if negated {
			return !slices.ContainsFunc(policy, func(p string) bool { return !valid(p) || compare(positive, p, v) })
		}
		return slices.ContainsFunc(policy, func(p string) bool { return valid(p) && compare(positive, p, v) })
	}
	any := slices.ContainsFunc(policy, func(p string) bool { return compare(positive, p, v) })
	if negated {
		return !any
	}
	return any
}

// isARN says whether s has the six parts of an ARN.
func isARN(s string) bool { return strings.Count(s, ":") >= 5 }

// positiveOf returns an operator's positive form and whether it is negated.
func positiveOf(base string) (string, bool) {
	switch base {
	case "StringNotEquals":
		return "StringEquals", true
	case "StringNotEqualsIgnoreCase":
		return "StringEqualsIgnoreCase", true
	case "StringNotLike":
		return "StringLike", true
	case "NumericNotEquals":
		return "NumericEquals", true
	case "DateNotEquals":
		return "DateEquals", true
	case "NotIpAddress":
		return "IpAddress", true
	case "ArnNotEquals":
		return "ArnEquals", true
	case "ArnNotLike":
		return "ArnLike", true
	}
	return base, false
}

// compare applies a positive operator to a policy value and a request
// value. Values of the wrong form (a number that does not parse) match
// nothing, as IAM treats them.
func compare(op, p, v string) bool {
	switch op {
	case "StringEquals":
		return p == v
	case "StringEqualsIgnoreCase":
		return strings.EqualFold(p, v)
	case "StringLike":
		return StringLike(p, v)
	case "ArnEquals", "ArnLike":
		return ArnLike(p, v)
	case "Bool":
		// Booleans only: a value that is not true or false matches nothing.
		isBool := func(x string) bool { return strings.EqualFold(x, "true") || strings.EqualFold(x, "false") }
		return isBool(p) && strings.EqualFold(p, v)
	case "BinaryEquals":
		return p == v
	case "IpAddress":
		prefix, err := netip.ParsePrefix(p)
		if err != nil {
			addr, aerr := netip.ParseAddr(p)
			if aerr != nil {
				return false
			}
			prefix = netip.PrefixFrom(addr, addr.BitLen())
		}
		addr, err := netip.ParseAddr(v)
		return err == nil && prefix.Contains(addr)
	case "NumericEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals":
		a, ok1 := new(big.Float).SetString(v)
		b, ok2 := new(big.Float).SetString(p)
		if !ok1 || !ok2 || a.IsInf() || b.IsInf() {
			return false
		}
		return ordered(op, a.Cmp(b))
	case "DateEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals":
		a, ok1 := parseDate(v)
		b, ok2 := parseDate(p)
		if !ok1 || !ok2 {
			return false
		}
		return ordered(strings.Replace(op, "Date", "Numeric", 1), a.Compare(b))
	}
	return false
}

// ordered reads a comparison result for a Numeric operator.
func ordered(op string, cmp int) bool {
	switch op {
	case "NumericEquals":
		return cmp == 0
	case "NumericLessThan":
		return cmp < 0
	case "NumericLessThanEquals":
		return cmp <= 0
	case "NumericGreaterThan":
		return cmp > 0
	case "NumericGreaterThanEquals":
		return cmp >= 0
	}
	return false
}

// parseDate reads a date as IAM takes it: ISO 8601 (with or without a time)
// or seconds since the epoch.
func parseDate(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04Z07:00", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	if n, ok := new(big.Int).SetString(s, 10); ok && n.IsInt64() {
		return time.Unix(n.Int64(), 0), true
	}
	return time.Time{}, false
}
