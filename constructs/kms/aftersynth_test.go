package kms_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// TestChangesAfterSynthAreRefused: after app.Synth() a change to a key
// (an alias, a grant, a statement, a new key or key reference in the
// stack) would not reach the output; each returns an error saying so, with
// and without the app's validations.
func TestChangesAfterSynthAreRefused(t *testing.T) {
	for _, skip := range []bool{false, true} {
		t.Run(map[bool]string{false: "validations", true: "skipValidation"}[skip], func(t *testing.T) {
			app := cdktf.NewApp(&cdktf.AppConfig{Outdir: jsii.String(filepath.Join(t.TempDir(), "out")), SkipValidation: jsii.Bool(skip)})
			stack := cdktf.NewTerraformStack(app, jsii.String("late"))
			provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})
			key := mustKey(t, stack, "kms", usageExample())
			role := iamrole.NewIamRole(stack, jsii.String("app"), &iamrole.IamRoleConfig{AssumeRolePolicy: jsii.String("{}")})
			app.Synth()
			before, err := os.ReadFile(filepath.Join(*app.Outdir(), "stacks", "late", "cdk.tf.json"))
			if err != nil {
				t.Fatal(err)
			}

			const says = "stack late has already been synthesized (app.Synth())"
			_, errAlias := key.AddAlias("late")
			_, errGrant := key.GrantDecrypt(kms.IamRoleGrantee(role))
			_, errActions := key.GrantActions(kms.RoleGrantee("arn:aws:iam::123456789012:role/x"), "kms:Decrypt")
			errStatement := key.AddToResourcePolicy(kms.PolicyStatement{Effect: "Allow", Principal: map[string]kms.OneOrMany{"AWS": {"arn:aws:iam::123456789012:role/x"}},
				Action: kms.OneOrMany{"kms:Decrypt"}, Resource: kms.OneOrMany{"*"}})
			_, errKey := kms.NewKmsKey(stack, "second", usageExample())
			_, errRef := kms.FromKeyArn(stack, "ref", "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")
			for name, err := range map[string]error{"AddAlias": errAlias, "GrantDecrypt": errGrant, "GrantActions": errActions,
				"AddToResourcePolicy": errStatement, "NewKmsKey": errKey, "FromKeyArn": errRef} {
				if err == nil || !strings.Contains(err.Error(), says) {
					t.Errorf("%s after Synth: %v; want an error saying %q", name, err, says)
				}
			}
			// A new stack of the synthesized app: a key there would be
			// missing from the output as well.
			later := cdktf.NewTerraformStack(app, jsii.String("later"))
			if _, err := kms.NewKmsKey(later, "kms", usageExample()); err == nil || !strings.Contains(err.Error(), "the app of stack later has already been synthesized") {
				t.Errorf("NewKmsKey in a new stack after Synth: %v", err)
			}
			app.Synth()
			after, err := os.ReadFile(filepath.Join(*app.Outdir(), "stacks", "late", "cdk.tf.json"))
			if err != nil {
				t.Fatal(err)
			}
			if string(before) != string(after) {
				t.Errorf("a refused change reached the output")
			}
		})
	}
}
