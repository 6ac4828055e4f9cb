// Command readme is the example of the README's "Using the construct from
// your own app", kept here so that it compiles with the code and a test runs
// it (and checks that the README shows exactly this file).
package main

import (
	"context"
	"os"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
	"github.com/cdktf-kms/cdktf-kms/synth"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchloggroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// synth.Main synthesizes into cdktf.out only when build and the synth
// succeed, prints the constructs' warnings, and on Ctrl-C stops the jsii
// runtime, removes its temp files and keeps the previous output.
func main() { os.Exit(synth.Main(synth.Options{}, build)) }

func build(ctx context.Context, app cdktf.App) error {
	stack := cdktf.NewTerraformStack(app, jsii.String("orders"))
	// Local state in the project folder, by a path relative to the stack's
	// folder cdktf.out/stacks/orders: cdktf's default path is absolute, so
	// the JSON would differ between checkouts.
	cdktf.NewLocalBackend(stack, &cdktf.LocalBackendConfig{Path: jsii.String("../../../terraform.orders.tfstate")})
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})
	// The AWS provider releases cdktf-kms is tested with (the bindings
	// alone pin exactly 5.84.0).
	if err := kms.SetAwsProviderConstraint(stack, kms.DefaultAwsProviderConstraint); err != nil {
		return err
	}
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
		return err // every problem at once; nothing was added, nothing is written
	}
	if _, err := key.GrantDecrypt(kms.IamRoleGrantee(role)); err != nil { // an inline policy on the role, for this key only
		return err
	}
	cloudwatchloggroup.NewCloudwatchLogGroup(stack, jsii.String("app_logs"), &cloudwatchloggroup.CloudwatchLogGroupConfig{
		Name:     jsii.String("/orders/prod"),
		KmsKeyId: key.KeyArn(),
	})
	return nil
}
