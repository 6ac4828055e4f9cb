package access

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/cdktf-kms/cdktf-kms/internal/tfrender"
)

// stackDoc is what the report reads from one stack's Terraform JSON.
type stackDoc struct {
	name string
	// regions by provider reference: "aws" for the default provider,
	// "aws.<alias>" for an aliased one.
	regions          map[string]string
	keys             []*keyRes
	identityPolicies []*identityPolicy
	grants           []*grantRes
	// iam are the stack's IAM roles, users and groups by address, with
	// their literal name and path ("" when not literal).
	iam   map[string]iamResource
	notes []string
}

type keyRes struct {
	address, primary, region string
	spec, usage              string
	policy                   *policyDoc
}

type iamResource struct {
	kind, name, path string
}

type identityPolicy struct {
	address string
	// kind is role, user or group; target is the rendered role, user or
	// group argument (a name, or a reference).
	kind, target string
	policy       *policyDoc
}

type grantRes struct {
	address           string
	keyRef            string
	grantee, retiring string
	operations        []string
	equals, subset    map[string]string
}

// policyDoc is a parsed policy document.
type policyDoc struct {
	statements []statement
}

// statement is one policy statement as the evaluator reads it.
type statement struct {
	index  int
	sid    string
	effect string
	// anyone is Principal "*" or {"AWS": "*"}.
	anyone   bool
	aws      []string
	service  []string
	actions  []string
	resource []string
	conds    []Condition
	// unsupported names elements the evaluator does not model
	// (NotPrincipal, NotAction, NotResource, other principal types); a
	// statement with one is reported and left out.
	unsupported []string
}

// parseStack reads a stack's cdk.tf.json.
func parseStack(name string, raw []byte) (*stackDoc, error) {
	var doc struct {
		Provider map[string][]map[string]any          `json:"provider"`
		Resource map[string]map[string]map[string]any `json:"resource"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("stack %s: not Terraform JSON: %w", name, err)
	}
	s := &stackDoc{name: name, regions: map[string]string{}, iam: map[string]iamResource{}}
	for _, p := range doc.Provider["aws"] {
		region, _ := p["region"].(string)
		if alias, ok := p["alias"].(string); ok {
			s.regions["aws."+alias] = region
		} else {
			s.regions["aws"] = region
		}
	}
	str := func(args map[string]any, key string) (string, error) {
		v, ok := args[key].(string)
		if !ok {
			return "", nil
		}
		return tfrender.Render(v)
	}
	// A policy is a JSON document: its references stay JSON strings.
	policyArg := func(args map[string]any) (string, error) {
		v, ok := args["policy"].(string)
		if !ok {
			return "", nil
		}
		return tfrender.RenderJSON(v)
	}
	for _, typ := range []string{"aws_iam_role", "aws_iam_user", "aws_iam_group"} {
		for _, n := range slices.Sorted(maps.Keys(doc.Resource[typ])) {
			args := doc.Resource[typ][n]
			name, _ := str(args, "name")
			path, _ := str(args, "path")
			if isReference(name) {
				name = ""
			}
			if path == "" || isReference(path) {
				if isReference(path) {
					name = ""
				}
				path = "/"
			}
			s.iam[typ+"."+n] = iamResource{kind: strings.TrimPrefix(typ, "aws_iam_"), name: name, path: path}
		}
	}
	for _, typ := range []string{"aws_kms_key", "aws_kms_replica_key"} {
		for _, n := range slices.Sorted(maps.Keys(doc.Resource[typ])) {
			args := doc.Resource[typ][n]
			address := typ + "." + n
			k := &keyRes{address: address, spec: "SYMMETRIC_DEFAULT", usage: "ENCRYPT_DECRYPT"}
			provider, _ := args["provider"].(string)
			if provider == "" {
				provider = "aws"
			}
			k.region = s.regions[provider]
			if v, _ := str(args, "customer_master_key_spec"); v != "" {
				k.spec = v
			}
			if v, _ := str(args, "key_usage"); v != "" {
				k.usage = v
			}
			if typ == "aws_kms_replica_key" {
				primary, _ := str(args, "primary_key_arn")
				if m := referenceTo.FindStringSubmatch(primary); m != nil {
					k.primary = m[1] + "." + m[2]
					// A replica has its primary's spec and usage.
					if p, ok := doc.Resource[m[1]][m[2]]; ok {
						if v, _ := str(p, "customer_master_key_spec"); v != "" {
							k.spec = v
						}
						if v, _ := str(p, "key_usage"); v != "" {
							k.usage = v
						}
					}
				}
			}
			policy, err := policyArg(args)
			if err != nil {
				return nil, fmt.Errorf("stack %s: %s: the policy is not a Terraform template: %w", name, address, err)
			}
			if policy == "" {
				s.notes = append(s.notes, fmt.Sprintf("%s has no policy argument: AWS gives it the default key policy, which the report does not model", address))
				continue
			}
			if k.policy, err = parsePolicy(policy); err != nil {
				return nil, fmt.Errorf("stack %s: %s: %w", name, address, err)
			}
			s.keys = append(s.keys, k)
		}
	}
	for _, kind := range []string{"role", "user", "group"} {
		typ := "aws_iam_" + kind + "_policy"
		for _, n := range slices.Sorted(maps.Keys(doc.Resource[typ])) {
			args := doc.Resource[typ][n]
			address := typ + "." + n
			target, err := str(args, kind)
			if err != nil {
				return nil, fmt.Errorf("stack %s: %s: %w", name, address, err)
			}
			policy, err := policyArg(args)
			if err != nil {
				return nil, fmt.Errorf("stack %s: %s: the policy is not a Terraform template: %w", name, address, err)
			}
			p, err := parsePolicy(policy)
			if err != nil {
				return nil, fmt.Errorf("stack %s: %s: %w", name, address, err)
			}
			s.identityPolicies = append(s.identityPolicies, &identityPolicy{address: address, kind: kind, target: target, policy: p})
		}
	}
	for _, n := range slices.Sorted(maps.Keys(doc.Resource["aws_kms_grant"])) {
		args := doc.Resource["aws_kms_grant"][n]
		g := &grantRes{address: "aws_kms_grant." + n}
		var err error
		if g.keyRef, err = str(args, "key_id"); err != nil {
			return nil, fmt.Errorf("stack %s: %s: %w", name, g.address, err)
		}
		g.grantee, _ = str(args, "grantee_principal")
		g.retiring, _ = str(args, "retiring_principal")
		ops, _ := args["operations"].([]any)
		for _, op := range ops {
			if v, ok := op.(string); ok {
				g.operations = append(g.operations, "kms:"+v)
			}
		}
		if cons, ok := args["constraints"].([]any); ok {
			for _, c := range cons {
				m, _ := c.(map[string]any)
				g.equals = stringMap(m["encryption_context_equals"], g.equals)
				g.subset = stringMap(m["encryption_context_subset"], g.subset)
			}
		}
		s.grants = append(s.grants, g)
	}
	return s, nil
}

// referenceTo matches a whole-string reference to a resource attribute:
// ${aws_kms_key.name.arn}.
var referenceTo = regexp.MustCompile(`^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)\}$`)

func stringMap(v any, into map[string]string) map[string]string {
	m, ok := v.(map[string]any)
	if !ok {
		return into
	}
	if into == nil {
		into = map[string]string{}
	}
	for k, x := range m {
		s, _ := x.(string)
		if r, err := tfrender.Render(s); err == nil {
			s = r
		}
		into[k] = s
	}
	return into
}

// isReference says whether a rendered value holds a Terraform reference
// (or an IAM policy variable, which has the same syntax): its value is
// known only when the request is made or the stack is applied.
func isReference(s string) bool { return strings.Contains(s, "${") }

// parsePolicy reads a rendered policy document.
func parsePolicy(text string) (*policyDoc, error) {
	var doc struct {
		Statement json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal([]byte(text), &doc); err != nil {
		return nil, fmt.Errorf("the policy is not a JSON policy document: %v", err)
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(doc.Statement, &raws); err != nil {
		var one json.RawMessage
		if err := json.Unmarshal(doc.Statement, &one); err != nil || len(one) == 0 {
			return nil, fmt.Errorf("the policy has no Statement list")
		}
		raws = []json.RawMessage{one}
	}
	p := &policyDoc{}
	for i, raw := range raws {
		st, err := parseStatement(i+1, raw)
		if err != nil {
			return nil, fmt.Errorf("statement %d: %w", i+1, err)
		}
		p.statements = append(p.statements, st)
	}
	return p, nil
}

func parseStatement(index int, raw json.RawMessage) (statement, error) {
	var el map[string]json.RawMessage
	if err := json.Unmarshal(raw, &el); err != nil {
		return statement{}, fmt.Errorf("not a JSON object")
	}
	s := statement{index: index}
	_ = json.Unmarshal(el["Sid"], &s.sid)
	if err := json.Unmarshal(el["Effect"], &s.effect); err != nil || (s.effect != "Allow" && s.effect != "Deny") {
		return statement{}, fmt.Errorf("Effect must be Allow or Deny")
	}
	for _, name := range slices.Sorted(maps.Keys(el)) {
		switch name {
		case "Sid", "Effect", "Principal", "Action", "Resource", "Condition":
		default:
			s.unsupported = append(s.unsupported, name)
		}
	}
	if p, ok := el["Principal"]; ok {
		var star string
		if json.Unmarshal(p, &star) == nil {
			if star != "*" {
				return statement{}, fmt.Errorf("Principal %q must be \"*\" or an object", star)
			}
			s.anyone = true
		} else {
			var obj map[string]json.RawMessage
			if err := json.Unmarshal(p, &obj); err != nil {
				return statement{}, fmt.Errorf("Principal must be \"*\" or an object")
			}
			for _, typ := range slices.Sorted(maps.Keys(obj)) {
				values, err := oneOrMany(obj[typ])
				if err != nil {
					return statement{}, fmt.Errorf("Principal %s: %w", typ, err)
				}
				switch typ {
				case "AWS":
					for _, v := range values {
						if v == "*" {
							s.anyone = true
						} else {
							s.aws = append(s.aws, v)
						}
					}
				case "Service":
					s.service = append(s.service, values...)
				default:
					s.unsupported = append(s.unsupported, "Principal "+typ)
				}
			}
		}
	}
	var err error
	if s.actions, err = oneOrMany(el["Action"]); err != nil && el["Action"] != nil {
		return statement{}, fmt.Errorf("Action: %w", err)
	}
	if s.resource, err = oneOrMany(el["Resource"]); err != nil && el["Resource"] != nil {
		return statement{}, fmt.Errorf("Resource: %w", err)
	}
	if c, ok := el["Condition"]; ok {
		var block map[string]map[string]json.RawMessage
		if err := json.Unmarshal(c, &block); err != nil {
			return statement{}, fmt.Errorf("Condition must map operators to keys and values")
		}
		for _, op := range slices.Sorted(maps.Keys(block)) {
			for _, key := range slices.Sorted(maps.Keys(block[op])) {
				values, err := conditionValues(block[op][key])
				if err != nil {
					return statement{}, fmt.Errorf("Condition %s %s: %w", op, key, err)
				}
				s.conds = append(s.conds, Condition{Kind: CondPolicy, Operator: op, Key: key, Values: values})
			}
		}
	}
	return s, nil
}

func oneOrMany(raw json.RawMessage) ([]string, error) {
	if raw == nil {
		return nil, fmt.Errorf("missing")
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}, nil
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err != nil {
		return nil, fmt.Errorf("want a string or a list of strings")
	}
	return many, nil
}

// conditionValues reads a condition value: a string, boolean, number or a
// list of them, as strings.
func conditionValues(raw json.RawMessage) ([]string, error) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	list, ok := v.([]any)
	if !ok {
		list = []any{v}
	}
	var out []string
	for _, x := range list {
		switch t := x.(type) {
		case string:
			out = append(out, t)
		case bool, float64:
			out = append(out, fmt.Sprint(t))
		default:
			return nil, fmt.Errorf("values must be strings, booleans or numbers")
		}
	}
	return out, nil
}

// sortedNotes removes duplicate notes and sorts them.
func sortedNotes(notes []string) []string {
	if len(notes) == 0 {
		return nil
	}
	sort.Strings(notes)
	return slices.Compact(notes)
}
