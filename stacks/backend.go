package stacks

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// Backend selects where a stack keeps its Terraform state. The zero value
// (or a nil *Backend) keeps cdktf's default: a local state file.
type Backend struct {
	// S3 keeps the state in an S3 bucket. Default: unset (local state).
	S3 *S3Backend `json:"s3,omitempty"`
}

// S3Backend is Terraform's S3 backend, with encryption and locking on by
// default.
type S3Backend struct {
	// Bucket is the name of an existing S3 bucket. Required.
	Bucket string `json:"bucket"`
	// Key is the state object's key, for example "kms/prod.tfstate".
	// Required; no leading or trailing "/".
	Key string `json:"key"`
	// Region is the bucket's region. Default: the environment's aws_region.
	Region string `json:"region,omitempty"`
	// Encrypt turns on server-side encryption of the state object.
	// Default: true.
	Encrypt *bool `json:"encrypt,omitempty"`
	// UseLockfile locks the state with an S3 lock file (Terraform 1.10 and
	// later). Default: true unless DynamodbTable is set.
	UseLockfile *bool `json:"use_lockfile,omitempty"`
	// DynamodbTable locks the state with this DynamoDB table (the older
	// locking method). Default: none.
	DynamodbTable string `json:"dynamodb_table,omitempty"`
}

var (
	// bucketPattern is S3's rule for general purpose bucket names: 3 to 63
	// lowercase letters, digits, dots and hyphens, starting and ending with a
	// letter or digit.
	bucketPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	// dynamodbTablePattern is DynamoDB's rule for table names.
	dynamodbTablePattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{3,255}$`)
)

// validate returns the problems of an S3 backend, each naming its key.
func (b *S3Backend) validate() []error {
	var errs []error
	bad := func(key string, value any, rule string, args ...any) {
		errs = append(errs, &kms.FieldError{
			Field: "Backend.S3." + key, Key: "backend.s3." + key, Value: value, Rule: fmt.Sprintf(rule, args...),
		})
	}
	if !bucketPattern.MatchString(b.Bucket) || strings.Contains(b.Bucket, "..") {
		bad("bucket", b.Bucket, "must be an S3 bucket name: 3 to 63 lowercase letters, digits, . and -, starting and ending with a letter or digit")
	}
	switch {
	case strings.TrimSpace(b.Key) == "":
		bad("key", b.Key, "is required: the state object's key, for example kms/prod.tfstate")
	case strings.HasPrefix(b.Key, "/") || strings.HasSuffix(b.Key, "/"):
		bad("key", b.Key, "must not start or end with /")
	case len(b.Key) > 1024:
		bad("key", b.Key, "is %d characters long; S3 keys are at most 1024", len(b.Key))
	}
	if b.Region != "" {
		if _, ok := kms.PartitionOf(b.Region); !ok {
			bad("region", b.Region, "must be an AWS region name such as eu-west-1")
		}
	}
	if b.DynamodbTable != "" && !dynamodbTablePattern.MatchString(b.DynamodbTable) {
		bad("dynamodb_table", b.DynamodbTable, "must be a DynamoDB table name: 3 to 255 letters, digits, _, . and -")
	}
	if b.UseLockfile != nil && !*b.UseLockfile && b.DynamodbTable == "" {
		bad("use_lockfile", false, "state must be locked: keep use_lockfile on or set dynamodb_table")
	}
	return errs
}

// add configures the stack's S3 backend; region is the default bucket region.
func (b *S3Backend) add(stack cdktf.TerraformStack, region string) {
	if b.Region != "" {
		region = b.Region
	}
	encrypt := b.Encrypt == nil || *b.Encrypt
	cfg := &cdktf.S3BackendConfig{
		Bucket:  jsii.String(b.Bucket),
		Key:     jsii.String(b.Key),
		Region:  jsii.String(region),
		Encrypt: jsii.Bool(encrypt),
	}
	if b.DynamodbTable != "" {
		cfg.DynamodbTable = jsii.String(b.DynamodbTable)
	}
	backend := cdktf.NewS3Backend(stack, cfg)
	// cdktf 0.20 predates use_lockfile; the override writes it into the
	// backend block all the same.
	if b.UseLockfile != nil && *b.UseLockfile || b.UseLockfile == nil && b.DynamodbTable == "" {
		backend.AddOverride(jsii.String("use_lockfile"), true)
	}
}
