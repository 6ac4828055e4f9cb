//go:build e2e

package deploy

import (
	"slices"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/cdktf-kms/cdktf-kms/__tests__/deploy/internal/readback"
	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
)

// TestAliasReference applies a key whose alias name holds a reference (the
// name of a role of the stack: "alias/${aws_iam_role.namer.name}") beside a
// literal alias: the apply, a second plan with no changes, and the aliases
// read back from the emulator. (Replica aliases take the same name and are
// planned only: the emulator has no replica keys; constructs/kms tests
// their addresses.)
func TestAliasReference(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	dir := t.TempDir()
	synthApp(t, dir, func(stack cdktf.TerraformStack) error {
		namer := lambdaRole(stack, "namer", "orders-from-reference")
		_, err := kms.NewKmsKey(stack, "orders_key", &kms.KmsKeyConfig{
			AwsAccountId: "123456789012", AwsRegion: "eu-west-1", NamePrefix: "orders", Environment: "prod",
			Aliases: []string{"alias/orders-literal", "alias/" + *namer.Name()},
		})
		return err
	})
	st := e.loadProject(t, dir).stack(t, "moving")
	st.skipValidate = true
	if !e.up(t, st) {
		return
	}
	defer e.down(t, st)
	want := []string{"alias/orders-from-reference", "alias/orders-literal"}
	got, err := readback.Aliases(testContext(t), e.clients.KMS("eu-west-1"), keyIDIn(t, st.state, "aws_kms_key.orders_key"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("aliases of the key: %v, want %v", got, want)
	}
}

// lambdaRole is an IAM role that Lambda may assume, with its Terraform
// name id and its IAM name name.
func lambdaRole(stack cdktf.TerraformStack, id, name string) iamrole.IamRole {
	return iamrole.NewIamRole(stack, jsii.String(id), &iamrole.IamRoleConfig{
		Name:             jsii.String(name),
		AssumeRolePolicy: jsii.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`),
	})
}
