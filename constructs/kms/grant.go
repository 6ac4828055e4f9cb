package kms

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamgroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamgrouppolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamuser"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamuserpolicy"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/cdktf-kms/cdktf-kms/internal/iam"
	"github.com/cdktf-kms/cdktf-kms/internal/kmscat"
	"github.com/cdktf-kms/cdktf-kms/internal/tftemplate"
)

// Kinds of IAM identities a grant can be for.
const (
	granteeRole  = "role"
	granteeUser  = "user"
	granteeGroup = "group"
)

// Grantee is who a grant is for: an IAM role, user or group, given as a
// resource of the app or by name or ARN. Only its constructors make one:
// IamRoleGrantee, IamUserGrantee and IamGroupGrantee take the resources
// (iamrole.IamRole, ...; (*Role).Grantee for a predefined role);
// RoleGrantee, UserGrantee and GroupGrantee a name or an ARN of that kind;
// ArnGrantee an ARN of any of them. A name or ARN takes a reference (a
// token, or a whole list reference: one grant per element). The zero
// Grantee names nobody and is refused.
type Grantee struct {
	// kind is granteeRole, granteeUser, granteeGroup, or "" (ArnGrantee:
	// the ARN says).
	kind string
	// name is the name or ARN (literal or reference).
	name string
	// resource is the grantee resource of the app, or nil.
	resource cdktf.TerraformResource
	typ      string // the resource's Terraform type
}

// IamRoleGrantee, IamUserGrantee and IamGroupGrantee are grantees given as
// resources of the app: the grant's inline policy names the resource (and
// lives in the resource's stack).
func IamRoleGrantee(r iamrole.IamRole) Grantee {
	if r == nil {
		return Grantee{}
	}
	return Grantee{kind: granteeRole, resource: r, typ: "aws_iam_role"}
}
func IamUserGrantee(u iamuser.IamUser) Grantee {
	if u == nil {
		return Grantee{}
	}
	return Grantee{kind: granteeUser, resource: u, typ: "aws_iam_user"}
}
func IamGroupGrantee(g iamgroup.IamGroup) Grantee {
	if g == nil {
		return Grantee{}
	}
	return Grantee{kind: granteeGroup, resource: g, typ: "aws_iam_group"}
}

// RoleGrantee, UserGrantee and GroupGrantee name a grantee of that kind by
// name or ARN (a literal, or a reference: a token, or a whole list
// reference of names or ARNs).
func RoleGrantee(nameOrArn string) Grantee  { return Grantee{kind: granteeRole, name: nameOrArn} }
func UserGrantee(nameOrArn string) Grantee  { return Grantee{kind: granteeUser, name: nameOrArn} }
func GroupGrantee(nameOrArn string) Grantee { return Grantee{kind: granteeGroup, name: nameOrArn} }

// ArnGrantee names a role, user or group by its ARN; a literal ARN says
// which it is, a reference is taken as a role unless it points to an
// aws_iam_user or aws_iam_group.
func ArnGrantee(arn string) Grantee { return Grantee{name: arn} }

// String describes the grantee for messages.
func (g Grantee) String() string {
	switch {
	case g.resource != nil:
		return g.typ + "." + *g.resource.FriendlyUniqueId()
	case g.kind == "" && g.name == "":
		return "no grantee"
	case g.kind == "":
		return g.name
	}
	return g.kind + " " + g.name
}

// Grant is what a grant added: an IAM inline policy on the grantee that
// allows the actions on the key (and its replicas), or, for a grantee in
// another account, a key policy statement (the IAM side is that account's).
type Grant struct {
	// Access is the access level ("" for an explicit action list).
	Access Access
	// Actions are the actions granted.
	Actions []string
	// Policy is the aws_iam_role_policy, aws_iam_user_policy or
	// aws_iam_group_policy; nil for a grant through the key policy.
	Policy cdktf.TerraformResource
	// PolicyName is the inline policy's name in IAM (unique per key and
	// stack); empty for a grant through the key policy.
	PolicyName string
	// KeyPolicySid is the Sid of the key policy statement of a grant to
	// another account; empty otherwise.
	KeyPolicySid string
}

// keyTarget is what grants need to know about a key: the construct's own
// keys and keys created elsewhere (FromKeyArn, FromAlias) share it.
type keyTarget struct {
	node      constructs.Construct
	name      string
	arns      func() []*string
	partition string // "" when unknown
	account   string // "" when unknown
	// deployAccount is the account Terraform deploys to, where an inline
	// policy lands: the key's own for a KmsKey; "" for a key created
	// elsewhere, whose stack checks it at plan (callerAccount).
	deployAccount string
	// callerAccount returns the account Terraform deploys to as a token
	// (data.aws_caller_identity), for a key created elsewhere; nil for a
	// KmsKey.
	callerAccount func() *string
	// owner names the key in messages about names it takes.
	owner  string
	kind   keyKind
	st     *stackState
	syntax tftemplate.Syntax
	// keyPolicy adds a statement to the key policy; nil when the key policy
	// is not the app's.
	keyPolicy func(addedStatement) error
	grants    *[]*Grant
	// created is told of each resource a grant creates (the key records
	// it and moves it with MovedFrom); nil for keys created elsewhere.
	created func(res cdktf.TerraformResource, name string)
}

// GrantEncrypt lets a grantee encrypt with the key (see Grant).
func (k *KmsKey) GrantEncrypt(grantee Grantee) (*Grant, error) {
	return k.Grant(grantee, AccessEncrypt)
}

// GrantDecrypt lets a grantee decrypt with the key (see Grant).
func (k *KmsKey) GrantDecrypt(grantee Grantee) (*Grant, error) {
	return k.Grant(grantee, AccessDecrypt)
}

// GrantEncryptDecrypt lets a grantee encrypt and decrypt with the key, and
// describe it (see Grant).
func (k *KmsKey) GrantEncryptDecrypt(grantee Grantee) (*Grant, error) {
	return k.Grant(grantee, AccessEncryptDecrypt)
}

// GrantSign, GrantVerify, GrantSignVerify, GrantGenerateMac,
// GrantVerifyMac, GrantDeriveSharedSecret and GrantAdmin are Grant with
// that access level.
func (k *KmsKey) GrantSign(grantee Grantee) (*Grant, error)   { return k.Grant(grantee, AccessSign) }
func (k *KmsKey) GrantVerify(grantee Grantee) (*Grant, error) { return k.Grant(grantee, AccessVerify) }
func (k *KmsKey) GrantSignVerify(grantee Grantee) (*Grant, error) {
	return k.Grant(grantee, AccessSignVerify)
}
func (k *KmsKey) GrantGenerateMac(grantee Grantee) (*Grant, error) {
	return k.Grant(grantee, AccessGenerateMac)
}
func (k *KmsKey) GrantVerifyMac(grantee Grantee) (*Grant, error) {
	return k.Grant(grantee, AccessVerifyMac)
}
func (k *KmsKey) GrantDeriveSharedSecret(grantee Grantee) (*Grant, error) {
	return k.Grant(grantee, AccessDeriveSharedSecret)
}
func (k *KmsKey) GrantAdmin(grantee Grantee) (*Grant, error) { return k.Grant(grantee, AccessAdmin) }

// Grant lets a grantee do what an access level allows on the key and its
// replicas, and nothing else (see Grantee for who can be one).
//
// In the key's account (or for a reference) the grant is an IAM inline
// policy on the grantee, named kms-<stack>-<key name>-<access> so that
// stacks sharing a role do not overwrite each other's policy, at
// aws_iam_<kind>_policy.<key name>_grant_<grantee>_<access>. A reference
// orders the policy after the resource it points to; a resource of another
// stack keeps the policy in its own stack. A grantee in another account
// gets a key policy statement instead; management access (admin) needs its
// account in TrustedAccountIds.
//
// The access level must fit the key's usage (sign on an HMAC key is
// refused). Granting the same access to the same grantee twice, or a name
// already taken in the app, is an error; on error nothing is added.
func (k *KmsKey) Grant(grantee Grantee, access Access) (*Grant, error) {
	return k.target().grant(grantee, access, nil)
}

// GrantActions grants an explicit list of documented KMS actions (no
// wildcards), like Grant.
func (k *KmsKey) GrantActions(grantee Grantee, actions ...string) (*Grant, error) {
	return k.target().grant(grantee, "", actions)
}

// Grants returns the grants made with Grant and GrantActions.
func (k *KmsKey) Grants() []*Grant { return slices.Clone(k.grants) }

// target returns the key as a grant target.
func (k *KmsKey) target() *keyTarget {
	return &keyTarget{
		node:          k.node,
		name:          k.name,
		arns:          k.allArns,
		partition:     k.partition,
		account:       k.config.AwsAccountId,
		deployAccount: k.config.AwsAccountId,
		owner:         k.Address(),
		kind:          k.config.kind(),
		st:            k.stack,
		syntax:        k.syntax,
		keyPolicy:     k.addStatement,
		grants:        &k.grants,
		created: func(res cdktf.TerraformResource, name string) {
			k.resources = append(k.resources, ownedResource{res, name})
			k.moveFrom(res, name)
		},
	}
}

// allArns returns the ARNs of the key and its replicas, for IAM policies
// that allow actions on the key in every region.
func (k *KmsKey) allArns() []*string {
	out := []*string{k.key.Arn()}
	for _, r := range k.replicas {
		out = append(out, r.Arn())
	}
	return out
}

// resolvedGrantee is a grant's target after resolution.
type resolvedGrantee struct {
	kind string
	// value is the role, user or group argument of the inline policy (a
	// name, literal or reference).
	value string
	// tfName is the grantee's part of the policy's Terraform name.
	tfName string
	// identity names the grantee in the app registry.
	identity string
	// arn is the literal ARN, when one was given.
	arn     string
	account string
	literal bool
	// ref is the reference as given when its account is known only at
	// plan (an expression that is a name or an ARN, or a whole list of
	// them): the inline policy then carries a precondition that the ARN is
	// of the key's account (grantPreconditions).
	ref string
	// list: value is a whole list reference of names or ARNs; the inline
	// policy is made once per element (for_each).
	list bool
	// stack is the stack of a grantee resource of another stack than the
	// key's (the inline policy goes there); nil otherwise.
	stack *stackState
}

var referencePattern = regexp.MustCompile(`^\$\{(aws_iam_(?:role|user|group))\.([A-Za-z0-9_-]+)\.([a-z_]+)\}$`)

// resolveGrantee reads a grantee (registryMu held).
func (t *keyTarget) resolveGrantee(g Grantee) (resolvedGrantee, string) {
	switch {
	case g.resource != nil:
		return t.resourceGrantee(g.resource, g.kind, g.typ)
	case g.kind == "" && g.name == "":
		return resolvedGrantee{}, "is required: a role, user or group (kms.IamRoleGrantee(role), kms.RoleGrantee(name), kms.ArnGrantee(arn), ...)"
	}
	return t.stringGrantee(g.kind, g.name)
}

// resourceGrantee is a grantee given as a resource of the app. A resource
// of another stack keeps its grant in its own stack, as AWS CDK does: the
// inline policy names the key's ARN (that stack then depends on the key's,
// as anything there that uses the key does), where a policy in the key's
// stack naming the role would make the key's stack depend on the role's
// too, a cycle Terraform cannot deploy.
func (t *keyTarget) resourceGrantee(res cdktf.TerraformResource, kind, typ string) (resolvedGrantee, string) {
	logicalID := *res.FriendlyUniqueId()
	// The name attribute of the role, user or group.
	nameToken := *cdktf.Token_AsString(res.GetStringAttribute(jsii.String("name")), nil)
	r := resolvedGrantee{kind: kind, value: nameToken, tfName: typ + "_" + logicalID, identity: "ref " + typ + "." + logicalID}
	if stack := cdktf.TerraformStack_Of(res); stack != t.st.stack {
		var err error
		if r.stack, err = stateOf(stack); err != nil {
			return resolvedGrantee{}, "cannot hold the grant in its stack: " + err.Error()
		}
		r.identity = "ref " + r.stack.stackName() + " " + typ + "." + logicalID
	}
	return r, ""
}

// stringGrantee reads a name or ARN; kind is "" when not given.
func (t *keyTarget) stringGrantee(kind, s string) (resolvedGrantee, string) {
	if tftemplate.IsListToken(s) {
		if kind == "" {
			kind = granteeRole
		}
		expr := fmt.Sprint(t.st.resolveAny(s))
		return resolvedGrantee{kind: kind, value: s, tfName: "ref_" + shortHash(expr), identity: "ref list " + expr, list: true, ref: s}, ""
	}
	if tftemplate.IsUnresolved(s) {
		if msg := literalProblem(s); msg != "" {
			return resolvedGrantee{}, msg
		}
		expr := t.st.resolve(s)
		if m := referencePattern.FindStringSubmatch(expr); m != nil {
			refKind := strings.TrimPrefix(m[1], "aws_iam_")
			if kind != "" && kind != refKind {
				return resolvedGrantee{}, fmt.Sprintf("is a reference to an %s (%s), not a %s", m[1], expr, kind)
			}
			value := s
			if m[3] == "arn" {
				value = lastPathSegment(s)
			}
			return resolvedGrantee{kind: refKind, value: value, tfName: m[1] + "_" + m[2], identity: "ref " + m[1] + "." + m[2]}, ""
		}
		if kind == "" {
			kind = granteeRole
		}
		// Any other expression: a name or an ARN, whose last path segment
		// is the name either way.
		return resolvedGrantee{kind: kind, value: lastPathSegment(s), tfName: "ref_" + shortHash(expr), identity: "ref " + expr, ref: s}, ""
	}
	if msg := literalProblem(s); msg != "" {
		return resolvedGrantee{}, msg
	}
	if strings.HasPrefix(s, "arn:") {
		id, msg := iam.ParseIdentity(s, t.partition)
		if msg != "" {
			return resolvedGrantee{}, msg
		}
		if kind != "" && kind != id.Kind {
			return resolvedGrantee{}, fmt.Sprintf("is the ARN of a %s, not a %s", id.Kind, kind)
		}
		r := resolvedGrantee{kind: id.Kind, value: id.Name, arn: s, account: id.ARN.AccountID, literal: true}
		r.tfName = grantTfName(id.Kind, id.Name)
		r.identity = fmt.Sprintf("%s %s %s", id.Kind, id.ARN.AccountID, strings.ToLower(id.Name))
		return r, ""
	}
	if kind == "" {
		kind = granteeRole
	}
	if strings.ContainsAny(s, "*?") {
		return resolvedGrantee{}, "wildcards are not allowed; name one " + kind
	}
	if !iam.ValidIAMName(s) {
		if len(s) > 64 {
			return resolvedGrantee{}, fmt.Sprintf("is %d characters long; IAM %s names are at most 64", len(s), kind)
		}
		return resolvedGrantee{}, fmt.Sprintf("must be a %s name (1 to 64 letters, digits and + = , . @ _ -) or an ARN", kind)
	}
	return resolvedGrantee{kind: kind, value: s, tfName: grantTfName(kind, s), identity: fmt.Sprintf("%s %s %s", kind, t.deployAccount, strings.ToLower(s)), account: t.deployAccount, literal: true}, ""
}

// grantTfName is the grantee's part of a grant policy's Terraform name:
// the role name as before for roles, with the kind for users and groups.
func grantTfName(kind, name string) string {
	if kind == granteeRole {
		return terraformSafe(name)
	}
	return kind + "_" + terraformSafe(name)
}

// lastPathSegment returns a token for the part of a name or ARN after its
// last "/": the name of a role, user or group either way.
func lastPathSegment(s string) string {
	return *cdktf.Token_AsString(cdktf.Fn_Regex(jsii.String("[^/]+$"), jsii.String(s)), nil)
}

// grant adds one grant (see KmsKey.Grant).
func (t *keyTarget) grant(g Grantee, access Access, actions []string) (*Grant, error) {
	registryMu.Lock()
	defer registryMu.Unlock()
	fGrantee, fAccess := field{"grantee", "grantee"}, field{"access", "access"}
	if err := t.st.afterSynth(fGrantee, granteeValue(g)); err != nil {
		return nil, err
	}
	var p problems
	r, msg := t.resolveGrantee(g)
	if msg != "" {
		p.add(fGrantee, granteeValue(g), "%s", msg)
	}
	label := string(access)
	if access == "" {
		if len(actions) == 0 {
			p.add(field{"actions", "actions"}, nil, "name at least one KMS action")
		}
		for i, a := range actions {
			if msg := explicitActionProblem(a); msg != "" {
				p.add(field{"actions", "actions"}.index(i), a, "%s", msg)
			}
		}
		label = "actions_" + shortHash(strings.Join(actions, ","))
	} else {
		var why string
		actions, why = t.kind.actionsFor(access)
		if why != "" {
			p.add(fAccess, string(access), "%s", why)
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	if t.keyPolicy != nil && r.account != "" && t.account != "" && r.account != t.account {
		return t.crossAccountGrant(r, access, actions, label, g)
	}
	return t.inlineGrant(r, access, actions, label, g)
}

// granteeValue is the grantee as a message shows it.
func granteeValue(g Grantee) any {
	switch {
	case g.resource != nil:
		return g.String()
	case g.name != "":
		return g.name
	}
	return nil
}

// explicitActionProblem checks one action of an explicit list.
func explicitActionProblem(a string) string {
	if strings.ContainsAny(a, "*?") {
		return "wildcards are not allowed; list each KMS action (see AccessActions for the levels)"
	}
	c, ok := kmscat.Lookup(a)
	switch {
	case !ok || !strings.Contains(a, ":"):
		return "is not a documented KMS action like kms:Decrypt"
	case !c.OnKey:
		return "acts on the account, not on a key, so a policy scoped to the key gives nothing; allow it in a policy with Resource \"*\""
	}
	return ""
}

// inlineGrant adds an IAM inline policy on the grantee.
func (t *keyTarget) inlineGrant(r resolvedGrantee, access Access, actions []string, label string, g Grantee) (*Grant, error) {
	fGrantee := field{"grantee", "grantee"}
	tf := fmt.Sprintf("%s_grant_%s_%s", t.name, r.tfName, label)
	policyName := fitName(iamPolicyChars.ReplaceAllString(fmt.Sprintf("kms-%s-%s-%s", t.st.stackName(), t.name, label), "-"), 128)
	typ := "aws_iam_" + r.kind + "_policy"
	st, scope := t.st, t.node
	if r.stack != nil {
		st, scope = r.stack, r.stack.stack
	}
	owner := t.owner
	if r.stack != nil {
		owner += " of stack " + t.st.stackName()
	}
	if st.names["resource "+typ+"."+tf] == owner {
		// The same grant again: one message, not one per name it takes.
		what := string(access) + " access"
		if access == "" {
			what = "these actions"
		}
		return nil, &FieldError{Field: fGrantee.goName, Key: fGrantee.key, Value: granteeValue(g),
			Rule: fmt.Sprintf("IAM %s %s already has %s on this key (%s.%s, inline policy %s); grant it once", r.kind, r.display(), what, typ, tf, policyName)}
	}
	c := &claims{st: st, owner: owner}
	c.resource(typ, tf, fGrantee, granteeValue(g))
	c.global("policy "+r.identity+" "+policyName, fmt.Sprintf("inline policy %s on IAM %s %s", policyName, r.kind, r.display()), fGrantee, granteeValue(g))
	if err := c.check(); err != nil {
		return nil, err
	}
	if err := c.checkChildren(""); err != nil {
		return nil, err
	}
	c.commit()
	document := mustJSON(PolicyDocument{
		Version: PolicyVersion,
		Statement: []PolicyStatement{{
			Sid:      grantSid(access),
			Effect:   "Allow",
			Action:   OneOrMany(actions),
			Resource: arnValues(t.arns()),
		}},
	})
	policy := jsii.String(tftemplate.Escape(document, t.syntax))
	value := jsii.String(r.value)
	var each cdktf.ITerraformIterator
	if r.list {
		// One policy per element of the list, on the name (the last path
		// segment of a name or an ARN).
		it := cdktf.TerraformIterator_FromList(&[]*string{jsii.String(r.value)})
		each, value = it, jsii.String(lastPathSegment(*cdktf.Token_AsString(it.Value(), nil)))
	}
	var lc *cdktf.TerraformResourceLifecycle
	switch {
	case r.ref != "":
		element := r.ref
		if r.list {
			element = *cdktf.Token_AsString(each.(cdktf.ListTerraformIterator).Value(), nil)
		}
		lc = &cdktf.TerraformResourceLifecycle{Precondition: &[]*cdktf.Precondition{t.grantPrecondition(r, element)}}
	case r.arn != "" && t.callerAccount != nil:
		// A literal ARN, for a key created elsewhere: the account
		// Terraform deploys to is known at plan.
		lc = &cdktf.TerraformResourceLifecycle{Precondition: &[]*cdktf.Precondition{t.literalGranteePrecondition(r)}}
	}
	var res cdktf.TerraformResource
	switch r.kind {
	case granteeUser:
		res = iamuserpolicy.NewIamUserPolicy(scope, jsii.String(tf), &iamuserpolicy.IamUserPolicyConfig{Name: jsii.String(policyName), User: value, Policy: policy, ForEach: each, Lifecycle: lc})
	case granteeGroup:
		res = iamgrouppolicy.NewIamGroupPolicy(scope, jsii.String(tf), &iamgrouppolicy.IamGroupPolicyConfig{Name: jsii.String(policyName), Group: value, Policy: policy, ForEach: each, Lifecycle: lc})
	default:
		res = iamrolepolicy.NewIamRolePolicy(scope, jsii.String(tf), &iamrolepolicy.IamRolePolicyConfig{Name: jsii.String(policyName), Role: value, Policy: policy, ForEach: each, Lifecycle: lc})
	}
	if r.stack == nil {
		res.OverrideLogicalId(jsii.String(tf))
	}
	st.own(res)
	if t.created != nil && r.stack == nil {
		// The key's MovedFrom moves what is in its own stack's state.
		t.created(res, tf)
	}
	out := &Grant{Access: access, Actions: actions, Policy: res, PolicyName: policyName}
	*t.grants = append(*t.grants, out)
	return out, nil
}

// iamPolicyChars are what IAM does not allow in policy names.
var iamPolicyChars = regexp.MustCompile(`[^A-Za-z0-9+=,.@_-]`)

// display names a grantee in a message.
func (r resolvedGrantee) display() string {
	if r.literal {
		return r.value
	}
	return strings.TrimPrefix(r.identity, "ref ")
}

// grantSid names the statement of an access level's IAM policy.
func grantSid(access Access) string {
	if l, ok := accessLevels[access]; ok {
		return l.sid
	}
	return "UseTheKey"
}

// arnValues turns ARN tokens into a policy's Resource.
func arnValues(arns []*string) OneOrMany {
	out := make(OneOrMany, len(arns))
	for i, a := range arns {
		out[i] = *a
	}
	return out
}

// crossAccountGrant adds a key policy statement for a grantee in another
// account.
func (t *keyTarget) crossAccountGrant(r resolvedGrantee, access Access, actions []string, label string, g Grantee) (*Grant, error) {
	fGrantee := field{"grantee", "grantee"}
	if r.kind == granteeGroup {
		return nil, &FieldError{Field: fGrantee.goName, Key: fGrantee.key, Value: r.arn,
			Rule: fmt.Sprintf("is a group in account %s; key policies cannot name groups, so grant its account's root (or a role) and let that account delegate", r.account)}
	}
	sid := "Grant" + camel(label) + strings.ToUpper(shortHash(r.arn))
	s := PolicyStatement{
		Sid:       sid,
		Effect:    "Allow",
		Principal: map[string]OneOrMany{"AWS": {r.arn}},
		Action:    OneOrMany(actions),
		Resource:  OneOrMany{"*"},
	}
	for _, a := range *t.grants {
		if a.KeyPolicySid == sid {
			return nil, &FieldError{Field: fGrantee.goName, Key: fGrantee.key, Value: r.arn, Rule: fmt.Sprintf("already has this grant on %s", t.owner)}
		}
	}
	if err := t.keyPolicy(addedStatement{statement: s, source: statementSource{field: fGrantee}}); err != nil {
		return nil, err
	}
	out := &Grant{Access: access, Actions: actions, KeyPolicySid: sid}
	*t.grants = append(*t.grants, out)
	return out, nil
}

// camel turns "encrypt_decrypt" into "EncryptDecrypt".
func camel(s string) string {
	var b strings.Builder
	for _, part := range strings.Split(s, "_") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}
