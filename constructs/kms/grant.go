package kms

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"
)

var roleArnPattern = regexp.MustCompile(`^arn:([a-z-]+):iam::([0-9]{12}):role/(?:[!-~]*/)?([A-Za-z0-9+=,.@_-]{1,64})$`)

// GrantEncrypt lets an existing IAM role (name or ARN, in the key's account)
// encrypt with the key: kms:Encrypt, kms:ReEncrypt*, kms:GenerateDataKey*.
// It adds an inline policy (aws_iam_role_policy) on the role, scoped to
// this key's ARN.
func (k *KmsKey) GrantEncrypt(role string) (iamrolepolicy.IamRolePolicy, error) {
	return k.Grant(role, AccessEncrypt)
}

// GrantDecrypt lets an existing IAM role decrypt with the key: kms:Decrypt.
func (k *KmsKey) GrantDecrypt(role string) (iamrolepolicy.IamRolePolicy, error) {
	return k.Grant(role, AccessDecrypt)
}

// GrantEncryptDecrypt lets an existing IAM role encrypt and decrypt with the
// key, and describe it.
func (k *KmsKey) GrantEncryptDecrypt(role string) (iamrolepolicy.IamRolePolicy, error) {
	return k.Grant(role, AccessEncryptDecrypt)
}

// Grant adds an inline policy on an existing IAM role that allows the
// access level's actions on this key, and nothing else. role is a role name
// or a role ARN in the key's partition and account. The policy's address is
// aws_iam_role_policy.<key name>_grant_<role name>_<access>; granting the
// same access to the same role twice is an error. On error nothing is
// added.
func (k *KmsKey) Grant(role string, access Access) (iamrolepolicy.IamRolePolicy, error) {
	roleName, err := k.grantRoleName(role)
	var p problems
	if err != "" {
		p.add(field{"role", "role"}, role, "%s", err)
	}
	if _, ok := accessActions[access]; !ok {
		p.add(field{"access", "access"}, string(access), "must be encrypt, decrypt or encrypt_decrypt")
	}
	if len(p) > 0 {
		return nil, p.err()
	}
	tf := fmt.Sprintf("%s_grant_%s_%s", k.name, terraformSafe(roleName), access)
	stacksMu.Lock()
	defer stacksMu.Unlock()
	if k.grants[tf] {
		return nil, &FieldError{Field: "role", Key: "role", Value: role, Rule: fmt.Sprintf("already has the %s grant on %s", access, k.Address())}
	}
	k.grants[tf] = true
	policy := iamrolepolicy.NewIamRolePolicy(k.node, jsii.String(tf), &iamrolepolicy.IamRolePolicyConfig{
		Name:   jsii.String(fmt.Sprintf("kms-%s-%s", k.name, access)),
		Role:   jsii.String(roleName),
		Policy: jsii.String(k.keyAccessPolicy(access)),
	})
	k.pin(policy, tf)
	return policy, nil
}

// grantRoleName returns the role name of a grant's role, or what is wrong.
func (k *KmsKey) grantRoleName(role string) (string, string) {
	switch {
	case strings.Contains(role, "*"):
		return "", "wildcards are not allowed; name one role"
	case strings.HasPrefix(role, "arn:"):
		m := roleArnPattern.FindStringSubmatch(role)
		switch {
		case m == nil:
			return "", "must be a role name or a role ARN: arn:<partition>:iam::<12-digit account>:role/[path/]name"
		case m[1] != k.partition:
			return "", fmt.Sprintf("is in partition %q but the key is in %q", m[1], k.partition)
		case m[2] != k.config.AwsAccountId:
			return "", fmt.Sprintf("is a role of account %s; an inline policy can be added only to roles of the key's account %s (give other accounts access through additional_principals)", m[2], k.config.AwsAccountId)
		}
		return m[3], ""
	case !iamRoleNamePattern.MatchString(role):
		if len(role) > 64 {
			return "", fmt.Sprintf("is %d characters long; IAM role names are at most 64", len(role))
		}
		return "", "must be a role name (1 to 64 letters, digits and + = , . @ _ -) or a role ARN"
	}
	return role, ""
}
