// Command readme is the example of the README's "Using the construct from
// your own app", kept here so that it compiles with the code and a test runs
// it (and checks that the README shows exactly this file).
package main

import (
	"fmt"
	"os"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchloggroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

func main() { os.Exit(run()) }

// run closes the jsii runtime on every path: os.Exit or log.Fatal in main
// would skip a deferred Close and leave the node process and its temp folder.
func run() int {
	defer jsii.Close()
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("orders"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})
	role := iamrole.NewIamRole(stack, jsii.String("app"), &iamrole.IamRoleConfig{
		Name:             jsii.String("orders-app"),
		AssumeRolePolicy: jsii.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`),
	})

	key, err := kms.NewKmsKey(stack, "orders_key", &kms.KmsKeyConfig{
		AwsAccountId: "123456789012",
		AwsRegion:    "eu-west-1",
		NamePrefix:   "orders",
		Environment:  "prod",
		Aliases:      []string{"orders"},
		KeyUsers:     []string{*role.Arn()}, // a reference to a resource of the same app
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err) // every problem at once; nothing was added
		return 1
	}
	if _, err := key.GrantDecrypt(role); err != nil { // an inline policy on the role, for this key only
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	cloudwatchloggroup.NewCloudwatchLogGroup(stack, jsii.String("app_logs"), &cloudwatchloggroup.CloudwatchLogGroupConfig{
		Name:     jsii.String("/orders/prod"),
		KmsKeyId: key.KeyArn(),
	})
	app.Synth()
	return 0
}
