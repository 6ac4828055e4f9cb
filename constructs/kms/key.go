package kms

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmsalias"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmskey"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// KmsKey is a customer-managed KMS key with the original module's key
// policy, rotation, tags and ARN output, and the options of KmsKeyConfig.
// Create it with NewKmsKey.
//
// KmsKey is not itself a construct scope: pass Construct() as the scope of
// constructs that should live under it (see the package doc for why).
type KmsKey struct {
	node      constructs.Construct
	name      string
	config    KmsKeyConfig
	partition string
	key       kmskey.KmsKey
	aliases   []kmsalias.KmsAlias
	roles     []*Role
	grants    map[string]bool
	stack     *stackState
	// nested: the resources live under a node of their own (see NewKmsKey)
	nested bool
	// monitoring
	alarmTopicArn *string
	alarmNames    []string
	outputs       map[string]cdktf.TerraformOutput
}

// NewKmsKey validates config and, when it is valid, adds the key, its policy,
// aliases and outputs to scope under id. On error it returns every problem
// found (see FieldErrors) and adds nothing to scope.
func NewKmsKey(scope constructs.Construct, id string, config *KmsKeyConfig) (*KmsKey, error) {
	policy, err := config.validate()
	if err != nil {
		return nil, err
	}
	name, stack, err := terraformName(scope, id)
	if err != nil {
		return nil, err
	}
	cfg := config.clone()
	partition, _ := PartitionOf(cfg.AwsRegion)
	k := &KmsKey{name: name, config: cfg, partition: partition, outputs: map[string]cdktf.TerraformOutput{}, grants: map[string]bool{}}
	if err := cfg.checkMovedFrom(k.Address()); err != nil {
		return nil, err
	}

	stacksMu.Lock()
	defer stacksMu.Unlock()
	st := stateOf(stack)
	if err := st.reserve(k.Address(), cfg.Aliases, k.outputNames(), k.roleNames()); err != nil {
		return nil, err
	}
	k.stack = st

	// Directly in a stack, the resources are created there under their
	// Terraform names, which cdktf keeps as they are; nested deeper, they get
	// a node of their own and their names are pinned (cdktf would hash them).
	// Either way the addresses are the same; the first saves jsii calls.
	if name == id {
		k.node = scope
	} else {
		k.nested = true
		k.node = constructs.NewConstruct(scope, jsii.String(id))
	}
	k.key = kmskey.NewKmsKey(k.node, jsii.String(name), cfg.keyResourceConfig(policy))
	k.pin(k.key, name)
	k.addAliases()
	k.addRoles()
	k.addMonitoring()
	k.addOutputs()
	k.addMigration(st)
	return k, nil
}

// keyResourceConfig maps the configuration onto the aws_kms_key arguments.
// Options left unset write nothing, so the defaults give exactly the
// original module's arguments.
func (c *KmsKeyConfig) keyResourceConfig(policy string) *kmskey.KmsKeyConfig {
	kc := &kmskey.KmsKeyConfig{
		Description:       jsii.String(c.description()),
		EnableKeyRotation: jsii.Bool(c.rotationEnabled()),
		Policy:            jsii.String(policy),
		Tags:              c.tags(),
	}
	if c.DeletionWindowInDays != 0 {
		kc.DeletionWindowInDays = jsii.Number(c.DeletionWindowInDays)
	}
	if c.RotationPeriodInDays != 0 {
		kc.RotationPeriodInDays = jsii.Number(c.RotationPeriodInDays)
	}
	if c.KeyUsage != "" {
		kc.KeyUsage = jsii.String(c.KeyUsage)
	}
	if c.CustomerMasterKeySpec != "" {
		kc.CustomerMasterKeySpec = jsii.String(c.CustomerMasterKeySpec)
	}
	if c.MultiRegion {
		kc.MultiRegion = jsii.Bool(true)
	}
	if c.IsEnabled != nil {
		kc.IsEnabled = jsii.Bool(*c.IsEnabled)
	}
	if c.BypassPolicyLockoutSafetyCheck {
		kc.BypassPolicyLockoutSafetyCheck = jsii.Bool(true)
	}
	if c.PreventDestroy {
		kc.Lifecycle = &cdktf.TerraformResourceLifecycle{PreventDestroy: jsii.Bool(true)}
	}
	return kc
}

// tags returns the Name and Environment tags, then the extra tags.
func (c *KmsKeyConfig) tags() *map[string]*string {
	tags := map[string]*string{
		"Name":        jsii.String(fmt.Sprintf("%s-general-encryption-key", c.NamePrefix)),
		"Environment": jsii.String(c.Environment),
	}
	for k, v := range c.Tags {
		tags[k] = jsii.String(v)
	}
	return &tags
}

// Output suffixes: the outputs are <OutputPrefix>_<suffix>.
const (
	outputKeyArn     = "key_arn"
	outputAliasNames = "alias_names"
	outputAliasArns  = "alias_arns"
	outputRoleNames  = "role_names"
	outputRoleArns   = "role_arns"
	outputTopicArn   = "alarm_topic_arn"
	outputAlarmNames = "alarm_names"
)

// outputNames lists the outputs the key will create.
func (k *KmsKey) outputNames() []string {
	if k.config.SkipOutputs {
		return nil
	}
	names := []string{k.config.outputName(outputKeyArn)}
	if len(k.config.Aliases) > 0 {
		names = append(names, k.config.outputName(outputAliasNames), k.config.outputName(outputAliasArns))
	}
	if len(k.config.Roles) > 0 {
		names = append(names, k.config.outputName(outputRoleNames), k.config.outputName(outputRoleArns))
	}
	if k.config.Monitoring != nil {
		names = append(names, k.config.outputName(outputTopicArn), k.config.outputName(outputAlarmNames))
	}
	return names
}

// roleNames lists the names of the predefined roles.
func (k *KmsKey) roleNames() []string {
	names := make([]string, len(k.config.Roles))
	for i, r := range k.config.Roles {
		names[i] = k.config.roleName(r)
	}
	return names
}

// addOutputs creates the key's outputs, with their names as logical ids.
func (k *KmsKey) addOutputs() {
	if k.config.SkipOutputs {
		return
	}
	add := func(suffix string, value any) {
		name := k.config.outputName(suffix)
		// StaticId keeps the construct id as the output's name (no hash),
		// without a second jsii call to override it.
		o := cdktf.NewTerraformOutput(k.node, jsii.String(name), &cdktf.TerraformOutputConfig{Value: value, StaticId: jsii.Bool(true)})
		k.outputs[suffix] = o
	}
	add(outputKeyArn, k.key.Arn())
	if len(k.aliases) > 0 {
		names := make([]*string, len(k.aliases))
		arns := make([]*string, len(k.aliases))
		for i, a := range k.aliases {
			names[i], arns[i] = a.Name(), a.Arn()
		}
		add(outputAliasNames, names)
		add(outputAliasArns, arns)
	}
	if len(k.roles) > 0 {
		names := make([]*string, len(k.roles))
		arns := map[string]*string{}
		for i, r := range k.roles {
			names[i] = r.Resource.Name()
			arns[r.Name] = r.Resource.Arn()
		}
		add(outputRoleNames, names)
		add(outputRoleArns, arns)
	}
	if k.config.Monitoring != nil {
		add(outputTopicArn, k.alarmTopicArn)
		names := make([]*string, len(k.alarmNames))
		for i, n := range k.alarmNames {
			names[i] = jsii.String(n)
		}
		add(outputAlarmNames, names)
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

// Aliases returns the key's alias names, each with the alias/ prefix.
func (k *KmsKey) Aliases() []string { return append([]string(nil), k.config.Aliases...) }

// AliasArns returns tokens for the ARNs of the key's aliases, in the order
// of Aliases.
func (k *KmsKey) AliasArns() []*string {
	out := make([]*string, len(k.aliases))
	for i, a := range k.aliases {
		out[i] = a.Arn()
	}
	return out
}

// AliasResources returns the aws_kms_alias resources, in the order of
// Aliases.
func (k *KmsKey) AliasResources() []kmsalias.KmsAlias {
	return append([]kmsalias.KmsAlias(nil), k.aliases...)
}

// Construct returns the construct that holds the key's resources: the stack
// itself when the key was created directly in a stack, else a node of the
// key's own (with the key's id). Use it as the scope of constructs that
// belong with the key.
func (k *KmsKey) Construct() constructs.Construct { return k.node }

// pin gives a resource its Terraform name. Resources created directly in a
// stack already have it as their construct id, which cdktf keeps; under a
// node of the key's own, cdktf would add a hash, so the name is overridden.
func (k *KmsKey) pin(el cdktf.TerraformElement, name string) {
	if k.nested {
		el.OverrideLogicalId(jsii.String(name))
	}
}

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
// when SkipOutputs is set.
func (k *KmsKey) ArnOutput() cdktf.TerraformOutput { return k.outputs[outputKeyArn] }

// OutputNames returns the names of the Terraform outputs the key created.
func (k *KmsKey) OutputNames() []string { return k.outputNames() }
