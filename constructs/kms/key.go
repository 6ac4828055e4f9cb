package kms

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmskey"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// KmsKey is a customer-managed KMS key with the original module's key
// policy, rotation, tags and ARN output. Create it with NewKmsKey.
//
// KmsKey is not itself a construct scope: pass Construct() as the scope of
// constructs that should live under it (see the package doc for why).
type KmsKey struct {
	node      constructs.Construct
	name      string
	config    KmsKeyConfig
	partition string
	key       kmskey.KmsKey
	arnOutput cdktf.TerraformOutput
}

// NewKmsKey validates config and, when it is valid, adds the key, its policy
// and its ARN output to scope under id. On error it returns every problem
// found (see FieldErrors) and adds nothing to scope.
func NewKmsKey(scope constructs.Construct, id string, config *KmsKeyConfig) (*KmsKey, error) {
	policy, err := config.validate()
	if err != nil {
		return nil, err
	}
	name, err := TerraformName(scope, id)
	if err != nil {
		return nil, err
	}
	cfg := config.clone()
	partition, _ := PartitionOf(cfg.AwsRegion)

	k := &KmsKey{name: name, config: cfg, partition: partition}
	k.node = constructs.NewConstruct(scope, jsii.String(id))
	k.key = kmskey.NewKmsKey(k.node, jsii.String("key"), &kmskey.KmsKeyConfig{
		Description:       jsii.String(KeyDescription),
		EnableKeyRotation: jsii.Bool(true),
		Policy:            jsii.String(policy),
		Tags:              cfg.tags(),
	})
	k.key.OverrideLogicalId(jsii.String(name))

	if !cfg.SkipArnOutput {
		k.arnOutput = cdktf.NewTerraformOutput(k.node, jsii.String("kms_key_arn"), &cdktf.TerraformOutputConfig{
			Value: k.key.Arn(),
		})
		k.arnOutput.OverrideLogicalId(jsii.String(cfg.arnOutputName()))
	}
	return k, nil
}

// policyDocument builds the key policy for a validated configuration.
func (c *KmsKeyConfig) policyDocument(partition string) PolicyDocument {
	return PolicyDocument{
		Version:   PolicyVersion,
		Statement: originalStatements(partition, c.AwsAccountId, c.AwsRegion, c.AdditionalPrincipals),
	}
}

// tags returns the original module's tags.
func (c *KmsKeyConfig) tags() *map[string]*string {
	return &map[string]*string{
		"Name":        jsii.String(fmt.Sprintf("%s-general-encryption-key", c.NamePrefix)),
		"Environment": jsii.String(c.Environment),
	}
}

// KeyArn returns a token for the key's ARN.
func (k *KmsKey) KeyArn() *string { return k.key.Arn() }

// KeyId returns a token for the key's id.
func (k *KmsKey) KeyId() *string { return k.key.KeyId() }

// Key returns the underlying aws_kms_key resource, as an escape hatch for
// arguments the construct does not expose. Changing its arguments can
// replace the key; prefer the config fields.
func (k *KmsKey) Key() kmskey.KmsKey { return k.key }

// Construct returns the construct node that holds the key's resources. Use
// it as the scope of constructs that belong with the key.
func (k *KmsKey) Construct() constructs.Construct { return k.node }

// TerraformName returns the name that forms the key's address,
// aws_kms_key.<name> (see the package doc).
func (k *KmsKey) TerraformName() string { return k.name }

// Address returns the key's Terraform address, aws_kms_key.<name>.
func (k *KmsKey) Address() string { return "aws_kms_key." + k.name }

// Partition returns the AWS partition of the key's region ("aws",
// "aws-cn", "aws-us-gov", ...).
func (k *KmsKey) Partition() string { return k.partition }

// Policy returns the key policy document as the construct rendered it.
func (k *KmsKey) Policy() PolicyDocument { return k.config.policyDocument(k.partition) }

// ArnOutput returns the Terraform output that holds the key's ARN, or nil
// when SkipArnOutput is set.
func (k *KmsKey) ArnOutput() cdktf.TerraformOutput { return k.arnOutput }
