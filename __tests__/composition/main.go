// Command composition is the composition test app: a CDKTF app of its own
// that composes the KmsKey construct with the rest of an app the way a Go
// CDKTF team does, and that __tests__ synthesizes (JSON and HCL) and
// compares with its golden output.
//
//   - composition-app: a role, a CloudTrail log group, an alarm topic, a log
//     group and an S3 bucket in the same stack wired to a key (references as
//     principals, monitoring inputs and encryption keys), literal strings
//     with template syntax, a key nested in the user's own construct, a
//     second key, and a key created elsewhere (FromAlias);
//   - composition-consumer: a second stack that uses the key's ARN (cdktf
//     makes it a cross-stack reference);
//   - composition-env-a and composition-env-b: two environment stacks that
//     grant the same shared role, without overwriting each other's policy.
//
// Run it from a folder of its own: it writes cdktf.out there (or to
// CDKTF_OUTDIR).
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
	"github.com/cdktf-kms/cdktf-kms/synth"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchloggroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucket"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketserversideencryptionconfiguration"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/snstopic"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

const (
	account = "123456789012"
	region  = "eu-west-1"
)

func main() {
	os.Exit(synth.Main(synth.Options{}, func(ctx context.Context, app cdktf.App) error { return build(app) }))
}

// newStack adds a stack with the AWS provider and local state next to the
// app (a relative path, so the output does not depend on the folder).
func newStack(app cdktf.App, name string) cdktf.TerraformStack {
	stack := cdktf.NewTerraformStack(app, jsii.String(name))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String(region)})
	cdktf.NewLocalBackend(stack, &cdktf.LocalBackendConfig{Path: jsii.String("../../../terraform." + name + ".tfstate")})
	return stack
}

const lambdaTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

func build(app cdktf.App) error {
	stack := newStack(app, "composition-app")
	role := iamrole.NewIamRole(stack, jsii.String("app"), &iamrole.IamRoleConfig{
		Name:             jsii.String("orders-app"),
		AssumeRolePolicy: jsii.String(lambdaTrust),
	})
	trail := cloudwatchloggroup.NewCloudwatchLogGroup(stack, jsii.String("trail"), &cloudwatchloggroup.CloudwatchLogGroupConfig{
		Name: jsii.String("aws-cloudtrail-logs-" + account),
	})
	alerts := snstopic.NewSnsTopic(stack, jsii.String("alerts"), &snstopic.SnsTopicConfig{Name: jsii.String("security-alerts")})

	key, err := kms.NewKmsKey(stack, "main", &kms.KmsKeyConfig{
		AwsAccountId:         account,
		AwsRegion:            region,
		NamePrefix:           "orders",
		Environment:          "prod",
		AdditionalPrincipals: []string{*role.Arn(), "arn:aws:iam::" + account + ":role/${team}/%{legacy}/reader"},
		Description:          `Orders data: ${not_a_reference} and %{ if x }not a directive%{ endif }`,
		Aliases:              []string{"orders-main"},
		KeyIdOutput:          true,
		Monitoring: &kms.MonitoringConfig{
			CloudtrailLogGroupName: *trail.Name(),
			SnsTopicArn:            *alerts.Arn(),
		},
	})
	if err != nil {
		return fmt.Errorf("key main: %w", err)
	}
	if _, err := key.GrantDecrypt(kms.IamRoleGrantee(role)); err != nil {
		return err
	}
	if _, err := key.GrantEncrypt(kms.RoleGrantee(*role.Name())); err != nil {
		return err
	}
	cloudwatchloggroup.NewCloudwatchLogGroup(stack, jsii.String("app_logs"), &cloudwatchloggroup.CloudwatchLogGroupConfig{
		Name:     jsii.String("/orders/prod"),
		KmsKeyId: key.KeyArn(),
	})
	encryptedBucket(stack, "data", "orders-prod-data", key.KeyArn())

	// A key nested in the user's own construct, and a second key directly
	// in the stack.
	platform := constructs.NewConstruct(stack, jsii.String("platform"))
	if _, err := kms.NewKmsKey(platform, "kms", &kms.KmsKeyConfig{
		AwsAccountId: account, AwsRegion: region, NamePrefix: "platform", Environment: "prod",
		OutputPrefix: "platform", KeyUsers: []string{*role.Arn()},
	}); err != nil {
		return fmt.Errorf("key platform/kms: %w", err)
	}
	audit, err := kms.NewKmsKey(stack, "audit", &kms.KmsKeyConfig{
		AwsAccountId: account, AwsRegion: region, NamePrefix: "audit", Environment: "prod",
		OutputPrefix: "audit", Aliases: []string{"orders-audit"},
	})
	if err != nil {
		return fmt.Errorf("key audit: %w", err)
	}
	if _, err := audit.AddAlias("orders-audit-v2"); err != nil {
		return err
	}
	// A key made elsewhere, by alias.
	legacy, err := kms.FromAlias(stack, "legacy", "alias/orders-legacy")
	if err != nil {
		return err
	}
	if _, err := legacy.GrantDecrypt(kms.IamRoleGrantee(role)); err != nil {
		return err
	}

	// A second stack that uses the key's ARN.
	consumer := newStack(app, "composition-consumer")
	encryptedBucket(consumer, "reports", "orders-prod-reports", key.KeyArn())

	// Two environment stacks that grant the same shared role.
	for _, env := range []string{"a", "b"} {
		s := newStack(app, "composition-env-"+env)
		k, err := kms.NewKmsKey(s, "general_encryption_key", &kms.KmsKeyConfig{
			AwsAccountId: account, AwsRegion: region, NamePrefix: "env-" + env, Environment: env,
			Aliases: []string{"env-" + env + "-general-encryption-key"},
		})
		if err != nil {
			return fmt.Errorf("environment %s: %w", env, err)
		}
		if _, err := k.GrantDecrypt(kms.RoleGrantee("shared-reader")); err != nil {
			return fmt.Errorf("environment %s: %w", env, err)
		}
	}
	return nil
}

// encryptedBucket adds an S3 bucket (id) whose default encryption is the
// key (id_sse).
func encryptedBucket(scope constructs.Construct, id, name string, keyArn *string) {
	bucket := s3bucket.NewS3Bucket(scope, jsii.String(id), &s3bucket.S3BucketConfig{Bucket: jsii.String(name)})
	s3bucketserversideencryptionconfiguration.NewS3BucketServerSideEncryptionConfigurationA(scope, jsii.String(id+"_sse"),
		&s3bucketserversideencryptionconfiguration.S3BucketServerSideEncryptionConfigurationAConfig{
			Bucket: bucket.Id(),
			Rule: &[]*s3bucketserversideencryptionconfiguration.S3BucketServerSideEncryptionConfigurationRuleA{{
				ApplyServerSideEncryptionByDefault: &s3bucketserversideencryptionconfiguration.S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA{
					SseAlgorithm:   jsii.String("aws:kms"),
					KmsMasterKeyId: keyArn,
				},
			}},
		})
}
