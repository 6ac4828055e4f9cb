// Command floor is the benchmark's floor: the least a Go CDKTF app with the
// same prebuilt AWS bindings can do for the same number of stacks. Each stack
// holds only the AWS provider, one aws_kms_key with a key policy, one alias
// and one output (the resources of the shipped environments, made directly
// with the bindings). The difference between the app and this program is
// what cdktf-kms adds.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf-kms/cdktf-kms/synth"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmsalias"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmskey"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

func main() {
	n := flag.Int("stacks", 3, "number of stacks")
	flag.Parse()
	// synth.Run, as every program of the project that starts the runtime:
	// its temp files are removed and an interrupt ends it cleanly.
	err := synth.Run(func(context.Context) error { floor(*n); return nil })
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// policy is a key policy like the shipped environments' (the account root).
const policy = `{"Version":"2012-10-17","Statement":[{"Sid":"EnableRootPermissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"}]}`

func floor(n int) {
	app := cdktf.NewApp(nil)
	for i := 0; i < n; i++ {
		stack := cdktf.NewTerraformStack(app, jsii.String(fmt.Sprintf("floor-%d", i)))
		provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})
		key := kmskey.NewKmsKey(stack, jsii.String("key"), &kmskey.KmsKeyConfig{Policy: jsii.String(policy)})
		kmsalias.NewKmsAlias(stack, jsii.String("alias"), &kmsalias.KmsAliasConfig{
			Name:        jsii.String(fmt.Sprintf("alias/floor-%d", i)),
			TargetKeyId: key.KeyId(),
		})
		cdktf.NewTerraformOutput(stack, jsii.String("kms_key_arn"), &cdktf.TerraformOutputConfig{Value: key.Arn()})
	}
	app.Synth()
}
