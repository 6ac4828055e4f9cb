package kms

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/cdktf-kms/cdktf-kms/internal/jsonkind"
	"github.com/cdktf-kms/cdktf-kms/internal/tftemplate"
)

// PolicyStatement is one statement of a policy document. Fields are in
// alphabetical order so that json.Marshal writes them as jsonencode does.
//
// In JSON (cdktf.json, ParsePolicyStatement) a statement is an object with
// the elements Sid, Effect, Principal ("*" or {"AWS": ..., "Service": ...}),
// Action, Resource and Condition, matched exactly; NotPrincipal, NotAction
// and NotResource are not supported.
type PolicyStatement struct {
	Action    OneOrMany                 `json:"Action"`
	Condition map[string]map[string]any `json:"Condition,omitempty"`
	Effect    string                    `json:"Effect"`
	Principal map[string]OneOrMany      `json:"Principal,omitempty"`
	Resource  OneOrMany                 `json:"Resource"`
	Sid       string                    `json:"Sid,omitempty"`
}

// clone returns a deep copy of the statement.
func (s PolicyStatement) clone() PolicyStatement {
	s.Action = append(OneOrMany(nil), s.Action...)
	s.Resource = append(OneOrMany(nil), s.Resource...)
	if s.Principal != nil {
		p := make(map[string]OneOrMany, len(s.Principal))
		for k, v := range s.Principal {
			p[k] = append(OneOrMany(nil), v...)
		}
		s.Principal = p
	}
	if s.Condition != nil {
		c := make(map[string]map[string]any, len(s.Condition))
		for op, keys := range s.Condition {
			c[op] = maps.Clone(keys)
		}
		s.Condition = c
	}
	return s
}

// OneOrMany is a policy value that IAM accepts as a string or a list of
// strings. One element is written as a plain string, more as a list, which
// is how policies are usually written by hand (and how the original module
// wrote "kms:*").
type OneOrMany []string

// MarshalJSON writes a single element as a string and anything else as a list.
func (v OneOrMany) MarshalJSON() ([]byte, error) {
	if len(v) == 1 {
		return json.Marshal(v[0])
	}
	return json.Marshal([]string(v))
}

// UnmarshalJSON accepts a string or a list of strings.
func (v *OneOrMany) UnmarshalJSON(data []byte) error {
	var one string
	if err := jsonv2.Unmarshal(data, &one); err == nil {
		*v = OneOrMany{one}
		return nil
	}
	var many []string
	if err := jsonv2.Unmarshal(data, &many); err != nil {
		return fmt.Errorf("want a string or a list of strings")
	}
	*v = many
	return nil
}

// statementJSON is the strict JSON form of a statement.
type statementJSON struct {
	Sid       string                               `json:"Sid"`
	Effect    string                               `json:"Effect"`
	Principal jsontext.Value                       `json:"Principal"`
	Action    OneOrMany                            `json:"Action"`
	Resource  OneOrMany                            `json:"Resource"`
	Condition map[string]map[string]jsontext.Value `json:"Condition"`
}

// strictJSON are the decoding options of every JSON the construct reads:
// exact member names, no unknown members, no duplicate names.
var strictJSON = jsonv2.JoinOptions(jsonv2.RejectUnknownMembers(true))

// ParsePolicyStatement reads one statement from its JSON form.
func ParsePolicyStatement(raw string) (PolicyStatement, error) {
	var s PolicyStatement
	if err := s.UnmarshalJSON([]byte(raw)); err != nil {
		return PolicyStatement{}, err
	}
	return s, nil
}

// UnmarshalJSON reads a statement strictly: exact element names, no unknown
// or duplicate elements, Principal "*" or an object, condition values that
// are strings, booleans, numbers or lists of them.
func (s *PolicyStatement) UnmarshalJSON(data []byte) error {
	var sj statementJSON
	if err := jsonv2.Unmarshal(data, &sj, strictJSON); err != nil {
		return statementDecodeError(err)
	}
	// A null would be read as an empty value: a Condition of null would
	// drop the condition, and with it the limit it meant to set.
	var whole any
	if err := jsonv2.Unmarshal(data, &whole); err == nil {
		if path, ok := nullAt(whole, ""); ok {
			return fmt.Errorf("%s is null; give a value, or leave the element out", path)
		}
	}
	out := PolicyStatement{Sid: sj.Sid, Effect: sj.Effect, Action: sj.Action, Resource: sj.Resource}
	if p := sj.Principal; len(p) > 0 {
		var star string
		if err := jsonv2.Unmarshal(p, &star); err == nil {
			if star != "*" {
				return fmt.Errorf(`Principal %q must be "*" or an object like {"AWS": [...], "Service": [...]}`, star)
			}
			out.Principal = map[string]OneOrMany{"AWS": {"*"}}
		} else if err := jsonv2.Unmarshal(p, &out.Principal, strictJSON); err != nil {
			return fmt.Errorf(`Principal must be "*" or an object like {"AWS": [...], "Service": [...]}`)
		}
	}
	if sj.Condition != nil {
		out.Condition = map[string]map[string]any{}
		for op, keys := range sj.Condition {
			out.Condition[op] = map[string]any{}
			for key, raw := range keys {
				var v any
				if err := jsonv2.Unmarshal(raw, &v); err != nil {
					return fmt.Errorf("Condition %s %s: %v", op, key, err)
				}
				out.Condition[op][key] = v
			}
		}
	}
	*s = out
	return nil
}

// statementDecodeError describes a JSON problem in a statement, naming the
// element and what it takes.
func statementDecodeError(err error) error {
	if name, ok := unknownMember(err); ok {
		return fmt.Errorf("unknown element %q; allowed: Sid, Effect, Principal, Action, Resource, Condition (NotPrincipal, NotAction and NotResource are not supported)", name)
	}
	var se *jsonv2.SemanticError
	if errors.As(err, &se) && len(se.JSONPointer) > 0 {
		element := strings.TrimPrefix(string(se.JSONPointer), "/")
		element = strings.SplitN(element, "/", 2)[0]
		want := map[string]string{
			"Sid": "a string", "Effect": "Allow or Deny",
			"Action": "a string or a list of strings", "Resource": "a string or a list of strings",
			"Condition": `an object of operators, like {"StringEquals": {"aws:SourceAccount": "123456789012"}}`,
		}[element]
		if want == "" {
			want = "a JSON value of the policy grammar"
		}
		return fmt.Errorf("%s: got a JSON %s, want %s", strings.ReplaceAll(strings.TrimPrefix(string(se.JSONPointer), "/"), "/", "."), jsonkind.Name(se.JSONKind), want)
	}
	return fmt.Errorf("not a JSON policy statement object: %v", err)
}

// nullAt finds the first null in a decoded JSON value and returns its path
// ("Principal.AWS", "Action[1]").
func nullAt(v any, path string) (string, bool) {
	switch x := v.(type) {
	case nil:
		return path, path != ""
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(x)) {
			p := k
			if path != "" {
				p = path + "." + k
			}
			if x[k] == nil {
				return p, true
			}
			if found, ok := nullAt(x[k], p); ok {
				return found, true
			}
		}
	case []any:
		for i, item := range x {
			p := fmt.Sprintf("%s[%d]", path, i)
			if item == nil {
				return p, true
			}
			if found, ok := nullAt(item, p); ok {
				return found, true
			}
		}
	}
	return "", false
}

// unknownMember returns the name of the unknown member a strict decode
// refused.
func unknownMember(err error) (string, bool) {
	var se *jsonv2.SemanticError
	if !errors.As(err, &se) || se.Err == nil || !strings.Contains(se.Err.Error(), "unknown object member") {
		return "", false
	}
	ptr := string(se.JSONPointer)
	return ptr[strings.LastIndex(ptr, "/")+1:], true
}

var sidPattern = regexp.MustCompile(`^[A-Za-z0-9 ]{1,128}$`)

// statementProblems checks what the linter does not: the statement's shape,
// that its strings can reach AWS unchanged, and its condition values. The
// linter checks actions, principals, conditions and who can reach the key
// on the whole policy.
func statementProblems(s PolicyStatement) []string {
	var out []string
	if s.Sid != "" && !sidPattern.MatchString(s.Sid) {
		out = append(out, fmt.Sprintf("Sid %s may hold only letters, digits and spaces (at most 128)", quoteCut(s.Sid)))
	}
	if s.Effect != "Allow" && s.Effect != "Deny" {
		out = append(out, fmt.Sprintf("Effect %s must be Allow or Deny", quoteCut(s.Effect)))
	}
	if len(s.Action) == 0 {
		out = append(out, "Action is required: one or more kms: actions")
	}
	if len(s.Principal) == 0 {
		out = append(out, `Principal is required: {"AWS": [...]} or {"Service": [...]}`)
	}
	for _, kind := range slices.Sorted(maps.Keys(s.Principal)) {
		if kind != "AWS" && kind != "Service" {
			out = append(out, fmt.Sprintf("Principal type %q is not supported; use AWS or Service", kind))
		}
		if len(s.Principal[kind]) == 0 {
			out = append(out, fmt.Sprintf("Principal %s is empty", kind))
		}
	}
	strs := append(append([]string{s.Sid}, s.Action...), s.Resource...)
	// Principal and condition values may also be whole list references
	// (their elements join the list AWS receives).
	values := func(vs []string) []string {
		return slices.DeleteFunc(slices.Clone(vs), tftemplate.IsListToken)
	}
	for _, kind := range slices.Sorted(maps.Keys(s.Principal)) {
		strs = append(strs, values(s.Principal[kind])...)
	}
	for _, op := range slices.Sorted(maps.Keys(s.Condition)) {
		keys := s.Condition[op]
		if len(keys) == 0 {
			out = append(out, fmt.Sprintf("Condition operator %q has no keys", op))
		}
		strs = append(strs, op)
		for _, key := range slices.Sorted(maps.Keys(keys)) {
			strs = append(strs, key)
			vs, msg := conditionStrings(keys[key])
			if msg != "" {
				out = append(out, fmt.Sprintf("Condition %s %s: %s", op, key, msg))
			}
			strs = append(strs, values(vs)...)
		}
	}
	for _, v := range strs {
		if msg := literalProblem(v); msg != "" {
			out = append(out, fmt.Sprintf("%s %s", quoteCut(v), msg))
		}
	}
	return out
}

// conditionStrings returns the strings in a condition value, or what is
// wrong with its type: IAM takes strings, booleans, numbers and lists of
// them.
func conditionStrings(v any) ([]string, string) {
	const want = "values must be strings, booleans, numbers or lists of them"
	switch x := v.(type) {
	case string:
		return []string{x}, ""
	case bool, float64, float32, int, int64, int32, json.Number:
		return nil, ""
	case []string:
		return x, ""
	case []any:
		var out []string
		for _, item := range x {
			switch y := item.(type) {
			case string:
				out = append(out, y)
			case bool, float64, float32, int, int64, int32, json.Number:
			default:
				return nil, want
			}
		}
		return out, ""
	}
	return nil, want
}

// literalProblem says why a string of the configuration cannot reach AWS as
// written, or returns "". Token markers (references) are fine in any
// string; what is around them must be something Terraform carries unchanged.
//
// A whole list reference is accepted only where a list of principals is
// (validateEach); anywhere else a list or map token is refused with advice
// that gives a string Terraform can put into a template (one element or
// one value, never the whole collection: Terraform refuses a list in a
// string template).
func literalProblem(s string) string {
	switch {
	case strings.Contains(s, "#{TfToken["):
		return "holds a cdktf list token (a whole list) where one string is taken; give one element, for example cdktf.Token_AsString(cdktf.Fn_Element(list, jsii.Number(0)), nil) with list the whole *[]*string (of cdktf.Token_AsList or a variable's ListValue), not its first entry"
	case tftemplate.HasComplexMarker(s):
		return "holds a cdktf map token where one string is taken; give one value, for example cdktf.Token_AsString(cdktf.Fn_Lookup(m, jsii.String(\"key\"), nil), nil)"
	}
	return tftemplate.Problem(s)
}
