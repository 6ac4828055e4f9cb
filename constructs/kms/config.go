package kms

import (
	"maps"

	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
)

// DefaultOutputPrefix starts the names of the key's outputs; with it the
// ARN output is kms_key_arn, as in the original module.
const DefaultOutputPrefix = "kms"

// KeyDescription is the description the original module gives the key.
const KeyDescription = "General KMS key for encrypting CloudWatch logs, S3 buckets, and other resources"

// KmsKeyConfig configures a KmsKey. The first five fields are the original
// module's variables with the same meaning; every other field is an option
// that is off by default, so that the defaults reproduce the original module.
//
// The json tags are the keys of an environment in cdktf.json.
//
// References: fields documented as "takes a reference" accept an unresolved
// cdktf token from the Go API (for example *role.Arn() of an aws_iam_role in
// the same app). Checks that need the concrete value are skipped for a
// reference; the others still run. Values read from cdktf.json are data and
// never references. Every other string is a literal: the construct escapes
// "${" and "%{" so that Terraform passes it to AWS unchanged.
//
// Whole lists: every list of principals that takes references (and
// ServicePrincipalsSourceArns, and a native grant's or Grant's grantee)
// also takes a whole Terraform list(string), as the one entry of
// cdktf.Token_AsList(...) or a variable's ListValue() gives it, mixed with
// literals and string references. In a key policy the statement's list
// becomes jsonencode(concat(...)), so Terraform writes every element into
// the JSON; a whole list among AdditionalPrincipals makes one statement for
// all its elements; a statement that names only whole lists gets a
// precondition that they are not all empty (AWS refuses a statement with no
// principal). A native grant or a Grant to a whole list is made once per
// element (for_each). A whole list counts as one principal in the 32 KB
// estimate: its length is known only at apply. Where one string is taken,
// a whole list is refused: give one element with cdktf.Fn_Element.
type KmsKeyConfig struct {
	// AwsAccountId is the 12-digit id of the account that owns the key. Its
	// root principal gets full control of the key. Required; a literal.
	AwsAccountId string `json:"aws_account_id"`

	// AwsRegion is the region of the key, for example "eu-west-1". It picks
	// the CloudWatch Logs service principal (logs.<region>.<suffix>, see
	// LogsServicePrincipal) and the ARN partition ("aws-cn" for cn-*,
	// "aws-us-gov" for us-gov-*). Required; a literal.
	AwsRegion string `json:"aws_region"`

	// NamePrefix starts the key's Name tag, "<NamePrefix>-general-encryption-key".
	// Required: 1 to 233 letters, digits, "-" or "_", starting with a letter
	// or digit.
	NamePrefix string `json:"name_prefix"`

	// Environment is the value of the key's Environment tag. Required: 1 to
	// 64 letters, digits, "-" or "_", starting with a letter or digit. In
	// cdktf.json it defaults to the environment's name.
	Environment string `json:"environment"`

	// AdditionalPrincipals are IAM or STS ARNs (account root, role, user or
	// assumed-role, in the key's partition, any account) that may use the key
	// for cryptographic operations, one policy statement each, in order.
	// Takes references. Default: none.
	AdditionalPrincipals []string `json:"additional_principals"`

	// OutputPrefix starts the names of the Terraform outputs the key
	// creates: <prefix>_key_arn (the original module's kms_key_arn), and
	// with aliases <prefix>_alias_names and <prefix>_alias_arns. Set it when
	// a stack holds more than one key. Default: "kms".
	OutputPrefix string `json:"output_prefix,omitempty"`

	// SkipOutputs creates no Terraform outputs. Default: false.
	SkipOutputs bool `json:"skip_outputs,omitempty"`

	// KeyIdOutput adds the output <prefix>_key_id with the key's id beside
	// <prefix>_key_arn. Default: false (the original module has only the
	// ARN output).
	KeyIdOutput bool `json:"key_id_output,omitempty"`

	// PublicKeyOutput adds the output <prefix>_public_key_pem with the
	// public key of an asymmetric key (PEM), read by a data source
	// data.aws_kms_public_key.<name>_public_key once the key exists (AWS
	// KMS API Reference, GetPublicKey: asymmetric keys only, never
	// symmetric or HMAC ones), for the parties that verify signatures or
	// encrypt without AWS credentials. Refused for symmetric and HMAC keys.
	// Default: false.
	PublicKeyOutput bool `json:"public_key_output,omitempty"`

	// Aliases are alias names for the key, with or without the "alias/"
	// prefix (stored with it): one aws_kms_alias each (and one per replica
	// region), named <name>_alias_<alias with / as _>. Services can refer to
	// the key by alias, which survives key replacement. Rule: alias/
	// followed by letters, digits, /, _ and -, at most 256 characters, never
	// alias/aws/..., unique per account and region across the app (AWS KMS
	// API Reference, CreateAlias). Takes a reference (one name each, not a
	// whole list): its value must hold the alias/ prefix and meets the same
	// rule at plan, through a precondition on the alias; its resource is
	// named <name>_alias_ref_<8 hex digits of the reference's Terraform
	// expression>, so the same expression keeps the same address; the
	// uniqueness across the app is left to AWS, which refuses a taken name
	// at apply. Default: none.
	Aliases []string `json:"aliases,omitempty"`

	// Description replaces the key's description (and its replicas'). At
	// most 8192 characters. Takes a reference. Default: the original
	// module's description (KeyDescription).
	Description string `json:"description,omitempty"`

	// DeletionWindowInDays is how long a destroyed key (and its replicas)
	// waits before AWS deletes it, 7 to 30. Default: unset, the provider's
	// default (30).
	DeletionWindowInDays int `json:"deletion_window_in_days,omitempty"`

	// EnableKeyRotation states whether automatic rotation is on. AWS rotates
	// only symmetric encryption keys (SYMMETRIC_DEFAULT): for them rotation
	// is always on and false is refused; for every other key spec AWS does
	// not support rotation, so it is off and true is refused. Default: unset
	// (derived from the key spec).
	EnableKeyRotation *bool `json:"enable_key_rotation,omitempty"`

	// RotationPeriodInDays is the rotation period, 90 to 2560 days; only
	// with rotation on. Default: unset (AWS's 365 days).
	RotationPeriodInDays int `json:"rotation_period_in_days,omitempty"`

	// KeyUsage is ENCRYPT_DECRYPT, SIGN_VERIFY, GENERATE_VERIFY_MAC or
	// KEY_AGREEMENT (the KeyUsage constants), in a pair with
	// CustomerMasterKeySpec that AWS allows. Changing it replaces the key.
	// Default: unset (ENCRYPT_DECRYPT).
	KeyUsage KeyUsage `json:"key_usage,omitempty"`

	// CustomerMasterKeySpec is the key spec (SYMMETRIC_DEFAULT, RSA_2048,
	// HMAC_256, ECC_NIST_P256, ...: the KeySpec constants). Changing it
	// replaces the key. Default: unset (SYMMETRIC_DEFAULT).
	CustomerMasterKeySpec KeySpec `json:"customer_master_key_spec,omitempty"`

	// MultiRegion makes the key a multi-Region primary key. Changing it
	// replaces the key. Key administrators then also get
	// kms:ReplicateKey and kms:UpdatePrimaryRegion. Default: false.
	MultiRegion bool `json:"multi_region,omitempty"`

	// CustomKeyStoreId creates the key in a custom key store, an AWS
	// CloudHSM key store or an external key store (cks-...; its connection
	// state must be CONNECTED when the key is created). AWS allows only
	// symmetric encryption keys in a single Region there, and rotates none
	// of them, so the key is SYMMETRIC_DEFAULT, not multi-Region and
	// without rotation (AWS KMS API Reference, CreateKey, CustomKeyStoreId;
	// EnableKeyRotation). Changing it replaces the key. Takes a reference.
	// Default: none (AWS KMS's own key store).
	CustomKeyStoreId string `json:"custom_key_store_id,omitempty"`

	// XksKeyId is the external key that serves as the key material of a key
	// in an external key store (CustomKeyStoreId): 1 to 128 letters,
	// digits and - _ . (AWS KMS API Reference, CreateKey, XksKeyId).
	// Required with an external key store, refused without
	// CustomKeyStoreId. Changing it replaces the key. Takes a reference.
	// Default: none.
	XksKeyId string `json:"xks_key_id,omitempty"`

	// Origin is where the key material comes from: AWS_KMS (AWS KMS creates
	// it) or EXTERNAL (key material you bring: the key is an
	// aws_kms_external_key at aws_kms_external_key.<name>, its replicas
	// aws_kms_replica_external_key). An EXTERNAL key waits in PendingImport,
	// unusable, until its material is imported: by Terraform (the
	// KeyMaterial fields) or outside it (GetParametersForImport, then
	// ImportKeyMaterial). AWS does not rotate such keys automatically, and
	// imports no material into a custom key store, so enable_key_rotation,
	// rotation_period_in_days and custom_key_store_id are refused (AWS KMS
	// API Reference, CreateKey, Origin; EnableKeyRotation;
	// ImportKeyMaterial). A key spec or usage other than the defaults needs
	// the AWS provider 6.11.0 or later. Changing it changes the key's
	// address, which destroys the key and creates a new one. Default: unset
	// (AWS_KMS).
	Origin Origin `json:"origin,omitempty"`

	// KeyMaterialBase64 is the key material of an EXTERNAL key,
	// base64-encoded, which Terraform imports (and re-imports when ValidTo
	// changes) into the key and its replicas: a reference to a sensitive
	// value only (a literal is refused, as a secret in the repository).
	// Terraform's state then holds the material in plain text, and the
	// construct warns about it. A symmetric encryption key's material must
	// be 256 bits (44 base64 characters), held at plan by a precondition
	// (AWS KMS Developer Guide, "Requirements for imported key material").
	// Changing it replaces the key. Takes a reference. Default: none (the
	// material is imported outside Terraform).
	KeyMaterialBase64 string `json:"key_material_base64,omitempty"`

	// KeyMaterialVariable declares a sensitive Terraform variable of that
	// name in the stack (a string, not nullable) and imports its value as
	// the key material, as KeyMaterialBase64 does: the way to give the
	// material from cdktf.json (TF_VAR_<name> at plan and apply). The name
	// is a Terraform variable name, unique in the stack. Default: none.
	KeyMaterialVariable string `json:"key_material_variable,omitempty"`

	// ValidTo is when the imported key material expires, an RFC 3339 date
	// and time (2027-06-30T00:00:00Z); AWS then deletes the material and
	// the key is unusable until it is imported again. Only with key
	// material given to Terraform. AWS takes a time in the future, at most
	// 365 days after the import (AWS KMS API Reference, ImportKeyMaterial,
	// ValidTo): it is checked when Terraform imports, at creation and when
	// the value changes. Takes a reference. Default: none (the material
	// does not expire).
	ValidTo string `json:"valid_to,omitempty"`

	// ReplicaRegions are regions to replicate a multi-Region key to: one
	// aws_kms_replica_key each, in the same stack, through an AWS provider
	// for that region (see ReplicaProviders). Each replica gets the key's
	// description, tags, deletion window, prevent_destroy and a key policy
	// rendered for its own region, and the key's aliases. Rule: requires
	// MultiRegion; regions of the key's partition, distinct, not the key's
	// own region. Default: none.
	ReplicaRegions []string `json:"replica_regions,omitempty"`

	// ReplicaProviders are AWS providers to create the replicas through,
	// by region (Go API only). A replica region without one here uses an
	// aliased provider the construct adds to the stack once per region
	// (alias "<region with _>", for example eu_central_1) and shares with
	// the stack's other keys. Default: none.
	ReplicaProviders map[string]provider.AwsProvider `json:"-"`

	// IsEnabled false creates the key (and its replicas) disabled. Default:
	// unset (enabled).
	IsEnabled *bool `json:"is_enabled,omitempty"`

	// Tags are extra tags, merged after Name and Environment. Keys: 1 to
	// 128 characters, not starting with "aws:"; values: at most 256; both
	// letters, digits, spaces and _ . : / = + - @. At most 50 tags in all.
	// Values take references (keys do not). Default: none.
	Tags map[string]string `json:"tags,omitempty"`

	// OverrideStandardTags lets Tags replace the Name and Environment tags.
	// Without it, a Name or Environment key in Tags is an error. Default:
	// false.
	OverrideStandardTags bool `json:"override_standard_tags,omitempty"`

	// ServicePrincipals are AWS service principals (s3.amazonaws.com,
	// delivery.logs.amazonaws.com, ...) allowed the key usage actions, in
	// one statement after the original ones. Default: none.
	ServicePrincipals []string `json:"service_principals,omitempty"`

	// ServicePrincipalsSourceAccount limits the ServicePrincipals statement
	// to requests a service makes on behalf of the key's own account
	// (condition StringEquals aws:SourceAccount), the confused-deputy
	// protection AWS documents. Only for services whose documentation gives
	// aws:SourceAccount for key policies (the table of docs/configuration.md,
	// "Service principals and their documented conditions", with the source
	// of each row) or that ServicePrincipalsConditionsAsserted names:
	// a condition on a key the service does not send would deny it.
	// Default: false.
	ServicePrincipalsSourceAccount bool `json:"service_principals_source_account,omitempty"`

	// ServicePrincipalsSourceArns limits the ServicePrincipals statement to
	// requests made on behalf of these resources (condition ArnLike
	// aws:SourceArn; wildcards allowed). Only for services whose
	// documentation gives aws:SourceArn (that table) or that
	// ServicePrincipalsConditionsAsserted names; each service of the table
	// needs an ARN of its own resources among them. Takes references.
	// Default: none.
	ServicePrincipalsSourceArns []string `json:"service_principals_source_arns,omitempty"`

	// ServicePrincipalsConditionsAsserted are service principals of
	// ServicePrincipals that are not in the table of documented conditions
	// and for which you assert that AWS documents
	// aws:SourceAccount and aws:SourceArn in key policies: the conditions
	// are added for them too, with a warning (if the service does not send
	// them, the key policy denies it). Default: none.
	ServicePrincipalsConditionsAsserted []string `json:"service_principals_conditions_asserted,omitempty"`

	// RestrictCloudWatchLogs limits the CloudWatch Logs statement of the
	// original module to log groups of the key's account and region, with
	// the condition ArnLike kms:EncryptionContext:aws:logs:arn
	// arn:<partition>:logs:<region>:<account>:log-group:* that AWS documents
	// for CloudWatch Logs. It changes an original statement, so it is off by
	// default. Default: false.
	RestrictCloudWatchLogs bool `json:"restrict_cloudwatch_logs,omitempty"`

	// KeyAdministrators are IAM or STS ARNs (same rules as
	// AdditionalPrincipals) that may manage the key (KeyAdministratorActions)
	// but not use it. A principal outside the key's account needs its
	// account in TrustedAccountIds. Takes references. Default: none.
	KeyAdministrators []string `json:"key_administrators,omitempty"`

	// KeyUsers may use the key for what its key usage allows, in one
	// statement with Sid "KeyUsers": encrypt and decrypt for symmetric keys
	// (the original module's usage actions), public-key encryption for RSA
	// and SM2 ENCRYPT_DECRYPT keys, sign and verify for SIGN_VERIFY keys,
	// generate and verify MACs for HMAC keys, derive shared secrets for
	// KEY_AGREEMENT keys (see UserActions). Same principal rules as
	// AdditionalPrincipals. Takes references. Default: none.
	KeyUsers []string `json:"key_users,omitempty"`

	// KeySymmetricEncryptionUsers may encrypt and decrypt with a symmetric
	// key (Sid "KeySymmetricEncryptionUsers"). Refused for other key specs.
	// Takes references. Default: none.
	KeySymmetricEncryptionUsers []string `json:"key_symmetric_encryption_users,omitempty"`

	// KeyAsymmetricPublicEncryptionUsers may encrypt and decrypt with an
	// RSA or SM2 ENCRYPT_DECRYPT key and read its public key (Sid
	// "KeyAsymmetricPublicEncryptionUsers"). Refused for other keys. Takes
	// references. Default: none.
	KeyAsymmetricPublicEncryptionUsers []string `json:"key_asymmetric_public_encryption_users,omitempty"`

	// KeyAsymmetricSignVerifyUsers may sign and verify with a SIGN_VERIFY
	// key and read its public key (Sid "KeyAsymmetricSignVerifyUsers").
	// Refused for other keys. Takes references. Default: none.
	KeyAsymmetricSignVerifyUsers []string `json:"key_asymmetric_sign_verify_users,omitempty"`

	// KeyHmacUsers may generate and verify MACs with an HMAC key (Sid
	// "KeyHmacUsers"). Refused for other keys. Takes references. Default:
	// none.
	KeyHmacUsers []string `json:"key_hmac_users,omitempty"`

	// KeyServiceUsers may create, list and revoke grants on the key for AWS
	// resources only (kms:GrantIsForAWSResource), as EBS, RDS and other
	// integrated services need (Sid "KeyServiceUsers"). A principal outside
	// the key's account needs its account in TrustedAccountIds. Takes
	// references. Default: none.
	KeyServiceUsers []string `json:"key_service_users,omitempty"`

	// KeyServiceRolesForAutoscaling are EC2 Auto Scaling service-linked
	// roles (arn:<partition>:iam::<account>:role/aws-service-role/
	// autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling...) that may use
	// the key for encrypted EBS volumes: the usage actions (Sid
	// "KeyServiceRolesForAutoscaling") and kms:CreateGrant for AWS resources
	// (Sid "KeyServiceRolesForAutoscalingGrants"), as AWS documents. Takes
	// references. Default: none.
	KeyServiceRolesForAutoscaling []string `json:"key_service_roles_for_autoscaling,omitempty"`

	// TrustedAccountIds are accounts other than AwsAccountId whose
	// principals may get more than the usage actions (key administrators,
	// key service users, extra statements with management actions or kms:*,
	// admin grants), may be named in the condition that pins a wildcard
	// principal, and may own the alarm topic. Without it, any of those for
	// another account is refused. AdditionalPrincipals keep the original
	// module's behaviour (any account, usage actions only). Trust does not
	// move the key's management: AWS KMS refuses PutKeyPolicy,
	// ScheduleKeyDeletion, EnableKey, TagResource and the other management
	// actions to another account's principals whatever the policies say,
	// so a key administrator there keeps only the actions AWS KMS accepts
	// across accounts: describing the key, reading its rotation status and
	// public key, and the grant actions (AWS KMS
	// Developer Guide, "AWS KMS permissions", column "Cross-account use":
	// https://docs.aws.amazon.com/kms/latest/developerguide/kms-api-permissions-reference.html;
	// the access report shows no more either). Default: none.
	TrustedAccountIds []string `json:"trusted_account_ids,omitempty"`

	// TrustedServicePrincipals are AWS service principals (like
	// dnssec-route53.amazonaws.com) that may get more than the usage actions:
	// management or grant actions in extra statements, or grant operations
	// (CreateGrant, RetireGrant) in native grants. Without it, a service
	// principal gets the usage actions only, whatever statement or grant
	// names it; name a service here only when its documentation asks for
	// more. Default: none.
	TrustedServicePrincipals []string `json:"trusted_service_principals,omitempty"`

	// CreateServiceLinkedRoles creates in the stack the service-linked roles
	// of the key's account that the key policy or a native grant names (an
	// ARN with the path /aws-service-role/<service>/, like
	// AWSServiceRoleForAutoScaling): one aws_iam_service_linked_role each,
	// for the service of the path and the custom suffix after "_" in the
	// name, at aws_iam_service_linked_role.<name>_slr_<role name>, and the
	// key waits for them (depends_on). AWS refuses a key policy that names a
	// principal that does not exist, and a service-linked role exists only
	// once its service has created it. Without it, each such role draws a
	// warning. Leave it off where the role exists already (creating it again
	// fails: the name is taken). Default: false.
	CreateServiceLinkedRoles bool `json:"create_service_linked_roles,omitempty"`

	// BypassPolicyLockoutSafetyCheck sets the key's
	// bypass_policy_lockout_safety_check. AWS's check refuses a policy that
	// would lock the caller out of the key; bypassing it risks an
	// unmanageable key. Only set it when you deliberately give up control of
	// the key policy. Default: false.
	BypassPolicyLockoutSafetyCheck bool `json:"bypass_policy_lockout_safety_check,omitempty"`

	// KeyPolicyResource writes the key policy as a resource of its own,
	// aws_kms_key_policy.<name>_policy (and each replica's as
	// aws_kms_key_policy.<name>_replica_<region>_policy), instead of the
	// key's policy argument, so that statements may name resources that use
	// the key (a role whose policy names the key, a log group, a bucket)
	// without a dependency cycle, which Terraform refuses (the AWS provider's
	// aws_kms_key_policy exists for this: a key created without a policy
	// gets the default one until the policy resource puts this one). The
	// policy's bytes are the same either way. Switching an existing key
	// replaces nothing: the key's policy argument is optional and computed,
	// so leaving it out changes nothing, and the new resource puts the same
	// policy (docs/migration.md, "The key policy as a resource of its
	// own", which also says how to switch back: the provider's delete of
	// aws_kms_key_policy puts AWS's default policy on the key, so the
	// resource is removed from the state first). Default: false.
	KeyPolicyResource bool `json:"key_policy_resource,omitempty"`

	// PreventDestroy sets Terraform's lifecycle prevent_destroy on the key
	// and its replicas: any plan that would destroy them fails. Default:
	// false.
	PreventDestroy bool `json:"prevent_destroy,omitempty"`

	// MovedFrom is the key's address in an existing state, for example
	// module.kms.aws_kms_key.general_encryption_key or
	// aws_kms_key.old_name: the construct emits a moved block so that
	// Terraform moves the key instead of replacing it, and one for every
	// other resource the key owns (aliases, replicas, roles, grants,
	// monitoring), from the address with the same suffix after the old name
	// (aws_kms_alias.<old name>_alias_x to aws_kms_alias.<name>_alias_x).
	// Terraform ignores a moved block whose source is not in the state.
	// Default: none.
	MovedFrom string `json:"moved_from,omitempty"`

	// ImportKeyId is the id or ARN of an existing key to adopt into a new
	// state: the construct emits an import block. Default: none.
	ImportKeyId string `json:"import_key_id,omitempty"`

	// Roles are predefined IAM roles for AWS services (Lambda functions, ECS
	// tasks) with an inline policy that allows exactly their access level on
	// this key. Default: none.
	Roles []RoleSpec `json:"roles,omitempty"`

	// Monitoring turns on key-usage alarms from CloudTrail events (see
	// MonitoringConfig). Default: nil (off).
	Monitoring *MonitoringConfig `json:"monitoring,omitempty"`

	// KmsGrants are native KMS grants on the key (aws_kms_grant), each
	// with its operations, grantee, retiring principal and constraints (see
	// KmsGrantSpec). Default: none.
	KmsGrants []KmsGrantSpec `json:"kms_grants,omitempty"`

	// ExtraPolicyStatements are extra key policy statements, appended after
	// the construct's statements. They are validated like the rest of the
	// policy: Effect Allow or Deny, documented kms: actions, Resource "*",
	// well-formed principals, a wildcard principal in an Allow only when a
	// condition pins the caller to this account or organization, management
	// actions to other accounts only with TrustedAccountIds, unique Sids, and
	// no Deny that may lock the account out. In cdktf.json they are JSON
	// statement objects. Principal and condition values take references.
	// Default: none.
	ExtraPolicyStatements []PolicyStatement `json:"extra_policy_statements,omitempty"`
}

// clone returns a deep copy, so that a caller changing its slices or maps
// after NewKmsKey does not change the construct.
func (c KmsKeyConfig) clone() KmsKeyConfig {
	c.AdditionalPrincipals = cloneList(c.AdditionalPrincipals)
	c.Aliases = normalizeAliases(c.Aliases)
	c.ReplicaRegions = cloneList(c.ReplicaRegions)
	c.ReplicaProviders = maps.Clone(c.ReplicaProviders)
	c.ServicePrincipals = cloneList(c.ServicePrincipals)
	c.ServicePrincipalsSourceArns = cloneList(c.ServicePrincipalsSourceArns)
	c.ServicePrincipalsConditionsAsserted = cloneList(c.ServicePrincipalsConditionsAsserted)
	c.KeyAdministrators = cloneList(c.KeyAdministrators)
	c.KeyUsers = cloneList(c.KeyUsers)
	c.KeySymmetricEncryptionUsers = cloneList(c.KeySymmetricEncryptionUsers)
	c.KeyAsymmetricPublicEncryptionUsers = cloneList(c.KeyAsymmetricPublicEncryptionUsers)
	c.KeyAsymmetricSignVerifyUsers = cloneList(c.KeyAsymmetricSignVerifyUsers)
	c.KeyHmacUsers = cloneList(c.KeyHmacUsers)
	c.KeyServiceUsers = cloneList(c.KeyServiceUsers)
	c.KeyServiceRolesForAutoscaling = cloneList(c.KeyServiceRolesForAutoscaling)
	c.TrustedAccountIds = cloneList(c.TrustedAccountIds)
	c.TrustedServicePrincipals = cloneList(c.TrustedServicePrincipals)
	c.Tags = maps.Clone(c.Tags)
	c.Roles = append([]RoleSpec(nil), c.Roles...)
	for i, r := range c.Roles {
		r.ManagedPolicyArns = cloneList(r.ManagedPolicyArns)
		r.Tags = maps.Clone(r.Tags)
		c.Roles[i] = r
	}
	if c.Monitoring != nil {
		m := *c.Monitoring
		m.AlarmEmails = cloneList(m.AlarmEmails)
		m.TamperExemptRoles = cloneList(m.TamperExemptRoles)
		c.Monitoring = &m
	}
	c.KmsGrants = append([]KmsGrantSpec(nil), c.KmsGrants...)
	for i, g := range c.KmsGrants {
		g.Operations = cloneList(g.Operations)
		g.GrantCreationTokens = cloneList(g.GrantCreationTokens)
		g.EncryptionContextEquals = maps.Clone(g.EncryptionContextEquals)
		g.EncryptionContextSubset = maps.Clone(g.EncryptionContextSubset)
		c.KmsGrants[i] = g
	}
	c.ExtraPolicyStatements = append([]PolicyStatement(nil), c.ExtraPolicyStatements...)
	for i, s := range c.ExtraPolicyStatements {
		c.ExtraPolicyStatements[i] = s.clone()
	}
	if c.EnableKeyRotation != nil {
		v := *c.EnableKeyRotation
		c.EnableKeyRotation = &v
	}
	if c.IsEnabled != nil {
		v := *c.IsEnabled
		c.IsEnabled = &v
	}
	return c
}

func cloneList(l []string) []string {
	if l == nil {
		return nil
	}
	return append([]string(nil), l...)
}

// outputName returns the name of one of the key's outputs.
func (c *KmsKeyConfig) outputName(suffix string) string {
	prefix := c.OutputPrefix
	if prefix == "" {
		prefix = DefaultOutputPrefix
	}
	return prefix + "_" + suffix
}

// keySpec returns the effective key spec.
func (c *KmsKeyConfig) keySpec() string {
	if c.CustomerMasterKeySpec == "" {
		return "SYMMETRIC_DEFAULT"
	}
	return string(c.CustomerMasterKeySpec)
}

// keyUsage returns the effective key usage.
func (c *KmsKeyConfig) keyUsage() string {
	if c.KeyUsage == "" {
		return "ENCRYPT_DECRYPT"
	}
	return string(c.KeyUsage)
}

// rotationEnabled says whether the key rotates: always for symmetric
// encryption keys, never for the others, nor for keys in a custom key store
// or with imported key material (AWS does not rotate them: AWS KMS API
// Reference, EnableKeyRotation).
func (c *KmsKeyConfig) rotationEnabled() bool {
	return c.keySpec() == "SYMMETRIC_DEFAULT" && c.CustomKeyStoreId == "" && !c.external()
}

// description returns the effective description.
func (c *KmsKeyConfig) description() string {
	if c.Description == "" {
		return KeyDescription
	}
	return c.Description
}
