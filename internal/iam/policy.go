package iam

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Document is an IAM policy document: a key policy, an identity policy or a
// permissions boundary (IAM User Guide, "IAM JSON policy element
// reference").
type Document struct {
	Version    string
	Statements []Statement
}

// Statement is one statement, with every element of the grammar. Exactly one
// of Action and NotAction is set, at most one of Principal and
// NotPrincipal (none in an identity policy), and at most one of Resource and
// NotResource.
type Statement struct {
	// Index is the statement's position in its document, from 1.
	Index  int
	Sid    string
	Effect string // "Allow" or "Deny"
	// Principal and NotPrincipal are nil when the element is absent.
	Principal, NotPrincipal *Principals
	Action, NotAction       []string
	// NotActionSet and NotResourceSet say which form the statement uses (an
	// empty list is still that form).
	NotActionSet, NotResourceSet bool
	Resource, NotResource        []string
	Conditions                   []Condition
}

// Principals is the value of a Principal or NotPrincipal element: "*" (Any)
// or lists of principals by type.
type Principals struct {
	// Any is "*" or {"AWS": "*"}: every principal.
	Any bool
	// AWS are account ids, account roots and IAM or STS ARNs (and "*"
	// besides others); Service are service principals; Federated and
	// CanonicalUser are kept as written.
	AWS, Service, Federated, CanonicalUser []string
}

// Condition is one key of one operator of a Condition element.
type Condition struct {
	// Operator is as written: "StringEquals", "ForAnyValue:StringLike",
	// "ArnNotEqualsIfExists", "Null", ...
	Operator string
	Key      string
	// Values are the policy's values as strings (booleans and numbers in
	// their JSON form).
	Values []string
}

// ParseDocument reads a policy document. It accepts what IAM accepts for
// the elements this model knows (a string or a list where IAM takes either,
// condition values that are strings, booleans or numbers) and refuses
// anything else with the element's name.
func ParseDocument(text []byte) (*Document, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(text, &raw); err != nil {
		return nil, fmt.Errorf("not a JSON policy document: %v", err)
	}
	doc := &Document{}
	for name, v := range raw {
		switch name {
		case "Version":
			if err := json.Unmarshal(v, &doc.Version); err != nil {
				return nil, fmt.Errorf("Version: want a string")
			}
		case "Id":
		case "Statement":
			var list []json.RawMessage
			if err := json.Unmarshal(v, &list); err != nil {
				var one json.RawMessage
				if err := json.Unmarshal(v, &one); err != nil || !bytes.HasPrefix(bytes.TrimSpace(one), []byte("{")) {
					return nil, fmt.Errorf("Statement: want a statement or a list of statements")
				}
				list = []json.RawMessage{one}
			}
			for i, s := range list {
				st, err := ParseStatement(s)
				if err != nil {
					return nil, fmt.Errorf("statement %d: %w", i+1, err)
				}
				st.Index = i + 1
				doc.Statements = append(doc.Statements, st)
			}
		default:
			return nil, fmt.Errorf("unknown element %q (a document has Version, Id and Statement)", name)
		}
	}
	return doc, nil
}

// ParseStatement reads one statement.
func ParseStatement(text []byte) (Statement, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(text, &raw); err != nil {
		return Statement{}, fmt.Errorf("not a JSON statement object")
	}
	var s Statement
	var hasAction bool
	for name, v := range raw {
		var err error
		switch name {
		case "Sid":
			err = json.Unmarshal(v, &s.Sid)
		case "Effect":
			err = json.Unmarshal(v, &s.Effect)
		case "Principal":
			s.Principal, err = parsePrincipals(v)
		case "NotPrincipal":
			s.NotPrincipal, err = parsePrincipals(v)
		case "Action":
			s.Action, err = stringList(v)
			hasAction = true
		case "NotAction":
			s.NotAction, err = stringList(v)
			s.NotActionSet, hasAction = true, true
		case "Resource":
			s.Resource, err = stringList(v)
		case "NotResource":
			s.NotResource, err = stringList(v)
			s.NotResourceSet = true
		case "Condition":
			s.Conditions, err = parseConditions(v)
		default:
			return Statement{}, fmt.Errorf("unknown element %q", name)
		}
		if err != nil {
			return Statement{}, fmt.Errorf("%s: %w", name, err)
		}
	}
	switch {
	case raw["Action"] != nil && raw["NotAction"] != nil:
		return Statement{}, fmt.Errorf("has both Action and NotAction")
	case raw["Resource"] != nil && raw["NotResource"] != nil:
		return Statement{}, fmt.Errorf("has both Resource and NotResource")
	case raw["Principal"] != nil && raw["NotPrincipal"] != nil:
		return Statement{}, fmt.Errorf("has both Principal and NotPrincipal")
	case !hasAction:
		return Statement{}, fmt.Errorf("has no Action or NotAction")
	case s.Effect != "Allow" && s.Effect != "Deny":
		return Statement{}, fmt.Errorf("Effect %q must be Allow or Deny", s.Effect)
	}
	return s, nil
}

// stringList reads a string or a list of strings.
func stringList(v json.RawMessage) ([]string, error) {
	var one string
	if err := json.Unmarshal(v, &one); err == nil {
		return []string{one}, nil
	}
	var many []string
	if err := json.Unmarshal(v, &many); err != nil {
		return nil, fmt.Errorf("want a string or a list of strings")
	}
	return many, nil
}

// parsePrincipals reads "*" or {"AWS": ..., "Service": ..., ...}.
func parsePrincipals(v json.RawMessage) (*Principals, error) {
	var star string
	if err := json.Unmarshal(v, &star); err == nil {
		if star != "*" {
			return nil, fmt.Errorf(`%q must be "*" or an object of principal lists`, star)
		}
		return &Principals{Any: true}, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(v, &obj); err != nil {
		return nil, fmt.Errorf(`want "*" or an object of principal lists`)
	}
	p := &Principals{}
	for kind, raw := range obj {
		list, err := stringList(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", kind, err)
		}
		switch kind {
		case "AWS":
			for _, a := range list {
				if a == "*" {
					p.Any = true
				}
			}
			p.AWS = append(p.AWS, list...)
		case "Service":
			p.Service = append(p.Service, list...)
		case "Federated":
			p.Federated = append(p.Federated, list...)
		case "CanonicalUser":
			p.CanonicalUser = append(p.CanonicalUser, list...)
		default:
			return nil, fmt.Errorf("principal type %q is not AWS, Service, Federated or CanonicalUser", kind)
		}
	}
	return p, nil
}

// parseConditions reads {"Operator": {"key": value or [values]}}.
func parseConditions(v json.RawMessage) ([]Condition, error) {
	var ops map[string]map[string]json.RawMessage
	if err := json.Unmarshal(v, &ops); err != nil {
		return nil, fmt.Errorf(`want an object of operators, like {"StringEquals": {"aws:SourceAccount": "123456789012"}}`)
	}
	var out []Condition
	for _, op := range sortedKeys(ops) {
		for _, key := range sortedKeys(ops[op]) {
			values, err := ConditionValues(ops[op][key])
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", op, key, err)
			}
			out = append(out, Condition{Operator: op, Key: key, Values: values})
		}
	}
	return out, nil
}

// ConditionValues reads a condition's value: a string, boolean or number,
// or a list of them (as strings). Anything else (an object, a null, a
// nested list) is refused with what IAM takes.
func ConditionValues(raw json.RawMessage) ([]string, error) {
	var items []json.RawMessage
	if t := bytes.TrimSpace(raw); len(t) > 0 && t[0] == '[' {
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, err
		}
	} else {
		items = []json.RawMessage{raw}
	}
	var out []string
	for _, item := range items {
		v, err := scalar(item)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// scalar reads a JSON string, boolean or number as a string.
func scalar(raw json.RawMessage) (string, error) {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 {
		return "", fmt.Errorf("values must be strings, booleans or numbers")
	}
	switch t[0] {
	case '"':
		var s string
		err := json.Unmarshal(t, &s)
		return s, err
	case 't', 'f':
		var b bool
		if err := json.Unmarshal(t, &b); err != nil {
			return "", err
		}
		return strconv.FormatBool(b), nil
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		var n json.Number
		if err := json.Unmarshal(t, &n); err != nil {
			return "", err
		}
		return n.String(), nil
	}
	return "", fmt.Errorf("values must be strings, booleans or numbers, not %s", kindOf(t))
}

// kindOf names the JSON kind of a raw value for a message.
func kindOf(t []byte) string {
	switch t[0] {
	case '{':
		return "an object"
	case '[':
		return "a list inside a list"
	case 'n':
		return "null"
	}
	return "this value"
}

// Operator is a condition operator split into its parts.
type Operator struct {
	// Set is "ForAllValues", "ForAnyValue" or "".
	Set string
	// Base is the operator without its qualifiers ("StringLike"), in its
	// canonical spelling when it is one IAM knows.
	Base string
	// IfExists is the IfExists suffix.
	IfExists bool
	// Known says whether Base is an IAM condition operator.
	Known bool
}

// conditionOperators are IAM's condition operators (IAM User Guide, "IAM
// JSON policy elements: Condition operators").
var conditionOperators = []string{
	"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
	"StringLike", "StringNotLike",
	"NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals",
	"NumericGreaterThan", "NumericGreaterThanEquals",
	"DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals",
	"DateGreaterThan", "DateGreaterThanEquals",
	"Bool", "BinaryEquals", "IpAddress", "NotIpAddress",
	"ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "Null",
}

// ParseOperator splits an operator as written. IAM reads operator names
// case-insensitively.
func ParseOperator(op string) Operator {
	var o Operator
	rest := op
	for _, q := range []string{"ForAllValues:", "ForAnyValue:"} {
		if len(rest) >= len(q) && strings.EqualFold(rest[:len(q)], q) {
			o.Set, rest = strings.TrimSuffix(q, ":"), rest[len(q):]
		}
	}
	if !strings.EqualFold(rest, "Null") && len(rest) > len("IfExists") && strings.EqualFold(rest[len(rest)-len("IfExists"):], "IfExists") {
		o.IfExists, rest = true, rest[:len(rest)-len("IfExists")]
	}
	o.Base = rest
	for _, known := range conditionOperators {
		if strings.EqualFold(known, rest) {
			o.Base, o.Known = known, true
		}
	}
	return o
}

// Negated says whether the base operator is a negated one (StringNotEquals,
// ArnNotLike, NotIpAddress, ...): it holds for a request without the key.
func (o Operator) Negated() bool {
	return strings.Contains(o.Base, "Not")
}

// AllKinds returns every principal the element names, as "AWS:<value>",
// "Service:<value>", ..., for messages.
func (p *Principals) AllKinds() []string {
	if p == nil {
		return nil
	}
	var out []string
	for _, kv := range []struct {
		kind string
		list []string
	}{{"AWS", p.AWS}, {"Service", p.Service}, {"Federated", p.Federated}, {"CanonicalUser", p.CanonicalUser}} {
		for _, v := range kv.list {
			out = append(out, kv.kind+":"+v)
		}
	}
	if p.Any && !slices.Contains(p.AWS, "*") {
		out = append(out, "*")
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
