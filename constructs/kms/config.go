package kms

// DefaultArnOutputName is the name of the Terraform output that holds the
// key's ARN, as in the original module.
const DefaultArnOutputName = "kms_key_arn"

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

	// ArnOutputName names the Terraform output that holds the key's ARN.
	// Set it when a stack holds more than one key. Default: "kms_key_arn".
	ArnOutputName string `json:"arn_output_name,omitempty"`

	// SkipArnOutput creates no ARN output. Default: false (the output is
	// created).
	SkipArnOutput bool `json:"skip_arn_output,omitempty"`
}

// clone returns a deep copy, so that a caller changing its slices after
// NewKmsKey does not change the construct.
func (c KmsKeyConfig) clone() KmsKeyConfig {
	c.AdditionalPrincipals = append([]string(nil), c.AdditionalPrincipals...)
	return c
}

// arnOutputName returns the effective name of the ARN output.
func (c KmsKeyConfig) arnOutputName() string {
	if c.ArnOutputName == "" {
		return DefaultArnOutputName
	}
	return c.ArnOutputName
}
