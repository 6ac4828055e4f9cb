// Command consumer is a CDKTF Go app of its own that uses the cdktf-kms
// construct the way a platform team would: a key with an alias and a
// predefined Lambda role, and a CloudWatch log group encrypted with the key.
//
//	cd examples/consumer && go run .     # or: npx cdktf synth
package main

import (
	"fmt"
	"os"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
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

func main() {
	os.Exit(run())
}

func run() int {
	defer jsii.Close()
	app := cdktf.NewApp(nil)
	if _, err := newLogsStack(app, "orders-logs"); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		return 1
	}
	app.Synth()
	return 0
}
