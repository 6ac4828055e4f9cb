package kms

import "github.com/aws/constructs-go/constructs/v10"

// IKey is a KMS key that constructs can use and grant: one this app creates
// (*KmsKey, from NewKmsKey) or one created elsewhere (*KeyRef, from
// FromKeyArn or FromAlias), as AWS CDK's IKey is for Key and Key.fromKeyArn.
// A function that takes an IKey works with either.
type IKey interface {
	// KeyArn and KeyId are the key's ARN and id (tokens when they are
	// known only at apply).
	KeyArn() *string
	KeyId() *string
	// Construct is the key's node in the construct tree.
	Construct() constructs.Construct
	// Grant lets a grantee do what an access level allows, GrantActions an
	// explicit list of KMS actions; the other methods are Grant with one
	// access level. See KmsKey.Grant.
	Grant(grantee Grantee, access Access) (*Grant, error)
	GrantActions(grantee Grantee, actions ...string) (*Grant, error)
	GrantEncrypt(grantee Grantee) (*Grant, error)
	GrantDecrypt(grantee Grantee) (*Grant, error)
	GrantEncryptDecrypt(grantee Grantee) (*Grant, error)
	GrantSign(grantee Grantee) (*Grant, error)
	GrantVerify(grantee Grantee) (*Grant, error)
	GrantSignVerify(grantee Grantee) (*Grant, error)
	GrantGenerateMac(grantee Grantee) (*Grant, error)
	GrantVerifyMac(grantee Grantee) (*Grant, error)
	GrantDeriveSharedSecret(grantee Grantee) (*Grant, error)
	GrantAdmin(grantee Grantee) (*Grant, error)
	// Grants are the grants made so far.
	Grants() []*Grant
}

// Both kinds of key are IKeys.
var (
	_ IKey = (*KmsKey)(nil)
	_ IKey = (*KeyRef)(nil)
)
