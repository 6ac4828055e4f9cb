package simcheck

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
)

// handwrittenSeeds are the hand-written stacks the test checks besides the
// synthesized ones: raw Terraform JSON such as a person writes, which the
// construct never produces (fixed, so that a failure reproduces).
// SIMCHECK_STACK_SEEDS=101,102,... checks other seeds instead.
var handwrittenSeeds = func() []uint64 {
	var out []uint64
	for i := range uint64(100) {
		out = append(out, i+1)
	}
	return out
}()

// handwrittenSeedList is handwrittenSeeds or SIMCHECK_STACK_SEEDS.
func handwrittenSeedList() ([]uint64, error) {
	v := os.Getenv("SIMCHECK_STACK_SEEDS")
	if v == "" {
		return handwrittenSeeds, nil
	}
	var seeds []uint64
	for _, f := range strings.Split(v, ",") {
		var seed uint64
		if _, err := fmt.Sscan(strings.TrimSpace(f), &seed); err != nil {
			return nil, fmt.Errorf("SIMCHECK_STACK_SEEDS: %q is not a seed (a whole number)", f)
		}
		seeds = append(seeds, seed)
	}
	return seeds, nil
}

// Features of a hand-written stack that earlier versions of the report
// got wrong; TestHandwrittenStacksCoverTheKnownCases holds the fixed seeds
// to producing each.
const (
	featExternalBoundary  = "a role with a permissions boundary the stack does not define"
	featStackBoundary     = "a role with a permissions boundary the stack defines"
	featDenyOnly          = "a principal the key policy names only in a Deny"
	featServiceViaOrgStar = `a service principal in a statement with {"AWS": "*"} pinned by aws:PrincipalOrgID`
	featNotActionAdmin    = "an IAM policy statement with NotAction that allows kms:PutKeyPolicy or kms:ScheduleKeyDeletion"
	featExternalManaged   = "a managed policy the stack attaches but does not define"
	featStackManaged      = "an aws_iam_policy of the stack attached to an identity"
)

// handwritten is a hand-written stack under construction.
type handwritten struct {
	r                             *rand.Rand
	seed                          uint64
	account, other, org, region   string
	resources                     map[string]map[string]any
	roles, users                  []handwrittenIdentity
	rootAllows                    bool // the key policy delegates to the account with kms:PutKeyPolicy
	namedInAllow, namedInDeny     map[string]bool
	features                      map[string]bool
	statements, policies, managed int
}

// handwrittenIdentity is a role or user of the stack.
type handwrittenIdentity struct{ address, name, arn string }

// handwrittenStack makes a stack from a seed: an aws_kms_key "k" whose
// policy usually delegates to the account root, with random Allow and Deny
// statements (principals of the stack by ARN, of another account, "*"
// pinned to the account or the organization, a service principal, alone or
// with {"AWS": "*"}; actions as lists, with wildcards, in other cases, or
// NotAction; conditions from a menu), and roles (and sometimes a user and a
// group) with inline policies, a permissions boundary the stack defines or
// not, managed policies the stack defines or not, and policy attachments.
// It writes no aws_iam_policy_attachment (which readStack reads): the
// report does not read that resource.
func handwrittenStack(seed uint64) (name string, raw []byte, features map[string]bool) {
	g := &handwritten{r: rand.New(rand.NewPCG(seed, seed*6151+11)), seed: seed, resources: map[string]map[string]any{},
		namedInAllow: map[string]bool{}, namedInDeny: map[string]bool{}, features: map[string]bool{}}
	g.account = fmt.Sprintf("4%011d", g.r.Uint64N(1e11))
	g.other = fmt.Sprintf("5%011d", g.r.Uint64N(1e11))
	g.org = fmt.Sprintf("o-hw%08d", g.r.Uint64N(1e8))
	g.region = pickOne(g.r, []string{"eu-west-1", "us-east-1", "ap-southeast-2"})
	for i := range 1 + g.r.IntN(3) {
		g.role(i)
	}
	if g.r.IntN(3) == 0 {
		g.user()
	}
	if g.r.IntN(4) == 0 {
		g.group()
	}
	g.add("aws_kms_key", "k", map[string]any{"description": fmt.Sprintf("hand-written stack %d", seed), "policy": g.keyPolicy()})
	for p := range g.namedInDeny {
		if !g.namedInAllow[p] {
			g.features[featDenyOnly] = true
		}
	}
	doc := map[string]any{
		"provider": map[string]any{"aws": []any{map[string]any{"region": g.region}}},
		"resource": g.resources,
	}
	raw, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic(err)
	}
	return fmt.Sprintf("hw-%d", seed), raw, g.features
}

func pickOne[T any](r *rand.Rand, list []T) T { return list[r.IntN(len(list))] }

func (g *handwritten) add(typ, name string, args map[string]any) {
	if g.resources[typ] == nil {
		g.resources[typ] = map[string]any{}
	}
	g.resources[typ][name] = args
}

func policyJSON(statements []any) string {
	b, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": statements})
	if err != nil {
		panic(err)
	}
	return string(b)
}

// keyPolicy is the key's policy: the account root's statement (usually
// kms:*; sometimes only some actions, or the root named only in a Deny, so
// that IAM policies give nothing), then 0 to 4 random statements.
func (g *handwritten) keyPolicy() string {
	root := fmt.Sprintf("arn:aws:iam::%s:root", g.account)
	var statements []any
	switch n := g.r.IntN(10); {
	case n < 8:
		g.rootAllows = true
		statements = append(statements, map[string]any{"Sid": "EnableIAMPolicies", "Effect": "Allow", "Principal": map[string]any{"AWS": root}, "Action": "kms:*", "Resource": "*"})
	case n == 8:
		g.rootAllows = true
		statements = append(statements, map[string]any{"Effect": "Allow", "Principal": map[string]any{"AWS": root},
			"Action": []any{"kms:Describe*", "kms:Get*", "kms:List*", "kms:PutKeyPolicy", "kms:Create*"}, "Resource": "*"})
	default:
		// The report (and the test) find the key's account from this
		// root even so.
		statements = append(statements, map[string]any{"Sid": "NoDeletion", "Effect": "Deny", "Principal": map[string]any{"AWS": root},
			"Action": []any{"kms:ScheduleKeyDeletion", "kms:Disable*"}, "Resource": "*"})
	}
	for range g.r.IntN(5) {
		statements = append(statements, g.keyStatement())
	}
	return policyJSON(statements)
}

// keyActions are the Action values of key policy statements.
var keyActions = []string{"kms:*", "kms:Decrypt", "KMS:Decrypt", "kms:decrypt", "kms:Encrypt", "kms:Get*", "kms:Describe*", "kms:List*",
	"kms:Re*", "kms:GenerateDataKey*", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:Create*", "kms:*Grant*", "kms:Sign",
	"kms:TagResource", "kms:?ecrypt", "*"}

// notActions are NotAction values.
var notActions = [][]any{{"kms:Decrypt"}, {"kms:Encrypt", "kms:Decrypt"}, {"kms:Describe*"}, {"s3:*"}, {"kms:PutKeyPolicy", "kms:ScheduleKeyDeletion"}, {"iam:*", "KMS:Get*"}}

// actions sets Action (a name or a list) or, sometimes, NotAction.
func (g *handwritten) actions(s map[string]any) {
	if g.r.IntN(5) == 0 {
		na := pickOne(g.r, notActions)
		s["NotAction"] = na
		if s["Effect"] == "Allow" && !slices.Contains(na, any("kms:PutKeyPolicy")) && s["Principal"] == nil {
			g.features[featNotActionAdmin] = true
		}
		return
	}
	var list []any
	for range 1 + g.r.IntN(3) {
		list = append(list, pickOne(g.r, keyActions))
	}
	if len(list) == 1 && g.r.IntN(2) == 0 {
		s["Action"] = list[0]
	} else {
		s["Action"] = list
	}
}

// awsPrincipal is a value of a statement's AWS principal list.
func (g *handwritten) awsPrincipal() string {
	for {
		switch g.r.IntN(8) {
		case 0, 1, 2:
			if len(g.roles) > 0 {
				return pickOne(g.r, g.roles).arn
			}
		case 3:
			if len(g.users) > 0 {
				return pickOne(g.r, g.users).arn
			}
		case 4:
			return fmt.Sprintf("arn:aws:iam::%s:role/partner-%d", g.other, g.r.IntN(2))
		case 5:
			if g.rootAllows {
				// The other account, by its root or its id.
				return pickOne(g.r, []string{fmt.Sprintf("arn:aws:iam::%s:root", g.other), g.other})
			}
			return fmt.Sprintf("arn:aws:iam::%s:user/auditor", g.other)
		case 6:
			// A session of a role of the stack.
			if len(g.roles) > 0 {
				return fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/session", g.account, pickOne(g.r, g.roles).name)
			}
		case 7:
			// A role of the key's account the stack does not define.
			return fmt.Sprintf("arn:aws:iam::%s:role/outside-%d", g.account, g.r.IntN(2))
		}
	}
}

// keyStatement is a random key policy statement.
func (g *handwritten) keyStatement() map[string]any {
	g.statements++
	s := map[string]any{"Effect": "Allow", "Resource": "*"}
	if g.r.IntN(10) < 3 {
		s["Effect"] = "Deny"
	}
	if g.r.IntN(3) == 0 {
		s["Sid"] = fmt.Sprintf("Statement%d", g.statements)
	}
	cond := map[string]map[string]any{}
	pin := func(key, value string) {
		op := "StringEquals"
		if s["Effect"] == "Deny" && g.r.IntN(2) == 0 {
			op = "StringNotEquals"
		}
		cond[op] = map[string]any{key: value}
	}
	named := g.namedInAllow
	if s["Effect"] == "Deny" {
		named = g.namedInDeny
	}
	switch g.r.IntN(8) {
	case 7:
		// A Deny to everyone but a role of the stack, its sessions and
		// another account's identities (NotPrincipal).
		if s["Effect"] == "Deny" && len(g.roles) > 0 {
			role := pickOne(g.r, g.roles)
			s["NotPrincipal"] = map[string]any{"AWS": []any{role.arn, fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/session", g.account, role.name),
				fmt.Sprintf("arn:aws:iam::%s:root", g.other)}}
			break
		}
		fallthrough
	case 0, 1, 2:
		var aws []any
		for range 1 + g.r.IntN(2) {
			p := g.awsPrincipal()
			named[p] = true
			aws = append(aws, p)
		}
		if len(aws) == 1 {
			s["Principal"] = map[string]any{"AWS": aws[0]}
		} else {
			s["Principal"] = map[string]any{"AWS": aws}
		}
	case 3:
		// "*", pinned to the account or the organization.
		s["Principal"] = pickOne(g.r, []any{"*", map[string]any{"AWS": "*"}})
		if g.r.IntN(2) == 0 {
			pin("aws:PrincipalAccount", g.account)
		} else {
			pin("aws:PrincipalOrgID", g.org)
		}
	case 4:
		s["Principal"] = map[string]any{"Service": "s3.amazonaws.com"}
		named["s3.amazonaws.com"] = true
		if g.r.IntN(2) == 0 {
			cond["StringEquals"] = map[string]any{"aws:SourceAccount": g.account}
		}
	default:
		// A service principal with {"AWS": "*"} pinned by the
		// organization: a service's requests carry no aws:PrincipalOrgID.
		s["Principal"] = map[string]any{"Service": "s3.amazonaws.com", "AWS": "*"}
		named["s3.amazonaws.com"] = true
		pin("aws:PrincipalOrgID", g.org)
		if s["Effect"] == "Allow" {
			g.features[featServiceViaOrgStar] = true
		}
	}
	g.actions(s)
	for range g.r.IntN(3) {
		g.condition(cond)
	}
	if len(cond) > 0 {
		s["Condition"] = cond
	}
	return s
}

// condition adds a condition from the menu (not one on a key the
// statement has a condition on already).
func (g *handwritten) condition(cond map[string]map[string]any) {
	via := fmt.Sprintf("s3.%s.amazonaws.com", g.region)
	menu := []struct {
		op, key string
		value   any
	}{
		{"StringEquals", "aws:PrincipalOrgID", g.org},
		{"StringNotEquals", "aws:PrincipalOrgID", g.org},
		{"ForAnyValue:StringEquals", "aws:PrincipalOrgID", []any{g.org, "o-elsewhere"}},
		{"StringEquals", "kms:ViaService", via},
		{"StringEquals", "kms:ViaService", []any{via, fmt.Sprintf("ec2.%s.amazonaws.com", g.region)}},
		{"StringEqualsIfExists", "kms:ViaService", via},
		{"StringLike", "kms:ViaService", "*." + g.region + ".amazonaws.com"},
		{"StringEquals", "kms:CallerAccount", g.account},
		{"StringEquals", "kms:CallerAccount", g.other},
		{"StringEquals", "aws:SourceAccount", g.account},
		{"StringEqualsIfExists", "aws:SourceAccount", g.account},
		{"Null", "aws:SourceAccount", "true"},
		{"Bool", "aws:SecureTransport", "false"},
		{"Bool", "aws:PrincipalIsAWSService", "false"},
		{"Bool", "aws:ViaAWSService", "true"},
		{"ArnLike", "aws:PrincipalArn", fmt.Sprintf("arn:aws:iam::%s:role/team/*", g.account)},
		{"StringNotEquals", "kms:CallerAccount", g.account},
	}
	c := pickOne(g.r, menu)
	for _, keys := range cond {
		for k := range keys {
			if strings.EqualFold(k, c.key) {
				return
			}
		}
	}
	if cond[c.op] == nil {
		cond[c.op] = map[string]any{}
	}
	cond[c.op][c.key] = c.value
}

// identityStatement is a random statement of an IAM policy (allow is the
// chance in four of an Allow).
func (g *handwritten) identityStatement(allow int) map[string]any {
	s := map[string]any{"Effect": "Allow"}
	if g.r.IntN(4) >= allow {
		s["Effect"] = "Deny"
	}
	g.actions(s)
	switch g.r.IntN(8) {
	case 0, 1, 2:
		s["Resource"] = "*"
	case 3, 4:
		s["Resource"] = "${aws_kms_key.k.arn}"
	case 5:
		s["NotResource"] = "arn:aws:s3:::hw-unrelated-bucket/*"
	case 6:
		s["Resource"] = fmt.Sprintf("arn:aws:kms:*:%s:key/*", g.account)
	default:
		s["NotResource"] = fmt.Sprintf("arn:aws:kms:%s:%s:key/*", g.region, g.other)
	}
	if g.r.IntN(4) == 0 {
		cond := map[string]map[string]any{}
		g.condition(cond)
		s["Condition"] = cond
	}
	return s
}

// identityPolicy is a random IAM policy document.
func (g *handwritten) identityPolicy(allow int) string {
	var statements []any
	for range 1 + g.r.IntN(3) {
		statements = append(statements, g.identityStatement(allow))
	}
	return policyJSON(statements)
}

// managedPolicy adds an aws_iam_policy and returns the reference to its
// ARN.
func (g *handwritten) managedPolicy(allow int) string {
	g.managed++
	name := fmt.Sprintf("p%d", g.managed)
	g.add("aws_iam_policy", name, map[string]any{"name": fmt.Sprintf("hw%d-%s", g.seed, name), "policy": g.identityPolicy(allow)})
	return "${aws_iam_policy." + name + ".arn}"
}

// attachable is a policy ARN to attach: one of the stack, a customer
// managed one it does not define, or an AWS managed one (with or without
// KMS actions).
func (g *handwritten) attachable() string {
	switch g.r.IntN(5) {
	case 0, 1:
		g.features[featStackManaged] = true
		return g.managedPolicy(3)
	case 2:
		g.features[featExternalManaged] = true
		return fmt.Sprintf("arn:aws:iam::%s:policy/hw-extra-%d", g.account, g.r.IntN(3))
	case 3:
		return "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
	}
	g.features[featExternalManaged] = true
	return "arn:aws:iam::aws:policy/AWSKeyManagementServicePowerUser"
}

// reference is how a policy names its role, user or group: a reference to
// its id or name, or its name.
func (g *handwritten) reference(address, name string) string {
	switch g.r.IntN(3) {
	case 0:
		return "${" + address + ".id}"
	case 1:
		return "${" + address + ".name}"
	}
	return name
}

// boundary gives args a permissions boundary: none, one of the stack, or
// one the stack does not define.
func (g *handwritten) boundary(args map[string]any, i int) {
	switch g.r.IntN(3) {
	case 0:
		args["permissions_boundary"] = g.managedPolicy(4)
		g.features[featStackBoundary] = true
	case 1:
		args["permissions_boundary"] = fmt.Sprintf("arn:aws:iam::%s:policy/boundaries/hw-boundary-%d", g.account, i)
		g.features[featExternalBoundary] = true
	}
}

// role adds role i: an aws_iam_role, maybe with a path, a boundary,
// managed_policy_arns and an inline_policy block, and its inline policies
// and attachments.
func (g *handwritten) role(i int) {
	name := fmt.Sprintf("hw%d-role-%d", g.seed, i)
	address := fmt.Sprintf("aws_iam_role.r%d", i)
	args := map[string]any{"name": name, "assume_role_policy": policyJSON([]any{map[string]any{
		"Effect": "Allow", "Principal": map[string]any{"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}})}
	path := "/"
	if g.r.IntN(3) == 0 {
		path = "/team/"
		args["path"] = path
	}
	g.boundary(args, i)
	if g.r.IntN(3) == 0 {
		var list []any
		for range 1 + g.r.IntN(2) {
			list = append(list, g.attachable())
		}
		args["managed_policy_arns"] = list
	}
	if g.r.IntN(5) == 0 {
		args["inline_policy"] = []any{map[string]any{"name": "inline", "policy": g.identityPolicy(3)}}
	}
	g.add("aws_iam_role", fmt.Sprintf("r%d", i), args)
	g.roles = append(g.roles, handwrittenIdentity{address: address, name: name, arn: fmt.Sprintf("arn:aws:iam::%s:role%s%s", g.account, path, name)})
	for j := range g.r.IntN(3) {
		g.policies++
		g.add("aws_iam_role_policy", fmt.Sprintf("r%d_p%d", i, j), map[string]any{"name": fmt.Sprintf("p%d", j),
			"role": g.reference(address, name), "policy": g.identityPolicy(3)})
	}
	if g.r.IntN(4) == 0 {
		g.add("aws_iam_role_policy_attachment", fmt.Sprintf("r%d_a", i), map[string]any{"role": g.reference(address, name), "policy_arn": g.attachable()})
	}
}

// user adds a user with a boundary, an inline policy and an attachment.
func (g *handwritten) user() {
	name := fmt.Sprintf("hw%d-user", g.seed)
	args := map[string]any{"name": name}
	g.boundary(args, 9)
	g.add("aws_iam_user", "u", args)
	g.users = append(g.users, handwrittenIdentity{address: "aws_iam_user.u", name: name, arn: fmt.Sprintf("arn:aws:iam::%s:user/%s", g.account, name)})
	g.add("aws_iam_user_policy", "u_p", map[string]any{"name": "p", "user": g.reference("aws_iam_user.u", name), "policy": g.identityPolicy(3)})
	if g.r.IntN(2) == 0 {
		g.add("aws_iam_user_policy_attachment", "u_a", map[string]any{"user": g.reference("aws_iam_user.u", name), "policy_arn": g.attachable()})
	}
}

// group adds a group with an inline policy and an attachment.
func (g *handwritten) group() {
	name := fmt.Sprintf("hw%d-group", g.seed)
	g.add("aws_iam_group", "g", map[string]any{"name": name})
	g.add("aws_iam_group_policy", "g_p", map[string]any{"name": "p", "group": g.reference("aws_iam_group.g", name), "policy": g.identityPolicy(3)})
	if g.r.IntN(2) == 0 {
		g.add("aws_iam_group_policy_attachment", "g_a", map[string]any{"group": g.reference("aws_iam_group.g", name), "policy_arn": g.attachable()})
	}
}

// TestHandwrittenStacksCoverTheKnownCases holds the fixed seeds to making
// each case an earlier report got wrong, so that a change of the generator
// does not drop one unnoticed.
func TestHandwrittenStacksCoverTheKnownCases(t *testing.T) {
	seen := map[string]int{}
	for _, seed := range handwrittenSeeds {
		_, _, features := handwrittenStack(seed)
		for f := range features {
			seen[f]++
		}
	}
	for _, f := range []string{featExternalBoundary, featStackBoundary, featDenyOnly, featServiceViaOrgStar, featNotActionAdmin, featExternalManaged, featStackManaged} {
		if seen[f] == 0 {
			t.Errorf("no hand-written stack of the fixed seeds has %s", f)
		} else {
			t.Logf("%d stacks have %s", seen[f], f)
		}
	}
}
