package kms

import (
	"fmt"
	"slices"
	"time"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmsexternalkey"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmsreplicaexternalkey"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/cdktf-kms/cdktf-kms/internal/tftemplate"
)

// Origin is where a key's key material comes from, as AWS KMS names it
// (AWS KMS API Reference, CreateKey, Origin:
// https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html#KMS-CreateKey-request-Origin).
// Keys in a custom key store take their origin from CustomKeyStoreId.
type Origin string

// The origins a KmsKeyConfig takes.
const (
	// OriginAwsKms: AWS KMS creates the key material (the default).
	OriginAwsKms Origin = "AWS_KMS"
	// OriginExternal: key material you bring ("bring your own key"). The
	// key is an aws_kms_external_key and waits in the PendingImport state,
	// unusable, until its material is imported (AWS KMS Developer Guide,
	// "Importing key material":
	// https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys.html).
	OriginExternal Origin = "EXTERNAL"
)

// keyResource is what the construct uses of its key's resource and of each
// replica's, whichever origin: aws_kms_key, aws_kms_external_key,
// aws_kms_replica_key or aws_kms_replica_external_key.
type keyResource interface {
	cdktf.TerraformResource
	Arn() *string
	Id() *string
	SetPolicy(val *string)
}

// keyID returns a token for the key id of a key's or replica's resource:
// its key_id, or its id for aws_kms_external_key, which has no key_id (its
// id is the key id).
func keyID(r keyResource) *string {
	if k, ok := r.(interface{ KeyId() *string }); ok {
		return k.KeyId()
	}
	return r.Id()
}

// external says whether the key's material is brought by the user.
func (c *KmsKeyConfig) external() bool { return c.Origin == OriginExternal }

// KeyResourceType returns the Terraform type of the key's resource:
// aws_kms_external_key for Origin EXTERNAL, else aws_kms_key.
func (c *KmsKeyConfig) KeyResourceType() string { return c.keyResourceType() }

// keyResourceType is the Terraform type of the key's resource.
func (c *KmsKeyConfig) keyResourceType() string {
	if c.external() {
		return "aws_kms_external_key"
	}
	return "aws_kms_key"
}

// replicaResourceType is the Terraform type of the key's replicas.
func (c *KmsKeyConfig) replicaResourceType() string {
	if c.external() {
		return "aws_kms_replica_external_key"
	}
	return "aws_kms_replica_key"
}

// keyMaterialGiven says whether Terraform imports the key material.
func (c *KmsKeyConfig) keyMaterialGiven() bool {
	return c.KeyMaterialBase64 != "" || c.KeyMaterialVariable != ""
}

// Terraform's reserved names, which a variable cannot take (Terraform
// language, "Input Variables": declaring a variable).
var reservedVariableNames = []string{"source", "version", "providers", "count", "for_each", "lifecycle", "depends_on", "locals"}

const (
	ruleImportedNoRotation = "AWS does not rotate keys with imported key material automatically (AWS KMS API Reference, EnableKeyRotation: https://docs.aws.amazon.com/kms/latest/APIReference/API_EnableKeyRotation.html)"
	ruleNoCustomKeyStore   = "you cannot import key material into a key in a custom key store (AWS KMS API Reference, ImportKeyMaterial: https://docs.aws.amazon.com/kms/latest/APIReference/API_ImportKeyMaterial.html)"
)

// validateOrigin checks the origin and the fields of keys with imported
// key material.
func (c *KmsKeyConfig) validateOrigin(p *problems) {
	fOrigin := field{"Origin", "origin"}
	fMaterial := field{"KeyMaterialBase64", "key_material_base64"}
	fVariable := field{"KeyMaterialVariable", "key_material_variable"}
	fValidTo := field{"ValidTo", "valid_to"}
	switch c.Origin {
	case "", OriginAwsKms, OriginExternal:
	case "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE":
		p.add(fOrigin, string(c.Origin), "a key in a custom key store takes its origin from custom_key_store_id (CustomKeyStoreId); leave origin unset")
	default:
		p.add(fOrigin, string(c.Origin), "must be AWS_KMS or EXTERNAL (AWS KMS API Reference, CreateKey, Origin)")
	}
	if !c.external() {
		for _, f := range []struct {
			f     field
			value string
			shown any
		}{{fMaterial, c.KeyMaterialBase64, nil}, {fVariable, c.KeyMaterialVariable, c.KeyMaterialVariable}, {fValidTo, c.ValidTo, c.ValidTo}} {
			// The material is a secret: never shown.
			if f.value != "" {
				p.add(f.f, f.shown, "only with origin EXTERNAL (key material you bring); this key's material is AWS KMS's")
			}
		}
		return
	}
	if c.CustomKeyStoreId != "" {
		p.add(fOrigin, string(c.Origin), "%s; leave origin or custom_key_store_id unset", ruleNoCustomKeyStore)
	}
	if c.EnableKeyRotation != nil && *c.EnableKeyRotation {
		p.add(field{"EnableKeyRotation", "enable_key_rotation"}, true, "%s; leave enable_key_rotation unset or false", ruleImportedNoRotation)
	}
	if c.RotationPeriodInDays != 0 {
		p.add(field{"RotationPeriodInDays", "rotation_period_in_days"}, c.RotationPeriodInDays, "only applies with rotation on, and %s", ruleImportedNoRotation)
	}
	switch {
	case c.KeyMaterialBase64 != "" && c.KeyMaterialVariable != "":
		p.add(fMaterial, nil, "set key_material_base64 or key_material_variable (KeyMaterialVariable), not both")
	case c.KeyMaterialBase64 != "":
		// The value is a secret: never shown.
		switch msg := literalProblem(c.KeyMaterialBase64); {
		case msg != "":
			p.add(fMaterial, nil, "%s", msg)
		case !tftemplate.IsUnresolved(c.KeyMaterialBase64):
			p.add(fMaterial, nil, "is a literal: key material written in the code or in cdktf.json is a secret in the repository; give a reference to a sensitive value (Go: a cdktf.TerraformVariable with Sensitive, its StringValue()), set key_material_variable, or import the material outside Terraform")
		case len(tftemplate.Markers(c.KeyMaterialBase64)) != 1 || tftemplate.ReplaceMarkers(c.KeyMaterialBase64, func(string) string { return "" }) != "":
			p.add(fMaterial, nil, "holds literal text beside a reference, which would put part of the material in the repository; give one reference alone")
		}
	case c.KeyMaterialVariable != "":
		if validateLiteral(p, fVariable, c.KeyMaterialVariable) {
			switch {
			case !terraformNamePattern.MatchString(c.KeyMaterialVariable) || slices.Contains(reservedVariableNames, c.KeyMaterialVariable):
				p.add(fVariable, c.KeyMaterialVariable, "must be a Terraform variable name: a letter or _ first, then letters, digits, _ or -, and none of %v", reservedVariableNames)
			case c.KeyMaterialVariable == "Default":
				// cdktf leaves the construct id Default out of names, so
				// the variable would have none.
				p.add(fVariable, c.KeyMaterialVariable, "cannot be Default: cdktf leaves that construct id out of Terraform names; choose another name")
			}
		}
	}
	if c.ValidTo != "" {
		if !c.keyMaterialGiven() {
			p.add(fValidTo, c.ValidTo, "only with key material given to Terraform (key_material_base64 or key_material_variable), which the provider imports with this expiry; for material imported outside Terraform, give the expiry at that import")
		}
		validateReference(p, fValidTo, c.ValidTo, func(v string) string {
			if _, err := time.Parse(time.RFC3339, v); err != nil {
				return "must be an RFC 3339 date and time like 2027-06-30T00:00:00Z (the provider's valid_to)"
			}
			return ""
		})
	}
	if c.PublicKeyOutput && !c.keyMaterialGiven() {
		p.add(field{"PublicKeyOutput", "public_key_output"}, true, "the key waits in PendingImport until its material is imported outside Terraform, and GetPublicKey refuses a key in PendingImport (KMSInvalidStateException; AWS KMS Developer Guide, \"Key states of AWS KMS keys\": https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html): the apply would fail; give the material to Terraform (key_material_base64 or key_material_variable), or leave public_key_output unset")
	}
}

// externalWarnings are the warnings of a key with imported key material.
func (c *KmsKeyConfig) externalWarnings() []string {
	if !c.external() || !c.keyMaterialGiven() {
		return nil
	}
	return []string{"key material given to Terraform (key_material_base64 or key_material_variable) is stored in plain text in the Terraform state of this stack: keep the state encrypted and readable only by the pipeline, or import the material outside Terraform"}
}

// keyMaterial returns the key material argument: the reference given, or
// the value of the sensitive variable the key declares (its name is
// KeyMaterialVariable, in the stack), or nil.
func (k *KmsKey) keyMaterial() *string {
	c := &k.config
	switch {
	case c.KeyMaterialBase64 != "":
		return k.lit(c.KeyMaterialBase64)
	case c.KeyMaterialVariable == "":
		return nil
	}
	if k.materialVariable == nil {
		k.materialVariable = cdktf.NewTerraformVariable(k.stack.stack, jsii.String(c.KeyMaterialVariable), &cdktf.TerraformVariableConfig{
			Type:        jsii.String("string"),
			Sensitive:   jsii.Bool(true),
			Nullable:    jsii.Bool(false),
			Description: jsii.String(fmt.Sprintf("Key material of %s, base64-encoded (imported by Terraform: the state holds it)", k.Address())),
		})
		k.stack.own(k.materialVariable)
	}
	return k.materialVariable.StringValue()
}

// materialPreconditions holds the key material of a symmetric encryption
// key to AWS's size, 256 bits (AWS KMS Developer Guide, "Requirements for
// imported key material":
// https://docs.aws.amazon.com/kms/latest/developerguide/importing-keys-conceptual.html#importing-keys-material-requirements),
// at plan: 44 characters of base64. The China Regions' 128-bit keys, and
// HMAC and asymmetric material (of several sizes and encodings), are left
// to AWS.
func (k *KmsKey) materialPreconditions(material *string) []*cdktf.Precondition {
	c := &k.config
	if material == nil || c.keySpec() != string(KeySpecSymmetricDefault) || k.partition == "aws-cn" {
		return nil
	}
	return []*cdktf.Precondition{{
		Condition: cdktf.Fn_Can(cdktf.Fn_Regex(jsii.String(`^[A-Za-z0-9+/]{43}=$`), material)),
		ErrorMessage: k.lit(fmt.Sprintf("%s: the key material of %s must be 256 bits (32 bytes), base64-encoded: 44 characters ending in one =; AWS refuses symmetric encryption key material of another size (AWS KMS Developer Guide, Requirements for imported key material)",
			c.materialField().key, k.Address())),
	}}
}

// materialField is the field that gives the key material.
func (c *KmsKeyConfig) materialField() field {
	if c.KeyMaterialVariable != "" {
		return field{"KeyMaterialVariable", "key_material_variable"}
	}
	return field{"KeyMaterialBase64", "key_material_base64"}
}

// newExternalKey creates the aws_kms_external_key. Key spec and usage are
// written only when not the defaults, as overrides: the bindings (provider
// 5.84.0) lack them, and the provider has them from 6.11.0
// (validateProviderFeatures).
func (k *KmsKey) newExternalKey(policy string, deps *[]cdktf.ITerraformDependable) keyResource {
	c := &k.config
	shared := c.sharedKeyArguments()
	material := k.keyMaterial()
	kc := &kmsexternalkey.KmsExternalKeyConfig{
		Description:                    k.lit(c.description()),
		Tags:                           k.tags(),
		DeletionWindowInDays:           shared.deletionWindow,
		Enabled:                        shared.enabled,
		BypassPolicyLockoutSafetyCheck: shared.bypass,
		KeyMaterialBase64:              material,
		DependsOn:                      deps,
	}
	if c.ValidTo != "" {
		kc.ValidTo = k.lit(c.ValidTo)
	}
	if c.MultiRegion {
		kc.MultiRegion = jsii.Bool(true)
	}
	if c.KeyPolicyResource {
		kc.Lifecycle = withPreconditions(shared.lifecycle, k.materialPreconditions(material))
	} else {
		kc.Policy, kc.Lifecycle = k.policyArg(policy), k.keyLifecycle(policy)
	}
	key := kmsexternalkey.NewKmsExternalKey(k.node, jsii.String(keyResourceId), kc)
	for _, a := range c.externalTypeArguments() {
		key.AddOverride(jsii.String(a[0]), jsii.String(a[1]))
	}
	return key
}

// externalNeedsProvider is the first AWS provider release whose
// aws_kms_external_key takes key_spec and key_usage (#44011).
const externalNeedsProvider = "6.11.0"

// externalTypeArguments are the key_spec and key_usage arguments the
// external key writes (name, value): those not at the defaults.
func (c *KmsKeyConfig) externalTypeArguments() [][2]string {
	var out [][2]string
	if c.CustomerMasterKeySpec != "" && c.CustomerMasterKeySpec != KeySpecSymmetricDefault {
		out = append(out, [2]string{"key_spec", string(c.CustomerMasterKeySpec)})
	}
	if c.KeyUsage != "" && c.KeyUsage != KeyUsageEncryptDecrypt {
		out = append(out, [2]string{"key_usage", string(c.KeyUsage)})
	}
	return out
}

// externalSpecOrUsage says whether the external key writes key_spec or
// key_usage.
func (c *KmsKeyConfig) externalSpecOrUsage() bool {
	return c.external() && len(c.externalTypeArguments()) > 0
}

// newExternalReplica creates an aws_kms_replica_external_key: the same key
// material as the primary key (AWS KMS API Reference, ImportKeyMaterial:
// a replica takes the primary's material).
func (k *KmsKey) newExternalReplica(name string, rc replicaArguments) keyResource {
	c := &k.config
	material := k.keyMaterial()
	cfg := &kmsreplicaexternalkey.KmsReplicaExternalKeyConfig{
		PrimaryKeyArn:                  k.key.Arn(),
		Description:                    rc.description,
		Tags:                           rc.tags,
		Provider:                       rc.provider,
		DeletionWindowInDays:           rc.shared.deletionWindow,
		Enabled:                        rc.shared.enabled,
		BypassPolicyLockoutSafetyCheck: rc.shared.bypass,
		Lifecycle:                      withPreconditions(rc.shared.lifecycle, k.materialPreconditions(material)),
		Policy:                         rc.policy,
		KeyMaterialBase64:              material,
	}
	if c.ValidTo != "" {
		cfg.ValidTo = k.lit(c.ValidTo)
	}
	return kmsreplicaexternalkey.NewKmsReplicaExternalKey(k.node, jsii.String(name), cfg)
}

// keyLifecycle is the lifecycle of the key's resource with the policy
// inline: lifecycle's, and the checks of the key material.
func (k *KmsKey) keyLifecycle(policy string) *cdktf.TerraformResourceLifecycle {
	return withPreconditions(k.lifecycle(policy), k.materialPreconditions(k.keyMaterial()))
}

// withPreconditions returns lc with more preconditions (a copy when it
// gains any).
func withPreconditions(lc *cdktf.TerraformResourceLifecycle, more []*cdktf.Precondition) *cdktf.TerraformResourceLifecycle {
	if len(more) == 0 {
		return lc
	}
	out := &cdktf.TerraformResourceLifecycle{}
	if lc != nil {
		*out = *lc
	}
	var pre []*cdktf.Precondition
	if out.Precondition != nil {
		pre = append(pre, *out.Precondition...)
	}
	pre = append(pre, more...)
	out.Precondition = &pre
	return out
}
