package access

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// The deployed key against the code (go run . -access -live): each key of
// the app's stacks is read where it is deployed (its key policy, every
// grant on it, Terraform's or not, its aliases, whether it is enabled and
// rotates) and compared with what the app synthesizes, in the report's
// terms: who may do what in AWS that the code does not say, or the other
// way round, and the key's state. It only reads: DescribeKey,
// GetKeyPolicy, GetKeyRotationStatus, ListAliases, ListGrants.

// LiveKey is what is deployed of one key.
type LiveKey struct {
	KeyID    string
	Enabled  bool
	KeyState string // Enabled, Disabled, PendingDeletion, ...
	Rotation bool
	Policy   string
	Aliases  []string // alias/...
	Grants   []LiveGrant
}

// LiveGrant is a grant on a deployed key.
type LiveGrant struct {
	ID, Name, Grantee, Retiring string
	Operations                  []string
	// EncryptionContextEquals and EncryptionContextSubset are the grant's
	// constraints.
	EncryptionContextEquals, EncryptionContextSubset map[string]string
}

// KeyReader reads deployed keys (the AWS SDK, or a fake in tests).
type KeyReader interface {
	ReadKey(ctx context.Context, region, keyID string) (*LiveKey, error)
}

// StateResource is a resource instance of a Terraform state: its type,
// name and attributes.
type StateResource struct {
	Type, Name string
	Attributes map[string]any
}

// ParseState reads the resources of a Terraform state (format version 4,
// as terraform and OpenTofu write it) that are in the root module.
func ParseState(raw []byte) ([]StateResource, error) {
	var st struct {
		Version   int `json:"version"`
		Resources []struct {
			Module    string `json:"module"`
			Mode      string `json:"mode"`
			Type      string `json:"type"`
			Name      string `json:"name"`
			Instances []struct {
				IndexKey   any            `json:"index_key"`
				Attributes map[string]any `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(raw, &st); err != nil {
		return nil, fmt.Errorf("not a Terraform state: %w", err)
	}
	if st.Version != 4 {
		return nil, fmt.Errorf("a Terraform state of format version %d; this reads version 4", st.Version)
	}
	var out []StateResource
	for _, r := range st.Resources {
		if r.Module != "" || r.Mode != "managed" {
			continue
		}
		for _, in := range r.Instances {
			if in.IndexKey != nil {
				continue // for_each and count instances: read by their grants
			}
			out = append(out, StateResource{Type: r.Type, Name: r.Name, Attributes: in.Attributes})
		}
	}
	return out, nil
}

// LiveFinding is one difference between a deployed key and the code.
type LiveFinding struct {
	Stack string `json:"stack"`
	Key   string `json:"key"`
	// KeyID is the deployed key's id.
	KeyID string `json:"key_id"`
	// Kind is state, rotation, alias, grant, policy or access.
	Kind string `json:"kind"`
	// Message says what differs, in words.
	Message string `json:"message"`
	// Change is the access change, for kind access.
	Change *Change `json:"change,omitempty"`
}

// LiveReport is the JSON form of -access -live -format json.
type LiveReport struct {
	Format   int           `json:"format"`
	Findings []LiveFinding `json:"findings"`
}

// stateIndex finds a resource's attributes by address.
type stateIndex map[string]map[string]any

func indexState(resources []StateResource) stateIndex {
	out := stateIndex{}
	for _, r := range resources {
		out[r.Type+"."+r.Name] = r.Attributes
	}
	return out
}

// simpleReference is a reference to one attribute of a resource or data
// source, which the state can answer.
var simpleReference = regexp.MustCompile(`\$\{((?:data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+)\.([a-z0-9_]+)\}`)

// resolve replaces, in a stack's Terraform JSON, the references the state
// answers (string attributes of resources in the state) by their values,
// so that the code's policies and grants name what Terraform deployed.
// References to the keys stay: they tie aliases, grants and policies to
// their key.
func resolve(stack []byte, state stateIndex) []byte {
	return simpleReference.ReplaceAllFunc(stack, func(ref []byte) []byte {
		m := simpleReference.FindSubmatch(ref)
		if typ, _, _ := strings.Cut(string(m[1]), "."); slices.Contains(keyTypes, typ) || slices.Contains(replicaTypes, typ) {
			return ref
		}
		attrs, ok := state[string(m[1])]
		if !ok {
			return ref
		}
		v, ok := attrs[string(m[2])].(string)
		if !ok {
			return ref
		}
		// The reference sits inside a JSON string (and, in a policy,
		// inside a JSON document in that string): escape for both.
		inner, _ := json.Marshal(v)
		outer, _ := json.Marshal(string(inner[1 : len(inner)-1]))
		return outer[1 : len(outer)-1]
	})
}

// CompareLive compares one stack's deployed keys with the code: stack is
// the stack's synthesized Terraform JSON, state its Terraform state, and
// reader reads the deployed keys. A key the state does not hold (not
// deployed yet) is skipped with a finding.
func CompareLive(ctx context.Context, name string, stack []byte, state []StateResource, reader KeyReader) ([]LiveFinding, error) {
	idx := indexState(state)
	code := resolve(stack, idx)
	var doc map[string]any
	if err := json.Unmarshal(code, &doc); err != nil {
		return nil, fmt.Errorf("stack %s: not Terraform JSON: %w", name, err)
	}
	resources, _ := doc["resource"].(map[string]any)
	regions := providerRegions(doc)
	var out []LiveFinding
	for _, typ := range keyTypes {
		keys, _ := resources[typ].(map[string]any)
		for _, keyName := range slices.Sorted(maps.Keys(keys)) {
			found, err := compareLiveKey(ctx, name, code, resources, regions, idx, typ, keyName, keys[keyName], reader)
			out = append(out, found...)
			if err != nil {
				return out, err
			}
		}
	}
	return out, nil
}

// compareLiveKey compares one deployed key (of resource type typ) with
// the code.
func compareLiveKey(ctx context.Context, name string, code []byte, resources map[string]any, regions map[string]string, idx stateIndex, typ, keyName string, key any, reader KeyReader) ([]LiveFinding, error) {
	var out []LiveFinding
	addr := typ + "." + keyName
	args, _ := key.(map[string]any)
	deployed, ok := idx[addr]
	if !ok {
		out = append(out, LiveFinding{Stack: name, Key: addr, Kind: "state", Message: "not in the state: not deployed yet, or deployed from another state"})
		return out, nil
	}
	keyID, _ := deployed[keyIDAttribute(typ)].(string)
	provider, _ := args["provider"].(string)
	region := regions[provider]
	live, err := reader.ReadKey(ctx, region, keyID)
	if err != nil {
		return out, fmt.Errorf("stack %s: %s (key %s in %s): %w", name, addr, keyID, region, err)
	}
	f := func(kind, format string, a ...any) {
		out = append(out, LiveFinding{Stack: name, Key: addr, KeyID: keyID, Kind: kind, Message: fmt.Sprintf(format, a...)})
	}
	// Enabled, and not pending deletion.
	wantEnabled := true
	if v, ok := args["is_enabled"].(bool); ok {
		wantEnabled = v
	} else if v, ok := args["enabled"].(bool); ok { // aws_kms_external_key
		wantEnabled = v
	}
	switch {
	case live.KeyState == "PendingDeletion" || live.KeyState == "PendingReplicaDeletion":
		f("state", "the key is scheduled for deletion (%s) in AWS; the code keeps it", live.KeyState)
	case live.Enabled != wantEnabled:
		f("state", "the key is %s in AWS, %s in the code", enabledWord(live.Enabled), enabledWord(wantEnabled))
	}
	wantRotation, _ := args["enable_key_rotation"].(bool)
	if live.Rotation != wantRotation {
		f("rotation", "automatic rotation is %s in AWS, %s in the code", onWord(live.Rotation), onWord(wantRotation))
	}
	// Aliases.
	var wantAliases []string
	for _, a := range codeAliases(resources, addr, keyName) {
		wantAliases = append(wantAliases, a)
	}
	for _, a := range live.Aliases {
		if !slices.Contains(wantAliases, a) {
			f("alias", "alias %s points at the key in AWS; the code does not make it", a)
		}
	}
	for _, a := range wantAliases {
		if !slices.Contains(live.Aliases, a) {
			f("alias", "alias %s of the code does not point at the key in AWS", a)
		}
	}
	// Grants: the code's and the live ones, in the report's terms.
	codeGrants := codeGrantsOf(resources, addr, keyName)
	var unknown []LiveGrant
	for _, g := range live.Grants {
		if !slices.ContainsFunc(codeGrants, func(c codeGrant) bool { return c.matches(g) }) {
			unknown = append(unknown, g)
			f("grant", "grant %s%s is not in the code: %s may %s", g.ID, grantName(g), g.Grantee, strings.Join(g.Operations, ", "))
		}
	}
	for _, c := range codeGrants {
		if !slices.ContainsFunc(live.Grants, c.matches) {
			f("grant", "grant %s of the code is not on the key in AWS", c.address)
		}
	}
	// The policy.
	codePolicy := policyOf(args, resources, addr, deployed)
	policyDiffers := !sameJSON(codePolicy, live.Policy)
	if policyDiffers {
		f("policy", "the key policy in AWS differs from the code's")
	}
	if !policyDiffers && len(unknown) == 0 && !slices.ContainsFunc(codeGrants, func(c codeGrant) bool { return !slices.ContainsFunc(live.Grants, c.matches) }) {
		return out, nil
	}
	changes, err := accessChanges(name, code, typ, addr, keyName, live, codeGrants)
	if err != nil {
		return out, err
	}
	for i := range changes {
		c := changes[i]
		out = append(out, LiveFinding{Stack: name, Key: addr, KeyID: keyID, Kind: "access", Message: liveChangeText(c), Change: &c})
	}
	return out, nil
}

func enabledWord(b bool) string {
	if b {
		return "enabled"
	}
	return "disabled"
}

func onWord(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func grantName(g LiveGrant) string {
	if g.Name == "" {
		return ""
	}
	return " (" + g.Name + ")"
}

// providerRegions maps a resource's provider argument ("" for the default
// provider) to its region.
func providerRegions(doc map[string]any) map[string]string {
	out := map[string]string{}
	providers, _ := doc["provider"].(map[string]any)
	list, _ := providers["aws"].([]any)
	for _, p := range list {
		m, _ := p.(map[string]any)
		region, _ := m["region"].(string)
		if alias, ok := m["alias"].(string); ok {
			out["aws."+alias] = region
		} else {
			out[""] = region
		}
	}
	return out
}

// keyReference says whether a value names the key (its id, ARN or id
// attribute), as the code's aliases and grants do, once resolved or not.
func keyReference(v any, addr string, deployed map[string]any) bool {
	s, _ := v.(string)
	if s == "" {
		return false
	}
	for _, attr := range []string{"key_id", "arn", "id"} {
		if s == "${"+addr+"."+attr+"}" {
			return true
		}
		if d, _ := deployed[attr].(string); d != "" && s == d {
			return true
		}
	}
	return false
}

// codeAliases are the alias names the code points at the key.
func codeAliases(resources map[string]any, addr, keyName string) []string {
	var out []string
	aliases, _ := resources["aws_kms_alias"].(map[string]any)
	for _, n := range slices.Sorted(maps.Keys(aliases)) {
		a, _ := aliases[n].(map[string]any)
		target, _ := a["target_key_id"].(string)
		if strings.Contains(target, "${"+addr+".") {
			if name, ok := a["name"].(string); ok {
				out = append(out, name)
			}
		}
	}
	return out
}

// codeGrant is a native grant of the code.
type codeGrant struct {
	address, name, grantee string
	operations             []string
}

func (c codeGrant) matches(g LiveGrant) bool {
	ops := slices.Clone(g.Operations)
	want := slices.Clone(c.operations)
	slices.Sort(ops)
	slices.Sort(want)
	return (c.name == "" || c.name == g.Name) && c.grantee == g.Grantee && slices.Equal(ops, want)
}

// codeGrantsOf are the code's native grants on the key.
func codeGrantsOf(resources map[string]any, addr, keyName string) []codeGrant {
	var out []codeGrant
	grants, _ := resources["aws_kms_grant"].(map[string]any)
	for _, n := range slices.Sorted(maps.Keys(grants)) {
		g, _ := grants[n].(map[string]any)
		keyID, _ := g["key_id"].(string)
		if !strings.Contains(keyID, "${"+addr+".") {
			continue
		}
		c := codeGrant{address: "aws_kms_grant." + n}
		c.name, _ = g["name"].(string)
		c.grantee, _ = g["grantee_principal"].(string)
		ops, _ := g["operations"].([]any)
		for _, op := range ops {
			if s, ok := op.(string); ok {
				c.operations = append(c.operations, s)
			}
		}
		out = append(out, c)
	}
	return out
}

// policyOf is the code's policy of a key: its policy argument, or its
// aws_kms_key_policy's (key_policy_resource); where references remain
// that the state cannot answer, the policy Terraform last applied (the
// state's).
func policyOf(args, resources map[string]any, addr string, deployed map[string]any) string {
	p, _ := args["policy"].(string)
	if p == "" {
		policies, _ := resources["aws_kms_key_policy"].(map[string]any)
		for _, n := range slices.Sorted(maps.Keys(policies)) {
			kp, _ := policies[n].(map[string]any)
			if keyReference(kp["key_id"], addr, deployed) {
				p, _ = kp["policy"].(string)
			}
		}
	}
	if strings.Contains(p, "${") {
		if s, _ := deployed["policy"].(string); s != "" {
			return s
		}
	}
	return p
}

// sameJSON says whether two policy documents say the same: the same JSON,
// where a string and a list of that one string are the same element, and
// the order of a list of actions, resources or principals does not count.
func sameJSON(a, b string) bool {
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return a == b
	}
	xa, _ := json.Marshal(normalizePolicy(x))
	ya, _ := json.Marshal(normalizePolicy(y))
	return string(xa) == string(ya)
}

// normalizePolicy writes a policy's one-or-many elements as sorted lists.
func normalizePolicy(v any) any {
	doc, ok := v.(map[string]any)
	if !ok {
		return v
	}
	list := func(e any) any {
		var out []string
		switch x := e.(type) {
		case string:
			out = []string{x}
		case []any:
			for _, i := range x {
				s, ok := i.(string)
				if !ok {
					return e
				}
				out = append(out, s)
			}
		default:
			return e
		}
		slices.Sort(out)
		return out
	}
	statements, _ := doc["Statement"].([]any)
	if m, ok := doc["Statement"].(map[string]any); ok {
		statements = []any{m}
	}
	for _, s := range statements {
		st, ok := s.(map[string]any)
		if !ok {
			continue
		}
		for _, k := range []string{"Action", "NotAction", "Resource", "NotResource"} {
			if e, ok := st[k]; ok {
				st[k] = list(e)
			}
		}
		for _, k := range []string{"Principal", "NotPrincipal"} {
			if p, ok := st[k].(map[string]any); ok {
				for kind, e := range p {
					p[kind] = list(e)
				}
			}
		}
	}
	doc["Statement"] = statements
	return doc
}

// accessChanges builds the report of the key as the code says and as it
// is deployed (the live policy, the live grants) and returns how they
// differ: who may do what in AWS that the code does not say, and the
// other way round.
func accessChanges(stackName string, code []byte, typ, addr, keyName string, live *LiveKey, codeGrants []codeGrant) ([]Change, error) {
	var doc map[string]any
	if err := json.Unmarshal(code, &doc); err != nil {
		return nil, err
	}
	liveDoc := deepCopy(doc).(map[string]any)
	resources, _ := liveDoc["resource"].(map[string]any)
	keys, _ := resources[typ].(map[string]any)
	k, _ := keys[keyName].(map[string]any)
	// The live policy, as a Terraform template that is only a literal.
	k["policy"] = strings.NewReplacer("${", "$${", "%{", "%%{").Replace(live.Policy)
	if policies, ok := resources["aws_kms_key_policy"].(map[string]any); ok {
		for n, v := range policies {
			if kp, _ := v.(map[string]any); strings.Contains(fmt.Sprint(kp["key_id"]), "${"+addr+".") {
				delete(policies, n)
			}
		}
	}
	grants, _ := resources["aws_kms_grant"].(map[string]any)
	if grants == nil {
		grants = map[string]any{}
		resources["aws_kms_grant"] = grants
	}
	for _, c := range codeGrants {
		delete(grants, strings.TrimPrefix(c.address, "aws_kms_grant."))
	}
	for i, g := range live.Grants {
		args := map[string]any{"key_id": "${" + addr + "." + keyIDAttribute(typ) + "}", "grantee_principal": g.Grantee, "operations": anyStrings(g.Operations), "name": g.Name}
		if g.Retiring != "" {
			args["retiring_principal"] = g.Retiring
		}
		switch {
		case len(g.EncryptionContextEquals) > 0:
			args["constraints"] = []any{map[string]any{"encryption_context_equals": anyMap(g.EncryptionContextEquals)}}
		case len(g.EncryptionContextSubset) > 0:
			args["constraints"] = []any{map[string]any{"encryption_context_subset": anyMap(g.EncryptionContextSubset)}}
		}
		grants[fmt.Sprintf("live_%d_%s", i, safeName(g.ID))] = args
	}
	liveRaw, err := json.Marshal(liveDoc)
	if err != nil {
		return nil, err
	}
	codeReport, err := Build("the code", map[string][]byte{stackName: code})
	if err != nil {
		return nil, err
	}
	liveReport, err := Build("AWS", map[string][]byte{stackName: liveRaw})
	if err != nil {
		return nil, fmt.Errorf("stack %s: %s: the live policy or grants: %w", stackName, addr, err)
	}
	var out []Change
	for _, c := range Diff(codeReport, liveReport) {
		if c.Key == addr {
			out = append(out, c)
		}
	}
	return out, nil
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_-]`)

func safeName(s string) string { return unsafeName.ReplaceAllString(s, "_") }

func anyStrings(list []string) []any {
	out := make([]any, len(list))
	for i, s := range list {
		out[i] = s
	}
	return out
}

func anyMap(m map[string]string) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = deepCopy(e)
		}
		return out
	}
	return v
}

// liveChangeText says an access change between the code and AWS in words.
func liveChangeText(c Change) string {
	switch c.Kind {
	case "gains":
		return fmt.Sprintf("%s may %s in AWS, which the code does not allow: %s", c.Label, c.Action, c.AfterDetail)
	case "loses":
		return fmt.Sprintf("%s may not %s in AWS, which the code allows: %s", c.Label, c.Action, c.BeforeDetail)
	}
	return fmt.Sprintf("%s may %s under other terms in AWS: %s (the code: %s)", c.Label, c.Action, c.AfterDetail, c.BeforeDetail)
}

// WriteLiveText writes the findings for a person, per stack and key.
func WriteLiveText(w io.Writer, findings []LiveFinding) error {
	ew := &errWriter{w: w}
	if len(findings) == 0 {
		ew.printf("Every deployed key is as the code says.\n")
		return ew.err
	}
	sort.SliceStable(findings, func(i, j int) bool {
		a, b := findings[i], findings[j]
		if a.Stack != b.Stack {
			return a.Stack < b.Stack
		}
		return a.Key < b.Key
	})
	last := ""
	for _, f := range findings {
		if head := strings.TrimSpace(f.Stack + " " + f.Key); head != last {
			if last != "" {
				ew.printf("\n")
			}
			id := ""
			if f.KeyID != "" {
				id = " (key " + f.KeyID + ")"
			}
			ew.printf("%s%s\n", head, id)
			last = head
		}
		ew.printf("  %s\n", f.Message)
	}
	return ew.err
}

// LiveDifferencesExit is the exit status of -access -live when a deployed
// key differs from the code (0 when none does, 1 on an error).
const LiveDifferencesExit = 3
