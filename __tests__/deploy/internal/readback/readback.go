// Package readback reads what a deployed stack made in AWS (or the AWS API
// emulator) back through the AWS SDK for Go v2 and compares it with what was
// synthesized: for every KMS key, its policy (as parsed JSON), description,
// tags, key usage and spec, multi-Region flag, enabled state, rotation,
// aliases and native grants, and for every IAM role the construct made, its
// trust policy and inline policies. Expected values come from the
// synthesized cdk.tf.json, evaluated as Terraform evaluates it (references
// from the state), never from the read values.
package readback

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/cdktf-kms/cdktf-kms/__tests__/deploy/internal/tfresult"
	"github.com/cdktf-kms/cdktf-kms/internal/testutil/stackjson"
)

// Config returns an SDK configuration for the emulator at endpoint: static
// test credentials, the region, nothing read from the machine.
func Config(endpoint, region string) aws.Config {
	return aws.Config{
		Region:       region,
		Credentials:  credentials.NewStaticCredentialsProvider("testing", "testing", ""),
		BaseEndpoint: aws.String(endpoint),
		// The emulator answers at once or not at all.
		RetryMaxAttempts: 3,
	}
}

// Clients are the SDK clients of one emulator, one KMS client per region.
type Clients struct {
	Endpoint string
	mu       sync.Mutex
	kms      map[string]*kms.Client
	iam      *iam.Client
}

// NewClients returns clients for the emulator at endpoint.
func NewClients(endpoint string) *Clients {
	return &Clients{Endpoint: endpoint, kms: map[string]*kms.Client{}}
}

// KMS returns the KMS client of a region.
func (c *Clients) KMS(region string) *kms.Client {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.kms[region] == nil {
		c.kms[region] = kms.NewFromConfig(Config(c.Endpoint, region))
	}
	return c.kms[region]
}

// IAM returns the IAM client.
func (c *Clients) IAM() *iam.Client {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.iam == nil {
		c.iam = iam.NewFromConfig(Config(c.Endpoint, "us-east-1"))
	}
	return c.iam
}

// Stack is a synthesized stack, cdk.tf.json parsed.
type Stack map[string]any

// Resources returns the resources of one type by name, without cdktf's
// "//" metadata.
func (s Stack) Resources(typ string) map[string]map[string]any {
	block, _ := s["resource"].(map[string]any)
	return stackjson.ResourcesOf(block, typ)
}

// Region returns the region of the provider a resource uses ("" for the
// default provider, "aws.<alias>" for an aliased one).
func (s Stack) Region(providerRef string) string {
	alias := strings.TrimPrefix(providerRef, "aws.")
	if providerRef == "" {
		alias = ""
	}
	block, _ := s["provider"].(map[string]any)
	list, _ := block["aws"].([]any)
	for _, p := range list {
		m, _ := p.(map[string]any)
		a, _ := m["alias"].(string)
		if a == alias {
			r, _ := m["region"].(string)
			return r
		}
	}
	return ""
}

// Options adjust what is expected where the deployment differs from the
// synthesized stack on purpose (the emulator's gaps).
type Options struct {
	// Policy returns the policy template that was applied for a key, when
	// it is not the synthesized one; nil or "" means the synthesized one.
	Policy func(address, synthesized string) string
	// RotationPeriodUnreported says that the API does not return a key's
	// rotation period, so it is not compared.
	RotationPeriodUnreported bool
}

// Mismatch is one value read back that differs from the synthesized one.
type Mismatch struct {
	Address, What string
	Want, Got     any
}

func (m Mismatch) String() string {
	return fmt.Sprintf("%s: %s: want %s, got %s", m.Address, m.What, show(m.Want), show(m.Got))
}

func show(v any) string {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(raw)
}

// refPattern finds the key a synthesized reference names: ${aws_kms_key.<name>.<attr>}.
var refPattern = regexp.MustCompile(`\$\{aws_kms_key\.([A-Za-z0-9_-]+)\.(?:key_id|arn|id)\}`)

// keyOf returns the name of the aws_kms_key a synthesized argument refers to.
func keyOf(v any) string {
	s, _ := v.(string)
	if m := refPattern.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	return ""
}

// Keys reads back every aws_kms_key of the stack that is in the state and
// compares it with the synthesized one. It returns the mismatches; an error
// means a read failed.
func Keys(ctx context.Context, c *Clients, stack Stack, state *tfjson.State, opts Options) ([]Mismatch, error) {
	var out []Mismatch
	for _, k := range deployedKeys(stack, state) {
		if k.id == "" {
			return out, fmt.Errorf("%s has no key_id in the state", k.addr)
		}
		m, err := key(ctx, c.KMS(k.region), k.addr, k.id, k.args, stack, k.name, state, opts)
		out = append(out, m...)
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// deployedKey is an aws_kms_key of a stack that is in the state.
type deployedKey struct {
	name, addr, id, region string
	args                   map[string]any
}

// deployedKeys returns the stack's aws_kms_key resources that are in the
// state, by name, with their key ids and regions.
func deployedKeys(stack Stack, state *tfjson.State) []deployedKey {
	inState := tfresult.StateResources(state)
	keys := stack.Resources("aws_kms_key")
	var out []deployedKey
	for _, name := range slices.Sorted(maps.Keys(keys)) {
		addr := "aws_kms_key." + name
		res, ok := inState[addr]
		if !ok {
			continue
		}
		id, _ := res.AttributeValues["key_id"].(string)
		provider, _ := keys[name]["provider"].(string)
		out = append(out, deployedKey{name, addr, id, stack.Region(provider), keys[name]})
	}
	return out
}

// key reads back one key.
func key(ctx context.Context, client *kms.Client, addr, keyID string, args map[string]any, stack Stack, name string, state *tfjson.State, opts Options) ([]Mismatch, error) {
	var out []Mismatch
	check := func(what string, want, got any) {
		if !reflect.DeepEqual(want, got) {
			out = append(out, Mismatch{addr, what, want, got})
		}
	}
	eval := func(what string) (string, error) {
		s, _ := args[what].(string)
		v, err := tfresult.Evaluate(s, state)
		if err != nil {
			return "", fmt.Errorf("%s: %s: %w", addr, what, err)
		}
		return v, nil
	}

	desc, err := client.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(keyID)})
	if err != nil {
		return out, fmt.Errorf("%s: DescribeKey %s: %w", addr, keyID, err)
	}
	md := desc.KeyMetadata
	wantDescription, err := eval("description")
	if err != nil {
		return out, err
	}
	check("description", wantDescription, aws.ToString(md.Description))
	check("key usage", stringOr(args["key_usage"], "ENCRYPT_DECRYPT"), string(md.KeyUsage))
	check("key spec", stringOr(args["customer_master_key_spec"], "SYMMETRIC_DEFAULT"), string(md.KeySpec))
	check("multi-Region", boolOr(args["multi_region"], false), aws.ToBool(md.MultiRegion))
	wantEnabled := boolOr(args["is_enabled"], true)
	check("enabled", wantEnabled, md.Enabled)
	wantState := kmstypes.KeyStateEnabled
	if !wantEnabled {
		wantState = kmstypes.KeyStateDisabled
	}
	check("key state", string(wantState), string(md.KeyState))

	policyTemplate, _ := args["policy"].(string)
	policyAddr := addr
	if policyTemplate == "" {
		// The policy is a resource of its own (key_policy_resource).
		for n, p := range stack.Resources("aws_kms_key_policy") {
			if p["key_id"] == "${aws_kms_key."+name+".key_id}" {
				policyTemplate, _ = p["policy"].(string)
				policyAddr = "aws_kms_key_policy." + n
			}
		}
	}
	if opts.Policy != nil {
		if p := opts.Policy(policyAddr, policyTemplate); p != "" {
			policyTemplate = p
		}
	}
	wantPolicyText, err := tfresult.Evaluate(policyTemplate, state)
	if err != nil {
		return out, fmt.Errorf("%s: policy: %w", addr, err)
	}
	pol, err := client.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(keyID), PolicyName: aws.String("default")})
	if err != nil {
		return out, fmt.Errorf("%s: GetKeyPolicy: %w", addr, err)
	}
	wantPolicy, err1 := parseJSON(wantPolicyText)
	gotPolicy, err2 := parseJSON(aws.ToString(pol.Policy))
	if err := errors.Join(err1, err2); err != nil {
		return out, fmt.Errorf("%s: policy: %w", addr, err)
	}
	check("policy", wantPolicy, gotPolicy)

	wantTags := map[string]string{}
	if tags, ok := args["tags"].(map[string]any); ok {
		for k, v := range tags {
			s, _ := v.(string)
			if wantTags[k], err = tfresult.Evaluate(s, state); err != nil {
				return out, fmt.Errorf("%s: tag %s: %w", addr, k, err)
			}
		}
	}
	gotTags := map[string]string{}
	tagPages := kms.NewListResourceTagsPaginator(client, &kms.ListResourceTagsInput{KeyId: aws.String(keyID)})
	for tagPages.HasMorePages() {
		page, err := tagPages.NextPage(ctx)
		if err != nil {
			return out, fmt.Errorf("%s: ListResourceTags: %w", addr, err)
		}
		for _, t := range page.Tags {
			gotTags[aws.ToString(t.TagKey)] = aws.ToString(t.TagValue)
		}
	}
	check("tags", wantTags, gotTags)

	rot, err := client.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: aws.String(keyID)})
	if err != nil {
		return out, fmt.Errorf("%s: GetKeyRotationStatus: %w", addr, err)
	}
	check("rotation enabled", boolOr(args["enable_key_rotation"], false), rot.KeyRotationEnabled)
	if period, ok := args["rotation_period_in_days"].(float64); ok && !opts.RotationPeriodUnreported {
		check("rotation period", int32(period), aws.ToInt32(rot.RotationPeriodInDays))
	}

	// Aliases: exactly the synthesized ones that target this key.
	var wantAliases []string
	for _, a := range stack.Resources("aws_kms_alias") {
		if keyOf(a["target_key_id"]) != name {
			continue
		}
		n, _ := a["name"].(string)
		v, err := tfresult.Evaluate(n, state)
		if err != nil {
			return out, fmt.Errorf("%s: alias %s: %w", addr, n, err)
		}
		wantAliases = append(wantAliases, v)
	}
	gotAliases, err := Aliases(ctx, client, keyID)
	if err != nil {
		return out, fmt.Errorf("%s: %w", addr, err)
	}
	sort.Strings(wantAliases)
	check("aliases", nonNil(wantAliases), nonNil(gotAliases))

	// Native grants: exactly the synthesized ones on this key, by name.
	wantGrants := map[string]grant{}
	for _, g := range stack.Resources("aws_kms_grant") {
		if keyOf(g["key_id"]) != name {
			continue
		}
		gr, err := synthesizedGrant(g, state)
		if err != nil {
			return out, fmt.Errorf("%s: grant: %w", addr, err)
		}
		wantGrants[gr.Name] = gr
	}
	gotGrants := map[string]grant{}
	grantPages := kms.NewListGrantsPaginator(client, &kms.ListGrantsInput{KeyId: aws.String(keyID)})
	for grantPages.HasMorePages() {
		page, err := grantPages.NextPage(ctx)
		if err != nil {
			return out, fmt.Errorf("%s: ListGrants: %w", addr, err)
		}
		for _, g := range page.Grants {
			gr := grant{
				Name:              aws.ToString(g.Name),
				GranteePrincipal:  aws.ToString(g.GranteePrincipal),
				RetiringPrincipal: aws.ToString(g.RetiringPrincipal),
			}
			for _, op := range g.Operations {
				gr.Operations = append(gr.Operations, string(op))
			}
			sort.Strings(gr.Operations)
			if g.Constraints != nil {
				gr.ContextEquals = nonEmpty(g.Constraints.EncryptionContextEquals)
				gr.ContextSubset = nonEmpty(g.Constraints.EncryptionContextSubset)
			}
			gotGrants[gr.Name] = gr
		}
	}
	check("grants", wantGrants, gotGrants)
	return out, nil
}

// Aliases returns the names of the aliases of a key, sorted.
func Aliases(ctx context.Context, client *kms.Client, keyID string) ([]string, error) {
	var out []string
	pages := kms.NewListAliasesPaginator(client, &kms.ListAliasesInput{KeyId: aws.String(keyID)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("ListAliases: %w", err)
		}
		for _, a := range page.Aliases {
			out = append(out, aws.ToString(a.AliasName))
		}
	}
	sort.Strings(out)
	return out, nil
}

// grant is a native grant as compared.
type grant struct {
	Name, GranteePrincipal, RetiringPrincipal string
	Operations                                []string
	ContextEquals, ContextSubset              map[string]string
}

// synthesizedGrant evaluates a synthesized aws_kms_grant.
func synthesizedGrant(args map[string]any, state *tfjson.State) (grant, error) {
	var g grant
	var errs []error
	str := func(what string) string {
		s, _ := args[what].(string)
		v, err := tfresult.Evaluate(s, state)
		errs = append(errs, err)
		return v
	}
	g.Name = str("name")
	g.GranteePrincipal = str("grantee_principal")
	if _, ok := args["retiring_principal"]; ok {
		g.RetiringPrincipal = str("retiring_principal")
	}
	ops, _ := args["operations"].([]any)
	for _, op := range ops {
		s, _ := op.(string)
		g.Operations = append(g.Operations, s)
	}
	sort.Strings(g.Operations)
	constraints, _ := args["constraints"].([]any)
	for _, c := range constraints {
		m, _ := c.(map[string]any)
		ctxMap := func(what string) map[string]string {
			in, _ := m[what].(map[string]any)
			if len(in) == 0 {
				return nil
			}
			out := map[string]string{}
			for k, v := range in {
				s, _ := v.(string)
				ev, err := tfresult.Evaluate(s, state)
				errs = append(errs, err)
				out[k] = ev
			}
			return out
		}
		g.ContextEquals = ctxMap("encryption_context_equals")
		g.ContextSubset = ctxMap("encryption_context_subset")
	}
	return g, errors.Join(errs...)
}

// Roles reads back every aws_iam_role of the stack that is in the state:
// its trust policy, and the inline policies (aws_iam_role_policy) and
// managed policy attachments the stack gives it.
func Roles(ctx context.Context, c *Clients, stack Stack, state *tfjson.State) ([]Mismatch, error) {
	inState := tfresult.StateResources(state)
	var out []Mismatch
	roles := stack.Resources("aws_iam_role")
	policies := stack.Resources("aws_iam_role_policy")
	attachments := stack.Resources("aws_iam_role_policy_attachment")
	for _, name := range slices.Sorted(maps.Keys(roles)) {
		addr := "aws_iam_role." + name
		if _, ok := inState[addr]; !ok {
			continue
		}
		args := roles[name]
		check := func(what string, want, got any) {
			if !reflect.DeepEqual(want, got) {
				out = append(out, Mismatch{addr, what, want, got})
			}
		}
		roleName, err := evalArg(args, "name", state)
		if err != nil {
			return out, fmt.Errorf("%s: %w", addr, err)
		}
		role, err := c.IAM().GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(roleName)})
		if err != nil {
			return out, fmt.Errorf("%s: GetRole %s: %w", addr, roleName, err)
		}
		wantTrust, err := evalJSONArg(args, "assume_role_policy", state)
		if err != nil {
			return out, fmt.Errorf("%s: %w", addr, err)
		}
		gotTrust, err := parseJSON(policyDocument(aws.ToString(role.Role.AssumeRolePolicyDocument)))
		if err != nil {
			return out, fmt.Errorf("%s: trust policy: %w", addr, err)
		}
		check("trust policy", wantTrust, gotTrust)
		if _, ok := args["path"]; ok {
			p, err := evalArg(args, "path", state)
			if err != nil {
				return out, err
			}
			check("path", p, aws.ToString(role.Role.Path))
		}

		// Inline policies the stack puts on this role, by name.
		want := map[string]any{}
		for pname, p := range policies {
			if !refersTo(p["role"], "aws_iam_role."+name) || !inStateAddr(inState, "aws_iam_role_policy."+pname) {
				continue
			}
			n, err := evalArg(p, "name", state)
			if err != nil {
				return out, err
			}
			if want[n], err = evalJSONArg(p, "policy", state); err != nil {
				return out, fmt.Errorf("aws_iam_role_policy.%s: %w", pname, err)
			}
		}
		got := map[string]any{}
		list, err := c.IAM().ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String(roleName)})
		if err != nil {
			return out, fmt.Errorf("%s: ListRolePolicies: %w", addr, err)
		}
		for _, n := range list.PolicyNames {
			p, err := c.IAM().GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(roleName), PolicyName: aws.String(n)})
			if err != nil {
				return out, fmt.Errorf("%s: GetRolePolicy %s: %w", addr, n, err)
			}
			if got[n], err = parseJSON(policyDocument(aws.ToString(p.PolicyDocument))); err != nil {
				return out, fmt.Errorf("%s: inline policy %s: %w", addr, n, err)
			}
		}
		check("inline policies", want, got)

		var wantAttached []string
		for aname, a := range attachments {
			if !refersTo(a["role"], "aws_iam_role."+name) || !inStateAddr(inState, "aws_iam_role_policy_attachment."+aname) {
				continue
			}
			arn, err := evalArg(a, "policy_arn", state)
			if err != nil {
				return out, err
			}
			wantAttached = append(wantAttached, arn)
		}
		att, err := c.IAM().ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(roleName)})
		if err != nil {
			return out, fmt.Errorf("%s: ListAttachedRolePolicies: %w", addr, err)
		}
		var gotAttached []string
		for _, p := range att.AttachedPolicies {
			gotAttached = append(gotAttached, aws.ToString(p.PolicyArn))
		}
		sort.Strings(wantAttached)
		sort.Strings(gotAttached)
		check("managed policies", nonNil(wantAttached), nonNil(gotAttached))
	}
	return out, nil
}

// KeysDeleted checks that every key of the stack that was in the state is
// scheduled for deletion after the synthesized deletion window (default 30
// days) and has no aliases left.
func KeysDeleted(ctx context.Context, c *Clients, stack Stack, state *tfjson.State) ([]Mismatch, error) {
	var out []Mismatch
	for _, k := range deployedKeys(stack, state) {
		addr, keyID := k.addr, k.id
		client := c.KMS(k.region)
		desc, err := client.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(keyID)})
		if err != nil {
			return out, fmt.Errorf("%s: DescribeKey %s: %w", addr, keyID, err)
		}
		if desc.KeyMetadata.KeyState != kmstypes.KeyStatePendingDeletion {
			out = append(out, Mismatch{addr, "key state after destroy", string(kmstypes.KeyStatePendingDeletion), string(desc.KeyMetadata.KeyState)})
		}
		window := 30.0
		if w, ok := k.args["deletion_window_in_days"].(float64); ok {
			window = w
		}
		if d := desc.KeyMetadata.DeletionDate; d == nil {
			out = append(out, Mismatch{addr, "days until deletion", window, "no deletion date"})
		} else if days := time.Until(*d).Hours() / 24; days < window-1 || days > window+1 {
			out = append(out, Mismatch{addr, "days until deletion", window, days})
		}
		aliases, err := Aliases(ctx, client, keyID)
		if err != nil {
			return out, err
		}
		if len(aliases) > 0 {
			out = append(out, Mismatch{addr, "aliases after destroy", []string{}, aliases})
		}
	}
	return out, nil
}

func inStateAddr(m map[string]*tfjson.StateResource, addr string) bool { _, ok := m[addr]; return ok }

// refersTo says whether a synthesized argument refers to the resource addr.
func refersTo(v any, addr string) bool {
	s, _ := v.(string)
	return strings.Contains(s, "${"+addr+".")
}

func evalArg(args map[string]any, what string, state *tfjson.State) (string, error) {
	s, _ := args[what].(string)
	v, err := tfresult.Evaluate(s, state)
	if err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	return v, nil
}

func evalJSONArg(args map[string]any, what string, state *tfjson.State) (any, error) {
	s, err := evalArg(args, what, state)
	if err != nil {
		return nil, err
	}
	v, err := parseJSON(s)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return v, nil
}

// policyDocument undoes the URL encoding IAM applies to policy documents
// (the SDK returns them as IAM sends them).
func policyDocument(s string) string {
	if strings.HasPrefix(s, "%7B") || strings.HasPrefix(s, "%7b") {
		if u, err := url.QueryUnescape(s); err == nil {
			return u
		}
	}
	return s
}

func parseJSON(s string) (any, error) {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return nil, fmt.Errorf("not JSON: %v: %q", err, s)
	}
	return v, nil
}

func stringOr(v any, d string) string {
	if s, ok := v.(string); ok && s != "" {
		return s
	}
	return d
}

func boolOr(v any, d bool) bool {
	if b, ok := v.(bool); ok {
		return b
	}
	return d
}

func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

func nonEmpty(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}
