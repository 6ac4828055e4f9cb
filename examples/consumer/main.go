// Command consumer is a CDKTF Go app of its own that uses the cdktf-kms
// construct the way a platform team would: a key with an alias and a
// predefined Lambda role, and a CloudWatch log group encrypted with the key.
//
//	cd examples/consumer && go run .     # or: npx cdktf synth
package main

import (
	"context"
	"os"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
	"github.com/cdktf-kms/cdktf-kms/synth"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchloggroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

const (
	account = "123456789012"
	region  = "eu-west-1"
)

// newLogsStack builds a stack with a key for application logs and a log
// group encrypted with it.
func newLogsStack(scope constructs.Construct, id string) (cdktf.TerraformStack, error) {
	stack := cdktf.NewTerraformStack(scope, jsii.String(id))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String(region)})
	if err := kms.SetAwsProviderConstraint(stack, kms.DefaultAwsProviderConstraint); err != nil {
		return nil, err
	}

	key, err := kms.NewKmsKey(stack, "logs_key", &kms.KmsKeyConfig{
		AwsAccountId: account,
		AwsRegion:    region,
		NamePrefix:   "orders",
		Environment:  "prod",
		Aliases:      []string{"orders-logs"},
		Roles: []kms.RoleSpec{{
			Service:           "lambda",
			Access:            kms.AccessDecrypt,
			ManagedPolicyArns: []string{"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"},
		}},
		PreventDestroy: true,
	})
	if err != nil {
		return nil, err
	}

	// CloudWatch Logs needs the key's ARN (not an alias); the original key
	// policy already lets logs.<region>.amazonaws.com use the key.
	cloudwatchloggroup.NewCloudwatchLogGroup(stack, jsii.String("orders_logs"), &cloudwatchloggroup.CloudwatchLogGroupConfig{
		Name:            jsii.String("/orders/prod"),
		RetentionInDays: jsii.Number(365),
		KmsKeyId:        key.KeyArn(),
	})
	cdktf.NewTerraformOutput(stack, jsii.String("reader_role_arn"), &cdktf.TerraformOutputConfig{
		Value: key.Roles()[0].Arn(),
	})
	return stack, nil
}

// synth.Main writes cdktf.out only when everything succeeded, and on
// Ctrl-C stops the jsii runtime, removes its temp files and keeps the
// previous output.
func main() {
	os.Exit(synth.Main(synth.Options{}, func(ctx context.Context, app cdktf.App) error {
		_, err := newLogsStack(app, "orders-logs")
		return err
	}))
}
