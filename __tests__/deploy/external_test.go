//go:build e2e

package deploy

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	kmssdk "github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/cdktf-kms/cdktf-kms/__tests__/deploy/internal/readback"
	"github.com/cdktf-kms/cdktf-kms/__tests__/deploy/internal/tfresult"
	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
)

// TestExternalKey applies a key whose material the user brings (origin
// EXTERNAL), its material to be imported outside Terraform, with an alias,
// a native grant and an IAM grant: the apply, a second plan with no
// changes, and the key read back from the emulator (origin EXTERNAL, the
// code's policy, its alias). A second stack gives the material to
// Terraform through a sensitive variable, with an expiry and a replica:
// the emulator cannot import material (the imported-key-material gap), so
// it is validated and planned with the real provider, not applied.
func TestExternalKey(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	t.Run("material imported outside Terraform", func(t *testing.T) {
		dir := t.TempDir()
		synthApp(t, dir, func(stack cdktf.TerraformStack) error {
			reader := lambdaRole(stack, "reader", "byok-reader")
			key, err := kms.NewKmsKey(stack, "byok", &kms.KmsKeyConfig{
				AwsAccountId: "123456789012", AwsRegion: "eu-west-1", NamePrefix: "byok", Environment: "prod",
				Origin:    kms.OriginExternal,
				Aliases:   []string{"alias/byok"},
				KmsGrants: []kms.KmsGrantSpec{{Name: "batch", GranteePrincipal: "arn:aws:iam::123456789012:role/batch", Operations: []string{"Decrypt"}}},
			})
			if err != nil {
				return err
			}
			_, err = key.GrantDecrypt(kms.IamRoleGrantee(reader))
			return err
		})
		st := e.loadProject(t, dir).stack(t, "moving")
		st.skipValidate = true
		if !e.up(t, st) {
			return
		}
		defer e.down(t, st)
		ctx := testContext(t)
		r, ok := tfresult.StateResources(st.state)["aws_kms_external_key.byok"]
		if !ok {
			t.Fatal("no aws_kms_external_key.byok in the state")
		}
		id, _ := r.AttributeValues["id"].(string)
		client := e.clients.KMS("eu-west-1")
		d, err := client.DescribeKey(ctx, &kmssdk.DescribeKeyInput{KeyId: aws.String(id)})
		if err != nil {
			t.Fatal(err)
		}
		if d.KeyMetadata.Origin != kmstypes.OriginTypeExternal {
			t.Errorf("origin %s, want EXTERNAL", d.KeyMetadata.Origin)
		}
		policy := e.keyPolicyOf(t, id)
		want, _ := st.doc.Resources("aws_kms_external_key")["byok"]["policy"].(string)
		if !sameJSONText(t, policy, want) {
			t.Errorf("policy in the emulator:\n%s\nthe code's:\n%s", policy, want)
		}
		aliases, err := readback.Aliases(ctx, client, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(aliases) != 1 || aliases[0] != "alias/byok" {
			t.Errorf("aliases %v", aliases)
		}
	})
	t.Run("material given to Terraform", func(t *testing.T) {
		dir := t.TempDir()
		synthApp(t, dir, func(stack cdktf.TerraformStack) error {
			// A default stands in for TF_VAR_byok_material: the plan runs
			// without input.
			material := cdktf.NewTerraformVariable(stack, jsii.String("byok_material"), &cdktf.TerraformVariableConfig{
				Type: jsii.String("string"), Sensitive: jsii.Bool(true),
				Default: jsii.String("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="),
			})
			_, err := kms.NewKmsKey(stack, "byok", &kms.KmsKeyConfig{
				AwsAccountId: "123456789012", AwsRegion: "eu-west-1", NamePrefix: "byok", Environment: "prod",
				Origin:            kms.OriginExternal,
				KeyMaterialBase64: *material.StringValue(),
				ValidTo:           "2027-06-30T00:00:00Z",
				MultiRegion:       true, ReplicaRegions: []string{"us-east-1"},
			})
			return err
		})
		st := e.loadProject(t, dir).stack(t, "moving")
		st.skipValidate = true
		if e.up(t, st) {
			e.down(t, st)
		}
		for _, a := range []string{"aws_kms_external_key.byok", "aws_kms_replica_external_key.byok_replica_us_east_1"} {
			if !slices.Contains(st.excluded, a) {
				t.Errorf("%s was not left out of the apply for the imported-key-material gap: %v", a, st.excluded)
			}
		}
	})
}

// sameJSONText says whether two JSON documents hold the same value.
func sameJSONText(t *testing.T, a, b string) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal([]byte(a), &x); err != nil {
		t.Fatalf("not JSON: %v: %s", err, a)
	}
	if err := json.Unmarshal([]byte(b), &y); err != nil {
		t.Fatalf("not JSON: %v: %s", err, b)
	}
	return reflect.DeepEqual(x, y)
}
