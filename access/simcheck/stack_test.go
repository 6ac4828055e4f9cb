package simcheck

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cdktf-kms/cdktf-kms/access"
	"github.com/cdktf-kms/cdktf-kms/internal/tfrender"
)

// stackInputs is what the simulator gets from a stack: the key policies
// and, for each IAM identity of the stack, its policies and permissions
// boundary, with references to the stack's keys and identities replaced by
// the ARNs the report uses.
type stackInputs struct {
	keyPolicies map[string]any
	keyARNs     map[string]string
	// identities by identity: "role|name", "user|name", "group|name".
	identities map[string]*identityInputs
}

// identityInputs is what applies to one identity of the stack.
type identityInputs struct {
	// policies are the documents that apply to it: inline policies
	// (aws_iam_*_policy, inline_policy blocks), attached aws_iam_policy
	// documents of the stack, and the AWS managed policies the test knows
	// (awsManagedDocuments).
	policies []identityPolicyJ
	// external are attached policies whose document the stack does not
	// define: their ARNs (or references) as written.
	external []string
	// boundary is its permissions boundary when the stack defines it;
	// boundaryExternal the ARN (or reference) of one it does not define.
	boundary         *identityPolicyJ
	boundaryExternal string
}

var refPattern = regexp.MustCompile(`\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)\}`)

// awsManagedPattern matches the ARN of an AWS managed policy; its group is
// the policy's path and name.
var awsManagedPattern = regexp.MustCompile(`^arn:[a-z-]+:iam::aws:policy/(.+)$`)

// awsManagedDocuments are the AWS managed policies the predefined roles
// are documented with, and their statements (AWS Managed Policy Reference
// Guide): none allows a KMS action, so the simulator gets them as they
// are. Any other AWS managed policy is one the stack does not define.
var awsManagedDocuments = map[string][]any{
	"service-role/AWSLambdaBasicExecutionRole": {map[string]any{"Effect": "Allow", "Resource": "*",
		"Action": []any{"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"}}},
	"service-role/AWSLambdaVPCAccessExecutionRole": {map[string]any{"Effect": "Allow", "Resource": "*",
		"Action": []any{"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "ec2:CreateNetworkInterface",
			"ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses",
			"ec2:UnassignPrivateIpAddresses"}}},
	"service-role/AmazonECSTaskExecutionRolePolicy": {map[string]any{"Effect": "Allow", "Resource": "*",
		"Action": []any{"ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage",
			"logs:CreateLogStream", "logs:PutLogEvents"}}},
	"AWSXRayDaemonWriteAccess": {map[string]any{"Effect": "Allow", "Resource": "*",
		"Action": []any{"xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets",
			"xray:GetSamplingStatisticSummaries"}}},
}

// readStack reads a stack's Terraform JSON on its own (not with the
// report's parser).
func readStack(t *testing.T, name string, raw []byte) stackInputs {
	t.Helper()
	var doc struct {
		Provider map[string][]map[string]any          `json:"provider"`
		Resource map[string]map[string]map[string]any `json:"resource"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	regions := map[string]string{}
	for _, p := range doc.Provider["aws"] {
		alias, _ := p["alias"].(string)
		key := "aws"
		if alias != "" {
			key = "aws." + alias
		}
		regions[key], _ = p["region"].(string)
	}
	in := stackInputs{keyPolicies: map[string]any{}, keyARNs: map[string]string{}, identities: map[string]*identityInputs{}}
	render := func(s string) string {
		out, err := tfrender.Render(s)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return out
	}
	str := func(args map[string]any, key string) string {
		s, _ := args[key].(string)
		return render(s)
	}
	// The key's account and partition: the account root of its policy.
	rootPattern := regexp.MustCompile(`"arn:([a-z-]+):iam::([0-9]{12}):root"`)
	account, partition := "", "aws"
	for _, typ := range []string{"aws_kms_key", "aws_kms_replica_key"} {
		for n, args := range doc.Resource[typ] {
			policy := render(fmt.Sprint(args["policy"]))
			if m := rootPattern.FindStringSubmatch(policy); m != nil && account == "" {
				partition, account = m[1], m[2]
			}
			provider, _ := args["provider"].(string)
			if provider == "" {
				provider = "aws"
			}
			in.keyARNs[typ+"."+n] = access.KeyARN(partition, regions[provider], account)
		}
	}
	iamARN := func(typ, n string) string {
		args := doc.Resource[typ][n]
		path := str(args, "path")
		if path == "" {
			path = "/"
		}
		return fmt.Sprintf("arn:%s:iam::%s:%s%s%s", partition, account, strings.TrimPrefix(typ, "aws_iam_"), path, str(args, "name"))
	}
	substitute := func(s string) string {
		return refPattern.ReplaceAllStringFunc(s, func(ref string) string {
			m := refPattern.FindStringSubmatch(ref)
			address := m[1] + "." + m[2]
			if arn, ok := in.keyARNs[address]; ok && m[3] == "arn" {
				return arn
			}
			if (m[1] == "aws_iam_role" || m[1] == "aws_iam_user" || m[1] == "aws_iam_group") && m[3] == "arn" {
				return iamARN(m[1], m[2])
			}
			return ref
		})
	}
	document := func(what, text string) any {
		var v any
		if err := json.Unmarshal([]byte(substitute(text)), &v); err != nil {
			t.Fatalf("%s: %s: %v", name, what, err)
		}
		return v
	}
	for _, typ := range []string{"aws_kms_key", "aws_kms_replica_key"} {
		for n, args := range doc.Resource[typ] {
			in.keyPolicies[typ+"."+n] = document(typ+"."+n+" policy", render(fmt.Sprint(args["policy"])))
		}
	}
	// The stack's managed policies (aws_iam_policy), by address.
	managed := map[string]any{}
	for n, args := range doc.Resource["aws_iam_policy"] {
		managed["aws_iam_policy."+n] = document("aws_iam_policy."+n, str(args, "policy"))
	}
	// policyOf is the document a policy ARN stands for: an aws_iam_policy
	// of the stack (a reference to its ARN) or an AWS managed policy the
	// test knows; ok is false for any other.
	policyOf := func(arn string) (identityPolicyJ, bool) {
		if m := refPattern.FindStringSubmatch(arn); m != nil && m[0] == arn && m[1] == "aws_iam_policy" && m[3] == "arn" {
			if d, ok := managed[m[1]+"."+m[2]]; ok {
				return identityPolicyJ{Name: m[1] + "." + m[2], Policy: d}, true
			}
		}
		if m := awsManagedPattern.FindStringSubmatch(arn); m != nil {
			if statements, ok := awsManagedDocuments[m[1]]; ok {
				return identityPolicyJ{Name: arn, Policy: map[string]any{"Version": "2012-10-17", "Statement": statements}}, true
			}
		}
		return identityPolicyJ{}, false
	}
	identity := func(kind, name string) *identityInputs {
		id := in.identities[kind+"|"+name]
		if id == nil {
			id = &identityInputs{}
			in.identities[kind+"|"+name] = id
		}
		return id
	}
	// target is the name of the identity an argument names: a reference to
	// a role, user or group of the stack, or its name.
	target := func(v string) string {
		if m := refPattern.FindStringSubmatch(v); m != nil && m[0] == v {
			if res, ok := doc.Resource[m[1]][m[2]]; ok {
				return str(res, "name")
			}
		}
		return v
	}
	attach := func(id *identityInputs, arn string) {
		if p, ok := policyOf(arn); ok {
			id.policies = append(id.policies, p)
		} else {
			id.external = append(id.external, arn)
		}
	}
	for _, kind := range []string{"role", "user", "group"} {
		typ := "aws_iam_" + kind
		for _, n := range slices.Sorted(maps.Keys(doc.Resource[typ])) {
			args := doc.Resource[typ][n]
			id := identity(kind, str(args, "name"))
			if b := str(args, "permissions_boundary"); b != "" {
				if m := refPattern.FindStringSubmatch(b); m != nil && m[0] == b && m[1] == "aws_iam_policy" && m[3] == "arn" && managed[m[1]+"."+m[2]] != nil {
					id.boundary = &identityPolicyJ{Name: m[1] + "." + m[2], Policy: managed[m[1]+"."+m[2]]}
				} else {
					id.boundaryExternal = b
				}
			}
			list, _ := args["managed_policy_arns"].([]any)
			for _, v := range list {
				s, _ := v.(string)
				attach(id, render(s))
			}
			blocks, _ := args["inline_policy"].([]any)
			for i, b := range blocks {
				m, _ := b.(map[string]any)
				if p := str(m, "policy"); p != "" {
					what := fmt.Sprintf("%s.%s inline_policy %d", typ, n, i)
					id.policies = append(id.policies, identityPolicyJ{Name: what, Policy: document(what, p)})
				}
			}
		}
	}
	for _, kind := range []string{"role", "user", "group"} {
		typ := "aws_iam_" + kind + "_policy"
		for _, n := range slices.Sorted(maps.Keys(doc.Resource[typ])) {
			args := doc.Resource[typ][n]
			id := identity(kind, target(str(args, kind)))
			id.policies = append(id.policies, identityPolicyJ{Name: typ + "." + n, Policy: document(typ+"."+n, str(args, "policy"))})
		}
		typ = "aws_iam_" + kind + "_policy_attachment"
		for _, n := range slices.Sorted(maps.Keys(doc.Resource[typ])) {
			args := doc.Resource[typ][n]
			attach(identity(kind, target(str(args, kind))), str(args, "policy_arn"))
		}
	}
	// aws_iam_policy_attachment attaches one policy to lists of roles,
	// users and groups.
	for _, n := range slices.Sorted(maps.Keys(doc.Resource["aws_iam_policy_attachment"])) {
		args := doc.Resource["aws_iam_policy_attachment"][n]
		for _, kind := range []string{"role", "user", "group"} {
			list, _ := args[kind+"s"].([]any)
			for _, v := range list {
				s, _ := v.(string)
				attach(identity(kind, target(render(s))), str(args, "policy_arn"))
			}
		}
	}
	return in
}

// simulated is how the test puts a row to the simulator.
type simulated struct {
	principal string
	// facts are what AWS puts in every request of the principal, and
	// absent the keys it never puts in; loose the keys it puts in whose
	// value is the test's choice (the ARN of a stand-in for an account's
	// identities).
	facts, loose map[string]any
	absent       []string
	identityInputs
	// unknownIdentity: the principal's IAM policies are not the stack's
	// (an account's identities, a principal of another account), so they
	// may allow anything.
	unknownIdentity bool
}

func (s simulated) context() map[string]any {
	out := maps.Clone(s.facts)
	maps.Copy(out, s.loose)
	return out
}

// start is a witness with the facts fixed.
func (s simulated) start() ctx { return s.startWithout() }

// startWithout is a witness with the facts fixed but the keys named,
// which it may choose values of.
func (s simulated) startWithout(keys ...string) ctx {
	facts := maps.Clone(s.facts)
	for _, k := range keys {
		delete(facts, k)
	}
	c := newCtx(facts)
	for _, k := range s.absent {
		if !slices.Contains(keys, k) {
			c.set(k, nil)
		}
	}
	for k, v := range s.loose {
		c.loose(k, v)
	}
	for _, k := range keys {
		if v, ok := s.facts[k]; ok {
			c.loose(k, v)
		}
	}
	return c
}

// factsOn says what the facts decide of the keys of conditions: their
// values, or absent.
func (s simulated) factsOn(conds []access.Condition) string {
	c := s.start()
	var out []string
	for _, cond := range conds {
		if v, fixed := c.value(cond.Key); fixed && cond.Kind == access.CondPolicy {
			if v == nil {
				out = append(out, cond.Key+" absent")
			} else {
				out = append(out, fmt.Sprintf("%s %v", cond.Key, v))
			}
		}
	}
	return strings.Join(slices.Compact(out), ", ")
}

// The keys AWS puts in no request of an IAM principal, and in no request of
// an AWS service principal (IAM User Guide, "AWS global condition context
// keys": the source keys are "only available when the call to your
// resource is made directly by an AWS service principal"; the principal
// keys describe the IAM principal and its organization).
var (
	serviceOnlyKeys   = []string{"aws:SourceAccount", "aws:SourceArn", "aws:SourceOrgID", "aws:SourceOrgPaths", "aws:PrincipalServiceName"}
	iamPrincipalsKeys = []string{"aws:PrincipalArn", "aws:PrincipalAccount", "aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:userid", "aws:username"}
)

// simulatedPrincipal picks the request's principal for a row, the facts
// AWS puts in its requests, and what of the stack applies to it (for an
// identity of the key's account).
func simulatedPrincipal(k access.Key, p access.Principal, in stackInputs) (simulated, bool) {
	iam := func(arn, account, principalArn string) simulated {
		s := simulated{principal: arn, facts: map[string]any{
			"aws:SecureTransport": "true", "aws:PrincipalIsAWSService": "false",
			"aws:PrincipalAccount": account, "kms:CallerAccount": account,
		}}
		if principalArn != "" {
			s.facts["aws:PrincipalArn"] = principalArn
		} else {
			s.loose = map[string]any{"aws:PrincipalArn": arn}
		}
		s.absent = serviceOnlyKeys
		s.unknownIdentity = account != k.Account
		return s
	}
	stack := func(s *simulated, kind, name string) {
		if id := in.identities[kind+"|"+name]; id != nil && p.Account == k.Account {
			s.identityInputs = *id
		}
	}
	name := func(arn string) string { return arn[strings.LastIndex(arn, "/")+1:] }
	switch p.Kind {
	case access.KindAccount:
		// (The ARN of a stand-in is no fact: a witness may choose it.)
		arn := fmt.Sprintf("arn:%s:iam::%s:role/access-report-identity", k.Partition, p.Account)
		s := iam(arn, p.Account, "")
		s.unknownIdentity = true
		return s, true
	case access.KindAnyone:
		arn := fmt.Sprintf("arn:%s:iam::%s:role/access-report-anyone", k.Partition, k.Account)
		return iam(arn, k.Account, ""), true
	case access.KindRole, access.KindUser:
		s := iam(p.ID, p.Account, p.ID)
		stack(&s, p.Kind, name(p.ID))
		return s, true
	case access.KindAssumedRole:
		parts := strings.Split(p.ID, "/")
		role := parts[len(parts)-2]
		s := iam(p.ID, p.Account, fmt.Sprintf("arn:%s:iam::%s:role/%s", k.Partition, p.Account, role))
		stack(&s, "role", role)
		return s, true
	case access.KindGroup:
		// A member: a user with the group's policies (a boundary is the
		// user's, not the group's).
		arn := fmt.Sprintf("arn:%s:iam::%s:user/access-report-member", k.Partition, p.Account)
		s := iam(arn, p.Account, "")
		stack(&s, "group", name(p.ID))
		s.boundary, s.boundaryExternal = nil, ""
		return s, true
	case access.KindService:
		return simulated{principal: p.ID, facts: map[string]any{"aws:SecureTransport": "true", "aws:PrincipalIsAWSService": "true"},
			absent: iamPrincipalsKeys}, true
	}
	return simulated{}, false
}

// allowsNothing is the stand-in of a permissions boundary the stack does
// not define when it must not allow the action: it allows only an action
// no report column has.
var allowsNothing = map[string]any{"Version": "2012-10-17", "Statement": []any{
	map[string]any{"Effect": "Allow", "Action": "sts:GetCallerIdentity", "Resource": "*"}}}

// allowsAction is the stand-in of a policy the stack does not define when
// it allows the action on the key.
func allowsAction(action, keyARN string) map[string]any {
	return map[string]any{"Version": "2012-10-17", "Statement": []any{
		map[string]any{"Effect": "Allow", "Action": action, "Resource": keyARN}}}
}

// request completes a request of the principal with the witness c: its
// context, and the policies the stack does not define as c says (an IAM
// policy of the principal's own, attached policies, a boundary), each
// allowing the action on the key or not. One that c leaves open does not
// allow it, unless permissive: then each the principal may have allows it
// (what a check that expects a denial must withstand).
func (s simulated) request(base request, c ctx, permissive bool) request {
	req := base
	req.Context = c.values
	req.IdentityPolicies = slices.Clone(s.policies)
	allows := func(name string, possible bool) bool {
		if v, ok := c.allows[name]; ok {
			return v
		}
		return permissive && possible
	}
	if allows(unknownIAM, s.unknownIdentity) {
		req.IdentityPolicies = append(req.IdentityPolicies, identityPolicyJ{Name: "access-report-witness", Policy: allowsAction(base.Action, base.Resource)})
	}
	for _, arn := range s.external {
		if allows(externalPolicy(arn), true) {
			req.IdentityPolicies = append(req.IdentityPolicies, identityPolicyJ{Name: arn, Policy: allowsAction(base.Action, base.Resource)})
		}
	}
	switch {
	case s.boundary != nil:
		req.PermissionBoundaries = []identityPolicyJ{*s.boundary}
	case s.boundaryExternal != "":
		doc := allowsNothing
		if allows(externalBoundary(s.boundaryExternal), true) {
			doc = allowsAction(base.Action, base.Resource)
		}
		req.PermissionBoundaries = []identityPolicyJ{{Name: s.boundaryExternal, Policy: doc}}
	}
	return req
}
