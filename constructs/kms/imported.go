package kms

import (
	"slices"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawscalleridentity"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawskmsalias"

	"github.com/cdktf-kms/cdktf-kms/internal/iam"
)

// KeyRef is a KMS key created elsewhere (by the original HCL module, by
// another stack or app, by hand): its ARN and id as tokens or literals, and
// grants to IAM roles, users and groups of this app. Its key policy is not
// the app's, so grants to other accounts are refused, and every access level
// is allowed (the key's spec is not known here).
type KeyRef struct {
	node      constructs.Construct
	name      string
	arn       *string
	keyID     *string
	partition string
	account   string
	st        *stackState
	alias     dataawskmsalias.DataAwsKmsAlias
	// caller is the data.aws_caller_identity grants check the deploying
	// account against, once one needs it.
	caller dataawscalleridentity.DataAwsCallerIdentity
	grants []*Grant
}

// FromKeyArn refers to an existing key by ARN (a literal, or a reference
// such as another stack's output). No lookup is made. Its node, with id, is
// the scope of the grant policies (aws_iam_<kind>_policy.<name>_grant_...,
// named like a KmsKey's). A literal ARN must be a key ARN; its partition and
// account are then checked on grants.
func FromKeyArn(scope constructs.Construct, id, keyArn string) (*KeyRef, error) {
	f := field{"keyArn", "key_arn"}
	var partition, account, keyID string
	var p problems
	validateReference(&p, f, keyArn, func(s string) string {
		a, kid, msg := iam.ParseKey(s)
		partition, account, keyID = a.Partition, a.AccountID, kid
		return msg
	})
	if keyArn == "" {
		p.add(f, "", "required: the ARN of a KMS key")
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	r, err := newKeyRef(scope, id, partition, account)
	if err != nil {
		return nil, err
	}
	r.arn = jsii.String(keyArn)
	if keyID != "" {
		r.keyID = jsii.String(keyID)
	} else {
		r.keyID = jsii.String(lastPathSegment(keyArn))
	}
	return r, nil
}

// FromAlias refers to an existing key by alias name (with or without
// alias/): a data.aws_kms_alias looks it up when Terraform plans, at
// data.aws_kms_alias.<name>. KeyArn and KeyId are the alias's target.
func FromAlias(scope constructs.Construct, id, alias string) (*KeyRef, error) {
	f := field{"alias", "alias"}
	if msg := aliasProblem(alias); msg != "" {
		return nil, &FieldError{Field: f.goName, Key: f.key, Value: alias, Rule: msg}
	}
	r, err := newKeyRef(scope, id, "", "")
	if err != nil {
		return nil, err
	}
	registryMu.Lock()
	defer registryMu.Unlock()
	r.alias = dataawskmsalias.NewDataAwsKmsAlias(r.node, jsii.String(keyResourceId), &dataawskmsalias.DataAwsKmsAliasConfig{
		Name: jsii.String(normalizeAlias(alias)),
	})
	if r.name != id {
		r.alias.OverrideLogicalId(jsii.String(r.name))
	}
	r.st.own(r.alias)
	r.arn = r.alias.TargetKeyArn()
	r.keyID = r.alias.TargetKeyId()
	return r, nil
}

// newKeyRef creates the reference's node.
func newKeyRef(scope constructs.Construct, id, partition, account string) (r *KeyRef, err error) {
	name, stack, err := terraformName(scope, id)
	if err != nil {
		return nil, err
	}
	registryMu.Lock()
	defer registryMu.Unlock()
	st, err := stateOf(stack)
	if err != nil {
		return nil, stateError(id, err)
	}
	r = &KeyRef{name: name, partition: partition, account: account, st: st}
	if err := r.st.afterSynth(field{"id", "id"}, id); err != nil {
		return nil, err
	}
	defer func() {
		if rec := recover(); rec != nil {
			r, err = nil, constructError(id, rec)
		}
	}()
	r.node = constructs.NewConstruct(scope, jsii.String(id))
	r.st.own(r.node)
	return r, nil
}

// KeyArn returns the key's ARN (a token when it is looked up or referenced).
func (r *KeyRef) KeyArn() *string { return r.arn }

// KeyId returns the key's id (a token when it is looked up or referenced).
func (r *KeyRef) KeyId() *string { return r.keyID }

// Construct returns the reference's node in the construct tree.
func (r *KeyRef) Construct() constructs.Construct { return r.node }

// AliasLookup returns the data.aws_kms_alias of FromAlias, or nil.
func (r *KeyRef) AliasLookup() dataawskmsalias.DataAwsKmsAlias { return r.alias }

// Grant lets an IAM role, user or group do what an access level allows on
// the key (see KmsKey.Grant), through an inline policy on the grantee. The
// policy lands in the account Terraform deploys to, whichever account owns
// the key (for a key of another account it is the IAM side of cross-account
// use; the key's own policy must allow that account too). So a grantee's
// ARN must be of the deploying account: Terraform checks it at plan against
// data.aws_caller_identity.<name>_caller_identity, which the first grant
// that needs it creates, and refuses an ARN of another account rather than
// give the access to a namesake (grant such a principal in its own
// account's stack). A name is the deploying account's identity of that
// name. Every access level is accepted (the key's spec is not known here).
func (r *KeyRef) Grant(grantee Grantee, access Access) (*Grant, error) {
	return r.target().grant(grantee, access, nil)
}

// GrantActions grants an explicit list of documented KMS actions.
func (r *KeyRef) GrantActions(grantee Grantee, actions ...string) (*Grant, error) {
	return r.target().grant(grantee, "", actions)
}

// GrantEncrypt, GrantDecrypt, GrantEncryptDecrypt, GrantSign, GrantVerify,
// GrantSignVerify, GrantGenerateMac, GrantVerifyMac,
// GrantDeriveSharedSecret and GrantAdmin are Grant with that access level.
func (r *KeyRef) GrantEncrypt(grantee Grantee) (*Grant, error) {
	return r.Grant(grantee, AccessEncrypt)
}
func (r *KeyRef) GrantDecrypt(grantee Grantee) (*Grant, error) {
	return r.Grant(grantee, AccessDecrypt)
}
func (r *KeyRef) GrantEncryptDecrypt(grantee Grantee) (*Grant, error) {
	return r.Grant(grantee, AccessEncryptDecrypt)
}
func (r *KeyRef) GrantSign(grantee Grantee) (*Grant, error)   { return r.Grant(grantee, AccessSign) }
func (r *KeyRef) GrantVerify(grantee Grantee) (*Grant, error) { return r.Grant(grantee, AccessVerify) }
func (r *KeyRef) GrantSignVerify(grantee Grantee) (*Grant, error) {
	return r.Grant(grantee, AccessSignVerify)
}
func (r *KeyRef) GrantGenerateMac(grantee Grantee) (*Grant, error) {
	return r.Grant(grantee, AccessGenerateMac)
}
func (r *KeyRef) GrantVerifyMac(grantee Grantee) (*Grant, error) {
	return r.Grant(grantee, AccessVerifyMac)
}
func (r *KeyRef) GrantDeriveSharedSecret(grantee Grantee) (*Grant, error) {
	return r.Grant(grantee, AccessDeriveSharedSecret)
}
func (r *KeyRef) GrantAdmin(grantee Grantee) (*Grant, error) { return r.Grant(grantee, AccessAdmin) }

// Grants returns the grants made on the reference.
func (r *KeyRef) Grants() []*Grant { return slices.Clone(r.grants) }

func (r *KeyRef) target() *keyTarget {
	return &keyTarget{
		node:          r.node,
		name:          r.name,
		arns:          func() []*string { return []*string{r.arn} },
		partition:     r.partition,
		account:       r.account,
		callerAccount: r.callerAccount,
		owner:         "the key reference " + r.name,
		kind:          keyKind{},
		st:            r.st,
		syntax:        outputSyntax(),
		grants:        &r.grants,
	}
}

// callerAccount returns the account Terraform deploys to, from a
// data.aws_caller_identity.<name>_caller_identity made on first use
// (registryMu held).
func (r *KeyRef) callerAccount() *string {
	if r.caller == nil {
		r.caller = dataawscalleridentity.NewDataAwsCallerIdentity(r.node, jsii.String("caller_identity"), &dataawscalleridentity.DataAwsCallerIdentityConfig{})
		r.caller.OverrideLogicalId(jsii.String(r.name + "_caller_identity"))
		r.st.own(r.caller)
	}
	return r.caller.AccountId()
}
