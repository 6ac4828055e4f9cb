package kms

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawskmspublickey"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmsalias"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmsexternalkey"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmsgrant"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmskey"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmskeypolicy"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/cdktf-kms/cdktf-kms/internal/kmsoutputs"
	"github.com/cdktf-kms/cdktf-kms/internal/tftemplate"
)

// KmsKey is a customer-managed KMS key with the original module's key
// policy, rotation, tags and ARN output, and the options of KmsKeyConfig.
// Create it with NewKmsKey.
//
// A KmsKey is a node of its own in the construct tree, with the id given to
// NewKmsKey, wherever it is created: the aws_kms_key and everything else the
// key creates are its children. Use Construct() as the scope of constructs
// that belong with the key, or to add aspects to the key alone. (KmsKey is
// not itself a jsii construct: a Go struct cannot be both.)
type KmsKey struct {
	node      constructs.Construct
	name      string
	config    KmsKeyConfig
	partition string
	syntax    tftemplate.Syntax
	key       keyResource
	// materialVariable is the sensitive variable of KeyMaterialVariable,
	// once declared.
	materialVariable cdktf.TerraformVariable
	// policy is the key policy's resource and replicaPolicies the
	// replicas', by region (KeyPolicyResource); nil without it.
	policy          kmskeypolicy.KmsKeyPolicy
	replicaPolicies map[string]kmskeypolicy.KmsKeyPolicy
	aliases         []kmsalias.KmsAlias
	// replicaAliases are the aliases of the replicas, by region.
	replicaAliases map[string][]kmsalias.KmsAlias
	replicas       []*Replica
	roles          []*Role
	kmsGrants      []kmsgrant.KmsGrant
	grants         []*Grant
	stack          *stackState
	// nested: the key is not directly in its stack, so every resource's
	// name is pinned (cdktf would hash it)
	nested bool
	// added are the key policy statements added after construction.
	added []addedStatement
	// alarms are the alarms of the Monitoring field, or nil.
	alarms *KeyAlarms
	// dependencyWarnings are warnings found after construction: what the
	// key's alarms depend on that the key could disable
	// (warnMonitoringDependencies), service-linked roles named later.
	dependencyWarnings []string
	// slrSeen are the service-linked roles created or warned about.
	slrSeen map[string]bool
	outputs map[string]cdktf.TerraformOutput
	// movedPrefix is the old address prefix of the key's resources, with
	// MovedFrom: "<module path>" and "<old name>".
	movedModule, movedName string
	// resources are every resource the key created, in order.
	resources []ownedResource
	// createdProviders are the regions of the replica providers this key
	// added to the stack (removed again if construction fails).
	createdProviders []string
}

// keyResourceId is the construct id of the aws_kms_key under the key's
// node. cdktf leaves "Default" out of logical ids, so a key directly in a
// stack keeps its id as its Terraform name without an override.
const keyResourceId = "Default"

// NewKmsKey validates config and, when it is valid, adds the key, its policy,
// aliases, replicas, roles, grants, monitoring and outputs to scope under
// id. On error it returns every problem found (see FieldErrors) and adds
// nothing to scope: no construct, no reserved name.
//
// The key's address is aws_kms_key.<name>, where <name> is the construct
// path below the stack (see TerraformName). Every Terraform name it creates
// is checked against the names already in the stack (and, for names that
// are global in AWS, in the app); a clash is an error naming both sides.
func NewKmsKey(scope constructs.Construct, id string, config *KmsKeyConfig) (*KmsKey, error) {
	v, invalid := config.validate()
	if config == nil {
		return nil, invalid
	}
	name, stack, err := terraformName(scope, id)
	if err != nil {
		return nil, errors.Join(invalid, err)
	}
	cfg := config.clone()
	k := &KmsKey{
		name:           name,
		config:         cfg,
		partition:      v.partition,
		syntax:         outputSyntax(),
		outputs:        map[string]cdktf.TerraformOutput{},
		replicaAliases: map[string][]kmsalias.KmsAlias{},
		nested:         name != id,
		slrSeen:        map[string]bool{},
	}
	if err := cfg.checkMovedFrom(k.Address()); err != nil {
		invalid = errors.Join(invalid, err)
	}

	registryMu.Lock()
	defer registryMu.Unlock()
	if k.stack, err = stateOf(stack); err != nil {
		return nil, errors.Join(invalid, stateError(id, err))
	}
	// What the stack's maker said of its children holds up to this key.
	known := k.stack.known
	k.stack.known = nil
	if err := k.stack.afterSynth(field{"id", "id"}, id); err != nil {
		return nil, errors.Join(invalid, err)
	}
	var pp problems
	cfg.validateProviderFeatures(&pp, k.stack.providerConstraintOf())
	if err := pp.err(); err != nil {
		invalid = errors.Join(invalid, err)
	}
	// The names are checked even when the configuration has problems, so
	// that one call reports every problem.
	c := k.claims()
	c.known = known
	clash := c.check()
	skip := ""
	if !k.nested {
		skip = "resource " + k.Address()
	}
	if clash == nil {
		clash = c.checkChildren(skip)
	}
	if v := cfg.KeyMaterialVariable; v != "" && !k.nested && v == id {
		clash = errors.Join(clash, &FieldError{Field: "KeyMaterialVariable", Key: "key_material_variable", Value: v,
			Rule: "is the key's own construct id in the stack, where the variable is created under its name; choose another name"})
	}
	if invalid != nil || clash != nil {
		// A clash of a name whose field is invalid only repeats it.
		var p, more problems
		for _, fe := range FieldErrors(invalid) {
			p = append(p, fe)
		}
		for _, fe := range FieldErrors(clash) {
			more = append(more, fe)
		}
		return nil, p.withNew(more).err()
	}
	if err := k.create(scope, id, v, c); err != nil {
		return nil, err
	}
	k.stack.keys = append(k.stack.keys, k)
	k.stack.checkMade()
	return k, nil
}

// outputSyntax is the syntax cdktf writes a stack in: HCL when
// SYNTH_HCL_OUTPUT is "true" or "1", as cdktf's stacks read it (cdktf synth
// --hcl, or synth.Options.HCL), else JSON.
func outputSyntax() tftemplate.Syntax {
	if v := os.Getenv("SYNTH_HCL_OUTPUT"); v == "true" || v == "1" {
		return tftemplate.HCL
	}
	return tftemplate.JSON
}

// lit returns a string for a resource argument: a template that Terraform
// evaluates to exactly s, with cdktf's tokens kept as references.
func (k *KmsKey) lit(s string) *string { return jsii.String(tftemplate.Escape(s, k.syntax)) }

// policyArg returns a rendered key policy as a resource argument: whole
// list references become expressions that write their elements into the
// JSON (withListReferences), the rest is escaped as a literal.
func (k *KmsKey) policyArg(policy string) *string { return k.lit(withListReferences(policy)) }

// create adds the constructs. The jsii runtime panics on what the checks
// did not foresee; then the key's node is removed, its names are released
// and the panic is returned as an error.
func (k *KmsKey) create(scope constructs.Construct, id string, v validated, c *claims) (err error) {
	attached := k.stack.attached
	defer func() {
		if r := recover(); r != nil {
			if k.node != nil {
				scope.Node().TryRemoveChild(jsii.String(id))
			}
			k.stack.detach(attached)
			for _, region := range k.createdProviders {
				k.stack.node().TryRemoveChild(jsii.String("aws_" + regionSuffix(region)))
				delete(k.stack.providers, region)
			}
			c.release()
			err = constructError(id, r)
		}
	}()
	c.commit()
	k.node = constructs.NewConstruct(scope, jsii.String(id))
	slrs := k.addServiceLinkedRoles(nil)
	var deps *[]cdktf.ITerraformDependable
	if len(slrs) > 0 && !k.config.KeyPolicyResource {
		deps = &slrs
	}
	if k.config.external() {
		k.key = k.newExternalKey(v.policy, deps)
	} else {
		kc := k.keyResourceConfig(v.policy)
		kc.DependsOn = deps
		k.key = kmskey.NewKmsKey(k.node, jsii.String(keyResourceId), kc)
	}
	k.stack.own(k.node)
	k.pin(k.key, k.name)
	k.addKeyPolicy(v.policy, slrs)
	k.addReplicas(v)
	k.addAliases()
	k.addRoles()
	k.addKmsGrants()
	k.addMonitoring()
	k.addOutputs()
	k.addMigration()
	k.addWarnings()
	for _, r := range k.config.serviceLinkedRoles(k.partition, nil) {
		k.slrSeen[r.arn] = true // created, or warned about with the configuration
	}
	return nil
}

// constructError turns a jsii panic during construction into an error.
func constructError(id string, r any) error {
	msg := fmt.Sprint(r)
	if strings.Contains(msg, "There is already a Construct with name") {
		return &FieldError{Field: "id", Key: "id", Value: id, Rule: fmt.Sprintf("is already taken in its scope (%s); give the key another id", strings.TrimSpace(msg))}
	}
	return &FieldError{Field: "id", Key: "id", Value: id, Rule: fmt.Sprintf("creating the key failed in the jsii runtime (a bug of cdktf-kms: please report it): %s", msg)}
}

// claims lists every name the key creates.
func (k *KmsKey) claims() *claims {
	c := &claims{st: k.stack, owner: k.Address()}
	cfg := &k.config
	fID := field{"id", "id"}
	c.resource(cfg.keyResourceType(), k.name, fID, k.name)
	if cfg.KeyMaterialVariable != "" {
		c.variable(cfg.KeyMaterialVariable, field{"KeyMaterialVariable", "key_material_variable"}, cfg.KeyMaterialVariable)
	}
	if cfg.PublicKeyOutput {
		c.resource("data.aws_kms_public_key", k.name+"_public_key", field{"PublicKeyOutput", "public_key_output"}, nil)
	}
	if cfg.KeyPolicyResource {
		fp := field{"KeyPolicyResource", "key_policy_resource"}
		c.resource("aws_kms_key_policy", k.name+keyPolicySuffix, fp, nil)
		for _, r := range cfg.ReplicaRegions {
			c.resource("aws_kms_key_policy", replicaResourceName(k.name, r)+keyPolicySuffix, fp, nil)
		}
	}
	for i, a := range cfg.Aliases {
		f := field{"Aliases", "aliases"}.index(i)
		k.claimAliasResources(c, f, a)
	}
	for i, r := range cfg.ReplicaRegions {
		c.resource(cfg.replicaResourceType(), replicaResourceName(k.name, r), field{"ReplicaRegions", "replica_regions"}.index(i), r)
	}
	for i, r := range cfg.Roles {
		fr := field{"Roles", "roles"}.index(i).sub("Name", "name")
		name := cfg.roleName(r)
		tf := k.roleResourceName(name)
		c.resource("aws_iam_role", tf, fr, name)
		c.resource("aws_iam_role_policy", tf+"_kms", fr, name)
	}
	for _, r := range cfg.createdServiceLinkedRoles(k.partition, nil) {
		c.resource("aws_iam_service_linked_role", k.serviceLinkedRoleResourceName(r), r.field, r.arn)
	}
	for _, g := range cfg.GlobalNames() {
		c.global(g.Key, g.What, field{g.Field, g.ConfigKey}, g.Value)
	}
	for i, g := range cfg.KmsGrants {
		c.resource("aws_kms_grant", k.kmsGrantResourceName(g), field{"KmsGrants", "kms_grants"}.index(i).sub("Name", "name"), g.Name)
	}
	if cfg.Monitoring != nil {
		fm := field{"Monitoring", "monitoring"}
		for _, a := range monitoringResourceNames(k.name, cfg.Monitoring) {
			c.resource(a[0], a[1], fm, nil)
		}
	}
	for _, o := range k.outputNames() {
		c.output(o, field{"OutputPrefix", "output_prefix"}, nil)
	}
	return c
}

// claimAliasResources adds the resources an alias creates: its own and one
// for each replica region.
func (k *KmsKey) claimAliasResources(c *claims, f field, alias string) {
	tf, shown := k.aliasTfName(alias), k.aliasDisplay(alias)
	c.resource("aws_kms_alias", tf, f, shown)
	for _, r := range k.config.ReplicaRegions {
		c.resource("aws_kms_alias", replicaAliasResourceName(tf, r), f, shown)
	}
}

// claimAlias adds the names an alias added later creates: its resources
// (claimAliasResources) and the alias in the key's region and each replica
// region.
func (k *KmsKey) claimAlias(c *claims, f field, alias string) {
	k.claimAliasResources(c, f, alias)
	if isReference(alias) {
		return // its value is known at apply; AWS refuses a taken name then
	}
	for _, g := range k.config.aliasNames(f, alias) {
		c.global(g.Key, g.What, f, alias)
	}
}

// GlobalName is a name a key creates that AWS keeps unique beyond the
// stack: a role name per account, an alias per account and region.
type GlobalName struct {
	// Key identifies the name in AWS ("alias <account> <region> <alias>",
	// "role <account> <lower-case name>": IAM compares role names without
	// case).
	Key string
	// What describes it in a message.
	What string
	// Field and ConfigKey name the configuration it comes from, in Go and
	// in cdktf.json; Value is the name as given.
	Field, ConfigKey, Value string
}

// GlobalNames lists the names the configuration makes that AWS keeps
// unique per account (role names) or per account and region (aliases, in
// the key's region and each replica region). Two keys of one account must
// not share any; the construct checks that across the stacks of an app,
// and the environment app across its environments before it synthesizes.
func (c *KmsKeyConfig) GlobalNames() []GlobalName {
	var out []GlobalName
	for i, a := range normalizeAliases(c.Aliases) {
		if isReference(a) {
			continue // its value is known at apply; AWS refuses a taken name then
		}
		out = append(out, c.aliasNames(field{"Aliases", "aliases"}.index(i), a)...)
	}
	account := c.AwsAccountId
	for i, r := range c.Roles {
		f := field{"Roles", "roles"}.index(i).sub("Name", "name")
		name := c.roleName(r)
		out = append(out, GlobalName{roleKey(account, name), fmt.Sprintf("IAM role name %s in account %s", name, account), f.goName, f.key, name})
	}
	if partition, ok := PartitionOf(c.AwsRegion); ok {
		for _, r := range c.createdServiceLinkedRoles(partition, nil) {
			out = append(out, GlobalName{roleKey(account, r.name), fmt.Sprintf("service-linked role %s in account %s (create_service_linked_roles)", r.name, account), r.field.goName, r.field.key, r.arn})
		}
	}
	return out
}

// aliasNames are the global names of one alias.
func (c *KmsKeyConfig) aliasNames(f field, alias string) []GlobalName {
	account := c.AwsAccountId
	var out []GlobalName
	for _, region := range append([]string{c.AwsRegion}, c.ReplicaRegions...) {
		out = append(out, GlobalName{aliasKey(account, region, alias), fmt.Sprintf("alias %s in account %s, region %s", alias, account, region), f.goName, f.key, alias})
	}
	return out
}

// aliasKey and roleKey identify names that are global in AWS.
func aliasKey(account, region, alias string) string {
	return "alias " + account + " " + region + " " + alias
}

func roleKey(account, name string) string {
	// IAM role names are unique per account regardless of case.
	return "role " + account + " " + strings.ToLower(name)
}

// keyResourceConfig maps the configuration onto the aws_kms_key arguments.
// Options left unset write nothing, so the defaults give exactly the
// original module's arguments.
func (k *KmsKey) keyResourceConfig(policy string) *kmskey.KmsKeyConfig {
	c := &k.config
	kc := &kmskey.KmsKeyConfig{
		Description:       k.lit(c.description()),
		EnableKeyRotation: jsii.Bool(c.rotationEnabled()),
		Tags:              k.tags(),
	}
	shared := c.sharedKeyArguments()
	kc.DeletionWindowInDays, kc.IsEnabled = shared.deletionWindow, shared.enabled
	kc.BypassPolicyLockoutSafetyCheck = shared.bypass
	if c.KeyPolicyResource {
		// The policy, its bypass flag and its checks are the policy
		// resource's (addKeyPolicy).
		kc.Lifecycle = shared.lifecycle
	} else {
		kc.Policy, kc.Lifecycle = k.policyArg(policy), k.keyLifecycle(policy)
	}
	if c.RotationPeriodInDays != 0 {
		kc.RotationPeriodInDays = jsii.Number(c.RotationPeriodInDays)
	}
	if c.KeyUsage != "" {
		kc.KeyUsage = jsii.String(string(c.KeyUsage))
	}
	if c.CustomerMasterKeySpec != "" {
		kc.CustomerMasterKeySpec = jsii.String(string(c.CustomerMasterKeySpec))
	}
	if c.MultiRegion {
		kc.MultiRegion = jsii.Bool(true)
	}
	if c.CustomKeyStoreId != "" {
		kc.CustomKeyStoreId = k.lit(c.CustomKeyStoreId)
	}
	if c.XksKeyId != "" {
		kc.XksKeyId = k.lit(c.XksKeyId)
	}
	return kc
}

// keyArguments are the arguments the key and its replicas share; nil
// where the option is unset, so that nothing is written. The booleans are
// any, as in the bindings: a nil *bool in an interface field would not be
// unset.
type keyArguments struct {
	deletionWindow *float64
	enabled        any
	bypass         any
	lifecycle      *cdktf.TerraformResourceLifecycle
}

// sharedKeyArguments maps the options that apply to the key and to each
// replica alike.
func (c *KmsKeyConfig) sharedKeyArguments() keyArguments {
	var a keyArguments
	if c.DeletionWindowInDays != 0 {
		a.deletionWindow = jsii.Number(c.DeletionWindowInDays)
	}
	if c.IsEnabled != nil {
		a.enabled = jsii.Bool(*c.IsEnabled)
	}
	if c.BypassPolicyLockoutSafetyCheck {
		a.bypass = jsii.Bool(true)
	}
	if c.PreventDestroy {
		a.lifecycle = &cdktf.TerraformResourceLifecycle{PreventDestroy: jsii.Bool(true)}
	}
	return a
}

// tags returns the Name and Environment tags, then the extra tags. A
// literal tag cannot hold "${" or "%{" (AWS's tag rule refuses "$", "{" and
// "%"); a value that holds a reference is escaped around it.
func (k *KmsKey) tags() *map[string]*string {
	c := &k.config
	tags := map[string]*string{
		"Name":        jsii.String(fmt.Sprintf("%s-general-encryption-key", c.NamePrefix)),
		"Environment": jsii.String(c.Environment),
	}
	for key, v := range c.Tags {
		tags[key] = k.lit(v)
	}
	return &tags
}

// pin gives a resource its Terraform name. The key directly in a stack
// already has it (its construct id "Default" is left out of logical ids);
// every other resource is nested under the key's node, where cdktf would
// add a hash, so its name is overridden.
func (k *KmsKey) pin(res cdktf.TerraformResource, name string) {
	k.resources = append(k.resources, ownedResource{res, name})
	k.stack.own(res)
	if res == k.key && !k.nested {
		return
	}
	res.OverrideLogicalId(jsii.String(name))
}

// ownedResource is a resource the key created, with its Terraform name.
type ownedResource struct {
	resource cdktf.TerraformResource
	name     string
}

// outputNames lists the outputs the key will create.
func (k *KmsKey) outputNames() []string {
	c := &k.config
	if c.SkipOutputs {
		return nil
	}
	names := []string{c.outputName(kmsoutputs.KeyArn)}
	if c.KeyIdOutput {
		names = append(names, c.outputName(kmsoutputs.KeyId))
	}
	if c.PublicKeyOutput {
		names = append(names, c.outputName(kmsoutputs.PublicKey))
	}
	if len(c.Aliases) > 0 { // AddAlias appends to it
		names = append(names, c.outputName(kmsoutputs.AliasNames), c.outputName(kmsoutputs.AliasArns))
	}
	if len(c.ReplicaRegions) > 0 {
		names = append(names, c.outputName(kmsoutputs.ReplicaArns))
	}
	if len(c.Roles) > 0 {
		names = append(names, c.outputName(kmsoutputs.RoleNames), c.outputName(kmsoutputs.RoleArns))
	}
	if c.Monitoring != nil {
		names = append(names, c.outputName(kmsoutputs.TopicArn), c.outputName(kmsoutputs.AlarmNames))
	}
	return names
}

// addOutput creates one output, with its name as its Terraform name.
func (k *KmsKey) addOutput(suffix string, value any) {
	name := k.config.outputName(suffix)
	// StaticId keeps the construct id as the output's name (no hash),
	// without a second jsii call to override it.
	o := cdktf.NewTerraformOutput(k.node, jsii.String(name), &cdktf.TerraformOutputConfig{Value: value, StaticId: jsii.Bool(true)})
	k.outputs[suffix] = o
	k.stack.own(o)
}

// addOutputs creates the key's outputs.
func (k *KmsKey) addOutputs() {
	if k.config.SkipOutputs {
		return
	}
	k.addOutput(kmsoutputs.KeyArn, k.key.Arn())
	if k.config.KeyIdOutput {
		k.addOutput(kmsoutputs.KeyId, keyID(k.key))
	}
	if k.config.PublicKeyOutput {
		name := k.name + "_public_key"
		d := dataawskmspublickey.NewDataAwsKmsPublicKey(k.node, jsii.String(name), &dataawskmspublickey.DataAwsKmsPublicKeyConfig{
			KeyId: k.key.Arn(),
		})
		d.OverrideLogicalId(jsii.String(name))
		k.stack.own(d)
		k.addOutput(kmsoutputs.PublicKey, d.PublicKeyPem())
	}
	if len(k.aliases) > 0 {
		names, arns := k.aliasOutputValues()
		k.addOutput(kmsoutputs.AliasNames, names)
		k.addOutput(kmsoutputs.AliasArns, arns)
	}
	if len(k.replicas) > 0 {
		arns := map[string]*string{}
		for _, r := range k.replicas {
			arns[r.Region] = r.Arn()
		}
		k.addOutput(kmsoutputs.ReplicaArns, arns)
	}
	if len(k.roles) > 0 {
		names := make([]*string, len(k.roles))
		arns := map[string]*string{}
		for i, r := range k.roles {
			names[i] = r.Resource.Name()
			arns[r.Name] = r.Resource.Arn()
		}
		k.addOutput(kmsoutputs.RoleNames, names)
		k.addOutput(kmsoutputs.RoleArns, arns)
	}
	if k.alarms != nil {
		k.addOutput(kmsoutputs.TopicArn, k.alarms.topicArn)
		names := make([]*string, len(k.alarms.names))
		for i, n := range k.alarms.names {
			names[i] = k.lit(n)
		}
		k.addOutput(kmsoutputs.AlarmNames, names)
	}
}

// KeyArn returns a token for the key's ARN.
func (k *KmsKey) KeyArn() *string { return k.key.Arn() }

// KeyId returns a token for the key's id.
func (k *KmsKey) KeyId() *string { return keyID(k.key) }

// Key returns the underlying aws_kms_key resource, as an escape hatch for
// arguments the construct does not expose; nil for a key with imported key
// material (see ExternalKey). Changing its arguments can replace the key;
// prefer the config fields.
func (k *KmsKey) Key() kmskey.KmsKey {
	key, _ := k.key.(kmskey.KmsKey)
	return key
}

// ExternalKey returns the underlying aws_kms_external_key of a key with
// imported key material (Origin EXTERNAL), as an escape hatch like Key;
// nil for other keys.
func (k *KmsKey) ExternalKey() kmsexternalkey.KmsExternalKey {
	key, _ := k.key.(kmsexternalkey.KmsExternalKey)
	return key
}

// Construct returns the key's own node in the construct tree, with the id
// given to NewKmsKey: the parent of every resource the key creates. Use it
// as the scope of constructs that belong with the key, and to add aspects
// or dependencies to the key alone.
func (k *KmsKey) Construct() constructs.Construct { return k.node }

// Node returns the construct tree node of Construct().
func (k *KmsKey) Node() constructs.Node { return k.node.Node() }

// TerraformName returns the name that forms the key's address,
// aws_kms_key.<name> or aws_kms_external_key.<name> (see the package doc).
func (k *KmsKey) TerraformName() string { return k.name }

// Address returns the key's Terraform address: aws_kms_key.<name>, or
// aws_kms_external_key.<name> for a key with imported key material.
func (k *KmsKey) Address() string { return k.config.keyResourceType() + "." + k.name }

// Partition returns the AWS partition of the key's region ("aws",
// "aws-cn", "aws-us-gov", ...).
func (k *KmsKey) Partition() string { return k.partition }

// Config returns a copy of the configuration the key was created with.
func (k *KmsKey) Config() KmsKeyConfig { return k.config.clone() }

// Policy returns the key policy document as the construct rendered it for
// the key's region, statements added after construction included.
func (k *KmsKey) Policy() PolicyDocument {
	return k.config.buildPolicy(k.partition, k.config.AwsRegion, k.added).doc
}

// ArnOutput returns the Terraform output that holds the key's ARN, or nil
// when SkipOutputs is set.
func (k *KmsKey) ArnOutput() cdktf.TerraformOutput { return k.outputs[kmsoutputs.KeyArn] }

// OutputNames returns the names of the Terraform outputs the key created.
func (k *KmsKey) OutputNames() []string { return k.outputNames() }

// AddToResourcePolicy adds a statement to the key policy (and to each
// replica's), after the statements the configuration gives. It is checked
// like ExtraPolicyStatements with the whole policy; on error the policy is
// unchanged. Call it before the app synthesizes.
func (k *KmsKey) AddToResourcePolicy(s PolicyStatement) error {
	registryMu.Lock()
	defer registryMu.Unlock()
	f := field{"statement", "statement"}
	if err := k.stack.afterSynth(f, nil); err != nil {
		return err
	}
	var p problems
	for _, msg := range statementProblems(s) {
		p.add(f, nil, "%s", msg)
	}
	if err := p.err(); err != nil {
		return err
	}
	return k.addStatement(addedStatement{statement: s.clone(), source: statementSource{field: f}})
}

// addStatement adds a statement to the key policy and re-renders it;
// nothing changes when the new policy is refused.
func (k *KmsKey) addStatement(a addedStatement) error {
	var p problems
	v := k.config.renderPolicies(k.partition, append(append([]addedStatement(nil), k.added...), a), &p)
	if err := p.err(); err != nil {
		return err
	}
	k.added = append(k.added, a)
	if err := k.serviceLinkedRolesAdded(); err != nil {
		k.added = k.added[:len(k.added)-1]
		return err
	}
	if k.policy != nil {
		k.policy.SetPolicy(k.policyArg(v.policy))
		if lc := k.policyLifecycle(v.policy); lc != nil && lc.Precondition != nil {
			k.policy.SetLifecycle(lc)
		}
		for region, rp := range k.replicaPolicies {
			rp.SetPolicy(k.policyArg(v.replicas[region]))
		}
		return nil
	}
	k.key.SetPolicy(k.policyArg(v.policy))
	if lc := k.keyLifecycle(v.policy); lc != nil && lc.Precondition != nil {
		k.key.SetLifecycle(lc)
	}
	for _, r := range k.replicas {
		r.res.SetPolicy(k.policyArg(v.replicas[r.Region]))
	}
	return nil
}

// addKeyPolicy writes the key policy as aws_kms_key_policy.<name>_policy
// when KeyPolicyResource asks for it: the bypass flag, the checks on the
// principals given by reference, and the wait for service-linked roles the
// key creates go with it.
func (k *KmsKey) addKeyPolicy(policy string, slrs []cdktf.ITerraformDependable) {
	if !k.config.KeyPolicyResource {
		return
	}
	name := k.name + keyPolicySuffix
	cfg := &kmskeypolicy.KmsKeyPolicyConfig{
		KeyId:                          keyID(k.key),
		Policy:                         k.policyArg(policy),
		BypassPolicyLockoutSafetyCheck: k.config.sharedKeyArguments().bypass,
		Lifecycle:                      k.policyLifecycle(policy),
	}
	if len(slrs) > 0 {
		cfg.DependsOn = &slrs
	}
	k.policy = kmskeypolicy.NewKmsKeyPolicy(k.node, jsii.String(name), cfg)
	k.pin(k.policy, name)
}

// keyPolicySuffix ends the Terraform name of the key's policy resource.
const keyPolicySuffix = "_policy"

// policyLifecycle is the policy resource's lifecycle: the key's
// (lifecycle): prevent_destroy too, since destroying the policy resource
// puts AWS's default policy on the key (the provider's delete), and the
// checks of the principals given by reference.
func (k *KmsKey) policyLifecycle(policy string) *cdktf.TerraformResourceLifecycle {
	return k.lifecycle(policy)
}
