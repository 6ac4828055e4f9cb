package kms_test

import (
	"fmt"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchloggroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// The usage example of the original module: a key for the dev environment
// with two roles allowed to use it.
func ExampleNewKmsKey() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("kms-dev"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})

	key, err := kms.NewKmsKey(stack, "general_encryption_key", &kms.KmsKeyConfig{
		AwsAccountId: "123456789012",
		AwsRegion:    "eu-west-1",
		NamePrefix:   "dev",
		Environment:  "dev",
		AdditionalPrincipals: []string{
			"arn:aws:iam::123456789012:role/example-role",
			"arn:aws:iam::123456789012:role/another-role",
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(key.Address())
	fmt.Println(key.OutputNames())
	fmt.Println(len(key.Policy().Statement), "policy statements")
	// Output:
	// aws_kms_key.general_encryption_key
	// [kms_key_arn]
	// 4 policy statements
}

// Encrypting another resource with the key: pass the ARN token.
func ExampleKmsKey_KeyArn() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("logs"))
	key, err := kms.NewKmsKey(stack, "logs_key", &kms.KmsKeyConfig{
		AwsAccountId: "123456789012", AwsRegion: "eu-west-1", NamePrefix: "logs", Environment: "prod",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	cloudwatchloggroup.NewCloudwatchLogGroup(stack, jsii.String("app"), &cloudwatchloggroup.CloudwatchLogGroupConfig{
		Name:     jsii.String("/app/prod"),
		KmsKeyId: key.KeyArn(),
	})
	fmt.Println(*cdktf.Testing_Synth(stack, nil) != "")
	// Output: true
}

// Aliases, a predefined role and monitoring, from the Go API.
func ExampleKmsKeyConfig_options() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("kms-prod"))
	key, err := kms.NewKmsKey(stack, "general_encryption_key", &kms.KmsKeyConfig{
		AwsAccountId:   "123456789012",
		AwsRegion:      "eu-west-1",
		NamePrefix:     "prod",
		Environment:    "prod",
		Aliases:        []string{"prod-general-encryption-key"},
		PreventDestroy: true,
		Roles:          []kms.RoleSpec{{Service: "ecs-tasks", Access: kms.AccessDecrypt}},
		Monitoring: &kms.MonitoringConfig{
			CloudtrailLogGroupName: "aws-cloudtrail-logs-123456789012",
			AlarmEmails:            []string{"security@example.com"},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(key.Aliases())
	fmt.Println(key.Roles()[0].Name)
	fmt.Println(key.AlarmNames())
	// Output:
	// [alias/prod-general-encryption-key]
	// prod-prod-ecs-tasks-kms
	// [prod-prod-general-encryption-key-decrypt-volume prod-prod-general-encryption-key-encrypt-volume prod-prod-general-encryption-key-unauthorized prod-prod-general-encryption-key-disable-or-delete]
}

// Granting access: to a role resource of the same app (the policy refers to
// it, so Terraform orders them), to an existing role by name, and to a role
// in another account (through the key policy; the IAM side is theirs).
func ExampleKmsKey_GrantDecrypt() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("grants"))
	key, err := kms.NewKmsKey(stack, "kms", &kms.KmsKeyConfig{
		AwsAccountId: "123456789012", AwsRegion: "eu-west-1", NamePrefix: "app", Environment: "prod",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	reader := iamrole.NewIamRole(stack, jsii.String("reader"), &iamrole.IamRoleConfig{
		Name:             jsii.String("billing-reader"),
		AssumeRolePolicy: jsii.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`),
	})
	g, err := key.GrantDecrypt(kms.IamRoleGrantee(reader))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(g.PolicyName, g.Actions)
	g, _ = key.GrantEncrypt(kms.RoleGrantee("legacy-writer"))
	fmt.Println(g.PolicyName)
	g, _ = key.GrantDecrypt(kms.RoleGrantee("arn:aws:iam::210987654321:role/auditor"))
	fmt.Println(g.Policy == nil, len(key.Policy().Statement), "key policy statements")
	// Output:
	// kms-grants-kms-decrypt [kms:Decrypt]
	// kms-grants-kms-encrypt
	// true 3 key policy statements
}

// Validation reports every problem at once, each naming the field.
func ExampleKmsKeyConfig_Validate() {
	cfg := &kms.KmsKeyConfig{
		AwsAccountId:         "1234",
		AwsRegion:            "eu-west-1",
		NamePrefix:           "dev",
		Environment:          "dev",
		AdditionalPrincipals: []string{"*"},
	}
	for _, fe := range kms.FieldErrors(cfg.Validate()) {
		fmt.Println(fe)
	}
	// Output:
	// AwsAccountId: "1234": must be exactly 12 digits
	// AdditionalPrincipals[0]: "*": wildcards are not allowed in principals; name a specific account, role or user
}
