// Command direct writes the app's own output with the fewest jsii requests:
// the stacks the bench's environments synthesize to (a key with a policy,
// an alias, three outputs, a provider constraint and a local backend a
// stack), made directly with the bindings, with nothing checked, looked up
// or kept. The bench checks that its stacks are byte for byte the app's, so
// the app against it is what the product itself costs, and it against the
// floor what the larger output costs through the jsii kernel.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf-kms/cdktf-kms/synth"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmsalias"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmskey"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

func main() {
	n := flag.Int("stacks", 3, "number of stacks (environments env0000, env0001, ...)")
	flag.Parse()
	err := synth.Run(func(context.Context) error { direct(*n); return nil })
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// usage is the six actions of the Logs principal and the additional
// principals (SPEC section 2).
const usage = `["kms:Encrypt","kms:Decrypt","kms:ReEncryptFrom","kms:ReEncryptTo","kms:GenerateDataKey*","kms:DescribeKey"]`

// policy is the key policy of the bench's environments (account
// 123456789012, eu-west-1, two additional principals), as the construct
// renders it.
const policy = `{"Statement":[{"Action":"kms:*","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Resource":"*"},` +
	`{"Action":` + usage + `,"Effect":"Allow","Principal":{"Service":"logs.eu-west-1.amazonaws.com"},"Resource":"*"},` +
	`{"Action":` + usage + `,"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/example-role"},"Resource":"*"},` +
	`{"Action":` + usage + `,"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/another-role"},"Resource":"*"}],"Version":"2012-10-17"}`

func direct(n int) {
	app := cdktf.NewApp(nil)
	for i := 0; i < n; i++ {
		env := fmt.Sprintf("env%04d", i)
		stack := cdktf.NewTerraformStack(app, jsii.String("kms-"+env))
		provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})
		stack.AddOverride(jsii.String("terraform.required_providers.aws.version"), ">= 5.84.0, < 7.0.0")
		node := constructs.NewConstruct(stack, jsii.String("general_encryption_key"))
		key := kmskey.NewKmsKey(node, jsii.String("Default"), &kmskey.KmsKeyConfig{
			Description:       jsii.String("General KMS key for encrypting CloudWatch logs, S3 buckets, and other resources"),
			EnableKeyRotation: jsii.Bool(true),
			Policy:            jsii.String(policy),
			Tags:              &map[string]*string{"Environment": jsii.String(env), "Name": jsii.String(env + "-general-encryption-key")},
		})
		name := "general_encryption_key_alias_" + env + "-general-encryption-key"
		alias := kmsalias.NewKmsAlias(node, jsii.String(name), &kmsalias.KmsAliasConfig{
			Name:        jsii.String("alias/" + env + "-general-encryption-key"),
			TargetKeyId: key.KeyId(),
		})
		alias.OverrideLogicalId(jsii.String(name))
		output := func(id string, value any) {
			cdktf.NewTerraformOutput(node, jsii.String(id), &cdktf.TerraformOutputConfig{Value: value, StaticId: jsii.Bool(true)})
		}
		output("kms_key_arn", key.Arn())
		output("kms_alias_names", []*string{alias.Name()})
		output("kms_alias_arns", []*string{alias.Arn()})
		cdktf.NewLocalBackend(stack, &cdktf.LocalBackendConfig{Path: jsii.String("../../../terraform.kms-" + env + ".tfstate")})
	}
	app.Synth()
}
