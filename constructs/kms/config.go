package kms

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
type KmsKeyConfig struct {
	// AwsAccountId is the 12-digit id of the account that owns the key. Its
	// root principal gets full control of the key. Required.
	AwsAccountId string `json:"aws_account_id"`

	// AwsRegion is the region of the key, for example "eu-west-1". It picks
	// the CloudWatch Logs service principal (logs.<region>.amazonaws.com) and
	// the ARN partition ("aws-cn" for cn-*, "aws-us-gov" for us-gov-*).
	// Required.
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
	// assumed-role, in the key's partition) that may use the key for
	// cryptographic operations, one policy statement each, in order.
	// Default: none.
	AdditionalPrincipals []string `json:"additional_principals"`

	// OutputPrefix starts the names of the Terraform outputs the key
	// creates: <prefix>_key_arn (the original module's kms_key_arn), and
	// with aliases <prefix>_alias_names and <prefix>_alias_arns. Set it when
	// a stack holds more than one key. Default: "kms".
	OutputPrefix string `json:"output_prefix,omitempty"`

	// SkipOutputs creates no Terraform outputs. Default: false.
	SkipOutputs bool `json:"skip_outputs,omitempty"`

	// Aliases are alias names for the key, with or without the "alias/"
	// prefix (stored with it): one aws_kms_alias each. Services can refer to
	// the key by alias, which survives key replacement. Rule: alias/
	// followed by letters, digits, /, _ and -, at most 256 characters, never
	// alias/aws/..., unique within the stack. Default: none.
	Aliases []string `json:"aliases,omitempty"`

	// Description replaces the key's description. At most 8192 characters.
	// Default: the original module's description (KeyDescription).
	Description string `json:"description,omitempty"`

	// DeletionWindowInDays is how long a destroyed key waits before AWS
	// deletes it, 7 to 30. Default: unset, the provider's default (30).
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
	// KEY_AGREEMENT, in a pair with CustomerMasterKeySpec that AWS allows.
	// Changing it replaces the key. Default: unset (ENCRYPT_DECRYPT).
	KeyUsage string `json:"key_usage,omitempty"`

	// CustomerMasterKeySpec is the key spec (SYMMETRIC_DEFAULT, RSA_2048,
	// HMAC_256, ECC_NIST_P256, ...). Changing it replaces the key. Default:
	// unset (SYMMETRIC_DEFAULT).
	CustomerMasterKeySpec string `json:"customer_master_key_spec,omitempty"`

	// MultiRegion makes the key a multi-Region primary key. Changing it
	// replaces the key. Default: false.
	MultiRegion bool `json:"multi_region,omitempty"`

	// IsEnabled false creates the key disabled. Default: unset (enabled).
	IsEnabled *bool `json:"is_enabled,omitempty"`

	// Tags are extra tags, merged after Name and Environment. Keys: 1 to
	// 128 characters, not starting with "aws:"; values: at most 256; both
	// letters, digits, spaces and _ . : / = + - @. At most 50 tags in all.
	// Default: none.
	Tags map[string]string `json:"tags,omitempty"`

	// OverrideStandardTags lets Tags replace the Name and Environment tags.
	// Without it, a Name or Environment key in Tags is an error. Default:
	// false.
	OverrideStandardTags bool `json:"override_standard_tags,omitempty"`

	// ServicePrincipals are AWS service principals (s3.amazonaws.com,
	// delivery.logs.amazonaws.com, ...) allowed the key usage actions, in
	// one statement after the original ones. Default: none.
	ServicePrincipals []string `json:"service_principals,omitempty"`

	// KeyAdministrators are IAM or STS ARNs (same rules as
	// AdditionalPrincipals) that may manage the key (KeyAdministratorActions)
	// but not use it. Default: none.
	KeyAdministrators []string `json:"key_administrators,omitempty"`

	// BypassPolicyLockoutSafetyCheck sets the key's
	// bypass_policy_lockout_safety_check. AWS's check refuses a policy that
	// would lock the caller out of the key; bypassing it risks an
	// unmanageable key. Only set it when you deliberately give up control of
	// the key policy. Default: false.
	BypassPolicyLockoutSafetyCheck bool `json:"bypass_policy_lockout_safety_check,omitempty"`

	// PreventDestroy sets Terraform's lifecycle prevent_destroy on the key:
	// any plan that would destroy it fails. Default: false.
	PreventDestroy bool `json:"prevent_destroy,omitempty"`

	// MovedFrom is the key's address in an existing state, for example
	// module.kms.aws_kms_key.general_encryption_key: the construct emits a
	// moved block so that Terraform moves the key instead of replacing it.
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

	// ExtraPolicyStatements are extra key policy statements, each a JSON
	// object, appended after the construct's statements (Go API only). They
	// are validated: Effect Allow or Deny, kms: actions, Resource "*",
	// well-formed principals, a wildcard principal in an Allow only with a
	// Condition, unique Sids, and the policy linter (no lockout). Default:
	// none.
	ExtraPolicyStatements []string `json:"-"`
}

// clone returns a deep copy, so that a caller changing its slices after
// NewKmsKey does not change the construct.
func (c KmsKeyConfig) clone() KmsKeyConfig {
	c.AdditionalPrincipals = append([]string(nil), c.AdditionalPrincipals...)
	c.Aliases = normalizeAliases(c.Aliases)
	c.ServicePrincipals = append([]string(nil), c.ServicePrincipals...)
	c.KeyAdministrators = append([]string(nil), c.KeyAdministrators...)
	c.ExtraPolicyStatements = append([]string(nil), c.ExtraPolicyStatements...)
	c.Roles = append([]RoleSpec(nil), c.Roles...)
	for i, r := range c.Roles {
		r.ManagedPolicyArns = append([]string(nil), r.ManagedPolicyArns...)
		if r.Tags != nil {
			tags := make(map[string]string, len(r.Tags))
			for k, v := range r.Tags {
				tags[k] = v
			}
			r.Tags = tags
		}
		c.Roles[i] = r
	}
	if c.Tags != nil {
		tags := make(map[string]string, len(c.Tags))
		for k, v := range c.Tags {
			tags[k] = v
		}
		c.Tags = tags
	}
	if c.Monitoring != nil {
		m := *c.Monitoring
		m.AlarmEmails = append([]string(nil), m.AlarmEmails...)
		c.Monitoring = &m
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
	return c.CustomerMasterKeySpec
}

// keyUsage returns the effective key usage.
func (c *KmsKeyConfig) keyUsage() string {
	if c.KeyUsage == "" {
		return "ENCRYPT_DECRYPT"
	}
	return c.KeyUsage
}

// rotationEnabled says whether the key rotates: always for symmetric
// encryption keys, never for the others (AWS does not rotate them).
func (c *KmsKeyConfig) rotationEnabled() bool { return c.keySpec() == "SYMMETRIC_DEFAULT" }

// description returns the effective description.
func (c *KmsKeyConfig) description() string {
	if c.Description == "" {
		return KeyDescription
	}
	return c.Description
}
