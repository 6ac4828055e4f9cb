package access

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/cdktf-kms/cdktf-kms/internal/iam"
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
	iam map[string]*iamResource
	// managed are the stack's aws_iam_policy resources by address, and
	// attachments its policy attachments.
	managed     map[string]*managedPolicy
	attachments []attachment
	notes       []string
}

type keyRes struct {
	address, primary, region string
	spec, usage              string
	policy                   *iam.Document
}

// iamResource is a role, user or group of the stack.
type iamResource struct {
	kind, name, path string
	// boundary is the permissions boundary argument (an ARN or a
	// reference), "" without one.
	boundary string
	// managed are the policies attached to it (policy ARNs or references),
	// from its managed_policy_arns and the stack's policy attachments.
	managed []string
	// inline are its inline_policy blocks.
	inline []*identityPolicy
}

type identityPolicy struct {
	address string
	// kind is role, user or group; target is the rendered role, user or
	// group argument (a name, or a reference).
	kind, target string
	policy       *iam.Document
}

// managedPolicy is an aws_iam_policy of the stack.
type managedPolicy struct {
	address string
	policy  *iam.Document
}

// attachment attaches a managed policy to a role, user or group.
type attachment struct {
	address, kind, target, policyArn string
}

type grantRes struct {
	address           string
	keyRef            string
	grantee, retiring string
	operations        []string
	equals, subset    map[string]string
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
	s := &stackDoc{name: name, regions: map[string]string{}, iam: map[string]*iamResource{}, managed: map[string]*managedPolicy{}}
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
			res := &iamResource{kind: strings.TrimPrefix(typ, "aws_iam_"), name: name, path: path}
			res.boundary, _ = str(args, "permissions_boundary")
			if list, ok := args["managed_policy_arns"].([]any); ok {
				for _, v := range list {
					if a, ok := v.(string); ok {
						a, _ = tfrender.Render(a)
						res.managed = append(res.managed, a)
					}
				}
			}
			if blocks, ok := args["inline_policy"].([]any); ok {
				for i, b := range blocks {
					m, _ := b.(map[string]any)
					p, err := policyArg(m)
					if err != nil || p == "" {
						continue
					}
					doc, err := iam.ParseDocument([]byte(p))
					if err != nil {
						return nil, fmt.Errorf("stack %s: %s.%s inline_policy %d: %w", name, typ, n, i, err)
					}
					res.inline = append(res.inline, &identityPolicy{address: fmt.Sprintf("%s.%s (inline_policy %d)", typ, n, i), kind: res.kind, policy: doc})
				}
			}
			s.iam[typ+"."+n] = res
		}
	}
	for _, n := range slices.Sorted(maps.Keys(doc.Resource["aws_iam_policy"])) {
		p, err := policyArg(doc.Resource["aws_iam_policy"][n])
		if err != nil {
			return nil, fmt.Errorf("stack %s: aws_iam_policy.%s: the policy is not a Terraform template: %w", name, n, err)
		}
		d, err := iam.ParseDocument([]byte(p))
		if err != nil {
			return nil, fmt.Errorf("stack %s: aws_iam_policy.%s: %w", name, n, err)
		}
		s.managed["aws_iam_policy."+n] = &managedPolicy{address: "aws_iam_policy." + n, policy: d}
	}
	// aws_iam_policy_attachment attaches one policy to lists of roles,
	// users and groups.
	for _, n := range slices.Sorted(maps.Keys(doc.Resource["aws_iam_policy_attachment"])) {
		args := doc.Resource["aws_iam_policy_attachment"][n]
		arn, _ := str(args, "policy_arn")
		for _, kind := range []string{"role", "user", "group"} {
			list, _ := args[kind+"s"].([]any)
			for _, v := range list {
				if target, ok := v.(string); ok {
					s.attachments = append(s.attachments, attachment{address: "aws_iam_policy_attachment." + n, kind: kind, target: target, policyArn: arn})
				}
			}
		}
	}
	for _, kind := range []string{"role", "user", "group"} {
		typ := "aws_iam_" + kind + "_policy_attachment"
		for _, n := range slices.Sorted(maps.Keys(doc.Resource[typ])) {
			args := doc.Resource[typ][n]
			target, _ := str(args, kind)
			arn, _ := str(args, "policy_arn")
			s.attachments = append(s.attachments, attachment{address: typ + "." + n, kind: kind, target: target, policyArn: arn})
		}
	}
	for _, typ := range append(slices.Clone(keyTypes), replicaTypes...) {
		for _, n := range slices.Sorted(maps.Keys(doc.Resource[typ])) {
			args := doc.Resource[typ][n]
			address := typ + "." + n
			k := &keyRes{address: address, spec: "SYMMETRIC_DEFAULT", usage: "ENCRYPT_DECRYPT"}
			provider, _ := args["provider"].(string)
			if provider == "" {
				provider = "aws"
			}
			k.region = s.regions[provider]
			k.spec, k.usage = specOf(args, k.spec), usageOf(args, k.usage)
			if slices.Contains(replicaTypes, typ) {
				primary, _ := str(args, "primary_key_arn")
				if m := referenceTo.FindStringSubmatch(primary); m != nil {
					k.primary = m[1] + "." + m[2]
					// A replica has its primary's spec and usage.
					if p, ok := doc.Resource[m[1]][m[2]]; ok {
						k.spec, k.usage = specOf(p, k.spec), usageOf(p, k.usage)
					}
				}
			}
			policyArgs := args
			if pa, ok := keyPolicyResources(doc.Resource["aws_kms_key_policy"])[address]; ok {
				// The policy is a resource of its own (aws_kms_key_policy):
				// it is the key's, wherever it is written.
				policyArgs = pa
			}
			policy, err := policyArg(policyArgs)
			if err != nil {
				return nil, fmt.Errorf("stack %s: %s: the policy is not a Terraform template: %w", name, address, err)
			}
			if policy == "" {
				s.notes = append(s.notes, fmt.Sprintf("%s has no policy argument: AWS gives it the default key policy, which the report does not model", address))
				continue
			}
			if k.policy, err = iam.ParseDocument([]byte(policy)); err != nil {
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
			p, err := iam.ParseDocument([]byte(policy))
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

// keyTypes are the resource types of keys, replicaTypes of their replicas:
// AWS KMS's key material, and the user's (Origin EXTERNAL).
var (
	keyTypes     = []string{"aws_kms_key", "aws_kms_external_key"}
	replicaTypes = []string{"aws_kms_replica_key", "aws_kms_replica_external_key"}
)

// specOf returns a key's spec argument (customer_master_key_spec, or
// key_spec of aws_kms_external_key), or def.
func specOf(args map[string]any, def string) string {
	for _, name := range []string{"customer_master_key_spec", "key_spec"} {
		if v, _ := args[name].(string); v != "" {
			return v
		}
	}
	return def
}

// usageOf returns a key's key_usage, or def.
func usageOf(args map[string]any, def string) string {
	if v, _ := args["key_usage"].(string); v != "" {
		return v
	}
	return def
}

// keyIDAttribute is the attribute that holds a key's id: key_id, or id for
// aws_kms_external_key, which has no key_id.
func keyIDAttribute(typ string) string {
	if typ == "aws_kms_external_key" {
		return "id"
	}
	return "key_id"
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

// sortedNotes removes duplicate notes and sorts them.
func sortedNotes(notes []string) []string {
	if len(notes) == 0 {
		return nil
	}
	sort.Strings(notes)
	return slices.Compact(notes)
}

// keyPolicyResources returns the stack's aws_kms_key_policy resources by
// the address of the key whose key_id (or arn, or id) they reference.
func keyPolicyResources(resources map[string]map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, n := range slices.Sorted(maps.Keys(resources)) {
		args := resources[n]
		keyID, _ := args["key_id"].(string)
		if m := referenceTo.FindStringSubmatch(keyID); m != nil && (m[3] == "key_id" || m[3] == "arn" || m[3] == "id") {
			out[m[1]+"."+m[2]] = args
		}
	}
	return out
}
